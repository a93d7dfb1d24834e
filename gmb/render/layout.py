"""Where each variable is drawn: the map's saved positions, else a deterministic spring layout.

Positions are in pixels, x to the right and y downward (as vis-network and Kumu use them).
Variables with a saved position (``layout:`` in the map file) stay exactly there; the others are
placed by a force-directed layout that starts from a circle ordered by theme and file order, so
the same map always gives the same picture (same numbers, same file bytes).

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo")
>>> for var in ("a", "b", "c"):
...     cmap.add_variable(var, var.upper())
>>> cmap.add_link("a", "b", "+")
('a', 'b')
>>> cmap.meta["layout"] = {"a": [0, 0], "b": [200, 0]}
>>> positions = layout_positions(cmap)
>>> positions["a"], positions["b"]
((0, 0), (200, 0))
>>> positions == layout_positions(cmap)
True
"""

from __future__ import annotations

import math
import numbers

import networkx as nx
import numpy as np

from gmb.maps.causalmap import CausalMap

__all__ = ["layout_positions", "saved_positions", "SPACING", "ASPECT", "PORTRAIT", "LABEL_BOX"]

SPACING = 190
"""About how far apart (in pixels) neighbouring variables are placed by the automatic layout."""
ASPECT = 1.4
"""Width to height of an automatic layout for a screen (wider than tall)."""
PORTRAIT = 0.55
"""Width to height asked of the layout for a phone held upright (labels, wider than tall, widen it again)."""
LABEL_BOX = (190, 120)
"""Width and height (pixels) kept free around each automatically placed variable for its dot and label."""


def saved_positions(cmap: CausalMap) -> dict[str, tuple[float, float]]:
    """The positions the map file gives (``layout: {var: [x, y]}``), for variables that exist."""
    saved = {}
    for var, point in cmap.layout.items():
        if var in cmap.graph and isinstance(point, (list, tuple)) and len(point) == 2 \
                and all(isinstance(c, numbers.Real) and not isinstance(c, bool) and math.isfinite(c) for c in point):
            saved[var] = (point[0], point[1])
    return saved


def layout_positions(cmap: CausalMap, aspect: float = ASPECT) -> dict[str, tuple[float, float]]:
    """``{variable: (x, y)}`` for every variable, in file order; automatic positions are whole pixels.

    ``aspect`` is the width to height of an automatic layout (below 1 for a phone held upright).
    """
    saved = saved_positions(cmap)
    variables = cmap.variables
    missing = [v for v in variables if v not in saved]
    if not missing:
        return {v: saved[v] for v in variables}
    n = len(variables)
    span = SPACING * max(1.0, math.sqrt(n))  # side of the square the layout fills, in pixels
    start = _start_positions(cmap, saved, span)
    if n > 1:
        graph = nx.Graph()
        graph.add_nodes_from(variables)
        graph.add_edges_from((u, v) for u, v, _ in cmap.links())
        # networkx works in a unit box: k is the ideal distance there
        unit = {v: (x / span, y / span) for v, (x, y) in start.items()}
        moved = nx.spring_layout(graph, pos=unit, fixed=list(saved) or None, k=1.0 / math.sqrt(n),
                                 iterations=120, seed=0, scale=None if saved else 0.5, center=None)
        sx, sy = (1.0, 1.0) if saved else (max(aspect, 1.0), max(1.0 / aspect, 1.0))
        start = {v: (float(x) * span * sx, float(y) * span * sy) for v, (x, y) in moved.items()}
        start = _separate(variables, start, set(saved))
    return {v: saved[v] if v in saved else (round(start[v][0]), round(start[v][1])) for v in variables}


def _separate(variables: list[str], positions: dict, fixed: set, rounds: int = 150) -> dict:
    """Push apart variables whose labels would overlap (boxes of LABEL_BOX pixels); fixed ones stay."""
    points = np.array([positions[v] for v in variables], dtype=float)
    movable = np.array([v not in fixed for v in variables])
    width, height = LABEL_BOX
    n = len(variables)
    order = np.arange(n)
    tie = np.where(order[:, None] < order[None, :], -1.0, 1.0)  # who moves which way when two coincide
    for _ in range(rounds):
        dx = points[:, None, 0] - points[None, :, 0]
        dy = points[:, None, 1] - points[None, :, 1]
        over_x, over_y = width - np.abs(dx), height - np.abs(dy)
        overlap = (over_x > 0) & (over_y > 0)
        np.fill_diagonal(overlap, False)
        if not overlap.any():
            break
        sideways = over_x / width < over_y / height
        push_x = np.where(overlap & sideways, np.where(dx == 0, tie, np.sign(dx)) * over_x / 2, 0.0)
        push_y = np.where(overlap & ~sideways, np.where(dy == 0, tie, np.sign(dy)) * over_y / 2, 0.0)
        step = np.stack([push_x.sum(axis=1), push_y.sum(axis=1)], axis=1) * 0.5
        points[movable] += step[movable]
    return {v: (points[i, 0], points[i, 1]) for i, v in enumerate(variables)}


def _start_positions(cmap: CausalMap, saved: dict, span: float) -> dict[str, tuple[float, float]]:
    """Saved positions, and the others on a circle ordered by theme (then file order)."""
    themes = list(cmap.themes)
    order = sorted((v for v in cmap.variables if v not in saved),
                   key=lambda v: _theme_rank(cmap.graph.nodes[v].get("theme"), themes))
    if saved:
        xs, ys = [p[0] for p in saved.values()], [p[1] for p in saved.values()]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        radius = max(max(xs) - min(xs), max(ys) - min(ys), span) / 2
    else:
        cx = cy = 0.0
        radius = span / 2
    start = dict(saved)
    for i, var in enumerate(order):
        angle = 2 * math.pi * i / len(order) - math.pi / 2
        start[var] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    return start


def _theme_rank(theme, themes: list[str]) -> int:
    return themes.index(theme) if theme in themes else len(themes)
