"""The loops of a map, as every command and page counts them: one definition and one stated total.

A map's loops are its feedback loops of at most :data:`MAX_LENGTH` variables (longer ones are hard
to follow as a story, and a dense map has millions of them); counting stops at :data:`COUNT_CAP`,
keeping the shortest. ``gmb loops``, ``gmb analyze``, ``gmb workshop show`` and the HTML page all
call :func:`map_loops`, so the same map shows the same number everywhere, stated the same way
(:meth:`MapLoops.stated`). Listings show the :data:`LISTED` most relevant loops: those the map
names first, then those through the outcome, then the shortest.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("ring", ["en"])
>>> for var in "abcdefghij":
...     cmap.add_variable(var)
>>> for u, v in zip("abcdefghij", "bcdefghija"):
...     _ = cmap.add_link(u, v, "+")
>>> _ = cmap.add_link("b", "a", "-"), cmap.add_link("c", "b", "+")
>>> _ = cmap.set_outcome(["c"])
>>> found = map_loops(cmap)
>>> found.stated()
'2 feedback loops of up to 8 variables (the map has longer ones, not counted)'
>>> [loop.variables for loop in found.loops]  # through the outcome c first
[('b', 'c'), ('a', 'b')]
>>> map_loops(cmap, max_length=None).stated()
'3 feedback loops'
>>> map_loops(cmap, max_length=None, cap=2).stated()
'2+ feedback loops (counting stopped at 2: all of up to 9 variables)'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from gmb.analysis.loops import Loop, LoopCounts, LoopSink, loop_id, search
from gmb.maps.causalmap import CausalMap

__all__ = ["MapLoops", "map_loops", "MAX_LENGTH", "COUNT_CAP", "LISTED"]

MAX_LENGTH = 8
"""A map's loops are those of at most this many variables, unless a command is told otherwise (``--max-length``)."""
COUNT_CAP = 10_000
"""Counting stops at this many loops (the shortest are kept), and the total is stated as ``10,000+``."""
LISTED = 20
"""How many loops a listing shows unless told otherwise (``--limit N``, ``--all``)."""


@dataclass
class MapLoops:
    """The loops of a map: their counts, the most relevant of them, and how far the search went.

    ``loops`` are at most the number asked for, most relevant first; ``cut`` is the loop length at
    which counting stopped at ``cap`` (``None``: it did not stop); ``longer`` says whether the map
    has loops longer than ``max_length`` (``None``: not known).
    """

    counts: LoopCounts
    loops: list[Loop] = field(default_factory=list)
    max_length: int | None = MAX_LENGTH
    cap: int = COUNT_CAP
    cut: int | None = None
    longer: bool | None = False

    @property
    def total(self) -> int:
        """How many loops were counted (at most ``cap``)."""
        return self.counts.total

    @property
    def stopped(self) -> bool:
        """Whether counting stopped at ``cap``, so that the map has more loops than ``total``."""
        return self.cut is not None

    def shown_total(self) -> str:
        """The total as shown: ``659``, or ``10,000+`` when counting stopped."""
        return f"{self.total:,}{'+' if self.stopped else ''}"

    def stated(self) -> str:
        """The total in one phrase, saying what was counted and where counting stopped."""
        text = f"{self.shown_total()} feedback loop{'' if self.total == 1 and not self.stopped else 's'}"
        bounded = self.max_length is not None and self.longer is not False
        if bounded:
            text += f" of up to {self.max_length} variables"
        if self.stopped:
            some = self.counts.lengths[self.cut]
            parts = ([f"all of up to {self.cut - 1} variables"] if self.cut > 2 else []) + (
                [f"{some:,} of the loops of {self.cut} variables"] if some else [])
            return text + f" (counting stopped at {self.cap:,}: {' and '.join(parts)})"
        if bounded:
            text += " (the map has longer ones, not counted)" if self.longer else " (longer ones may exist)"
        return text

    def to_dict(self) -> dict:
        """The counts as plain data, the same in every command's JSON and in the HTML page."""
        return {"total": self.total, "stopped": self.stopped, "shown": self.shown_total(), "stated": self.stated(),
                "max_length": self.max_length, "cap": self.cap, "longer": self.longer,
                "by_polarity": self.counts.by_polarity(), "by_length": self.counts.by_length()}


def map_loops(cmap: CausalMap, through: str | None = None, max_length: int | None = MAX_LENGTH,
              listed: int | None = LISTED, cap: int = COUNT_CAP,
              progress: Callable[[int, bool], None] | None = None) -> MapLoops:
    """The loops of the map (through a variable, if given): counted up to ``cap``, and the ``listed``
    most relevant of them kept (``None``: all counted; ``0``: none). ``max_length=None`` counts loops
    of any length. ``progress`` is as for :func:`gmb.analysis.loops.find_loops`."""
    sink = _Relevant(cmap, listed, progress)
    end = search(cmap, sink, through, max_length, cap)
    sink.trim()
    sink.counts.complete, sink.counts.reason = end.complete, end.reason
    return MapLoops(sink.counts, sink.loops, max_length, cap, end.cut, end.longer)


class _Relevant(LoopSink):
    """Counts every loop and keeps the ``size`` most relevant: named, through the outcome, short."""

    def __init__(self, cmap: CausalMap, size: int | None, progress):
        super().__init__(cmap, progress)
        self.size, self.named, self.outcome = size, set(cmap.loops), set(cmap.outcome)
        self.counts, self.loops = LoopCounts(), []

    def rank(self, loop: Loop) -> tuple:
        return (loop.id not in self.named, self.outcome.isdisjoint(loop.variables), loop.length, loop.variables)

    def keep(self, cycle: list, polarity: str) -> None:
        self.counts.count(cycle, polarity)
        if self.size != 0:
            self.loops.append(Loop(loop_id(cycle), tuple(cycle), polarity))
            if self.size is not None and len(self.loops) > 2 * self.size + 100:
                self.trim()

    def trim(self) -> None:
        self.loops.sort(key=self.rank)
        if self.size is not None:
            del self.loops[self.size:]

    def forget(self) -> None:
        self.counts, self.loops = LoopCounts(), []
