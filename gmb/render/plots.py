"""PNG plots of simulation results: an outcome over time, the baseline against each scenario.

Drawn with matplotlib's Agg canvas (no display needed), in the map's language (Danish and English
axis texts, Danish decimal commas on the axes; labels from the map), with the time unit and the
variable's units on the axes, and beneath, the caveat that it compares scenarios of a hand-drawn map.
Given a band per run (``gmb simulate --band N``: the 5–95 % range over N versions of the map, computed
in :mod:`gmb.leverage.bands`), each run's band is shaded in its line's colour, and the legend says what
the shading is.

Example
-------
>>> import tempfile, pathlib
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.spec import build_spec
>>> from gmb.sd.scenarios import Scenario, ScenarioPlan
>>> from gmb.sd.simulate import simulate
>>> cmap = CausalMap.new("demo")
>>> cmap.add_variable("mood", {"da": "Humør", "en": "Mood"}, adjust_time=1)
>>> plan = ScenarioPlan("inline", 12, "month", None, [Scenario("cheer", {"da": "Opmuntring"}, {"push_mood": 0.2})])
>>> results = simulate(build_spec(cmap), plan, ["mood"], cache=tempfile.mkdtemp())
>>> path = pathlib.Path(tempfile.mkdtemp()) / "mood.png"
>>> axes_texts(results, cmap, "mood", "da")
('Humør', 'Tid (måneder)', 'Humør (indeks, 1 = i dag)', ['Udgangspunkt (ingen tiltag)', 'Opmuntring'])
>>> from gmb.render.leverage_plots import figure_texts
>>> "Sammenligning mellem scenarier i et tegnet kort — ikke en prognose" in figure_texts(
...     outcome_figure(results, cmap, "mood", "da"))
True
>>> plot_outcome(results, cmap, "mood", path)
>>> path.read_bytes()[:4]
b'\\x89PNG'
>>> run = results.runs["cheer"]
>>> band = {"cheer": (run.times, run.values["mood"] - 0.05, run.values["mood"] + 0.05)}
>>> "Skraveret: 5–95 % af 200 udgaver af kortet" in figure_texts(outcome_figure(results, cmap, "mood", "da",
...                                                                          band, 200))
True
"""

from __future__ import annotations

import os

from matplotlib.figure import Figure

from gmb.maps.causalmap import CausalMap
from gmb.render.fonts import quiet_savefig
from gmb.render.numbers import plain
from gmb.render.wording import caveat
from gmb.sd.scenarios import BASELINE

__all__ = ["plot_outcome", "outcome_figure", "axes_texts", "TEXTS"]

TEXTS = {
    "da": {"time": "Tid", "month": "måneder", "year": "år", "index": "indeks, 1 = i dag",
           "baseline": "Udgangspunkt (ingen tiltag)", "band": "Skraveret: 5–95 % af {draws} udgaver af kortet"},
    "en": {"time": "Time", "month": "months", "year": "years", "index": "index, 1 = today",
           "baseline": "Baseline (no intervention)", "band": "Shaded: 5–95% of {draws} versions of the map"},
}
"""Axis and legend words in the languages gmb speaks (others use English)."""


def axes_texts(results, cmap: CausalMap, var: str, lang: str | None = None) -> tuple[str, str, str, list[str]]:
    """The title, x label, y label and legend entries of an outcome's plot."""
    lang = lang or cmap.languages[0]
    words = TEXTS.get(lang, TEXTS["en"])
    spec_var = results.spec.variables[var]
    label = cmap.label(var, lang)
    unit = spec_var.units or (words["index"] if spec_var.kind == "index" and spec_var.initial == 1 else "")
    labels = {s.name: cmap.text(s.label, lang, default=s.name) for s in results.plan.scenarios}
    legend = [words["baseline"] if name == BASELINE else labels[name] for name in results.runs]
    return (label, f"{words['time']} ({words[_unit(results.plan.time_unit)]})",
            f"{label} ({unit})" if unit else label, legend)


def plot_outcome(results, cmap: CausalMap, var: str, path: str | os.PathLike, lang: str | None = None,
                 band: dict | None = None, draws: int | None = None) -> None:
    """Write a PNG of ``var`` over time under the baseline and every scenario of ``results``; ``band``
    maps runs to ``(times in months, low, high)`` over ``draws`` versions of the map (shaded)."""
    figure = outcome_figure(results, cmap, var, lang, band, draws)
    quiet_savefig(figure, path, format="png", metadata={"Software": "gmb"})


def outcome_figure(results, cmap: CausalMap, var: str, lang: str | None = None, band: dict | None = None,
                   draws: int | None = None) -> Figure:
    """The figure :func:`plot_outcome` saves: one line per run (each over its shaded band, if given),
    the caveat beneath."""
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter

    lang = lang or cmap.languages[0]
    title, xlabel, ylabel, legend = axes_texts(results, cmap, var, lang)
    figure = Figure(figsize=(8, 4.8), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    scale = results.plan.unit_months
    for (name, run), text in zip(results.runs.items(), legend):
        style = {"color": "black", "linestyle": "--", "linewidth": 2} if name == BASELINE else {"linewidth": 1.6}
        line, = axes.plot(run.times / scale, run.values[var], label=text, **style)
        if band and name in band:
            times, low, high = band[name]
            axes.fill_between(times / scale, low, high, color=line.get_color(), alpha=0.08, linewidth=0,
                              zorder=line.get_zorder() - 2)
            for edge in (low, high):  # thin dotted edges in the line's colour: each band can be traced
                axes.plot(times / scale, edge, color=line.get_color(), linewidth=0.8, linestyle=":", alpha=0.8,
                          zorder=line.get_zorder() - 1)
    handles, _ = axes.get_legend_handles_labels()
    if band:
        handles.append(Patch(color="grey", alpha=0.3, label=TEXTS.get(lang, TEXTS["en"])["band"].format(
            draws=draws)))
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.grid(True, alpha=0.3)
    axes.legend(handles=handles, fontsize="small", loc="best")
    for axis in (axes.xaxis, axes.yaxis):
        axis.set_major_formatter(FuncFormatter(lambda value, _: plain(round(value, 12), lang)))
    figure.supxlabel(caveat(lang), fontsize="small", style="italic")
    return figure


def _unit(time_unit: str) -> str:
    return "year" if time_unit in ("year", "years", "år") else "month"
