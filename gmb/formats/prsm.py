"""Import PRSM maps (Participatory System Mapper, prsm.uk; ``.prsm`` files, JSON).

A PRSM file is a JSON object with ``nodes`` (``id``, ``label``, ``note``, ``grp``, ``x``, ``y``) and
``edges`` (``id``, ``from``, ``to``, ``label``, ``note``, ``grp``), the style groups in ``styles``
(older files: ``samples``) with a ``groupLabel`` each, and the title in ``mapTitle``. A node's style
group becomes its theme. An edge's label, or else its style group's label, gives the polarity when it
is a sign (``+``, ``-``, ``same``, ``opposite``, …); any other edge label is kept in the link's notes.
Notes written with PRSM's editor (Quill ``{"ops": [...]}``) are read as plain text.

Example
-------
>>> import json, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "map.prsm"
>>> _ = path.write_text(json.dumps({"mapTitle": "Trivsel", "nodes": [
...     {"id": "a", "label": "Screen\\ntime", "x": 0, "y": 0}, {"id": "b", "label": "Sleep"}],
...     "edges": [{"from": "a", "to": "b", "label": "-"}]}), encoding="utf-8")
>>> cmap, warnings = read_map(path)
>>> cmap.title, [(u, v, a["polarity"]) for u, v, a in cmap.links()]
('Trivsel', [('screen_time', 'sleep', '-')])
"""

from __future__ import annotations

import os
from typing import Any

from gmb.errors import MapFileError
from gmb.formats.builder import MapBuilder, parse_polarity
from gmb.formats.kumu import load_json
from gmb.formats.naming import IdMaker, clean_text, finite_number, slug
from gmb.maps.causalmap import CausalMap

__all__ = ["read_map"]


def read_map(path: str | os.PathLike) -> tuple[CausalMap, list[str]]:
    """Read a PRSM map: ``(map, warnings)``."""
    data = load_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list) or not isinstance(data.get("edges"), list):
        raise MapFileError(path, "is not a PRSM map: expected a JSON object with 'nodes' and 'edges' lists")
    styles = data.get("styles") if isinstance(data.get("styles"), dict) else data.get("samples")
    styles = styles if isinstance(styles, dict) else {}
    builder, ids, id_of, layout, themes = MapBuilder(path), IdMaker(), {}, {}, {}
    if clean_text(data.get("mapTitle")):
        builder.meta["title"] = clean_text(data["mapTitle"])
    for number, node in enumerate(data["nodes"]):
        label = _plain(node.get("label"), one_line=True) if isinstance(node, dict) else ""
        if not label or "id" not in node:
            raise MapFileError(path, f"nodes[{number}] needs an id and a label")
        var = ids.make(label)
        id_of.setdefault(clean_text(node["id"]), var)
        attrs: dict[str, Any] = {"label": label}
        group = _group_label(styles, "nodes", node.get("grp"))
        if group:
            attrs["theme"] = slug(group, "theme")
            themes.setdefault(attrs["theme"], {"label": group})
        if _plain(node.get("note")):
            attrs["notes"] = _plain(node.get("note"))
        x, y = finite_number(node.get("x")), finite_number(node.get("y"))
        if x is not None and y is not None:
            layout[var] = [x, y]
        builder.add_variable(var, attrs, where=f"nodes[{number}]")
    for number, edge in enumerate(data["edges"]):
        ends = [id_of.get(clean_text(edge.get(side))) for side in ("from", "to")] if isinstance(edge, dict) else [None]
        if None in ends:
            raise MapFileError(path, f"edges[{number}] must join two nodes of the map by their ids ('from', 'to')")
        builder.add_link(ends[0], ends[1], _link(styles, edge), where=f"edges[{number}]")
    if themes:
        builder.meta["themes"] = themes
    if layout:
        builder.meta["layout"] = layout
    return builder.finish()


def _link(styles: dict, edge: dict) -> dict:
    label, group = _plain(edge.get("label"), one_line=True), _group_label(styles, "edges", edge.get("grp"))
    from_label = _sign(label)
    attrs: dict[str, Any] = {"polarity": from_label or _sign(group) or "?"}
    notes = [text for text in (label if not from_label else "", _plain(edge.get("note"))) if text]
    if notes:
        attrs["notes"] = "\n".join(notes)
    return attrs


def _sign(text: str) -> str | None:
    try:
        return parse_polarity(text) if text else None
    except ValueError:
        return None


def _group_label(styles: dict, kind: str, group: Any) -> str:
    table = styles.get(kind) if isinstance(styles.get(kind), dict) else {}
    style = table.get(group) if isinstance(group, str) else None
    return _plain(style.get("groupLabel"), one_line=True) if isinstance(style, dict) else ""


def _plain(value: Any, one_line: bool = False) -> str:
    """Text from a string or a Quill delta (``{"ops": [{"insert": "..."}]}``); labels on one line."""
    if isinstance(value, dict) and isinstance(value.get("ops"), list):
        value = "".join(op.get("insert", "") for op in value["ops"]
                        if isinstance(op, dict) and isinstance(op.get("insert"), str))
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return ""
    return " ".join(clean_text(value).split()) if one_line else clean_text(value)
