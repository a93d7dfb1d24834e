"""Signs of links and chains of links, and the graph every analysis reads.

A chain of links (a path or a loop) has a net sign: ``+`` when it has an even number of ``-``
links, ``-`` when odd, and ``?`` when any link's polarity is not known (``?``, missing or invalid).

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo")
>>> for var in ("a", "b", "c"):
...     cmap.add_variable(var)
>>> _ = cmap.add_link("a", "b", "-"), cmap.add_link("b", "c", "-")
>>> chain_sign(cmap, [("a", "b"), ("b", "c")])
'+'
>>> link_sign({"polarity": "maybe"})
'?'
"""

from __future__ import annotations

from typing import Iterable

import networkx as nx

from gmb.errors import GmbError, MapFileError, UnknownVariableError
from gmb.maps.causalmap import CausalMap

__all__ = ["link_sign", "chain_sign", "analysis_graph", "resolve_variable"]


def link_sign(attrs: dict) -> str:
    """A link's polarity: ``+`` or ``-``, else ``?`` (not agreed, missing or not a polarity)."""
    value = attrs.get("polarity")
    return value if value in ("+", "-") else "?"


def chain_sign(cmap: CausalMap, links: Iterable[tuple[str, str]]) -> str:
    """The net sign of a chain of links: ``+`` (even number of ``-``), ``-`` (odd) or ``?``."""
    negatives = 0
    for u, v in links:
        sign = link_sign(cmap.graph.edges[u, v])
        if sign == "?":
            return "?"
        negatives += sign == "-"
    return "-" if negatives % 2 else "+"


def analysis_graph(cmap: CausalMap) -> nx.DiGraph:
    """The map's graph, after checking it has no link from a variable to itself.

    A self-link is not a CLD link (``gmb validate`` reports it as an error); rather than count it
    as a loop of one, every analysis refuses it with a one-line error naming the file and line.
    """
    for var in nx.nodes_with_selfloops(cmap.graph):
        message = f"variable {var!r} has a link to itself; a link joins two variables, remove it " \
                  f"(gmb link remove MAP {var} {var})"
        if cmap.origin is not None:
            raise MapFileError(cmap.origin.path, message, line=cmap.origin.link_lines.get((var, var)))
        raise GmbError(message)
    return cmap.graph


def resolve_variable(cmap: CausalMap, name: str, role: str) -> str:
    """The id of the variable called ``name``; an unknown name names its ``role`` in the error."""
    try:
        return cmap.resolve(name)
    except UnknownVariableError as exc:
        exc.args = (f"{role}: {exc.args[0]}",)
        raise
