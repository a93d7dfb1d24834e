"""Import LOOPY models (ncase.me/loopy; ``.loopy.json`` or ``.json``).

A LOOPY model is a JSON array: ``[nodes, edges, labels, state]``. A node is
``[id, x, y, init, label, hue, ...]`` with its label URL-encoded (``job%20loss``); an edge is
``[from, to, arc, strength, ...]`` where the strength's sign is the polarity (older files write
±8 and ±9 for ±1; a strength of 0 gives ``?``, counted in one warning line). Text labels are not
variables and are left out. Both encodings are read: the JSON array, and the URL form LOOPY puts in
its links and ``.loopy`` downloads (``[[[1,…%22job%2520loss%22…%5D``: quotes and the last bracket
URL-encoded, or the whole text in newer forks), also as a whole link ``https://…/?data=[[[…``.

Example
-------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "model.loopy.json"
>>> _ = path.write_text('[[[1,100,100,0,"screen%20time",0],[2,300,100,0,"sleep",1]],'
...                     '[[1,2,30,-1,0]],[],2]', encoding="utf-8")
>>> cmap, warnings = read_map(path)
>>> [(u, v, a["polarity"]) for u, v, a in cmap.links()], cmap.label("screen_time")
([('screen_time', 'sleep', '-')], 'screen time')
"""

from __future__ import annotations

import json
import os
from urllib.parse import unquote

from gmb.errors import MapFileError
from gmb.formats.builder import MapBuilder
from gmb.formats.conventions import Unmapped
from gmb.formats.files import read_input
from gmb.formats.kumu import load_json
from gmb.formats.naming import IdMaker, clean_text, finite_number
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import decode_text

__all__ = ["read_map", "url_form"]


def read_map(path: str | os.PathLike) -> tuple[CausalMap, list[str]]:
    """Read a LOOPY model: ``(map, warnings)``."""
    raw = read_input(path)
    text = url_form(decode_text(path, raw))
    data = load_json(path, text.encode("utf-8") if text is not None else raw)
    if not isinstance(data, list) or len(data) < 2 or not all(isinstance(part, list) for part in data[:2]):
        raise MapFileError(path, "is not a LOOPY model: expected a JSON array [nodes, edges, labels, ...]")
    nodes, edges = data[0], data[1]
    builder, ids, id_of, layout, unmapped = MapBuilder(path), IdMaker(), {}, {}, Unmapped(path)
    for number, node in enumerate(nodes):
        if not isinstance(node, list) or len(node) < 5 or _key(node[0]) is None:
            raise MapFileError(path, f"node {number + 1} is not [id, x, y, init, label, ...]; is this a LOOPY file?")
        label = clean_text(unquote(str(node[4]))) if isinstance(node[4], (str, int, float)) else ""
        var = ids.make(label or f"node {node[0]}")
        if _key(node[0]) in id_of:
            raise MapFileError(path, f"node {number + 1}: id {node[0]} is used twice; each node needs its own id")
        id_of[_key(node[0])] = var
        builder.add_variable(var, {"label": label or f"node {node[0]}"}, where=f"node {number + 1}")
        x, y = finite_number(node[1]), finite_number(node[2])
        if x is not None and y is not None:
            layout[var] = [x, y]
    for number, edge in enumerate(edges):
        if not isinstance(edge, list) or len(edge) < 4:
            raise MapFileError(path, f"edge {number + 1} is not [from, to, arc, strength, ...]")
        ends = [id_of.get(_key(end)) for end in edge[:2]]
        if None in ends:
            raise MapFileError(path, f"edge {number + 1} joins node ids {edge[0]!r} and {edge[1]!r}, "
                               "which are not both nodes of the model")
        strength = finite_number(edge[3])
        polarity = "?" if not strength else "+" if strength > 0 else "-"
        if polarity == "?":
            unmapped.add("{count} edges with strength {values} (no sign) imported as ? (polarity unknown)",
                         edge[3] if isinstance(edge[3], (int, float, str)) else "(none)")
        builder.add_link(ends[0], ends[1], {"polarity": polarity}, where=f"edge {number + 1}")
    if len(data) > 2 and isinstance(data[2], list) and data[2]:
        builder.warnings.append(f"{path}: {len(data[2])} text label(s) left out (they are notes on the canvas)")
    if layout:
        builder.meta["layout"] = layout
    builder.warnings += unmapped.lines()
    return builder.finish()


def url_form(text: str) -> str | None:
    """The JSON text of a model in LOOPY's URL form (or a whole LOOPY link); None if it is not in that form.

    >>> url_form('https://ncase.me/loopy/v1.1/?data=[[[1,0,0,0,%22a%22,0]],[],[],1%5D')
    '[[[1,0,0,0,"a",0]],[],[],1]'
    """
    text = text.strip()
    if "?data=" in text[:2000]:
        text = text.split("?data=", 1)[1].split("#", 1)[0].split("&", 1)[0]
    elif not (text.startswith("[") and "%22" in text and '"' not in text) and not text[:3].upper() == "%5B":
        return None
    return unquote(text) if '"' not in text else None


def _key(value) -> str | None:
    """A node id as text (LOOPY ids are numbers); None if it is not a number or text."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    number = finite_number(value)
    return json.dumps(int(number) if number is not None and number == int(number) else value)
