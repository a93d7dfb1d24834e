"""Equations as small expression trees: user equations parsed (never ``eval``-ed), evaluated, and
written out in XMILE or Vensim syntax.

A user's ``equation:`` may use numbers, variables (by id or label; a name with spaces in double
quotes), ``TIME``, ``+ - * / ^``, parentheses and ``MIN(a, b)``, ``MAX(a, b)``, ``ABS``, ``EXP``,
``LN``, ``SQRT``. The generated model also uses comparisons, ``IF … THEN … ELSE`` and a third-order
smooth; those nodes are built by gmb, not parsed from user text.

Example
-------
>>> tree = parse("0.5 * MAX(sleep, 1) - -2 ^ 2", lambda name: name.lower())
>>> evaluate(tree, {"sleep": 3.0}.__getitem__)
5.5
>>> render(tree, "xmile", str.upper)
'0.5 * MAX(SLEEP, 1) - (-(2 ^ 2))'
>>> render(IfElse(Compare("<", Time(), Num(2)), Num(0), Num(1)), "vensim", str)
'IF THEN ELSE(Time < 2, 0, 1)'
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable, Union

__all__ = ["EquationError", "Num", "Ref", "Ident", "Time", "Neg", "BinOp", "Call", "Compare", "IfElse", "Smooth3",
           "Node", "FUNCTIONS", "parse", "references", "uses_time", "evaluate", "render", "format_number"]


class EquationError(ValueError):
    """An equation that does not parse or cannot be evaluated; the message is one line."""


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
class Neg:
    arg: "Node"


@dataclass(frozen=True)
class BinOp:
    op: str
    left: "Node"
    right: "Node"


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple


@dataclass(frozen=True)
class Compare:
    op: str
    left: "Node"
    right: "Node"


@dataclass(frozen=True)
class IfElse:
    cond: "Node"
    then: "Node"
    other: "Node"


@dataclass(frozen=True)
class Smooth3:
    """A third-order information delay of ``arg`` over ``time``, starting at ``initial``."""

    arg: "Node"
    time: "Node"
    initial: "Node"


Node = Union[Num, Ref, Ident, Time, Neg, BinOp, Call, Compare, IfElse, Smooth3]

FUNCTIONS = {"MIN": 2, "MAX": 2, "ABS": 1, "EXP": 1, "LN": 1, "SQRT": 1}
"""The functions a user equation may call, with their number of arguments."""

_TOKEN = re.compile(r"""\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[^\W\d]\w*)
                       |"(?P<quoted>[^"]*)"|(?P<op>[-+*/^(),]))""", re.VERBOSE)
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 4}


def parse(text: str, resolve: Callable[[str], str]) -> Node:
    """The tree of a user equation; ``resolve`` turns a name into a variable id (or raises)."""
    tokens = _tokenize(str(text))
    parser = _Parser(tokens, resolve, str(text))
    tree = parser.expression()
    if parser.peek() is not None:
        parser.fail("expected an operator or the end")
    return tree


def references(node: Node) -> set[str]:
    """The variable ids an expression refers to."""
    if isinstance(node, Ref):
        return {node.var}
    return set().union(*(references(child) for child in _children(node)))


def uses_time(node: Node) -> bool:
    """Whether an expression refers to ``TIME``."""
    return isinstance(node, Time) or any(uses_time(child) for child in _children(node))


def evaluate(node: Node, value_of: Callable[[str], float], time: float = 0.0) -> float:
    """The value of an expression; ``value_of`` gives each variable's value."""
    try:
        result = _evaluate(node, value_of, time)
    except ZeroDivisionError:
        raise EquationError("divides by zero") from None
    except (OverflowError, ValueError) as exc:
        raise EquationError(f"cannot be computed ({exc})") from None
    if isinstance(result, complex) or not math.isfinite(result):
        raise EquationError("gives no finite real number")
    return float(result)


def render(node: Node, dialect: str, name_of: Callable[[str], str]) -> str:
    """The expression in ``dialect`` (``xmile`` or ``vensim``); ``name_of`` names each variable."""
    return _Renderer(dialect, name_of).text(node)


def format_number(value: float) -> str:
    """A number as model text: ``1`` not ``1.0``, full precision otherwise."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


# -- parsing --------------------------------------------------------------------------------

def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            column = pos + len(text[pos:]) - len(text[pos:].lstrip()) + 1
            raise EquationError(f"does not parse at column {column}: unexpected {text[column - 1]!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind), match.start(kind) + 1))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens, resolve, text):
        self.tokens, self.resolve, self.text, self.i = tokens, resolve, text, 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self):
        token = self.peek()
        self.i += 1
        return token

    def fail(self, expected: str):
        token = self.peek()
        where = f"column {token[2]} ({token[1]!r})" if token else "the end"
        raise EquationError(f"does not parse at {where}: {expected}")

    def accept(self, op: str) -> bool:
        token = self.peek()
        if token and token[0] == "op" and token[1] == op:
            self.i += 1
            return True
        return False

    def expression(self) -> Node:
        node = self.term()
        while (token := self.peek()) and token[0] == "op" and token[1] in "+-":
            self.take()
            node = BinOp(token[1], node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while (token := self.peek()) and token[0] == "op" and token[1] in "*/":
            self.take()
            node = BinOp(token[1], node, self.unary())
        return node

    def unary(self) -> Node:
        if self.accept("-"):
            return Neg(self.unary())
        if self.accept("+"):
            return self.unary()
        base = self.atom()
        if self.accept("^"):
            return BinOp("^", base, self.unary())
        return base

    def atom(self) -> Node:
        token = self.peek()
        if token is None or (token[0] == "op" and token[1] != "("):
            self.fail("expected a number, a variable or '('")
        self.take()
        kind, value, _ = token
        if kind == "num":
            return Num(float(value))
        if kind == "op":
            node = self.expression()
            if not self.accept(")"):
                self.fail("expected ')'")
            return node
        if kind == "name" and self.accept("("):
            return self.call(value)
        if kind == "name" and value.casefold() == "time":
            return Time()
        return Ref(self.resolve(value))

    def call(self, name: str) -> Node:
        func = name.upper()
        if func not in FUNCTIONS:
            raise EquationError(f"unknown function {name!r}; use one of {', '.join(FUNCTIONS)}")
        args = [] if self.accept(")") else [self.expression()]
        while args and not self.accept(")"):
            if not self.accept(","):
                self.fail("expected ',' or ')'")
            args.append(self.expression())
        if len(args) != FUNCTIONS[func]:
            raise EquationError(f"{func} takes {FUNCTIONS[func]} argument(s), not {len(args)}")
        return Call(func, tuple(args))


# -- evaluating and rendering ---------------------------------------------------------------

def _children(node: Node) -> tuple:
    if isinstance(node, Neg):
        return (node.arg,)
    if isinstance(node, (BinOp, Compare)):
        return node.left, node.right
    if isinstance(node, Call):
        return node.args
    if isinstance(node, IfElse):
        return node.cond, node.then, node.other
    if isinstance(node, Smooth3):
        return node.arg, node.time, node.initial
    return ()


_MATH = {"MIN": min, "MAX": max, "ABS": abs, "EXP": math.exp, "LN": math.log, "SQRT": math.sqrt}
_ARITHMETIC = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
               "/": lambda a, b: a / b, "^": lambda a, b: a ** b}
_COMPARISONS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
                ">=": lambda a, b: a >= b}


def _evaluate(node: Node, value_of, time):
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Ref):
        return value_of(node.var)
    if isinstance(node, Ident):
        return value_of(node.name)
    if isinstance(node, Time):
        return time
    if isinstance(node, Neg):
        return -_evaluate(node.arg, value_of, time)
    if isinstance(node, BinOp):
        return _ARITHMETIC[node.op](_evaluate(node.left, value_of, time), _evaluate(node.right, value_of, time))
    if isinstance(node, Call):
        return _MATH[node.func](*(_evaluate(a, value_of, time) for a in node.args))
    if isinstance(node, Compare):
        return _COMPARISONS[node.op](_evaluate(node.left, value_of, time), _evaluate(node.right, value_of, time))
    if isinstance(node, IfElse):
        return _evaluate(node.then if _evaluate(node.cond, value_of, time) else node.other, value_of, time)
    return _evaluate(node.initial, value_of, time)  # a smooth starts at its initial value


class _Renderer:
    def __init__(self, dialect: str, name_of):
        if dialect not in ("xmile", "vensim"):
            raise ValueError(f"unknown dialect {dialect!r}")
        self.xmile, self.name_of = dialect == "xmile", name_of

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
        if isinstance(node, Neg):
            inner = self.text(node.arg)
            return f"(-({inner}))" if isinstance(node.arg, (BinOp, Compare)) else f"(-{inner})"
        if isinstance(node, BinOp):
            return f"{self.operand(node.left, node.op, False)} {node.op} {self.operand(node.right, node.op, True)}"
        if isinstance(node, Call):
            return f"{node.func}({', '.join(self.text(a) for a in node.args)})"
        if isinstance(node, Compare):
            return f"{self.text(node.left)} {node.op} {self.text(node.right)}"
        if isinstance(node, IfElse):
            cond, then, other = (self.text(x) for x in (node.cond, node.then, node.other))
            return f"(IF {cond} THEN {then} ELSE {other})" if self.xmile else f"IF THEN ELSE({cond}, {then}, {other})"
        func = "SMTH3" if self.xmile else "SMOOTH3I"
        initial = self.text(node.initial)
        if isinstance(node.initial, Num) and float(node.initial.value).is_integer():
            # PySD 3.14 keeps a smooth whose initial value is written as a whole number in an integer
            # array, which truncates its first input (0.6 enters as 0); "1.0" keeps it a float.
            initial = initial.replace(format_number(node.initial.value), f"{format_number(node.initial.value)}.0")
        return f"{func}({self.text(node.arg)}, {self.text(node.time)}, {initial})"

    def operand(self, node: Node, op: str, right: bool) -> str:
        """An operand of ``op``, in parentheses where precedence or order needs them."""
        text = self.text(node)
        if isinstance(node, BinOp):
            inner, outer = _PRECEDENCE[node.op], _PRECEDENCE[op]
            if inner < outer or op == "^" or (inner == outer and right and op in "-/"):
                return f"({text})"
        if isinstance(node, Compare):
            return f"({text})"
        return text
