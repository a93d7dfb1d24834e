"""Kumu maps as JSON ("blueprints" and project exports): import and export.

A Kumu file has ``elements`` and ``connections``. An element has a ``label`` (its name) and may have
``type``, ``description`` and ``tags``, at the top level or inside ``attributes`` (as Kumu's exports
write them, with ``"element type"``); connections name their ends ``from``/``to`` by element ``_id`` or
label and may give ``connection type`` (or ``type``, ``polarity``, ``sign``), ``delay``, ``strength``
and ``description``. ``direction: mutual`` makes two links; ``undirected`` connections are left out
(a causal link has a direction). An element ``type`` becomes the variable's theme (or its kind, when it
is ``stock``, ``constant`` or ``action``); a ``description`` its notes. Kumu's ``loops`` are not
imported (gmb finds loops itself).

Polarity: the connection type (else the connection's label) in any of the conventions of
:mod:`gmb.formats.conventions`: ``+``/``-``, Kumu's pre/post labels ``++ -- +- -+`` (its system mapping
guide), ``same``/``opposite``, ``positive``/``negative``; else the sign of a signed ``weight`` or
``strength``. Strength: a word (``Strong``, ``low`` …) gives its class; numbers from 0 to 1 are kept as
gmb's numeric strength; when every numeric strength is a whole number on a scale 1–N (N from 2 to 10),
thirds of the scale are read as weak, medium and strong, said in one warning line. Whatever cannot be
mapped is counted in one warning line per kind, e.g. ``3 connections with type 'maybe' imported as ?``.

Export writes a blueprint that Kumu imports: elements with label, ``type`` (theme label, or kind),
description; connections by element id with ``connection type`` ``+``/``-`` (``?`` when not agreed),
``strength`` (class or number) and ``delay``. gmb's ids, the labels in each of the map's languages and
theme ids go into the fields ``gmb id``, ``label da``/``label en`` …, ``gmb theme``, which Kumu keeps
as custom fields, so a map round-trips through Kumu with its ids, labels, polarities, strengths and
themes; the top-level ``gmb`` key (title, languages, themes with their colours) is gmb's own mark,
which Kumu drops.

Example
-------
>>> import json, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "kumu.json"
>>> _ = path.write_text(json.dumps({"elements": [{"label": "Screen time", "type": "Screens"},
...     {"label": "Sleep"}], "connections": [{"from": "Screen time", "to": "Sleep",
...     "attributes": {"connection type": "+-", "delay": True}}]}), encoding="utf-8")
>>> cmap, warnings = read_map(path)
>>> [(u, v, a) for u, v, a in cmap.links()], cmap.graph.nodes["screen_time"]["theme"]
([('screen_time', 'sleep', {'polarity': '-', 'delay': True})], 'screens')
>>> write_map(cmap, path.with_name("again.json")) == [str(path.with_name("again.json"))]
True
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Iterable

from gmb.errors import MapFileError
from gmb.formats.builder import MapBuilder
from gmb.formats.conventions import KeptIds, Unmapped, sign_of, strength_word
from gmb.formats.files import check_items, read_input, write_output
from gmb.formats.naming import clean_text, finite_number, slug
from gmb.maps.causalmap import CausalMap
from gmb.maps.schema import FORMAT_VERSION
from gmb.maps.store import decode_text

__all__ = ["read_map", "write_map", "build_map", "load_json", "export_records", "label_columns"]

_POLARITY_KEYS = ("connection type", "type", "polarity", "sign", "effect")
_KINDS = {"stock": "stock", "constant": "constant", "action": "action"}
_ELEMENT_FIELDS = ("id", "label", "type", "element type", "description", "gmb id", "gmb theme")
_CONNECTION_FIELDS = ("id", "from", "to", "direction", "delay", "delayed", "strength", "weight",
                      "description", "label", *_POLARITY_KEYS)
_LABEL_FIELD = re.compile(r"label ([a-z]{2,3}(?:-[a-z0-9]+)?)")
"""A label in one language, as gmb exports it (``label da``, ``label en``)."""
_NO_SIGN = "{count} connections with type {values} imported as ? (polarity unknown)"
_NO_TYPE = "{count} connections without a polarity (no connection type such as + or -) imported as ?"


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
    own = data.get("gmb") if isinstance(data.get("gmb"), dict) else {}
    builder = build_map(path, _records(data.get("elements", [])), _records(data.get("connections", [])),
                        where=("elements[{}]", "connections[{}]", 0), languages=own.get("languages"))
    if clean_text(own.get("title")):
        builder.meta["title"] = clean_text(own["title"])
    kept = own.get("themes") if isinstance(own.get("themes"), dict) else {}
    kept = {theme: entry for theme, entry in kept.items() if isinstance(entry, dict)}
    if kept:  # gmb's export: the themes with their labels in every language and colours
        builder.meta["themes"] = kept | {t: e for t, e in builder.meta.get("themes", {}).items() if t not in kept}
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
              where: tuple[str, str, int], languages: Any = None) -> MapBuilder:
    """A MapBuilder filled from Kumu element and connection records (dicts with lower-case keys).

    ``where`` says how to name an element and a connection in messages, e.g.
    ``("elements[{}]", "connections[{}]", 0)``: two format strings and the number of the first record.
    ``languages``: the map's languages in order, if the file says (else those of the ``label xx`` fields).
    """
    elements, connections = list(elements), list(connections)
    builder, by_name, unmapped = MapBuilder(path), {}, Unmapped(path)
    ids = KeptIds(_first(e.get("gmb id"), split=False) for e in elements if e)
    themes: dict[str, dict] = {}
    langs = _languages(elements, languages)
    if langs:
        builder.meta["languages"] = langs
    for number, element in enumerate(elements):
        at = where[0].format(number + where[2])
        if element is None:
            raise MapFileError(path, f"{at}: an element must be an object with a label")
        texts = {lang: clean_text(_first(element.get(f"label {lang}"), split=False)) for lang in langs}
        label = clean_text(_first(element.get("label"), split=False)) or next((t for t in texts.values() if t), "")
        if not label:
            label = f"unnamed element {number + where[2]}"
            unmapped.add("{count} elements without a label imported with a placeholder label ({values}); "
                         "name them in the map", label)
        var = ids.take(_first(element.get("gmb id"), split=False), label)
        builder.known({k: v for k, v in element.items() if not _LABEL_FIELD.fullmatch(k)}, _ELEMENT_FIELDS)
        attrs: dict[str, Any] = {"label": {k: t for k, t in texts.items() if t} or label}
        kind = clean_text(_first(element.get("element type", element.get("type"))))
        theme = clean_text(_first(element.get("gmb theme"), split=False))  # gmb's export: the type is one value
        if theme:
            attrs["theme"] = theme
            themes.setdefault(theme, {"label": clean_text(_first(element.get("type"), split=False)) or theme})
        elif kind.casefold() in _KINDS:
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
    own = any(e and e.get("gmb id") for e in elements)  # gmb's own export: numbers are gmb's strengths
    scale, signed = ({}, False) if own else (_scale(connections), _signed(connections))
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
        attrs = _link_attrs(connection, scale, signed, unmapped)
        builder.add_link(ends[0], ends[1], attrs, where=at)
        if direction == "mutual":
            builder.add_link(ends[1], ends[0], dict(attrs), where=at)
    if scale:
        top = max(scale)
        builder.warnings.append(f"{path}: {sum(scale.values()):,} connections give their strength as a whole number "
                                f"from 1 to {top}; read as weak, medium and strong by thirds of that scale")
    if themes:
        builder.meta["themes"] = themes
    builder.warnings += unmapped.lines()
    return builder


def _languages(elements: list[dict | None], given: Any) -> list[str]:
    """The map's languages: ``given`` if it is a list of names, else those of the ``label xx`` fields in order."""
    if isinstance(given, list) and given and all(isinstance(x, str) and x.strip() for x in given):
        return [x.strip() for x in given]
    found: dict[str, None] = {}
    for element in elements:
        for key in element or ():
            match = _LABEL_FIELD.fullmatch(key)
            if match:
                found[match.group(1)] = None
    return list(found)


def _first(value: Any, split: bool = True) -> Any:
    """The first of several values (a list, or text split by ``|`` as in Kumu spreadsheets, unless not ``split``:
    a label is one value)."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, (dict, list)):
        return ""
    text = str(value) if value is not None and not isinstance(value, bool) else ""
    return text.split("|")[0] if split else text


def _scale(connections: list[dict | None]) -> dict[int, int]:
    """How many connections give each whole-number strength, if all numeric strengths are whole numbers
    on a scale 1–N (N from 2 to 10) with one above 1 (else empty: numbers are read as gmb's strengths)."""
    counts: dict[int, int] = {}
    for record in connections:
        value = record.get("strength", record.get("weight")) if record else None
        number = finite_number(value) if not isinstance(value, str) or strength_word(value) is None else None
        if number is None or number == 0:
            continue
        if number != int(number) or not 1 <= abs(number) <= 10:
            return {}
        counts[int(abs(number))] = counts.get(int(abs(number)), 0) + 1
    return counts if counts and max(counts) >= 2 else {}


def _signed(connections: list[dict | None]) -> bool:
    """Whether the connections' weights are signed (one is negative): then a weight's sign is a polarity."""
    return any((finite_number(r.get("weight", r.get("strength"))) or 0) < 0 for r in connections if r)


def _link_attrs(record: dict, scale: dict[int, int], signed: bool, unmapped: Unmapped) -> dict:
    attrs: dict[str, Any] = {"polarity": "?"}
    given = [v for v in (record.get(k) for k in _POLARITY_KEYS) if _first(v) or isinstance(v, (int, float))]
    strength = record.get("strength", record.get("weight"))
    label = clean_text(_first(record.get("label")))
    signs = [sign_of(v if isinstance(v, (int, float)) else _first(v)) for v in given]
    sign = next((s for s in signs if s), None) or sign_of(label)
    number = finite_number(strength) if strength_word(strength) is None else None
    if sign is None and number and signed:
        sign = "+" if number > 0 else "-"
    if sign is None:
        if given:
            unmapped.add(_NO_SIGN, _first(given[0]) if not isinstance(given[0], (int, float)) else given[0])
        else:
            unmapped.add(_NO_TYPE)
    attrs["polarity"] = sign or "?"
    delay = record.get("delay", record.get("delayed"))
    if isinstance(delay, str):
        delay = delay.strip().casefold() in ("yes", "true", "1", "x", "delay", "delayed", "ja")
    days = finite_number(delay) if not isinstance(delay, bool) else None
    if delay is True or (days is not None and days > 0):
        attrs["delay"] = True if delay is True else days
    if strength_word(strength):
        attrs["strength"] = strength_word(strength)
    elif number and scale:
        third = (abs(number) - 1) / (max(scale) - 1)
        attrs["strength"] = "weak" if third < 1 / 3 else "medium" if third < 2 / 3 else "strong"
    elif number:
        attrs["strength"] = abs(number)
    elif isinstance(strength, str) and clean_text(strength):
        unmapped.add("{count} connections with strength {values} left without a strength "
                     "(give weak, medium, strong or a number)", clean_text(strength))
    notes = [t for t in (label if sign_of(label) is None else "", clean_text(record.get("description"))
                         if isinstance(record.get("description"), str) else "") if t]
    if notes:
        attrs["notes"] = "\n".join(notes)
    return attrs


def label_columns(cmap: CausalMap) -> list[str]:
    """The ``label xx`` field of each of the map's languages, in order."""
    return [f"label {lang}" for lang in cmap.languages]


def export_records(cmap: CausalMap) -> tuple[list[dict], list[dict]]:
    """Kumu element and connection records of a map (labels made unique where two are the same)."""
    labels, seen = {}, set()
    for var in cmap.graph:
        label = cmap.label(var)
        labels[var] = label if label.casefold() not in seen else f"{label} ({var})"
        seen.add(labels[var].casefold())
    elements = []
    for var, attrs in cmap.graph.nodes(data=True):
        element = {"id": _key(var), "label": labels[var], "gmb id": var}
        texts = attrs.get("label") if isinstance(attrs.get("label"), dict) else {}
        for column in label_columns(cmap):
            if texts.get(column[6:]):
                element[column] = texts[column[6:]]
        if attrs.get("theme") in cmap.themes:
            element["type"] = cmap.theme_label(attrs["theme"])
            element["gmb theme"] = attrs["theme"]
        elif attrs.get("kind") in _KINDS:
            element["type"] = attrs["kind"]
        if attrs.get("notes"):
            element["description"] = cmap.text(attrs["notes"])
        elements.append(element)
    connections = []
    for u, v, attrs in cmap.links():
        connection = {"from": _key(u), "to": _key(v), "direction": "directed",
                      "connection type": attrs.get("polarity", "?")}
        for key in ("delay", "strength"):
            if attrs.get(key) not in (None, False):
                connection[key] = attrs[key]
        if attrs.get("notes"):
            connection["description"] = cmap.text(attrs["notes"])
        connections.append(connection)
    return elements, connections


def _key(var: str) -> str:
    """The Kumu element id gmb writes for a variable (ids must be unique across elements and connections)."""
    return f"gmb-{var}"


def write_map(cmap: CausalMap, path: str | os.PathLike) -> list[str]:
    """Write a Kumu blueprint (JSON) that Kumu's import reads; returns the path written."""
    elements, connections = export_records(cmap)
    own = {"version": FORMAT_VERSION, "title": cmap.title, "languages": cmap.languages, "themes": cmap.themes}
    data = {"gmb": own, "elements": elements, "connections": connections}
    write_output(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return [str(path)]
