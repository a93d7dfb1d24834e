"""``equation:`` trees compiled for the numpy engine (:mod:`gmb.sd.batch`): each a function of the
frame (the engine's rows, the scenario constants, the clock) that returns one value per run.

Functions compute as :func:`gmb.sd.builtins.compute` (PySD's definitions); ``INITIAL`` keeps its
argument's value at the first step. Delays and smooths inside an equation keep states this
compiler does not hold: they raise :class:`Unsupported`, and the model runs in PySD.

Example
-------
>>> import numpy as np
>>> from gmb.sd.equations import parse
>>> code = compile_equation(parse("IF x > 1 THEN STEP(2, 1) ELSE INITIAL(x)", str), {"x": 0}, {}, str)
>>> frame = Frame(np.array([[0.5, 3.0]]), {}, dt=0.5)
>>> frame.time = 1.0
>>> code(frame).tolist()
[0.5, 2.0]
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from gmb.sd.builtins import FUNCTIONS, compute
from gmb.sd.nodes import BinOp, Call, Compare, Dt, Ident, IfElse, Logic, Lookup, Neg, Node, Num, Ref, Time

__all__ = ["Frame", "Unsupported", "compile_equation"]


class Unsupported(Exception):
    """What the numpy engine cannot compute (the message says what)."""


class Frame:
    """What an equation reads: the rows ``z``, the parameters, the time and the time step; ``kept``
    holds values frozen at the first step (``INITIAL``)."""

    def __init__(self, z: np.ndarray, parameters: dict, dt: float = 1.0):
        self.z, self.parameters, self.time, self.dt, self.kept = z, parameters, 0.0, dt, {}


Code = Callable[[Frame], np.ndarray]

_OPERATORS = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "^": np.power,
              "<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal, "=": np.equal,
              "<>": np.not_equal, "AND": np.logical_and, "OR": np.logical_or, "NOT": np.logical_not}


def compile_equation(node: Node, rows: dict[str, int], parameters: dict, name_of: Callable[[str], str]) -> Code:
    """``node`` as a function of the frame; ``rows`` maps model names to rows of ``z``, ``parameters``
    holds the scenario constants, ``name_of`` names a variable id. Raises :class:`Unsupported`."""
    def build(node: Node) -> Code:
        if isinstance(node, Num):
            value = node.value
            return lambda f: value
        if isinstance(node, Time):
            return lambda f: f.time
        if isinstance(node, Dt):
            return lambda f: f.dt
        if isinstance(node, (Ref, Ident)):
            name = name_of(node.var) if isinstance(node, Ref) else node.name
            if name in rows:
                row = rows[name]
                return lambda f: f.z[row]
            if name in parameters:
                return lambda f: f.parameters[name]
            raise Unsupported(f"its equation refers to {name}, not a variable or constant")
        if isinstance(node, Neg):
            arg = build(node.arg)
            return lambda f: np.negative(arg(f))
        if isinstance(node, (BinOp, Compare)):
            op, left, right = _OPERATORS[node.op], build(node.left), build(node.right)
            return lambda f: op(left(f), right(f))
        if isinstance(node, Logic):
            op, args = _OPERATORS[node.op], [build(a) for a in node.args]
            return lambda f: op(*(np.not_equal(a(f), 0) for a in args)).astype(float)
        if isinstance(node, IfElse):
            cond, then, other = (build(n) for n in (node.cond, node.then, node.other))
            return lambda f: np.where(cond(f), then(f), other(f))
        if isinstance(node, Lookup):
            arg, (xs, ys) = build(node.arg), (np.array(p, dtype=float) for p in zip(*node.points))
            return lambda f: np.interp(arg(f), xs, ys)
        if isinstance(node, Call) and node.func == "INITIAL":
            return _initial(build(node.args[0]), node)
        if isinstance(node, Call) and FUNCTIONS[node.func].kind != "state":
            func, args = node.func, [build(a) for a in node.args]
            return lambda f: compute(func, [a(f) for a in args], f.time, f.dt)
        raise Unsupported(f"{getattr(node, 'func', type(node).__name__.upper())} in an equation is not supported")

    return build(node)


def _initial(arg: Code, key) -> Code:
    def initial(f: Frame):
        if key not in f.kept:
            f.kept[key] = np.array(arg(f), dtype=float)
        return f.kept[key]
    return initial
