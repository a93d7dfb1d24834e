"""Model identifiers: any variable name made into a valid, unique name for XMILE, Vensim and PySD.

Map ids may hold spaces, punctuation and Danish letters. System-dynamics tools compare names
ignoring case and treat a space and ``_`` alike, and reserve some names (``TIME``, ``MIN``, …).
:class:`Namer` keeps letters of every alphabet (``søvn`` stays ``søvn``), turns everything else
into ``_``, and hands out each name once, ignoring case (``x``, ``x_2``, …).

Example
-------
>>> names = Namer()
>>> names.make("Søvn & ro!"), names.make("søvn  ro"), names.make("2nd try"), names.make("time")
('Søvn_ro', 'søvn_ro_2', 'v_2nd_try', 'time_var')
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["Namer", "RESERVED"]

RESERVED = frozenset({
    # clock and simulation settings
    "time", "initial_time", "final_time", "time_step", "saveper", "dt", "starttime", "stoptime",
    # functions and words of Vensim, XMILE and the Python PySD writes
    "min", "max", "abs", "exp", "ln", "log", "sqrt", "integ", "integer", "int", "mod", "modulo",
    "smooth", "smoothi", "smooth3", "smooth3i", "smth1", "smth3", "smthn", "trend", "forecast",
    "delay", "delay1", "delay1i", "delay3", "delay3i", "delayn", "delay_fixed",
    "if", "then", "else", "if_then_else", "and", "or", "not", "step", "ramp", "pulse", "pulse_train",
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "pi", "e", "inf", "nan", "true", "false",
    "random_uniform", "random_normal", "with_lookup", "lookup", "zidz", "xidz", "sum", "prod",
    "a_function_of", "get_time_value", "initial", "init", "active_initial", "none", "self",
})
"""Names a model variable must not take (compared ignoring case); a clash gets ``_var`` added."""

_NOT_WORD = re.compile(r"[^\w]+|_+")


class Namer:
    """Hands out valid model identifiers, unique ignoring case and the space/underscore difference."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def make(self, text: str) -> str:
        """A new identifier made from ``text``; never one handed out before."""
        base = _NOT_WORD.sub("_", unicodedata.normalize("NFC", str(text))).strip("_") or "v"
        if base[0].isdigit():
            base = f"v_{base}"
        if base.casefold() in RESERVED:
            base = f"{base}_var"
        name, n = base, 1
        while name.casefold() in self._taken:
            n += 1
            name = f"{base}_{n}"
        self._taken.add(name.casefold())
        return name
