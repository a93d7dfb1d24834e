"""Equation trees written as XMILE or Vensim text (the model files), or as a map's own syntax.

Parentheses go wherever precedence or order needs them; a function's text comes from
:func:`gmb.sd.builtins.write`. A lookup is written here in the map's syntax (``LOOKUP(x, (x1, y1), …)``);
the model files give each lookup an element of its own (:func:`gmb.sd.formulas.file_elements`),
which :mod:`gmb.sd.xmile` writes as a ``<gf>`` and :mod:`gmb.sd.mdl` as ``WITH LOOKUP``.

Example
-------
>>> from gmb.sd.nodes import Call, Compare, Dt, IfElse, Logic, Num, Time
>>> tree = IfElse(Logic("AND", (Compare(">", Time(), Num(1)), Compare("<>", Dt(), Num(0)))), Num(1), Num(0))
>>> render(tree, "vensim", str)
'IF THEN ELSE((Time > 1) :AND: (TIME STEP <> 0), 1, 0)'
>>> render(Call("MODULO", (Time(), Num(2))), "xmile", str)
'(TIME mod 2)'
"""

from __future__ import annotations

from typing import Callable

from gmb.sd.builtins import FUNCTIONS, write
from gmb.sd.nodes import BinOp, Call, Compare, Dt, Ident, IfElse, Logic, Lookup, Neg, Node, Num, Ref, Time

__all__ = ["render", "format_number", "points_text"]

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 4}
_LOOSE = (Compare, Logic, IfElse)


def render(node: Node, dialect: str, name_of: Callable[[str], str]) -> str:
    """The expression in ``dialect`` (``xmile`` or ``vensim``); ``name_of`` names each variable."""
    return _Renderer(dialect, name_of).text(node)


def format_number(value: float) -> str:
    """A number as model text: ``1`` not ``1.0``, full precision otherwise."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def points_text(points) -> str:
    """A lookup's points as ``(x1, y1), (x2, y2)``."""
    return ", ".join(f"({format_number(x)}, {format_number(y)})" for x, y in points)


class _Renderer:
    def __init__(self, dialect: str, name_of):
        if dialect not in ("xmile", "vensim"):
            raise ValueError(f"unknown dialect {dialect!r}")
        self.xmile, self.dialect, self.name_of = dialect == "xmile", dialect, name_of

    def text(self, node: Node) -> str:
        if isinstance(node, Num):
            number = format_number(node.value)
            return f"({number})" if node.value < 0 else number
        if isinstance(node, Ref):
            return self.name_of(node.var)
        if isinstance(node, Ident):
            return node.name
        if isinstance(node, Time):
            return "TIME" if self.xmile else "Time"
        if isinstance(node, Dt):
            return "TIME_STEP" if self.xmile else "TIME STEP"  # PySD reads no DT in XMILE
        if isinstance(node, Neg):
            inner = self.text(node.arg)
            return f"(-({inner}))" if isinstance(node.arg, (BinOp, *_LOOSE)) else f"(-{inner})"
        if isinstance(node, BinOp):
            return f"{self.operand(node.left, node.op, False)} {node.op} {self.operand(node.right, node.op, True)}"
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Compare):
            return f"{self.loose(node.left)} {node.op} {self.loose(node.right)}"
        if isinstance(node, Logic):
            args = [f"({self.text(a)})" if isinstance(a, _LOOSE) else self.text(a) for a in node.args]
            word = node.op if self.xmile else f":{node.op}:"
            return f"{word} {args[0]}" if node.op == "NOT" else f"{args[0]} {word} {args[1]}"
        if isinstance(node, IfElse):
            cond, then, other = (self.text(x) for x in (node.cond, node.then, node.other))
            return f"(IF {cond} THEN {then} ELSE {other})" if self.xmile else f"IF THEN ELSE({cond}, {then}, {other})"
        if isinstance(node, Lookup):
            return f"LOOKUP({self.text(node.arg)}, {points_text(node.points)})"
        func = "SMTH3" if self.xmile else "SMOOTH3I"  # Smooth3
        return f"{func}({self.text(node.arg)}, {self.text(node.time)}, {self.start(node.initial)})"

    def call(self, node: Call) -> str:
        spec = FUNCTIONS[node.func]
        template = spec.xmile if self.xmile else spec.vensim
        args = [self.text(a) for a in node.args]
        if template.startswith("("):  # operators around the arguments
            args = [f"({t})" if isinstance(a, (BinOp, Neg, *_LOOSE)) else t for a, t in zip(node.args, args)]
        if spec.kind == "state" and len(args) > spec.starts:
            args[spec.starts] = self.start(node.args[spec.starts])
        return write(node.func, args, self.dialect)

    def start(self, node: Node) -> str:
        """A delay's start value: PySD 3.14 keeps a delay whose start is written as a whole number in an
        integer array, which truncates its first input (0.6 enters as 0); "1.0" keeps it a float."""
        text = self.text(node)
        if isinstance(node, Num) and float(node.value).is_integer():
            text = text.replace(format_number(node.value), f"{format_number(node.value)}.0")
        return text

    def loose(self, node: Node) -> str:
        return f"({self.text(node)})" if isinstance(node, _LOOSE) else self.text(node)

    def operand(self, node: Node, op: str, right: bool) -> str:
        """An operand of ``op``, in parentheses where precedence or order needs them."""
        text = self.text(node)
        if isinstance(node, BinOp):
            inner, outer = _PRECEDENCE[node.op], _PRECEDENCE[op]
            if inner < outer or op == "^" or (inner == outer and right and op in "-/"):
                return f"({text})"
        if isinstance(node, (Compare, Logic)):
            return f"({text})"
        return text
