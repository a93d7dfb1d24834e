"""The model's linearisation at its start state: ``dz/dt ≈ A·δz + B·δu`` and ``δy = C·δz + D·δu``, exact.

The states ``z`` are those the engines integrate: each index variable and ``kind: stock`` (its
value), and the three stages of each third-order delay (one SMOOTH3 per cause and delay time, as
the numpy engine keeps them). The element trees the model files are written from
(:func:`gmb.sd.formulas.model_elements`) are evaluated once with forward-mode dual numbers: every
value carries its partial derivatives, through the auxiliaries (indicated values, flows,
``equation:`` variables, actions) by the chain rule. So A is the model's Jacobian as gmb runs it,
not an approximation of it. The bounds of an index variable (or an ``equation:`` variable's
``min``/``max``) are taken as not reached ("below the bounds": at a bound the inside counts). An
equation that has no derivative at the start (``MIN``/``MAX`` of two equal values, ``ABS`` or
``SQRT`` of 0, a comparison at equality, a lookup at a corner, ``INTEGER`` of a whole number, a
``STEP``/``RAMP``/``PULSE`` that switches exactly at time 0), an equation that reads ``DT``, or a
delay or smooth inside an equation (a state of its own) raises :class:`NotLinearisable`, naming the
variable and why. ``INITIAL(x)`` is x's start value, which the states' changes do not move
(:mod:`gmb.sd.duals` holds the arithmetic).

The inputs ``u`` are model constants (:meth:`ModelSpec.parameters`: a push, an action's level, a
constant, a link's weight), an extra inflow into a stock, ``("inflow", id)``, or an amount added
to an ``equation:`` variable's value, ``("shift", id)``; the outputs ``y`` are variables' values.
Settings and adjust times may be arrays of K numbers (Monte Carlo samples): the matrices are then
stacks, (K, n, n) and so on, from one pass whose cost hardly depends on K. Compile once with
:class:`LinearModel` to linearise many settings; the pass is most of the cost of :func:`linearise`.

Example
-------
>>> import numpy as np
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.spec import build_spec
>>> cmap = CausalMap.new("demo")
>>> cmap.add_variable("a", "A", adjust_time=4)
>>> cmap.add_variable("b", "B", adjust_time=2, initial=10)
>>> _ = cmap.add_link("a", "b", "+", strength=0.5, delay=3)
>>> _ = cmap.add_link("b", "a", "-", strength=1.0)
>>> lin = linearise(build_spec(cmap))
>>> lin.states
['a', 'b', 'a (delay 3, stage 1)', 'a (delay 3, stage 2)', 'a (delay 3, stage 3)']
>>> lin.A[:2].round(4).tolist()     # b's row: X0_b·w/X0_a/τ_b = 10·0.5/2 from the delay's last stage
[[-0.25, -0.025, 0.0, 0.0, 0.0], [0.0, -0.5, 0.0, 0.0, 2.5]]
>>> LinearModel(build_spec(cmap)).at({"w_b_to_a": np.array([1.0, 2.0])}).A[:, 0, 1].tolist()
[-0.025, -0.05]
"""

from __future__ import annotations

import graphlib
import math
from dataclasses import dataclass
from typing import Callable, Hashable, Mapping, Sequence

import numpy as np

from gmb.errors import GmbError
from gmb.sd.builtins import FUNCTIONS
from gmb.sd.duals import BINARY, CALLS, Dual, clip, if_else, logic, lookup, merge, scaled, time_function
from gmb.sd.equations import (
    BinOp,
    Call,
    Compare,
    Dt,
    Ident,
    IfElse,
    Logic,
    Lookup,
    Neg,
    Node,
    Num,
    Ref,
    Smooth3,
    Time,
    children,
)
from gmb.sd.forms import match_adjustment
from gmb.sd.formulas import model_elements
from gmb.sd.spec import DELAY_ORDER, ModelSpec

__all__ = ["Linearisation", "LinearModel", "NotLinearisable", "linearise"]


class NotLinearisable(GmbError):
    """The model has no derivative at its start state; the message names the variable."""


@dataclass
class Linearisation:
    """``dz/dt ≈ A·δz + B·δu``, ``δy = C·δz + D·δu`` around the start state (stacks over samples if
    the settings were arrays). ``initial`` holds each state's value at the start."""

    states: list[str]
    initial: np.ndarray
    A: np.ndarray
    inputs: list[Hashable]
    B: np.ndarray
    outputs: list[str]
    C: np.ndarray
    D: np.ndarray


Value = Callable[["_Context"], Dual]


class _Context:
    def __init__(self, values: dict, stages: list):
        self.values, self.stages = values, stages


class LinearModel:
    """A spec compiled for linearisation: the structure once, numbers per call of :meth:`at`."""

    def __init__(self, spec: ModelSpec):
        self.spec = spec
        self.parameters = spec.parameters()
        elements = {e.name: e for e in model_elements(spec)}
        self._owner = {name: var.id for var in spec.variables.values() for name in var.names.values()}
        self._smooths: dict[Smooth3, int] = {}
        self._stock_vars = [v for v in spec.variables.values() if v.kind in ("index", "stock")]
        self._taus = {v.id: v.adjust_time for v in self._stock_vars if v.kind == "index"}
        self._code: dict[str, Value] = {}
        for name, element in elements.items():
            if element.kind != "stock" and name not in self.parameters:
                self._code[name] = self._compile(self._tree(element.name, element.equation), self._owner[name])
        self._order = list(graphlib.TopologicalSorter(
            {name: {ref for ref in _names(elements[name].equation, spec) if ref in self._code}
             for name in self._code}).static_order())
        self._flows = [(elements[v.name].inflows, elements[v.name].outflows) for v in self._stock_vars]
        self._initial = [_number(elements[v.name].equation, v.id, "its start") for v in self._stock_vars]
        self._sources = [self._owner[_names(node.arg, spec).pop()] for node in self._smooths]
        self._stage_code = [self._compile(node.arg, source) for node, source in zip(self._smooths, self._sources)]
        self.states = [v.id for v in self._stock_vars] + [
            f"{source} (delay {node.time.value:g}, stage {k + 1})"
            for node, source in zip(self._smooths, self._sources) for k in range(DELAY_ORDER)]

    # -- compiling -------------------------------------------------------------------------
    def _tree(self, name: str, node: Node) -> Node:
        """An index variable's adjustment reads its τ as an input; an indicated value or an equation's
        value is marked as bounded (see :func:`_compile`)."""
        var = self.spec.variables[self._owner[name]]
        adjustment = match_adjustment(node, var.name) if var.kind == "index" else None
        if adjustment and name == var.names["change"]:
            return BinOp("/", node.left, Ident(_tau(var.id)))
        if var.bounds and (name == var.names.get("indicated") or (var.kind == "equation" and name == var.name)):
            return _Bounded(_unbound(node, var.bounds), *var.bounds)
        return node

    def _compile(self, node: Node, var: str) -> Value:
        fail = _failer(var)
        if isinstance(node, Num):
            value = float(node.value)
            return lambda c: Dual(value, {})
        if isinstance(node, Time):
            return lambda c: Dual(0.0, {})
        if isinstance(node, (Ref, Ident)):
            name = self.spec.variables[node.var].name if isinstance(node, Ref) else node.name
            return lambda c: c.values[name]
        if isinstance(node, Smooth3):
            if not (isinstance(node.time, Num) and node.time.value > 0 and isinstance(node.initial, Num)
                    and isinstance(node.arg, (Ident, Ref))):
                fail("a delay whose time or start is not a number")
            index = self._smooths.setdefault(node, len(self._smooths))
            return lambda c: c.stages[index]
        if isinstance(node, _Bounded):
            inner, lo, hi = self._compile(node.arg, var), node.lo, node.hi
            return lambda c: clip(inner(c), lo, hi)
        if isinstance(node, Neg):
            arg = self._compile(node.arg, var)
            return lambda c: scaled(arg(c), -1.0)
        if isinstance(node, (BinOp, Compare)):
            op, left, right = BINARY[node.op], self._compile(node.left, var), self._compile(node.right, var)
            return lambda c: op(left(c), right(c), fail)
        if isinstance(node, Dt):
            fail("it reads DT, the run's time step, which a linearisation in continuous time does not have")
        if isinstance(node, Logic):
            op, args = node.op, [self._compile(a, var) for a in node.args]
            return lambda c: logic(op, [a(c) for a in args])
        if isinstance(node, Lookup):
            arg, points = self._compile(node.arg, var), node.points
            return lambda c: lookup(arg(c), points, fail)
        if isinstance(node, Call) and node.func in CALLS:
            func, args = CALLS[node.func], [self._compile(a, var) for a in node.args]
            return lambda c: func(*(a(c) for a in args), fail)
        if isinstance(node, Call) and FUNCTIONS[node.func].kind == "time":
            func, args = node.func, [self._compile(a, var) for a in node.args]
            return lambda c: time_function(func, [a(c) for a in args], fail)
        if isinstance(node, Call) and node.func == "INITIAL":
            arg = self._compile(node.args[0], var)
            return lambda c: _frozen(arg(c))
        if isinstance(node, Call):
            fail(f"{node.func} in an equation keeps a state of its own, which the linearisation does not model; "
                 "give the delay a stock of the map instead")
        if isinstance(node, IfElse):
            cond, then, other = (self._compile(n, var) for n in (node.cond, node.then, node.other))
            return lambda c: if_else(cond(c), then, other, c)
        fail(f"{type(node).__name__.upper()} in its equation is not supported")

    # -- evaluating ------------------------------------------------------------------------
    def at(self, settings: Mapping[str, float | np.ndarray] | None = None,
           adjust_times: Mapping[str, float | np.ndarray] | None = None,
           inputs: Sequence[Hashable] = (), outputs: Sequence[str] = ()) -> Linearisation:
        """The linearisation with ``settings`` (model constants) and ``adjust_times`` (index variable
        → τ), each a number or K numbers, for the ``inputs`` and ``outputs`` asked for."""
        initial, grads, outs, shape = self._pass(settings, adjust_times, inputs, outputs)
        states, keys = dict(zip(range(len(initial)), range(len(initial)))), {key: j for j, key in enumerate(inputs)}
        return Linearisation(self.states, np.array(initial), _matrix(grads, states, shape), list(inputs),
                             _matrix(grads, keys, shape), list(outputs), _matrix(outs, states, shape),
                             _matrix(outs, keys, shape))

    def entries(self, settings: Mapping[str, float | np.ndarray] | None = None,
                adjust_times: Mapping[str, float | np.ndarray] | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A's entries the model's structure holds: their ``rows``, ``columns`` and ``values`` (entries,
        or K × entries), for a caller that needs parts of A, not a dense K × n × n stack.

        >>> from gmb.maps.causalmap import CausalMap
        >>> from gmb.sd.spec import build_spec
        >>> cmap = CausalMap.new("demo")
        >>> cmap.add_variable("a", "A", adjust_time=4)
        >>> cmap.add_variable("b", "B", adjust_time=2)
        >>> _ = cmap.add_link("a", "b", "+", strength=0.5)
        >>> rows, columns, values = LinearModel(build_spec(cmap)).entries()
        >>> sorted(zip(rows.tolist(), columns.tolist(), values.tolist()))
        [(0, 0, -0.25), (1, 0, 0.25), (1, 1, -0.5)]
        """
        _, grads, _, shape = self._pass(settings, adjust_times, (), ())
        found = [(r, key, value) for r, g in enumerate(grads) for key, value in g.items()
                 if isinstance(key, (int, np.integer))]
        rows, columns, values = zip(*found) if found else ((), (), ())
        stacked = np.stack([np.broadcast_to(v, shape) for v in values], axis=-1) if found else np.zeros((*shape, 0))
        return np.array(rows, dtype=np.intp), np.array(columns, dtype=np.intp), stacked

    def _pass(self, settings, adjust_times, inputs: Sequence[Hashable], outputs: Sequence[str]):
        """The dual-number pass: the start states, each state's rate and each output's value as
        gradients (dicts: state index or input key → number or K numbers), and the stack shape."""
        settings, adjust_times = dict(settings or {}), dict(adjust_times or {})
        _check_names(settings, self.parameters, "model constant", "settings are names of ModelSpec.parameters()")
        _check_names(adjust_times, self._taus, "index variable", "adjust_times are index variables' ids")
        wanted = set(inputs)
        for key in inputs:
            if not (key in self.parameters or self._pseudo(key)):
                raise GmbError(f"unknown input {key!r}: give a model constant, ('inflow', stock) or ('shift', "
                               "equation variable)")
        unknown = [var for var in outputs if var not in self.spec.variables]
        if unknown:
            raise GmbError(f"unknown output {unknown[0]!r}; give variable ids of the model")
        shape = _shape([*settings.values(), *adjust_times.values()])
        values = {name: Dual(_array(settings.get(name, value)), {name: 1.0} if name in wanted else {})
                  for name, value in self.parameters.items()}
        values |= {_tau(var): Dual(_array(adjust_times.get(var, tau)), {}) for var, tau in self._taus.items()}
        n_vars = len(self._stock_vars)
        initial = self._initial + [node.initial.value for node in self._smooths for _ in range(DELAY_ORDER)]
        for row, var in enumerate(self._stock_vars):
            values[var.name] = Dual(initial[row], {row: 1.0})
        stages = [Dual(node.initial.value, {n_vars + DELAY_ORDER * i + DELAY_ORDER - 1: 1.0})
                  for i, node in enumerate(self._smooths)]
        context = _Context(values, stages)
        with np.errstate(all="ignore"):
            for name in self._order:
                values[name] = _checked(self._code[name](context), self._owner[name])
                var = self.spec.variables[self._owner[name]]
                if var.kind == "equation" and ("shift", var.id) in wanted:
                    values[name].g = merge(((1.0, values[name].g), (1.0, {("shift", var.id): 1.0})))
            rates = [self._rate(row, var, values, wanted) for row, var in enumerate(self._stock_vars)]
            for i, (node, code) in enumerate(zip(self._smooths, self._stage_code)):
                rate, first = DELAY_ORDER / node.time.value, n_vars + DELAY_ORDER * i
                cause = _checked(code(context), self._sources[i])
                for k in range(DELAY_ORDER):
                    before = cause.g if k == 0 else {first + k - 1: 1.0}
                    rates.append(Dual(0.0, merge(((rate, before), (-rate, {first + k: 1.0})))))
        return initial, [rate.g for rate in rates], [values[self.spec.variables[var].name].g for var in outputs], shape

    def _rate(self, row: int, var, values: dict, wanted: set) -> Dual:
        inflows, outflows = self._flows[row]
        parts = [(1.0, values[name].g) for name in inflows] + [(-1.0, values[name].g) for name in outflows]
        if ("inflow", var.id) in wanted:
            parts.append((1.0, {("inflow", var.id): 1.0}))
        return Dual(0.0, merge(parts))

    def _pseudo(self, key) -> bool:
        kinds = {"inflow": "stock", "shift": "equation"}
        return (isinstance(key, tuple) and len(key) == 2 and key[0] in kinds and key[1] in self.spec.variables
                and self.spec.variables[key[1]].kind == kinds[key[0]])


def linearise(spec: ModelSpec, settings: Mapping[str, float | np.ndarray] | None = None,
              adjust_times: Mapping[str, float | np.ndarray] | None = None,
              inputs: Sequence[Hashable] = (), outputs: Sequence[str] = ()) -> Linearisation:
    """The model's linearisation at its start state (see the module notes); compiles, then :meth:`LinearModel.at`."""
    return LinearModel(spec).at(settings, adjust_times, inputs, outputs)


# -- trees ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Bounded:
    """``MIN(hi, MAX(lo, arg))`` that gmb wrote for a variable's bounds: linearised below them."""

    arg: Node
    lo: float
    hi: float


def _unbound(node: Node, bounds: tuple[float, float]) -> Node:
    """The tree inside the MIN/MAX that :func:`gmb.sd.formulas._bounded` wrapped around it."""
    lo, hi = bounds
    if math.isfinite(hi) and isinstance(node, Call) and node.func == "MIN" and node.args[0] == Num(hi):
        node = node.args[1]
    if math.isfinite(lo) and isinstance(node, Call) and node.func == "MAX" and node.args[0] == Num(lo):
        node = node.args[1]
    return node


def _names(node, spec: ModelSpec) -> set[str]:
    """The model names an element reads at the same instant (a delay's input is read by its stages)."""
    if isinstance(node, Ident):
        return {node.name}
    if isinstance(node, Ref):
        return {spec.variables[node.var].name}
    if isinstance(node, Smooth3):
        return set()
    if isinstance(node, _Bounded):
        return _names(node.arg, spec)
    return set().union(*(_names(part, spec) for part in children(node)))


def _frozen(value: Dual) -> Dual:
    """INITIAL(x): x's start value, which later changes of the states do not move (the inputs still do)."""
    return Dual(value.v, {key: g for key, g in value.g.items() if not isinstance(key, int)})


def _tau(var: str) -> str:
    return f"adjust time of {var}"


def _number(node: Node, var: str, what: str) -> float:
    if not isinstance(node, Num):
        raise NotLinearisable(f"gmb cannot linearise variable {var!r}: {what} is not a number")
    return float(node.value)


def _failer(var: str) -> Callable[[str], None]:
    def fail(what: str):
        raise NotLinearisable(f"gmb cannot linearise variable {var!r} at the start state: {what}; change its "
                              "equation or the values it starts from so that it has a slope there")
    return fail


def _checked(value: Dual, var: str) -> Dual:
    if not (np.all(np.isfinite(value.v)) and all(np.all(np.isfinite(g)) for g in value.g.values())):
        _failer(var)("its value or slope is not a finite number")
    return value


# -- settings and matrices -----------------------------------------------------------------

def _check_names(given: Mapping, known: Mapping, what: str, hint: str) -> None:
    unknown = [name for name in given if name not in known]
    if unknown:
        raise GmbError(f"unknown {what} {unknown[0]!r}; {hint}")


def _shape(values) -> tuple:
    dims = {np.ndim(v) for v in values}
    lengths = {len(v) for v in values if np.ndim(v) == 1}
    if dims - {0, 1} or len(lengths) > 1:
        raise GmbError(f"settings must be numbers or 1-D arrays of one length, not lengths {sorted(lengths)}")
    return (lengths.pop(),) if lengths else ()


def _array(value):
    return np.asarray(value, dtype=float) if np.ndim(value) else float(value)


def _matrix(rows: list[dict], columns: dict, shape: tuple) -> np.ndarray:
    out = np.zeros((*shape, len(rows), len(columns)))
    for r, grads in enumerate(rows):
        for key, value in grads.items():
            j = columns.get(key)
            if j is not None:
                out[..., r, j] = value
    return out
