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

import math
from dataclasses import dataclass

from gmb.sd.equations import BinOp, Call, Compare, Ident, IfElse, Node, Num, Smooth3, Time
from gmb.sd.spec import Link, ModelSpec, Variable

__all__ = ["Element", "model_elements", "ramp_fraction"]


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
            elements.append(Element(name, "aux", Num(value), *inputs.describe[name]))
    return elements


class _Inputs:
    """Which scenario constants stay constants, and how each is written otherwise."""

    def __init__(self, spec: ModelSpec, tunable: set[str] | None):
        self.values, self.keep = spec.parameters(), tunable
        self.constants = {v.name for v in spec.variables.values() if v.kind == "constant"}
        self.describe = {}
        for link in spec.links:
            source, target = spec.variables[link.source].label, spec.variables[link.target].label
            self.describe[link.param] = ("dmnl", f"strength of {source} → {target}")
        for var in spec.variables.values():
            for role, name in var.params.items():
                units = "dmnl" if role in ("push", "level") else spec.time_unit
                self.describe[name] = (units, f"scenario input: {role} of {var.label}")

    def tunable(self, name: str) -> bool:
        return self.keep is None or name in self.keep

    def node(self, name: str) -> Node:
        return Ident(name) if self.tunable(name) else Num(self.values[name])


def ramp_fraction(start: Node, ramp: Node) -> Node:
    """0 before ``start``, rising linearly to 1 over ``ramp`` (a step when ``ramp`` is 0)."""
    return IfElse(Compare("<", Time(), start), Num(0),
                  IfElse(Compare(">=", Time(), BinOp("+", start, ramp)), Num(1),
                         BinOp("/", BinOp("-", Time(), start), ramp)))


def _variable_elements(spec: ModelSpec, var: Variable, inputs: _Inputs) -> list[Element]:
    units = var.units or "dmnl"
    if var.kind == "constant":
        return [Element(var.name, "aux", Num(var.initial), units, var.label)]
    p = var.params
    if var.kind == "action":
        value = Num(0)
        if inputs.tunable(p["level"]):
            value = BinOp("*", Ident(p["level"]), ramp_fraction(inputs.node(p["start"]), inputs.node(p["ramp"])))
        return [Element(var.name, "aux", value, units, var.label)]
    if var.kind == "equation":
        return [Element(var.name, "aux", _bounded(var.equation, var.bounds), units, var.label)]
    if var.kind == "stock":
        flows = {}
        for kind in ("inflow", "outflow"):
            links = [link for link in spec.inputs(var.id) if link.flow == kind]
            if links:
                total = _sum(BinOp("*", inputs.node(link.param), _cause(spec, link)) for link in links)
                flows[kind] = Element(var.names[kind], "flow", total, f"{units}/{spec.time_unit}",
                                      f"{kind} of {var.label}")
        stock = Element(var.name, "stock", Num(var.initial), units, var.label,
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
        elif source.initial == 1:
            change = BinOp("-", cause, Num(1))
        else:
            change = BinOp("/", BinOp("-", cause, Num(source.initial)), Num(abs(source.initial)))
        total = BinOp("+" if link.sign > 0 else "-", total, BinOp("*", inputs.node(link.param), change))
    if inputs.tunable(p["push"]):
        push = ramp_fraction(inputs.node(p["push_start"]), inputs.node(p["push_ramp"]))
        total = BinOp("+", total, BinOp("*", Ident(p["push"]), push))
    if var.initial != 1:
        total = BinOp("*", Num(var.initial), total)
    indicated = _bounded(total, var.bounds)
    change = BinOp("/", BinOp("-", Ident(names["indicated"]), Ident(var.name)), Num(var.adjust_time))
    return [Element(var.name, "stock", Num(var.initial), units, var.label, (names["change"],)),
            Element(names["change"], "flow", change, f"{units}/{spec.time_unit}", f"adjustment of {var.label}"),
            Element(names["indicated"], "aux", indicated, units, f"indicated value of {var.label}")]


def _cause(spec: ModelSpec, link: Link) -> Node:
    """The cause's value as the link passes it on: itself, or its third-order smooth over the delay."""
    source = spec.variables[link.source]
    value = Ident(source.name)
    if link.delay:
        return Smooth3(value, Num(link.delay), Num(source.initial))
    return value


def _bounded(node: Node, bounds: tuple[float, float]) -> Node:
    """``MIN(hi, MAX(lo, node))``, leaving out an infinite side."""
    lo, hi = bounds
    if math.isfinite(lo):
        node = Call("MAX", (Num(lo), node))
    if math.isfinite(hi):
        node = Call("MIN", (Num(hi), node))
    return node


def _sum(terms) -> Node:
    terms = list(terms)
    total = terms[0]
    for term in terms[1:]:
        total = BinOp("+", total, term)
    return total
