"""A static picture of the causal loop diagram for reports (PNG, SVG, PDF), drawn with matplotlib.

Variables are labelled boxes in their theme's colour, at the same positions as in the HTML page
(:mod:`gmb.render.layout`); links are curved arrows, blue for ``+`` and orange for ``−``, with the
sign by the arrow head and ``||`` across delayed links. A legend explains themes and arrows.
The same map always gives the same file (no dates or random ids in SVG or PDF).

``gmb export MAP -o picture.png`` (and ``.svg``, ``.pdf``) calls :func:`write_png` and friends.

Example
-------
>>> import tempfile, pathlib
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("Trivsel")
>>> cmap.add_variable("sleep", {"da": "Søvn", "en": "Sleep"})
>>> cmap.add_variable("mood", {"da": "Humør", "en": "Mood"})
>>> _ = cmap.add_link("sleep", "mood", "+")
>>> path = pathlib.Path(tempfile.mkdtemp()) / "trivsel.svg"
>>> write_svg(cmap, path) == [str(path)]
True
>>> path.read_bytes() == (write_svg(cmap, path) and path.read_bytes())
True
"""

from __future__ import annotations

import io
import math
import os
import textwrap
from pathlib import Path

from gmb.analysis.signed import link_sign
from gmb.errors import GmbError
from gmb.maps.causalmap import CausalMap
from gmb.maps.outpaths import write_output
from gmb.render.fonts import quiet_savefig
from gmb.render.layout import layout_positions
from gmb.render.stories import is_delayed
from gmb.render.style import NO_THEME_COLOR, POLARITY_COLORS, POLARITY_MARKS, arrow_width, theme_colors, tint

__all__ = ["draw_map", "save_picture", "write_png", "write_svg", "write_pdf", "deterministic", "save_figure",
           "bezier_point"]

PIXELS_PER_INCH = 130  # layout pixels per inch of paper
DPI = 150
LEGEND_WIDTH = 2.4  # inches kept on the right for the legend
CURVE = 0.15  # how much arrows bend (matplotlib's arc3 rad)
LEGEND_TEXT = {
    "da": {"+": "samme retning (+)", "-": "modsat retning (−)", "?": "ikke afklaret (?)", "delay": "forsinket (||)"},
    "en": {"+": "same direction (+)", "-": "opposite direction (−)", "?": "not agreed (?)", "delay": "delayed (||)"},
}


def draw_map(cmap: CausalMap, figure, language: str | None = None) -> None:
    """Draw the map on an empty matplotlib ``Figure``: boxes, curved signed arrows, title and legend.

    The figure should have its final size and dpi: arrows are cut at the label boxes as drawn at that size.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, Patch

    language = language or cmap.languages[0]
    positions = {v: (x, -y) for v, (x, y) in layout_positions(cmap).items()}  # y up on paper
    width, height = figure.get_size_inches()
    ax = figure.add_axes((0.15 / width, 0.15 / height, 1 - (LEGEND_WIDTH + 0.3) / width, 1 - 0.8 / height))
    xs = [p[0] for p in positions.values()] or [0]
    ys = [p[1] for p in positions.values()] or [0]
    ax.set_xlim(min(xs) - 100, max(xs) + 100)
    ax.set_ylim(min(ys) - 50, max(ys) + 50)
    ax.set_aspect("equal")
    ax.axis("off")
    colors = theme_colors(cmap)
    boxes = {}
    for var, (x, y) in positions.items():
        attrs = cmap.graph.nodes[var]
        color = colors.get(attrs.get("theme"), NO_THEME_COLOR)
        outcome = var in cmap.outcome
        text = textwrap.fill(cmap.label(var, language), 18, break_long_words=False)  # long Danish words stay whole
        boxes[var] = ax.text(x, y, text, ha="center", va="center",
                             fontsize=10 if outcome else 8.5, fontweight="bold" if outcome else "normal",
                             color="#1f2933", zorder=3,
                             bbox={"boxstyle": "sawtooth,pad=0.45" if attrs.get("kind") == "action" else "round,pad=0.45",
                                   "facecolor": tint(color), "edgecolor": color, "linewidth": 2.2 if outcome else 1.0})
    figure.draw_without_rendering()  # places the label boxes, so that arrows can stop at their edges
    for u, v, attrs in cmap.links():
        a, b, sign = positions[u], positions[v], link_sign(attrs)
        color = POLARITY_COLORS[sign]
        ax.add_patch(FancyArrowPatch(a, b, connectionstyle=f"arc3,rad={CURVE}",
                                     arrowstyle="-|>,head_length=6,head_width=3", color=color,
                                     linewidth=arrow_width(attrs.get("strength")) * 0.55,
                                     patchA=boxes[u].get_bbox_patch(), patchB=boxes[v].get_bbox_patch(),
                                     shrinkA=2, shrinkB=3, zorder=2))
        ax.text(*bezier_point(a, b, CURVE, _mark_place(ax, a, b, boxes[v])), POLARITY_MARKS[sign], ha="center",
                va="center", fontsize=9, fontweight="bold", color=color, zorder=2.5,
                bbox={"boxstyle": "circle,pad=0.1", "facecolor": "white", "edgecolor": "none"})
        if is_delayed(attrs.get("delay")):
            dx, dy = _tangent(a, b, CURVE, 0.45)
            ax.text(*bezier_point(a, b, CURVE, 0.45), "||", ha="center", va="center", fontsize=9, fontweight="bold",
                    color=color, zorder=2.5, rotation=math.degrees(math.atan2(dy, dx)), rotation_mode="anchor")
    figure.suptitle(cmap.text(cmap.meta.get("title"), language), x=0.15 / width, y=1 - 0.2 / height,
                    ha="left", va="top", fontsize=13, color="#1f2933")
    words = LEGEND_TEXT.get(language, LEGEND_TEXT["en"])
    used = {attrs.get("theme") for _, attrs in cmap.graph.nodes(data=True)}
    handles = [Patch(facecolor=tint(colors[t]), edgecolor=colors[t], label=cmap.theme_label(t, language))
               for t in cmap.themes if t in used]
    handles += [Line2D([], [], color=POLARITY_COLORS[p], linewidth=1.6, label=words[p]) for p in ("+", "-", "?")]
    handles.append(Line2D([], [], color="#5c6773", marker="$||$", linestyle="none", markersize=9, label=words["delay"]))
    figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(1 - LEGEND_WIDTH / width, 1 - 0.6 / height),
                  frameon=False, fontsize=8.5)


def save_picture(cmap: CausalMap, path: str | os.PathLike, format: str | None = None,
                 language: str | None = None) -> list[str]:
    """Draw the map and save it as ``png``, ``svg`` or ``pdf`` (by default from the extension)."""
    from matplotlib.figure import Figure

    path = Path(path)
    format = (format or path.suffix.lstrip(".")).lower()
    if format not in ("png", "svg", "pdf"):
        raise GmbError(f"{path}: cannot draw a picture as {format!r}; use .png, .svg or .pdf")
    if path.is_dir() or not path.parent.is_dir():
        raise GmbError(f"{path}: cannot write there; give a file name in an existing directory")
    if language is not None and language not in cmap.languages:
        raise GmbError(f"language {language!r} is not one of the map's languages ({', '.join(cmap.languages)})")
    positions = layout_positions(cmap).values()
    span_x = max((p[0] for p in positions), default=0) - min((p[0] for p in positions), default=0)
    span_y = max((p[1] for p in positions), default=0) - min((p[1] for p in positions), default=0)
    size = ((span_x + 200) / PIXELS_PER_INCH + LEGEND_WIDTH + 0.3, (span_y + 100) / PIXELS_PER_INCH + 0.8)
    with deterministic():
        figure = Figure(figsize=(min(max(size[0], 8), 40), min(max(size[1], 5), 40)), dpi=DPI)
        draw_map(cmap, figure, language)
        save_figure(figure, path, format)
    return [str(path)]


def write_png(cmap: CausalMap, path, language: str | None = None) -> list[str]:
    """``gmb export MAP -o map.png``: the diagram as a PNG picture."""
    return save_picture(cmap, path, "png", language)


def write_svg(cmap: CausalMap, path, language: str | None = None) -> list[str]:
    """``gmb export MAP -o map.svg``: the diagram as an SVG picture (scalable, editable)."""
    return save_picture(cmap, path, "svg", language)


def write_pdf(cmap: CausalMap, path, language: str | None = None) -> list[str]:
    """``gmb export MAP -o map.pdf``: the diagram as a PDF page for reports."""
    return save_picture(cmap, path, "pdf", language)


def deterministic():
    """matplotlib settings under which the same figure gives the same SVG or PDF bytes."""
    import matplotlib

    return matplotlib.rc_context({"svg.hashsalt": "gmb", "svg.fonttype": "path", "pdf.fonttype": 42})


def bezier_point(a, b, rad: float, t: float) -> tuple[float, float]:
    """The point at ``t`` (0 to 1) along matplotlib's ``arc3,rad=rad`` curve from ``a`` to ``b``."""
    (x1, y1), (x2, y2) = a, b
    cx, cy = (x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1)
    return ((1 - t) ** 2 * x1 + 2 * (1 - t) * t * cx + t ** 2 * x2,
            (1 - t) ** 2 * y1 + 2 * (1 - t) * t * cy + t ** 2 * y2)


def _mark_place(ax, a, b, target) -> float:
    """Where along the arrow (0 to 1) its sign goes: just before it enters the target's box."""
    box = target.get_bbox_patch().get_window_extent().expanded(1.15, 1.3)
    to_screen = ax.transData.transform
    length = math.dist(to_screen(a), to_screen(b)) or 1.0
    entry = next((i / 50 for i in range(50, -1, -1) if not box.contains(*to_screen(bezier_point(a, b, CURVE, i / 50)))), 0.5)
    return max(0.3, entry - 14 / length)


def _tangent(a, b, rad: float, t: float) -> tuple[float, float]:
    (x1, y1), (x2, y2) = a, b
    cx, cy = (x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1)
    return (2 * (1 - t) * (cx - x1) + 2 * t * (x2 - cx), 2 * (1 - t) * (cy - y1) + 2 * t * (y2 - cy))


def save_figure(figure, path: str | os.PathLike, format: str) -> None:
    """Save a matplotlib figure as ``png``, ``svg`` or ``pdf`` in one step, without dates (same bytes each time)."""
    buffer = io.BytesIO()
    metadata = {"png": {"Software": "gmb"}, "svg": {"Date": None, "Creator": "gmb"},
                "pdf": {"CreationDate": None, "Creator": "gmb", "Producer": "gmb"}}[format]
    quiet_savefig(figure, buffer, format=format, dpi=DPI, metadata=metadata, facecolor="white")
    _write_bytes(Path(path), buffer.getvalue())


def _write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (a crash leaves the old file or the new one), under
    the output rules of :mod:`gmb.maps.outpaths`."""
    try:
        write_output(path, data)
    except OSError as exc:
        raise GmbError(f"{path}: cannot write there ({exc.strerror or exc}); give a file name in a directory "
                       "you can write to") from None
