"""Kumu maps as JSON ("blueprints" and project exports): import and export.

A Kumu file has ``elements`` and ``connections``. An element has a ``label`` (its name) and may have
``type``, ``description`` and ``tags``, at the top level or inside ``attributes`` (as Kumu's exports
write them, with ``"element type"``); connections name their ends ``from``/``to`` by element ``_id`` or
label and may give ``connection type`` (or ``type``, ``polarity``, ``sign``) ``+``/``-``, ``delay``,
``strength`` and ``description``. ``direction: mutual`` makes two links; ``undirected`` connections
are left out (a causal link has a direction). An element ``type`` becomes the variable's theme (or its
kind, when it is ``stock``, ``constant`` or ``action``); a ``description`` its notes. Kumu's ``loops``
are not imported (gmb finds loops itself). Export writes a blueprint that Kumu imports: elements
with label, type (theme label), description; connections by label with ``connection type``.

Example
-------
>>> import json, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "kumu.json"
>>> _ = path.write_text(json.dumps({"elements": [{"label": "Screen time", "type": "Screens"},
...     {"label": "Sleep"}], "connections": [{"from": "Screen time", "to": "Sleep",
...     "attributes": {"connection type": "-", "delay": True}}]}), encoding="utf-8")
>>> cmap, warnings = read_map(path)
>>> [(u, v, a) for u, v, a in cmap.links()], cmap.graph.nodes["screen_time"]["theme"]
([('screen_time', 'sleep', {'polarity': '-', 'delay': True})], 'screens')
>>> write_map(cmap, path.with_name("again.json")) == [str(path.with_name("again.json"))]
True
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterable

from gmb.errors import MapFileError
from gmb.formats.builder import MapBuilder, parse_polarity
from gmb.formats.files import check_items, read_input, write_output
from gmb.formats.naming import IdMaker, clean_text, finite_number, slug
from gmb.maps.causalmap import CausalMap
from gmb.maps.schema import STRENGTHS
from gmb.maps.store import decode_text

__all__ = ["read_map", "write_map", "build_map", "load_json", "export_records"]

_POLARITY_KEYS = ("connection type", "type", "polarity", "sign", "effect")
_KINDS = {"stock": "stock", "constant": "constant", "action": "action"}
_ELEMENT_FIELDS = ("id", "label", "type", "element type", "description")
_CONNECTION_FIELDS = ("id", "from", "to", "direction", "delay", "delayed", "strength", "weight",
                      "description", *_POLARITY_KEYS)


def load_json(path, raw: bytes | None = None) -> Any:
    """The data of a JSON file; :class:`MapFileError` naming the line if it is not valid JSON."""
    raw = read_input(path) if raw is None else raw
    check_items(path, raw, b"{[,", "JSON values")
    text = decode_text(path, raw)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise MapFileError(path, f"not valid JSON ({exc.msg}, column {exc.colno}); fix it there",
                           line=exc.lineno) from None
    except (RecursionError, ValueError):
        raise MapFileError(path, "is not readable JSON (nested too deeply, or a number too long)") from None


def read_map(path: str | os.PathLike) -> tuple[CausalMap, list[str]]:
    """Read a Kumu JSON file: ``(map, warnings)``."""
    data = load_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("elements", []), list) \
            or not isinstance(data.get("connections", []), list) or not ({"elements", "connections"} & set(data)):
        raise MapFileError(path, "is not a Kumu map: expected a JSON object with 'elements' and 'connections' lists")
    builder = build_map(path, _records(data.get("elements", [])), _records(data.get("connections", [])),
                        where=("elements[{}]", "connections[{}]", 0))
    if data.get("loops"):
        builder.warnings.append(f"{path}: Kumu loops are not imported; gmb finds the loops itself ('gmb loops')")
    return builder.finish()


def _records(items: list) -> list[dict | None]:
    """Each item as a flat dict (top-level keys and ``attributes``), keys in lower case; None if not a dict."""
    out = []
    for item in items:
        if not isinstance(item, dict):
            out.append(None)
            continue
        inner = item.get("attributes") if isinstance(item.get("attributes"), dict) else {}
        flat = {str(k): v for k, v in item.items() if k != "attributes"} | {str(k): v for k, v in inner.items()}
        out.append({" ".join(k.replace("_", " ").split()).casefold(): v for k, v in flat.items()})
    return out


def build_map(path, elements: Iterable[dict | None], connections: Iterable[dict | None],
              where: tuple[str, str, int]) -> MapBuilder:
    """A MapBuilder filled from Kumu element and connection records (dicts with lower-case keys).

    ``where`` says how to name an element and a connection in messages, e.g.
    ``("elements[{}]", "connections[{}]", 0)``: two format strings and the number of the first record.
    """
    builder, ids, by_name = MapBuilder(path), IdMaker(), {}
    themes: dict[str, dict] = {}
    for number, element in enumerate(elements):
        at = where[0].format(number + where[2])
        if element is None:
            raise MapFileError(path, f"{at}: an element must be an object with a label")
        label = clean_text(_first(element.get("label")))
        if not label:
            raise MapFileError(path, f"{at}: an element has no label; give each element a label")
        var = ids.make(label)
        builder.known(element, _ELEMENT_FIELDS)  # reports the fields left out
        attrs: dict[str, Any] = {"label": label}
        kind = clean_text(_first(element.get("element type", element.get("type"))))
        if kind.casefold() in _KINDS:
            attrs["kind"] = _KINDS[kind.casefold()]
        elif kind:
            attrs["theme"] = slug(kind, "theme")
            themes.setdefault(attrs["theme"], {"label": kind})
        if isinstance(element.get("description"), str) and clean_text(element["description"]):
            attrs["notes"] = clean_text(element["description"])
        for key in (clean_text(_first(element.get("id"))).casefold(), label.casefold()):
            if key:
                by_name.setdefault(key, var)
        builder.add_variable(var, attrs, where=at)
    for number, connection in enumerate(connections):
        at = where[1].format(number + where[2])
        if connection is None:
            raise MapFileError(path, f"{at}: a connection must be an object with from and to")
        ends = []
        for side in ("from", "to"):
            name = clean_text(_first(connection.get(side)))
            if not name:
                raise MapFileError(path, f"{at}: a connection has no '{side}'; give the label of an element")
            if name.casefold() not in by_name:
                by_name[name.casefold()] = ids.make(name)
                builder.add_variable(by_name[name.casefold()], {"label": name}, where=at)
            ends.append(by_name[name.casefold()])
        direction = str(connection.get("direction") or "directed").strip().casefold()
        if direction == "undirected":
            builder.warnings.append(f"{path} ({at}): undirected connection {ends[0]} — {ends[1]} left out; "
                                    "a causal link needs a direction")
            continue
        builder.known(connection, _CONNECTION_FIELDS)
        attrs = _link_attrs(connection)
        builder.add_link(ends[0], ends[1], attrs, where=at)
        if direction == "mutual":
            builder.add_link(ends[1], ends[0], dict(attrs), where=at)
    if themes:
        builder.meta["themes"] = themes
    return builder


def _first(value: Any) -> Any:
    """The first of several values (a list, or text split by ``|`` as in Kumu spreadsheets)."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, (dict, list)):
        return ""
    return str(value).split("|")[0] if value is not None and not isinstance(value, bool) else ""


def _link_attrs(record: dict) -> dict:
    attrs: dict[str, Any] = {"polarity": "?"}
    for key in _POLARITY_KEYS:
        value = record.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = finite_number(value)
        else:
            value = _first(value) or None
        if value is None:
            continue
        try:
            attrs["polarity"] = parse_polarity(value)
            break
        except ValueError:
            continue
    delay = record.get("delay", record.get("delayed"))
    if isinstance(delay, str):
        delay = delay.strip().casefold() in ("yes", "true", "1", "x", "delay", "delayed", "ja")
    number = finite_number(delay) if not isinstance(delay, bool) else None
    if delay is True or (number is not None and number > 0):
        attrs["delay"] = True if delay is True else number
    strength = record.get("strength", record.get("weight"))
    value = finite_number(strength)
    if isinstance(strength, str) and strength.strip().casefold() in STRENGTHS:
        attrs["strength"] = strength.strip().casefold()
    elif value is not None and value != 0:
        attrs["strength"] = abs(value)
    if isinstance(record.get("description"), str) and clean_text(record["description"]):
        attrs["notes"] = clean_text(record["description"])
    return attrs


def export_records(cmap: CausalMap) -> tuple[list[dict], list[dict]]:
    """Kumu element and connection records of a map (labels made unique where two are the same)."""
    labels, seen = {}, set()
    for var in cmap.graph:
        label = cmap.label(var)
        labels[var] = label if label.casefold() not in seen else f"{label} ({var})"
        seen.add(labels[var].casefold())
    elements = []
    for var, attrs in cmap.graph.nodes(data=True):
        element = {"label": labels[var]}
        if attrs.get("theme") in cmap.themes:
            element["type"] = cmap.theme_label(attrs["theme"])
        elif attrs.get("kind") in _KINDS:
            element["type"] = attrs["kind"]
        if attrs.get("notes"):
            element["description"] = cmap.text(attrs["notes"])
        elements.append(element)
    connections = []
    for u, v, attrs in cmap.links():
        connection = {"from": labels[u], "to": labels[v], "direction": "directed",
                      "connection type": attrs.get("polarity", "?")}
        for key in ("delay", "strength"):
            if attrs.get(key) not in (None, False):
                connection[key] = attrs[key]
        if attrs.get("notes"):
            connection["description"] = cmap.text(attrs["notes"])
        connections.append(connection)
    return elements, connections


def write_map(cmap: CausalMap, path: str | os.PathLike) -> list[str]:
    """Write a Kumu blueprint (JSON) that Kumu's import reads; returns the path written."""
    elements, connections = export_records(cmap)
    text = json.dumps({"elements": elements, "connections": connections}, ensure_ascii=False, indent=2)
    write_output(path, text + "\n")
    return [str(path)]
