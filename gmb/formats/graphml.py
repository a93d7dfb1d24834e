"""A map as GraphML (via networkx), for yEd, Gephi, Cytoscape and networkx.

Writing: variables are nodes, links are edges. Nested attributes are flattened with dots
(``label.da``, ``source.workshop``); values GraphML cannot hold (lists, empty mappings, null, text
with control characters) are stored as JSON text in an attribute whose name ends in ``:json``.
The map's metadata (``gmb`` version, title, languages, outcome, themes, loops) are graph attributes
in the same way, and layout positions are the nodes' ``x`` and ``y``. Reading a file gmb wrote
(one with a ``gmb`` graph attribute) restores all of it. Links are written grouped by their cause, with
ids ``e0``, ``e1``, … giving the map's order, in which they are read back.

What a round trip keeps: everything, ``CausalMap.to_data()`` exactly: title, description, languages,
themes (labels in every language, colours, notes), loops (names, stories), outcome, layout, strengths,
every variable and link with all their keys (sources and quotes too), links in their order, text
exactly (also surrounding spaces, line breaks and control characters), and keys gmb does not know.

Reading another tool's GraphML keeps the attributes a map file knows, takes ``description`` as
notes, and reads what yEd writes: node labels (its ``NodeLabel``), positions (→ layout) and edge
labels ``+``/``-`` (→ polarity; other edge labels → notes). Where node ids are generated numbers
(``n0``, ``n1`` from yEd, ``0``, ``1`` from Gephi) the variable ids are made from the labels.
Links without a polarity get ``?``.

Example
-------
>>> cmap = CausalMap.new("Trivsel")
>>> cmap.add_variable("sleep", {"da": "Søvn", "en": "Sleep"})
>>> sorted(_flatten(dict(cmap.graph.nodes["sleep"]) | {"synonyms": ["rest"]}).items())
[('label.da', 'Søvn'), ('label.en', 'Sleep'), ('synonyms:json', '["rest"]')]
"""

from __future__ import annotations

import io
import json
import os
import re
import warnings
from typing import Any
from xml.etree.ElementTree import ParseError

import networkx as nx

from gmb.errors import MapFileError
from gmb.formats.builder import MapBuilder, is_position
from gmb.formats.files import check_items, check_output, read_input, write_output
from gmb.maps.causalmap import CausalMap
from gmb.maps.schema import FORMAT_VERSION
from gmb.maps.store import decode_text

__all__ = ["read_map", "write_map"]

_JSON = ":json"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NAME = re.compile(r"[^.:\s\x00-\x1f\ud800-\udfff\ufffe\uffff]+")
"""A mapping key that can be part of a dotted GraphML attribute name."""
_GENERATED_ID = re.compile(r"[a-z]?\d+")
_EDGE_ID = re.compile(r"e(\d{1,9})")


def write_map(cmap: CausalMap, path: str | os.PathLike) -> list[str]:
    """Write the map as GraphML; returns ``[path]``."""
    path = check_output(path)
    meta = {"gmb": FORMAT_VERSION} | cmap.meta
    layout = meta.get("layout")
    placed = {v: p for v, p in layout.items() if v in cmap.graph and is_position(p)} if isinstance(layout, dict) else {}
    if placed:
        rest = {v: p for v, p in meta.pop("layout").items() if v not in placed}
        if rest:
            meta["layout"] = rest
    graph = nx.MultiDiGraph()  # whose edges GraphML writes with ids: e0, e1, … in the map's order
    graph.graph.update(_flatten(meta))
    for var, attrs in cmap.graph.nodes(data=True):
        position = dict(zip("xy", placed[var])) if var in placed else {}
        graph.add_node(var, **_flatten(attrs), **position)
    for index, (u, v, attrs) in enumerate(cmap.links()):
        graph.add_edge(u, v, key=f"e{index}", **_flatten(attrs))
    buffer = io.BytesIO()
    try:
        nx.write_graphml(graph, buffer)
    except ValueError as exc:  # lxml refuses control characters, which only ids can still hold here
        raise MapFileError(path, f"cannot be written as XML ({exc}); rename variables whose id holds "
                           "a control character") from None
    write_output(path, buffer.getvalue().decode("utf-8"))
    return [str(path)]


def read_map(path: str | os.PathLike) -> tuple[CausalMap, list[str]]:
    """Read a GraphML file (gmb's own, networkx, Gephi or yEd): ``(map, warnings)``."""
    raw = read_input(path)
    if re.search(rb"<!ENTITY", raw[:65536], re.I):
        raise MapFileError(path, "declares XML entities, which gmb does not read; remove the <!ENTITY ...> lines")
    check_items(path, raw, b"<", "XML elements")
    text = decode_text(path, raw)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            graph = nx.parse_graphml(text, force_multigraph=True)
        except ParseError as exc:
            reason = str(exc).split(":")[0]
            raise MapFileError(path, f"not valid XML ({reason}); fix the file or export it again",
                               line=exc.position[0]) from None
        except (nx.NetworkXError, ValueError, KeyError, TypeError) as exc:
            raise MapFileError(path, f"not valid GraphML ({exc}); export it again as GraphML") from None
    if not graph.is_directed():
        raise MapFileError(path, 'is an undirected graph; a causal map needs directed links '
                           '(<graph edgedefault="directed">)')
    builder = MapBuilder(path)
    builder.warnings += [f"{path}: {w.message}" for w in caught]
    defaults = {"node": graph.graph.pop("node_default", {}), "edge": graph.graph.pop("edge_default", {})}
    meta = _unflatten(graph.graph)
    own = "gmb" in meta
    if own:
        builder.meta = meta
    else:
        builder.foreign_meta(meta)
    ids = _ids_from_labels(graph) if not own and all(_GENERATED_ID.fullmatch(str(n)) for n in graph) else {}
    positions = {}
    for node, data in graph.nodes(data=True):
        attrs = _unflatten(defaults["node"] | data)
        var = ids.get(node, node)
        position = [attrs.pop("x", None), attrs.pop("y", None)]
        position = position if own else [_number(x) for x in position]
        if is_position(position):
            positions[var] = position
        if not own:
            attrs.pop("shape_type", None)
            attrs = builder.foreign_variable(attrs)
        builder.add_variable(var, attrs)
    edges = list(graph.edges(keys=True, data=True))
    for u, v, key, data in sorted(edges, key=_edge_order) if own else edges:
        attrs = _unflatten(defaults["edge"] | data)
        where = f"edge {key}" if isinstance(key, str) else None
        if not own:
            attrs = builder.foreign_link(attrs, (ids.get(u, u), ids.get(v, v)), where)
        builder.add_link(ids.get(u, u), ids.get(v, v), attrs, where=where)
    if positions:
        layout = builder.meta.get("layout")
        builder.meta["layout"] = positions | (layout if isinstance(layout, dict) else {})
    return builder.finish()


def _flatten(attrs: dict, prefix: str = "") -> dict[str, Any]:
    """GraphML attributes: nested mappings as dotted names, other values GraphML cannot hold as JSON."""
    flat: dict[str, Any] = {}
    for key, value in attrs.items():
        name = f"{prefix}{key}"
        if (isinstance(value, dict) and value
                and all(isinstance(k, str) and _NAME.fullmatch(k) for k in value)):
            flat.update(_flatten(value, name + "."))
        elif isinstance(value, (int, float)) or (isinstance(value, str) and not _NOT_XML.search(value)):
            flat[name] = value
        else:
            text = json.dumps(value, ensure_ascii=False, default=str)
            flat[name + _JSON] = json.dumps(value, default=str) if _NOT_XML.search(text) else text
    return flat


def _unflatten(flat: dict[str, Any]) -> dict[str, Any]:
    """The nested attributes of :func:`_flatten`'s output (a name that clashes is kept as it is)."""
    nested: dict[str, Any] = {}
    for name, value in flat.items():
        if name.endswith(_JSON) and isinstance(value, str):
            try:
                name, value = name[: -len(_JSON)], json.loads(value)
            except json.JSONDecodeError:
                pass
        *parents, leaf = name.split(".")
        node = nested
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        if isinstance(node, dict) and not isinstance(node.get(leaf), dict):
            node[leaf] = value
        else:
            nested.setdefault(name, value)
    return nested


def _edge_order(edge: tuple) -> float:
    """The place of an edge of a file gmb wrote in the map's order, from its id ``e<place>`` (others last).

    >>> sorted([("a", "b", "e10"), ("b", "c", "x"), ("c", "a", "e2")], key=_edge_order)
    [('c', 'a', 'e2'), ('a', 'b', 'e10'), ('b', 'c', 'x')]
    """
    match = _EDGE_ID.fullmatch(str(edge[2]))
    return int(match.group(1)) if match else float("inf")


def _ids_from_labels(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Readable variable ids made from node labels (``Børns trivsel`` → ``børns_trivsel``), unique."""
    ids, taken = {}, set()
    for node, data in graph.nodes(data=True):
        label = data.get("label")
        base = re.sub(r"\W+", "_", label.strip().casefold()).strip("_") if isinstance(label, str) else ""
        base = base or str(node)
        var, number = base, 2
        while var.casefold() in taken:
            var, number = f"{base}_{number}", number + 1
        taken.add(var.casefold())
        ids[node] = var
    return ids


def _number(text: Any) -> Any:
    """A coordinate as yEd writes it ("100.0") as a number (100); other values unchanged."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return text
    return int(value) if value.is_integer() else value
