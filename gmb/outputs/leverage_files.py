"""What ``gmb leverage`` and ``gmb ideas rank`` report: JSON-ready summaries, and the files they write.

The files of a directory are written together and atomically (:func:`gmb.outputs.staging.staged_directory`):
``leverage.csv``, ``leverage.json`` and ``leverage.png`` (ranked effects with 5–95 % intervals) for
leverage; ``ideas.csv``, ``synergy.csv``, ``ideas.json``, ``ideas.png`` (impact × feasibility) and
``leverage.png`` for an idea bank. Numbers are written in full (``repr``) with a decimal point, signed
as simulated, beside the columns people read (group, direction, the effect of a push that way), and
nothing in them depends on the time or the machine, so a run with the same ``--seed`` gives the same
bytes. The JSON report carries the caveat (``caveat``) in the language of its labels; the CSV files
are for analysts and carry none (the PNG and the printed table do).

Example
-------
>>> import tempfile, pathlib
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.leverage.ranking import leverage
>>> cmap = CausalMap.new("demo", ["en"])
>>> for var in ("sport", "mood"):
...     cmap.add_variable(var, var.title(), adjust_time=2)
>>> _ = cmap.add_link("sport", "mood", "+")
>>> result = leverage(cmap, "mood", samples=10, seed=2, horizon=12, workers=1)
>>> report = leverage_report(result, cmap)
>>> report["samples"], report["seed"], report["candidates"][0]["id"], report["candidates"][0]["direction"]
(10, 2, 'sport', 'increase')
>>> report["caveat"]
'A comparison between scenarios of a hand-drawn map — not a forecast'
>>> out = pathlib.Path(tempfile.mkdtemp()) / "lev"
>>> [p.name for p in write_leverage(result, cmap, out)]
['leverage.csv', 'leverage.json', 'leverage.png']
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from gmb.leverage.ideas import IdeaRanking
from gmb.leverage.ranking import Leverage
from gmb.maps.causalmap import CausalMap
from gmb.outputs.staging import staged_directory
from gmb.render.wording import caveat

__all__ = ["leverage_report", "ideas_report", "write_leverage", "write_ideas", "COLUMNS"]

COLUMNS = ("group", "rank", "id", "label", "kind", "direction", "effect", "effect_p05", "effect_p95", "p_direction",
           "p_top3", "magnitude_rank", "median", "p05", "p95", "p_positive", "press", "press_rank")
"""The leading columns of ``leverage.csv``: the ranking people read (``effect`` is that of a push in
``direction``), then the signed effect; the other measure's median and interval follow."""
_IDEA_COLUMNS = ("feasibility", "cost", "working_group", "pareto")
_PAIR_COLUMNS = ("a", "b", "combined", "sum", "synergy", "p05", "p95", "p_positive", "verdict")


def leverage_report(result: Leverage, cmap: CausalMap, lang: str | None = None, measure: str = "final") -> dict:
    """The run's settings and one entry per candidate (actions, then states, each largest effect first),
    labels and the caveat in ``lang`` (default: the map's first language)."""
    lang = lang or cmap.languages[0]
    rows = result.table(measure)
    used = result.samples - result.excluded
    for row in rows:
        row["label"] = cmap.text(row["label"], lang, default=row["id"])
        row |= {"samples_used": used, "samples_excluded": result.excluded}
    return {"language": lang, "caveat": caveat(lang), "outcome": result.outcome, "outcome_label": cmap.label(result.outcome, lang), "measure": measure,
            "samples": result.samples, "seed": result.seed, "horizon_months": result.horizon,
            "dt_months": result.dt, "push": result.push, "structure": result.structure,
            "uncertainty": result.notes, "warnings": result.warnings,
            "checks": {"unstable": result.unstable, "not_at_rest": result.not_at_rest, "unchecked": result.unchecked,
                       "excluded": result.excluded, "used": used, "unstable_share": result.unstable / result.samples},
            "flags": result.flags, "press_note": result.press_note or None,
            "candidates": [_ordered(row) for row in rows]}


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
    report["ideas_file"] = ranking.bank.path
    report["pairs"] = ranking.synergy(measure)
    return report


def write_leverage(result: Leverage, cmap: CausalMap, out_dir: str | os.PathLike, lang: str | None = None,
                   measure: str = "final") -> list[Path]:
    """Write ``leverage.csv``, ``leverage.json`` and ``leverage.png``; returns their paths."""
    lang = lang or cmap.languages[0]
    report = leverage_report(result, cmap, lang, measure)
    files = {"leverage.csv": _csv(report["candidates"]), "leverage.json": _json(report)}
    return _write(out_dir, files, {"leverage.png": lambda path: _effects_png(report, path, lang)})


def write_ideas(ranking: IdeaRanking, cmap: CausalMap, out_dir: str | os.PathLike, lang: str | None = None,
                measure: str = "final") -> list[Path]:
    """Write ``ideas.csv``, ``synergy.csv``, ``ideas.json``, ``ideas.png`` and ``leverage.png``."""
    from gmb.render.leverage_plots import plot_feasibility

    lang = lang or cmap.languages[0]
    report = ideas_report(ranking, cmap, lang, measure)
    files = {"ideas.csv": _csv(report["candidates"]), "synergy.csv": _csv(report["pairs"], _PAIR_COLUMNS),
             "ideas.json": _json(report)}
    plots = {"ideas.png": lambda path: plot_feasibility(report["candidates"], path, report["outcome_label"],
                                                        report["horizon_months"], report["samples"], lang, measure),
             "leverage.png": lambda path: _effects_png(report, path, lang)}
    return _write(out_dir, files, plots)


def _ordered(row: dict) -> dict:
    first = {key: row[key] for key in COLUMNS}
    return first | {key: value for key, value in row.items() if key not in first}


def _csv(rows: list[dict], columns=None) -> str:
    columns = list(columns or rows[0])
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(row.get(key)) for key in columns] for row in rows)
    return table.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _json(report: dict) -> str:
    return json.dumps({"generator": "gmb"} | report, ensure_ascii=False, indent=2) + "\n"


def _effects_png(report: dict, path: Path, lang: str | None) -> None:
    from gmb.render.leverage_plots import plot_effects

    plot_effects(report["candidates"], path, report["outcome_label"], report["horizon_months"], report["samples"],
                 lang, report["measure"])


def _write(out_dir, files: dict[str, str], plots: dict) -> list[Path]:
    with staged_directory(out_dir) as stage:
        for name, text in files.items():
            (stage / name).write_text(text, encoding="utf-8")
        for name, draw in plots.items():
            draw(stage / name)
    return [Path(out_dir) / name for name in sorted([*files, *plots])]
