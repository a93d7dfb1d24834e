"""The nodes of an equation tree (:mod:`gmb.sd.equations` parses, evaluates and writes them).

Example
-------
>>> tree = BinOp("*", Num(2), Call("STEP", (Num(1), Num(5))))
>>> children(tree)
(Num(value=2), Call(func='STEP', args=(Num(value=1), Num(value=5))))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

__all__ = ["Num", "Ref", "Ident", "Time", "Dt", "Neg", "BinOp", "Call", "Compare", "Logic", "IfElse", "Lookup",
           "Smooth3", "Node", "children"]


@dataclass(frozen=True)
class Num:
    """A number; ``units`` and ``name`` (not part of its identity) say what gmb means it as: e.g. an
    adjust time in ``Month``, written to the model files as the constant ``adjust_time_mood``
    (:func:`gmb.sd.formulas.file_elements`); both are empty for a plain number."""

    value: float
    units: str = field(default="", compare=False, repr=False)
    name: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class Ref:
    var: str


@dataclass(frozen=True)
class Ident:
    """A model identifier (a generated element or constant), written as it is."""

    name: str


@dataclass(frozen=True)
class Time:
    pass


@dataclass(frozen=True)
class Dt:
    """The run's time step (Vensim's ``TIME STEP``)."""


@dataclass(frozen=True)
class Neg:
    arg: "Node"


@dataclass(frozen=True)
class BinOp:
    op: str
    left: "Node"
    right: "Node"


@dataclass(frozen=True)
class Call:
    """A function of :data:`gmb.sd.builtins.FUNCTIONS` applied to its arguments."""

    func: str
    args: tuple


@dataclass(frozen=True)
class Compare:
    """``<``, ``<=``, ``>``, ``>=``, ``=`` or ``<>``: 1 if it holds, else 0."""

    op: str
    left: "Node"
    right: "Node"


@dataclass(frozen=True)
class Logic:
    """``AND``/``OR`` of two conditions, or ``NOT`` of one."""

    op: str
    args: tuple


@dataclass(frozen=True)
class IfElse:
    cond: "Node"
    then: "Node"
    other: "Node"


@dataclass(frozen=True)
class Lookup:
    """A table: ``arg`` looked up in the (x, y) ``points``, linear between them, flat beyond the ends."""

    arg: "Node"
    points: tuple


@dataclass(frozen=True)
class Smooth3:
    """A third-order information delay of ``arg`` over ``time``, starting at ``initial`` (built by gmb)."""

    arg: "Node"
    time: "Node"
    initial: "Node"


Node = Union[Num, Ref, Ident, Time, Dt, Neg, BinOp, Call, Compare, Logic, IfElse, Lookup, Smooth3]


def children(node: Node) -> tuple:
    """The sub-trees of a node, in order."""
    if isinstance(node, (Neg, Lookup)):
        return (node.arg,)
    if isinstance(node, (BinOp, Compare)):
        return node.left, node.right
    if isinstance(node, (Call, Logic)):
        return node.args
    if isinstance(node, IfElse):
        return node.cond, node.then, node.other
    if isinstance(node, Smooth3):
        return node.arg, node.time, node.initial
    return ()
