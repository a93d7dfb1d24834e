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
from gmb.maps.limits import MAX_ENTRIES, MAX_EXAMPLES, examples, summarise
from gmb.maps.schema import LINK_KEYS, MAP_KEYS, VARIABLE_KEYS

__all__ = ["MapBuilder", "parse_polarity", "is_position", "POLARITY_WORDS"]

POLARITY_WORDS = {
    "+": "+", "-": "-", "?": "?", "−": "-", "–": "-", "+1": "+", "1": "+", "-1": "-",
    "s": "+", "o": "-", "same": "+", "opposite": "-", "positive": "+", "negative": "-",
    "pos": "+", "neg": "-", "unknown": "?", "": "?",
}
"""How other tools and people write a link's polarity, and the gmb polarity it means."""

_LISTED = 10
"""Up to this many duplicates (or self-links) get a warning each; more get one line with examples."""

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
        self._self_links: list[tuple[str, Where]] = []
        self._entries = 0

    def add_variable(self, var_id: Any, attrs: dict, where: Where = None) -> str:
        """Add a variable (or merge it into the one with the same id); returns its id."""
        self._count(where)
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
        self._count(where)
        ends = [self._id(x, where) for x in (src, dst)]
        for var in ends:
            if var not in self.variables:
                self.variables[var] = {}
                self.implicit[var] = None
        u, v = ends
        if u == v:
            self._self_links.append((u, where))
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
        """The map and the warnings: duplicates merged, attributes left out, self-links dropped.

        Many warnings of one kind become one line with a count and examples; no line is longer
        than :data:`~gmb.maps.limits.MAX_WARNING_CHARS`.
        """
        lang = CausalMap.from_data(self.meta).languages[0]
        for var in self.implicit:
            self.variables[var] = {"label": {lang: var}}
        warnings = list(self.warnings)
        if len(self._self_links) > _LISTED:
            shown = [f"{u} → {u}{_rows([where])}" for u, where in self._self_links[:MAX_EXAMPLES]]
            warnings.append(f"{self.path}: {len(self._self_links):,} links join a variable to itself, e.g. "
                            f"{examples(shown, len(self._self_links))}; left out")
        else:
            warnings += [f"{self._at(where)}: link {u} → {u} joins a variable to itself; left out"
                         for u, where in self._self_links]
        repeated = [(var, rows) for var, rows in self._variable_rows.items() if len(rows) > 1]
        if len(repeated) > _LISTED:
            warnings.append(f"{self.path}: {len(repeated):,} variables are given more than once "
                            f"({sum(len(r) for _, r in repeated):,} entries), e.g. "
                            f"{examples([f'{var!r}{_rows(rows)}' for var, rows in repeated[:MAX_EXAMPLES]], len(repeated))}"
                            "; each merged into one (where they differ, the first value is kept)")
        else:
            warnings += [f"{self.path}: variable {var!r} is given {len(rows):,} times{_rows(rows)}; "
                         f"merged into one{self._kept((var,))}" for var, rows in repeated]
        repeated_links = [(ends, rows) for ends, rows in self._link_rows.items() if len(rows) > 1]
        if len(repeated_links) > _LISTED:
            disagree = sum(len(set(self._polarities[ends])) > 1 for ends, _ in repeated_links)
            shown = [f"{u} → {v}{_rows(rows)}" for (u, v), rows in repeated_links[:MAX_EXAMPLES]]
            warnings.append(f"{self.path}: {len(repeated_links):,} links are given more than once "
                            f"({sum(len(r) for _, r in repeated_links):,} entries), e.g. "
                            f"{examples(shown, len(repeated_links))}; each merged into one, {disagree:,} with "
                            "polarity ? for the group to decide (their polarities differ)")
        for (u, v), rows in repeated_links if len(repeated_links) <= _LISTED else ():
            signs = list(dict.fromkeys(str(s) for s in self._polarities[u, v]))
            if len(signs) > 1:
                how = (f" with polarities {examples(signs)}; merged into one link with "
                       "polarity ? for the group to decide")
            else:
                how = "; merged into one"
            warnings.append(f"{self.path}: link {u} → {v} is given {len(rows):,} times{_rows(rows)}{how}"
                            f"{self._kept((u, v))}")
        if self._dropped:
            warnings.append(f"{self.path}: left out attributes that a gmb map does not hold: "
                            f"{examples(list(self._dropped), limit=10)}")
        data = dict(self.meta)
        data["variables"] = self.variables
        data["links"] = [{"from": u, "to": v} | attrs for (u, v), attrs in self.links.items()]
        return CausalMap.from_data(data), summarise(warnings)

    # -- internals ---------------------------------------------------------------------------
    def _count(self, where: Where) -> None:
        self._entries += 1
        if self._entries > MAX_ENTRIES:
            raise MapFileError(self.path, f"{_describe(where)}has more than {MAX_ENTRIES:,} variables and links, "
                               "more than gmb reads; check that it is the right file, or split it",
                               line=where if isinstance(where, int) else None)

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
    """Where an item was given, e.g. `` (lines 2, 5)``; at most five places, then how many more."""
    known = [r for r in rows if r is not None]
    if not known:
        return ""
    shown = examples([str(r) for r in known[:5]], len(known), limit=5)
    return f" (lines {shown})" if all(isinstance(r, int) for r in known) else f" ({shown})"


def _describe(where: Where) -> str:
    return f"{where}: " if isinstance(where, str) else ""
