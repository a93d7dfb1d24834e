"""An imported equation as a map's ``equation:``, in the syntax ``gmb simulate`` runs.

A map's equation (:mod:`gmb.sd.equations`) may use numbers, variables by id, ``TIME``,
``+ - * / ^``, parentheses, ``MIN``/``MAX`` of two values, ``ABS``, ``EXP``, ``LN`` and ``SQRT``.
:func:`to_map_equation` writes a Vensim or XMILE syntax tree in it, or says what it cannot write
(a lookup, ``IF THEN ELSE``, a delay …): such a variable keeps the causal-map formulation.
Names are written as the map's ids (letters, digits and ``_``), never as the file's text.

Example
-------
>>> from gmb.formats.expressions import parse
>>> tree = parse("(Teacup Temperature - Room Temperature) / Characteristic Time", "vensim")
>>> ids = {"teacup temperature": "teacup_temperature", "room temperature": "room_temperature",
...        "characteristic time": "characteristic_time"}
>>> to_map_equation(tree, ids)
('(teacup_temperature - room_temperature) / characteristic_time', '')
>>> to_map_equation(parse("MAX(a, b, c) * STEP(1, 5)"), {"a": "a", "b": "b", "c": "c"})
(None, 'STEP')
"""

from __future__ import annotations

import re

__all__ = ["to_map_equation", "MAP_FUNCTIONS"]

MAP_FUNCTIONS = {"abs": "ABS", "exp": "EXP", "ln": "LN", "sqrt": "SQRT"}
"""The one-argument functions a map's equation knows (``MIN``/``MAX`` take two)."""
_ID = re.compile(r"[^\W\d]\w*")


class _Unsupported(Exception):
    """What a map's equation cannot say (its name is the message)."""


def to_map_equation(tree, ids: dict[str, str], start_time: float = 0.0, lookups=()) -> tuple[str | None, str]:
    """``(text, "")``, or ``(None, what it cannot write)``; ``ids`` maps the file's names to map ids,
    ``lookups`` names the model's lookups (tables, which a map's equation cannot hold).

    ``TIME`` counts from the model's start: a model that starts at ``start_time`` ≠ 0 reads
    ``(TIME + start_time)``, as ``gmb simulate`` starts at 0.
    """
    try:
        return _text(tree, ids, start_time), ""
    except _Unsupported as exc:
        name = str(exc)
        return None, f"the lookup {name.lower()!r}" if name.lower() in lookups else name


def _text(node, ids, start) -> str:
    kind = node[0]
    if kind == "num":
        value = float(node[1])
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if kind == "ref":
        if node[1] == "time":
            return f"(TIME + {_text(('num', start), ids, start)})" if start else "TIME"
        var = ids.get(node[1])
        if var is None or not _ID.fullmatch(var) or var.casefold() == "time":
            raise _Unsupported(node[1].upper() if var is None else f"the name {node[1]!r}")
        return var
    if kind == "neg":
        return f"(-{_wrap(node[1], ids, start)})"
    if kind == "sum":
        text = _text(node[1][0][1], ids, start)  # a sum's first term is always added
        for op, part in node[1][1:]:
            inner = _text(part, ids, start)
            text += f" {op} " + (f"({inner})" if part[0] == "sum" else inner)
        return text
    if kind == "prod":
        if any(op not in ("*", "/") for op, _ in node[1]):
            raise _Unsupported("MODULO")
        text = _wrap(node[1][0][1], ids, start)
        for op, part in node[1][1:]:
            inner = _wrap(part, ids, start)
            text += f" {op} " + (f"({inner})" if op == "/" and part[0] == "prod" else inner)
        return text
    if kind == "pow":
        return f"{_wrap(node[1], ids, start)} ^ {_wrap(node[2], ids, start)}"
    if kind == "call":
        name, args = node[1], node[2]
        if name in ("min", "max") and len(args) >= 2:
            text = _text(args[0], ids, start)
            for arg in args[1:]:
                text = f"{name.upper()}({text}, {_text(arg, ids, start)})"
            return text
        if name in MAP_FUNCTIONS and len(args) == 1:
            return f"{MAP_FUNCTIONS[name]}({_text(args[0], ids, start)})"
        raise _Unsupported(name.upper())
    raise _Unsupported({"cmp": "a comparison", "if": "IF THEN ELSE", "and": "AND", "or": "OR",
                        "not": "NOT"}.get(kind, kind))


def _wrap(node, ids, start) -> str:
    """An operand in parentheses unless it is a number, a name or a call."""
    text = _text(node, ids, start)
    return text if node[0] in ("ref", "call", "num") and not text.startswith("(") else f"({text})"
