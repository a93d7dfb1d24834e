"""Assembling a :class:`~gmb.maps.causalmap.CausalMap` from what an importer reads.

Every importer hands its variables and links to a :class:`MapBuilder`, which merges duplicates
with a warning that names them (never dropping or doubling a link silently): links that agree
on polarity are merged; links that disagree are kept once with polarity ``?`` for the group to
decide. Attributes a map file does not know are left out with one warning listing them.

Example
-------
>>> builder = MapBuilder("links.csv")
>>> builder.add_link("screens", "sleep", {"polarity": "-"}, where=2)
>>> builder.add_link("screens", "sleep", {"polarity": "+", "strength": "weak"}, where=5)
>>> cmap, warnings = builder.finish()
>>> cmap.graph.edges["screens", "sleep"]
{'polarity': '?', 'strength': 'weak'}
>>> print(warnings[0])
links.csv: link screens → sleep is given 2 times (lines 2, 5) with polarities -, +; merged into one link with polarity ? for the group to decide
"""

from __future__ import annotations

import numbers
import os
from pathlib import Path
from typing import Any, Iterable

from gmb.errors import MapFileError
from gmb.maps.causalmap import CausalMap
from gmb.maps.schema import LINK_KEYS, MAP_KEYS, VARIABLE_KEYS

__all__ = ["MapBuilder", "parse_polarity", "is_position", "POLARITY_WORDS"]

POLARITY_WORDS = {
    "+": "+", "-": "-", "?": "?", "−": "-", "–": "-", "+1": "+", "1": "+", "-1": "-",
    "s": "+", "o": "-", "same": "+", "opposite": "-", "positive": "+", "negative": "-",
    "pos": "+", "neg": "-", "unknown": "?", "": "?",
}
"""How other tools and people write a link's polarity, and the gmb polarity it means."""

Where = int | str | None
"""Where an item comes from: a line number, a description such as ``links[3]``, or unknown."""


def parse_polarity(value: Any) -> str:
    """``+``, ``-`` or ``?`` from the ways people and tools write a link's sign; ``ValueError`` otherwise.

    >>> [parse_polarity(x) for x in ("+", "−", "O", "negative", -1, "?")]
    ['+', '-', '-', '-', '-', '?']
    """
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return "+" if value > 0 else "-" if value < 0 else "?"
    sign = POLARITY_WORDS.get(str(value).strip().casefold()) if isinstance(value, str) else None
    if sign is None:
        raise ValueError(f"polarity {value!r} is not +, - or ? (also accepted: s/o, positive/negative, ±1)")
    return sign


def is_position(value: Any) -> bool:
    """Whether ``value`` is a layout position ``[x, y]`` (two numbers).

    >>> is_position([120, -40.5]), is_position([True, 1]), is_position("1,2")
    (True, False, False)
    """
    return (isinstance(value, (list, tuple)) and len(value) == 2
            and all(isinstance(x, numbers.Real) and not isinstance(x, bool) for x in value))


class MapBuilder:
    """Collects a map's metadata, variables and links; :meth:`finish` returns the map and warnings.

    ``meta`` starts as that of ``CausalMap.new`` (title: the file's name); an importer may replace
    or update it. Variables named by a link but never added get their id as label.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = str(path)
        self.meta: dict[str, Any] = CausalMap.new(Path(path).stem).meta
        self.variables: dict[str, dict] = {}
        self.links: dict[tuple[str, str], dict] = {}
        self.implicit: dict[str, None] = {}  # variables only named by links, in order
        self.warnings: list[str] = []
        self._dropped: dict[str, None] = {}
        self._variable_rows: dict[str, list[Where]] = {}
        self._link_rows: dict[tuple[str, str], list[Where]] = {}
        self._polarities: dict[tuple[str, str], list] = {}
        self._differing: dict[tuple, dict[str, None]] = {}

    def add_variable(self, var_id: Any, attrs: dict, where: Where = None) -> str:
        """Add a variable (or merge it into the one with the same id); returns its id."""
        var_id = self._id(var_id, where)
        if var_id in self.implicit:
            del self.implicit[var_id]
            self.variables[var_id] = dict(attrs)
        elif var_id in self.variables:
            self._merge(self.variables[var_id], attrs, (var_id,))
        else:
            self.variables[var_id] = dict(attrs)
        self._variable_rows.setdefault(var_id, []).append(where)
        return var_id

    def add_link(self, src: Any, dst: Any, attrs: dict, where: Where = None) -> None:
        """Add the link ``src → dst`` (or merge it into an earlier one); a self-link is left out with a warning."""
        ends = [self._id(x, where) for x in (src, dst)]
        for var in ends:
            if var not in self.variables:
                self.variables[var] = {}
                self.implicit[var] = None
        u, v = ends
        if u == v:
            self.warnings.append(f"{self._at(where)}: link {u} → {v} joins a variable to itself; left out")
            return
        self._link_rows.setdefault((u, v), []).append(where)
        self._polarities.setdefault((u, v), []).append(attrs.get("polarity"))
        if (u, v) in self.links:
            existing = self.links[u, v]
            if existing.get("polarity") != attrs.get("polarity"):
                existing["polarity"] = "?"
            self._merge(existing, {k: x for k, x in attrs.items() if k != "polarity"}, (u, v))
        else:
            self.links[u, v] = dict(attrs)

    def known(self, attrs: dict, keys: Iterable[str]) -> dict:
        """The attributes whose names are in ``keys``; the names of the others are reported by :meth:`finish`."""
        keys = set(keys)
        for name in attrs:
            if name not in keys:
                self._dropped[name] = None
        return {k: v for k, v in attrs.items() if k in keys}

    def foreign_meta(self, meta: dict) -> None:
        """Take the map metadata (title, languages, …) of a file from another tool; other keys are left out."""
        self.meta.update(self.known(meta, set(MAP_KEYS) - {"variables", "links"}))

    def foreign_variable(self, attrs: dict) -> dict:
        """A variable from another tool: ``description`` as notes, a text label in the map's first
        language, empty values and unknown keys left out."""
        attrs = dict(attrs)
        if "description" in attrs and "notes" not in attrs:
            attrs["notes"] = attrs.pop("description")
        label = attrs.get("label")
        if isinstance(label, str) and label.strip():
            attrs["label"] = {CausalMap.from_data(self.meta).languages[0]: label.strip()}
        return self.known({k: v for k, v in attrs.items() if v not in ("", None)}, VARIABLE_KEYS)

    def foreign_link(self, attrs: dict, ends: tuple[str, str], where: Where = None) -> dict:
        """A link from another tool: a ``label`` that is a sign as its polarity (other text as notes),
        ``description`` as notes, polarity normalised (``?`` when missing), unknown keys left out."""
        attrs = dict(attrs)
        label = attrs.pop("label", None)
        if isinstance(label, str) and label.strip():
            try:
                attrs.setdefault("polarity", parse_polarity(label))
            except ValueError:
                attrs.setdefault("notes", label.strip())
        if "description" in attrs and "notes" not in attrs:
            attrs["notes"] = attrs.pop("description")
        try:
            attrs["polarity"] = parse_polarity(attrs.get("polarity", "?"))
        except ValueError as exc:
            raise MapFileError(self.path, f"{_describe(where)}link {ends[0]} → {ends[1]}: {exc}",
                               line=where if isinstance(where, int) else None) from None
        attrs = {k: v for k, v in attrs.items() if v not in ("", None)}
        return self.known(attrs, set(LINK_KEYS) - {"from", "to"})

    def finish(self) -> tuple[CausalMap, list[str]]:
        """The map and the warnings: duplicates merged, attributes left out, self-links dropped."""
        lang = CausalMap.from_data(self.meta).languages[0]
        for var in self.implicit:
            self.variables[var] = {"label": {lang: var}}
        warnings = list(self.warnings)
        for var, rows in self._variable_rows.items():
            if len(rows) > 1:
                warnings.append(f"{self.path}: variable {var!r} is given {len(rows)} times{_rows(rows)}; "
                                f"merged into one{self._kept((var,))}")
        for (u, v), rows in self._link_rows.items():
            if len(rows) > 1:
                signs = self._polarities[u, v]
                if len(set(signs)) > 1:
                    how = (f" with polarities {', '.join(str(s) for s in signs)}; merged into one link with "
                           "polarity ? for the group to decide")
                else:
                    how = "; merged into one"
                warnings.append(f"{self.path}: link {u} → {v} is given {len(rows)} times{_rows(rows)}{how}"
                                f"{self._kept((u, v))}")
        if self._dropped:
            warnings.append(f"{self.path}: left out attributes that a gmb map does not hold: "
                            f"{', '.join(self._dropped)}")
        data = dict(self.meta)
        data["variables"] = self.variables
        data["links"] = [{"from": u, "to": v} | attrs for (u, v), attrs in self.links.items()]
        return CausalMap.from_data(data), warnings

    # -- internals ---------------------------------------------------------------------------
    def _merge(self, target: dict, attrs: dict, what: tuple) -> None:
        for key, value in attrs.items():
            if key not in target:
                target[key] = value
            elif target[key] != value:
                self._differing.setdefault(what, {})[key] = None

    def _kept(self, what: tuple) -> str:
        keys = self._differing.get(what)
        return f" (they differ in {', '.join(keys)}: kept the first)" if keys else ""

    def _id(self, value: Any, where: Where) -> str:
        text = str(value).strip() if value is not None else ""
        if not text:
            raise MapFileError(self.path, f"{_describe(where)}a variable id or name is empty; fill it in",
                               line=where if isinstance(where, int) else None)
        if any(ch in text for ch in "\n\r\t"):
            raise MapFileError(self.path, f"{_describe(where)}variable id {text!r} holds a line break or tab; "
                               "use a short name such as screen_time", line=where if isinstance(where, int) else None)
        return text

    def _at(self, where: Where) -> str:
        if isinstance(where, int):
            return f"{self.path}:{where}"
        return f"{self.path} ({where})" if where else self.path


def _rows(rows: list[Where]) -> str:
    known = [r for r in rows if r is not None]
    if not known:
        return ""
    if all(isinstance(r, int) for r in known):
        return f" (lines {', '.join(str(r) for r in known)})"
    return f" ({', '.join(str(r) for r in known)})"


def _describe(where: Where) -> str:
    return f"{where}: " if isinstance(where, str) else ""
