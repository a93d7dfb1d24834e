"""Dual numbers for the linearisation (:mod:`gmb.sd.linear`): each value carries its partial
derivatives, through every operation and function of a map's equation by the chain rule.

Where a function has no derivative at the value (``MIN`` of two equal values, ``ABS`` of 0, a
comparison at equality, ``INTEGER`` of a whole number, a lookup at a corner), the operation calls
``fail`` with the reason; :mod:`gmb.sd.linear` raises :class:`~gmb.sd.linear.NotLinearisable`.

Example
-------
>>> x = Dual(0.5, {0: 1.0})
>>> y = CALLS["SIN"](x, print)
>>> round(float(y.g[0]), 6)   # cos(0.5)
0.877583
>>> slope = lookup(Dual(2.0, {0: 1.0}), ((0, 0), (2, 4), (4, 5)), print)
a lookup at a corner of its table (a kink)
"""

from __future__ import annotations

import numpy as np

from gmb.sd.builtins import SMALL, compute, switch_times

__all__ = ["Dual", "merge", "scaled", "clip", "if_else", "lookup", "logic", "time_function", "BINARY", "CALLS"]


class Dual:
    """A value (a number or K numbers) and its partial derivatives: ``{state index or input: value}``."""

    __slots__ = ("v", "g")

    def __init__(self, v, g: dict):
        self.v, self.g = v, g



def merge(parts) -> dict:
    """Σ coefficient · derivatives, key by key."""
    out: dict = {}
    for coef, grads in parts:
        for key, value in grads.items():
            term = coef * value
            out[key] = out[key] + term if key in out else term
    return out


def scaled(a: Dual, factor) -> Dual:
    return Dual(a.v * factor, {key: value * factor for key, value in a.g.items()})


def clip(a: Dual, lo: float, hi: float) -> Dual:
    inside = (a.v >= lo) & (a.v <= hi)
    return Dual(np.minimum(hi, np.maximum(lo, a.v)), merge(((np.where(inside, 1.0, 0.0), a.g),)))


def if_else(cond: Dual, then, other, context) -> Dual:
    """``then(context)`` where ``cond`` holds, else ``other(context)`` (run by run)."""
    if np.ndim(cond.v) == 0:
        return (then if cond.v else other)(context)
    a, b = then(context), other(context)
    return Dual(np.where(cond.v, a.v, b.v),
                 {key: np.where(cond.v, a.g.get(key, 0.0), b.g.get(key, 0.0)) for key in a.g.keys() | b.g.keys()})


def _tie(a: Dual, b: Dual, fail, what: str) -> None:
    if (a.g or b.g) and np.any(a.v == b.v):
        fail(what)


def _div(a: Dual, b: Dual, fail) -> Dual:
    if np.any(b.v == 0):
        fail("it divides by zero")
    return Dual(a.v / b.v, merge(((1 / b.v, a.g), (-a.v / b.v ** 2, b.g))))


def _pow(a: Dual, b: Dual, fail) -> Dual:
    value = np.power(np.float64(a.v), b.v)
    parts = []
    if a.g:
        if np.any((a.v == 0) & (b.v < 1) & (b.v != 0)):
            fail("0 raised to a power below 1 has no slope")
        parts.append((b.v * np.power(np.float64(a.v), b.v - 1), a.g))
    if b.g:
        if np.any(a.v <= 0):
            fail("a power whose exponent varies needs a base above 0")
        parts.append((value * np.log(a.v), b.g))
    return Dual(value, merge(parts))


def _pick(smaller: bool, name: str):
    def pick(a: Dual, b: Dual, fail) -> Dual:
        _tie(a, b, fail, f"{name} of two equal values (a kink)")
        left = (a.v < b.v) == smaller
        return Dual(np.where(left, a.v, b.v) if np.ndim(left) else (a.v if left else b.v),
                     merge(((np.where(left, 1.0, 0.0), a.g), (np.where(left, 0.0, 1.0), b.g))))
    return pick


def _compare(op):
    def compare(a: Dual, b: Dual, fail) -> Dual:
        _tie(a, b, fail, "a comparison at equality (a jump)")
        return Dual(op(a.v, b.v), {})
    return compare


def _abs(a: Dual, fail) -> Dual:
    _tie(a, Dual(0.0, {}), fail, "ABS of 0 (a kink)")
    return Dual(np.abs(a.v), scaled(a, np.sign(a.v)).g)


def _ln(a: Dual, fail) -> Dual:
    if np.any(a.v <= 0):
        fail("LN of a number that is not above 0")
    return Dual(np.log(a.v), scaled(a, 1 / a.v).g)


def _sqrt(a: Dual, fail) -> Dual:
    if np.any(a.v < 0) or (a.g and np.any(a.v == 0)):
        fail("SQRT of a number below 0, or of 0 (no slope)")
    value = np.sqrt(a.v)
    return Dual(value, scaled(a, 0.5 / value).g if a.g else {})


def _exp(a: Dual, fail) -> Dual:
    value = np.exp(a.v)
    return Dual(value, scaled(a, value).g)


def _unary(value, slope, check=None, what=""):
    """A one-argument function with its slope; ``check(x)`` true where it has none (``what``)."""
    def call(a: Dual, fail) -> Dual:
        if check is not None and a.g and np.any(check(a.v)):
            fail(what)
        return Dual(value(a.v), scaled(a, slope(a.v)).g if a.g else {})
    return call


def _log(x: Dual, base: Dual, fail) -> Dual:
    if np.any(x.v <= 0) or np.any(base.v <= 0) or np.any(base.v == 1):
        fail("LOG of a number not above 0, or to a base not above 0 or of 1")
    lb = np.log(base.v)
    return Dual(np.log(x.v) / lb, merge(((1 / (x.v * lb), x.g), (-np.log(x.v) / (base.v * lb ** 2), base.g))))


def _modulo(a: Dual, m: Dual, fail) -> Dual:
    ratio = np.trunc(a.v / m.v)
    if (a.g or m.g) and np.any((a.v / m.v == ratio) & (m.v >= SMALL)):
        fail("MODULO where it wraps around (a jump)")
    on = np.where(m.v < SMALL, 0.0, 1.0)
    return Dual(compute("MODULO", [a.v, m.v], 0.0, 1.0), merge(((on, a.g), (-on * ratio, m.g))))


def _safediv(a: Dual, b: Dual, x: Dual, fail) -> Dual:
    zero = np.abs(b.v) < SMALL
    inside = np.where(zero, 0.0, 1.0)
    return Dual(compute("XIDZ", [a.v, b.v, x.v], 0.0, 1.0),
                merge(((np.where(zero, 1.0, 0.0), x.g), (inside / np.where(zero, 1.0, b.v), a.g),
                       (-inside * a.v / np.where(zero, 1.0, b.v) ** 2, b.g))))


def lookup(a: Dual, points, fail) -> Dual:
    """A table at ``a``: the slope of the segment it is on (0 beyond the ends)."""
    xs, ys = (np.array(p, dtype=float) for p in zip(*points))
    if a.g and np.any(np.isin(a.v, xs)):
        fail("a lookup at a corner of its table (a kink)")
    segment = np.clip(np.searchsorted(xs, a.v) - 1, 0, max(len(xs) - 2, 0))
    inside = (a.v > xs[0]) & (a.v < xs[-1])
    slope = np.where(inside, (ys[segment + 1] - ys[segment]) / (xs[segment + 1] - xs[segment]), 0.0) \
        if len(xs) > 1 else 0.0
    return Dual(np.interp(a.v, xs, ys), scaled(a, slope).g if a.g else {})


def logic(op: str, args: list[Dual]) -> Dual:
    """AND, OR, NOT: 1 or 0, with no slope."""
    values = [np.not_equal(a.v, 0) for a in args]
    result = np.logical_not(values[0]) if op == "NOT" else \
        np.logical_and(*values) if op == "AND" else np.logical_or(*values)
    return Dual(np.where(result, 1.0, 0.0), {})


def time_function(func: str, args: list[Dual], fail) -> Dual:
    """STEP, RAMP, PULSE, PULSE_TRAIN at time 0 (the start), unless one switches exactly there."""
    values = [a.v for a in args]
    if any(np.any(np.abs(t) < SMALL / 2) for t in switch_times(func, values)):
        fail(f"{func} switches exactly at the start (a jump or a kink in time)")
    value = compute(func, values, 0.0, 0.0)
    if func == "STEP":
        return Dual(value, scaled(args[0], np.where(values[1] < 0, 1.0, 0.0)).g)
    if func == "RAMP":
        on = np.where(values[1] < 0, 1.0, 0.0)
        end = np.minimum(values[2], 0.0) if len(values) > 2 else 0.0
        parts = [(on * (end - values[1]), args[0].g), (-on * values[0], args[1].g)]
        if len(args) > 2:
            parts.append((on * values[0] * np.where(values[2] < 0, 1.0, 0.0), args[2].g))
        return Dual(value, merge(parts))
    return Dual(value, {})


BINARY = {"+": lambda a, b, fail: Dual(a.v + b.v, merge(((1.0, a.g), (1.0, b.g)))),
           "-": lambda a, b, fail: Dual(a.v - b.v, merge(((1.0, a.g), (-1.0, b.g)))),
           "*": lambda a, b, fail: Dual(a.v * b.v, merge(((b.v, a.g), (a.v, b.g)))),
           "/": _div, "^": _pow,
           "<": _compare(np.less), "<=": _compare(np.less_equal), ">": _compare(np.greater),
          ">=": _compare(np.greater_equal), "=": _compare(np.equal), "<>": _compare(np.not_equal)}
CALLS = {"MIN": _pick(True, "MIN"), "MAX": _pick(False, "MAX"), "ABS": _abs, "EXP": _exp, "LN": _ln, "SQRT": _sqrt,
         "SIN": _unary(np.sin, np.cos), "COS": _unary(np.cos, lambda x: -np.sin(x)),
         "TAN": _unary(np.tan, lambda x: 1 / np.cos(x) ** 2),
         "ARCSIN": _unary(np.arcsin, lambda x: 1 / np.sqrt(1 - x * x), lambda x: np.abs(x) >= 1,
                          "ARCSIN of a number not between -1 and 1"),
         "ARCCOS": _unary(np.arccos, lambda x: -1 / np.sqrt(1 - x * x), lambda x: np.abs(x) >= 1,
                          "ARCCOS of a number not between -1 and 1"),
         "ARCTAN": _unary(np.arctan, lambda x: 1 / (1 + x * x)),
         "INTEGER": _unary(np.trunc, lambda x: 0.0, lambda x: x == np.trunc(x), "INTEGER of a whole number (a jump)"),
         "LOG": _log, "MODULO": _modulo, "XIDZ": _safediv,
         "ZIDZ": lambda a, b, fail: _safediv(a, b, Dual(0.0, {}), fail),
         "PI": lambda fail: Dual(np.pi, {})}
