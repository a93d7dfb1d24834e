"""A user's ``equation:`` text as a tree (:mod:`gmb.sd.nodes`), by a small recursive-descent parser:
never ``eval``. Names reach the tree only through ``resolve`` (the map's variable ids), numbers
only as floats, so nothing of the text reaches the model files but what the writers make of it.

Grammar, loosest first: ``IF c THEN a ELSE b`` (or ``IF THEN ELSE(c, a, b)``); ``OR``; ``AND``;
``NOT``; one comparison (``= <> < <= > >=``); ``+ -``; ``* /``; unary ``-``; ``^`` (right to left).
Atoms: numbers, variables (a name, or any text in double quotes), ``TIME``, ``DT``, calls of
:data:`gmb.sd.builtins.FUNCTIONS`, and ``LOOKUP(x, (x1, y1), (x2, y2), …)`` with x increasing.

Example
-------
>>> parse("IF TIME >= 5 AND NOT x = 0 THEN LOOKUP(x, (0, 1), (10, 2)) ELSE DT", str)
IfElse(cond=Logic(op='AND', args=(Compare(op='>=', left=Time(), right=Num(value=5.0)), \
Logic(op='NOT', args=(Compare(op='=', left=Ref(var='x'), right=Num(value=0.0)),)))), \
then=Lookup(arg=Ref(var='x'), points=((0.0, 1.0), (10.0, 2.0))), other=Dt())
"""

from __future__ import annotations

import re
from typing import Callable

from gmb.sd.builtins import FUNCTIONS
from gmb.sd.nodes import BinOp, Call, Compare, Dt, IfElse, Logic, Lookup, Neg, Node, Num, Ref, Time

__all__ = ["parse", "EquationError", "KEYWORDS", "MAX_DEPTH"]

KEYWORDS = ("TIME", "DT", "IF", "THEN", "ELSE", "AND", "OR", "NOT")
"""Words that are not variables unless quoted (``"dt"`` is a variable named dt)."""
MAX_DEPTH = 100
"""How deeply an equation may nest."""


class EquationError(ValueError):
    """An equation that does not parse or cannot be evaluated; the message is one line."""


_TOKEN = re.compile(r"""\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[^\W\d]\w*)
                       |"(?P<quoted>[^"]*)"|(?P<op><>|<=|>=|[-+*/^(),=<>]))""", re.VERBOSE)
_COMPARISONS = ("=", "<>", "<=", ">=", "<", ">")


def parse(text: str, resolve: Callable[[str], str]) -> Node:
    """The tree of a user equation; ``resolve`` turns a name into a variable id (or raises)."""
    parser = _Parser(_tokenize(str(text)), resolve)
    tree = parser.expression()
    if parser.peek() is not None:
        parser.fail("expected an operator or the end")
    return tree


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
    def __init__(self, tokens, resolve):
        self.tokens, self.resolve, self.i, self.depth = tokens, resolve, 0, 0

    def peek(self, ahead: int = 0):
        return self.tokens[self.i + ahead] if self.i + ahead < len(self.tokens) else None

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

    def word(self, word: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return bool(token and token[0] == "name" and token[1].upper() == word)

    def expect(self, word: str) -> None:
        if not self.word(word):
            self.fail(f"expected {word}")
        self.i += 1

    def expression(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise EquationError(f"nests more than {MAX_DEPTH} levels deep")
        if self.word("IF") and not (self.word("THEN", 1) and self.word("ELSE", 2)):
            self.take()
            cond = self.expression()
            self.expect("THEN")
            then = self.expression()
            self.expect("ELSE")
            node = IfElse(cond, then, self.expression())
        else:
            node = self.disjunction()
        self.depth -= 1
        return node

    def disjunction(self) -> Node:
        node = self.conjunction()
        while self.word("OR"):
            self.take()
            node = Logic("OR", (node, self.conjunction()))
        return node

    def conjunction(self) -> Node:
        node = self.negation()
        while self.word("AND"):
            self.take()
            node = Logic("AND", (node, self.negation()))
        return node

    def negation(self) -> Node:
        if self.word("NOT"):
            self.take()
            return Logic("NOT", (self.negation(),))
        node = self.sum()
        token = self.peek()
        if token and token[0] == "op" and token[1] in _COMPARISONS:
            self.take()
            node = Compare(token[1], node, self.sum())
        return node

    def sum(self) -> Node:
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
        if kind == "name" and value.upper() == "IF":
            if not (self.word("THEN") and self.word("ELSE", 1)):
                self.i -= 1
                return self.expression()  # IF c THEN a ELSE b inside an expression
            self.i += 2  # IF THEN ELSE(c, a, b)
            if not self.accept("("):
                self.fail("expected '(' after IF THEN ELSE")
            return IfElse(*self.arguments("IF THEN ELSE", 3, 3))
        if kind == "name" and self.accept("("):
            return self.call(value)
        if kind == "name" and value.upper() in KEYWORDS:
            if value.upper() in ("TIME", "DT"):
                return Time() if value.upper() == "TIME" else Dt()
            self.i -= 1
            self.fail(f"{value.upper()} here; a variable of that name is written in quotes")
        return Ref(self.resolve(value))

    def call(self, name: str) -> Node:
        func = name.upper()
        if func == "LOOKUP":
            return self.lookup()
        if func not in FUNCTIONS:
            raise EquationError(f"unknown function {name!r}; use one of {', '.join(FUNCTIONS)} or LOOKUP")
        spec = FUNCTIONS[func]
        return Call(func, self.arguments(func, spec.least, spec.most))

    def arguments(self, func: str, least: int, most: int) -> tuple:
        args = [] if self.accept(")") else [self.expression()]
        while args and not self.accept(")"):
            if not self.accept(","):
                self.fail("expected ',' or ')'")
            args.append(self.expression())
        if not least <= len(args) <= most:
            count = least if least == most else f"{least} to {most}"
            raise EquationError(f"{func} takes {count} argument(s), not {len(args)}")
        return tuple(args)

    def lookup(self) -> Node:
        arg, points = self.expression(), []
        while self.accept(","):
            if not self.accept("("):
                self.fail("expected a point '(x, y)' of the lookup")
            x = self.number()
            if not self.accept(","):
                self.fail("expected ',' between a point's x and y")
            y = self.number()
            if not self.accept(")"):
                self.fail("expected ')' after a point's y")
            points.append((x, y))
        if not self.accept(")"):
            self.fail("expected ',' or ')'")
        if not points or any(b[0] < a[0] for a, b in zip(points, points[1:])):
            raise EquationError("LOOKUP needs points (x, y) with x in increasing order")
        return Lookup(arg, tuple(points))

    def number(self) -> float:
        sign = -1.0 if self.accept("-") else 1.0
        token = self.peek()
        if not token or token[0] != "num":
            self.fail("expected a number")
        self.take()
        return sign * float(token[1])
