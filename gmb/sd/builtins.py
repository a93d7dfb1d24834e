"""The functions a map's equation may call: their arguments, what they compute and how the model
files write them.

Three kinds: ``math`` (a function of its arguments), ``time`` (reads the clock: ``STEP``, ``RAMP``,
``PULSE``, ``PULSE_TRAIN``) and ``state`` (keeps a state from step to step: ``INITIAL``, the
``SMOOTH`` and ``DELAY`` families). :func:`compute` is the one numpy implementation of the first
two, used by gmb's evaluator and its numpy engine; it follows PySD's own (e.g. a ``STEP`` is on
once ``TIME + DT/2`` passes its time, ``MODULO`` keeps the sign of its first argument, a ``PULSE``
starts ``1e-6`` early, as Vensim counts 1e-6 as zero). :func:`write` gives the XMILE or Vensim text.

Example
-------
>>> float(compute("STEP", [2.0, 1.0], time=1.0, dt=0.25)), float(compute("MODULO", [-7.0, 3.0], 0.0, 1.0))
(2.0, -1.0)
>>> write("SMOOTHN", ["x", "4", "0", "2"], "xmile"), write("SMOOTHN", ["x", "4", "0", "2"], "vensim")
('SMTHN(x, 4, 2, 0)', 'SMOOTH N(x, 4, 0, 2)')
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Builtin", "FUNCTIONS", "SMALL", "compute", "write", "switch_times"]

SMALL = 1e-6
"""What Vensim and PySD count as zero (in ``PULSE``, ``RAMP``, ``XIDZ``, ``MODULO``)."""


@dataclass(frozen=True)
class Builtin:
    """``least``–``most`` arguments; ``kind``; ``vensim`` and ``xmile`` text with ``{0}``, ``{1}`` …
    for the arguments (an argument that is not a name or a number comes in parentheses);
    ``starts`` is the argument a ``state`` function's value starts from."""

    least: int
    most: int
    kind: str
    vensim: str
    xmile: str
    starts: int = 0


def _f(n, vensim, xmile=None, kind="math", most=None, starts=0):
    return Builtin(n, n if most is None else most, kind, vensim, xmile or vensim, starts)


_SMALL = "1e-06"
FUNCTIONS: dict[str, Builtin] = {
    "MIN": _f(2, "MIN({0}, {1})"), "MAX": _f(2, "MAX({0}, {1})"), "ABS": _f(1, "ABS({0})"),
    "EXP": _f(1, "EXP({0})"), "LN": _f(1, "LN({0})"), "SQRT": _f(1, "SQRT({0})"),
    "SIN": _f(1, "SIN({0})"), "COS": _f(1, "COS({0})"), "TAN": _f(1, "TAN({0})"),
    "ARCSIN": _f(1, "ARCSIN({0})"), "ARCCOS": _f(1, "ARCCOS({0})"), "ARCTAN": _f(1, "ARCTAN({0})"),
    "LOG": _f(2, "LOG({0}, {1})", "(LN({0}) / LN({1}))"),
    "INTEGER": _f(1, "INTEGER({0})", "INT({0})"),
    "MODULO": _f(2, "MODULO({0}, {1})", "({0} mod {1})"),
    "XIDZ": _f(3, "XIDZ({0}, {1}, {2})", "SAFEDIV({0}, {1}, {2})"),
    "ZIDZ": _f(2, "ZIDZ({0}, {1})", "SAFEDIV({0}, {1})"),
    "PI": _f(0, repr(math.pi)),
    "STEP": _f(2, "STEP({0}, {1})", kind="time"),
    "RAMP": _f(2, "RAMP({0}, {1}, {2})", kind="time", most=3),
    "PULSE": _f(2, "PULSE({0}, {1})", f"(IF (TIME >= {{0}} - {_SMALL}) AND (TIME < {{0}} + {{1}}) THEN 1 ELSE 0)",
                kind="time"),
    "PULSE_TRAIN": _f(4, "PULSE TRAIN({0}, {1}, {2}, {3})",
                      f"(IF (TIME >= {{0}}) AND (TIME < {{3}}) AND ((TIME - {{0}} + {_SMALL}) mod {{2}} < {{1}}) "
                      "THEN 1 ELSE 0)", kind="time"),
    "INITIAL": _f(1, "INITIAL({0})", "INIT({0})", kind="state"),
    "SMOOTH": _f(2, "SMOOTH({0}, {1})", "SMTH1({0}, {1})", kind="state"),
    "SMOOTHI": _f(3, "SMOOTHI({0}, {1}, {2})", "SMTH1({0}, {1}, {2})", kind="state", starts=2),
    "SMOOTH3": _f(2, "SMOOTH3({0}, {1})", "SMTH3({0}, {1})", kind="state"),
    "SMOOTH3I": _f(3, "SMOOTH3I({0}, {1}, {2})", "SMTH3({0}, {1}, {2})", kind="state", starts=2),
    "SMOOTHN": _f(4, "SMOOTH N({0}, {1}, {2}, {3})", "SMTHN({0}, {1}, {3}, {2})", kind="state", starts=2),
    "DELAY1": _f(2, "DELAY1({0}, {1})", kind="state"),
    "DELAY1I": _f(3, "DELAY1I({0}, {1}, {2})", "DELAY1({0}, {1}, {2})", kind="state", starts=2),
    "DELAY3": _f(2, "DELAY3({0}, {1})", kind="state"),
    "DELAY3I": _f(3, "DELAY3I({0}, {1}, {2})", "DELAY3({0}, {1}, {2})", kind="state", starts=2),
    "DELAYN": _f(4, "DELAY N({0}, {1}, {2}, {3})", "DELAYN({0}, {1}, {3}, {2})", kind="state", starts=2),
    "DELAY_FIXED": _f(3, "DELAY FIXED({0}, {1}, {2})", "DELAY({0}, {1}, {2})", kind="state", starts=2),
}
"""Every function a map's equation may call, by its name there (``PULSE TRAIN`` is ``PULSE_TRAIN``)."""

def write(func: str, args: list[str], dialect: str) -> str:
    """``func`` applied to the argument texts ``args`` in ``xmile`` or ``vensim``."""
    spec = FUNCTIONS[func]
    template = spec.xmile if dialect == "xmile" else spec.vensim
    if func == "RAMP" and len(args) == 2:
        template = "RAMP({0}, {1})" if dialect == "xmile" else "RAMP({0}, {1}, 1e+308)"
    return template.format(*args)


def _modulo(x, m):
    """PySD's MODULO: ``x − m·INTEGER(x/m)`` (``x`` itself, so 0, where ``m`` is about 0)."""
    return x - np.where(m < SMALL, x, m * np.trunc(x / m))


_MATH = {
    "MIN": np.minimum, "MAX": np.maximum, "ABS": np.abs, "EXP": np.exp, "LN": np.log, "SQRT": np.sqrt,
    "SIN": np.sin, "COS": np.cos, "TAN": np.tan, "ARCSIN": np.arcsin, "ARCCOS": np.arccos, "ARCTAN": np.arctan,
    "LOG": lambda x, b: np.log(x) / np.log(b), "INTEGER": np.trunc, "MODULO": _modulo,
    "XIDZ": lambda a, b, x: np.where(np.abs(b) < SMALL, x, a / b),
    "ZIDZ": lambda a, b: np.where(np.abs(b) < SMALL, 0.0, a / b),
    "PI": lambda: math.pi,
}


def compute(func: str, args: list, time, dt: float):
    """The value of a ``math`` or ``time`` function (numbers or numpy arrays), as PySD computes it."""
    if func in _MATH:
        return _MATH[func](*args)
    if func == "STEP":
        height, start = args
        return height * (time + dt / 2 > start)
    if func == "RAMP":
        slope, start, end = (*args, math.inf)[:3]
        return (time + SMALL > start) * slope * (np.minimum(end, time) - start)
    if func == "PULSE":
        start, width = args
        return np.where((time >= start - SMALL) & (time < start + width), 1.0, 0.0)
    start, width, every, end = args  # PULSE_TRAIN, as its XMILE text computes it
    return np.where((time >= start) & (time < end) & (_modulo(time - start + SMALL, every) < width), 1.0, 0.0)


def switch_times(func: str, args: list) -> list:
    """The times at which a ``time`` function jumps or bends, from its arguments' values."""
    if func == "STEP":
        return [args[1]]
    if func == "RAMP":
        return [args[1]] + list(args[2:3])
    if func == "PULSE":
        return [args[0] - SMALL, args[0] + args[1]]
    return [args[0], args[3]]
