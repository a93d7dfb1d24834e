"""The vocabulary of a map file: allowed values and known keys, in one place.

Other modules (validation, importers, the simulator) read these rather than repeating them.

Example
-------
>>> "+" in POLARITIES and "action" in KINDS
True
"""

from __future__ import annotations

__all__ = [
    "FORMAT_VERSION", "POLARITIES", "KINDS", "STRENGTHS", "STRENGTH_NUMBERS", "strength_ranges", "CONFIDENCES",
    "MAP_KEYS", "VARIABLE_KEYS", "LINK_KEYS", "THEME_KEYS", "SOURCE_KEYS", "TEXT_KEYS", "DEFAULT_LANGUAGES",
]

FORMAT_VERSION = 1
"""The version written as ``gmb: 1`` at the top of every map file."""

DEFAULT_LANGUAGES = ("da", "en")
POLARITIES = ("+", "-", "?")
"""``+`` same direction, ``-`` opposite direction, ``?`` not yet agreed."""
KINDS = ("index", "stock", "constant", "action")
STRENGTHS = ("weak", "medium", "strong")
"""Named link strengths; a link may also give a number instead."""
STRENGTH_NUMBERS = {"weak": 0.25, "medium": 0.5, "strong": 0.75}
"""The number w each named strength stands for, unless the map's ``strengths:`` says otherwise."""


def strength_ranges(strengths: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Each strength class's range: from the midpoint to the class below to the midpoint to the one above.

    >>> strength_ranges({"weak": 0.1, "medium": 0.2, "strong": 0.3})["weak"]
    (0.05, 0.15)
    """
    ordered = sorted(strengths.items(), key=lambda item: item[1])
    values = [value for _, value in ordered]
    ranges = {}
    for i, (name, value) in enumerate(ordered):
        below = (values[i - 1] + value) / 2 if i > 0 else None
        above = (value + values[i + 1]) / 2 if i + 1 < len(values) else None
        if below is None:
            below = value - ((above - value) if above is not None else 0.0)
        if above is None:
            above = value + (value - below)
        ranges[name] = (round(max(0.0, below), 12), round(above, 12))
    return ranges


CONFIDENCES = ("low", "medium", "high")
"""Named confidence in a link; a number between 0 and 1 is also accepted."""

MAP_KEYS = ("gmb", "title", "description", "languages", "outcome", "themes",
            "variables", "links", "loops", "layout", "strengths", "segments")
"""``strengths`` (optional): the numbers the simulator uses for weak / medium / strong links;
``segments`` (optional): groups of children told apart (:mod:`gmb.maps.segments`)."""
VARIABLE_KEYS = ("label", "synonyms", "theme", "kind", "adjust_time", "units", "notes", "source",
                 "initial", "equation", "min", "max", "segmented", "by_segment")
LINK_KEYS = ("from", "to", "polarity", "strength", "delay", "confidence", "source", "notes", "flow", "proposed_by",
             "by_segment")
"""``proposed_by`` is written by ``gmb merge``: who proposed the link (``source`` keys + ``map``, ``polarity``)."""
THEME_KEYS = ("label", "color", "notes")
SOURCE_KEYS = ("workshop", "group", "quote", "map")
TEXT_KEYS = ("label", "synonyms", "theme", "kind", "units", "notes", "equation", "source", "polarity", "color")
"""Keys whose values are text: ``gmb var set MAP sleep label.en=No`` stores the text "No", not false."""
