"""A printable connection circle (forbindelsescirkel), as used in workshop 1.

The variables are spaced evenly around a circle, grouped by theme, and each existing link is drawn
as a chord bending towards the centre, coloured and signed by polarity. With ``links=False`` the
page has only the labelled circle, for a group to draw its own arrows on.

Example
-------
>>> import tempfile, pathlib
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("Trivsel")
>>> for var, label in [("sleep", "Søvn"), ("mood", "Humør"), ("screens", "Skærmtid")]:
...     cmap.add_variable(var, label)
>>> _ = cmap.add_link("screens", "sleep", "-")
>>> [var for var, _ in circle_positions(cmap)]
['sleep', 'mood', 'screens']
>>> path = pathlib.Path(tempfile.mkdtemp()) / "circle.pdf"
>>> write_circle(cmap, path) == [str(path)]
True
"""

from __future__ import annotations

import math
import os
import textwrap
from pathlib import Path

from gmb.analysis.signed import link_sign
from gmb.errors import GmbError
from gmb.maps.causalmap import CausalMap
from gmb.render.static import deterministic, save_figure
from gmb.render.style import NO_THEME_COLOR, POLARITY_COLORS, POLARITY_MARKS, theme_colors

__all__ = ["circle_positions", "draw_circle", "write_circle", "A4"]

A4 = (8.27, 11.69)
"""An A4 page in inches (portrait)."""
RADIUS = 1.0
INSIDE = 0.965  # chords end just inside the circle, so that arrow heads stay visible at the dots


def circle_positions(cmap: CausalMap) -> list[tuple[str, float]]:
    """``(variable, angle)`` around the circle: grouped by theme (in theme order), clockwise from the top."""
    themes = list(cmap.themes)
    ordered = sorted(cmap.variables, key=lambda v: themes.index(t) if (t := cmap.graph.nodes[v].get("theme")) in themes
                     else len(themes))
    n = max(len(ordered), 1)
    return [(var, math.pi / 2 - 2 * math.pi * i / n) for i, var in enumerate(ordered)]


def draw_circle(cmap: CausalMap, ax, language: str | None = None, links: bool = True) -> None:
    """Draw the connection circle on a matplotlib ``Axes`` (equal aspect, no frame)."""
    from matplotlib.patches import Circle, FancyArrowPatch
    from matplotlib.path import Path as MplPath

    language = language or cmap.languages[0]
    colors = theme_colors(cmap)
    angles = dict(circle_positions(cmap))
    point = {v: (RADIUS * math.cos(a), RADIUS * math.sin(a)) for v, a in angles.items()}
    ax.add_patch(Circle((0, 0), RADIUS, fill=False, edgecolor="#c9ced6", linewidth=1.2))
    font = 9 if len(angles) <= 30 else 7 if len(angles) <= 60 else 5.5
    for var, angle in angles.items():
        x, y = point[var]
        color = colors.get(cmap.graph.nodes[var].get("theme"), NO_THEME_COLOR)
        ax.plot([x], [y], marker="o", markersize=7, color=color, markeredgecolor="white", zorder=3)
        degrees = math.degrees(angle) % 360
        left = 90 < degrees < 270
        text = textwrap.fill(cmap.label(var, language), 22, break_long_words=False)  # long Danish words stay whole
        ax.text(1.05 * x, 1.05 * y, text, fontsize=font, color="#1f2933",
                rotation=degrees - 180 if left else degrees, rotation_mode="anchor",
                ha="right" if left else "left", va="center", linespacing=1.0)
    if links:
        for u, v, attrs in cmap.links():
            sign = link_sign(attrs)
            (x1, y1), (x2, y2) = point[u], point[v]
            start, end = (x1 * INSIDE, y1 * INSIDE), (x2 * INSIDE, y2 * INSIDE)
            bend = 0.35 * (1 - math.dist(start, end) / (2 * RADIUS)) + 0.1  # short chords bend less towards the centre
            control = ((x1 + x2) / 2 * bend, (y1 + y2) / 2 * bend)
            path = MplPath([start, control, end], [MplPath.MOVETO, MplPath.CURVE3, MplPath.CURVE3])
            ax.add_patch(FancyArrowPatch(path=path, arrowstyle="-|>,head_length=5,head_width=2.5",
                                         color=POLARITY_COLORS[sign], linewidth=0.9, alpha=0.85, zorder=2))
            t = 0.85
            mark = ((1 - t) ** 2 * start[0] + 2 * (1 - t) * t * control[0] + t ** 2 * end[0],
                    (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * control[1] + t ** 2 * end[1])
            ax.text(*mark, POLARITY_MARKS[sign], fontsize=7, fontweight="bold", color=POLARITY_COLORS[sign],
                    ha="center", va="center", zorder=2.5)
    ax.set_xlim(-1.62, 1.62)
    ax.set_ylim(-1.62, 1.62)
    ax.set_aspect("equal")
    ax.axis("off")


def write_circle(cmap: CausalMap, path: str | os.PathLike, language: str | None = None,
                 links: bool = True) -> list[str]:
    """Save the connection circle as an A4 page (``.pdf``, ``.png`` or ``.svg``)."""
    from matplotlib.figure import Figure

    path = Path(path)
    format = path.suffix.lstrip(".").lower()
    if format not in ("pdf", "png", "svg"):
        raise GmbError(f"{path}: cannot draw a connection circle as {format or 'a file without extension'!r}; "
                       "use .pdf, .png or .svg")
    if path.is_dir() or not path.parent.is_dir():
        raise GmbError(f"{path}: cannot write there; give a file name in an existing directory")
    if language is not None and language not in cmap.languages:
        raise GmbError(f"language {language!r} is not one of the map's languages ({', '.join(cmap.languages)})")
    with deterministic():
        figure = Figure(figsize=A4)
        ax = figure.add_axes((0.0, 0.06, 1.0, 0.84))
        draw_circle(cmap, ax, language, links)
        figure.text(0.06, 0.95, cmap.text(cmap.meta.get("title"), language), fontsize=14, color="#1f2933",
                    va="top", wrap=True)
        legend = {"da": "Forbindelsescirkel", "en": "Connection circle"}.get(language or cmap.languages[0],
                                                                            "Connection circle")
        figure.text(0.06, 0.915, legend, fontsize=10, color="#5c6773", va="top")
        save_figure(figure, path, format)
    return [str(path)]
