"""Import XMILE models (``.xmile``, Stella ``.stmx``, iThink ``.itmx``): causal loop diagrams and
stock-and-flow models.

Stocks name their inflows and outflows (links ``+`` and ``-``, ``flow: true``); each ``<eqn>`` of a
flow or aux links the variables it reads, with the polarity inferred at the initial state (see
:mod:`gmb.formats.stockflow`); a graphical function (``<gf>``) is interpolated. Connectors in the
views (``<connector polarity="+|-"><from>..</from><to>..</to>``, ends by name or through an
``<alias>``) give the drawn polarity, and the links of a diagram without equations (a CLD).
Modules are flattened: a module's variables get ids prefixed with its name, and each ``<connect>``
becomes a ``+`` link from the variable outside to the one inside (or back). Namespaces and element
case do not matter; arrays are read as one variable each; entity declarations are refused.

Example
-------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "cld.xmile"
>>> _ = path.write_text('<xmile xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"><header>'
...     '<name>Trivsel</name></header><model><variables><aux name="Screen time"/><aux name="Sleep"/>'
...     '</variables><views><view><connector uid="1" polarity="-"><from>Screen_time</from><to>Sleep</to>'
...     '</connector></view></views></model></xmile>', encoding="utf-8")
>>> cmap, warnings = read_map(path)
>>> cmap.title, [(u, v, a["polarity"]) for u, v, a in cmap.links()]
('Trivsel', [('screen_time', 'sleep', '-')])
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET

from gmb.errors import MapFileError
from gmb.formats.builder import MapBuilder
from gmb.formats.expressions import ExpressionError, canonical, parse, scan_references
from gmb.formats.files import check_items, read_input
from gmb.formats.naming import clean_text, finite_number
from gmb.formats.stockflow import TIME_NAMES, StockFlowModel
from gmb.maps.causalmap import CausalMap
from gmb.maps.limits import MAX_EQUATIONS

__all__ = ["read_map", "parse_xml"]

_MAX_MODULE_DEPTH = 8


def parse_xml(path, raw: bytes) -> ET.Element:
    """The root element of an XML file; :class:`MapFileError` with the line if it is not well-formed.

    Two quirks of real files are read rather than refused: a namespace prefix used without being
    declared (xmutil, the Vensim→XMILE converter, writes ``<isee:prefs>`` so) and ``--`` inside a
    comment.
    """
    if re.search(rb"<!ENTITY", raw[:65536], re.I):
        raise MapFileError(path, "declares XML entities, which gmb does not read; remove the <!ENTITY ...> lines")
    check_items(path, raw, b"<", "XML elements")
    check_items(path, raw, (b"<eqn", b":eqn"), "equations", cap=MAX_EQUATIONS)
    try:
        return ET.fromstring(raw)
    except ET.ParseError as first:
        repaired = _declare_prefixes(_comments_without_dashes(raw))
        if repaired != raw:
            try:
                return ET.fromstring(repaired)
            except (ET.ParseError, LookupError, ValueError, RecursionError):
                pass
        raise _not_well_formed(path, first) from None
    except LookupError:  # an encoding Python does not know
        raise MapFileError(path, "declares an XML encoding that gmb cannot read; save it as UTF-8", line=1) from None
    except (ValueError, RecursionError):
        raise MapFileError(path, "is not readable XML; check that the file is complete") from None


_KNOWN_PREFIXES = {b"isee": b"http://iseesystems.com/XMILE", b"simlin": b"https://simlin.com/XMILE/v1.0"}
_HINTS = {
    "unbound prefix": "a namespace prefix is used without being declared; add xmlns:PREFIX=\"…\" to the root element",
    "no element found": "the file ends too early; check that the file is complete",
    "unclosed token": "the file ends inside a tag; check that the file is complete",
    "mismatched tag": "a closing tag does not match the element it closes; re-save the file from the tool that wrote it",
    "junk after document element": "there is text after the last element; remove it or re-save the file",
    "duplicate attribute": "an element repeats an attribute; remove one of them",
}


def _not_well_formed(path, exc: ET.ParseError) -> MapFileError:
    line = exc.position[0] if getattr(exc, "position", None) else None
    reason = str(exc).split(":")[0]
    hint = next((text for key, text in _HINTS.items() if reason.startswith(key)),
                "re-save it from the tool that wrote it, or check it with an XML validator")
    return MapFileError(path, f"is not well-formed XML ({reason}); {hint}", line=line)


def _comments_without_dashes(raw: bytes) -> bytes:
    """``--`` inside ``<!-- … -->`` (not allowed by XML) written as ``- -``."""
    return re.sub(rb"<!--(.*?)-->", lambda m: b"<!--" + re.sub(rb"-(?=-)", b"- ", m.group(1)).rstrip(b"-") + b"-->",
                  raw, flags=re.S)


def _declare_prefixes(raw: bytes) -> bytes:
    """The file with each namespace prefix it uses but never declares declared on its root element."""
    used = set(re.findall(rb"</?([A-Za-z_][\w.-]*):[A-Za-z_]", raw)) | set(re.findall(rb"\s([A-Za-z_][\w.-]*):[\w.-]+\s*=", raw))
    declared = set(re.findall(rb"xmlns:([A-Za-z_][\w.-]*)\s*=", raw))
    missing = sorted(used - declared - {b"xml", b"xmlns"})
    root = re.search(rb"<(?![?!])[A-Za-z_][\w.:-]*", raw)
    if not missing or root is None:
        return raw
    names = b"".join(b' xmlns:' + p + b'="' + _KNOWN_PREFIXES.get(p, b"urn:gmb:undeclared:" + p) + b'"' for p in missing)
    return raw[:root.end()] + names + raw[root.end():]


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _tag(c) == name), None)


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if _tag(c) == name]


def _find(element: ET.Element, *names: str) -> ET.Element | None:
    for name in names:
        element = _child(element, name) if element is not None else None
    return element


def _text(element: ET.Element | None) -> str:
    return clean_text("".join(element.itertext())) if element is not None else ""


def read_map(path: str | os.PathLike) -> tuple[CausalMap, list[str]]:
    """Read an XMILE file: ``(map, warnings)``."""
    root = parse_xml(path, read_input(path))
    if _tag(root) != "xmile":
        raise MapFileError(path, f"is not an XMILE model: its root element is <{_tag(root) or '?'}>, not <xmile>",
                           line=1)
    models = _children(root, "model")
    if not models:
        raise MapFileError(path, "has no <model>; nothing to import")
    named = {canonical(m.get("name", "")): m for m in models if m.get("name")}
    main = next((m for m in models if not m.get("name")), models[0])
    model = StockFlowModel(path)
    _time_settings(model, _child(root, "sim_specs"))
    _read_model(path, model, main, named, prefix="", label="", depth=0)
    builder = MapBuilder(path)
    title = _text(_find(root, "header", "name"))
    if title:
        builder.meta["title"] = title
    model.build(builder)
    return builder.finish()


def _time_settings(model: StockFlowModel, specs: ET.Element | None) -> None:
    """``<sim_specs>``: start, stop, dt (``reciprocal="true"``: 1/dt) and save_step."""
    def number(name):
        element = _child(specs, name) if specs is not None else None
        value = finite_number(_text(element))
        if value and element.get("reciprocal", "").strip().lower() == "true":
            value = 1 / value
        return value
    model.set_times(number("start"), number("stop"), number("dt"), number("save_step"))


def _read_model(path, model: StockFlowModel, element, named, prefix: str, label: str, depth: int) -> None:
    variables = _child(element, "variables")
    holder = variables if variables is not None else element
    arrays = False
    for var in holder:
        kind = _tag(var)
        name = clean_text(var.get("name", "")).replace("\\n", " ")
        if kind not in ("stock", "flow", "aux", "module") or not canonical(name) or canonical(name) in TIME_NAMES:
            continue  # xmutil writes Vensim's TIME STEP, SAVEPER … as auxiliaries: they are the run's settings
        key = prefix + canonical(name)
        shown = f"{name} ({label})" if label else name
        arrays = arrays or _child(var, "dimensions") is not None
        if kind == "module":
            _read_module(path, model, var, named, prefix, label, depth, key, name)
            continue
        attrs = {"units": _text(_child(var, "units")), "notes": _text(_child(var, "doc"))}
        source = _text(_child(var, "eqn"))
        tree, refs = _equation(path, model, source, shown, prefix)
        if source:
            attrs["notes"] = "\n".join(x for x in (attrs["notes"], f"XMILE equation: {source}") if x)
        if kind == "stock":
            flows = {t: [prefix + canonical(_text(f)) for f in _children(var, t)] for t in ("inflow", "outflow")}
            model.add(shown, "stock", key=key, initial=tree, inflows=flows["inflow"], outflows=flows["outflow"],
                      attrs=attrs)
            continue
        gf = _child(var, "gf")
        if gf is not None and tree is not None:
            table = _graph(gf)
            if table:
                model.lookups[key + " gf"] = table
                tree = ("call", key + " gf", [tree])
        model.add(shown, "flow" if kind == "flow" else "aux", key=key, expr=tree, refs=refs, attrs=attrs)
    if arrays:
        model.warnings.append(f"{path}: arrayed variables are read as one variable each")
    views = _child(element, "views")
    for view in _children(views if views is not None else element, "view"):
        _read_view(model, view, prefix)


def _equation(path, model: StockFlowModel, source: str, shown: str, prefix: str):
    """The syntax tree of an equation (names qualified by ``prefix``), or the names it reads."""
    if not source:
        return None, []
    try:
        tree = parse(source, "xmile")
    except ExpressionError as exc:
        model.warnings.append(f"{path}: equation of {shown!r} not read ({exc}); its links have polarity ?")
        try:
            return None, [prefix + n for n in scan_references(source, "xmile")]
        except ExpressionError:
            return None, []
    return _qualify(tree, prefix), []


def _qualify(node, prefix: str):
    """Names prefixed with the module's (not the clock's); ``LOOKUP(table, x)`` as a call of the table."""
    kind = node[0]
    if kind == "ref":
        return node if node[1] in TIME_NAMES else ("ref", prefix + node[1])
    if kind == "num":
        return node
    if kind == "call" and node[1] == "lookup" and len(node[2]) == 2 and node[2][0][0] == "ref":
        return ("call", prefix + node[2][0][1] + " gf", [_qualify(node[2][1], prefix)])
    if kind == "call":
        return ("call", node[1], [_qualify(a, prefix) for a in node[2]])
    if kind in ("sum", "prod"):
        return (kind, [(op, _qualify(p, prefix)) for op, p in node[1]])
    if kind in ("and", "or"):
        return (kind, [_qualify(p, prefix) for p in node[1]])
    if kind == "cmp":
        return ("cmp", node[1], _qualify(node[2], prefix), _qualify(node[3], prefix))
    return (kind, *[_qualify(p, prefix) for p in node[1:]])


def _graph(gf: ET.Element) -> list[tuple[float, float]]:
    ys = [finite_number(y) for y in re.split(r"[,;\s]+", _text(_child(gf, "ypts"))) if y]
    xpts = _child(gf, "xpts")
    if xpts is not None:
        xs = [finite_number(x) for x in re.split(r"[,;\s]+", _text(xpts)) if x]
    else:
        scale = _child(gf, "xscale")
        low, high = (finite_number(scale.get(k)) if scale is not None else None for k in ("min", "max"))
        if low is None or high is None or len(ys) < 2:
            return []
        xs = [low + (high - low) * i / (len(ys) - 1) for i in range(len(ys))]
    if len(xs) != len(ys) or None in xs or None in ys or not ys:
        return []
    return sorted(zip(xs, ys))


def _read_module(path, model: StockFlowModel, var, named, prefix, label, depth, key, name) -> None:
    inner = named.get(canonical(var.get("name", "")))
    if inner is None or depth >= _MAX_MODULE_DEPTH:
        why = "nested too deeply" if inner is not None else "its model is not in the file"
        model.warnings.append(f"{path}: module {name!r} left out ({why})")
        return
    _read_model(path, model, inner, named, key + ".", f"{label}.{name}" if label else name, depth + 1)
    for connect in _children(var, "connect"):
        ends = [_module_end(model, connect.get(k, ""), name, prefix, key) for k in ("from", "to")]
        if all(e in model.variables for e in ends) and model.variables[ends[1]].kind != "stock":
            model.variables[ends[1]].expr = ("ref", ends[0])  # the connection replaces the input's equation
            model.draw(ends[0], ends[1], "+")


def _module_end(model: StockFlowModel, text: str, module: str, prefix: str, key: str) -> str:
    """A ``<connect>`` end: ``.name`` is outside the module, ``module.name`` or a name it has inside."""
    text = text.strip()
    if text.startswith("."):
        return prefix + canonical(text[1:])
    name, inside = canonical(text), canonical(module) + "."
    if name.startswith(inside):
        return key + "." + name[len(inside):]
    return key + "." + name if key + "." + name in model.variables else prefix + name


def _read_view(model: StockFlowModel, view: ET.Element, prefix: str) -> None:
    aliases = {}
    for element in view:
        kind = _tag(element)
        if kind == "alias":
            aliases[element.get("uid")] = prefix + canonical(_text(_child(element, "of")))
        elif kind in ("stock", "flow", "aux") and element.get("name"):
            key = prefix + canonical(element.get("name", "").replace("\\n", " "))
            x, y = finite_number(element.get("x")), finite_number(element.get("y"))
            if key in model.variables and x is not None and y is not None:
                model.positions.setdefault(key, (x, y))
    for connector in _children(view, "connector"):
        ends = []
        for side in ("from", "to"):
            end = _child(connector, side)
            alias = _child(end, "alias") if end is not None else None
            ends.append(aliases.get(alias.get("uid")) if alias is not None else prefix + canonical(_text(end)))
        if all(ends) and all(e in model.variables for e in ends):
            polarity = next((v for k, v in connector.attrib.items() if k.rsplit("}", 1)[-1] == "polarity"), "")
            model.draw(ends[0], ends[1], {"+": "+", "-": "-", "?": "?"}.get(polarity.strip()))
