"""Equations of Vensim and XMILE models parsed (never with ``eval``) into syntax trees of tuples.

Arithmetic (``+ - * / ^``, parentheses, numbers), comparisons, ``AND``/``OR``/``NOT``, Vensim
``IF THEN ELSE(c, a, b)`` and XMILE ``IF c THEN a ELSE b``, and calls of any function by name
(``("call", name, [args])``); names are compared as both tools do (:func:`canonical`). The trees
are evaluated by :mod:`gmb.formats.evaluator`.

Example
-------
>>> tree = parse("(Teacup Temperature - Room Temperature) / Characteristic Time", "vensim")
>>> sorted(references(tree))
['characteristic time', 'room temperature', 'teacup temperature']
>>> tree[1][1][0]
'/'
"""

from __future__ import annotations

import re

__all__ = ["ExpressionError", "parse", "canonical", "references", "scan_references", "functions", "children",
           "DELAY_FUNCTIONS"]

MAX_DEPTH = 40
MAX_TOKENS = 20000
DELAY_FUNCTIONS = frozenset({
    "smooth", "smoothi", "smooth3", "smooth3i", "smooth n", "delay1", "delay1i", "delay3", "delay3i",
    "delay n", "delay fixed", "delay information", "delay material", "smth1", "smth3", "smthn", "delay",
    "delayn"})
"""Functions that follow their first argument with a lag: links through them are delayed."""


class ExpressionError(ValueError):
    """An equation outside the supported subset, or one that cannot be evaluated here."""


def canonical(name: str) -> str:
    """How both tools compare names: quotes dropped, case, spaces and underscores ignored."""
    text = name.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    text = text.replace("\\n", " ").replace('\\"', '"').replace("\\\\", "\\")
    return re.sub(r"[\s_]+", " ", text).strip().casefold()


# -- tokens -----------------------------------------------------------------------------------
_NUMBER = r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_VENSIM_TOKEN = re.compile(rf"""\s*(?:
    (?P<num>{_NUMBER})
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<kw>:(?:AND|OR|NOT|NA):)
  | (?P<name>[^\W\d][\w $'&%]*)
  | (?P<sub>\[[^\]]*\])
  | (?P<op><>|<=|>=|[-+*/^()=<>,])
)""", re.VERBOSE | re.IGNORECASE)
_XMILE_TOKEN = re.compile(rf"""\s*(?:
    (?P<num>{_NUMBER})
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<name>[^\W\d][\w.]*)
  | (?P<sub>\[[^\]]*\])
  | (?P<comment>\{{[^}}]*\}})
  | (?P<op><>|<=|>=|[-+*/^()=<>,])
)""", re.VERBOSE)
_XMILE_WORDS = {"and": "and", "or": "or", "not": "not", "if": "if", "then": "then", "else": "else",
                "mod": "mod"}


def _tokens(text: str, dialect: str) -> list[tuple[str, object]]:
    pattern = _VENSIM_TOKEN if dialect == "vensim" else _XMILE_TOKEN
    out: list[tuple[str, object]] = []
    pos, end = 0, len(text.rstrip())
    while pos < end:
        match = pattern.match(text, pos)
        if match is None or match.end() == pos:
            raise ExpressionError(f"cannot read {text[pos:pos + 20].strip()!r}")
        pos = match.end()
        kind, value = match.lastgroup, match.group(match.lastgroup)
        if kind in ("sub", "comment"):
            continue  # subscripts are read as one variable; XMILE {comments} are skipped
        if kind == "num":
            out.append(("num", float(value)))
        elif kind == "kw":
            out.append(("op", value.strip(":").lower()))
        elif kind == "str":
            out.append(("name", canonical(value)))
        elif kind == "name" and dialect == "xmile" and value.lower() in _XMILE_WORDS:
            out.append(("op", _XMILE_WORDS[value.lower()]))
        elif kind == "name":
            out.append(("name", canonical(value)))
        else:
            out.append(("op", value))
        if len(out) > MAX_TOKENS:
            raise ExpressionError(f"longer than {MAX_TOKENS} tokens")
    return out


# -- parser -----------------------------------------------------------------------------------
class _Parser:
    """Recursive descent over the tokens; nodes are tuples, left-associative chains are flat lists."""

    def __init__(self, tokens, dialect: str):
        self.tokens, self.dialect, self.pos, self.depth = tokens, dialect, 0, 0

    def peek(self) -> tuple[str, object] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value=None) -> tuple[str, object]:
        token = self.peek()
        if token is None or (value is not None and token != ("op", value)):
            found = "the end" if token is None else repr(token[1])
            raise ExpressionError(f"expected {value or 'more'} but found {found}")
        self.pos += 1
        return token

    def accept(self, *values) -> str | None:
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in values:
            self.pos += 1
            return str(token[1])
        return None

    def nest(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"nested more than {MAX_DEPTH} levels deep")

    def expr(self):
        self.nest()
        if self.dialect == "xmile" and self.accept("if"):
            cond = self.expr()
            self.take("then")
            yes = self.expr()
            self.take("else")
            node = ("if", cond, yes, self.expr())
        else:
            node = self.chain("or", self.conjunction, ("or",))
        self.depth -= 1
        return node

    def chain(self, kind, part, ops):
        items = [part()]
        while self.accept(*ops):
            items.append(part())
        return items[0] if len(items) == 1 else (kind, items)

    def conjunction(self):
        return self.chain("and", self.negation, ("and",))

    def negation(self):
        if self.accept("not"):
            self.nest()
            node = ("not", self.negation())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self):
        left = self.sum()
        op = self.accept("=", "<>", "<", ">", "<=", ">=")
        return ("cmp", op, left, self.sum()) if op else left

    def sum(self):
        terms = [("+", self.product())]
        while (op := self.accept("+", "-")) is not None:
            terms.append((op, self.product()))
        return terms[0][1] if len(terms) == 1 else ("sum", terms)

    def product(self):
        factors = [("*", self.unary())]
        while (op := self.accept("*", "/", "mod")) is not None:
            factors.append((op, self.unary()))
        return factors[0][1] if len(factors) == 1 else ("prod", factors)

    def unary(self):
        op = self.accept("-", "+")
        if op:
            self.nest()
            node = self.unary()
            self.depth -= 1
            return ("neg", node) if op == "-" else node
        base = self.primary()
        if self.accept("^"):
            self.nest()
            node = ("pow", base, self.unary())
            self.depth -= 1
            return node
        return base

    def primary(self):
        kind, value = self.take()
        if kind == "num":
            return ("num", value)
        if kind == "name":
            if self.accept("("):
                args = [] if self.accept(")") else self.arguments()
                return ("call", value, args)
            return ("ref", value)
        if value == "(":
            node = self.expr()
            self.take(")")
            return node
        raise ExpressionError(f"unexpected {value!r}")

    def arguments(self):
        args = [self.expr()]
        while self.accept(","):
            args.append(self.expr())
        self.take(")")
        return args


def parse(text: str, dialect: str = "vensim"):
    """The syntax tree of an equation (``dialect`` ``vensim`` or ``xmile``); :class:`ExpressionError` if unreadable."""
    parser = _Parser(_tokens(text, dialect), dialect)
    if not parser.tokens:
        raise ExpressionError("the equation is empty")
    node = parser.expr()
    if parser.peek() is not None:
        raise ExpressionError(f"unexpected {parser.peek()[1]!r} after the end of the equation")
    return node


# -- reading trees ----------------------------------------------------------------------------
def references(node) -> dict[str, bool]:
    """The names an equation reads, each with whether every use is delayed (inside SMOOTH, DELAY…)."""
    found: dict[str, bool] = {}
    stack = [(node, False)]
    while stack:
        item, delayed = stack.pop()
        kind = item[0]
        if kind == "ref":
            found[item[1]] = found.get(item[1], True) and delayed
        elif kind == "call":
            name, args = item[1], item[2]
            lag = name in DELAY_FUNCTIONS
            stack.extend((arg, delayed or (lag and i == 0)) for i, arg in enumerate(args))
        elif kind in ("sum", "prod"):
            stack.extend((part, delayed) for _, part in item[1])
        elif kind in ("and", "or"):
            stack.extend((part, delayed) for part in item[1])
        elif kind == "cmp":
            stack.extend([(item[2], delayed), (item[3], delayed)])
        elif kind != "num":
            stack.extend((part, delayed) for part in item[1:])
    return dict(reversed(found.items()))


def children(node) -> list:
    """The sub-trees of a node (a call's arguments, a sum's terms, …)."""
    kind = node[0]
    if kind in ("num", "ref"):
        return []
    if kind == "call":
        return list(node[2])
    if kind in ("sum", "prod"):
        return [part for _, part in node[1]]
    if kind in ("and", "or"):
        return list(node[1])
    if kind == "cmp":
        return [node[2], node[3]]
    return list(node[1:])


def functions(node) -> set[str]:
    """The names of the functions an equation calls (lookups among them).

    >>> sorted(functions(parse("MAX(0, RANDOM UNIFORM(0, 1, 7)) * effect(x)")))
    ['effect', 'max', 'random uniform']
    """
    found, stack = set(), [node]
    while stack:
        item = stack.pop()
        if item[0] == "call":
            found.add(item[1])
        stack.extend(children(item))
    return found


def scan_references(text: str, dialect: str = "vensim") -> list[str]:
    """The names in an equation that :func:`parse` cannot read (names not followed by ``(``)."""
    tokens = _tokens(text, dialect)
    names = [value for i, (kind, value) in enumerate(tokens)
             if kind == "name" and tokens[i + 1:i + 2] != [("op", "(")]]
    return list(dict.fromkeys(names))
