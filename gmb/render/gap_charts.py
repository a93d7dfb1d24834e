"""Per-group charts for the residents' page: each segment's outcome under each scenario, and the gap in words.

On a map with segments (``segments:``, :mod:`gmb.maps.segments`) ``gmb simulate`` writes each
segment's copy of a per-segment outcome (read by :func:`gmb.render.charts.read_results` under the
copy's id). For each such outcome this gives, per scenario (the baseline first), one line per segment
and the gap at the horizon (best-off minus worst-off, :func:`gmb.sd.gaps.gap`) with its verdict
against the baseline's gap, said in plain words in every language
(:func:`gmb.render.wording.gap_sentence`): "Forskellen mellem børn i socialt udsatte familier og øvrige
børn bliver mindre". The worst- and best-off segments are those of the baseline at the horizon.

Example
-------
>>> import tempfile, pathlib
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo")
>>> cmap.add_variable("mood", {"da": "Humør", "en": "Mood"})
>>> _ = cmap.set_outcome(["mood"])
>>> cmap.meta["segments"] = {"exposed": {"label": {"da": "Udsatte børn", "en": "Exposed children"}, "share": 0.2},
...                          "others": {"label": {"da": "Øvrige børn", "en": "Other children"}, "share": 0.8}}
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> rows = ["baseline,0,mood,exposed,0.8", "baseline,12,mood,exposed,0.8", "baseline,0,mood,others,1",
...         "baseline,12,mood,others,1", "push,0,mood,exposed,0.8", "push,12,mood,exposed,0.9",
...         "push,0,mood,others,1", "push,12,mood,others,1.05"]
>>> _ = (folder / "results.csv").write_text("scenario,time,variable,segment,value\\n" + "\\n".join(rows))
>>> chart = segment_charts(cmap, folder, ["da", "en"])[0]
>>> [s["scenario"] for s in chart["scenarios"]], chart["scenarios"][1]["verdict"]
(['baseline', 'push'], 'narrows')
>>> chart["scenarios"][1]["sentence"]["da"]
'Forskellen mellem udsatte børn og øvrige børn bliver mindre'
"""

from __future__ import annotations

import os

import numpy as np

from gmb.maps.causalmap import CausalMap
from gmb.maps.segments import copy_id
from gmb.render.charts import BASELINE, read_results, scenario_names
from gmb.render.stories import lower_label
from gmb.render.wording import gap_sentence
from gmb.sd.gaps import gap_row

__all__ = ["segment_charts"]


def segment_charts(cmap: CausalMap, folder: str | os.PathLike, languages: list[str],
                   scenarios: str | os.PathLike | None = None) -> list[dict]:
    """One chart per per-segment outcome found in the results (none for a map without segments)."""
    block = cmap.meta.get("segments")
    if not isinstance(block, dict) or not block:
        return []
    segments = list(block)
    shares = {s: float((block[s] or {}).get("share") or 0) for s in segments}
    labels = {s: {lang: cmap.text((block[s] or {}).get("label"), lang, default=s) for lang in languages}
              for s in segments}
    table = read_results(folder)
    names, unit = scenario_names(scenarios, languages) if scenarios is not None else ({}, None)
    charts = []
    for var in cmap.outcome:
        copies = {s: table.get(copy_id(var, s)) for s in segments}
        if not all(copies.values()) or BASELINE not in copies[segments[0]]:
            continue
        runs = [name for name in copies[segments[0]] if all(name in copies[s] for s in segments)]
        runs.sort(key=lambda name: name != BASELINE)
        end = {name: {s: copies[s][name][-1][1] for s in segments} for name in runs}
        worst, best = min(segments, key=end[BASELINE].get), max(segments, key=end[BASELINE].get)
        values = [v for s in segments for name in runs for _, v in copies[s][name]]
        series = []
        for name in runs:
            row = gap_row(end[name], end[BASELINE], shares)
            verdict = "narrows" if row["narrows"] else "widens" if row["widens"] else "same"
            series.append({
                "scenario": name, "label": names.get(name),
                "times": [_round(t) for t, _ in copies[segments[0]][name]],
                "lines": {s: [_round(v) for _, v in copies[s][name]] for s in segments},
                "gap": _round(row["gap"]), "gapChange": _round(row["gap_change"]), "verdict": verdict,
                "sentence": {lang: gap_sentence(lower_label(labels[worst][lang]), lower_label(labels[best][lang]),
                                                verdict, lang) for lang in languages},
            })
        charts.append({"variable": var, "label": {lang: cmap.label(var, lang) for lang in languages},
                       "unit": unit, "segments": [{"id": s, "label": labels[s]} for s in segments],
                       "worst": worst, "best": best, "min": _round(min(values)), "max": _round(max(values)),
                       "scenarios": series})
    return charts


def _round(x: float) -> float:
    return float(f"{float(np.float64(x)):.6g}")
