"""PNG plots of the groups of children a map tells apart: each group under each scenario, and the gap.

``segments_figure`` draws one small panel per scenario (the baseline first), each with a line per group
in the Okabe–Ito colours (safe for colour-blind readers) and the baseline's lines dashed beneath, all
panels on one scale, so that who gains is read off each panel. ``gap_figure`` draws the gap between the
best-off and the worst-off group over time, one line per run (:mod:`gmb.sd.gaps`), colours and dash
patterns both telling the runs apart. Both carry the caveat beneath, in the map's language.

Example
-------
>>> import tempfile, pathlib
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.spec import build_spec
>>> from gmb.sd.scenarios import Scenario, ScenarioPlan
>>> from gmb.sd.simulate import simulate
>>> from gmb.render.leverage_plots import figure_texts
>>> cmap = CausalMap.new("demo", ["en"])
>>> cmap.add_variable("mood", "Mood", adjust_time=1, by_segment={"poor": {"initial": 0.8}})
>>> cmap.meta["segments"] = {"poor": {"label": "Poor", "share": 0.2}, "rich": {"label": "Rich", "share": 0.8}}
>>> plan = ScenarioPlan("inline", 12, "month", None, [Scenario("cheer", "Cheer", {"push_mood_poor": 0.2})])
>>> results = simulate(build_spec(cmap), plan, ["mood"], cache=tempfile.mkdtemp())
>>> texts = figure_texts(segments_figure(results, cmap, "mood", "en"))
>>> "Poor" in texts and "Cheer" in texts
True
>>> "Gap between the groups: Mood" in figure_texts(gap_figure(results, cmap, "mood", "en"))
True
"""

from __future__ import annotations

import math

from matplotlib.figure import Figure

from gmb.maps.causalmap import CausalMap
from gmb.render.numbers import plain
from gmb.render.plots import axes_texts
from gmb.render.wording import caveat
from gmb.sd.scenarios import BASELINE

__all__ = ["segments_figure", "gap_figure", "OKABE_ITO", "SEGMENT_TEXTS"]

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
"""Okabe and Ito's colours, told apart with protanopia, deuteranopia and tritanopia (their yellow, too
pale for a line on white, and their black, the baseline's, left out)."""
DASHES = ("-", "--", "-.", ":")
SEGMENT_TEXTS = {
    "da": {"baseline_lines": "stiplet: udgangspunktet", "gap": "Forskel mellem grupperne: {label}",
           "gap_axis": "bedst stillede minus dårligst stillede gruppe"},
    "en": {"baseline_lines": "dashed: the baseline", "gap": "Gap between the groups: {label}",
           "gap_axis": "best-off minus worst-off group"},
}


def segments_figure(results, cmap: CausalMap, var: str, lang: str | None = None) -> Figure:
    """One panel per run with a line per group (the baseline dashed beneath each scenario's)."""
    from matplotlib.ticker import FuncFormatter

    lang = lang or cmap.languages[0]
    seg, said = results.spec.segmentation, SEGMENT_TEXTS.get(lang, SEGMENT_TEXTS["en"])
    title, xlabel, ylabel, legend = axes_texts(results, cmap, var, lang)
    copies = results.spec.copies(var)
    runs = list(results.runs.items())
    cols = min(3, len(runs))
    rows = math.ceil(len(runs) / cols)
    figure = Figure(figsize=(4 * cols, 2.6 * rows + 1.2), dpi=100, layout="constrained")
    panels = figure.subplots(rows, cols, sharex=True, sharey=True, squeeze=False).ravel()
    scale, baseline = results.plan.unit_months, results.runs[BASELINE]
    for axes, (name, run), text in zip(panels, runs, legend):
        for k, (segment, copy) in enumerate(copies.items()):
            colour = OKABE_ITO[k % len(OKABE_ITO)]
            if name != BASELINE:
                axes.plot(baseline.times / scale, baseline.values[copy], color=colour, linestyle="--", linewidth=1,
                          alpha=0.7)
            axes.plot(run.times / scale, run.values[copy], color=colour, linewidth=1.8,
                      label=seg.label(cmap, segment, lang))
        axes.set_title(text, fontsize="small", wrap=True)
        axes.grid(True, alpha=0.3)
        for axis in (axes.xaxis, axes.yaxis):
            axis.set_major_formatter(FuncFormatter(lambda value, _: plain(round(value, 12), lang)))
    for axes in panels[len(runs):]:
        axes.axis("off")
    handles, labels = panels[0].get_legend_handles_labels()
    spare = panels[len(runs)] if len(runs) < len(panels) else panels[0]   # the legend in an empty slot if any
    spare.legend(handles, labels, loc="center" if spare is not panels[0] else "best", fontsize="small",
                 title=said["baseline_lines"], title_fontsize="small")
    figure.suptitle(title)
    figure.supylabel(ylabel, fontsize="small")
    figure.supxlabel(f"{xlabel}\n{caveat(lang)}", fontsize="small")
    return figure


def gap_figure(results, cmap: CausalMap, var: str, lang: str | None = None) -> Figure:
    """The gap between the best-off and the worst-off group over time, one line per run."""
    from matplotlib.ticker import FuncFormatter

    lang = lang or cmap.languages[0]
    said = SEGMENT_TEXTS.get(lang, SEGMENT_TEXTS["en"])
    title, xlabel, _, legend = axes_texts(results, cmap, var, lang)
    figure = Figure(figsize=(8, 4.8), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    scale, gaps = results.plan.unit_months, results.gap_over_time(var)
    for k, ((name, run), text) in enumerate(zip(results.runs.items(), legend)):
        style = {"color": "black", "linestyle": "--", "linewidth": 2} if name == BASELINE else {
            "color": OKABE_ITO[(k - 1) % len(OKABE_ITO)], "linestyle": DASHES[(k - 1) // len(OKABE_ITO) % len(DASHES)],
            "linewidth": 1.6}
        axes.plot(run.times / scale, gaps[name], label=text, **style)
    axes.set_title(said["gap"].format(label=title))
    axes.set_xlabel(xlabel)
    axes.set_ylabel(said["gap_axis"])
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize="small", loc="best")
    for axis in (axes.xaxis, axes.yaxis):
        axis.set_major_formatter(FuncFormatter(lambda value, _: plain(round(value, 12), lang)))
    figure.supxlabel(caveat(lang), fontsize="small", style="italic")
    return figure

