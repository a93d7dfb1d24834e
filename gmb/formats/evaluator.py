"""Evaluating equation trees (:mod:`gmb.formats.expressions`) safely, with Vensim's and XMILE's functions.

Besides arithmetic, comparisons and ``IF THEN ELSE``: ``MIN``/``MAX`` (any number of arguments),
``ABS``, ``EXP``, ``LN``, ``LOG`` (with a base), ``LOG10``, ``SQRT``, ``INTEGER``, ``INT``,
``MODULO``, ``POWER``, ``QUANTUM``, ``SIGN``, trigonometry, ``XIDZ``, ``ZIDZ``, ``SAFEDIV``; of the
time (:class:`Clock`) ``STEP``, ``RAMP``, ``PULSE``, ``PULSE TRAIN``; lookups (tables of points,
interpolated); and the functions with a memory (:data:`STATEFUL`: SMOOTH…, DELAY…, INITIAL,
SAMPLE IF TRUE), read as their state in a run or as their input (at equilibrium) otherwise.
Any other function cannot be evaluated (:class:`ExpressionError`).

:func:`local_signs` nudges each input of an equation up and down and reports how the result moves.

Example
-------
>>> from gmb.formats.expressions import parse
>>> tree = parse("(Teacup Temperature - Room Temperature) / Characteristic Time", "vensim")
>>> values = {"teacup temperature": 180, "room temperature": 70, "characteristic time": 10}
>>> evaluate(tree, values.__getitem__)
11.0
>>> infer_polarities(tree, values)
{'teacup temperature': '+', 'room temperature': '-', 'characteristic time': '-'}
>>> evaluate(parse("XIDZ(1, 0, 5) + STEP(10, 2)"), {}.__getitem__, clock=Clock(time=3))
15.0
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Callable

from gmb.formats.expressions import DELAY_FUNCTIONS, ExpressionError, references

__all__ = ["evaluate", "interpolate", "local_signs", "infer_polarities", "Clock", "STATEFUL", "PURE_FUNCTIONS",
           "KNOWN_FUNCTIONS"]


def interpolate(table: list[tuple[float, float]], x: float) -> float:
    """A lookup table's value at ``x``: linear between points, flat beyond the ends.

    >>> interpolate([(0, 0), (10, 1)], 2.5), interpolate([(0, 0), (10, 1)], 20)
    (0.25, 1.0)
    """
    xs = [p[0] for p in table]
    i = bisect.bisect_right(xs, x)
    if i == 0:
        return float(table[0][1])
    if i >= len(table):
        return float(table[-1][1])
    (x0, y0), (x1, y1) = table[i - 1], table[i]
    return float(y0) if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)


STATEFUL = DELAY_FUNCTIONS | {"initial", "init", "active initial", "sample if true"}
"""Functions with a memory: in a run each call keeps its own state (:class:`Clock`); when a cause is
perturbed they are read at equilibrium, as their input (``INITIAL``, ``SAMPLE IF TRUE``: the value
they would take)."""


@dataclass
class Clock:
    """The time of an evaluation, and the states of the calls of :data:`STATEFUL` functions
    (``id`` of the call node → value) when they are read as states rather than as their input."""

    time: float = 0.0
    dt: float = 1.0
    states: dict[int, float] | None = None


def _step(clock, height, start):
    return height if clock.time + clock.dt / 2 > start else 0.0


def _ramp(clock, slope, start, end=math.inf):
    return slope * (min(clock.time, end) - start) if clock.time > start else 0.0


def _pulse(clock, start, width=0.0):
    width = width or clock.dt
    return 1.0 if start <= clock.time + clock.dt / 2 < start + width else 0.0


def _pulse_train(clock, start, width, interval, end):
    if clock.time + clock.dt / 2 < start or clock.time > end or interval <= 0:
        return 0.0
    return _pulse(clock, start + interval * math.floor((clock.time + clock.dt / 2 - start) / interval), width)


_TIMED = {"step": _step, "ramp": _ramp, "pulse": _pulse, "pulse train": _pulse_train}
"""Functions of the time: (clock, arguments) → value."""
_FUNCTIONS: dict[str, Callable[..., float]] = {
    "abs": abs, "exp": math.exp, "ln": math.log, "sqrt": math.sqrt, "log10": math.log10,
    "log": lambda x, base=10.0: math.log(x) / math.log(base),
    "min": min, "max": max, "integer": lambda x: float(math.trunc(x)), "int": lambda x: float(math.floor(x)),
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "arcsin": math.asin, "arccos": math.acos,
    "arctan": math.atan, "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh,
    "modulo": math.fmod, "power": math.pow, "sign": lambda x: float((x > 0) - (x < 0)),
    "quantum": lambda x, q: x if q <= 0 else q * math.trunc(x / q),
    "xidz": lambda a, b, x: x if abs(b) < 1e-300 else a / b,
    "zidz": lambda a, b: 0.0 if abs(b) < 1e-300 else a / b,
    "safediv": lambda a, b, x=0.0: x if b == 0 else a / b,
}
_ARITY = {"log": (1, 2), "min": (1, 99), "max": (1, 99), "modulo": (2, 2), "power": (2, 2), "quantum": (2, 2),
          "xidz": (3, 3), "zidz": (2, 2), "safediv": (2, 3), "step": (2, 2), "ramp": (2, 3), "pulse": (1, 2),
          "pulse train": (4, 4)}
"""How many arguments a function takes (min, max), where it is not one."""
PURE_FUNCTIONS = frozenset(_FUNCTIONS)
"""Functions of their arguments alone (not of the time, with no state)."""
KNOWN_FUNCTIONS = frozenset(_FUNCTIONS) | frozenset(_TIMED) | STATEFUL | {"if then else"}
"""Every function :func:`evaluate` knows (besides lookups)."""


def evaluate(node, value_of: Callable[[str], float], lookups=None, clock: Clock | None = None) -> float:
    """The value of an equation, names read with ``value_of``; :class:`ExpressionError` if it has none.

    ``clock`` gives the time for STEP, RAMP, PULSE… (default: time 0, dt 1) and, with ``states``,
    the states of SMOOTH, DELAY, INITIAL… calls; without states they are read as their input.
    """
    lookups = lookups or {}
    try:
        result = _eval(node, value_of, lookups, clock or Clock())
    except (ArithmeticError, ValueError, TypeError, KeyError) as exc:
        raise ExpressionError(f"cannot be evaluated ({exc.__class__.__name__})") from None
    if not math.isfinite(result):
        raise ExpressionError("has no finite value")
    return result


def _eval(node, value_of, lookups, clock) -> float:
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "ref":
        return float(value_of(node[1]))
    if kind == "neg":
        return -_eval(node[1], value_of, lookups, clock)
    if kind == "sum":
        total = 0.0
        for op, part in node[1]:
            value = _eval(part, value_of, lookups, clock)
            total = total + value if op == "+" else total - value
        return total
    if kind == "prod":
        result = 1.0
        for op, part in node[1]:
            value = _eval(part, value_of, lookups, clock)
            result = result * value if op == "*" else result / value if op == "/" else math.fmod(result, value)
        return result
    if kind == "pow":
        return math.pow(_eval(node[1], value_of, lookups, clock), _eval(node[2], value_of, lookups, clock))
    if kind == "cmp":
        a, b = _eval(node[2], value_of, lookups, clock), _eval(node[3], value_of, lookups, clock)
        return float({"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[node[1]])
    if kind == "and":
        return float(all(_eval(part, value_of, lookups, clock) for part in node[1]))
    if kind == "or":
        return float(any(_eval(part, value_of, lookups, clock) for part in node[1]))
    if kind == "not":
        return float(not _eval(node[1], value_of, lookups, clock))
    if kind == "if":
        branch = node[2] if _eval(node[1], value_of, lookups, clock) else node[3]
        return _eval(branch, value_of, lookups, clock)
    return _call(node, value_of, lookups, clock)


def _call(node, value_of, lookups, clock) -> float:
    name, args = node[1], node[2]
    if name == "if then else" and len(args) == 3:
        branch = args[1] if _eval(args[0], value_of, lookups, clock) else args[2]
        return _eval(branch, value_of, lookups, clock)
    if name in lookups and len(args) == 1:
        return interpolate(lookups[name], _eval(args[0], value_of, lookups, clock))
    if name in STATEFUL and args:
        if clock.states is not None and id(node) in clock.states:
            return clock.states[id(node)]
        index = 1 if name == "sample if true" and len(args) > 1 else 0
        return _eval(args[index], value_of, lookups, clock)
    low, high = _ARITY.get(name, (1, 1))
    function = _TIMED.get(name) or _FUNCTIONS.get(name)
    if function is None or not low <= len(args) <= high:
        raise ExpressionError(f"function {name.upper()} with {len(args)} argument(s) is not supported")
    values = [_eval(arg, value_of, lookups, clock) for arg in args]
    return float(function(clock, *values) if name in _TIMED else function(*values))


def local_signs(node, values: dict[str, float], lookups=None, clock: Clock | None = None) -> dict[str, int | None]:
    """For each name the equation reads: how the result moves when the name is nudged up and down
    around ``values`` (+1 with it, -1 against it, 0 not at all or both ways at a kink, None: cannot
    be evaluated). Stateful calls (SMOOTH, DELAY…) are read as their input, their equilibrium."""
    names = list(references(node))
    clock = Clock(clock.time, clock.dt) if clock else Clock()
    try:
        base = evaluate(node, values.__getitem__, lookups, clock)
    except ExpressionError:
        return {name: None for name in names}
    result: dict[str, int | None] = {}
    for name in names:
        x = values.get(name)
        if x is None:
            result[name] = None
            continue
        step = 1e-6 * max(1.0, abs(x))
        signs = []
        for moved in (x + step, x - step):
            try:
                value = evaluate(node, lambda n, m=moved: m if n == name else values[n], lookups, clock)
            except ExpressionError:
                signs.append(None)
                continue
            change = (value - base) * (1 if moved > x else -1)
            signs.append(0 if abs(change) <= 1e-12 * max(1.0, abs(base)) else (1 if change > 0 else -1))
        if None in signs:
            result[name] = None
        elif signs[0] == signs[1] or 0 in signs:
            result[name] = signs[0] or signs[1]
        else:
            result[name] = 0  # a kink: up and down move it the same way
    return result


def infer_polarities(node, values: dict[str, float], lookups=None) -> dict[str, str]:
    """For each name the equation reads: ``+``, ``-`` or ``?``, by nudging it around ``values``."""
    return {name: {1: "+", -1: "-"}.get(sign, "?") for name, sign in local_signs(node, values, lookups).items()}
