"""An imported equation as a map's ``equation:``, in the syntax ``gmb simulate`` runs.

A map's equation (:mod:`gmb.sd.equations`) may use numbers, variables by id, ``TIME``, ``DT``,
``+ - * / ^``, comparisons, ``AND``/``OR``/``NOT``, ``IF … THEN … ELSE``, ``LOOKUP(x, (x1, y1), …)``
and the functions of Vensim and XMILE listed in :data:`MAP_FUNCTIONS` (``SMOOTH N`` is ``SMOOTHN``,
``PULSE TRAIN`` ``PULSE_TRAIN``; XMILE's ``SMTH1``, ``DELAYN`` … take Vensim's arguments).
:func:`to_map_equation` writes a Vensim or XMILE syntax tree in it, or says what it cannot write
(XMILE's ``PULSE``, ``RANDOM …``, ``SAMPLE IF TRUE`` …): such a variable keeps the causal-map
formulation. Names are written as the map's ids (letters, digits and ``_``), never as the file's
text; a lookup's points are written as numbers. ``INITIAL TIME``, ``FINAL TIME`` and ``SAVEPER``
are written as the file's numbers, ``TIME STEP`` as ``DT``.

Example
-------
>>> from gmb.formats.expressions import parse
>>> tree = parse("(Teacup Temperature - Room Temperature) / Characteristic Time", "vensim")
>>> ids = {"teacup temperature": "teacup_temperature", "room temperature": "room_temperature",
...        "characteristic time": "characteristic_time"}
>>> to_map_equation(tree, ids)
('(teacup_temperature - room_temperature) / characteristic_time', '')
>>> to_map_equation(parse("IF THEN ELSE(a > 1 :AND: b, STEP(1, 5), tbl(a))"), {"a": "a", "b": "b"},
...                 lookups={"tbl": [(0, 0), (2, 1)]})
('IF (a > 1) AND b THEN STEP(1, 5) ELSE LOOKUP(a, (0, 0), (2, 1))', '')
>>> to_map_equation(parse("RANDOM UNIFORM(0, 1, 7)"), {})
(None, 'RANDOM UNIFORM')
"""

from __future__ import annotations

import math
import re

__all__ = ["to_map_equation", "MAP_FUNCTIONS"]

MAP_FUNCTIONS = {name.lower(): name for name in (
    "ABS", "EXP", "LN", "SQRT", "SIN", "COS", "TAN", "ARCSIN", "ARCCOS", "ARCTAN", "INTEGER", "MODULO", "XIDZ",
    "ZIDZ", "STEP", "RAMP", "PULSE", "INITIAL", "SMOOTH", "SMOOTHI", "SMOOTH3", "SMOOTH3I", "DELAY1", "DELAY1I",
    "DELAY3", "DELAY3I")} | {"pulse train": "PULSE_TRAIN", "smooth n": "SMOOTHN", "delay n": "DELAYN",
                             "delay fixed": "DELAY_FIXED", "int": "INTEGER", "init": "INITIAL"}
"""The file's function names (canonical) that a map's equation knows, with the map's name."""
_XMILE_ONLY = {"pulse"}  # XMILE's PULSE(magnitude, first, interval) is not Vensim's
_XMILE_STATE = {"smth1": ("SMOOTH", "SMOOTHI"), "smth3": ("SMOOTH3", "SMOOTH3I"), "delay1": ("DELAY1", "DELAY1I"),
                "delay3": ("DELAY3", "DELAY3I")}
_ARITY = {"STEP": (2, 2), "RAMP": (2, 3), "PULSE": (2, 2), "PULSE_TRAIN": (4, 4), "LOG": (2, 2), "MODULO": (2, 2),
          "XIDZ": (3, 3), "ZIDZ": (2, 2), "SMOOTH": (2, 2), "SMOOTHI": (3, 3), "SMOOTH3": (2, 2), "SMOOTH3I": (3, 3),
          "SMOOTHN": (4, 4), "DELAY1": (2, 2), "DELAY1I": (3, 3), "DELAY3": (2, 2), "DELAY3I": (3, 3),
          "DELAYN": (4, 4), "DELAY_FIXED": (3, 3)}
"""How many arguments the map's functions take (the others one; MIN and MAX are nested pairs)."""
_ID = re.compile(r"[^\W\d]\w*")
_KEYWORDS = {"time", "dt", "if", "then", "else", "and", "or", "not"}


class _Unsupported(Exception):
    """What a map's equation cannot say (its name is the message)."""


def to_map_equation(tree, ids: dict[str, str], start_time: float = 0.0, lookups=(), dialect: str = "vensim",
                    clock: dict[str, float] | None = None) -> tuple[str | None, str]:
    """``(text, "")``, or ``(None, what it cannot write)``; ``ids`` maps the file's names to map ids,
    ``lookups`` the model's lookups to their points, ``clock`` the run's settings by canonical name
    (``final time``, ``saveper``), ``dialect`` the file's (``vensim`` or ``xmile``).

    ``TIME`` counts from the model's start: a model that starts at ``start_time`` ≠ 0 reads
    ``(TIME + start_time)``, as ``gmb simulate`` starts at 0.
    """
    clock = {"initial time": start_time, "starttime": start_time, **(clock or {})}
    clock.update({"stoptime": clock.get("final time")})
    try:
        return _Writer(ids, start_time, dict(lookups) if lookups else {}, dialect, clock).text(tree), ""
    except _Unsupported as exc:
        name = str(exc)
        return None, f"the lookup {name.lower()!r}" if name.lower() in dict(lookups or {}) else name


class _Writer:
    def __init__(self, ids, start, lookups, dialect, clock):
        self.ids, self.start, self.lookups, self.xmile, self.clock = ids, start, lookups, dialect == "xmile", clock

    def number(self, value) -> str:
        value = float(value)
        if not math.isfinite(value):
            raise _Unsupported("a number that is not finite")
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)

    def text(self, node) -> str:
        kind = node[0]
        if kind == "num":
            return self.number(node[1])
        if kind == "ref":
            return self.ref(node[1])
        if kind == "neg":
            return f"(-{self.wrap(node[1])})"
        if kind == "sum":
            text = self.text(node[1][0][1])  # a sum's first term is always added
            for op, part in node[1][1:]:
                inner = self.text(part)
                text += f" {op} " + (f"({inner})" if part[0] in ("sum", "cmp", "and", "or", "not", "if") else inner)
            return text
        if kind == "prod":
            text = self.wrap(node[1][0][1])
            for op, part in node[1][1:]:
                if op == "mod":
                    text = f"MODULO({text}, {self.text(part)})"
                    continue
                inner = self.wrap(part)
                text += f" {op} " + (f"({inner})" if op == "/" and part[0] == "prod" else inner)
            return text
        if kind == "pow":
            return f"{self.wrap(node[1])} ^ {self.wrap(node[2])}"
        if kind == "cmp":
            return f"{self.wrap(node[2])} {node[1]} {self.wrap(node[3])}"
        if kind in ("and", "or"):
            return f" {kind.upper()} ".join(self.wrap(part) for part in node[1])
        if kind == "not":
            return f"NOT {self.wrap(node[1])}"
        if kind == "if":
            return f"IF {self.text(node[1])} THEN {self.text(node[2])} ELSE {self.text(node[3])}"
        if kind == "call":
            return self.call(node[1], node[2])
        raise _Unsupported(kind)

    def ref(self, name: str) -> str:
        if name == "time":
            return f"(TIME + {self.number(self.start)})" if self.start else "TIME"
        if name in ("time step", "dt"):
            return "DT"
        if name in self.clock and name not in self.ids:
            if self.clock[name] is None:
                raise _Unsupported(name.upper())
            return self.number(self.clock[name])
        var = self.ids.get(name)
        if var is None or not _ID.fullmatch(var) or var.casefold() in _KEYWORDS:
            raise _Unsupported(name.upper() if var is None else f"the name {name!r}")
        return var

    def call(self, name: str, args: list) -> str:
        texts = lambda: [self.text(a) for a in args]  # noqa: E731 - only once the call is known
        if name in self.lookups and len(args) == 1:
            points = ", ".join(f"({self.number(x)}, {self.number(y)})" for x, y in self.lookups[name])
            return f"LOOKUP({self.text(args[0])}, {points})"
        if name in ("min", "max") and len(args) >= 2:
            text = self.text(args[0])
            for arg in args[1:]:
                text = f"{name.upper()}({text}, {self.text(arg)})"
            return text
        if name == "if then else" and len(args) == 3:
            cond, yes, no = texts()
            return f"IF {cond} THEN {yes} ELSE {no}"
        if name == "log" and len(args) in (1, 2):  # XMILE's LOG10 is a call of its own
            return f"LOG({', '.join(texts())}{', 10' if len(args) == 1 else ''})"
        if name == "log10" and len(args) == 1:
            return f"LOG({self.text(args[0])}, 10)"
        if name == "pi" and not args:
            return "PI()"
        if name == "safediv" and len(args) in (2, 3):
            return self.function("XIDZ" if len(args) == 3 else "ZIDZ", texts())
        if self.xmile:
            return self.xmile_call(name, args, texts)
        if name in MAP_FUNCTIONS:
            return self.function(MAP_FUNCTIONS[name], texts())
        raise _Unsupported(name.upper())

    def xmile_call(self, name: str, args: list, texts) -> str:
        """XMILE's delays and smooths take the start last and the order before it."""
        if name in _XMILE_STATE and len(args) in (2, 3):
            plain, started = _XMILE_STATE[name]
            return self.function(plain if len(args) == 2 else started, texts())
        if name in ("smthn", "delayn") and len(args) in (3, 4):
            x, time, order, *start = texts()
            return f"{'SMOOTHN' if name == 'smthn' else 'DELAYN'}({x}, {time}, {start[0] if start else x}, {order})"
        if name == "delay" and len(args) in (2, 3):
            x, time, *start = texts()
            return f"DELAY_FIXED({x}, {time}, {start[0] if start else x})"
        if name in MAP_FUNCTIONS and name not in _XMILE_ONLY:
            return self.function(MAP_FUNCTIONS[name], texts())
        raise _Unsupported(name.upper())

    def function(self, func: str, texts: list[str]) -> str:
        least, most = _ARITY.get(func, (1, 1))
        if not least <= len(texts) <= most:
            raise _Unsupported(f"{func} with {len(texts)} argument(s)")
        return f"{func}({', '.join(texts)})"

    def wrap(self, node) -> str:
        """An operand in parentheses unless it is a number, a name or a call."""
        text = self.text(node)
        return text if node[0] in ("ref", "call", "num") and not text.startswith("(") else f"({text})"
