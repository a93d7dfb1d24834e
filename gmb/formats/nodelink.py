"""A map as networkx node-link JSON (``nx.node_link_data(G, edges="links")``), without loss.

The map's metadata (``gmb`` version, title, languages, outcome, themes, loops, layout) are the graph
attributes; each node is ``{"id": variable id, …its keys as in the map file}``; each link
``{"source": from, "target": to, …its keys}``, in the map's order. A link's own ``source``
(workshop, group, quote) would clash with the node-link ``source`` end, so it is written as
``provenance`` and read back as ``source``. Load one in networkx with
``nx.node_link_graph(json.load(f), edges="links")``.

What a round trip keeps: everything, ``CausalMap.to_data()`` exactly, as for GraphML
(:mod:`gmb.formats.graphml`): the title, themes with their labels and colours, loops with their names
and stories, every variable and link with all their keys (sources and quotes too) in their order, text
exactly, and keys gmb does not know.

Files from elsewhere (no ``gmb`` graph attribute) may call the links ``edges``; of their attributes,
those a map file knows are kept, a text ``label`` is the first language's, and a missing polarity is ``?``.

Example
-------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "map.json"
>>> _ = path.write_text('{"nodes": [{"id": "a"}, {"id": "b"}], "links": [{"source": "a", "target": "b"}]}')
>>> cmap, warnings = read_map(path)
>>> list(cmap.links())
[('a', 'b', {'polarity': '?'})]
"""

from __future__ import annotations

import json
import os

import networkx as nx

from gmb.errors import MapFileError
from gmb.formats.builder import MapBuilder
from gmb.formats.files import check_items, check_output, read_input, write_output
from gmb.maps.causalmap import CausalMap
from gmb.maps.schema import FORMAT_VERSION
from gmb.maps.store import decode_text

__all__ = ["read_map", "write_map"]

_PROVENANCE = "provenance"


def write_map(cmap: CausalMap, path: str | os.PathLike) -> list[str]:
    """Write the map as node-link JSON; returns ``[path]``."""
    path = check_output(path)
    graph = nx.DiGraph()
    graph.graph.update({"gmb": FORMAT_VERSION} | cmap.meta)
    graph.add_nodes_from(cmap.graph.nodes(data=True))
    order = {}
    for u, v, attrs in cmap.links():
        attrs = {(_PROVENANCE if k == "source" else k): x for k, x in attrs.items()}
        graph.add_edge(u, v, **attrs)
        order[u, v] = len(order)
    data = nx.node_link_data(graph, edges="links")
    data["links"].sort(key=lambda link: order[link["source"], link["target"]])
    write_output(path, json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    return [str(path)]


def read_map(path: str | os.PathLike) -> tuple[CausalMap, list[str]]:
    """Read node-link JSON: ``(map, warnings)``."""
    raw = read_input(path)
    check_items(path, raw, b"{[,", "JSON values")
    text = decode_text(path, raw)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MapFileError(path, f"not valid JSON ({exc.msg}, column {exc.colno}); fix it there",
                           line=exc.lineno) from None
    except RecursionError:
        raise MapFileError(path, "not readable JSON: nested too deeply") from None
    shape = ('is not node-link JSON (expected {"graph": {...}, "nodes": [...], "links": [...]}); '
             "if another tool wrote it, give --format kumu, loopy, prsm or mentalmodeler")
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise MapFileError(path, shape)
    links = data.get("links", data.get("edges", []))
    meta = data.get("graph") or {}
    if not isinstance(links, list) or not isinstance(meta, dict):
        raise MapFileError(path, shape)
    builder = MapBuilder(path)
    own = "gmb" in meta
    if own:
        builder.meta = dict(meta)
    else:
        builder.foreign_meta(meta)
    for index, node in enumerate(data["nodes"]):
        where = f"nodes[{index}]"
        if not isinstance(node, dict) or node.get("id") is None:
            raise MapFileError(path, f"{where} has no 'id'; give each node its variable id")
        attrs = {k: v for k, v in node.items() if k != "id"}
        builder.add_variable(node["id"], attrs if own else builder.foreign_variable(attrs), where=where)
    for index, link in enumerate(links):
        where = f"links[{index}]"
        if not isinstance(link, dict) or link.get("source") is None or link.get("target") is None:
            raise MapFileError(path, f"{where} needs 'source' and 'target' (the ids of its variables)")
        attrs = {("source" if k == _PROVENANCE else k): v for k, v in link.items()
                 if k not in ("source", "target", "key")}
        if not own:
            attrs = builder.foreign_link(attrs, (str(link["source"]), str(link["target"])), where)
        builder.add_link(link["source"], link["target"], attrs, where=where)
    return builder.finish()
