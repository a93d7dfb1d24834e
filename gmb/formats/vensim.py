"""Import Vensim ``.mdl`` models: causal loop diagrams and stock-and-flow models.

The equations (before the ``\\\\\\---///`` sketch marker) give the structure: ``X = INTEG(rate,
initial)`` makes X a stock whose rate's terms are flows (``+`` in, ``-`` out); any other equation
links each variable it reads to the variable it defines, with the polarity inferred at the initial
state (see :mod:`gmb.formats.stockflow`); ``A FUNCTION OF(...)`` (a CLD without equations) links
without a polarity. Lookups (``name([(..)-(..)],(x,y),...)`` and ``WITH LOOKUP``) are interpolated.
The sketch gives positions and drawn arrows: lines ``10,id,name,x,y,...`` (variables), ``11,...``
(valves, standing for the flow variable attached after them) and ``1,id,from,to,shape,hid,pol,
thick,hasf,dtype,...`` (arrows; ``pol`` is a polarity character or its ASCII code: ``+``/43,
``-``/45, ``S``/83 = ``+``, ``O``/79 = ``-``; ``dtype`` marks a delay in its low bits; thick > 20
is a flow pipe, not an arrow). The older ``|id,name,...`` and ``>from,to,...`` lines are read too
(a ``>`` line's polarity is the first later field holding a polarity code). Sketch-only variables
and arrows (a CLD drawn without equations) become variables and links. Subscripts are ignored
(a subscripted variable is one variable); macros are skipped.

Example
-------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "cld.mdl"
>>> _ = path.write_text("\\\\\\\\\\\\---/// Sketch information\\nV300\\n*View 1\\n"
...     "10,1,Screen time,100,100,40,20,8,3,0,0,0,0,0,0\\n10,2,Sleep,300,100,40,20,8,3,0,0,0,0,0,0\\n"
...     "1,3,1,2,0,0,45,0,0,65,0,-1--1--1,,1|(200,80)|\\n///---\\\\\\\\\\\\\\n", encoding="utf-8")
>>> cmap, warnings = read_map(path)
>>> [(u, v, a["polarity"], a.get("delay")) for u, v, a in cmap.links()]
[('screen_time', 'sleep', '-', True)]
"""

from __future__ import annotations

import csv
import os
import re

from gmb.errors import MapFileError
from gmb.formats.builder import MapBuilder
from gmb.formats.expressions import ExpressionError, canonical, parse, scan_references
from gmb.formats.files import check_items, read_input
from gmb.formats.naming import clean_text, finite_number
from gmb.formats.stockflow import StockFlowModel
from gmb.maps.causalmap import CausalMap
from gmb.maps.limits import MAX_EQUATIONS

__all__ = ["read_map"]

_SKETCH = re.compile(r"^\\\\\\---///.*$", re.MULTILINE)
_CONTROL = {"initial time", "final time", "time step", "saveper"}
_POLARITY = {"+": "+", "S": "+", "s": "+", "-": "-", "O": "-", "o": "-", "?": "?"}
_LOOKUP_POINT = re.compile(r"\(\s*([-+]?[\d.eE+-]+)\s*,\s*([-+]?[\d.eE+-]+)\s*\)")


def read_map(path: str | os.PathLike) -> tuple[CausalMap, list[str]]:
    """Read a Vensim ``.mdl`` file: ``(map, warnings)``."""
    raw = read_input(path)
    check_items(path, raw, b"\n", "lines")
    check_items(path, raw, b"|", "equations", cap=MAX_EQUATIONS)
    text = _decode(path, raw)
    marker = _SKETCH.search(text)
    equations, sketch = (text[:marker.start()], text[marker.start():]) if marker else (text, "")
    model = StockFlowModel(path)
    _read_equations(path, equations, model)
    _read_sketch(path, sketch, model, first_line=equations.count("\n") + 1)
    if not model.variables:
        raise MapFileError(path, "is not a Vensim model: no equations (name = ... ~ units ~ comment |) "
                           "and no sketch (\\\\\\---/// lines); check that it is an .mdl file")
    builder = MapBuilder(path)
    model.build(builder)
    return builder.finish()


def _decode(path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


# -- equations --------------------------------------------------------------------------------
def _read_equations(path, text: str, model: StockFlowModel) -> None:
    text = text.replace("{UTF-8}", "", 1)
    text = re.sub(r":MACRO:.*?:END OF MACRO:", lambda m: "\n" * m.group().count("\n"), text, flags=re.S | re.I)
    chunks, subscripted, start = [], False, 0
    for match in re.finditer(r"\|", text):
        chunks.append((start, text[start:match.start()]))
        start = match.end()
    controls: dict[str, str] = {}
    line, counted = 1, 0
    for offset, chunk in chunks:
        body = chunk.lstrip()
        line += text.count("\n", counted, offset + len(chunk) - len(body))
        counted = offset + len(chunk) - len(body)
        if not body or body.startswith("*") or body.startswith(":"):
            continue
        body = re.sub(r"\\\s*\n\s*", " ", body)
        equation, _, rest = body.partition("~")
        units, _, doc = rest.partition("~")
        lhs, op, rhs = _split_equation(equation)
        if op is None and "(" in lhs and re.search(r"\(\s*[\[(]", lhs):
            name, _, table = lhs.partition("(")
            try:
                model.lookups[canonical(name.split("[")[0])] = _points(table)
            except ExpressionError as exc:
                model.warnings.append(f"{path}:{line}: lookup {clean_text(name)!r} not read ({exc})")
            continue
        if op == ":" or not lhs.strip():
            continue  # a subscript range, or a line that names nothing
        subscripted = subscripted or "[" in lhs
        name = lhs.split("[")[0].strip()
        name = name[1:-1] if len(name) > 1 and name[0] == name[-1] == '"' else name
        if canonical(name) in _CONTROL:
            controls[canonical(name)] = rhs
            continue
        attrs = {"units": clean_text(units.split("[")[0]), "notes": clean_text(doc)}
        _define(path, model, name, op, rhs, attrs, line)
    initial = finite_number(controls.get("initial time", "0")) or 0.0
    model.start_time = initial
    if subscripted:
        model.warnings.append(f"{path}: subscripted variables are read as one variable each")


def _split_equation(equation: str) -> tuple[str, str | None, str]:
    """``lhs``, the operator (``=``, ``==``, ``:=``, ``:`` or None) and ``rhs``."""
    match = re.search(r"==|:=|<->|=|:(?!\w+:)", equation)
    if match is None or "(" in equation[:match.start()]:
        return equation, None, ""
    return equation[:match.start()], match.group(), equation[match.end():]


def _define(path, model: StockFlowModel, name: str, op, rhs: str, attrs: dict, line: int) -> None:
    rhs = rhs.strip()
    if op in (None, ":=") or not rhs:
        model.add(name, "aux", attrs=attrs, where=line)
        return
    source = rhs
    try:
        rhs = _inline_lookups(rhs, model)
        tree = parse(rhs, "vensim")
    except ExpressionError as exc:
        try:
            refs = scan_references(rhs, "vensim")
        except ExpressionError:
            refs = []
        model.warnings.append(f"{path}:{line}: equation of {clean_text(name)!r} not read ({exc}); "
                              "its links have polarity ?")
        model.add(name, "aux", refs=[r for r in refs if r not in ("integ", "a function of")], attrs=attrs, where=line)
        return
    attrs["notes"] = "\n".join(x for x in (attrs["notes"], f"Vensim equation: {clean_text(source)}") if x)
    if tree[0] == "call" and tree[1] == "integ" and len(tree[2]) == 2:
        rate, initial = tree[2]
        flows = _flow_terms(rate)
        if flows is None:
            model.add(name, "stock", expr=rate, initial=initial, attrs=attrs, where=line)
        else:
            model.add(name, "stock", initial=initial, attrs=attrs, where=line,
                      inflows=[f for f, sign in flows.items() if sign == "+"],
                      outflows=[f for f, sign in flows.items() if sign == "-"])
    elif tree[0] == "call" and tree[1] == "a function of":
        refs = [arg[1] for arg in tree[2] if arg[0] == "ref"]
        model.add(name, "aux", refs=refs, attrs=attrs, where=line)
    else:
        model.add(name, "aux", expr=tree, attrs=attrs, where=line)


def _flow_terms(rate) -> dict[str, str] | None:
    """A stock's rate as flows in (``+``) and out (``-``), if it is a plain sum of variables."""
    terms = rate[1] if rate[0] == "sum" else [("+", rate)]
    flows: dict[str, str] = {}
    for op, part in terms:
        sign = op
        if part[0] == "neg":
            sign, part = ("-" if op == "+" else "+"), part[1]
        if part[0] != "ref" or part[1] in flows:
            return None
        flows[part[1]] = sign
    return flows


def _inline_lookups(rhs: str, model: StockFlowModel) -> str:
    """``WITH LOOKUP(x, (table))`` becomes a call of a table kept in ``model.lookups``."""
    match = re.search(r"WITH\s+LOOKUP\s*\(", rhs, re.I)
    if match is None:
        return rhs
    depth, split, end = 1, None, None
    for i in range(match.end(), len(rhs)):
        if rhs[i] == "(":
            depth += 1
        elif rhs[i] == ")":
            depth -= 1
            if depth == 0:
                end = i
                break
        elif rhs[i] == "," and depth == 1 and split is None:
            split = i
    if split is None or end is None:
        raise ExpressionError("WITH LOOKUP needs an input and a table")
    name = f"with lookup {len(model.lookups) + 1}"
    model.lookups[name] = _points(rhs[split + 1:end])
    return f'{rhs[:match.start()]}"{name}"({rhs[match.end():split]}){rhs[end + 1:]}'


def _points(table: str) -> list[tuple[float, float]]:
    table = re.sub(r"\[[^\]]*\]", "", table)
    points = []
    for x, y in _LOOKUP_POINT.findall(table):
        px, py = finite_number(x), finite_number(y)
        if px is None or py is None:
            raise ExpressionError("a lookup point is not a number")
        points.append((px, py))
    if not points:
        raise ExpressionError("a lookup has no points")
    return sorted(points)


# -- sketch -----------------------------------------------------------------------------------
def _read_sketch(path, sketch: str, model: StockFlowModel, first_line: int) -> None:
    names: dict[str, str] = {}
    valves: dict[str, str | None] = {}
    pending_valve = None
    for number, line in enumerate(sketch.splitlines(), first_line):
        if line.startswith("\\\\\\---///"):
            names, valves, pending_valve = {}, {}, None  # ids are per view
            continue
        if line.startswith("///---\\\\\\"):
            break
        if not line or line[0] not in "|>0123456789":
            continue
        fields = _fields(path, line, number)
        old = fields[0].startswith(">")
        if fields[0].startswith("|"):  # the older syntax: |id,name,x,y,...
            fields = ["10", fields[0][1:], *fields[1:]]
        elif old:  # and >from,to,...
            fields = ["1", "", fields[0][1:], *fields[1:]]
        kind = fields[0]
        if kind == "10" and len(fields) >= 3:
            _sketch_variable(model, names, fields, number)
            shape = _int(fields[7]) if len(fields) > 7 else None
            if pending_valve is not None and shape is not None and shape & 32:
                valves[pending_valve] = fields[1]
                pending_valve = None
        elif kind == "11" and len(fields) >= 2:
            valves[fields[1]] = None
            pending_valve = fields[1]
        elif kind == "1" and len(fields) >= 4:
            _sketch_arrow(model, names, valves, fields, old)


def _fields(path, line: str, number: int) -> list[str]:
    try:
        return [f.strip() for f in next(csv.reader([line], strict=True))]
    except (csv.Error, StopIteration):
        raise MapFileError(path, "a sketch line cannot be read; check its quotes", line=number) from None


def _sketch_variable(model: StockFlowModel, names: dict[str, str], fields: list[str], number: int) -> None:
    name = clean_text(fields[2].replace("\\n", " "))
    key = canonical(name)
    if not key or key in _CONTROL or key == "time" or key.isdigit() or key in model.lookups:
        return
    names[fields[1]] = key
    if key not in model.variables:
        model.add(name, "aux", where=number)
    x, y = (finite_number(f) for f in (fields[3:5] if len(fields) >= 5 else (None, None)))
    if x is not None and y is not None and key not in model.positions:
        model.positions[key] = (x, y)


def _sketch_arrow(model: StockFlowModel, names, valves, fields: list[str], old: bool) -> None:
    ends = []
    for ref in fields[2:4]:
        ref = valves.get(ref, ref)
        ends.append(names.get(ref) if ref is not None else None)
    if None in ends:
        return
    rest = fields[4:]
    if old:
        polarity = next((_polarity(f) for f in rest if _polarity(f)), None)
        model.draw(ends[0], ends[1], polarity)
        return
    thick, dtype = (_int(rest[i]) if len(rest) > i else None for i in (3, 5))
    if thick is not None and thick > 20:
        return  # a flow pipe: flows come from the equations
    delay = dtype is not None and dtype & 63 != 0
    model.draw(ends[0], ends[1], _polarity(rest[2]) if len(rest) > 2 else None, delay)


def _polarity(field: str) -> str | None:
    code = _int(field)
    if code is not None:
        field = chr(code) if 0 < code < 128 else ""
    return _POLARITY.get(field)


def _int(text: str) -> int | None:
    return int(text) if re.fullmatch(r"-?\d{1,9}", text or "") else None
