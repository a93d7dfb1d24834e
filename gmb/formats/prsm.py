"""PRSM maps (Participatory System Mapper, prsm.uk; ``.prsm`` files): import and export.

A PRSM file is a JSON object with ``nodes`` (``id``, ``label``, ``note``, ``grp``, ``x``, ``y``) and
``edges`` (``id``, ``from``, ``to``, ``label``, ``note``, ``grp``, ``arrows``), the style groups in
``styles`` (older files: ``samples``) with a ``groupLabel`` each, and the title in ``mapTitle``. PRSM
saves it compressed with lz-string's ``compressToUTF16`` and reads a file that does not start with
``{`` by decompressing it (PRSM ``js/files.js``, ``loadPRSMfile``); gmb reads both
(:mod:`gmb.formats.lzstring`). A node's style group becomes its theme. An edge's polarity is its label,
else its style group's label, when that is a sign (``+``, ``-``, ``++``, ``same``, ``opposite``, …, see
:mod:`gmb.formats.conventions`), else ``-`` for a bar arrowhead (⊣, "inhibits"); any other label is kept
in the link's notes. Edges without a sign are counted in one warning line per kind. Notes written with
PRSM's editor (Quill ``{"ops": [...]}``) are read as plain text.

Export writes plain JSON, which PRSM opens as it is: factors with their labels, notes and positions
(the map's layout, else a circle), one style per theme (PRSM has nine; themes past the eighth share the
first, unlabelled one), links labelled ``+``/``-`` in green and red styles, wider for stronger links. gmb's ids, labels in
every language, themes, strengths and delays ride along in properties of their own (``gmbId``,
``gmbLabel``, ``gmbTheme``, ``strength``, ``delay``), which PRSM keeps, and the languages and themes
(labels, colours) in a top-level ``gmb`` key, so a map round-trips with them.

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
>>> write_map(cmap, path.with_name("again.prsm")) == [str(path.with_name("again.prsm"))]
True
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

from gmb.errors import MapFileError
from gmb.formats.builder import MapBuilder
from gmb.formats.conventions import KeptIds, Unmapped, sign_of, strength_word
from gmb.formats.files import read_input, write_output
from gmb.formats.kumu import load_json
from gmb.formats.lzstring import decompress_from_utf16
from gmb.formats.naming import clean_text, finite_number, slug
from gmb.maps.causalmap import CausalMap
from gmb.maps.schema import FORMAT_VERSION
from gmb.maps.store import decode_text

__all__ = ["read_map", "write_map", "load_prsm"]

_WIDTHS = {"weak": 1, "medium": 2.5, "strong": 4}
_EDGE_STYLES = {"edge0": "?", "edge1": "+", "edge2": "-"}
"""The link styles gmb writes: PRSM's black, green and red links, labelled with the polarity."""


def load_prsm(path: str | os.PathLike) -> Any:
    """The data of a PRSM file, plain JSON or compressed by PRSM; :class:`MapFileError` if it is neither."""
    raw = read_input(path)
    text = decode_text(path, raw)
    if text.lstrip()[:1] in ("{", "["):
        return load_json(path, raw)
    plain = decompress_from_utf16(text.rstrip("\r\n"))
    if plain is None or plain.lstrip()[:1] != "{":
        raise MapFileError(path, "is neither JSON nor a map PRSM compressed (lz-string); open it in PRSM "
                           "and save it again, or check that it is a PRSM map")
    return load_json(path, plain.encode("utf-8"))


def read_map(path: str | os.PathLike) -> tuple[CausalMap, list[str]]:
    """Read a PRSM map (plain or compressed): ``(map, warnings)``."""
    data = load_prsm(path)
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list) or not isinstance(data.get("edges"), list):
        raise MapFileError(path, "is not a PRSM map: expected a JSON object with 'nodes' and 'edges' lists")
    styles = data.get("styles") if isinstance(data.get("styles"), dict) else data.get("samples")
    styles = styles if isinstance(styles, dict) else {}
    builder, id_of, layout, themes, unmapped = MapBuilder(path), {}, {}, {}, Unmapped(path)
    ids = KeptIds(node.get("gmbId") for node in data["nodes"] if isinstance(node, dict))
    own = data.get("gmb") if isinstance(data.get("gmb"), dict) else {}  # what gmb's own export adds
    langs, own_themes = own.get("languages"), own.get("themes") if isinstance(own.get("themes"), dict) else {}
    if isinstance(langs, list) and langs and all(isinstance(x, str) and x.strip() for x in langs):
        builder.meta["languages"] = [x.strip() for x in langs]
    if clean_text(data.get("mapTitle")):
        builder.meta["title"] = clean_text(data["mapTitle"])
    for number, node in enumerate(data["nodes"]):
        label = _plain(node.get("label"), one_line=True) if isinstance(node, dict) else ""
        if not isinstance(node, dict) or "id" not in node:
            raise MapFileError(path, f"nodes[{number}] needs an id and a label")
        if not label:
            label = f"unnamed factor {number}"
            unmapped.add("{count} factors without a label imported as {values}; name them in the map", label)
        var = ids.take(node.get("gmbId"), label)
        id_of.setdefault(clean_text(node["id"]), var)
        texts = node.get("gmbLabel")
        texts = {str(k): clean_text(t) for k, t in texts.items() if clean_text(t)} if isinstance(texts, dict) else {}
        attrs: dict[str, Any] = {"label": texts or label}
        group = _group_label(styles, "nodes", node.get("grp"))
        if group or clean_text(node.get("gmbTheme")):
            attrs["theme"] = clean_text(node.get("gmbTheme")) or slug(group, "theme")
            theme = own_themes.get(attrs["theme"])
            themes.setdefault(attrs["theme"], theme if isinstance(theme, dict) else {"label": group or attrs["theme"]})
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
        builder.add_link(ends[0], ends[1], _link(styles, edge, unmapped), where=f"edges[{number}]")
    kept = {theme: entry for theme, entry in own_themes.items() if isinstance(entry, dict)}
    if themes or kept:
        builder.meta["themes"] = kept | {theme: entry for theme, entry in themes.items() if theme not in kept}
    if layout:
        builder.meta["layout"] = layout
    builder.warnings += unmapped.lines()
    return builder.finish()


def _link(styles: dict, edge: dict, unmapped: Unmapped) -> dict:
    label, group = _plain(edge.get("label"), one_line=True), _group_label(styles, "edges", edge.get("grp"))
    arrows = edge.get("arrows") if isinstance(edge.get("arrows"), dict) else {}
    head = arrows.get("to") if isinstance(arrows.get("to"), dict) else {}
    sign = sign_of(label) or sign_of(group) or ("-" if head.get("type") == "bar" else None)
    if sign is None and label:
        unmapped.add("{count} links with label {values} imported as ? (polarity unknown; "
                     "the label is kept in the link's notes)", label)
    elif sign is None:
        unmapped.add("{count} links without a sign (no +/- label, sign style or bar arrowhead) imported as ?")
    attrs: dict[str, Any] = {"polarity": sign or "?"}
    strength = edge.get("strength")
    number = finite_number(strength)
    if strength_word(strength) or (number is not None and number > 0):
        attrs["strength"] = strength_word(strength) or number
    delay = edge.get("delay")
    if delay is True or (finite_number(delay) or 0) > 0:
        attrs["delay"] = True if delay is True else finite_number(delay)
    notes = [text for text in (label if sign_of(label) is None else "", _plain(edge.get("note"))) if text]
    if notes:
        attrs["notes"] = "\n".join(notes)
    return attrs


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


def write_map(cmap: CausalMap, path: str | os.PathLike) -> list[str]:
    """Write the map as a PRSM file (plain JSON, which PRSM opens); returns the path written."""
    groups = {theme: f"group{i + 1}" for i, theme in enumerate(cmap.themes) if i < 8}
    styles = {"nodes": {"group0": {"groupLabel": ""}} | {
        group: {"groupLabel": cmap.theme_label(theme)} for theme, group in groups.items()},
        "edges": {name: {"groupLabel": label} for name, label in _EDGE_STYLES.items()}}
    nodes, count = [], max(cmap.graph.number_of_nodes(), 1)
    for number, (var, attrs) in enumerate(cmap.graph.nodes(data=True)):
        x, y = cmap.layout.get(var) or (round(300 * math.cos(2 * math.pi * number / count), 1),
                                        round(300 * math.sin(2 * math.pi * number / count), 1))
        node = {"id": var, "label": cmap.label(var), "grp": groups.get(attrs.get("theme"), "group0"),
                "x": x, "y": y, "gmbId": var}
        if isinstance(attrs.get("label"), dict):
            node["gmbLabel"] = attrs["label"]
        if attrs.get("theme") in cmap.themes:
            node["gmbTheme"] = attrs["theme"]
        if attrs.get("notes"):
            node["note"] = cmap.text(attrs["notes"])
        nodes.append(node)
    edges = []
    for number, (u, v, attrs) in enumerate(cmap.links()):
        polarity = attrs.get("polarity", "?")
        edge = {"id": f"edge-{number + 1}", "from": u, "to": v, "label": "" if polarity == "?" else polarity,
                "grp": next(name for name, label in _EDGE_STYLES.items() if label == polarity)}
        if attrs.get("strength") not in (None, False):
            edge["strength"] = attrs["strength"]
            edge["width"] = _WIDTHS.get(attrs["strength"], 1)
        if attrs.get("delay") not in (None, False):
            edge["delay"] = attrs["delay"]
        if attrs.get("notes"):
            edge["note"] = cmap.text(attrs["notes"])
        edges.append(edge)
    own = {"version": FORMAT_VERSION, "languages": cmap.languages, "themes": cmap.themes}
    data = {"gmb": own, "mapTitle": cmap.title,
            "nodes": nodes, "edges": edges, "styles": styles}
    write_output(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return [str(path)]
