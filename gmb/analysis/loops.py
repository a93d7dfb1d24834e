"""Feedback loops: every simple cycle of the map, with its polarity and a stable id.

A loop is reinforcing (``R``) when it has an even number of ``-`` links, balancing (``B``) when
odd, and ``?`` when any link's polarity is not agreed. Its id comes from its canonical rotation
(the rotation that starts at the smallest variable id): ``L<length>-<10 hex digits of a hash>``,
so it stays the same whatever else in the map changes, and a name a facilitator gives the loop
(stored in the map's ``loops:`` section) stays with it.

Enumeration streams: counting loops (:func:`count_loops`) keeps only the counts, and a
listing cut by ``limit`` keeps the shortest loops. A cut listing says so (``complete`` is
false and ``reason`` says why); nothing is left out silently.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo", ["en"])
>>> for var in ("screen_time", "sleep", "tiredness"):
...     cmap.add_variable(var)
>>> for u, v, sign in [("screen_time", "sleep", "-"), ("sleep", "tiredness", "-"),
...                    ("tiredness", "screen_time", "+"), ("sleep", "screen_time", "-")]:
...     _ = cmap.add_link(u, v, sign)
>>> listing = find_loops(cmap)
>>> [(loop.polarity, loop.variables) for loop in listing.loops]
[('R', ('screen_time', 'sleep')), ('R', ('screen_time', 'sleep', 'tiredness'))]
>>> listing.complete, listing.by_polarity()
(True, {'R': 2, 'B': 0, '?': 0})
>>> name_loop(cmap, listing.loops[0].id, "Screens keep you up", "en").length
2
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from gmb.analysis.signed import analysis_graph, link_sign, resolve_variable
from gmb.errors import GmbError
from gmb.maps.causalmap import CausalMap
from gmb.maps.cycles import Adjacency, cycles, longer_exists, shortest_first
from gmb.maps.loopids import loop_id

__all__ = ["Loop", "LoopListing", "LoopCounts", "LoopSink", "SearchEnd", "find_loops", "count_loops", "find_loop",
           "loop_id", "name_loop", "tell_loop", "search"]

_ID = re.compile(r"L(\d+)-([0-9a-f]{1,10})", re.IGNORECASE)


@dataclass(frozen=True)
class Loop:
    """A feedback loop: its id, its variables in order (canonical rotation) and its polarity."""

    id: str
    variables: tuple[str, ...]
    polarity: str

    @property
    def length(self) -> int:
        """The number of variables (and of links) in the loop."""
        return len(self.variables)

    def links(self) -> list[tuple[str, str]]:
        """The loop's links ``(from, to)`` in order, the last one closing the loop."""
        return [(v, self.variables[(i + 1) % self.length]) for i, v in enumerate(self.variables)]


@dataclass
class LoopCounts:
    """Counts of loops by polarity, by length and per variable, kept while streaming."""

    total: int = 0
    polarity: dict[str, int] = field(default_factory=lambda: {"R": 0, "B": 0, "?": 0})
    lengths: Counter = field(default_factory=Counter)
    variables: Counter = field(default_factory=Counter)
    complete: bool = True
    reason: str | None = None

    def add(self, loop: Loop) -> None:
        self.count(loop.variables, loop.polarity)

    def count(self, variables, polarity: str) -> None:
        """Count a loop given by its variables and polarity (no :class:`Loop` needed)."""
        self.total += 1
        self.polarity[polarity] += 1
        self.lengths[len(variables)] += 1
        self.variables.update(variables)

    def by_polarity(self) -> dict[str, int]:
        """``{"R": r, "B": b, "?": u}``."""
        return dict(self.polarity)

    def by_length(self) -> dict[int, int]:
        """How many loops have each length, shortest first."""
        return dict(sorted(self.lengths.items()))

    def loops_per_variable(self) -> dict[str, int]:
        """How many loops each variable sits in (variables in no loop are left out)."""
        return dict(self.variables)

    def most_looped(self, n: int = 5) -> list[tuple[str, int]]:
        """The ``n`` variables that sit in most loops, with their counts (ties by id)."""
        return sorted(self.variables.items(), key=lambda item: (-item[1], item[0]))[:n]


@dataclass
class LoopListing:
    """The loops found, shortest first then by variable ids; ``complete`` is false if some were left out."""

    loops: list[Loop]
    complete: bool = True
    reason: str | None = None

    def counts(self) -> LoopCounts:
        """The listed loops' counts by polarity, length and variable."""
        counts = LoopCounts(complete=self.complete, reason=self.reason)
        for loop in self.loops:
            counts.add(loop)
        return counts

    def by_polarity(self) -> dict[str, int]:
        return self.counts().by_polarity()

    def by_length(self) -> dict[int, int]:
        return self.counts().by_length()

    def loops_per_variable(self) -> dict[str, int]:
        return self.counts().loops_per_variable()

    def most_looped(self, n: int = 5) -> list[tuple[str, int]]:
        return self.counts().most_looped(n)

    def get(self, loop_id: str) -> Loop | None:
        """The listed loop with this id, if any."""
        return next((loop for loop in self.loops if loop.id == loop_id), None)


def find_loops(cmap: CausalMap, through: str | None = None, max_length: int | None = None,
               limit: int | None = None, progress: Callable[[int, bool], None] | None = None) -> LoopListing:
    """Every feedback loop of the map (through a variable, if given), shortest first.

    Parameters
    ----------
    through : a variable (id or label); keep only the loops through it.
    max_length : look only for loops of at most this many variables.
    limit : list at most this many loops, the shortest ones (all of up to some length, then
        some of the next length).
    progress : called as ``progress(found, shortest)`` at the 1,000th loop found, then at most
        five times a second. When there are more than ``limit`` loops, the search starts again to
        keep the shortest ones: ``shortest`` turns true and ``found`` counts from zero.

    Notes
    -----
    Dense maps have very many loops (a random 100-variable, 250-link map has millions), so bound
    ``max_length`` or ``limit`` there. Memory is the listing itself.
    """
    collector = _Collector(cmap, progress)
    end = search(cmap, collector, through, max_length, limit)
    collector.loops.sort(key=lambda loop: (loop.length, loop.variables))
    return LoopListing(collector.loops, end.complete, end.reason)


def count_loops(cmap: CausalMap, through: str | None = None, max_length: int | None = None,
                limit: int | None = None, progress: Callable[[int, bool], None] | None = None) -> LoopCounts:
    """Count the loops :func:`find_loops` would list, keeping no list (memory stays flat)."""
    counter = _Counter(cmap, progress)
    end = search(cmap, counter, through, max_length, limit)
    counter.counts.complete, counter.counts.reason = end.complete, end.reason
    return counter.counts


def find_loop(cmap: CausalMap, ref: str) -> Loop:
    """The loop ``ref`` names: its id (or the start of it, e.g. ``L3-5e0c``), or its chain of
    variables written ``a > b > c`` (ids or labels; ``->``, ``→`` and ``,`` also separate)."""
    ref = str(ref).strip()
    match = _ID.fullmatch(ref)
    if match:
        length, prefix = int(match.group(1)), ref.split("-", 1)[1].lower()
        graph, signs = analysis_graph(cmap), _signs(cmap)
        hits = [loop for loop in (_loop(c, signs) for c in cycles(Adjacency(graph), length, exact=True))
                if loop.id.split("-", 1)[1].startswith(prefix)]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise GmbError(f"loop id {ref!r} fits {len(hits)} loops ({', '.join(h.id for h in hits[:4])}); "
                           "give more of the id")
        raise GmbError(f"no loop {ref!r} in the map; list the loops and their ids with 'gmb loops MAP'")
    names = [part for part in re.split(r"\s*(?:->|>|→|,)\s*", ref) if part]
    if len(names) < 2:
        raise GmbError(f"{ref!r} is not a loop id (such as L3-5e0c1d2a9f) or a chain of variables "
                       "(such as 'sleep > screen_time'); list loops with 'gmb loops MAP'")
    variables = [resolve_variable(cmap, name, f"loop {ref!r}") for name in names]
    if variables[-1] == variables[0]:
        variables.pop()
    if len(set(variables)) != len(variables):
        raise GmbError(f"loop {ref!r} passes a variable twice; a feedback loop visits each variable once")
    for u, v in zip(variables, variables[1:] + variables[:1]):
        if not cmap.graph.has_edge(u, v):
            raise GmbError(f"loop {ref!r}: there is no link {u} → {v}, so this is not a loop of the map")
    start = variables.index(min(variables))
    return _loop(variables[start:] + variables[:start], _signs(cmap))


def name_loop(cmap: CausalMap, loop_ref: str, text: str, lang: str | None = None) -> Loop:
    """Give a loop a name in ``lang`` (default: the map's first language), kept in the map's ``loops:``."""
    return tell_loop(cmap, loop_ref, "name", text, lang)


def tell_loop(cmap: CausalMap, loop_ref: str, key: str, text: str, lang: str | None = None) -> Loop:
    """Set a loop's ``name`` or ``story`` in ``lang``: ``cmap.meta["loops"][id][key][lang] = text``."""
    if key not in ("name", "story"):
        raise GmbError(f"a loop has a 'name' and a 'story', not {key!r}")
    lang = lang or cmap.languages[0]
    if lang not in cmap.languages:
        raise GmbError(f"language {lang!r} is not one of the map's languages ({', '.join(cmap.languages)}); "
                       "choose one with --lang")
    text = str(text).strip()
    if not text:
        raise GmbError(f"the loop's {key} is empty; give some text")
    loop = find_loop(cmap, loop_ref)
    if not isinstance(cmap.meta.get("loops"), dict):
        cmap.meta["loops"] = {}
    entry = cmap.meta["loops"].setdefault(loop.id, {})
    if not isinstance(entry, dict):
        entry = cmap.meta["loops"][loop.id] = {}
    texts = entry.get(key)
    if not isinstance(texts, dict):
        texts = {cmap.languages[0]: texts} if texts else {}
    entry[key] = texts | {lang: text}
    return loop


# -- private ---------------------------------------------------------------------------------


def _signs(cmap: CausalMap) -> dict[tuple[str, str], str]:
    return {(u, v): link_sign(attrs) for u, v, attrs in cmap.graph.edges(data=True)}


def _polarity(cycle: list, signs: dict) -> str:
    """``R``, ``B`` or ``?`` for a cycle, from the signs of its links (the closing link first)."""
    negatives, previous = 0, cycle[-1]
    for node in cycle:
        sign = signs[previous, node]
        if sign == "?":
            return "?"
        negatives += sign == "-"
        previous = node
    return "B" if negatives % 2 else "R"


def _loop(cycle: list, signs: dict) -> Loop:
    """The Loop for a cycle given in canonical rotation."""
    return Loop(loop_id(cycle), tuple(cycle), _polarity(cycle, signs))


@dataclass(frozen=True)
class SearchEnd:
    """How a loop search ended: ``complete`` or not and why; ``cut``, the length at which ``limit``
    cut it (all shorter loops were found, some of this length); ``longer``, whether loops longer than
    ``max_length`` exist (``None``: not known, the check ran out of time)."""

    complete: bool
    reason: str | None = None
    cut: int | None = None
    longer: bool | None = False


def search(cmap: CausalMap, sink: "LoopSink", through: str | None = None, max_length: int | None = None,
           limit: int | None = None) -> SearchEnd:
    """Feed ``sink`` the loops (through a variable, of at most ``max_length`` variables, the ``limit``
    shortest) and say how the search ended."""
    if max_length is not None and max_length < 1:
        raise GmbError(f"the maximum loop length must be at least 1, not {max_length}")
    if limit is not None and limit < 1:
        raise GmbError(f"the loop limit must be at least 1, not {limit}")
    adj = Adjacency(analysis_graph(cmap))
    through = resolve_variable(cmap, through, "--through") if through is not None else None
    horizon = adj.longest_cycle_bound(through)
    cut = shortest_first(lambda bound, exact: cycles(adj, bound, exact, through),
                         limit, max_length, horizon, sink)
    if cut is not None:
        listed = sink.found_of_length(cut)
        shorter = f"all loops of up to {cut - 1} variables, and " if cut > 2 else ""
        return SearchEnd(False, f"cut at the limit of {limit} loops: {shorter}{listed} of the loops of {cut} "
                         "variables", cut=cut, longer=None)
    if max_length is None or max_length >= horizon:
        return SearchEnd(True)
    longer = longer_exists(cycles(adj, None, through=through), max_length)
    if longer is False:
        return SearchEnd(True)
    more = "the map has longer ones" if longer else "longer ones may exist"
    return SearchEnd(False, f"only loops of up to {max_length} variables were looked for, and {more}", longer=longer)


class LoopSink:
    """Takes found cycles (with their polarity) to ``keep``, counts them per length, reports progress;
    ``forget`` drops what was kept when the search starts again."""

    def __init__(self, cmap: CausalMap, progress):
        self.signs, self.progress = _signs(cmap), progress
        self.per_length: Counter = Counter()
        self.seen, self.shown, self.shortest = 0, None, False

    def add(self, cycle: list) -> None:
        self.per_length[len(cycle)] += 1
        self.keep(cycle, _polarity(cycle, self.signs))
        self.seen += 1
        if self.progress is not None and self.seen % 1000 == 0 and (
                self.shown is None or time.perf_counter() - self.shown > 0.2):
            self.shown = time.perf_counter()
            self.progress(self.seen, self.shortest)

    def reset(self) -> None:
        self.per_length.clear()
        self.seen, self.shown, self.shortest = 0, None, True
        self.forget()

    def found_of_length(self, length: int) -> int:
        return self.per_length[length]


class _Collector(LoopSink):
    def __init__(self, cmap, progress):
        super().__init__(cmap, progress)
        self.loops: list[Loop] = []

    def keep(self, cycle: list, polarity: str) -> None:
        self.loops.append(Loop(loop_id(cycle), tuple(cycle), polarity))

    def forget(self) -> None:
        self.loops = []


class _Counter(LoopSink):
    def __init__(self, cmap, progress):
        super().__init__(cmap, progress)
        self.counts = LoopCounts()

    def keep(self, cycle: list, polarity: str) -> None:
        self.counts.count(cycle, polarity)

    def forget(self) -> None:
        self.counts = LoopCounts()
