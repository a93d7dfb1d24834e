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

import os
import re

from gmb.errors import MapFileError
from gmb.formats.builder import MapBuilder
from gmb.formats.evaluator import evaluate
from gmb.formats.expressions import ExpressionError, canonical, parse, scan_references
from gmb.formats.files import check_items, read_input
from gmb.formats.naming import clean_text, finite_number
from gmb.formats.stockflow import CONTROL_NAMES, TIME_NAMES, StockFlowModel
from gmb.maps.causalmap import CausalMap
from gmb.maps.limits import MAX_EQUATIONS

__all__ = ["read_map"]

_SKETCH = re.compile(r"^\\\\\\---///.*$", re.MULTILINE)
_NAME_LINES = 5
"""A quoted name in the sketch may span up to this many lines."""
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
    _time_settings(model)
    builder = MapBuilder(path)
    model.build(builder)
    return builder.finish()


def _time_settings(model: StockFlowModel) -> None:
    """INITIAL TIME, FINAL TIME, TIME STEP and SAVEPER as numbers (they may refer to each other)."""
    values: dict[str, float] = {}
    for _ in range(len(model.controls)):
        for name, text in model.controls.items():
            try:
                values[name] = evaluate(parse(text, "vensim"), values.__getitem__)
            except ExpressionError:
                continue
    unread = [name.upper() for name in model.controls if name not in values]
    if unread:
        model.warnings.append(f"{model.path}: {', '.join(unread)} not read as a number (not constant); "
                              "give the run's settings in the scenario file")
    model.set_times(values.get("initial time"), values.get("final time"), values.get("time step"),
                    values.get("saveper"))


def _decode(path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


# -- equations --------------------------------------------------------------------------------
def _read_equations(path, text: str, model: StockFlowModel) -> None:
    text = text.replace("{UTF-8}", "", 1)
    text = re.sub(r":MACRO:.*?:END OF MACRO:", lambda m: "\n" * m.group().count("\n"), text, flags=re.S | re.I)
    subscripted = False
    for line, equation, units, doc in _entries(text):
        body = re.sub(r"\\\s*\n\s*", " ", equation.strip())
        if not body or body.startswith(("*", ":")):
            continue
        lhs, op, rhs = _split_equation(body)
        masked = _mask(lhs)
        if op is None and "(" in masked:  # a lookup: name( [range], (x,y), ... ) or name(x1, …, y1, …)
            name = lhs[:masked.index("(")]
            try:
                model.lookups[canonical(_unquote(name.split("[")[0]))] = _points(lhs[masked.index("(") + 1:])
            except ExpressionError as exc:
                model.warnings.append(f"{path}:{line}: lookup {clean_text(name)!r} not read ({exc})")
            continue
        if op == ":" or not lhs.strip():
            continue  # a subscript range, or a line that names nothing
        subscripted = subscripted or "[" in masked
        name = _unquote(lhs[:masked.index("[")] if "[" in masked else lhs)
        if canonical(name) in CONTROL_NAMES:
            model.controls[canonical(name)] = rhs
            continue
        attrs = {"units": clean_text(units.split("[")[0]), "notes": clean_text(re.sub(r"\\\s*\n\s*", " ", doc))}
        _define(path, model, name, op, rhs, attrs, line)
    if subscripted:
        model.warnings.append(f"{path}: subscripted variables are read as one variable each")


def _entries(text: str):
    """Each ``equation ~ units ~ comment |`` with its line: the equation read up to a ``~`` or ``|``
    outside quoted names (which may hold both), the rest up to the next ``|``."""
    pos, line, n = 0, 1, len(text)
    while pos < n:
        end = _end_of_equation(text, pos)
        if end >= n:
            return  # text after the last |: not an equation
        start = pos + len(text[pos:end]) - len(text[pos:end].lstrip())
        line += text.count("\n", pos, start)
        equation, units, doc = text[pos:end], "", ""
        if text[end] == "~":
            bar = text.find("|", end)
            bar = n if bar < 0 else bar
            units, _, doc = text[end + 1:bar].partition("~")
            end = bar
        yield line, equation, units, doc
        line += text.count("\n", start, min(end + 1, n))
        pos = end + 1


def _end_of_equation(text: str, pos: int) -> int:
    """The index of the first ``~`` or ``|`` at or after ``pos`` outside double quotes (``\\"`` escaped);
    a quote left open reads as a plain character."""
    quoted, i, n = None, pos, len(text)
    while i < n:
        ch = text[i]
        if quoted is not None:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quoted = None
        elif ch == '"':
            quoted = i
        elif ch in "~|":
            return i
        i += 1
        if i >= n and quoted is not None:  # an unclosed quote: read it as a plain character
            i, quoted = quoted + 1, None
    return n


def _mask(text: str) -> str:
    """``text`` with every character inside double quotes replaced by ``_`` (same length), so that
    operators, brackets and parentheses in quoted names are not read as such."""
    out, quoted, escaped = [], False, False
    for ch in text:
        if quoted:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
                out.append(ch)
                continue
            out.append("_")
        else:
            quoted = ch == '"'
            out.append(ch)
    return "".join(out)


def _unquote(name: str) -> str:
    """A name without its surrounding quotes, escaped quotes read as quotes."""
    name = name.strip()
    if len(name) > 1 and name[0] == name[-1] == '"':
        name = name[1:-1]
    return name.replace('\\"', '"')


def _split_equation(equation: str) -> tuple[str, str | None, str]:
    """``lhs``, the operator (``=``, ``==``, ``:=``, ``:`` or None) and ``rhs``; quoted names are opaque."""
    masked = _mask(equation)
    match = re.search(r"==|:=|<->|=|:(?!\w+:)", masked)
    if match is None or "(" in masked[:match.start()]:
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
        flows, rest = _flow_terms(rate)
        if rest:  # a rate written inline: its terms become one flow variable, so its loops are kept
            first = rest[0][1] if rest[0][0] == "+" else ("neg", rest[0][1])
            net = model.add(f"{name} net flow", "flow", expr=("sum", [("+", first), *rest[1:]]) if rest[1:] else first,
                            attrs={"notes": f"the inline rate of {clean_text(name)!r} (its INTEG)"}, where=line)
            flows[canonical(net.name)] = "+"
        model.add(name, "stock", initial=initial, attrs=attrs, where=line,
                  inflows=[f for f, sign in flows.items() if sign == "+"],
                  outflows=[f for f, sign in flows.items() if sign == "-"])
    elif tree[0] == "call" and tree[1] == "a function of":
        refs = [arg[1] for arg in tree[2] if arg[0] == "ref"]
        model.add(name, "aux", refs=refs, attrs=attrs, where=line)
    else:
        model.add(name, "aux", expr=tree, attrs=attrs, where=line)


def _flow_terms(rate) -> tuple[dict[str, str], list]:
    """A stock's rate as flows in (``+``) and out (``-``), where a term is a lone variable, and the
    other terms (``[(op, tree), ...]``)."""
    terms = rate[1] if rate[0] == "sum" else [("+", rate)]
    flows: dict[str, str] = {}
    rest = []
    for op, part in terms:
        sign, inner = op, part
        if inner[0] == "neg":
            sign, inner = ("-" if op == "+" else "+"), inner[1]
        if inner[0] == "ref" and inner[1] not in flows and inner[1] not in TIME_NAMES:
            flows[inner[1]] = sign
        else:
            rest.append((op, part))
    return flows, rest


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
    """A lookup's points: ``(x,y)`` pairs, or the old flat list of every x then every y."""
    table = re.sub(r"\[[^\]]*\]", "", table)
    pairs = _LOOKUP_POINT.findall(table)
    if not pairs:
        flat = [f for f in re.split(r"[\s,()]+", table) if f]
        if len(flat) < 2 or len(flat) % 2:
            raise ExpressionError("a lookup has no points" if not flat else "a flat lookup needs as many x as y values")
        pairs = list(zip(flat[:len(flat) // 2], flat[len(flat) // 2:]))
    else:
        pairs = sorted(pairs, key=lambda p: finite_number(p[0]) or 0.0)
    points = []
    for x, y in pairs:
        px, py = finite_number(x), finite_number(y)
        if px is None or py is None:
            raise ExpressionError("a lookup point is not a number")
        points.append((px, py))
    if any(b[0] < a[0] for a, b in zip(points, points[1:])):
        raise ExpressionError("its x values do not rise")
    return points


# -- sketch -----------------------------------------------------------------------------------
def _read_sketch(path, sketch: str, model: StockFlowModel, first_line: int) -> None:
    names: dict[str, str] = {}
    valves: dict[str, str | None] = {}
    pending_valve = None
    lines = sketch.splitlines()
    index = 0
    while index < len(lines):
        number, line = first_line + index, lines[index]
        index += 1
        if line.startswith("\\\\\\---///"):
            names, valves, pending_valve = {}, {}, None  # ids are per view
            continue
        if line.startswith("///---\\\\\\"):
            break
        if not line or line[0] not in "|>0123456789":
            continue
        fields = _fields(line)
        while fields is None and index < len(lines) and index - (number - first_line) <= _NAME_LINES \
                and not lines[index].startswith(("///---", "\\\\\\---")):
            line += "\n" + lines[index]  # a quoted name that spans lines, such as a loop label
            index += 1
            fields = _fields(line)
        if fields is None:
            raise MapFileError(path, "a sketch line cannot be read: a quoted name is not closed; check its quotes",
                               line=number)
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


def _fields(line: str) -> list[str] | None:
    """A sketch line's comma-separated fields; a quoted field may hold commas, line breaks and ``\\"``
    (kept escaped, as the equations write it). None while a quote is open."""
    fields, current, quoted, i = [], [], False, 0
    while i < len(line):
        ch = line[i]
        if quoted and ch == "\\" and i + 1 < len(line):
            current.append(line[i:i + 2])
            i += 1
        elif quoted and ch == '"':
            quoted = False
        elif not quoted and ch == '"' and not "".join(current).strip():
            quoted, current = True, []
        elif not quoted and ch == ",":
            fields.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
        i += 1
    fields.append("".join(current).strip())
    return None if quoted else fields


def _sketch_variable(model: StockFlowModel, names: dict[str, str], fields: list[str], number: int) -> None:
    name = " ".join(clean_text(_unquote(fields[2]).replace("\\n", " ")).split())
    key = canonical(name)
    if not key or key in TIME_NAMES or key.isdigit() or key in model.lookups:
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
