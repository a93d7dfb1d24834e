"""A causal map as a stock-and-flow model spec: plain data that every engine and writer reads.

The default formulation (see ``ASSUMPTIONS.md`` of a built model) turns each ``index`` variable X
into a stock that starts at today's value X0 (1 unless ``initial:`` says otherwise) and follows its
indicated value with a first-order adjustment, ``dX/dt = (X* − X) / τ``, where

    X* = clip(X0 · (1 + Σ s·w·(P − P0)/|P0| + u(t)), lo, hi)

over its causes P (value P0 at the start; where P0 is 0, as for an action, the term is s·w·P), with
s the polarity, w the strength and u a scenario's push; the bounds lo, hi (in X's units: 0 and
3·X0 unless the map gives min/max) clip the whole X0·(…). Delayed links pass P through a
third-order smooth. ``kind: stock`` (flows marked on links), ``constant``, ``action`` and
``equation:`` override the default. Every choice is written to the spec's ledger.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo")
>>> for var in ("sleep", "mood"):
...     cmap.add_variable(var, var.title())
>>> _ = cmap.add_link("sleep", "mood", "+", strength="strong", delay=True)
>>> spec = build_spec(cmap)
>>> link = spec.links[0]
>>> link.sign, link.weight, link.delay, spec.variables["mood"].adjust_time
(1, 0.75, 6.0, 12.0)
>>> spec.default_dt()
0.5
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import networkx as nx

from gmb.errors import GmbError, MapFileError, UnknownVariableError
from gmb.maps.causalmap import CausalMap
from gmb.maps.schema import STRENGTH_NUMBERS
from gmb.maps.segments import Segmentation, expand
from gmb.maps.validate import validate
from gmb.sd.equations import EquationError, Node, evaluate, parse, references
from gmb.sd.identifiers import Namer

__all__ = ["ModelSpec", "Variable", "Link", "Assumption", "build_spec", "UNKNOWN_LINKS", "STRENGTH_NUMBERS",
           "DEFAULT_STRENGTH", "DEFAULT_ADJUST_TIME", "DEFAULT_DELAY", "DELAY_ORDER", "DEFAULT_BOUNDS", "TIME_UNIT"]

DEFAULT_STRENGTH = "medium"
"""The strength of a link that gives none (a flow link without a strength carries its cause × 1)."""
DEFAULT_ADJUST_TIME = 12.0
"""τ of an index variable that gives no ``adjust_time`` (months)."""
DEFAULT_DELAY = 6.0
"""The delay time of a link marked ``delay: true`` (months)."""
DELAY_ORDER = 3
"""Delayed links pass their cause through a third-order information delay (SMOOTH3)."""
DEFAULT_BOUNDS = (0.0, 3.0)
"""The indicated value of an index variable is clipped to these multiples of today's value."""
TIME_UNIT = "month"
"""The time unit of adjust times, delays and the model clock."""


@dataclass(frozen=True)
class Link:
    """A link in the model: ``sign`` ±1, ``weight`` w (held in the model constant ``param``)."""

    source: str
    target: str
    sign: int
    weight: float
    param: str
    delay: float | None = None
    flow: str | None = None


@dataclass
class Variable:
    """A variable and the model elements it becomes.

    ``kind`` is its role in the model: ``index`` (a stock following its indicated value),
    ``equation`` (an auxiliary given by the user's equation), ``stock`` (the user's stock and
    flows), ``constant`` or ``action``. ``initial`` is its value at the start of a baseline run,
    the reference P0 its effects are measured against. ``names`` holds the model identifiers of
    its elements (``value``, and ``indicated``/``change`` or ``inflow``/``outflow``); ``params``
    the model constants a scenario may set (``push``/``push_start``/``push_ramp`` of an index,
    ``level``/``start``/``ramp`` of an action, ``value`` of a constant). ``given`` holds the
    map's keys that shaped it (``adjust_time``, ``initial``, ``min``, ``max``, ``equation``, ``kind``).
    """

    id: str
    kind: str
    label: str
    units: str
    initial: float
    names: dict[str, str]
    params: dict[str, str] = field(default_factory=dict)
    adjust_time: float | None = None
    bounds: tuple[float, float] | None = None
    equation: Node | None = None
    given: frozenset = frozenset()

    @property
    def name(self) -> str:
        """The model identifier of the variable's value."""
        return self.names["value"]


@dataclass(frozen=True)
class Assumption:
    """One line of the ledger: ``section`` is ``default`` (gmb chose), ``given`` (the map said so)
    or ``left out`` (in the map, not in the model)."""

    section: str
    text: str


@dataclass
class ModelSpec:
    """The whole model: variables in map order, the links it uses, and the ledger of choices."""

    title: str
    variables: dict[str, Variable]
    links: list[Link]
    ledger: list[Assumption]
    strengths: dict[str, float] = field(default_factory=lambda: dict(STRENGTH_NUMBERS))
    time_unit: str = TIME_UNIT
    segmentation: Segmentation | None = None
    """How the map's segments were flattened (:mod:`gmb.maps.segments`), or None without segments."""
    flat: CausalMap | None = None
    """The map the model was built from: the flat map of a map with segments, else the map itself."""

    def copies(self, var: str) -> dict[str, str]:
        """``var``'s per-segment copies by segment (empty for a shared variable or without segments)."""
        return self.segmentation.copies.get(var, {}) if self.segmentation else {}

    def inputs(self, var: str) -> list[Link]:
        """The links into ``var``, in map order."""
        return [link for link in self.links if link.target == var]

    def parameters(self) -> dict[str, float]:
        """Every scenario-settable model constant with its baseline value."""
        values: dict[str, float] = {link.param: link.weight for link in self.links}
        for var in self.variables.values():
            for role, name in var.params.items():
                values[name] = var.initial if role == "value" else 0.0
        return values

    def time_constants(self) -> list[float]:
        """Adjust times of the index variables and the stage times (delay / order) of delayed links."""
        taus = [v.adjust_time for v in self.variables.values() if v.kind == "index"]
        return taus + [link.delay / DELAY_ORDER for link in self.links if link.delay]

    def default_dt(self) -> float:
        """The largest power-of-two fraction of a month, at most 1, that is ≤ the smallest time constant / 4."""
        limit = min(self.time_constants(), default=4.0) / 4
        dt = 1.0
        while dt > limit:
            dt /= 2
        return dt


UNKNOWN_LINKS = ("leave_out", "include")
"""What :func:`build_spec` does with a link of polarity ``?``: leave it out, or include it with weight 0."""


def build_spec(cmap: CausalMap, unknown_links: str = "leave_out") -> ModelSpec:
    """The stock-and-flow spec of a map; a map error or a bad override raises :class:`GmbError`.

    ``unknown_links="include"`` keeps the links of polarity ``?`` (other than flows) in the model
    with sign +1 and weight 0, so they change nothing until their ``w_`` constant is set (e.g. to
    ± its strength, to sample the disagreement).
    """
    if unknown_links not in UNKNOWN_LINKS:
        raise GmbError(f"unknown_links {unknown_links!r} must be one of {', '.join(UNKNOWN_LINKS)}")
    _check_map(cmap)
    flat, segmentation = expand(cmap)
    spec = _Builder(flat, include_unknown=unknown_links == "include").spec()
    spec.segmentation, spec.flat = segmentation, flat
    if segmentation:
        spec.ledger.insert(0, Assumption("given", segmentation.describe(cmap)))
    return spec


class _Builder:
    def __init__(self, cmap: CausalMap, include_unknown: bool = False):
        self.cmap = cmap
        self.include_unknown = include_unknown
        self.ledger: list[Assumption] = []
        self.namer = Namer()
        self.variables: dict[str, Variable] = {}

    def note(self, section: str, text: str) -> None:
        self.ledger.append(Assumption(section, text))

    def fail(self, message: str, var: str | None = None, link: tuple[str, str] | None = None):
        origin = self.cmap.origin
        if origin is None:
            raise GmbError(message)
        line = origin.variable_lines.get(var) if var else origin.link_lines.get(link) if link else None
        raise MapFileError(origin.path, message, line=line)

    def spec(self) -> ModelSpec:
        graph = self.cmap.graph
        self.strengths = self.cmap.strength_numbers
        self.values = {var: self.namer.make(var) for var in graph}
        defaults = [var for var in graph if self._variable(var)]
        for var in self.variables.values():
            var.given = frozenset(k for k in _SHAPING_KEYS if k in graph.nodes[var.id])
        links = [link for u, v, attrs in self.cmap.links() if (link := self._link(u, v, attrs))]
        self._equations()
        actions = [f"`{v.id}`" for v in self.variables.values() if v.kind == "action"]
        if actions:
            self.note("given", f"actions, 0 until a scenario switches them on at a level: {', '.join(actions)}")
        self._general_notes(links, defaults)
        return ModelSpec(self.cmap.title, self.variables, links, self.ledger, self.strengths)

    # -- variables ---------------------------------------------------------------------------
    def _variable(self, var: str) -> bool:
        """Adds the variable; True if it took the default adjust time."""
        attrs = self.cmap.graph.nodes[var]
        kind = attrs.get("kind", "index")
        label, units = self.cmap.label(var), str(attrs.get("units") or "")
        names = {"value": self.values[var]}
        if attrs.get("equation") is not None and kind != "index":
            self.fail(f"variable {var!r}: a {kind} cannot have an equation; remove 'equation' or make it "
                      "kind: index", var=var)
        initial = self._number(var, attrs, "initial", 0.0 if kind == "action" else 1.0)
        if kind == "action":
            params = {role: self.namer.make(f"{role}_{var}") for role in ("level", "start", "ramp")}
            self.variables[var] = Variable(var, "action", label, units, 0.0, names, params)
            return False
        if kind == "constant":
            self.variables[var] = Variable(var, "constant", label, units, initial, names, {"value": names["value"]})
            self._initial_note(var, attrs, "constant", initial)
            return False
        if kind == "stock":
            names |= {role: self.namer.make(f"{role}_{var}") for role in ("inflow", "outflow")}
            self.variables[var] = Variable(var, "stock", label, units, initial, names)
            self._initial_note(var, attrs, "stock (with the flows marked on its links)", initial)
            return False
        if attrs.get("equation") is not None:
            lo, hi = self._bounds(var, attrs, (-math.inf, math.inf))
            self.variables[var] = Variable(var, "equation", label, units, initial, names, bounds=(lo, hi))
            self.note("given", f"`{var}` follows its own equation `{attrs['equation']}` "
                      "(an auxiliary, no adjustment)")
            return False
        if initial <= 0:
            self.fail(f"variable {var!r}: initial {initial:g} must be > 0 (today's level of an index "
                      "variable); make it kind: stock to start at 0 or below", var=var)
        lo, hi = self._bounds(var, attrs, tuple(initial * b for b in DEFAULT_BOUNDS))
        names |= {role: self.namer.make(f"{role}_{var}") for role in ("indicated", "change")}
        params = {role: self.namer.make(f"{role}_{var}") for role in ("push", "push_start", "push_ramp")}
        given_tau = "adjust_time" in attrs
        tau = float(attrs["adjust_time"]) if given_tau else DEFAULT_ADJUST_TIME
        self.variables[var] = Variable(var, "index", label, units, initial, names, params, tau, (lo, hi))
        if "initial" in attrs:
            self.note("given", f"`{var}`: today's value {initial:g} (its effects are measured relative to it)")
        return not given_tau

    def _bounds(self, var: str, attrs: dict, default: tuple[float, float]) -> tuple[float, float]:
        lo, hi = self._number(var, attrs, "min", default[0]), self._number(var, attrs, "max", default[1])
        if lo >= hi:
            self.fail(f"variable {var!r}: min {lo:g} must be below max {hi:g}", var=var)
        for key in ("min", "max"):
            if key in attrs:
                self.note("given", f"`{var}`: {key} {attrs[key]:g} bounds its value (MIN/MAX)")
        return lo, hi

    def _initial_note(self, var: str, attrs: dict, what: str, initial: float) -> None:
        if "initial" in attrs:
            self.note("given", f"`{var}` is a {what}, starting at {initial:g}")
        else:
            self.note("default", f"`{var}` is a {what} without `initial:`; it starts at 1")

    def _number(self, var: str, attrs: dict, key: str, default: float) -> float:
        value = attrs.get(key, default)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            self.fail(f"variable {var!r}: {key} {value!r} must be a number", var=var)
        if math.isnan(value) or (key == "initial" and math.isinf(value)):
            self.fail(f"variable {var!r}: {key} {value!r} must be a finite number", var=var)
        return float(value)

    # -- links -------------------------------------------------------------------------------
    def _link(self, u: str, v: str, attrs: dict) -> Link | None:
        target = self.variables[v]
        polarity, flow = attrs.get("polarity"), attrs.get("flow")
        if flow is not None and (target.kind != "stock" or flow not in ("inflow", "outflow")):
            self.fail(f"link {u} → {v}: flow {flow!r} needs a kind: stock target and 'inflow' or 'outflow'",
                      link=(u, v))
        if target.kind == "stock" and flow is None:
            self.fail(f"link {u} → {v}: a link into the stock {v!r} must say how it flows; set flow=inflow "
                      f"or flow=outflow with 'gmb link set MAP {u} {v} flow=inflow'", link=(u, v))
        if flow is not None and polarity != "?" and polarity != ("+" if flow == "inflow" else "-"):
            self.fail(f"link {u} → {v}: an {flow} has polarity {'+' if flow == 'inflow' else '-'}, not "
                      f"{polarity}; fix the polarity or the flow", link=(u, v))
        if target.kind in ("action", "constant", "equation"):
            why = {"action": "scenarios set actions", "constant": "constants do not change",
                   "equation": f"`{v}` follows its own equation"}[target.kind]
            self.note("left out", f"link `{u} → {v}`: {why}")
            return None
        unknown = polarity == "?" and flow is None
        if unknown and not self.include_unknown:
            self.note("left out", f"link `{u} → {v}`: polarity not agreed (?)")
            return None
        if unknown:
            self.note("default", f"link `{u} → {v}`: polarity not agreed (?); in the model with weight 0, "
                      "no effect unless its weight is set")
        strength = attrs.get("strength")
        if unknown:
            weight = 0.0
        elif strength is None:
            weight = 1.0 if flow else self.strengths[DEFAULT_STRENGTH]
        elif strength in self.strengths:
            weight = self.strengths[strength]
        else:
            weight = float(strength)
            self.note("given", f"link `{u} → {v}`: strength {strength:g}")
        delay = attrs.get("delay")
        if delay is True:
            delay = DEFAULT_DELAY
        elif isinstance(delay, numbers.Real) and not isinstance(delay, bool) and delay > 0:
            delay = float(delay)
            self.note("given", f"link `{u} → {v}`: delay of {delay:g} {TIME_UNIT}s")
        else:
            delay = None
        sign = 1 if (flow or polarity) in ("inflow", "+") or unknown else -1
        param = self.namer.make(f"w_{u}_to_{v}")
        return Link(u, v, sign, weight, param, delay, flow)

    # -- equations ---------------------------------------------------------------------------
    def _equations(self) -> None:
        owners = [v for v in self.variables.values() if v.kind == "equation"]
        depends = nx.DiGraph()
        for var in owners:
            text = self.cmap.graph.nodes[var.id]["equation"]
            try:
                var.equation = parse(str(text), self.cmap.resolve)
            except (EquationError, UnknownVariableError) as exc:
                self.fail(f"variable {var.id!r}: equation {str(text)!r} {_reason(exc)}; fix it with "
                          f"'gmb var set MAP {var.id} equation=...'", var=var.id)
            depends.add_node(var.id)
            depends.add_edges_from((ref, var.id) for ref in references(var.equation)
                                   if self.variables[ref].kind == "equation")
        cycle = next(nx.simple_cycles(depends), None)
        if cycle:
            self.fail(f"variable {cycle[0]!r}: the equations of {' → '.join(cycle + cycle[:1])} refer to "
                      "each other with no stock between; give one of them kind: index without an equation",
                      var=cycle[0])
        for var_id in nx.topological_sort(depends):
            var = self.variables[var_id]
            try:
                value = evaluate(var.equation, lambda ref: self.variables[ref].initial)
                var.initial = min(var.bounds[1], max(var.bounds[0], value))
            except EquationError as exc:
                self.fail(f"variable {var_id!r}: equation {self.cmap.graph.nodes[var_id]['equation']!r} "
                          f"{exc} at the start; fix it", var=var_id)

    def _general_notes(self, links: list[Link], defaults: list[str]) -> None:
        named = [(u, v) for u, v, attrs in self.cmap.links()
                 if attrs.get("strength") is None and (attrs.get("polarity") != "?" or attrs.get("flow"))]
        taken = {(link.source, link.target) for link in links}
        unnamed = [f"`{u} → {v}`" for u, v in named if (u, v) in taken]
        delayed = [link for link in links if link.delay]
        numbers_text = ", ".join(f"{k} = {v:g}" for k, v in self.strengths.items())
        section = "given" if self.cmap.meta.get("strengths") is not None else "default"
        first = Assumption(section, f"strengths: {numbers_text} (the number w of each link's term)")
        confident = [f"`{u} → {v}` ({attrs['confidence']})" for u, v, attrs in self.cmap.links()
                     if attrs.get("confidence") is not None and (u, v) in taken]
        if confident:
            self.note("given", "link confidence, not used by the model (each link counts with its full strength; "
                      "`gmb leverage` and `gmb simulate --band` draw links of low confidence present or absent): " + ", ".join(confident))
        notes = [
            *([f"a link without a strength is taken as {DEFAULT_STRENGTH} (a flow link as 1 × its cause): "
               + ", ".join(unnamed)] if unnamed else []),
            *([f"adjust time {DEFAULT_ADJUST_TIME:g} {TIME_UNIT}s where a variable gives none: "
               + ", ".join(f"`{v}`" for v in defaults)] if defaults else []),
            f"bounds: the indicated value of an index variable is clipped with MIN/MAX to "
            f"[{DEFAULT_BOUNDS[0]:g}, {DEFAULT_BOUNDS[1]:g}] × today's value unless it gives min/max",
            *([f"delays: `delay: true` is a third-order information delay (SMOOTH3) of {DEFAULT_DELAY:g} "
               f"{TIME_UNIT}s; a number is its delay time ({len(delayed)} delayed links)"] if delayed else []),
            f"time unit: {TIME_UNIT}; adjust times and delays are read in {TIME_UNIT}s",
        ]
        self.ledger[:0] = [first] + [Assumption("default", text) for text in notes]


_SHAPING_KEYS = ("kind", "adjust_time", "initial", "min", "max", "equation", "units")


def _check_map(cmap: CausalMap) -> None:
    errors = validate(cmap).errors
    if errors:
        first = errors[0]
        if cmap.origin:
            raise MapFileError(cmap.origin.path, f"{first.message}; fix the map first ('gmb validate')",
                               line=first.line)
        raise GmbError(f"{first.message}; fix the map first")


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnknownVariableError):
        return f"refers to an {exc}"
    return str(exc)
