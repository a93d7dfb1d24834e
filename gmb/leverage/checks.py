"""Every Monte Carlo sample checked before it counts: does its model settle, and does its baseline start at rest?

A sample is **unstable** when its linearisation at the start (:mod:`gmb.sd.linear`, with that
sample's link weights and adjust times) has an eigenvalue with a real part above
:data:`gmb.sd.stability.STABLE`: a push on it grows without end, so its effects say nothing about
the map. The samples' matrices are checked from their entries (:meth:`gmb.sd.linear.LinearModel.entries`)
by :func:`gmb.sd.stability.unstable_entries`, block by block: two cheap *sufficient* tests (the comparison matrix, a diagonal Lyapunov function)
clear most samples, and only the rest get their block's eigenvalues; the verdicts are those of the
eigenvalues. A sample whose model has no derivative at its start is **unchecked** (counted, not
excluded).

A sample is **not at rest** when its baseline moves at the start, at a state that does not move for
the map's own numbers (e.g. a stock whose inflow and outflow would have been drawn apart): its
effects would be measured against a drifting baseline. The rates are one Euler step of the numpy
engine; a state moves when its rate exceeds :data:`REST_TOLERANCE` × max(1, |start|) per month.

Each sample's verdict depends on that sample alone, so it is the same however samples are chunked.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.spec import build_spec
>>> from gmb.leverage.uncertainty import MapUncertainty
>>> cmap = CausalMap.new("demo")
>>> for var in ("a", "b"):
...     cmap.add_variable(var, var.upper(), adjust_time=4)
>>> _ = cmap.add_link("a", "b", "+", strength=1.2)
>>> _ = cmap.add_link("b", "a", "+", strength="medium")      # loop gain 1.2 × w: unstable when w > 0.83
>>> spec = build_spec(cmap, unknown_links="include")
>>> draws = MapUncertainty(cmap, spec).draw(seed=1, start=0, stop=200)
>>> checks = SampleChecker(spec).check(draws.settings, draws.adjust_times)
>>> bool(checks.unstable.any()), bool((checks.unstable == (draws.settings["w_b_to_a"] * 1.2 > 1)).all())
(True, True)
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Mapping

import numpy as np
from threadpoolctl import OpenBLASController, ThreadpoolController

from gmb.errors import GmbError
from gmb.sd.batch import BatchModel
from gmb.sd.linear import LinearModel, NotLinearisable
from gmb.sd.spec import ModelSpec
from gmb.sd.stability import entry_blocks, unstable_entries

__all__ = ["SampleChecks", "SampleChecker", "checker", "drifting", "Exclusions", "exclusions", "REST_TOLERANCE",
           "CHECK_CHUNK"]

REST_TOLERANCE = 1e-9
"""A state's rate of change at the start, per month and relative to max(1, |start|), above which it moves."""
CHECK_CHUNK = 200
"""Samples checked at a time (one linearisation pass each; its cost hardly depends on the number)."""


@dataclass
class SampleChecks:
    """Per sample: ``unstable``, ``restless`` (baseline not at rest) and ``unchecked`` (no derivative)."""

    unstable: np.ndarray
    restless: np.ndarray
    unchecked: np.ndarray

    @property
    def excluded(self) -> np.ndarray:
        return self.unstable | self.restless

    @staticmethod
    def join(parts: list["SampleChecks"]) -> "SampleChecks":
        return SampleChecks(*(np.concatenate([getattr(p, key) for p in parts])
                              for key in ("unstable", "restless", "unchecked")))


class SampleChecker:
    """A spec compiled for checking samples: the linearisation, the engine and its block structure."""

    def __init__(self, spec: ModelSpec):
        self.spec = spec
        self.model = BatchModel(spec)
        self.states = [v.id for v in spec.variables.values() if v.kind in ("index", "stock")]
        start = np.array([spec.variables[var].initial for var in self.states])
        self.tolerance = REST_TOLERANCE * np.maximum(1.0, np.abs(start))
        self.moving = self._rates({}, {})[:, 0] > self.tolerance  # states that move for the map's own numbers
        try:
            self.linear = LinearModel(spec)
            every = {link.param: 1.0 for link in spec.links}  # every link present: the widest structure
            rows, columns, _ = self.linear.entries(every)
            self.structure = set(zip(rows.tolist(), columns.tolist()))
            self.blocks = entry_blocks(rows, columns, len(self.linear.states))
        except NotLinearisable:
            self.linear, self.structure, self.blocks = None, set(), []

    def check(self, settings: Mapping[str, np.ndarray], adjust_times: Mapping[str, np.ndarray],
              size: int | None = None, stability: bool = True) -> SampleChecks:
        """The checks of ``size`` samples (settings and adjust times: arrays of that many numbers; by
        default their length); ``stability`` False skips the stability check (all count as stable)."""
        if size is None:
            size = len(next(iter(settings.values()), next(iter(adjust_times.values()), [])))
        moves = (np.abs(self._rates(settings, adjust_times)) > self.tolerance[:, None]) & ~self.moving[:, None]
        restless = np.broadcast_to(moves.any(axis=0), (size,)).copy()
        unstable, unchecked = np.zeros(size, bool), np.zeros(size, bool)
        if stability:
            unstable, unchecked = self._stability(settings, adjust_times, size)
        return SampleChecks(unstable, restless, unchecked)

    def _rates(self, settings, adjust_times) -> np.ndarray:
        run = self.model.run(settings, final_time=1.0, dt=1.0, adjust_times=adjust_times, outputs=self.states)
        if not self.states:
            return np.zeros((0, 1))
        values = np.stack([run.values[var] for var in self.states])
        return values[:, :, 1] - values[:, :, 0]

    def _stability(self, settings, adjust_times, size: int) -> tuple[np.ndarray, np.ndarray]:
        """From A's entries, block by block (:func:`gmb.sd.stability.unstable_entries`): a map split into
        groups of children has twice the states but not four times the memory."""
        unstable, unchecked = np.zeros(size, bool), np.ones(size, bool)
        if self.linear is None:
            return unstable, unchecked
        try:
            rows, columns, values = self.linear.entries(settings, adjust_times)
            values = np.broadcast_to(values, (size, values.shape[-1]))
            unchecked[:] = False
        except NotLinearisable:  # a kink in some sample: linearise the samples one by one
            rows, columns, values = self._one_by_one(settings, adjust_times, size, unchecked)
        n = len(self.linear.states)
        blocks = self.blocks if set(zip(rows.tolist(), columns.tolist())) <= self.structure else \
            entry_blocks(rows, columns, n)
        with _one_blas_thread():
            unstable[~unchecked] = unstable_entries(rows, columns, values[~unchecked], n, blocks)
        return unstable, unchecked

    def _one_by_one(self, settings, adjust_times, size: int, unchecked: np.ndarray):
        """:meth:`LinearModel.entries` sample by sample, on the union of their entries; a sample without
        a derivative stays ``unchecked``."""
        found: dict[tuple[int, int], np.ndarray] = {}
        for k in range(size):
            try:
                rows, columns, values = self.linear.entries({n: v[k] for n, v in settings.items()},
                                                            {n: v[k] for n, v in adjust_times.items()})
            except NotLinearisable:
                continue
            unchecked[k] = False
            for key, value in zip(zip(rows.tolist(), columns.tolist()), values.tolist()):
                found.setdefault(key, np.zeros(size))[k] = value
        keys = list(found)
        values = np.stack([found[key] for key in keys], axis=-1) if keys else np.zeros((size, 0))
        return (np.array([r for r, _ in keys], dtype=np.intp), np.array([c for _, c in keys], dtype=np.intp),
                values)


_BLAS: dict = {"users": 0}


@contextmanager
def _one_blas_thread():
    """BLAS on one thread while any thread of this process checks samples (a 181-state block's
    eigenvalues take ~10 ms on one thread, longer on two that compete with the simulation or other
    workers); the original limits come back when the last checking thread (Dask) leaves."""
    with _LOCK:
        if not _BLAS["users"]:  # the libraries loaded now (scipy may have brought its own BLAS since)
            _BLAS["limits"] = ThreadpoolController().limit(limits=1, user_api="blas")
            _let_go_of_openblas()
        _BLAS["users"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _BLAS["users"] -= 1
            if not _BLAS["users"]:
                _BLAS.pop("limits").restore_original_limits()
                _let_go_of_openblas()


def _let_go_of_openblas():
    """threadpoolctl >= 3.8 lets only the thread that last set OpenBLAS's process-wide limit set it again,
    while that thread lives; the last checking thread, which restores the limit, is often another one."""
    release = getattr(OpenBLASController, "clear_controlling_thread", None)
    if release is not None:
        release()  # only if this thread holds it: a limit someone else controls stays theirs


def drifting(spec: ModelSpec) -> list[str]:
    """The index variables and stocks that move at the start for the map's own numbers.

    >>> from gmb.maps.causalmap import CausalMap
    >>> from gmb.sd.spec import build_spec
    >>> cmap = CausalMap.new("demo")
    >>> cmap.add_variable("pay", "Pay")
    >>> cmap.add_variable("savings", "Savings", kind="stock", initial=1)
    >>> _ = cmap.add_link("pay", "savings", "+", flow="inflow", strength="weak")
    >>> drifting(build_spec(cmap))
    ['savings']
    """
    found = checker(spec)
    return [var for var, moving in zip(found.states, found.moving) if moving]


_CHECKERS: dict = {}
_LOCK = threading.Lock()


def checker(spec: ModelSpec, key: str | None = None) -> SampleChecker:
    """The spec's checker, compiled once per process for ``key`` (Dask threads share it)."""
    if key is None:
        return SampleChecker(spec)
    with _LOCK:
        if key not in _CHECKERS:
            while len(_CHECKERS) >= 4:
                _CHECKERS.pop(next(iter(_CHECKERS)))
            _CHECKERS[key] = SampleChecker(spec)
        return _CHECKERS[key]


@dataclass
class Exclusions:
    """What the checks did to a run: ``kept`` (mask of the samples the statistics use), the counts,
    and a note for the report."""

    kept: np.ndarray
    unstable: int
    restless: int
    unchecked: int
    excluded: int
    note: str
    warning: str


def exclusions(checks: SampleChecks | None, samples: int, exclude: bool = True) -> Exclusions:
    """Which samples count, and what to tell people; every sample unstable or drifting is an error.

    >>> checks = SampleChecks(np.array([True, False, False]), np.array([False, True, False]), np.zeros(3, bool))
    >>> found = exclusions(checks, 3)
    >>> found.kept.tolist(), found.note
    ([False, False, True], '1 of 3 samples unstable, 1 not at rest — excluded from the statistics')
    """
    if checks is None:
        return Exclusions(np.ones(samples, bool), 0, 0, 0, 0, "samples not checked for stability", "")
    unstable, restless = int(checks.unstable.sum()), int((checks.restless & ~checks.unstable).sum())
    unchecked = int(checks.unchecked.sum())
    bad = checks.excluded
    note = f"{unstable} of {samples} samples unstable, {restless} not at rest"
    if bad.any():
        note += " — excluded from the statistics" if exclude else " — kept in the statistics (exclude=False)"
    else:
        note = f"every sample checked: {note}"
    if unchecked:
        note += f"; {unchecked} could not be checked for stability (no derivative at the start)"
    if exclude and bad.all():
        raise GmbError(f"all {samples} samples are unstable or do not start at rest ({unstable} unstable, "
                       f"{restless} not at rest), so nothing can be ranked; weaken the links on the map's loops "
                       "or give it smaller strength numbers")
    kept = ~bad if exclude else np.ones(samples, bool)
    warning = note if bad.any() else ""
    return Exclusions(kept, unstable, restless, unchecked, int(bad.sum()) if exclude else 0, note, warning)


def ranking_flags(cmap, final: np.ndarray) -> dict[str, str]:
    """Why there is no ranking to show, by flag: ``all_unknown`` (every link of the map is ``?``) and
    ``all_tied`` (every candidate's median effect at the horizon is the same, e.g. 0), with a warning each.

    >>> from gmb.maps.causalmap import CausalMap
    >>> cmap = CausalMap.new("demo")
    >>> for var in ("a", "b"):
    ...     cmap.add_variable(var, var.upper())
    >>> _ = cmap.add_link("a", "b", "?")
    >>> sorted(ranking_flags(cmap, np.zeros((5, 1))))
    ['all_tied', 'all_unknown']
    """
    flags = {}
    links = [attrs for _, _, attrs in cmap.links() if not attrs.get("flow")]
    if links and all(attrs.get("polarity") == "?" for attrs in links):
        flags["all_unknown"] = ("every link of the map has polarity ? (its direction not agreed), so a ranking would "
                                "only show the signs drawn at random; agree the links' polarities first")
    medians = np.median(final, axis=0) if len(final) else np.zeros(final.shape[1])
    largest = float(np.abs(medians).max(initial=0.0))
    if len(medians) and float(np.ptp(medians)) <= 1e-12 * largest and (len(medians) > 1 or largest == 0):
        what = "no push moves the outcome (every median effect is 0)" if largest == 0 else \
            "every candidate has the same median effect"
        flags["all_tied"] = f"{what}, so there is no ranking to show; check the links into the outcome"
    return flags
