"""Editing a map's segments (groups of children): add, set and remove, with shares that keep summing to 1.

``add_segment`` on a map without segments makes two groups: the new one with its share and ``others``,
the rest of the children. On a map with segments the new group's share is taken from the others in
proportion to theirs; ``set_segment`` with a new share does the same, and ``remove_segment`` gives a
removed group's share back to the others in proportion. Removing a group that leaves one removes the
segments altogether, with every ``segmented:`` and ``by_segment:`` key (they mean nothing without
segments); a removed group's ``by_segment`` entries go with it. Every edit is checked like any map edit
(:func:`gmb.maps.store.edit_map`): one that would add an error is refused and the file left as it was.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo", ["da", "en"])
>>> add_segment(cmap, "exposed", 0.2, {"da": "Udsatte", "en": "Exposed"})
['exposed', 'others']
>>> cmap.meta["segments"]["others"]
{'label': {'da': 'Øvrige', 'en': 'Others'}, 'share': 0.8}
>>> set_segment(cmap, "exposed", {"share": 0.25}); cmap.meta["segments"]["others"]["share"]
0.75
>>> remove_segment(cmap, "exposed"); "segments" in cmap.meta
False
"""

from __future__ import annotations

import numbers

from gmb.errors import MapEditError
from gmb.maps.causalmap import CausalMap
from gmb.maps.segments import SEGMENT_KEYS, SEPARATOR

__all__ = ["add_segment", "set_segment", "remove_segment", "REST", "REST_LABELS"]

REST = "others"
"""The id of the rest of the children, made by the first ``add_segment``."""
REST_LABELS = {"da": "Øvrige", "en": "Others"}


def add_segment(cmap: CausalMap, segment: str, share: float, label: str | dict | None = None) -> list[str]:
    """Add a group with its ``share`` of the children (0–1); returns the segment ids."""
    _check_share(share, "the share")
    if not isinstance(segment, str) or not segment.isidentifier() or SEPARATOR in segment:
        raise MapEditError(f"{segment!r} is not a usable segment id; use letters, digits and single _ (e.g. exposed)")
    block = dict(cmap.meta.get("segments") or {})
    if segment in block:
        raise MapEditError(f"segment {segment!r} exists already; change it with 'gmb segment set'")
    entry = {"label": _label(cmap, label)} if label else {}
    if not block:
        if share >= 1:
            raise MapEditError(f"the first group's share {share:g} must be below 1: the rest of the children are "
                               f"the group {REST!r}")
        rest = {"label": {lang: REST_LABELS.get(lang, REST_LABELS["en"]) for lang in cmap.languages}}
        cmap.meta["segments"] = {segment: entry | {"share": share}, REST: rest | {"share": _round(1 - share)}}
        return list(cmap.meta["segments"])
    _scale(block, 1 - share)
    block[segment] = entry | {"share": share}
    cmap.meta["segments"] = block
    return list(block)


def set_segment(cmap: CausalMap, segment: str, updates: dict) -> None:
    """Set a group's ``label`` (``label.LANG``), ``notes`` or ``share`` (the others' shares follow, in
    proportion); ``KEY: None`` removes a key (not the share)."""
    block = _block(cmap, segment)
    entry = dict(block[segment])
    for key, value in updates.items():
        field, _, lang = key.partition(".")
        if field not in SEGMENT_KEYS or (lang and field != "label"):
            raise MapEditError(f"segment {segment!r}: unknown key {key!r} (known: label, label.LANG, share, notes)")
        if field == "share":
            _check_share(value, "share")
            rest = {s: e for s, e in block.items() if s != segment}
            _scale(rest, 1 - value)
            block.update(rest)
            entry["share"] = value
        elif field == "label" and lang:
            text = entry.get("label")
            text = dict(text) if isinstance(text, dict) else ({cmap.languages[0]: text} if text else {})
            if value is None:
                text.pop(lang, None)
            else:
                text[lang] = str(value)
            entry["label"] = text
        elif value is None:
            entry.pop(field, None)
        else:
            entry[field] = _label(cmap, value) if field == "label" else str(value)
    block[segment] = entry
    cmap.meta["segments"] = block


def remove_segment(cmap: CausalMap, segment: str) -> None:
    """Remove a group, its share back to the others; with one group left, the segments altogether."""
    block = _block(cmap, segment)
    del block[segment]
    for _, attrs in [*cmap.graph.nodes(data=True), *((None, a) for _, _, a in cmap.links())]:
        found = attrs.get("by_segment")
        if isinstance(found, dict) and segment in found:
            attrs["by_segment"] = {s: v for s, v in found.items() if s != segment}
            if not attrs["by_segment"]:
                del attrs["by_segment"]
    if len(block) < 2:
        del cmap.meta["segments"]
        for _, attrs in [*cmap.graph.nodes(data=True), *((None, a) for _, _, a in cmap.links())]:
            attrs.pop("segmented", None)
            attrs.pop("by_segment", None)
        return
    _scale(block, 1.0)
    cmap.meta["segments"] = block


def _block(cmap: CausalMap, segment: str) -> dict:
    block = dict(cmap.meta.get("segments") or {})
    if segment not in block:
        known = ", ".join(block) or "none yet; add one with 'gmb segment add'"
        raise MapEditError(f"no segment {segment!r} (segments: {known})")
    return block


def _scale(block: dict, total: float) -> None:
    """Scale the shares of ``block`` (in place) so that they sum to ``total``."""
    now = sum(float(e.get("share", 0)) for e in block.values())
    if now <= 0:
        raise MapEditError("the other groups have no share to give or take; set their shares first")
    for key, entry in block.items():
        block[key] = dict(entry) | {"share": _round(float(entry.get("share", 0)) * total / now)}


def _check_share(value, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value <= 1:
        raise MapEditError(f"{what} {value!r} must be a number above 0 and at most 1 (the group's part of the "
                           "children, e.g. 0.2)")


def _label(cmap: CausalMap, label) -> dict:
    return dict(label) if isinstance(label, dict) else {cmap.languages[0]: str(label)}


def _round(share: float) -> float:
    return round(share, 12)
