"""Structural analysis of a causal map: feedback loops, central variables, pathways, press response.

Each function reads a :class:`~gmb.maps.causalmap.CausalMap` and returns plain results; none changes
the map except :func:`name_loop` / :func:`tell_loop`, which write a loop's name or story.
May import :mod:`gmb.maps` and :mod:`gmb.sd` (the press response is read off the model's linearisation).

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo", ["en"])
>>> for var in ("a", "b"):
...     cmap.add_variable(var)
>>> _ = cmap.add_link("a", "b", "+"), cmap.add_link("b", "a", "-")
>>> [loop.polarity for loop in find_loops(cmap).loops]
['B']
"""

from gmb.analysis.centrality import centrality_table, map_summary
from gmb.analysis.loops import (
    Loop,
    LoopCounts,
    LoopListing,
    count_loops,
    find_loop,
    find_loops,
    loop_id,
    name_loop,
    tell_loop,
)
from gmb.analysis.paths import Pathway, Pathways, pathways

__all__ = ["Loop", "LoopCounts", "LoopListing", "count_loops", "find_loop", "find_loops", "loop_id",
           "name_loop", "tell_loop", "centrality_table", "map_summary", "Pathway", "Pathways", "pathways",
           "LinearPress", "PressResponse", "linear_press", "press_response"]

_PRESS = ("LinearPress", "PressResponse", "linear_press", "press_response")


def __getattr__(name: str):
    """The press response's names, imported on first use (they need numpy, the rest does not)."""
    if name in _PRESS:
        from gmb.analysis import press
        return getattr(press, name)
    raise AttributeError(f"module 'gmb.analysis' has no attribute {name!r}")
