"""PNG plots of simulation results: an outcome over time, the baseline against each scenario.

Drawn with matplotlib's Agg canvas (no display needed), in the map's language (Danish and English
axis texts, Danish decimal commas on the axes; labels from the map), with the time unit and the
variable's units on the axes, and beneath, the caveat that it compares scenarios of a hand-drawn map.

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
           "baseline": "Udgangspunkt (ingen tiltag)"},
    "en": {"time": "Time", "month": "months", "year": "years", "index": "index, 1 = today",
           "baseline": "Baseline (no intervention)"},
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


def plot_outcome(results, cmap: CausalMap, var: str, path: str | os.PathLike, lang: str | None = None) -> None:
    """Write a PNG of ``var`` over time under the baseline and every scenario of ``results``."""
    figure = outcome_figure(results, cmap, var, lang)
    quiet_savefig(figure, path, format="png", metadata={"Software": "gmb"})


def outcome_figure(results, cmap: CausalMap, var: str, lang: str | None = None) -> Figure:
    """The figure :func:`plot_outcome` saves: one line per run, the caveat beneath."""
    from matplotlib.ticker import FuncFormatter

    lang = lang or cmap.languages[0]
    title, xlabel, ylabel, legend = axes_texts(results, cmap, var, lang)
    figure = Figure(figsize=(8, 4.8), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    scale = results.plan.unit_months
    for (name, run), text in zip(results.runs.items(), legend):
        style = {"color": "black", "linestyle": "--", "linewidth": 2} if name == BASELINE else {"linewidth": 1.6}
        axes.plot(run.times / scale, run.values[var], label=text, **style)
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize="small", loc="best")
    for axis in (axes.xaxis, axes.yaxis):
        axis.set_major_formatter(FuncFormatter(lambda value, _: plain(round(value, 12), lang)))
    figure.supxlabel(caveat(lang), fontsize="small", style="italic")
    return figure


def _unit(time_unit: str) -> str:
    return "year" if time_unit in ("year", "years", "år") else "month"
