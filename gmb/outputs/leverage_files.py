"""What ``gmb leverage`` and ``gmb ideas rank`` report: JSON-ready summaries, and the files they write.

The files of a directory are written together and atomically (:func:`gmb.outputs.staging.staged_directory`):
``leverage.csv``, ``leverage.json`` and ``leverage.png`` (ranked effects with 5–95 % intervals) for
leverage, with ``pairwise.csv`` (how often each of the top candidates has more effect than each other,
:mod:`gmb.leverage.pairwise`) and, when a screening was run, ``sensitivity.csv`` (the judgements
that move the ranking most, :mod:`gmb.leverage.sensitivity`, each described in words by
:func:`factor_text`); ``ideas.csv``, ``synergy.csv``, ``ideas.json``, ``ideas.png`` (impact × feasibility) and
``leverage.png`` for an idea bank; on a map with segments also ``equity.png`` (average gain × change of
the gap between the groups, :mod:`gmb.render.equity_plots`). The CSV files are for people (:mod:`gmb.outputs.tables`): in the
output language (Danish: ``;`` and decimal commas), numbers rounded as the printed tables round them,
a label beside every id. The JSON files are the analysts': every number in full, signed as simulated,
beside the columns people read, and the caveat (``caveat``) in the language of its labels. Nothing
depends on the time or the machine, so a run with the same ``--seed`` gives the same bytes.

Example
-------
>>> import tempfile, pathlib
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.leverage.ranking import leverage
>>> cmap = CausalMap.new("demo", ["en"])
>>> for var in ("sport", "friends", "mood"):
...     cmap.add_variable(var, var.title(), adjust_time=2)
>>> _ = cmap.add_link("sport", "mood", "+")
>>> _ = cmap.add_link("friends", "mood", "+", strength="weak")
>>> result = leverage(cmap, "mood", samples=10, seed=2, horizon=12, workers=1)
>>> report = leverage_report(result, cmap)
>>> report["samples"], report["seed"], report["candidates"][0]["id"], report["candidates"][0]["direction"]
(10, 2, 'sport', 'increase')
>>> report["caveat"]
'A comparison between scenarios of a hand-drawn map — not a forecast'
>>> out = pathlib.Path(tempfile.mkdtemp()) / "lev"
>>> [p.name for p in write_leverage(result, cmap, out)]
['leverage.csv', 'leverage.json', 'leverage.png', 'pairwise.csv']
>>> report["pairwise"][0]["a"], report["pairwise"][0]["b"], report["pairwise"][0]["p_a_more"]
('sport', 'friends', 1.0)
>>> factor_text({"kind": "adjust_time", "variable": "mood"}, cmap, "da")
"hvor hurtigt 'Mood' tilpasser sig"
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from gmb.leverage.ideas import IdeaRanking
from gmb.leverage.pairwise import pairwise
from gmb.leverage.results import Leverage
from gmb.leverage.sensitivity import Sensitivity
from gmb.maps.causalmap import CausalMap
from gmb.outputs.staging import staged_directory
from gmb.outputs.tables import pairwise_csv, ranking_csv, sensitivity_csv, synergy_csv
from gmb.render.wording import caveat, checks_note, press_note, uncertainty_notes, words

__all__ = ["leverage_report", "ideas_report", "write_leverage", "write_ideas", "factor_text", "COLUMNS"]

COLUMNS = ("group", "rank", "id", "label", "kind", "direction", "effect", "effect_p05", "effect_p95", "p_direction",
           "p_top3", "magnitude_rank", "median", "p05", "p95", "p_positive", "press", "press_rank")
"""The leading keys of a candidate in ``leverage.json``: the ranking people read (``effect`` is that of a
push in ``direction``), then the signed effect; the other measure's median and interval follow."""
_IDEA_COLUMNS = ("feasibility", "cost", "working_group", "pareto")
_PAIRWISE_COLUMNS = ("a", "b", "a_label", "b_label", "a_direction", "b_direction", "p_a_more", "p_b_more", "p_tie",
                     "samples")
_SENSITIVITY_COLUMNS = ("factor", "text", "kind", "source", "target", "variable", "idea", "moves")
_FACTOR_WORDS = {
    "da": {"strength": "styrken af '{source} → {target}'", "presence": "om '{source} → {target}' findes",
           "sign": "fortegnet på '{source} → {target}'", "adjust_time": "hvor hurtigt '{variable}' tilpasser sig",
           "scale": "tallene bag styrkeklasserne (alle links på én gang)",
           "idea": "hvor stærkt idéen '{idea}' virker på '{variable}'"},
    "en": {"strength": "the strength of '{source} → {target}'", "presence": "whether '{source} → {target}' exists",
           "sign": "the sign of '{source} → {target}'", "adjust_time": "how fast '{variable}' adjusts",
           "scale": "the numbers behind the strength classes (all links at once)",
           "idea": "how strongly the idea '{idea}' acts on '{variable}'"},
}


def leverage_report(result: Leverage, cmap: CausalMap, lang: str | None = None, measure: str = "final",
                    sensitivity: Sensitivity | None = None) -> dict:
    """The run's settings and one entry per candidate (actions, then states, each largest effect first),
    labels and the caveat in ``lang`` (default: the map's first language); ``pairwise``, the pairwise
    table of the top candidates (none when there is no ranking to show), and ``sensitivity``, the
    screening's factors by importance (None if none was run)."""
    lang = lang or cmap.languages[0]
    rows = result.table(measure)
    used = result.samples - result.excluded
    for row in rows:
        row["label"] = cmap.text(row["label"], lang, default=row["id"])
        row |= {"samples_used": used, "samples_excluded": result.excluded}
    return {"language": lang, "caveat": caveat(lang), "outcome": result.outcome, "outcome_label": cmap.label(result.outcome, lang), "measure": measure,
            "samples": result.samples, "seed": result.seed, "horizon_months": result.horizon,
            "dt_months": result.dt, "push": result.push, "structure": result.structure,
            "uncertainty": _notes(result, cmap, lang), "warnings": result.warnings,
            "checks": {"unstable": result.unstable, "not_at_rest": result.not_at_rest, "unchecked": result.unchecked,
                       "excluded": result.excluded, "used": used, "unstable_share": result.unstable / result.samples},
            "flags": result.flags, "press_note": result.press_note or None,
            "candidates": [_ordered(row) for row in rows],
            "pairwise": [] if result.flags or len(rows) < 2 else _pairwise(result, rows, measure),
            "sensitivity": None if sensitivity is None else _sensitivity(sensitivity, cmap, lang, rows),
            "segments": _segments(result, cmap, lang)}


def _segments(result: Leverage, cmap: CausalMap, lang: str) -> dict | None:
    """The groups of children the gap columns compare (None without segments)."""
    block = cmap.meta.get("segments") if result.effects.gap is not None else None
    if not block:
        return None
    return {"gap": "best-off minus worst-off group of the outcome at the horizon; the change is against each "
                   "sample's baseline, for a push the way shown (an idea: carried out); negative narrows it",
            "groups": [{"id": s, "label": cmap.text(e.get("label"), lang, default=s), "share": e["share"]}
                       for s, e in block.items()]}


def _pairwise(result: Leverage, rows: list[dict], measure: str) -> list[dict]:
    labels = {row["id"]: row["label"] for row in rows}
    return [{key: (row | {"a_label": labels[row["a"]], "b_label": labels[row["b"]]})[key] for key in _PAIRWISE_COLUMNS}
            for row in pairwise(result, measure=measure).rows()]


def _sensitivity(found: Sensitivity, cmap: CausalMap, lang: str, rows: list[dict]) -> dict:
    labels = {row["id"]: row["label"] for row in rows}
    factors = [row | {"text": factor_text(row, cmap, lang), "moves_label": labels.get(row["moves"], row["moves"])}
               for row in found.rows()]
    return {"method": found.method, "output": "share of each screened candidate in their combined effect",
            "candidates": found.ids, "versions": found.versions, "dropped": found.dropped, "seed": found.seed,
            "factors": [{key: row[key] for key in _SENSITIVITY_COLUMNS} | row for row in factors]}


def factor_text(factor: dict, cmap: CausalMap, lang: str | None = None) -> str:
    """A screened judgement (a row of :meth:`gmb.leverage.sensitivity.Sensitivity.rows`) in words a
    facilitator understands, with the map's labels in ``lang``."""
    names = {key: cmap.label(factor[key], lang) for key in ("source", "target", "variable")
             if factor.get(key) is not None}
    return words(_FACTOR_WORDS, lang)[factor["kind"]].format(idea=factor.get("idea"), **names)


def _notes(result: Leverage, cmap: CausalMap, lang: str) -> list[str]:
    """``result.notes`` in ``lang``: what was drawn, what the checks left out, why the press rank is missing."""
    from gmb.leverage.uncertainty import MapUncertainty
    from gmb.sd.spec import build_spec

    drawn = MapUncertainty(cmap, build_spec(cmap, unknown_links="include"), result.structure).facts()
    checked = result.effects.checks is not None
    notes = uncertainty_notes(drawn, lang) + [checks_note(result.samples, result.unstable, result.not_at_rest,
                                                          result.unchecked, result.excluded, lang, checked)]
    return notes + ([press_note(result.press_note, lang)] if result.press_note else [])


def ideas_report(ranking: IdeaRanking, cmap: CausalMap, lang: str | None = None, measure: str = "final") -> dict:
    """:func:`leverage_report` of the ideas, with feasibility, cost, working group and the Pareto
    front, and ``pairs``: each pair's synergy."""
    report = leverage_report(ranking.leverage, cmap, lang, measure)
    del report["push"]
    rows = {row["id"]: row for row in ranking.table(measure)}
    for entry in report["candidates"]:
        row = rows[entry["id"]]
        entry |= {key: row[key] for key in _IDEA_COLUMNS}
        entry["working_group"] = cmap.text(row["working_group"], lang) or None
        idea = ranking.bank.idea(entry["id"])
        entry |= {"offer": idea.offer, "reach": idea.reach}
    report["ideas_file"] = ranking.bank.path
    report["pairs"] = ranking.synergy(measure)
    return report


def write_leverage(result: Leverage, cmap: CausalMap, out_dir: str | os.PathLike, lang: str | None = None,
                   measure: str = "final", sensitivity: Sensitivity | None = None) -> list[Path]:
    """Write ``leverage.csv``, ``leverage.json``, ``leverage.png``, ``pairwise.csv`` (if there is a
    ranking) and ``sensitivity.csv`` (if ``sensitivity`` is given); returns their paths."""
    lang = lang or cmap.languages[0]
    report = leverage_report(result, cmap, lang, measure, sensitivity)
    files = {"leverage.csv": ranking_csv(report), "leverage.json": _json(report)}
    if report["pairwise"]:
        files["pairwise.csv"] = pairwise_csv(report)
    if sensitivity is not None:
        files["sensitivity.csv"] = sensitivity_csv(report)
    plots = {"leverage.png": lambda path: _effects_png(report, path, lang)}
    return _write(out_dir, files, plots | _equity_png(report, lang))


def write_ideas(ranking: IdeaRanking, cmap: CausalMap, out_dir: str | os.PathLike, lang: str | None = None,
                measure: str = "final") -> list[Path]:
    """Write ``ideas.csv``, ``synergy.csv``, ``ideas.json``, ``ideas.png`` and ``leverage.png``."""
    from gmb.render.leverage_plots import plot_feasibility

    lang = lang or cmap.languages[0]
    report = ideas_report(ranking, cmap, lang, measure)
    files = {"ideas.csv": ranking_csv(report, ideas=True), "synergy.csv": synergy_csv(report),
             "ideas.json": _json(report)}
    plots = {"ideas.png": lambda path: plot_feasibility(report["candidates"], path, report["outcome_label"],
                                                        report["horizon_months"], report["samples"], lang, measure),
             "leverage.png": lambda path: _effects_png(report, path, lang)}
    return _write(out_dir, files, plots | _equity_png(report, lang))


def _ordered(row: dict) -> dict:
    first = {key: row[key] for key in COLUMNS}
    return first | {key: value for key, value in row.items() if key not in first}


def _json(report: dict) -> str:
    return json.dumps({"generator": "gmb"} | report, ensure_ascii=False, indent=2) + "\n"


def _effects_png(report: dict, path: Path, lang: str | None) -> None:
    from gmb.render.leverage_plots import plot_effects

    plot_effects(report["candidates"], path, report["outcome_label"], report["horizon_months"], report["samples"],
                 lang, report["measure"])


def _equity_png(report: dict, lang: str | None) -> dict:
    """``equity.png`` (average gain × change of the gap) on a map with segments, else nothing."""
    from gmb.render.equity_plots import plot_equity

    if not report.get("segments"):
        return {}
    return {"equity.png": lambda path: plot_equity(report["candidates"], path, report["outcome_label"], lang)}


def _write(out_dir, files: dict[str, str], plots: dict) -> list[Path]:
    with staged_directory(out_dir) as stage:
        for name, text in files.items():
            (stage / name).write_text(text, encoding="utf-8")
        for name, draw in plots.items():
            draw(stage / name)
    return [Path(out_dir) / name for name in sorted([*files, *plots])]
