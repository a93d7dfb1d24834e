"""The forms of the generated element trees, recognised: what the numpy engine compiles from.

:func:`gmb.sd.formulas.model_elements` writes an index variable's indicated value as a clipped sum
of link terms ``w · (cause − P0) / |P0|`` and a push ``u · ramp``, a stock's flows as sums of
``w · cause``, an action as ``level · ramp``, and a delayed cause as an SMTH3. Each function here
takes a tree and returns its parts, or None when the tree has another form.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.formulas import model_elements
>>> from gmb.sd.spec import build_spec
>>> cmap = CausalMap.new("demo")
>>> for var in ("sleep", "mood"):
...     cmap.add_variable(var, var.title())
>>> _ = cmap.add_link("sleep", "mood", "-", strength="weak", delay=4)
>>> indicated = {e.name: e for e in model_elements(build_spec(cmap))}["indicated_mood"].equation
>>> node, lo, hi = unclip(indicated)
>>> lo, hi
(0.0, 3.0)
>>> offset, terms, push = match_sum(node, "mood")
>>> offset, push
(1.0, ('push_mood', 'push_start_mood', 'push_ramp_mood'))
>>> terms
[Term(target='mood', cause=('sleep', 4.0, 1.0), sign=-1.0, weight='w_sleep_to_mood', offset=1.0, scale=1.0)]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gmb.sd.equations import BinOp, Call, Compare, Ident, IfElse, Node, Num, Smooth3, Time

__all__ = ["Term", "operand", "unclip", "match_adjustment", "match_ramp", "match_level", "match_sum"]


@dataclass(frozen=True)
class Term:
    """``sign · weight · (cause − offset) / scale`` into ``target`` (a model name).

    ``cause`` is a model name, or ``(name, time, initial)`` for an SMTH3 of it; ``weight`` is a
    model constant's name or a number.
    """

    target: str
    cause: str | tuple[str, float, float]
    sign: float
    weight: str | float
    offset: float
    scale: float


def operand(node: Node) -> str | float | None:
    """A model constant's name or a number; None for anything else."""
    return node.name if isinstance(node, Ident) else node.value if isinstance(node, Num) else None


def unclip(node: Node) -> tuple[Node, float, float]:
    """``MIN(hi, MAX(lo, x))``, either side optional, as ``(x, lo, hi)``."""
    lo, hi = -math.inf, math.inf
    if isinstance(node, Call) and node.func == "MIN" and isinstance(node.args[0], Num):
        hi, node = node.args[0].value, node.args[1]
    if isinstance(node, Call) and node.func == "MAX" and isinstance(node.args[0], Num):
        lo, node = node.args[0].value, node.args[1]
    return node, lo, hi


def match_adjustment(node: Node, value: str) -> tuple[str, float] | None:
    """``(indicated − value) / τ`` as ``(indicated's name, τ)``."""
    if isinstance(node, BinOp) and node.op == "/" and isinstance(node.right, Num) \
            and isinstance(node.left, BinOp) and node.left.op == "-" and node.left.right == Ident(value) \
            and isinstance(node.left.left, Ident):
        return node.left.left.name, node.right.value
    return None


def match_ramp(node: Node) -> tuple | None:
    """:func:`gmb.sd.formulas.ramp_fraction` as its ``(start, ramp)`` operands."""
    if not (isinstance(node, IfElse) and isinstance(node.cond, Compare) and node.cond.op == "<"
            and node.cond.left == Time() and node.then == Num(0) and isinstance(node.other, IfElse)):
        return None
    start, rest = node.cond.right, node.other
    if not (isinstance(rest.cond, Compare) and rest.cond.op == ">=" and rest.cond.left == Time()
            and isinstance(rest.cond.right, BinOp) and rest.cond.right.op == "+" and rest.cond.right.left == start
            and rest.then == Num(1)):
        return None
    ramp = rest.cond.right.right
    if rest.other != BinOp("/", BinOp("-", Time(), start), ramp) or None in (operand(start), operand(ramp)):
        return None
    return operand(start), operand(ramp)


def match_level(node: Node) -> tuple | None:
    """``level · ramp_fraction(start, ramp)`` as ``(level, start, ramp)`` operands."""
    if isinstance(node, BinOp) and node.op == "*" and operand(node.left) is not None:
        ramp = match_ramp(node.right)
        return ramp and (operand(node.left), *ramp)
    return None


def match_sum(node: Node, target: str) -> tuple[float | None, list[Term], tuple | None] | None:
    """A sum of link terms and at most one push (added last), starting from a number or a term,
    as ``(the number or None, the terms, the push's (level, start, ramp) or None)``."""
    terms, push = [], None
    while isinstance(node, BinOp) and node.op in "+-":
        term = _term(node.right, target, 1.0 if node.op == "+" else -1.0)
        if term is None or isinstance(term, tuple) and (push or terms):
            break
        if isinstance(term, tuple):
            push = term
        else:
            terms.append(term)
        node = node.left
    if isinstance(node, Num):
        return float(node.value), terms[::-1], push
    first = _term(node, target, 1.0)
    return (None, [first] + terms[::-1], push) if isinstance(first, Term) else None


def _term(node: Node, target: str, sign: float) -> Term | tuple | None:
    """``w · (cause − a) / b`` (a link, a and b optional) or ``u · ramp_fraction`` (a push)."""
    if not (isinstance(node, BinOp) and node.op == "*" and operand(node.left) is not None):
        return None
    weight, change, offset, scale = operand(node.left), node.right, 0.0, 1.0
    ramp = match_ramp(change)
    if ramp:
        return (weight, *ramp) if sign > 0 else None
    if isinstance(change, BinOp) and change.op == "/" and isinstance(change.right, Num):
        change, scale = change.left, float(change.right.value)
        if not (isinstance(change, BinOp) and change.op == "-"):
            return None
    if isinstance(change, BinOp) and change.op == "-" and isinstance(change.right, Num):
        change, offset = change.left, float(change.right.value)
    cause = _cause(change)
    return Term(target, cause, sign, weight, offset, scale) if cause else None


def _cause(node: Node) -> str | tuple | None:
    """A model name, or an SMTH3 of one over a fixed time from a fixed start as ``(name, time, initial)``."""
    if isinstance(node, Ident):
        return node.name
    if isinstance(node, Smooth3) and isinstance(node.arg, Ident) and isinstance(node.time, Num) \
            and isinstance(node.initial, Num) and node.time.value > 0:
        return node.arg.name, node.time.value, node.initial.value
    return None
