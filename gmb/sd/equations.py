"""Equations as small expression trees: user equations parsed (never ``eval``-ed), evaluated, and
written out in XMILE or Vensim syntax.

A user's ``equation:`` may use numbers, variables (by id or label; any name in double quotes),
``TIME``, ``DT`` (the run's time step), ``+ - * / ^``, parentheses, comparisons (``= <> < <= > >=``),
``AND``, ``OR``, ``NOT``, ``IF c THEN a ELSE b`` (or ``IF THEN ELSE(c, a, b)``), a table
``LOOKUP(x, (x1, y1), (x2, y2), …)`` and the functions of :data:`FUNCTIONS`: ``MIN``, ``MAX``,
``ABS``, ``EXP``, ``LN``, ``LOG(x, base)``, ``SQRT``, ``SIN``, ``COS``, ``TAN``, ``ARCSIN``,
``ARCCOS``, ``ARCTAN``, ``INTEGER``, ``MODULO``, ``XIDZ``, ``ZIDZ``, ``PI()``; ``STEP``, ``RAMP``,
``PULSE``, ``PULSE_TRAIN`` of time; and ``INITIAL``, ``SMOOTH``, ``SMOOTHI``, ``SMOOTH3``,
``SMOOTH3I``, ``SMOOTHN``, ``DELAY1``, ``DELAY1I``, ``DELAY3``, ``DELAY3I``, ``DELAYN`` and
``DELAY_FIXED`` with Vensim's arguments (``SMOOTHN(x, time, start, order)``). The trees are built
by :mod:`gmb.sd.equation_parser` and written by :mod:`gmb.sd.equation_text`.

Example
-------
>>> tree = parse("0.5 * MAX(sleep, 1) - -2 ^ 2", lambda name: name.lower())
>>> evaluate(tree, {"sleep": 3.0}.__getitem__)
5.5
>>> render(tree, "xmile", str.upper)
'0.5 * MAX(SLEEP, 1) - (-(2 ^ 2))'
>>> render(IfElse(Compare("<", Time(), Num(2)), Num(0), Num(1)), "vensim", str)
'IF THEN ELSE(Time < 2, 0, 1)'
>>> evaluate(parse("STEP(2, 1) + LOOKUP(x, (0, 0), (4, 8))", str), {"x": 1.0}.__getitem__, time=1.0, dt=0.5)
4.0
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from gmb.sd.builtins import FUNCTIONS, compute
from gmb.sd.equation_parser import EquationError, parse
from gmb.sd.equation_text import format_number, render
from gmb.sd.nodes import (
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

__all__ = ["EquationError", "Num", "Ref", "Ident", "Time", "Dt", "Neg", "BinOp", "Call", "Compare", "Logic",
           "IfElse", "Lookup", "Smooth3", "Node", "FUNCTIONS", "parse", "references", "uses_time", "stateful",
           "evaluate", "render", "format_number", "children"]


def references(node: Node) -> set[str]:
    """The variable ids an expression refers to."""
    if isinstance(node, Ref):
        return {node.var}
    return set().union(*(references(child) for child in children(node)))


def uses_time(node: Node) -> bool:
    """Whether an expression reads the clock (``TIME``, or a function of time such as ``STEP``)."""
    return isinstance(node, Time) or (isinstance(node, Call) and FUNCTIONS[node.func].kind == "time") \
        or any(uses_time(child) for child in children(node))


def stateful(node: Node) -> list[Call]:
    """The calls of ``state`` functions (``INITIAL``, ``SMOOTH``…, ``DELAY``…) in an expression."""
    found = [node] if isinstance(node, Call) and FUNCTIONS[node.func].kind == "state" else []
    return found + [call for child in children(node) for call in stateful(child)]


def evaluate(node: Node, value_of: Callable[[str], float], time: float = 0.0, dt: float = 1.0) -> float:
    """The value of an expression at the start of a run (``time``, steps of ``dt``, 1 unless given);
    ``value_of`` gives each variable's value. A delay or smooth has its start value."""
    try:
        with np.errstate(all="raise"):
            result = _evaluate(node, value_of, time, dt)
    except ZeroDivisionError:
        raise EquationError("divides by zero") from None
    except (OverflowError, ValueError, FloatingPointError) as exc:
        raise EquationError(f"cannot be computed ({exc})") from None
    if isinstance(result, complex) or not math.isfinite(result):
        raise EquationError("gives no finite real number")
    return float(result)


_ARITHMETIC = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
               "/": lambda a, b: a / b, "^": lambda a, b: a ** b}
_COMPARISONS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
                ">=": lambda a, b: a >= b, "=": lambda a, b: a == b, "<>": lambda a, b: a != b}


def _evaluate(node: Node, value_of, time, dt):
    def of(child):
        return _evaluate(child, value_of, time, dt)

    if isinstance(node, Num):
        return node.value
    if isinstance(node, Ref):
        return value_of(node.var)
    if isinstance(node, Ident):
        return value_of(node.name)
    if isinstance(node, Time):
        return time
    if isinstance(node, Dt):
        return dt
    if isinstance(node, Neg):
        return -of(node.arg)
    if isinstance(node, BinOp):
        return _ARITHMETIC[node.op](float(of(node.left)), float(of(node.right)))
    if isinstance(node, Compare):
        return float(_COMPARISONS[node.op](of(node.left), of(node.right)))
    if isinstance(node, Logic):
        values = [bool(of(arg)) for arg in node.args]
        return float(not values[0] if node.op == "NOT" else all(values) if node.op == "AND" else any(values))
    if isinstance(node, IfElse):
        return of(node.then if of(node.cond) else node.other)
    if isinstance(node, Lookup):
        xs, ys = zip(*node.points)
        return float(np.interp(of(node.arg), xs, ys))
    if isinstance(node, Call):
        spec = FUNCTIONS[node.func]
        if spec.kind == "state":
            return of(node.args[spec.starts])
        args = [np.float64(of(a)) for a in node.args]
        with np.errstate(all="ignore"):  # e.g. XIDZ computes the division it then drops
            return float(compute(node.func, args, time, dt))
    return of(node.initial)  # Smooth3 starts at its initial value
