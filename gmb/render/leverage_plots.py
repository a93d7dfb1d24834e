"""PNG charts of leverage: effects ranked by size with the way to push, and impact × feasibility of ideas.

Drawn with matplotlib's Agg canvas in the map's language (Danish or English texts, Danish decimal
commas, effects with two significant figures), with the caveat that this compares scenarios of a
hand-drawn map, without the matplotlib version in the file, so the same numbers give the same bytes.

Example
-------
>>> import tempfile, pathlib
>>> rows = [{"id": "a", "label": "Venner", "group": "state", "kind": "index", "direction": "increase",
...          "effect": 0.3, "effect_p05": 0.1, "effect_p95": 0.5},
...         {"id": "b", "label": "Skærmtid", "group": "state", "kind": "index", "direction": "decrease",
...          "effect": 0.2, "effect_p05": -0.1, "effect_p95": 0.4}]
>>> figure = effects_figure(rows, "Trivsel", horizon=120, samples=100, lang="da")
>>> shown = figure_texts(figure)
>>> [t for t in shown if t.endswith(("(øg)", "(mindsk)"))]
['Venner (øg)', 'Skærmtid (mindsk)']
>>> [t for t in shown if t.startswith("+0,")], caveat("da") in shown
(['+0,30', '+0,20'], True)
>>> path = pathlib.Path(tempfile.mkdtemp()) / "leverage.png"
>>> plot_effects(rows, path, "Trivsel", horizon=120, samples=100, lang="da")
>>> path.read_bytes()[:4]
b'\\x89PNG'
>>> texts("en", "auc")["effect"]
'Change × months (area under the curve)'
"""

from __future__ import annotations

import os

from matplotlib.figure import Figure

from gmb.render.fonts import quiet_savefig
from gmb.render.numbers import plain, significant
from gmb.render.wording import caveat, direction_word

__all__ = ["plot_effects", "effects_figure", "plot_feasibility", "figure_texts", "texts", "TEXTS"]

TEXTS = {
    "da": {"final": "Ændring efter {years} år", "auc": "Ændring × måneder (arealet under kurven)",
           "title": "Effekt på {outcome}", "samples": "median og 5–95 % af {samples} udgaver af kortet",
           "feasibility": "Gennemførlighed (1 = meget svær, 5 = let)",
           "pareto": "ingen anden idé er både stærkere og lettere",
           "other": "andre idéer", "ideas": "Idéer: effekt og gennemførlighed",
           "pushed": "{effect}, skubbet i den viste retning (højere = bedre for udfaldet)",
           "action": "Tiltag — hvad en arbejdsgruppe kan gøre",
           "state": "Tilstande — betyder noget, hvis noget kan flytte dem"},
    "en": {"final": "Change after {years} years", "auc": "Change × months (area under the curve)",
           "title": "Effect on {outcome}", "samples": "median and 5–95 % of {samples} versions of the map",
           "feasibility": "Feasibility (1 = very hard, 5 = easy)",
           "pareto": "no other idea is both stronger and easier",
           "other": "other ideas", "ideas": "Ideas: effect and feasibility",
           "pushed": "{effect}, pushed the way shown (higher = better for the outcome)",
           "action": "Actions — what a working group can do",
           "state": "States — they matter if something could move them"},
}
"""Chart words in the languages gmb speaks (others use English)."""


def texts(lang: str | None, measure: str = "final", years: float = 10) -> dict[str, str]:
    """The chart words in ``lang``, with the effect axis for ``measure``."""
    words = dict(TEXTS.get(lang or "en", TEXTS["en"]))
    words["effect"] = words[measure].format(years=f"{years:g}")
    return words


def plot_effects(rows: list[dict], path: str | os.PathLike, outcome: str, horizon: float, samples: int,
                 lang: str | None = None, measure: str = "final") -> None:
    """Write :func:`effects_figure` as a PNG."""
    figure = effects_figure(rows, outcome, horizon, samples, lang, measure)
    quiet_savefig(figure, path, format="png", metadata={"Software": "gmb"})


def effects_figure(rows: list[dict], outcome: str, horizon: float, samples: int, lang: str | None = None,
                   measure: str = "final") -> Figure:
    """Each row's effect when pushed its way (a bar, its size written at the end) with the 5–95 %
    interval (a whisker), labelled with the way to push; rows in their order (actions, then states,
    each under a heading), the caveat beneath."""
    words = texts(lang, measure, horizon / 12)
    groups = [g for g in ("action", "state") if any(row.get("group", "state") == g for row in rows)]
    slots: list[tuple[dict | None, str]] = []
    for group in groups:
        if len(groups) > 1:
            slots.append((None, group))
        slots += [(row, group) for row in rows if row.get("group", "state") == group]
    figure = Figure(figsize=(8.5, 1.9 + 0.26 * len(slots)), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    y = list(range(len(slots)))[::-1]
    ticks, names = [], []
    reach = max([abs(row[k]) for row, _ in slots if row for k in ("effect_p05", "effect_p95")] or [1]) or 1
    for position, (row, group) in zip(y, slots):
        if row is None:
            axes.text(0.005, position, words[group], fontweight="bold", fontsize="small", va="center",
                      transform=axes.get_yaxis_transform(), bbox={"facecolor": "white", "edgecolor": "none"})
            continue
        color = ("#e39b2d" if group == "action" else "#5b8def") if row["effect_p05"] > 0 else "#b0b0b0"
        axes.barh(position, row["effect"], height=0.62, color=color)
        axes.plot([row["effect_p05"], row["effect_p95"]], [position, position], color="#333333", linewidth=1)
        axes.text(max(row["effect"], row["effect_p95"]) + 0.01 * reach, position,
                  significant(row["effect"], lang, sign=True), fontsize="x-small", va="center")
        ticks.append(position)
        names.append(f"{_short(row['label'] or row['id'], 40)} "
                     f"({direction_word(row['direction'], lang, row.get('kind'))})")
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_yticks(ticks, names, fontsize="small")
    axes.set_ylim(-0.7, len(slots) - 0.3)
    axes.set_xlim(min(0, *[row["effect_p05"] for row, _ in slots if row]) - 0.02 * reach, 1.15 * reach)
    axes.xaxis.set_major_formatter(_ticks(lang))
    axes.set_xlabel(words["pushed"].format(effect=words["effect"]))
    axes.set_title(f"{words['title'].format(outcome=outcome)}\n{words['samples'].format(samples=samples)}",
                   fontsize="medium")
    axes.grid(True, axis="x", alpha=0.3)
    figure.supxlabel(caveat(lang), fontsize="small", style="italic")
    return figure


def figure_texts(figure: Figure) -> list[str]:
    """Every text a figure shows (titles, labels, tick labels, notes) once drawn, for checks and tests."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    FigureCanvasAgg(figure).draw()
    return [t.get_text() for t in figure.findobj(Text) if t.get_text() and t.get_visible()]


def _ticks(lang: str | None):
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: plain(round(value, 12), lang))


def plot_feasibility(rows: list[dict], path: str | os.PathLike, outcome: str, horizon: float, samples: int,
                     lang: str | None = None, measure: str = "final") -> None:
    """Ideas as points: feasibility across, median effect up, the 5–95 % interval as a bar; each point
    numbered by its ``rank`` and named in the key beside the chart (so close points stay readable);
    ideas on the front (``pareto``) in colour and bold."""
    words = texts(lang, measure, horizon / 12)
    figure = Figure(figsize=(11, max(6, 1.5 + 0.24 * len(rows))), dpi=100, layout="constrained")
    axes, key = figure.subplots(1, 2, width_ratios=[2.2, 1])
    shared: dict[int, int] = {}
    for row in sorted(rows, key=lambda r: (r["feasibility"], -r["median"])):
        slot = shared.get(row["feasibility"], 0)
        shared[row["feasibility"]] = slot + 1
        x = row["feasibility"] + 0.1 * slot
        color = "#e39b2d" if row["pareto"] else "#7f7f7f"
        axes.plot([x, x], [row["p05"], row["p95"]], color=color, linewidth=1.6, alpha=0.8)
        axes.plot([x], [row["median"]], "o", color=color, markersize=7)
        axes.annotate(str(row["rank"]), (x, row["median"]), xytext=(5, 0), textcoords="offset points",
                      fontsize="small", va="center", fontweight="bold" if row["pareto"] else "normal")
    for color, name in (("#e39b2d", "pareto"), ("#7f7f7f", "other")):
        axes.plot([], [], "o", color=color, label=words[name])
    axes.legend(fontsize="small", loc="best")
    axes.axhline(0, color="black", linewidth=0.8)
    axes.set_xlim(0.5, 5.9)
    axes.set_xticks(range(1, 6))
    axes.set_xlabel(words["feasibility"])
    axes.set_ylabel(words["effect"])
    axes.set_title(f"{words['ideas']}\n{words['title'].format(outcome=outcome)}, "
                   f"{words['samples'].format(samples=samples)}", fontsize="medium")
    axes.yaxis.set_major_formatter(_ticks(lang))
    figure.supxlabel(caveat(lang), fontsize="small", style="italic")
    axes.grid(True, alpha=0.3)
    key.set_axis_off()
    key.set_ylim(len(rows) + 0.5, 0.5)
    for row in sorted(rows, key=lambda r: r["rank"]):
        key.text(0, row["rank"], f"{row['rank']:>2}  {_short(row['label'] or row['id'], 44)}", fontsize="small",
                 va="center", color="#b36b00" if row["pareto"] else "black",
                 fontweight="bold" if row["pareto"] else "normal")
    quiet_savefig(figure, path, format="png", metadata={"Software": "gmb"})


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
