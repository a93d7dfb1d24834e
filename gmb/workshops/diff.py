"""Structural diff of two maps: what changed from one workshop (or edit) to the next.

Variables are compared by id: added, removed, renamed (same id, new label) or otherwise changed.
Links are compared by their ends: added, removed, polarity changed (``flipped`` when ``+`` ↔ ``-``),
strength, delay or other details changed. Feedback loops are compared by the cycle they run
through and their polarity, so flipping a link inside a loop breaks the old loop (e.g. ``R``) and
creates a new one (``B``) on the same cycle. Added links and variables carry their provenance
(``source`` or ``proposed_by``) so a facilitator sees who brought them in.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> old = CausalMap.new("w1")
>>> for v in ("a", "b"):
...     old.add_variable(v, v.upper())
>>> _ = old.add_link("a", "b", "+"); _ = old.add_link("b", "a", "+")
>>> new = old.copy(); _ = new.flip_link("a", "b")
>>> d = diff_maps(old, new)
>>> [(c["from"], c["to"], c["old"], c["new"]) for c in d.polarity_changed]
[('a', 'b', '+', '-')]
>>> [(x.polarity, x.variables) for x in d.loops_broken], [(x.polarity, x.was) for x in d.loops_created]
([('R', ('a', 'b'))], [('B', 'R')])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gmb.analysis.loops import Loop, find_loops
from gmb.maps.causalmap import CausalMap

__all__ = ["diff_maps", "MapDiff", "LoopChange", "LINK_DETAILS"]

LINK_DETAILS = ("strength", "delay", "confidence", "notes", "flow", "by_segment")
"""Link attributes compared besides polarity (provenance is shown, not compared)."""
_PROVENANCE = ("source", "proposed_by")


@dataclass(frozen=True)
class LoopChange:
    """A loop created or broken: its cycle (from its smallest id), polarity, and the other side's polarity."""

    variables: tuple[str, ...]
    polarity: str
    was: str | None = None
    """For a created loop: the cycle's polarity before, if the cycle existed; for a broken one: after."""
    id: str = ""
    """The loop's stable id (see :func:`gmb.analysis.loops.loop_id`)."""
    name: str = ""
    """The name the map gives the loop (the new map's for a created loop, the old map's for a broken one)."""

    def to_dict(self) -> dict:
        return {"id": self.id, "variables": list(self.variables), "polarity": self.polarity, "was": self.was,
                "name": self.name}


@dataclass
class MapDiff:
    """Everything that differs between two maps; each list is in map order."""

    variables_added: list[dict] = field(default_factory=list)
    variables_removed: list[dict] = field(default_factory=list)
    variables_renamed: list[dict] = field(default_factory=list)
    variables_changed: list[dict] = field(default_factory=list)
    links_added: list[dict] = field(default_factory=list)
    links_removed: list[dict] = field(default_factory=list)
    polarity_changed: list[dict] = field(default_factory=list)
    links_changed: list[dict] = field(default_factory=list)
    segments_changed: list[dict] = field(default_factory=list)
    """Groups of children added (``old`` None), removed (``new`` None) or changed (``key``: label, share)."""
    loops_created: list[LoopChange] = field(default_factory=list)
    loops_broken: list[LoopChange] = field(default_factory=list)
    loops_complete: bool = True
    """False when a loop listing was cut short (by ``max_length`` or ``limit``)."""

    @property
    def empty(self) -> bool:
        return not any(value for key, value in vars(self).items() if key != "loops_complete")

    def to_dict(self) -> dict:
        data = {key: ([x.to_dict() for x in value] if key.startswith("loops_") and key != "loops_complete"
                      else value) for key, value in vars(self).items()}
        return data | {"empty": self.empty}

    def to_text(self, loop_lines: int | None = 20) -> str:
        """Readable lines, one change per line: ``+`` added, ``-`` removed, ``~`` changed.

        At most ``loop_lines`` loops created and as many broken are shown (``None``: all).
        """
        out = []
        if self.variables_added or self.variables_removed or self.variables_renamed or self.variables_changed:
            out.append(f"variables: {len(self.variables_added)} added, {len(self.variables_removed)} removed, "
                       f"{len(self.variables_renamed)} renamed, {len(self.variables_changed)} changed")
            out += [f"  + {v['id']}  {_quote(v['label'])}{_provenance(v)}" for v in self.variables_added]
            out += [f"  - {v['id']}  {_quote(v['label'])}" for v in self.variables_removed]
            out += [f"  ~ {v['id']}  renamed{' ' + lang if lang else ''}: {_quote(old)} → {_quote(new)}"
                    for v in self.variables_renamed for lang, (old, new) in _label_changes(v).items()]
            out += [f"  ~ {v['id']}  {v['key']}: {_value(v['old'])} → {_value(v['new'])}" for v in self.variables_changed]
        if self.links_added or self.links_removed or self.polarity_changed or self.links_changed:
            flipped = sum(1 for c in self.polarity_changed if c["flipped"])
            out.append(f"links: {len(self.links_added)} added, {len(self.links_removed)} removed, "
                       f"{flipped} flipped, {len(self.polarity_changed) - flipped} polarity set or unset, "
                       f"{len(self.links_changed)} changed")
            out += [f"  + {e['from']} → {e['to']}  ({e['polarity']}){_provenance(e)}" for e in self.links_added]
            out += [f"  - {e['from']} → {e['to']}  ({e['polarity']})" for e in self.links_removed]
            out += [f"  ~ {c['from']} → {c['to']}  polarity {c['old']} → {c['new']}"
                    + ("  (flipped)" if c["flipped"] else "") for c in self.polarity_changed]
            out += [f"  ~ {c['from']} → {c['to']}  {c['key']}: {_value(c['old'])} → {_value(c['new'])}"
                    for c in self.links_changed]
        if self.segments_changed:
            out.append(f"segments: {len(self.segments_changed)} changed")
            out += [f"  + {c['id']}  {_value(c['new'])}" if c["old"] is None else f"  - {c['id']}" if c["new"] is None
                    else f"  ~ {c['id']}  {c['key']}: {_value(c['old'])} → {_value(c['new'])}"
                    for c in self.segments_changed]
        if self.loops_created or self.loops_broken:
            out.append(f"loops: {len(self.loops_created)} created, {len(self.loops_broken)} broken")
            for sign, other, changes in (("+", "was", self.loops_created), ("-", "now", self.loops_broken)):
                out += [f"  {sign} {loop.polarity}  {_cycle(loop.variables)}"
                        + (f"  ({other} {loop.was})" if loop.was else "") + _named(loop)
                        for loop in changes[:loop_lines]]
                if loop_lines is not None and len(changes) > loop_lines:
                    out.append(f"  {sign} … and {len(changes) - loop_lines} more (all of them with --all-loops or --json)")
        if not self.loops_complete:
            out.append("note: the loop listing was cut short; loops beyond it are not compared")
        return "\n".join(out) if out else "no differences"


def diff_maps(old: CausalMap, new: CausalMap, max_length: int | None = None,
              limit: int | None = None) -> MapDiff:
    """What changed from ``old`` to ``new``.

    ``max_length`` and ``limit`` bound the loop listings (see :func:`gmb.analysis.loops.find_loops`);
    ``MapDiff.loops_complete`` says whether both listings were complete.
    """
    diff = MapDiff()
    for var, attrs in new.graph.nodes(data=True):
        if var not in old.graph:
            diff.variables_added.append({"id": var, "label": new.label(var)} | _provenance_of(attrs))
            continue
        before = old.graph.nodes[var]
        if before.get("label") != attrs.get("label"):
            diff.variables_renamed.append({"id": var, "old": before.get("label"), "new": attrs.get("label")})
        for key in _keys(before, attrs):
            if key != "label" and before.get(key) != attrs.get(key):
                diff.variables_changed.append({"id": var, "key": key, "old": before.get(key), "new": attrs.get(key)})
    diff.variables_removed = [{"id": v, "label": old.label(v)} for v in old.graph if v not in new.graph]

    for u, v, attrs in new.links():
        if not old.graph.has_edge(u, v):
            diff.links_added.append({"from": u, "to": v, "polarity": attrs.get("polarity")} | _provenance_of(attrs))
            continue
        before = old.graph.edges[u, v]
        if before.get("polarity") != attrs.get("polarity"):
            flipped = {before.get("polarity"), attrs.get("polarity")} == {"+", "-"}
            diff.polarity_changed.append({"from": u, "to": v, "old": before.get("polarity"),
                                          "new": attrs.get("polarity"), "flipped": flipped})
        for key in LINK_DETAILS:
            if before.get(key) != attrs.get(key):
                diff.links_changed.append({"from": u, "to": v, "key": key, "old": before.get(key), "new": attrs.get(key)})
    diff.links_removed = [{"from": u, "to": v, "polarity": a.get("polarity")}
                          for u, v, a in old.links() if not new.graph.has_edge(u, v)]
    before, after = old.meta.get("segments") or {}, new.meta.get("segments") or {}
    for seg in dict.fromkeys([*before, *after]):
        was, now = before.get(seg), after.get(seg)
        if was is None or now is None:
            diff.segments_changed.append({"id": seg, "key": None, "old": was, "new": now})
        elif was != now:
            diff.segments_changed += [{"id": seg, "key": key, "old": was.get(key), "new": now.get(key)}
                                      for key in _keys(was, now) if was.get(key) != now.get(key)]

    old_listing = find_loops(old, max_length=max_length, limit=limit)
    new_listing = find_loops(new, max_length=max_length, limit=limit)
    diff.loops_complete = old_listing.complete and new_listing.complete
    diff.loops_created = _loop_changes(new, new_listing.loops, old_listing.loops)
    diff.loops_broken = _loop_changes(old, old_listing.loops, new_listing.loops)
    return diff


def _loop_changes(cmap: CausalMap, loops: list[Loop], others: list[Loop]) -> list[LoopChange]:
    """The ``loops`` that ``others`` lack, or have with another polarity (shortest first, as listed)."""
    other = {loop.id: loop.polarity for loop in others}
    return [LoopChange(loop.variables, loop.polarity, other.get(loop.id), loop.id, _loop_name(cmap, loop.id))
            for loop in loops if other.get(loop.id) != loop.polarity]


def _loop_name(cmap: CausalMap, loop_id: str) -> str:
    """The loop's name from the map's ``loops:`` section, in the map's first language; else ``""``."""
    entry = cmap.loops.get(loop_id) if isinstance(cmap.loops, dict) else None
    return cmap.text(entry.get("name")) if isinstance(entry, dict) else ""


def _keys(a: dict, b: dict) -> list[str]:
    return list(dict.fromkeys([*a, *b]))


def _provenance_of(attrs: dict) -> dict:
    return {k: attrs[k] for k in _PROVENANCE if k in attrs}


def _label_changes(change: dict) -> dict[str, tuple[Any, Any]]:
    """``{language: (old, new)}`` for a renamed variable (language ``""`` for plain-text labels)."""
    old, new = change["old"], change["new"]
    old = old if isinstance(old, dict) else {"": old}
    new = new if isinstance(new, dict) else {"": new}
    return {lang: (old.get(lang), new.get(lang)) for lang in _keys(old, new) if old.get(lang) != new.get(lang)}


def _provenance(item: dict) -> str:
    entries = item.get("proposed_by") or ([item["source"]] if isinstance(item.get("source"), dict) else [])
    who = [" ".join(f"{'group ' if k == 'group' else ''}{e[k]}" for k in ("workshop", "group", "map")
                    if isinstance(e, dict) and e.get(k) is not None) for e in entries]
    who = [w for w in who if w]
    return f"  [{'; '.join(who)}]" if who else ""


def _quote(text: Any) -> str:
    return "(none)" if text in (None, "") else f'"{text}"'


def _value(value: Any) -> str:
    return "(none)" if value is None else str(value)


def _named(loop: LoopChange) -> str:
    return f"  {loop.id}" + (f" {_quote(loop.name)}" if loop.name else "")


def _cycle(variables: tuple[str, ...]) -> str:
    return " → ".join((*variables, variables[0]))
