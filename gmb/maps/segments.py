"""Segments: groups of children a map is told apart for, and the flat map the simulator runs.

A map may carry an optional block::

    segments:                # groups of children, with their shares of the population (sum 1)
      exposed: {label: {da: Børn i socialt udsatte familier, en: Children in socially exposed families}, share: 0.2}
      others:  {label: {da: Øvrige børn, en: Other children}, share: 0.8}

With it, every ``index`` and ``action`` variable is **per segment** (each segment has its own copy)
unless it says ``segmented: false`` (**shared**: one value for the town, such as the lake trail);
a constant is shared unless it says ``segmented: true`` (e.g. parents' resources, which differ between
groups of families); stocks and ``equation:`` variables are shared. A per-segment variable may give values
per segment — ``by_segment: {exposed: {initial: 0.85, adjust_time: 9}}`` (also ``min``, ``max``) —
and a link into a per-segment variable may give its strength per segment —
``by_segment: {exposed: {strength: strong}}``.

:func:`expand` turns such a map into an ordinary map (flattened names, so both engines and PySD run it
unchanged): each per-segment ``X`` becomes ``X__exposed``, ``X__others`` and ``X`` itself, the
population-weighted average (an ``equation:``), so results, outcomes and shared variables keep their
ids. A link between two per-segment variables acts within each segment; a shared cause acts on every
segment's copy; a per-segment cause acts on a shared variable through its average. Without a
``segments:`` block nothing changes.

Example
-------
>>> cmap = CausalMap.new("demo", ["en"])
>>> for var in ("trail", "walks", "mood"):
...     cmap.add_variable(var, var.title())
>>> cmap.graph.nodes["trail"]["segmented"] = False
>>> _ = cmap.add_link("trail", "walks", "+")
>>> _ = cmap.add_link("walks", "mood", "+")
>>> cmap.meta["segments"] = {"poor": {"label": "Poor", "share": 0.25}, "rich": {"label": "Rich", "share": 0.75}}
>>> flat, seg = expand(cmap)
>>> sorted(flat.graph), flat.graph.nodes["mood"]["equation"]
(['mood', 'mood__poor', 'mood__rich', 'trail', 'walks', 'walks__poor', 'walks__rich'], '0.25 * "mood__poor" + 0.75 * "mood__rich"')
>>> sorted((u, v) for u, v, _ in flat.links())
[('trail', 'walks__poor'), ('trail', 'walks__rich'), ('walks__poor', 'mood__poor'), ('walks__rich', 'mood__rich')]
>>> seg.copies["mood"], seg.shares
({'poor': 'mood__poor', 'rich': 'mood__rich'}, {'poor': 0.25, 'rich': 0.75})
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field, replace

from gmb.errors import MapFileError
from gmb.maps.causalmap import CausalMap
from gmb.maps.problems import Problem

__all__ = ["Segmentation", "expand", "without_segments", "segment_problems", "segmented_variables", "copy_id", "SEPARATOR", "ALL",
           "SEGMENT_KEYS", "VARIABLE_SEGMENT_KEYS", "LINK_SEGMENT_KEYS"]

SEPARATOR = "__"
ALL = "all"
"""The ``segment`` of a per-segment variable's population average in results (``results.csv``)."""
SEGMENT_KEYS = ("label", "share", "notes")
VARIABLE_SEGMENT_KEYS = ("initial", "adjust_time", "min", "max")
"""What a per-segment variable may give per segment (``by_segment:``)."""
LINK_SEGMENT_KEYS = ("strength",)
"""What a link into a per-segment variable may give per segment."""
SEGMENTED_KINDS = ("index", "action")
SHARE_TOLERANCE = 1e-9


@dataclass
class Segmentation:
    """How a map was told apart: segment ids in order, their shares and labels, and each per-segment
    variable's copies (``copies[var][segment]``)."""

    shares: dict[str, float]
    labels: dict[str, object]
    copies: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return list(self.shares)

    def original(self, var: str) -> str:
        """The map's variable a flat id stands for: ``sleep__exposed`` → ``sleep``; others unchanged."""
        head, _, segment = var.rpartition(SEPARATOR)
        return head if segment in self.shares and self.copies.get(head, {}).get(segment) == var else var

    def split(self, var: str) -> tuple[str, str]:
        """A flat id as (the map's variable, its segment): a copy's segment, ``all`` for the average of a
        per-segment variable, empty for a shared one: ``split("sleep__exposed")`` is ``("sleep", "exposed")``."""
        original = self.original(var)
        if original != var:
            return original, var[len(original) + len(SEPARATOR):]
        return var, ALL if var in self.copies else ""

    def describe(self, cmap: CausalMap) -> str:
        """How the model tells the segments apart, for ``ASSUMPTIONS.md``."""
        groups = ", ".join(f"`{s}` ({self.label(cmap, s, 'en')}) {self.shares[s]:.3g}" for s in self.ids)
        per = ", ".join(f"`{var}`" for var in self.copies) or "none"
        return (f"segments (groups of children, share of the population): {groups}. Per segment (a copy each, "
                f"named VARIABLE{SEPARATOR}SEGMENT): {per}; every other variable is shared (one value for the town). "
                "A link between per-segment variables acts within each segment, a shared cause acts on every "
                "segment's copy, and a per-segment variable acts on a shared one, and is reported, through its "
                "population-weighted average (the variable's own id). Segments differ only where the map says so "
                "(by_segment: start values, adjust times, bounds, link strengths) and in who a scenario reaches")

    def label(self, cmap: CausalMap, segment: str, lang: str | None = None) -> str:
        """A segment's label in ``lang`` (else the map's languages, else its id)."""
        return cmap.text(self.labels.get(segment), lang, default=segment)


def copy_id(var: str, segment: str) -> str:
    """The id of ``var``'s copy for ``segment``: ``copy_id("sleep", "exposed")`` is ``'sleep__exposed'``."""
    return f"{var}{SEPARATOR}{segment}"


def segmented_variables(cmap: CausalMap) -> list[str]:
    """The map's per-segment variables (none without a ``segments:`` block)."""
    if not cmap.meta.get("segments"):
        return []
    return [var for var, attrs in cmap.graph.nodes(data=True) if attrs.get("equation") is None and (
            attrs.get("kind", "index") in SEGMENTED_KINDS and attrs.get("segmented", True) is not False
            or attrs.get("kind") == "constant" and attrs.get("segmented") is True)]


def segment_problems(cmap: CausalMap) -> list[Problem]:
    """Every error in a map's segments: the block, the variables' and links' per-segment values."""
    block = cmap.meta.get("segments")
    if block is None:
        return _stray(cmap)
    lines = cmap.origin
    where = lines.key_lines.get("segments") if lines else None
    problems = []

    def error(code, message, variable=None, link=None, line=where):
        problems.append(Problem("error", code, message, variable=variable, link=link, line=line))

    if not isinstance(block, dict) or len(block) < 2 or not all(isinstance(v, dict) for v in block.values()):
        error("invalid-segments", "segments: give at least two groups, each {label: …, share: …}, e.g. exposed: "
              "{label: Children in exposed families, share: 0.2}")
        return problems
    for seg, entry in block.items():
        if not isinstance(seg, str) or not seg.isidentifier() or SEPARATOR in seg:
            error("invalid-segments", f"segments: {seg!r} is not a usable id; use letters, digits and single _")
        elif seg.casefold() in {v.casefold() for v in cmap.graph}:
            error("segment-clash", f"segments: {seg!r} is also a variable id; rename the segment")
        for key in entry:
            if key not in SEGMENT_KEYS:
                error("invalid-segments", f"segments.{seg}: unknown key {key!r} (known: {', '.join(SEGMENT_KEYS)})")
        share = entry.get("share")
        if not _number(share) or not 0 < share <= 1:
            error("invalid-share", f"segments.{seg}.share {share!r} must be a number above 0 and at most 1")
    shares = [entry.get("share") for entry in block.values()]
    if all(_number(s) for s in shares) and abs(sum(shares) - 1) > SHARE_TOLERANCE:
        error("invalid-share", f"segments: the shares sum to {sum(shares):g}, not 1; make them add up "
              f"(they are each group's part of the children)")
    per_segment = set(segmented_variables(cmap))
    for var in per_segment:
        for seg in block:
            if copy_id(var, seg) in cmap.graph:
                error("segment-clash", f"variable {copy_id(var, seg)!r} clashes with the copy of {var!r} for segment "
                      f"{seg!r}; rename it", variable=var, line=_var_line(cmap, var))
    for var, attrs in cmap.graph.nodes(data=True):
        line = _var_line(cmap, var)
        flag = attrs.get("segmented")
        if flag is not None and not isinstance(flag, bool):
            error("invalid-segmented", f"variable {var!r}: segmented {flag!r} must be true or false", var, line=line)
        elif flag is True and var not in per_segment:
            error("invalid-segmented", f"variable {var!r}: only index, action and constant variables can be per "
                  "segment; remove 'segmented'", var, line=line)
        if "by_segment" in attrs:
            problems += _by_segment(attrs["by_segment"], block, VARIABLE_SEGMENT_KEYS, f"variable {var!r}",
                                    var in per_segment, dict(variable=var, line=line))
    for u, v, attrs in cmap.links():
        if "by_segment" in attrs:
            line = lines.link_lines.get((u, v)) if lines else None
            problems += _by_segment(attrs["by_segment"], block, LINK_SEGMENT_KEYS, f"link {u} → {v}",
                                    v in per_segment, dict(link=(u, v), line=line))
    return problems


def without_segments(cmap: CausalMap) -> CausalMap:
    """The map as one population: a copy without its ``segments:`` block and per-segment keys (the map
    itself if it has none), for analyses of the map's own structure (``gmb press``)."""
    if not cmap.meta.get("segments"):
        return cmap
    plain = cmap.copy()
    del plain.meta["segments"]
    for _, attrs in [*plain.graph.nodes(data=True), *((None, a) for _, _, a in plain.links())]:
        attrs.pop("segmented", None)
        attrs.pop("by_segment", None)
    return plain


def expand(cmap: CausalMap) -> tuple[CausalMap, Segmentation | None]:
    """The flat map the simulator runs, and how it was told apart (``None`` and the map itself without
    segments). A map whose segments have errors is refused with the first (file and line)."""
    if not cmap.meta.get("segments"):
        return cmap, None
    errors = segment_problems(cmap)
    if errors:
        raise MapFileError(cmap.origin.path if cmap.origin else "map", errors[0].message, line=errors[0].line)
    block = cmap.meta["segments"]
    seg = Segmentation({s: float(e["share"]) for s, e in block.items()}, {s: e.get("label") for s, e in block.items()})
    per_segment = segmented_variables(cmap)
    flat = CausalMap.from_data({key: value for key, value in cmap.meta.items() if key != "segments"})
    origin = flat.origin = replace(cmap.origin, variable_lines=dict(cmap.origin.variable_lines),
                                   link_lines=dict(cmap.origin.link_lines)) if cmap.origin else None
    for var, attrs in cmap.graph.nodes(data=True):
        plain = {k: v for k, v in attrs.items() if k not in ("segmented", "by_segment")}
        if var not in per_segment:
            flat.graph.add_node(var, **plain)
            continue
        seg.copies[var] = {}
        for s in seg.ids:
            own = dict(plain, **(attrs.get("by_segment") or {}).get(s, {}))
            own["label"] = _copy_label(cmap, var, seg, s)
            flat.graph.add_node(copy_id(var, s), **own)
            seg.copies[var][s] = copy_id(var, s)
            if origin and var in origin.variable_lines:  # errors in a copy point at the variable's line
                origin.variable_lines[copy_id(var, s)] = origin.variable_lines[var]
        average = " + ".join(f'{seg.shares[s]:.17g} * "{copy_id(var, s)}"' for s in seg.ids)
        flat.graph.add_node(var, **{k: v for k, v in plain.items() if k not in ("kind", "adjust_time", "min", "max")},
                            equation=average)
    for u, v, attrs in cmap.links():
        plain = {k: val for k, val in attrs.items() if k != "by_segment"}
        if v not in seg.copies:                         # into a shared variable: from the cause's average
            flat._put_link(u, v, plain)
            continue
        for s in seg.ids:
            own = dict(plain, **(attrs.get("by_segment") or {}).get(s, {}))
            ends = (seg.copies[u][s] if u in seg.copies else u, seg.copies[v][s])
            flat._put_link(*ends, own)
            if origin and (u, v) in origin.link_lines:
                origin.link_lines[ends] = origin.link_lines[u, v]
    return flat, seg


def _by_segment(value, block: dict, keys: tuple[str, ...], what: str, allowed: bool, where: dict) -> list[Problem]:
    def error(message):
        return [Problem("error", "invalid-by-segment", f"{what}: {message}", **where)]
    if not allowed:
        shared = "its target is shared" if what.startswith("link") else "it is shared (one value for the town)"
        return error(f"by_segment gives per-segment values, but {shared}; remove by_segment or make it per "
                     "segment (segmented: true)")
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        return error(f"by_segment must map segments to values, e.g. by_segment: {{{next(iter(block))}: "
                     f"{{{keys[0]}: …}}}}")
    for seg, values in value.items():
        if seg not in block:
            return error(f"by_segment names segment {seg!r}, which the map does not have (segments: "
                         f"{', '.join(block)})")
        for key in values:
            if key not in keys:
                return error(f"by_segment.{seg}: unknown key {key!r} (known: {', '.join(keys)})")
    return []


def _stray(cmap: CausalMap) -> list[Problem]:
    """``segmented``/``by_segment`` on a map without segments: an error each, so nothing is silently ignored."""
    problems = []
    for var, attrs in cmap.graph.nodes(data=True):
        for key in ("segmented", "by_segment"):
            if key in attrs:
                problems.append(Problem("error", "no-segments", f"variable {var!r}: {key} needs a segments: block in "
                                        "the map; add one or remove the key", variable=var,
                                        line=_var_line(cmap, var)))
    for u, v, attrs in cmap.links():
        if "by_segment" in attrs:
            problems.append(Problem("error", "no-segments", f"link {u} → {v}: by_segment needs a segments: block "
                                    "in the map; add one or remove the key", link=(u, v),
                                    line=cmap.origin.link_lines.get((u, v)) if cmap.origin else None))
    return problems


def _copy_label(cmap: CausalMap, var: str, seg: Segmentation, segment: str) -> dict:
    return {lang: f"{cmap.label(var, lang)} ({seg.label(cmap, segment, lang)})" for lang in cmap.languages}


def _var_line(cmap: CausalMap, var: str) -> int | None:
    return cmap.origin.variable_lines.get(var) if cmap.origin else None


def _number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
