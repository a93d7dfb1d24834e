"""How other tools write a link's sign and strength, and one warning line per kind of thing not understood.

Signs (:func:`sign_of`): ``+``/``-``, words (``positive``, ``same``, ``opposite``, …, see
:data:`gmb.formats.builder.POLARITY_WORDS`), signed numbers, and Kumu's pre/post labels: its system
mapping guide makes the connection type ``++``/``--`` put the same sign on both ends (both rise or
both fall: polarity ``+``) and ``+-``/``-+`` opposite signs (one rises as the other falls: ``-``).

Strengths (:func:`strength_word`): weak/medium/strong, also low/moderate/high and Danish
svag/middel/stærk. Mental Modeler (:func:`mental_modeler_influence`) writes an influence as a number
from -1 to 1 or, in older files, a label: its CMapConstants give H± = ±1, M± = ±0.62, L± = ±0.25,
which gmb reads as strong, medium and weak; other numbers go to the nearest of these levels.

:class:`Unmapped` counts what could not be mapped, so that an importer reports each kind in one line;
:class:`KeptIds` gives back the variable ids gmb wrote into a file it exported.

Example
-------
>>> [sign_of(x) for x in ("++", "--", "+-", "-+", "opposite", -2, "maybe")]
['+', '+', '-', '-', '-', '-', None]
>>> mental_modeler_influence("M-"), mental_modeler_influence("0.95")
(('-', 'medium', True), ('+', 'strong', False))
>>> unmapped = Unmapped("kumu.json")
>>> for value in ("maybe", "maybe", "likes"):
...     unmapped.add("{count} connections with type {values} imported as ? (polarity unknown)", value)
>>> unmapped.lines()
["kumu.json: 3 connections with type 'maybe' (2), 'likes' (1) imported as ? (polarity unknown)"]
"""

from __future__ import annotations

import numbers
from collections import Counter
from typing import Any, Iterable

from gmb.formats.builder import parse_polarity
from gmb.formats.naming import IdMaker, clean_text, finite_number
from gmb.maps.limits import examples

__all__ = ["sign_of", "strength_word", "mental_modeler_influence", "MENTAL_MODELER_LEVELS", "Unmapped", "KeptIds"]

_BOTH_ENDS = {"++": "+", "--": "+", "+-": "-", "-+": "-"}
"""Kumu's pre/post labels: the sign at each end of the connection; the polarity is their product."""
_STRENGTHS = {"weak": "weak", "low": "weak", "slight": "weak", "svag": "weak", "lav": "weak",
              "medium": "medium", "moderate": "medium", "middel": "medium", "mellem": "medium",
              "strong": "strong", "high": "strong", "stærk": "strong", "høj": "strong"}
MENTAL_MODELER_LEVELS = {"L": ("weak", 0.25), "M": ("medium", 0.62), "H": ("strong", 1.0)}
"""Mental Modeler's labelled influences: level → (gmb strength class, the size of its number)."""


def sign_of(value: Any) -> str | None:
    """``+``, ``-`` or ``?`` from a sign written in one of the ways above; None if it is none of them (or empty)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = value.strip().replace("−", "-").replace("–", "-")
        if not text:
            return None
        if text in _BOTH_ENDS:
            return _BOTH_ENDS[text]
        value = text
    elif not isinstance(value, numbers.Real) or finite_number(value) is None:
        return None
    try:
        return parse_polarity(value)
    except ValueError:
        return None


def strength_word(value: Any) -> str | None:
    """The strength class a word names (``Strong`` → ``strong``, ``low`` → ``weak``); None if it names none."""
    return _STRENGTHS.get(value.strip().casefold()) if isinstance(value, str) else None


def mental_modeler_influence(value: Any) -> tuple[str, str | None, bool] | None:
    """``(polarity, strength class, exact)`` of a Mental Modeler influence; None if it is neither a label
    (``H+`` … ``L-``) nor a number. ``exact`` is False for a number between Mental Modeler's levels."""
    text = clean_text(value).upper().replace("−", "-")
    if len(text) == 2 and text[0] in MENTAL_MODELER_LEVELS and text[1] in "+-":
        return text[1], MENTAL_MODELER_LEVELS[text[0]][0], True
    number = finite_number(value)
    if number is None:
        return None
    if number == 0:
        return "?", None, True
    size = abs(number)
    nearest = min(MENTAL_MODELER_LEVELS.values(), key=lambda level: abs(level[1] - size))
    return ("+" if number > 0 else "-"), nearest[0], abs(nearest[1] - size) < 1e-9


class Unmapped:
    """What an importer could not map, counted by kind; :meth:`lines` gives one warning line per kind."""

    def __init__(self, path: Any) -> None:
        self.path = str(path)
        self.kinds: dict[str, Counter] = {}

    def add(self, kind: str, value: Any = None) -> None:
        """Count one ``value`` of ``kind``: a message with ``{count}`` and ``{values}`` to fill in."""
        self.kinds.setdefault(kind, Counter())[value] += 1

    def lines(self) -> list[str]:
        """One line per kind: the file, how many, and the values (the most frequent first)."""
        out = []
        for kind, counts in self.kinds.items():
            ranked = counts.most_common()
            shown = ([_quoted(ranked[0][0])] if len(ranked) == 1
                     else [f"{_quoted(value)} ({count:,})" for value, count in ranked])
            out.append(f"{self.path}: " + kind.format(count=f"{sum(counts.values()):,}",
                                                      values=examples(shown, len(ranked))))
        return out


def _quoted(value: Any) -> str:
    return repr(clean_text(value)[:40]) if isinstance(value, str) else str(value)


class KeptIds(IdMaker):
    """An :class:`IdMaker` that first reserves the variable ids a file kept from gmb's own export, so
    that ids made from other names never take them; :meth:`take` hands each kept id out once.

    >>> ids = KeptIds(["sleep", None])
    >>> ids.make("Sleep"), ids.take("sleep", "Søvn"), ids.take("sleep", "Søvn")
    ('sleep_2', 'sleep', 'søvn')
    """

    def __init__(self, kept: Iterable[Any]) -> None:
        super().__init__()
        self._kept: dict[str, None] = {}
        for value in kept:
            text = clean_text(value) if isinstance(value, str) else ""
            if text and not any(ch in text for ch in "\n\r\t") and text.casefold() not in self._taken:
                self._taken.add(text.casefold())
                self._kept[text] = None

    def take(self, kept: Any, name: Any) -> str:
        """The kept id ``kept`` if it is one not handed out yet, else a new id made from ``name``."""
        text = clean_text(kept) if isinstance(kept, str) else ""
        if text in self._kept:
            del self._kept[text]
            return text
        return self.make(name)
