"""The model's elements (stocks, flows, auxiliaries) with their equations as trees, from a spec.

Both writers (:mod:`gmb.sd.xmile`, :mod:`gmb.sd.mdl`) render these same trees, so the XMILE and
Vensim files hold the same model by construction; only the syntax differs.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.equations import render
>>> from gmb.sd.spec import build_spec
>>> cmap = CausalMap.new("demo")
>>> cmap.add_variable("sleep", "Søvn")
>>> cmap.add_variable("mood", "Humør")
>>> _ = cmap.add_link("sleep", "mood", "-", strength="weak")
>>> elements = {e.name: e for e in model_elements(build_spec(cmap))}
>>> render(elements["indicated_mood"].equation, "xmile", str)
'MIN(3, MAX(0, 1 - w_sleep_to_mood * (sleep - 1) + push_mood * (IF TIME < push_start_mood THEN 0 \
ELSE (IF TIME >= push_start_mood + push_ramp_mood THEN 1 ELSE (TIME - push_start_mood) / push_ramp_mood))))'
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from gmb.sd.equations import BinOp, Call, Compare, Ident, IfElse, Lookup, Node, Num, Smooth3, Time
from gmb.sd.spec import Link, ModelSpec, Variable
from gmb.sd.units import DIMENSIONLESS, divide, format_units, parse_units

__all__ = ["Element", "model_elements", "file_elements", "ramp_fraction", "time_units", "weight_units"]


@dataclass(frozen=True)
class Element:
    """One model element: ``kind`` is ``stock``, ``flow`` or ``aux``; a stock's equation is its initial value."""

    name: str
    kind: str
    equation: Node
    units: str
    doc: str
    inflows: tuple[str, ...] = ()
    outflows: tuple[str, ...] = ()


def model_elements(spec: ModelSpec, tunable: set[str] | None = None) -> list[Element]:
    """All elements of the model: each variable's, then the scenario constants.

    ``tunable`` names the scenario constants (:meth:`ModelSpec.parameters`) to keep as model
    constants; the others are written as their baseline values (a push that cannot be set is left
    out). ``None`` keeps them all. Fewer constants make PySD translate and load faster.
    """
    inputs = _Inputs(spec, tunable)
    elements: list[Element] = []
    for var in spec.variables.values():
        elements += _variable_elements(spec, var, inputs)
    for name, value in spec.parameters().items():
        if inputs.tunable(name) and name not in inputs.constants:
            elements.append(Element(name, "aux", Num(value, inputs.describe[name][0]), *inputs.describe[name]))
    return elements


def file_elements(spec: ModelSpec, tunable: set[str] | None = None) -> list[Element]:
    """The elements as the model files hold them: :func:`model_elements`, with every number that has
    units (today's value, an adjust time, a delay, a bound, a weight written as its value) replaced
    by a constant of that name and units, so that the files' own equations pass a units check
    (:func:`gmb.sd.units.check_units`), where a bare number has no units. Dimensionless numbers stay.

    >>> from gmb.maps.causalmap import CausalMap
    >>> from gmb.sd.equations import render
    >>> from gmb.sd.spec import build_spec
    >>> cmap = CausalMap.new("demo")
    >>> cmap.add_variable("mood", "Mood", adjust_time=3)
    >>> elements = {e.name: e for e in file_elements(build_spec(cmap))}
    >>> render(elements["change_mood"].equation, "xmile", str), elements["adjust_time_mood"].units
    ('(indicated_mood - mood) / adjust_time_mood', 'Month')
    """
    elements = model_elements(spec, tunable)
    taken = {e.name for e in elements} | {v.name for v in spec.variables.values()}
    constants: dict[tuple[str, float, str], Element] = {}

    def named(node):
        if isinstance(node, Num):
            if not (node.name and parse_units(node.units, spec.time_unit)):
                return node
            key = (node.name, node.value, node.units)
            if key not in constants:
                name, n = node.name, 1
                while name in taken:
                    n += 1
                    name = f"{node.name}_{n}"
                taken.add(name)
                constants[key] = Element(name, "aux", Num(node.value), node.units, "a number of the formulation, see ASSUMPTIONS.md")
            return Ident(constants[key].name)
        if isinstance(node, tuple):
            return tuple(named(child) for child in node)
        if dataclasses.is_dataclass(node):
            return dataclasses.replace(node, **{f.name: named(getattr(node, f.name)) for f in dataclasses.fields(node)})
        return node

    kept = [e if e.kind == "aux" and isinstance(e.equation, Num) else dataclasses.replace(e, equation=named(e.equation))
            for e in elements]
    return _tables(kept, taken) + list(constants.values())


def _tables(elements: list[Element], taken: set[str]) -> list[Element]:
    """Each lookup inside an equation as an element of its own (``x_lookup``), as both file formats
    hold a table only as a whole element (XMILE's ``<gf>``, Vensim's ``WITH LOOKUP``)."""
    out: list[Element] = []

    def hoist(node, owner: Element):
        if isinstance(node, Lookup):
            name, n = f"{owner.name}_lookup", 1
            while name in taken:
                n += 1
                name = f"{owner.name}_lookup_{n}"
            taken.add(name)
            out.append(Element(name, "aux", Lookup(hoist(node.arg, owner), node.points), DIMENSIONLESS,
                               f"a table of {owner.doc}"))
            return Ident(name)
        if isinstance(node, tuple):
            return tuple(hoist(child, owner) for child in node)
        if dataclasses.is_dataclass(node) and not isinstance(node, Num):
            return dataclasses.replace(node, **{f.name: hoist(getattr(node, f.name), owner)
                                                for f in dataclasses.fields(node)})
        return node

    for element in elements:
        equation = element.equation
        if isinstance(equation, Lookup):
            equation = Lookup(hoist(equation.arg, element), equation.points)
        else:
            equation = hoist(equation, element)
        out.append(dataclasses.replace(element, equation=equation))
    return out


class _Inputs:
    """Which scenario constants stay constants, and how each is written otherwise."""

    def __init__(self, spec: ModelSpec, tunable: set[str] | None):
        self.values, self.keep = spec.parameters(), tunable
        self.constants = {v.name for v in spec.variables.values() if v.kind == "constant"}
        self.describe = {}
        for link in spec.links:
            source, target = spec.variables[link.source], spec.variables[link.target]
            self.describe[link.param] = (weight_units(spec, link), f"strength of {source.label} → {target.label}")
        for var in spec.variables.values():
            for role, name in var.params.items():
                units = {"push": DIMENSIONLESS, "level": _units(var), "value": _units(var)}.get(role, time_units(spec))
                self.describe[name] = (units, f"scenario input: {role} of {var.label}")

    def tunable(self, name: str) -> bool:
        return self.keep is None or name in self.keep

    def node(self, name: str) -> Node:
        return Ident(name) if self.tunable(name) else Num(self.values[name], self.describe[name][0], name)


def time_units(spec: ModelSpec) -> str:
    """The model's time unit as units text (``Month``), as the files' time settings name it."""
    return spec.time_unit.capitalize()


def weight_units(spec: ModelSpec, link: Link) -> str:
    """The units of a link's weight w that balance its equation: into an index variable, w times
    the cause's relative change (or, from a cause that starts at 0, the cause itself) is
    dimensionless; into a stock, w times the cause is the stock's units per time unit.

    >>> from gmb.maps.causalmap import CausalMap
    >>> from gmb.sd.spec import build_spec
    >>> cmap = CausalMap.new("demo")
    >>> cmap.add_variable("kids", "Kids", kind="stock", units="children", initial=100)
    >>> cmap.add_variable("clubs", "Clubs", units="clubs", initial=4)
    >>> _ = cmap.add_link("clubs", "kids", "+", flow="inflow")
    >>> weight_units(build_spec(cmap), build_spec(cmap).links[0])
    'children/(Month*clubs)'
    """
    target, source = spec.variables[link.target], spec.variables[link.source]
    want = parse_units(_per_time(spec, target), spec.time_unit) if target.kind == "stock" else {}
    if target.kind == "stock" or source.initial == 0:
        want = divide(want, parse_units(source.units, spec.time_unit))
    return format_units(want)


def ramp_fraction(start: Node, ramp: Node) -> Node:
    """0 before ``start``, rising linearly to 1 over ``ramp`` (a step when ``ramp`` is 0)."""
    return IfElse(Compare("<", Time(), start), Num(0),
                  IfElse(Compare(">=", Time(), BinOp("+", start, ramp)), Num(1),
                         BinOp("/", BinOp("-", Time(), start), ramp)))


def _units(var: Variable) -> str:
    return var.units or DIMENSIONLESS


def _per_time(spec: ModelSpec, var: Variable) -> str:
    """The units of a flow into ``var``: its units per time unit."""
    return format_units(divide(parse_units(var.units, spec.time_unit), parse_units(spec.time_unit, spec.time_unit)))


def _variable_elements(spec: ModelSpec, var: Variable, inputs: _Inputs) -> list[Element]:
    units, per_time = _units(var), _per_time(spec, var)
    if var.kind == "constant":
        return [Element(var.name, "aux", Num(var.initial, units), units, var.label)]  # its own constant
    p = var.params
    if var.kind == "action":
        value = Num(0)
        if inputs.tunable(p["level"]):
            value = BinOp("*", Ident(p["level"]), ramp_fraction(inputs.node(p["start"]), inputs.node(p["ramp"])))
        return [Element(var.name, "aux", value, units, var.label)]
    if var.kind == "equation":
        return [Element(var.name, "aux", _bounded(var.equation, var), units, var.label)]
    if var.kind == "stock":
        flows = {}
        for kind in ("inflow", "outflow"):
            links = [link for link in spec.inputs(var.id) if link.flow == kind]
            if links:
                total = _sum(BinOp("*", inputs.node(link.param), _cause(spec, link)) for link in links)
                flows[kind] = Element(var.names[kind], "flow", total, per_time, f"{kind} of {var.label}")
        stock = Element(var.name, "stock", _today(var), units, var.label,
                        tuple(f.name for k, f in flows.items() if k == "inflow"),
                        tuple(f.name for k, f in flows.items() if k == "outflow"))
        return [stock, *flows.values()]
    names = var.names
    total: Node = Num(1)
    for link in spec.inputs(var.id):
        source = spec.variables[link.source]
        cause = _cause(spec, link)
        if source.initial == 0:
            change = cause
        elif source.initial == 1 and not source.units:
            change = BinOp("-", cause, Num(1))
        else:  # relative to its start: dimensionless
            reference = _today(source)
            scale = reference if source.initial > 0 else Num(-source.initial, source.units, f"size_{source.name}")
            change = BinOp("/", BinOp("-", cause, reference), scale)
        total = BinOp("+" if link.sign > 0 else "-", total, BinOp("*", inputs.node(link.param), change))
    if inputs.tunable(p["push"]):
        push = ramp_fraction(inputs.node(p["push_start"]), inputs.node(p["push_ramp"]))
        total = BinOp("+", total, BinOp("*", Ident(p["push"]), push))
    if var.initial != 1 or var.units:
        total = BinOp("*", _today(var), total)
    indicated = _bounded(total, var)
    tau = Num(var.adjust_time, time_units(spec), f"adjust_time_{var.name}")
    change = BinOp("/", BinOp("-", Ident(names["indicated"]), Ident(var.name)), tau)
    return [Element(var.name, "stock", _today(var), units, var.label, (names["change"],)),
            Element(names["change"], "flow", change, per_time, f"adjustment of {var.label}"),
            Element(names["indicated"], "aux", indicated, units, f"indicated value of {var.label}")]


def _cause(spec: ModelSpec, link: Link) -> Node:
    """The cause's value as the link passes it on: itself, or its third-order smooth over the delay."""
    source = spec.variables[link.source]
    value = Ident(source.name)
    if link.delay:
        target = spec.variables[link.target]
        delay = Num(link.delay, time_units(spec), f"delay_{source.name}_to_{target.name}")
        # the start value stays a number: PySD 3.14 would hold a whole-number constant in an integer array
        return Smooth3(value, delay, Num(source.initial, _units(source)))
    return value


def _today(var: Variable) -> Node:
    """``var``'s value at the start, in its units."""
    return Num(var.initial, _units(var), f"today_{var.name}")


def _bounded(node: Node, var: Variable) -> Node:
    """``MIN(hi, MAX(lo, node))`` with ``var``'s bounds in its units, leaving out an infinite side."""
    lo, hi = var.bounds
    if math.isfinite(lo):
        node = Call("MAX", (Num(lo, _units(var), f"min_{var.name}"), node))
    if math.isfinite(hi):
        node = Call("MIN", (Num(hi, _units(var), f"max_{var.name}"), node))
    return node


def _sum(terms) -> Node:
    terms = list(terms)
    total = terms[0]
    for term in terms[1:]:
        total = BinOp("+", total, term)
    return total
