"""The equity chart of a leverage run on a map with segments: average gain across, change of the gap up.

Each action or idea is a numbered point at its median effect on the outcome's population average (a
push the way shown; an idea carried out) and its median change of the gap between the best-off and the
worst-off group, with the 5–95 % range of the gap change as a bar. The four quadrants say in words what
a point there does ("helps on average and narrows the gap", …: :func:`gmb.render.wording.quadrant_words`).
Numbers name the points; the key beside the chart gives their labels; the caveat is beneath.

Example
-------
>>> rows = [{"group": "action", "rank": 1, "label": "Outreach", "kind": "idea", "median": 0.02, "effect": 0.02,
...          "gap_median": -0.004, "gap_p05": -0.006, "gap_p95": -0.001, "gap_quadrant": "narrows"}]
>>> from gmb.render.leverage_plots import figure_texts
>>> texts = figure_texts(equity_figure(rows, "Mood", "en"))
>>> "helps on average and narrows the gap" in texts and " 1  Outreach" in texts
True
"""

from __future__ import annotations

import os

from matplotlib.figure import Figure

from gmb.render.fonts import quiet_savefig
from gmb.render.numbers import plain
from gmb.render.segment_plots import OKABE_ITO
from gmb.render.wording import GAP, caveat, helps, words

__all__ = ["plot_equity", "equity_figure", "EQUITY_TEXTS"]

EQUITY_TEXTS = {
    "da": {"title": "Gennemsnit og forskel: {outcome}", "x": "effekt på gennemsnittet (median)",
           "y": "ændring i forskellen mellem grupperne (median, 5–95 %)"},
    "en": {"title": "Average and gap: {outcome}", "x": "effect on the average (median)",
           "y": "change of the gap between the groups (median, 5–95%)"},
}


def equity_figure(rows: list[dict], outcome: str, lang: str | None = None) -> Figure:
    """The chart of the actions and ideas of ``rows`` (leverage report candidates with gap columns)."""
    from matplotlib.ticker import FuncFormatter

    said, quadrants = words(EQUITY_TEXTS, lang), words(GAP, lang)["quadrants"]
    shown = sorted((row for row in rows if row["group"] == "action"), key=lambda row: row["rank"])
    figure = Figure(figsize=(11, max(5.5, 1.5 + 0.26 * len(shown))), dpi=100, layout="constrained")
    axes, key = figure.subplots(1, 2, width_ratios=[2.2, 1])
    for row in shown:
        x = row["median"] if row["kind"] == "idea" else row["effect"]
        colour = OKABE_ITO[0] if row["gap_quadrant"] == "narrows" else OKABE_ITO[5]
        axes.plot([x, x], [row["gap_p05"], row["gap_p95"]], color=colour, linewidth=1.4, alpha=0.7)
        axes.plot([x], [row["gap_median"]], "o", color=colour, markersize=7)
        axes.annotate(str(row["rank"]), (x, row["gap_median"]), xytext=(5, 0), textcoords="offset points",
                      fontsize="small", va="center")
    axes.axhline(0, color="black", linewidth=0.8)
    axes.axvline(0, color="black", linewidth=0.8)
    left, right = axes.get_xlim()
    axes.set_xlim(min(left, -0.05 * right), max(right, -0.05 * left))
    for (gain, verdict), (x, y, ha, va) in {(True, "narrows"): (0.98, 0.02, "right", "bottom"),
                                            (True, "widens"): (0.98, 0.98, "right", "top"),
                                            (False, "narrows"): (0.02, 0.02, "left", "bottom"),
                                            (False, "widens"): (0.02, 0.98, "left", "top")}.items():
        axes.text(x, y, quadrants[gain, verdict], transform=axes.transAxes, ha=ha, va=va, fontsize="small",
                  style="italic", color="#555555")
    axes.set_xlabel(said["x"])
    axes.set_ylabel(said["y"])
    axes.set_title(said["title"].format(outcome=outcome), fontsize="medium")
    for axis in (axes.xaxis, axes.yaxis):
        axis.set_major_formatter(FuncFormatter(lambda value, _: plain(round(value, 12), lang)))
    axes.grid(True, alpha=0.3)
    key.set_axis_off()
    key.set_ylim(len(shown) + 0.5, 0.5)
    for row in shown:
        key.text(0, row["rank"], f"{row['rank']:>2}  {str(row['label'] or row['id'])[:44]}", fontsize="small",
                 va="center", color=OKABE_ITO[0] if helps(row) and row["gap_quadrant"] == "narrows" else "black")
    figure.supxlabel(caveat(lang), fontsize="small", style="italic")
    return figure


def plot_equity(rows: list[dict], path: str | os.PathLike, outcome: str, lang: str | None = None) -> None:
    """Write :func:`equity_figure` as a PNG."""
    quiet_savefig(equity_figure(rows, outcome, lang), path, format="png", metadata={"Software": "gmb"})
