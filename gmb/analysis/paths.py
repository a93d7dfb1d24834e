"""Pathways: how a variable or an action reaches the outcome, and which way each path pushes it.

Each simple path has a net sign (``+`` an even number of ``-`` links, ``-`` odd, ``?`` a link
of unknown polarity). The verdict says whether the paths agree: ``+`` or ``-`` when all say the
same, ``ambiguous`` when some say ``+`` and others ``-`` (the effect depends on which paths are
stronger), ``?`` when the known paths agree but some path has a link of unknown polarity, and
``none`` when there is no path at all.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo", ["en"])
>>> for var in ("bike_paths", "activity", "screen_time", "mental_health"):
...     cmap.add_variable(var)
>>> for u, v, sign in [("bike_paths", "activity", "+"), ("activity", "mental_health", "+"),
...                    ("bike_paths", "screen_time", "-"), ("screen_time", "mental_health", "-")]:
...     _ = cmap.add_link(u, v, sign)
>>> result = pathways(cmap, "bike_paths", "mental_health")
>>> [(p.sign, p.variables) for p in result.paths]
[('+', ('bike_paths', 'activity', 'mental_health')), ('+', ('bike_paths', 'screen_time', 'mental_health'))]
>>> result.verdict
'+'
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from gmb.analysis.signed import analysis_graph, chain_sign, resolve_variable
from gmb.errors import GmbError
from gmb.maps.causalmap import CausalMap
from gmb.maps.cycles import Adjacency, longer_exists, shortest_first, walks

__all__ = ["Pathway", "Pathways", "pathways", "VERDICTS"]

VERDICTS = {
    "+": "all paths agree: it raises the target",
    "-": "all paths agree: it lowers the target",
    "ambiguous": "ambiguous: some paths raise the target and others lower it",
    "?": "undecided: the paths of known sign agree, but some path has a link of unknown polarity",
    "none": "no path: it does not reach the target",
}
"""What each verdict means, in words."""


@dataclass(frozen=True)
class Pathway:
    """A simple path of links from the source to the target, with its net sign."""

    variables: tuple[str, ...]
    sign: str

    @property
    def length(self) -> int:
        """The number of links on the path."""
        return len(self.variables) - 1

    def links(self) -> list[tuple[str, str]]:
        return list(zip(self.variables, self.variables[1:]))


@dataclass
class Pathways:
    """The paths from ``source`` to ``target``, shortest first; ``complete`` is false if some were left out."""

    source: str
    target: str
    paths: list[Pathway]
    complete: bool = True
    reason: str | None = None

    def by_sign(self) -> dict[str, int]:
        """``{"+": n, "-": n, "?": n}``: how many paths have each net sign."""
        counts = {"+": 0, "-": 0, "?": 0}
        for path in self.paths:
            counts[path.sign] += 1
        return counts

    @property
    def verdict(self) -> str:
        """``+``, ``-``, ``ambiguous``, ``?`` or ``none`` (see :data:`VERDICTS`), over the listed paths."""
        counts = self.by_sign()
        if not self.paths:
            return "none"
        if counts["+"] and counts["-"]:
            return "ambiguous"
        if counts["?"]:
            return "?"
        return "+" if counts["+"] else "-"


def pathways(cmap: CausalMap, source: str, target: str, max_length: int | None = None,
             limit: int | None = None) -> Pathways:
    """The simple paths from ``source`` to ``target`` (ids or labels), shortest first then by ids.

    ``max_length`` bounds the number of links on a path; ``limit`` keeps at most that many paths,
    the shortest ones. Either cut is reported in ``complete`` and ``reason``.
    """
    graph = analysis_graph(cmap)
    src, dst = resolve_variable(cmap, source, "from"), resolve_variable(cmap, target, "to")
    if src == dst:
        raise GmbError(f"from and to are the same variable ({src}); for its feedback loops use "
                       f"'gmb loops MAP --through {src}'")
    for value, what in ((max_length, "maximum path length"), (limit, "path limit")):
        if value is not None and value < 1:
            raise GmbError(f"the {what} must be at least 1, not {value}")
    adj = Adjacency(graph)
    on_some_path = (nx.descendants(graph, src) & nx.ancestors(graph, dst)) | {src, dst}
    horizon = len(on_some_path) - 1
    collected: list[Pathway] = []
    sink = _PathSink(cmap, collected)
    cut = shortest_first(lambda bound, exact: walks(adj, src, dst, bound or horizon, exact),
                         limit, max_length, horizon, sink)
    collected.sort(key=lambda p: (p.length, p.variables))
    if cut is not None:
        shorter = f"all paths of up to {cut - 1} links, and " if cut > 1 else ""
        reason = f"cut at the limit of {limit} paths: {shorter}{sink.of_length(cut)} of the paths of {cut} links"
        return Pathways(src, dst, collected, False, reason)
    if max_length is None or max_length >= horizon:
        return Pathways(src, dst, collected)
    longer = longer_exists(walks(adj, src, dst, horizon), max_length + 1)
    if longer is False:
        return Pathways(src, dst, collected)
    more = "longer ones exist" if longer else "longer ones may exist"
    return Pathways(src, dst, collected, False, f"only paths of up to {max_length} links were looked for, and {more}")


class _PathSink:
    def __init__(self, cmap: CausalMap, paths: list):
        self.cmap, self.paths = cmap, paths

    def add(self, nodes: list) -> None:
        self.paths.append(Pathway(tuple(nodes), chain_sign(self.cmap, zip(nodes, nodes[1:]))))

    def reset(self) -> None:
        self.paths.clear()

    def of_length(self, length: int) -> int:
        return sum(1 for p in self.paths if p.length == length)
