"""The CSV tables people open in a spreadsheet: ``summary.csv``, the centrality table, ``leverage.csv``,
``ideas.csv``, ``pairwise.csv``, ``sensitivity.csv`` and ``synergy.csv``.

Each is written in the output language in the dialect of :mod:`gmb.maps.excel_csv` (Danish: ``;`` and
decimal commas), with a label beside every id and the words of the console tables. Numbers are rounded
to what they mean, as the console shows them (:mod:`gmb.render.numbers`): effects and changes to two
significant figures, probabilities as percents with two significant figures, levels and centralities to
fixed decimals, counts and ranks whole. The full-precision numbers stay in the analysts' files
(``results.csv``, ``leverage.json``, ``ideas.json``; ``gmb analyze --json``).

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.analysis.centrality import centrality_table
>>> cmap = CausalMap.new("demo", ["da", "en"])
>>> cmap.add_variable("sleep", {"da": "Søvn", "en": "Sleep"})
>>> cmap.add_variable("mood", {"da": "Humør", "en": "Mood"})
>>> _ = cmap.add_link("sleep", "mood", "+")
>>> print(centrality_csv(centrality_table(cmap), cmap, "da").removeprefix("\\ufeff"), end="")
id;navn;ind-grad;ud-grad;grad;mellemhed;nærhed;rækkevidde;løkker
sleep;Søvn;0;1;1;0,000;1,000;1;0
mood;Humør;1;0;1;0,000;0,000;0;0
"""

from __future__ import annotations

import math

from gmb.maps.causalmap import CausalMap
from gmb.maps.excel_csv import COLUMNS, figure, people_csv
from gmb.render.numbers import chance, decimals_for, fixed, percent, significant
from gmb.render.wording import caveat, direction_word, quadrant_words, words
from gmb.sd.reach import offer_label
from gmb.sd.simulate import Results

__all__ = ["summary_csv", "centrality_csv", "ranking_csv", "pairwise_csv", "sensitivity_csv", "synergy_csv"]

_CENTRALITY = ("id", "label", "in_degree", "out_degree", "degree", "betweenness", "closeness", "reach", "loops")
_RANKING = ("group", "rank", "id", "label", "direction", "effect", "effect_p05", "effect_p95", "p_direction",
            "p_top3", "press_rank")
_IDEAS = ("feasibility", "cost", "working_group", "pareto")
_GAPS = ("gap_median", "gap_p05", "gap_p95", "p_narrows", "gap_rank", "gap_quadrant")
_WORDS = {
    "da": {"group": {"action": "tiltag", "state": "tilstand"}, "yes": "ja", "no": "nej",
           "gap": {"narrows": "mindre", "widens": "større", "same": "uændret"},
           "cost": {"low": "lav", "medium": "middel", "high": "høj"},
           "verdict": {"synergy": "synergi", "interference": "modvirkning", "uncertain": "usikker",
                       "additive": "lægges sammen"}},
    "en": {"group": {"action": "action", "state": "state"}, "yes": "yes", "no": "no",
           "gap": {"narrows": "narrows", "widens": "widens", "same": "unchanged"},
           "cost": {"low": "low", "medium": "medium", "high": "high"},
           "verdict": {"synergy": "synergy", "interference": "interference", "uncertain": "uncertain",
                       "additive": "additive"}},
}
"""The words of the tables' cells (other languages get English)."""


def _effect(value: float | None, lang: str | None):
    return figure(None if value is None else significant(value, lang, sign=True))


def _chance(value: float | None, lang: str | None):
    return figure(None if value is None else chance(value, lang))


def summary_csv(results: Results, cmap: CausalMap, lang: str) -> str:
    """``summary.csv``: per outcome and scenario, ids beside labels, the level at the horizon for the
    baseline and the scenario (as precise as the changes), the change (two significant figures), the
    change in percent, and the caveat in a last ``note`` column."""
    labels = {s.name: cmap.text(s.label, lang, default=s.name) for s in results.plan.scenarios}
    rows, note = results.summary(), caveat(lang)
    decimals = {var: max(2, *(decimals_for(r["change"]) for r in rows if r["outcome"] == var))
                for var in results.outcomes}
    table = []
    for row in rows:
        var = row["outcome"]
        level = decimals[var]
        table.append([var, cmap.label(var, lang), row["scenario"], labels[row["scenario"]],
                      figure(fixed(row["baseline"], level, lang)), figure(fixed(row["value"], level, lang)),
                      _effect(row["change"], lang),
                      figure(None if math.isnan(row["percent"]) else percent(row["percent"], lang, sign=True)), note])
    keys = ("outcome", "outcome_label", "scenario", "scenario_label", "baseline", "value", "change", "percent", "note")
    if results.spec.segmentation:
        return _with_gaps(results, cmap, lang, keys, table)
    return people_csv(keys, table, lang)


def _with_gaps(results: Results, cmap: CausalMap, lang: str, keys: tuple, table: list[list]) -> str:
    """summary.csv of a map with segments: before the note, the kind of action, each group's value (a column
    named by the group), the gap and its change, the ratio and its change, and whether the gap narrows."""
    seg = results.spec.segmentation
    gaps = {(row["outcome"], row["scenario"]): row for row in results.gaps()}
    said = words(_WORDS, lang)
    value = COLUMNS["value"][0 if lang == "da" else 1]
    groups = [f"{value}: {seg.label(cmap, s, lang)}" for s in seg.ids]
    extra = ("offer", *groups, "gap", "gap_change", "ratio", "ratio_change", "gap_verdict")
    rows = []
    for cells, key in zip(table, [(r["outcome"], r["scenario"]) for r in results.summary()]):
        found = gaps.get(key)
        if found is None:  # an outcome that is shared: one value for the town, no gap
            rows.append(cells[:-1] + [None] * (len(extra)) + cells[-1:])
            continue
        verdict = "narrows" if found["narrows"] else "widens" if found["widens"] else "same"
        rows.append(cells[:-1] + [
            offer_label(found["offer"], lang) or None,
            *(figure(fixed(found["segments"][s], 3, lang)) for s in seg.ids),
            figure(fixed(found["gap"], 3, lang)), _effect(found["gap_change"], lang),
            figure(fixed(found["ratio"], 3, lang)), _effect(found["ratio_change"], lang),
            said["gap"][verdict]] + cells[-1:])
    return people_csv((*keys[:-1], *extra, keys[-1]), rows, lang)


def centrality_csv(rows: list[dict], cmap: CausalMap, lang: str) -> str:
    """The centrality table of :func:`gmb.analysis.centrality.centrality_table`: labels in ``lang``,
    betweenness and closeness to three decimals (as ``gmb analyze`` prints them), counts whole."""
    return people_csv(_CENTRALITY, [[row["id"], cmap.label(row["id"], lang)]
                                    + [figure(fixed(row[key], 3, lang)) if isinstance(row[key], float) else row[key]
                                       for key in _CENTRALITY[2:]] for row in rows], lang)


def ranking_csv(report: dict, ideas: bool = False) -> str:
    """``leverage.csv`` or (``ideas``) ``ideas.csv`` from :func:`gmb.outputs.leverage_files.leverage_report`:
    the ranking as ``gmb leverage`` prints it, an idea's feasibility, cost, working group, place on the
    front and kind of action beside it, and on a map with segments the change of the gap between the
    groups (median, 5–95 %, P(narrows), the rank by it and the quadrant in words)."""
    lang = report["language"]
    said = words(_WORDS, lang)
    table, gaps = [], any("gap_median" in row for row in report["candidates"])
    for row in report["candidates"]:
        cells = [said["group"].get(row["group"], row["group"]), row["rank"], row["id"], row["label"],
                 direction_word(row["direction"], lang, row["kind"]), _effect(row["effect"], lang),
                 _effect(row["effect_p05"], lang), _effect(row["effect_p95"], lang),
                 _chance(row["p_direction"], lang), _chance(row["p_top3"], lang), row["press_rank"]]
        if ideas:
            cost = row["cost"]
            cost = figure(fixed(cost, 0 if cost == int(cost) else 2, lang)) if isinstance(cost, float) else \
                said["cost"].get(cost, cost)
            cells += [row["feasibility"], cost, row["working_group"], said["yes" if row["pareto"] else "no"],
                      offer_label(row.get("offer"), lang) or None]
        if gaps:
            cells += [_effect(row["gap_median"], lang), _effect(row["gap_p05"], lang), _effect(row["gap_p95"], lang),
                      _chance(row["p_narrows"], lang), row["gap_rank"], quadrant_words(row, lang)]
        table.append(cells)
    return people_csv(_RANKING + (*_IDEAS, "offer") * ideas + _GAPS * gaps, table, lang)


def pairwise_csv(report: dict) -> str:
    """``pairwise.csv``: per pair of the top candidates, how often each has the larger effect."""
    lang = report["language"]
    kinds = {row["id"]: row["kind"] for row in report["candidates"]}
    table = [[p["a"], p["a_label"], direction_word(p["a_direction"], lang, kinds[p["a"]]),
              p["b"], p["b_label"], direction_word(p["b_direction"], lang, kinds[p["b"]]),
              _chance(p["p_a_more"], lang), _chance(p["p_b_more"], lang), _chance(p["p_tie"], lang), p["samples"]]
             for p in report["pairwise"]]
    keys = ("a", "a_label", "a_direction", "b", "b_label", "b_direction", "p_a_more", "p_b_more", "p_tie", "samples")
    return people_csv(keys, table, lang)


def sensitivity_csv(report: dict) -> str:
    """``sensitivity.csv``: the judgements by how much they move the ranking, in words, with Morris μ* and σ
    in percentage points (or Sobol ST and S1) and the candidate each moves most."""
    found, lang = report["sensitivity"], report["language"]
    main, spread = ("mu_star", "sigma") if found["method"] == "morris" else ("ST", "S1")
    scale = 100 if found["method"] == "morris" else 1
    table = [[n + 1, row["factor"], row["text"], figure(significant(scale * row[main], lang)),
              figure(significant(scale * row[spread], lang)), row["moves"], row["moves_label"]]
             for n, row in enumerate(found["factors"])]
    return people_csv(("rank", "factor", "text", main, spread, "moves", "moves_label"), table, lang)


def synergy_csv(report: dict) -> str:
    """``synergy.csv``: each pair of ideas together against the sum of the two alone (two significant
    figures), how often together is more, and the verdict."""
    lang = report["language"]
    said, labels = words(_WORDS, lang), {row["id"]: row["label"] for row in report["candidates"]}
    table = [[p["a"], labels[p["a"]], p["b"], labels[p["b"]]]
             + [_effect(p[key], lang) for key in ("combined", "sum", "synergy", "p05", "p95")]
             + [_chance(p["p_positive"], lang), said["verdict"][p["verdict"]]] for p in report["pairs"]]
    keys = ("a", "a_label", "b", "b_label", "combined", "sum", "synergy", "p05", "p95", "p_positive", "verdict")
    return people_csv(keys, table, lang)
