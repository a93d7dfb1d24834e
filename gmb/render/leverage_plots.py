"""PNG charts of leverage: ranked effects with their 5–95 % intervals, and impact × feasibility of ideas.

Drawn with matplotlib's Agg canvas in the map's language (Danish or English axis texts), without
the matplotlib version in the file, so the same numbers give the same bytes.

Example
-------
>>> import tempfile, pathlib
>>> rows = [{"id": "a", "label": "Venner", "median": 0.3, "p05": 0.1, "p95": 0.5},
...         {"id": "b", "label": "Skærmtid", "median": -0.2, "p05": -0.4, "p95": 0.1}]
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

__all__ = ["plot_effects", "plot_feasibility", "texts", "TEXTS"]

TEXTS = {
    "da": {"final": "Ændring efter {years} år", "auc": "Ændring × måneder (arealet under kurven)",
           "title": "Effekt på {outcome}", "samples": "median og 5–95 % af {samples} udgaver af kortet",
           "feasibility": "Gennemførlighed (1 = meget svær, 5 = let)",
           "pareto": "ingen anden idé er både stærkere og lettere",
           "other": "andre idéer", "ideas": "Idéer: effekt og gennemførlighed"},
    "en": {"final": "Change after {years} years", "auc": "Change × months (area under the curve)",
           "title": "Effect on {outcome}", "samples": "median and 5–95 % of {samples} versions of the map",
           "feasibility": "Feasibility (1 = very hard, 5 = easy)",
           "pareto": "no other idea is both stronger and easier",
           "other": "other ideas", "ideas": "Ideas: effect and feasibility"},
}
"""Chart words in the languages gmb speaks (others use English)."""


def texts(lang: str | None, measure: str = "final", years: float = 10) -> dict[str, str]:
    """The chart words in ``lang``, with the effect axis for ``measure``."""
    words = dict(TEXTS.get(lang or "en", TEXTS["en"]))
    words["effect"] = words[measure].format(years=f"{years:g}")
    return words


def plot_effects(rows: list[dict], path: str | os.PathLike, outcome: str, horizon: float, samples: int,
                 lang: str | None = None, measure: str = "final") -> None:
    """Each row's median effect (a dot) and 5–95 % interval (a bar), the largest at the top."""
    words = texts(lang, measure, horizon / 12)
    figure = Figure(figsize=(8, 1.4 + 0.26 * len(rows)), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    y = list(range(len(rows)))[::-1]
    for position, row in zip(y, rows):
        color = "#2a9d8f" if row["p05"] > 0 else "#d1495b" if row["p95"] < 0 else "#8d8d8d"
        axes.plot([row["p05"], row["p95"]], [position, position], color=color, linewidth=2.2, solid_capstyle="butt")
        axes.plot([row["median"]], [position], "o", color=color, markersize=5)
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_yticks(y, [_short(row["label"] or row["id"]) for row in rows], fontsize="small")
    axes.set_ylim(-0.7, len(rows) - 0.3)
    axes.set_xlabel(words["effect"])
    axes.set_title(f"{words['title'].format(outcome=outcome)}\n{words['samples'].format(samples=samples)}",
                   fontsize="medium")
    axes.grid(True, axis="x", alpha=0.3)
    quiet_savefig(figure, path, format="png", metadata={"Software": "gmb"})


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
