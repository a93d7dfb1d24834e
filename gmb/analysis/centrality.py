"""Which variables are central: degree, betweenness, closeness, reach and loops, per variable.

The measures follow the network analysis of community obesity causal loop diagrams (McGlashan et
al. 2016): degree says how connected a variable is, out-degree marks drivers, in-degree outcomes,
and betweenness the mediators that many chains of influence pass through. Closeness and reach
look outward, along the arrows: how quickly and how widely a variable's influence spreads.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("path", ["en"])
>>> for var in ("a", "b", "c"):
...     cmap.add_variable(var)
>>> _ = cmap.add_link("a", "b", "+"), cmap.add_link("b", "c", "+")
>>> [(row["id"], row["betweenness"], row["reach"]) for row in centrality_table(cmap)]
[('a', 0.0, 2), ('b', 0.5, 1), ('c', 0.0, 0)]
>>> map_summary(cmap)["average_path_length"]
1.3333333333333333
"""

from __future__ import annotations

import networkx as nx

from gmb.analysis.loops import LoopCounts, LoopListing
from gmb.analysis.loopset import COUNT_CAP, MapLoops, map_loops
from gmb.analysis.signed import analysis_graph
from gmb.maps.causalmap import CausalMap

__all__ = ["centrality_table", "map_summary", "MEASURES", "DEFAULT_LOOP_LIMIT"]

MEASURES = {
    "in_degree": "links into the variable: many causes mark an outcome of the map",
    "out_degree": "links out of the variable: many effects mark a driver",
    "degree": "all its links, in and out: how connected the variable is",
    "betweenness": "betweenness: share of shortest chains between others that pass through it: a mediator",
    "closeness": "closeness: how few links its influence needs to reach the others (1: one link to each)",
    "reach": "how many variables it influences, directly or through others",
    "loops": "how many feedback loops it sits in",
}
"""The columns of :func:`centrality_table`, each explained in one line."""

DEFAULT_LOOP_LIMIT = COUNT_CAP
"""How many loops (the shortest) are counted for the ``loops`` column when none are given (the map's
loops as :func:`gmb.analysis.loopset.map_loops` defines them)."""


def centrality_table(cmap: CausalMap, loops: MapLoops | LoopListing | LoopCounts | None = None) -> list[dict]:
    """One row per variable (in file order) with the measures of :data:`MEASURES`, its id and label.

    ``betweenness`` is networkx's, normalised for a directed graph (divided by (n-1)(n-2));
    ``closeness`` is networkx's (with the Wasserman-Faust correction for variables that reach
    only part of the map) on the reversed graph, so that it measures distances *from* the variable.
    ``loops`` counts the loops given, or the map's loops (:func:`gmb.analysis.loopset.map_loops`).
    """
    graph = analysis_graph(cmap)
    per_loop = _loop_counts(cmap, loops).loops_per_variable()
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    distances = _distances(graph)
    n = graph.number_of_nodes()
    rows = []
    for var in cmap.variables:
        reached = distances[var]
        total = sum(reached.values())
        closeness = (len(reached) / total) * (len(reached) / (n - 1)) if total else 0.0
        rows.append({
            "id": var, "label": cmap.label(var),
            "in_degree": graph.in_degree(var), "out_degree": graph.out_degree(var), "degree": graph.degree(var),
            "betweenness": betweenness[var], "closeness": closeness, "reach": len(reached),
            "loops": per_loop.get(var, 0),
        })
    return rows


def map_summary(cmap: CausalMap, loops: MapLoops | LoopListing | LoopCounts | None = None) -> dict:
    """The map as a whole: its size, density, average path length and loop counts.

    ``average_path_length`` is the mean number of links on the shortest chain from one variable to
    another, over the ordered pairs where the second can be reached from the first (``None`` if
    there are none). ``loops`` counts by polarity; ``loops_complete`` is false if some loops were not
    counted, and ``loops_stated`` says which (:meth:`gmb.analysis.loopset.MapLoops.stated`; ``None``
    for a plain listing or count).
    """
    graph = analysis_graph(cmap)
    found = map_loops(cmap, listed=0) if loops is None else loops if isinstance(loops, MapLoops) else None
    counts = _loop_counts(cmap, found or loops)
    lengths = [d for reached in _distances(graph).values() for d in reached.values()]
    return {
        "variables_count": graph.number_of_nodes(),
        "links_count": graph.number_of_edges(),
        "density": nx.density(graph) if graph.number_of_nodes() > 1 else 0.0,
        "average_path_length": sum(lengths) / len(lengths) if lengths else None,
        "loops": counts.by_polarity(),
        "loops_total": counts.total,
        "loops_complete": counts.complete,
        "loops_reason": counts.reason,
        "loops_stated": found.stated() if found else None,
    }


def _loop_counts(cmap: CausalMap, loops: MapLoops | LoopListing | LoopCounts | None) -> LoopCounts:
    if loops is None:
        return map_loops(cmap, listed=0).counts
    if isinstance(loops, MapLoops):
        return loops.counts
    return loops.counts() if isinstance(loops, LoopListing) else loops


def _distances(graph: nx.DiGraph) -> dict:
    """For each variable, the links needed to reach each other variable it reaches (itself left out)."""
    result = {}
    for var, reached in nx.all_pairs_shortest_path_length(graph):
        reached = dict(reached)
        reached.pop(var)
        result[var] = reached
    return result
