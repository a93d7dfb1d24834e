"""Equations of Vensim and XMILE models: parsed, evaluated (safely, never with ``eval``), and probed
for the polarity of each input.

The supported subset is arithmetic (``+ - * / ^``, parentheses, numbers), comparisons and
``AND``/``OR``/``NOT``, ``MIN``, ``MAX``, ``ABS``, ``EXP``, ``LN``, ``SQRT``, ``IF THEN ELSE``
(Vensim ``IF THEN ELSE(c, a, b)``, XMILE ``IF c THEN a ELSE b``), lookups (tables of points,
interpolated) and the smoothing and delay functions, which at an equilibrium initial state equal their
first argument. Anything else parses as a function call that cannot be evaluated.

:func:`infer_polarities` evaluates an equation at the initial state, nudges each input up and down,
and reports ``+`` where the result moves the same way, ``-`` the opposite way, ``?`` where it does not
move, moves both ways (a kink), or cannot be evaluated.

Example
-------
>>> tree = parse("(Teacup Temperature - Room Temperature) / Characteristic Time", "vensim")
>>> sorted(references(tree))
['characteristic time', 'room temperature', 'teacup temperature']
>>> values = {"teacup temperature": 180, "room temperature": 70, "characteristic time": 10}
>>> evaluate(tree, values.__getitem__)
11.0
>>> infer_polarities(tree, values)
{'teacup temperature': '+', 'room temperature': '-', 'characteristic time': '-'}
"""

from __future__ import annotations

import bisect
import math
import re
from typing import Callable

__all__ = ["ExpressionError", "parse", "canonical", "references", "scan_references", "evaluate",
           "infer_polarities", "interpolate", "DELAY_FUNCTIONS"]

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
    text = text.replace("\\n", " ").replace("\\\\", "\\")
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


def scan_references(text: str, dialect: str = "vensim") -> list[str]:
    """The names in an equation that :func:`parse` cannot read (names not followed by ``(``)."""
    tokens = _tokens(text, dialect)
    names = [value for i, (kind, value) in enumerate(tokens)
             if kind == "name" and tokens[i + 1:i + 2] != [("op", "(")]]
    return list(dict.fromkeys(names))


def interpolate(table: list[tuple[float, float]], x: float) -> float:
    """A lookup table's value at ``x``: linear between points, flat beyond the ends.

    >>> interpolate([(0, 0), (10, 1)], 2.5), interpolate([(0, 0), (10, 1)], 20)
    (0.25, 1.0)
    """
    xs = [p[0] for p in table]
    i = bisect.bisect_right(xs, x)
    if i == 0:
        return float(table[0][1])
    if i >= len(table):
        return float(table[-1][1])
    (x0, y0), (x1, y1) = table[i - 1], table[i]
    return float(y0) if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)


_FUNCTIONS: dict[str, Callable[..., float]] = {
    "abs": abs, "exp": math.exp, "ln": math.log, "sqrt": math.sqrt,
    "min": min, "max": max, "integer": lambda x: float(math.trunc(x)), "int": lambda x: float(math.floor(x)),
}


def evaluate(node, value_of: Callable[[str], float], lookups=None) -> float:
    """The value of an equation, names read with ``value_of``; :class:`ExpressionError` if it has none."""
    lookups = lookups or {}
    try:
        result = _eval(node, value_of, lookups)
    except (ArithmeticError, ValueError, TypeError, KeyError) as exc:
        raise ExpressionError(f"cannot be evaluated ({exc.__class__.__name__})") from None
    if not math.isfinite(result):
        raise ExpressionError("has no finite value")
    return result


def _eval(node, value_of, lookups) -> float:
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "ref":
        return float(value_of(node[1]))
    if kind == "neg":
        return -_eval(node[1], value_of, lookups)
    if kind == "sum":
        total = 0.0
        for op, part in node[1]:
            total = total + _eval(part, value_of, lookups) if op == "+" else total - _eval(part, value_of, lookups)
        return total
    if kind == "prod":
        result = 1.0
        for op, part in node[1]:
            value = _eval(part, value_of, lookups)
            result = result * value if op == "*" else result / value if op == "/" else math.fmod(result, value)
        return result
    if kind == "pow":
        return math.pow(_eval(node[1], value_of, lookups), _eval(node[2], value_of, lookups))
    if kind == "cmp":
        a, b = _eval(node[2], value_of, lookups), _eval(node[3], value_of, lookups)
        return float({"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[node[1]])
    if kind == "and":
        return float(all(_eval(part, value_of, lookups) for part in node[1]))
    if kind == "or":
        return float(any(_eval(part, value_of, lookups) for part in node[1]))
    if kind == "not":
        return float(not _eval(node[1], value_of, lookups))
    if kind == "if":
        branch = node[2] if _eval(node[1], value_of, lookups) else node[3]
        return _eval(branch, value_of, lookups)
    return _call(node[1], node[2], value_of, lookups)


def _call(name: str, args: list, value_of, lookups) -> float:
    if name == "if then else" and len(args) == 3:
        branch = args[1] if _eval(args[0], value_of, lookups) else args[2]
        return _eval(branch, value_of, lookups)
    if name in lookups and len(args) == 1:
        return interpolate(lookups[name], _eval(args[0], value_of, lookups))
    if name in DELAY_FUNCTIONS and args:
        return _eval(args[0], value_of, lookups)
    function = _FUNCTIONS.get(name)
    if function is None or not args or (name not in ("min", "max") and len(args) != 1):
        raise ExpressionError(f"function {name.upper()} with {len(args)} argument(s) is not supported")
    return float(function(*[_eval(arg, value_of, lookups) for arg in args]))


def infer_polarities(node, values: dict[str, float], lookups=None) -> dict[str, str]:
    """For each name the equation reads: ``+``, ``-`` or ``?``, by nudging it around ``values``."""
    names = list(references(node))
    try:
        base = evaluate(node, values.__getitem__, lookups)
    except ExpressionError:
        return {name: "?" for name in names}
    result = {}
    for name in names:
        x = values.get(name)
        if x is None:
            result[name] = "?"
            continue
        step = 1e-6 * max(1.0, abs(x))
        signs = []
        for moved in (x + step, x - step):
            try:
                value = evaluate(node, lambda n, m=moved: m if n == name else values[n], lookups)
            except ExpressionError:
                signs.append(None)
                continue
            change = (value - base) * (1 if moved > x else -1)
            signs.append(0 if abs(change) <= 1e-12 * max(1.0, abs(base)) else (1 if change > 0 else -1))
        result[name] = {(1, 1): "+", (-1, -1): "-"}.get(tuple(signs), "?")
    return result
