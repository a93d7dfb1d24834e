"""Checks on what an edit writes into a map: known keys (with a "did you mean"), languages and colours.

An edit that names a key the map format does not know (``note`` for ``notes``) or a language the
map does not have is refused before anything is written, instead of being stored and warned about
later.

Example
-------
>>> check_keys({"note": "x"}, {}, ("label", "notes"), "variable sleep", ["da"])
Traceback (most recent call last):
...
gmb.errors.MapEditError: variable sleep: unknown key 'note'; did you mean 'notes'? (known: label, notes)
>>> check_color("#zzzzzz")
Traceback (most recent call last):
...
gmb.errors.MapEditError: colour '#zzzzzz' is not a colour; write it as #rrggbb in hex digits, e.g. #5b8def
>>> check_color("#5B8DEF")
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from gmb.errors import MapEditError
from gmb.maps.schema import SOURCE_KEYS

__all__ = ["check_keys", "check_color", "did_you_mean", "labels", "LANGUAGE_KEYS"]

LANGUAGE_KEYS = ("label", "notes", "units", "name", "story")
"""Keys whose value may be text per language: ``label.en`` is the English label."""
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def did_you_mean(wanted: str, known) -> str:
    """``; did you mean 'x'?`` for the closest of ``known``, or ``""``.

    >>> did_you_mean("stength", ["strength", "delay"])
    "; did you mean 'strength'?"
    """
    close = difflib.get_close_matches(wanted, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def check_keys(updates: dict[str, Any], attrs: dict, known: tuple[str, ...], what: str, languages) -> None:
    """:class:`MapEditError` for a dotted key of ``updates`` the map format does not know, a language
    the map does not have (``label.fr``), or an unknown ``source.`` key; removing (value ``None``) a
    key the item already has is always allowed."""
    for dotted, value in updates.items():
        top, *rest = dotted.split(".")
        if value is None and top in attrs:
            continue
        if top not in known:
            raise MapEditError(f"{what}: unknown key {top!r}{did_you_mean(top, known)} (known: {', '.join(known)})")
        if not rest:
            continue
        if top in LANGUAGE_KEYS and rest[0] not in languages:
            raise MapEditError(f"{what}: {dotted!r} names language {rest[0]!r}, which the map does not have "
                               f"(its languages: {', '.join(languages)}){did_you_mean(rest[0], languages)}")
        if top == "source" and rest[0] not in SOURCE_KEYS:
            raise MapEditError(f"{what}: unknown key {dotted!r}{did_you_mean(rest[0], SOURCE_KEYS)} "
                               f"(known: {', '.join('source.' + k for k in SOURCE_KEYS)})")


def check_color(color: str | None) -> None:
    """:class:`MapEditError` unless ``color`` is ``None`` or ``#rrggbb``."""
    if color is not None and not (isinstance(color, str) and _COLOR.fullmatch(color)):
        raise MapEditError(f"colour {color!r} is not a colour; write it as #rrggbb in hex digits, e.g. #5b8def")


def labels(languages, label: str, label_en: str | None) -> dict[str, str]:
    """``--label`` (the map's first language) and ``--label-en`` as ``{lang: text}``; an English label for
    a map without English is refused rather than dropped.

    >>> labels(["da", "en"], "Søvn", "Sleep")
    {'da': 'Søvn', 'en': 'Sleep'}
    >>> labels(["da"], "Søvn", "Sleep")
    Traceback (most recent call last):
    ...
    gmb.errors.MapEditError: --label-en: the map has no English (its languages: da); leave --label-en out, or add en to the map's 'languages:' first
    """
    if label_en is not None and "en" not in languages:
        raise MapEditError(f"--label-en: the map has no English (its languages: {', '.join(languages)}); "
                           "leave --label-en out, or add en to the map's 'languages:' first")
    return {languages[0]: label} | ({"en": label_en} if label_en else {})
