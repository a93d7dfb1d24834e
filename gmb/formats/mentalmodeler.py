"""Import Mental Modeler maps (``.mmp``, XML; or JSON with the same fields).

A map has ``concepts`` (``id``, ``name``, ``notes``, ``units``, ``group``, ``x``, ``y``), each with
``relationships`` to other concepts (``id`` of the concept influenced, ``influence`` from -1 to 1,
``confidence``, ``notes``). The influence is a number from -1 to 1 or, in files of the older Mental
Modeler, a label ``H+``, ``M-``, ``L+`` …: its sign gives the link's polarity and its level the strength
class (H ±1 strong, M ±0.62 medium, L ±0.25 weak; other numbers the nearest level, counted in one
warning line; see :mod:`gmb.formats.conventions`); 0, an empty or an ``undefined`` influence gives
polarity ``?``, also counted in one line. A non-zero confidence between 0 and 1 is kept. A concept
without a name is imported with a placeholder name (``unnamed concept 6``) and a warning, so the
rest of the map still comes in. Named groups (``groupNames``) become themes; ``x``, ``y`` the layout.

Example
-------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "fish.mmp"
>>> _ = path.write_text("<mentalmodeler><info><name>Fish</name></info><concepts>"
...     "<concept><id>1</id><name>Fish</name><relationships><relationship><id>2</id>"
...     "<influence>-0.25</influence></relationship></relationships></concept>"
...     "<concept><id>2</id><name>Pollution</name></concept></concepts></mentalmodeler>", encoding="utf-8")
>>> cmap, warnings = read_map(path)
>>> [(u, v, a) for u, v, a in cmap.links()]
[('fish', 'pollution', {'polarity': '-', 'strength': 'weak'})]
"""

from __future__ import annotations

import os
from typing import Any

from gmb.errors import MapFileError
from gmb.formats.builder import MapBuilder
from gmb.formats.conventions import Unmapped, mental_modeler_influence
from gmb.formats.files import read_input
from gmb.formats.kumu import load_json
from gmb.formats.naming import IdMaker, clean_text, finite_number, slug
from gmb.formats.xmile import parse_xml
from gmb.maps.causalmap import CausalMap

__all__ = ["read_map"]


def read_map(path: str | os.PathLike) -> tuple[CausalMap, list[str]]:
    """Read a Mental Modeler file (XML ``.mmp`` or JSON): ``(map, warnings)``."""
    raw = read_input(path)
    data = load_json(path, raw) if raw.lstrip()[:1] in (b"{", b"[") else _from_xml(path, raw)
    if not isinstance(data, dict) or not isinstance(data.get("concepts"), list):
        raise MapFileError(path, "is not a Mental Modeler map: expected <mentalmodeler> with <concepts>")
    builder, ids, id_of, order, unmapped = MapBuilder(path), IdMaker(), {}, [], Unmapped(path)
    info = data.get("info") if isinstance(data.get("info"), dict) else {}
    if clean_text(info.get("name")):
        builder.meta["title"] = clean_text(info.get("name"))
    groups = data.get("groupNames")
    groups = dict(enumerate(groups)) if isinstance(groups, list) else groups if isinstance(groups, dict) else {}
    groups = {clean_text(k): v for k, v in groups.items()}
    themes, layout = {}, {}
    concepts = data["concepts"]
    for number, concept in enumerate(concepts):
        if not isinstance(concept, dict):
            raise MapFileError(path, f"concept {number + 1} is not a concept (an object with a name and an id)")
        name = clean_text(concept.get("name"))
        if not name:
            name = f"unnamed concept {clean_text(concept.get('id')) or number + 1}"
            unmapped.add("{count} concepts without a name imported as {values}; name them in the map", name)
        var = ids.make(name)
        order.append(var)
        id_of.setdefault(clean_text(concept.get("id")) or var, var)
        attrs: dict[str, Any] = {"label": name}
        for key in ("notes", "units"):
            if clean_text(concept.get(key)):
                attrs[key] = clean_text(concept.get(key))
        group = clean_text(groups.get(clean_text(concept.get("group"))))
        if group:
            attrs["theme"] = slug(group, "theme")
            themes.setdefault(attrs["theme"], {"label": group})
        x, y = finite_number(concept.get("x")), finite_number(concept.get("y"))
        if x is not None and y is not None:
            layout[var] = [x, y]
        builder.add_variable(var, attrs, where=f"concept {number + 1}")
    for number, concept in enumerate(concepts):
        relationships = concept.get("relationships")
        for relation in relationships if isinstance(relationships, list) else []:
            target = id_of.get(clean_text(relation.get("id"))) if isinstance(relation, dict) else None
            if target is None:
                name = builder.variables[order[number]]["label"]
                raise MapFileError(path, f"concept {name!r} has a relationship to a concept that is not in the "
                                   "file; remove it in Mental Modeler")
            builder.add_link(order[number], target, _link(relation, unmapped), where=f"concept {number + 1}")
    if themes:
        builder.meta["themes"] = themes
    if layout:
        builder.meta["layout"] = layout
    builder.warnings += unmapped.lines()
    return builder.finish()


def _link(relation: dict, unmapped: Unmapped) -> dict:
    influence = relation.get("influence")
    polarity, strength, exact = mental_modeler_influence(influence) or ("?", None, True)
    attrs: dict[str, Any] = {"polarity": polarity}
    if strength:
        attrs["strength"] = strength
    if polarity == "?":
        unmapped.add("{count} relationships with influence {values} imported as ? (polarity unknown)",
                     clean_text(influence) or "(empty)")
    elif not exact:
        unmapped.add("{count} relationships with an influence between Mental Modeler's levels ({values}) "
                     "imported as the nearest strength class (L 0.25 weak, M 0.62 medium, H 1 strong)",
                     finite_number(influence))
    confidence = finite_number(relation.get("confidence"))
    if confidence is not None and 0 < confidence <= 1:
        attrs["confidence"] = confidence
    if clean_text(relation.get("notes")):
        attrs["notes"] = clean_text(relation.get("notes"))
    return attrs


def _from_xml(path, raw: bytes) -> dict:
    """The XML file as the same plain data a JSON file holds."""
    root = parse_xml(path, raw)
    if root.tag.rsplit("}", 1)[-1].casefold() != "mentalmodeler":
        raise MapFileError(path, f"is not a Mental Modeler map: its root element is <{root.tag}>", line=1)

    def text(element, name):
        child = element.find(name)
        return "".join(child.itertext()) if child is not None else ""

    groups = {g.get("index", str(i)): "".join(g.itertext()) for i, g in enumerate(root.iterfind("groupNames/groupName"))}
    concepts = []
    for concept in root.iterfind("concepts/concept"):
        item = {k: text(concept, k) for k in ("id", "name", "notes", "units", "group", "x", "y")}
        item["relationships"] = [{k: text(r, k) for k in ("id", "influence", "confidence", "notes")}
                                 for r in concept.iterfind("relationships/relationship")]
        concepts.append(item)
    return {"info": {"name": text(root, "info/name")}, "groupNames": groups, "concepts": concepts}
