"""The map CSV beside an edge list: the map's title, description, languages, strengths, themes and loops.

One row a value, under the header ``section,id,key,value``; a section is a key of the map file::

    section,id,key,value
    title,,,Børns mentale sundhed
    description,,,Fra workshoppen i marts
    languages,,,da|en
    strengths,,weak,0.1
    themes,screens,label_da,Skærme
    themes,screens,label_en,Screens
    themes,screens,color,#5b8def
    loops,L2-2892a232e2,name_da,Skærm og søvn
    loops,L2-2892a232e2,story_en,"Screens keep them up, so…"

A theme has ``label``, ``color`` and ``notes``, a loop ``name`` and ``story``; each is text, in one
language with ``_<lang>`` (``label_da``) or in none without it (``label``). A theme or loop with nothing
else to say has one row with an empty key, so that it is kept. Text is kept without surrounding spaces;
other keys of themes and loops, unknown sections and values that are not text are not written.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("Trivsel; børn")
>>> cmap.add_theme("screens", {"da": "Skærme", "en": "Screens"}, color="#5b8def")
>>> [(row["section"], row["key"], row["value"]) for row in meta_rows(cmap)]
[('title', '', 'Trivsel; børn'), ('languages', '', ['da', 'en']), ('themes', 'label_da', 'Skærme'), ('themes', 'label_en', 'Screens'), ('themes', 'color', '#5b8def')]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gmb.errors import MapFileError
from gmb.formats.csv_table import cell, check_columns, number, read_table, text_list
from gmb.maps.causalmap import CausalMap
from gmb.maps.schema import STRENGTHS

__all__ = ["meta_path", "meta_rows", "read_meta", "COLUMNS"]

COLUMNS = ["section", "id", "key", "value"]
_ENTRY_KEYS = {"themes": ("label", "color", "notes"), "loops": ("name", "story")}
_PLAIN = ("title", "description")


def meta_path(path: str | os.PathLike) -> Path:
    """The map CSV beside an edge list: ``links.csv`` → ``links.map.csv``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.map.csv")


def meta_rows(cmap: CausalMap) -> list[dict[str, Any]]:
    """The rows of the map CSV of ``cmap`` (values as they are; the table writer formats them)."""
    rows = [_row(key, "", "", cmap.meta[key]) for key in _PLAIN if _filled(cmap.meta.get(key))]
    rows.append(_row("languages", "", "", cmap.languages))
    strengths = cmap.meta.get("strengths")
    rows += [_row("strengths", "", k, v) for k, v in strengths.items()] if isinstance(strengths, dict) else []
    for section, keys in _ENTRY_KEYS.items():
        entries = cmap.meta.get(section)
        for entry_id, entry in entries.items() if isinstance(entries, dict) else ():
            entry = entry if isinstance(entry, dict) else {keys[0]: entry}
            own = [_row(section, entry_id, f"{key}_{lang}" if lang else key, text)
                   for key in keys for lang, text in _texts(entry.get(key))]
            rows += own or [_row(section, entry_id, "", None)]
    return rows


def read_meta(path: str | os.PathLike, meta: dict[str, Any], warnings: list[str]) -> set[str]:
    """Put what the map CSV at ``path`` says into ``meta`` (a map's metadata); returns the sections given."""
    columns, rows = read_table(path, warnings)
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise MapFileError(path, f"missing column(s) {', '.join(missing)}: the map CSV's header must be "
                           f"{','.join(COLUMNS)}", line=1)
    check_columns(path, columns, set(COLUMNS))
    given: dict[tuple[str, str, str], int] = {}
    for line, row in rows:
        section, entry_id, key, text = (row.get(c, "") for c in COLUMNS)
        place = (section, entry_id, key)
        if place in given:
            raise MapFileError(path, f"{_name(place)} is given twice (lines {given[place]} and {line}); keep one",
                               line=line)
        given[place] = line
        if section in _PLAIN + ("languages",) and (entry_id or key):
            raise MapFileError(path, f"{section} has no id or key; leave those cells empty", line=line)
        if section in _PLAIN and text:
            meta[section] = text
        elif section == "languages":
            meta["languages"] = cell(path, line, "value", text, _languages)
        elif section == "strengths":
            if key not in STRENGTHS:
                raise MapFileError(path, f"strength {key!r} is not one of {', '.join(STRENGTHS)}", line=line)
            strengths = meta["strengths"] = meta.get("strengths") or {}
            strengths[key] = cell(path, line, "value", text, number)
        elif section in _ENTRY_KEYS:
            _put_entry(path, line, meta, section, entry_id, key, text)
        elif section not in _PLAIN:
            raise MapFileError(path, f"unknown section {section!r}; known sections: "
                               f"{', '.join(_PLAIN + ('languages', 'strengths', *_ENTRY_KEYS))}", line=line)
    return {section for section, _, _ in given}


def _put_entry(path, line: int, meta: dict, section: str, entry_id: str, key: str, text: str) -> None:
    if not entry_id:
        raise MapFileError(path, f"a row of {section} needs the id of its {section[:-1]}", line=line)
    name, _, lang = key.partition("_")
    if key and name not in _ENTRY_KEYS[section]:
        known = ", ".join(f"{k} or {k}_<lang>" for k in _ENTRY_KEYS[section])
        raise MapFileError(path, f"{section[:-1]} key {key!r} is not one of {known}", line=line)
    entries = meta[section] = meta.get(section) or {}
    entry = entries.setdefault(entry_id, {})
    if not key or not text:
        return
    if isinstance(entry.get(name), str) if lang else name in entry:
        raise MapFileError(path, f"{section[:-1]} {entry_id!r} gives {name} both with and without a language; "
                           "keep one", line=line)
    if lang:
        entry.setdefault(name, {})[lang] = text
    else:
        entry[name] = text


def _languages(text: str) -> list[str]:
    languages = text_list(text)
    if not languages:
        raise ValueError("name the map's languages, e.g. da|en")
    return languages


def _texts(value: Any) -> list[tuple[str, Any]]:
    """``(language or "", text)`` of a value that is text per language or plain."""
    if isinstance(value, dict):
        return [(str(lang), text) for lang, text in value.items() if _filled(text)]
    return [("", value)] if _filled(value) else []


def _filled(value: Any) -> bool:
    return value is not None and value != ""


def _row(section: str, entry_id: str, key: str, value: Any) -> dict[str, Any]:
    return dict(zip(COLUMNS, (section, entry_id, key, value)))


def _name(place: tuple[str, str, str]) -> str:
    return " ".join(part for part in place if part)
