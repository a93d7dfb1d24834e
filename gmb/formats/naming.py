"""Ids and text for imported maps: short unique ids made from names, and text safe to save.

Other tools name variables by label ("Screen time") or by opaque ids ("elem-x8Fq"); gmb ids are
short names such as ``screen_time``. :class:`IdMaker` turns names into such ids, unique ignoring
case, and remembers which id each name got. :func:`clean_text` makes text from a file safe to write
to a map file (no lone surrogates or control characters other than line breaks and tabs).

Example
-------
>>> ids = IdMaker()
>>> ids.make("Screen time"), ids.make("Screen-time"), ids.make("Skærmtid"), ids.make("  ")
('screen_time', 'screen_time_2', 'skærmtid', 'variable')
>>> clean_text("Søvn\\x00 og\\ud800 hvile\\n")
'Søvn og� hvile'
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

__all__ = ["IdMaker", "slug", "clean_text", "finite_number"]

_MAX_ID = 60


def slug(name: Any, fallback: str = "variable") -> str:
    """A lower-case id from a name: letters and digits kept, anything else one ``_``."""
    text = unicodedata.normalize("NFKC", clean_text(name)).casefold()
    text = re.sub(r"[^\w]+|_+", "_", text).strip("_")[:_MAX_ID].strip("_")
    return text or fallback


class IdMaker:
    """Hands out ids made from names, unique ignoring case (``x``, ``x_2``, …)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def make(self, name: Any, fallback: str = "variable") -> str:
        """A new id for ``name`` (never one handed out before)."""
        base = slug(name, fallback)
        candidate, number = base, 1
        while candidate.casefold() in self._taken:
            number += 1
            candidate = f"{base}_{number}"
        self._taken.add(candidate.casefold())
        return candidate


def clean_text(value: Any) -> str:
    """``value`` as text without surrounding space, lone surrogates or control characters (``\\n``, ``\\t`` kept)."""
    text = "" if value is None else str(value)
    out = []
    for ch in text:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")
        elif ch in "\n\t" or not unicodedata.category(ch).startswith("C") or ch == "\u200d":
            out.append(ch)
    return "".join(out).strip()


def finite_number(value: Any) -> float | None:
    """``value`` as a finite float (from a number or numeric text), else ``None``.

    >>> finite_number("0.62"), finite_number(-1), finite_number("nan"), finite_number(True)
    (0.62, -1.0, None, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None
