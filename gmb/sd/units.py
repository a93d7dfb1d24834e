"""A units check of the model files: does each equation's right side have its left side's units?

PySD 3.14 checks no units, so gmb checks the elements its writers render
(:func:`gmb.sd.formulas.file_elements`, the files' equations with the units they declare). Units are
products of powers of names (``children/Month``, ``1/(Month*children)``; ``dmnl``, ``1`` and nothing
are dimensionless); names compare ignoring case, and ``Months`` is ``Month``. Text that is not such
an expression counts as one name. As in the files, a bare number has no units: it is dimensionless
in a product, a quotient, a power or a function's argument, and takes the units of the other side in
a sum, a difference, a comparison, ``MIN`` / ``MAX``, ``IF`` or a delay's start value (so ``x − 1``
is fine; ``children / 20`` is children). gmb writes every other number that has units (today's
values, adjust times, delays, bounds) as a named constant with its units, so its own equations balance.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.formulas import file_elements
>>> from gmb.sd.spec import build_spec
>>> cmap = CausalMap.new("demo")
>>> cmap.add_variable("kids", "Kids", kind="stock", units="children", initial=100)
>>> cmap.add_variable("leaving", "Leaving", equation="kids / 20", units="children/month")
>>> _ = cmap.add_link("leaving", "kids", "-", flow="outflow")
>>> spec = build_spec(cmap)
>>> check_units(spec, file_elements(spec))
['`leaving` = kids / 20: the right side is in children, the left side in children/month']
>>> parse_units("1/(Month*children)") == parse_units("children^-1 / months")
True
"""

from __future__ import annotations

import re
from fractions import Fraction

from gmb.sd.equations import BinOp, Call, Compare, Ident, IfElse, Neg, Node, Num, Ref, Smooth3, Time, render
from gmb.sd.spec import ModelSpec

__all__ = ["parse_units", "format_units", "divide", "check_units", "DIMENSIONLESS"]

DIMENSIONLESS = "dmnl"
"""The units text gmb writes for a dimensionless element (Vensim's ``Dmnl``)."""

Units = dict[str, Fraction]
"""A name → its power; ``{}`` is dimensionless. Names that differ only in case are one name."""

_TOKEN = re.compile(r"\s*(?:(?P<op>[*/()^])|(?P<num>[-+]?\d+(?:\.\d+)?(?=\s*(?:[*/)]|$)))|(?P<name>[^*/()^]+))")
_NONE = {"", "1", "dmnl", "dimensionless", "unitless"}


class _Mismatch(Exception):
    """A sub-expression whose units do not fit; the message says where."""


def parse_units(text: str, time_unit: str = "month") -> Units:
    """The powers in a units text; text that does not parse is one name.

    >>> parse_units("children/months") == {"children": 1, "Month": -1}
    True
    >>> parse_units("1.5 (weird") == {"1.5 (weird": 1}
    True
    """
    text = str(text).strip()
    if text.casefold() in _NONE:
        return {}
    try:
        tokens = _tokens(text)
        units, rest = _product(tokens, time_unit)
        if rest:
            raise ValueError(text)
        return units
    except (ValueError, IndexError, ZeroDivisionError):
        return {_name(text, time_unit): Fraction(1)}


def format_units(units: Units) -> str:
    """Units as text: ``a*b/(c*d^2)``, ``1/c``, or ``dmnl``.

    >>> format_units({"children": Fraction(1), "Month": Fraction(-1)})
    'children/Month'
    """
    def part(powers):
        return "*".join(name if power == 1 else f"{name}^{float(power):g}" for name, power in powers)
    top = sorted((n, p) for n, p in units.items() if p > 0)
    bottom = sorted((n, -p) for n, p in units.items() if p < 0)
    if not bottom:
        return part(top) or DIMENSIONLESS
    under = part(bottom)
    return f"{part(top) or '1'}/{f'({under})' if len(bottom) > 1 else under}"


def check_units(spec: ModelSpec, elements: list) -> list[str]:
    """One line per element (:class:`gmb.sd.formulas.Element`) whose equation's units differ from its
    declared units (empty: consistent); a stock's inflows and outflows must be in the stock's units
    per time unit."""
    time_unit = spec.time_unit
    declared = {e.name: parse_units(e.units, time_unit) for e in elements}
    names = {var.id: var.name for var in spec.variables.values()}
    per_time = {_name(time_unit, time_unit): Fraction(1)}
    problems = []
    for element in elements:
        try:
            got = _units(element.equation, declared, names, time_unit)
            if got is not None and _canon(got) != _canon(declared[element.name]):
                raise _Mismatch(f"the right side is in {format_units(got)}, the left side in {element.units or 'dmnl'}")
            for flow in (*element.inflows, *element.outflows):
                want = divide(declared[element.name], per_time)
                flow_units = declared.get(flow, {})
                if _canon(flow_units) != _canon(want):
                    raise _Mismatch(f"its flow `{flow}` is in {format_units(flow_units)}, not {format_units(want)}")
        except _Mismatch as exc:
            problems.append(f"`{element.name}` = {render(element.equation, 'xmile', names.__getitem__)}: {exc}")
    return problems


def _units(node: Node, declared: dict[str, Units], names: dict[str, str], time_unit: str) -> Units | None:
    """The units of an expression; None for a bare number (it takes the units its place needs)."""
    def of(child):
        return _units(child, declared, names, time_unit)

    if isinstance(node, Num):
        return None
    if isinstance(node, (Ref, Ident)):
        name = names[node.var] if isinstance(node, Ref) else node.name
        if name not in declared:
            raise _Mismatch(f"`{name}` has no units (it is not in the model)")
        return declared[name]
    if isinstance(node, Time):
        return {_name(time_unit, time_unit): Fraction(1)}
    if isinstance(node, Neg) or (isinstance(node, Call) and node.func == "ABS"):
        return of(node.arg if isinstance(node, Neg) else node.args[0])
    if isinstance(node, BinOp) and node.op in "*/":
        left, right = of(node.left) or {}, of(node.right) or {}
        return _times(left, right) if node.op == "*" else divide(left, right)
    if isinstance(node, BinOp) and node.op == "^":
        base = of(node.left)
        _dimensionless(of(node.right), "an exponent")
        exponent = node.right.arg if isinstance(node.right, Neg) else node.right
        if isinstance(exponent, Num):
            power = Fraction(exponent.value).limit_denominator(1000) * (-1 if exponent is not node.right else 1)
            return base and {n: p * power for n, p in base.items()}
        return _dimensionless(base, "the base of a power with a variable exponent")
    if isinstance(node, (BinOp, Compare)):
        same = _same(of(node.left), of(node.right), node.op)
        return {} if isinstance(node, Compare) else same
    if isinstance(node, Call) and node.func in ("MIN", "MAX"):
        return _same(of(node.args[0]), of(node.args[1]), node.func)
    if isinstance(node, Call) and node.func == "SQRT":
        arg = of(node.args[0])
        return arg and {n: p / 2 for n, p in arg.items()}
    if isinstance(node, Call):
        _dimensionless(of(node.args[0]), f"the argument of {node.func}")
        return {}
    if isinstance(node, IfElse):
        of(node.cond)
        return _same(of(node.then), of(node.other), "IF THEN ELSE")
    if isinstance(node, Smooth3):
        time = of(node.time)
        if time is not None and _canon(time) != _canon({_name(time_unit, time_unit): Fraction(1)}):
            raise _Mismatch(f"a delay time in {format_units(time)}, not {time_unit}s")
        return _same(of(node.arg), of(node.initial), "a delay's input and start")
    raise _Mismatch(f"cannot check {type(node).__name__}")


def _same(a: Units | None, b: Units | None, what: str) -> Units | None:
    if a is not None and b is not None and _canon(a) != _canon(b):
        raise _Mismatch(f"{what} joins {format_units(a)} and {format_units(b)}")
    return a if a is not None else b


def _dimensionless(units: Units | None, what: str) -> Units:
    if units:
        raise _Mismatch(f"{what} is in {format_units(units)}, not dimensionless")
    return {}


def _times(a: Units, b: Units) -> Units:
    out, spelled = dict(a), {name.casefold(): name for name in a}
    for name, power in b.items():
        name = spelled.setdefault(name.casefold(), name)
        out[name] = out.get(name, 0) + power
    return {n: p for n, p in out.items() if p != 0}


def divide(a: Units, b: Units) -> Units:
    """``a / b``.

    >>> format_units(divide(parse_units("children/month"), parse_units("Children")))
    '1/Month'
    """
    return _times(a, {name: -power for name, power in b.items()})


def _canon(units: Units) -> Units:
    return {n.casefold(): p for n, p in units.items()}


def _name(text: str, time_unit: str) -> str:
    """A unit's name with spaces collapsed; the time unit and its plural as ``Month``."""
    name = " ".join(text.split())
    return time_unit.capitalize() if name.casefold() in (time_unit.casefold(), f"{time_unit}s".casefold()) else name


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text) and text[pos:].strip():
        match = _TOKEN.match(text, pos)
        if not match:
            raise ValueError(text)
        tokens.append((match.lastgroup, match.group(match.lastgroup).strip()))
        pos = match.end()
    return tokens


def _product(tokens, time_unit):
    """``factor (('*' | '/') factor)*`` → (units, the tokens left)."""
    units, tokens = _factor(tokens, time_unit)
    while tokens and tokens[0] in (("op", "*"), ("op", "/")):
        right, rest = _factor(tokens[1:], time_unit)
        units = _times(units, right) if tokens[0][1] == "*" else divide(units, right)
        tokens = rest
    return units, tokens


def _factor(tokens, time_unit):
    """``(name | number | '(' product ')') ('^' number)?``; a number must be 1."""
    kind, value = tokens[0]
    if (kind, value) == ("op", "("):
        units, tokens = _product(tokens[1:], time_unit)
        if not tokens or tokens[0] != ("op", ")"):
            raise ValueError("unbalanced")
        tokens = tokens[1:]
    elif kind == "name":
        units, tokens = ({} if value.casefold() in _NONE else {_name(value, time_unit): Fraction(1)}), tokens[1:]
    elif kind == "num" and float(value) == 1:
        units, tokens = {}, tokens[1:]
    else:
        raise ValueError(value)
    if tokens and tokens[0] == ("op", "^"):
        power = Fraction(tokens[1][1])
        units, tokens = {n: p * power for n, p in units.items()}, tokens[2:]
    return units, tokens
