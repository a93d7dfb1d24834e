"""Words every result shown to people shares: the caveat, and which way to push.

A simulation of a hand-drawn map compares scenarios with each other; it does not forecast. Every
table, picture and page of results says so in the reader's language (:func:`caveat`). A leverage
ranking tells which way to push each candidate (:func:`direction_word`): a higher outcome is taken
to be better, so "decrease" means that pushing it down raises the outcome.

Example
-------
>>> caveat("da")
'Sammenligning mellem scenarier i et tegnet kort — ikke en prognose'
>>> caveat("sv") == caveat("en")
True
>>> direction_word("decrease", "da"), direction_word("increase", "en"), direction_word("decrease", "en", "action")
('mindsk', 'increase', 'avoid')
>>> direction_word("increase", "da", "idea"), direction_word("decrease", "da", "idea")
('gennemfør', 'undgå')
"""

from __future__ import annotations

__all__ = ["CAVEAT", "DIRECTIONS", "caveat", "direction_word", "words"]

CAVEAT = {
    "da": "Sammenligning mellem scenarier i et tegnet kort — ikke en prognose",
    "en": "A comparison between scenarios of a hand-drawn map — not a forecast",
}
"""The caveat every result for people carries (others use English)."""

DIRECTIONS = {
    "da": {"increase": "øg", "decrease": "mindsk", "avoid": "undgå", "do": "gennemfør", "none": "–"},
    "en": {"increase": "increase", "decrease": "decrease", "avoid": "avoid", "do": "do", "none": "–"},
}
"""Which way to push: ``increase`` / ``decrease`` a variable; an action or idea that lowers the outcome:
``avoid``; an idea that raises it: ``do``."""


def words(table: dict, lang: str | None) -> dict:
    """``table[lang]``, or the English entry for a language gmb does not speak."""
    return table.get(lang or "en", table["en"])


def caveat(lang: str | None) -> str:
    """The caveat in ``lang`` (English for a language gmb does not speak)."""
    return words(CAVEAT, lang)


def direction_word(direction: str, lang: str | None, kind: str | None = None) -> str:
    """The word for ``direction`` (``increase``, ``decrease``, ``none``) in ``lang``; for an action or idea
    (``kind``) that works against the outcome, "avoid": it starts at zero and cannot be turned down;
    for an idea that helps, "do" (an idea is carried out, not turned up)."""
    if direction == "decrease" and kind in ("action", "idea"):
        direction = "avoid"
    elif direction == "increase" and kind == "idea":
        direction = "do"
    return words(DIRECTIONS, lang)[direction]
