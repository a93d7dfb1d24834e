"""Leverage: which push moves the outcome most, over many equally valid versions of a hand-drawn map.

Every candidate — each variable that can be pushed, or each idea of an idea bank — gets the same
standard push from time 0: an index variable's indicated value rises by ``push`` × today's value,
an action is switched on at level ``push``, a constant is set to (1 + ``push``) × its value. For
each Monte Carlo sample of the map's uncertain numbers (:mod:`gmb.leverage.uncertainty`) the baseline and
every candidate are run with the numpy batch engine; a candidate's effect is the outcome's change
against that sample's baseline at the horizon (``final``) and its area under the curve over the
run (``auc``, change × months). Per candidate the effects give a median, a 5–95 % interval and the
probability that the effect is positive (signed, for analysts).

People read a ranking by size: each candidate gets the **direction** to push it (``increase`` when
its median effect is positive, ``decrease`` when pushing it up lowers the outcome; a higher outcome
is taken to be better), the **effect** of pushing it that way (the signed effects mirrored for a
``decrease``: the default formulation is linear, so a push down by the same amount has the opposite
effect unless a bound is reached), its 5–95 % interval, and **P(right direction)**, the share of
samples in which that push raises the outcome. Candidates are split into two **groups**: ``action``
(kind ``action`` and the ideas of an idea bank: what a working group can do) and ``state`` (index
variables and constants: they matter if something could move them), actions first, each ranked by
the size of its effect; P(top 3) (the share of samples in which it is among the three largest of its
group, ties sharing a rank) and the rank of the analytic press response (:mod:`gmb.analysis.press`,
the long-run answer for the map's own strengths) are within the group too.

Samples are run in chunks (:mod:`gmb.leverage.distributed`: in this process, a local process pool or a Dask
cluster). A chunk's numbers depend only on the seed and its samples, so every way of running it
gives the same bytes.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo", ["en"])
>>> for var in ("friends", "sport", "screens", "wellbeing"):
...     cmap.add_variable(var, var.title(), adjust_time=2)
>>> _ = cmap.add_link("friends", "wellbeing", "+", strength="strong")
>>> _ = cmap.add_link("sport", "wellbeing", "+", strength="weak")
>>> _ = cmap.add_link("screens", "wellbeing", "-", strength="medium")
>>> result = leverage(cmap, "wellbeing", samples=50, seed=1, horizon=24, workers=1)
>>> [(row["id"], row["direction"], row["p_direction"], row["press_rank"]) for row in result.table()]
[('friends', 'increase', 1.0, 1), ('screens', 'decrease', 1.0, 2), ('sport', 'increase', 1.0, 3)]
>>> row = result.table()[1]                     # fewer screens: about 0.5 × 0.1 better
>>> row["group"], round(row["effect"], 2), round(row["median"], 2), row["p_positive"]
('state', 0.05, -0.05, 0.0)
"""

from __future__ import annotations

import math
import secrets
import threading
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from gmb.analysis.press import LongRun, long_run_effects
from gmb.errors import GmbError
from gmb.leverage.checks import CHECK_CHUNK, SampleChecks, checker, drifting, exclusions, ranking_flags
from gmb.leverage.distributed import run_chunks
from gmb.leverage.uncertainty import STRUCTURE, MapUncertainty
from gmb.maps.causalmap import CausalMap
from gmb.sd.batch import BatchModel
from gmb.sd.scenarios import ScenarioPlan
from gmb.sd.simulate import choose_dt
from gmb.sd.spec import ModelSpec, build_spec
from gmb.sd.stability import check_stability

__all__ = ["leverage", "Leverage", "Candidate", "Term", "Effects", "run_candidates", "run_chunk", "variable_candidates",
           "summarize", "press_effects", "prepare", "Setup", "MEASURES", "DEFAULT_PUSH", "DEFAULT_HORIZON",
           "DEFAULT_SAMPLES", "RUNS_PER_CHUNK", "POOL_MIN_WORK", "GROUPS", "group_of"]

DEFAULT_PUSH = 0.1
"""The standard push: a tenth of today's value (or an action at level 0.1)."""
DEFAULT_HORIZON = 120.0
"""Months simulated: ten years."""
DEFAULT_SAMPLES = 1000
RUNS_PER_CHUNK = 2048
"""About this many runs (samples × (candidates + 1)) go to the engine at a time, as one chunk."""
POOL_MIN_WORK = 2e6
"""Run-steps (runs × time steps, about a microsecond each) below which a job stays in this process."""
MEASURES = ("final", "auc")
"""``final``: the outcome's change at the horizon; ``auc``: its area under the curve (change × months)."""
GROUPS = ("action", "state")
"""A ranking's groups, in the order shown: what a working group can do, then the map's states."""


def group_of(kind: str) -> str:
    """``action`` for an action or an idea, ``state`` for anything else (index variable, constant)."""
    return "action" if kind in ("action", "idea") else "state"


@dataclass(frozen=True)
class Term:
    """``amount`` added to the model constant ``param`` (times ``extra[:, draw]`` if ``draw`` is set)."""

    param: str
    amount: float
    draw: int | None = None


@dataclass(frozen=True)
class Candidate:
    """One thing to push: its id, label (text or ``{lang: text}``), the model constants it changes
    (``terms``, added to their baseline values) and the long-run push ``{variable: amount}`` the
    analytic press response gets (``press``), and its ``kind`` (the variable's, or ``idea``)."""

    id: str
    label: str | dict | None
    terms: tuple[Term, ...]
    press: dict = field(default_factory=dict)
    kind: str = "index"

    def plus(self, other: "Candidate") -> "Candidate":
        """Both candidates at once (their pushes add up)."""
        press = dict(self.press)
        for var, amount in other.press.items():
            press[var] = press.get(var, 0.0) + amount
        return Candidate(f"{self.id}+{other.id}", None, self.terms + other.terms, press, self.kind)


@dataclass(frozen=True)
class _Problem:
    """What a worker needs to run chunks: picklable, and the same for every backend."""

    key: str
    spec: ModelSpec
    uncertainty: MapUncertainty
    extra: tuple[tuple[float, float], ...]
    candidates: tuple[Candidate, ...]
    outcome: str
    horizon: float
    dt: float
    seed: int
    samples: int
    chunk: int
    check: bool = True

    @property
    def chunks(self) -> int:
        return math.ceil(self.samples / self.chunk)

    @property
    def check_parts(self) -> int:
        return math.ceil(self.samples / CHECK_CHUNK) if self.check else 0

    def bounds(self, index: int) -> tuple[int, int]:
        return index * self.chunk, min(self.samples, (index + 1) * self.chunk)


@dataclass
class Effects:
    """Effects of each candidate on the outcome in each sample: ``final`` and ``auc``, shape (samples, candidates)."""

    final: np.ndarray
    auc: np.ndarray
    checks: SampleChecks | None = None
    """Each sample's stability and rest checks (:mod:`gmb.leverage.checks`), if they were made."""

    def rows(self, kept: np.ndarray) -> "Effects":
        """The samples of the mask ``kept`` only."""
        return Effects(self.final[kept], self.auc[kept], self.checks)

    def measure(self, name: str) -> np.ndarray:
        if name not in MEASURES:
            raise GmbError(f"unknown measure {name!r}; use one of {', '.join(MEASURES)}")
        return self.final if name == "final" else self.auc


@dataclass
class Setup:
    """A map ready to sample: its spec (``?`` links kept, weight 0), the uncertainty model, the
    outcome id, horizon and step (months), and warnings for people (step too coarse, unstable)."""

    cmap: CausalMap
    spec: ModelSpec
    uncertainty: MapUncertainty
    outcome: str
    horizon: float
    dt: float
    warnings: list[str]


@dataclass
class Leverage:
    """The result of :func:`leverage`: per candidate the effects in every sample, and the press response."""

    outcome: str
    candidates: list[Candidate]
    effects: Effects
    press: list[float | None]
    samples: int
    seed: int
    horizon: float
    dt: float
    push: float
    structure: bool
    warnings: list[str]
    notes: list[str]
    press_note: str = ""
    """Why the press response is missing (e.g. the model does not settle), or empty."""
    unstable: int = 0
    not_at_rest: int = 0
    unchecked: int = 0
    excluded: int = 0
    """Samples unstable, with a baseline not at rest, not checkable, and left out of ``effects``."""
    flags: list[str] = field(default_factory=list)
    """``all_unknown`` (every link ?), ``all_tied`` (every effect the same): no ranking to show."""

    def table(self, measure: str = "final") -> list[dict]:
        """One row per candidate: the actions first, then the states, each ranked by the size of the
        effect (``rank`` within the group, ``magnitude_rank`` over all), with ``direction``, ``effect``,
        ``effect_p05``/``effect_p95`` and ``p_direction`` for a push that way, and the signed
        ``median``, ``p05``, ``p95``, ``p_positive`` (see the module notes and :func:`summarize`)."""
        effects = self.effects.measure(measure)
        stats = summarize(effects)
        other = summarize(self.effects.measure("auc" if measure == "final" else "final"))
        signs = np.sign(stats["median"])
        oriented = effects * np.where(signs == 0, 1.0, signs)
        low, high = np.percentile(oriented, [5, 95], axis=0)
        groups = [group_of(c.kind) for c in self.candidates]
        top3, press_ranks = [None] * len(groups), [None] * len(groups)
        for group in GROUPS:
            members = [i for i, g in enumerate(groups) if g == group]
            if members:
                for i, share, rank in zip(members, summarize(oriented[:, members])["p_top3"],
                                          _ranks([None if self.press[i] is None else abs(self.press[i])
                                                  for i in members])):
                    top3[i], press_ranks[i] = share, rank
        rows = []
        for i, candidate in enumerate(self.candidates):
            direction = "increase" if signs[i] > 0 else "decrease" if signs[i] < 0 else "none"
            row = {"id": candidate.id, "label": candidate.label, "kind": candidate.kind, "group": groups[i],
                   "direction": direction, "effect": abs(stats["median"][i]), "effect_p05": float(low[i]),
                   "effect_p95": float(high[i]),
                   "p_direction": None if direction == "none" else float((oriented[:, i] > 0).mean()),
                   "p_top3": top3[i]}
            row |= {key: stats[key][i] for key in ("median", "p05", "p95", "p_positive")}
            prefix = "auc" if measure == "final" else "final"
            row |= {f"{prefix}_{key}": other[key][i] for key in ("median", "p05", "p95")}
            row |= {"press": self.press[i], "press_rank": press_ranks[i]}
            rows.append(row)
        size = sorted(range(len(rows)), key=lambda i: (-rows[i]["effect"], i))
        for n, i in enumerate(size):
            rows[i]["magnitude_rank"] = n + 1
        order = sorted(size, key=lambda i: GROUPS.index(groups[i]))
        ranked, counts = [], dict.fromkeys(GROUPS, 0)
        for i in order:
            counts[groups[i]] += 1
            ranked.append(rows[i] | {"rank": counts[groups[i]]})
        return ranked


def prepare(cmap: CausalMap, outcome: str | None = None, horizon: float = DEFAULT_HORIZON,
            dt: float | None = None, structure: bool = STRUCTURE) -> Setup:
    """Check the map and the run settings (months) and build what sampling needs."""
    spec = build_spec(cmap, unknown_links="include")
    if outcome is None:
        if not cmap.outcome:
            raise GmbError("the map has no outcome; name one with --outcome VAR, or set it with 'gmb outcome MAP VAR'")
        outcome = cmap.outcome[0]
    target = cmap.resolve(outcome)
    if cmap.graph.in_degree(target) == 0 or spec.variables[target].kind in ("action", "constant"):
        raise GmbError(f"outcome {target!r} has no causes in the model, so no push can move it; choose another "
                       "outcome")
    if not (horizon > 0 and math.isfinite(horizon)):
        raise GmbError(f"the horizon must be a positive number of months, not {horizon:g}")
    step, warning = choose_dt(spec, ScenarioPlan("leverage", horizon, "month", None, []), dt)
    warnings = [warning] if warning else []
    stability = check_stability(spec)
    if not stability.stable:
        warnings.append(stability.message())
    moving = drifting(spec)
    if moving:
        warnings.append(f"the baseline is not at rest: {', '.join(moving)} change(s) from the start for the map's "
                        "own numbers (e.g. a stock whose inflows and outflows do not balance); effects are "
                        "measured against that moving baseline")
    return Setup(cmap, spec, MapUncertainty(cmap, spec, structure), target, horizon, step, warnings)


def variable_candidates(setup: Setup, push: float = DEFAULT_PUSH) -> list[Candidate]:
    """Every variable that can be pushed, in map order, the outcome left out: index variables,
    actions (switched on at level ``push``) and constants (raised by ``push`` × their value)."""
    candidates = []
    for var in setup.spec.variables.values():
        if var.id == setup.outcome:
            continue
        if var.kind == "index":
            term = Term(var.params["push"], push)
        elif var.kind == "action":
            term = Term(var.params["level"], push)
        elif var.kind == "constant":
            term = Term(var.params["value"], push * abs(var.initial))
        else:
            continue
        candidates.append(Candidate(var.id, setup.cmap.graph.nodes[var.id].get("label"), (term,), {var.id: push},
                                    var.kind))
    return candidates


def run_candidates(setup: Setup, candidates: Sequence[Candidate], samples: int = DEFAULT_SAMPLES,
                   seed: int | None = None, extra: Sequence[tuple[float, float]] = (),
                   scheduler=None, workers: int | None = None,
                   progress: Callable[[int], None] | None = None,
                   timeout: float | None = None, check: bool = True) -> tuple[Effects, int]:
    """Each candidate's effect on the outcome in each of ``samples`` draws; returns the effects and the seed.

    ``extra`` are further uniform ranges drawn per sample, read by terms with a ``draw`` index.
    ``scheduler`` (a Dask address or ``distributed.Client``) and ``workers`` say where chunks run
    (:func:`gmb.leverage.distributed.run_chunks`; by default a job under :data:`POOL_MIN_WORK` run-steps runs
    in this process, a larger one on every core; ``timeout``: the longest wait for a chunk, in seconds).
    ``progress`` is called with the number of samples each finished chunk held. With ``check``
    every sample is checked (:mod:`gmb.leverage.checks`, in the same chunks, in parallel), in
    ``Effects.checks``; the effects keep every sample, in order.
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise GmbError(f"the number of samples must be at least 1, not {samples}")
    if not candidates:
        raise GmbError("there is nothing to push: the map has no variable but the outcome that a push can move")
    seed = secrets.randbits(32) if seed is None else seed
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise GmbError(f"the seed must be a whole number ≥ 0, not {seed!r}")
    problem = _Problem(secrets.token_hex(8), setup.spec, setup.uncertainty, tuple(extra), tuple(candidates),
                       setup.outcome, setup.horizon, setup.dt, seed, samples,
                       max(1, RUNS_PER_CHUNK // (len(candidates) + 1)), check)
    _MODELS[problem.key] = BatchModel(setup.spec)  # here first: an unsupported model fails before any work
    if workers is None and samples * (len(candidates) + 1) * setup.horizon / setup.dt < POOL_MIN_WORK:
        workers = 1  # starting worker processes would take longer than the work
    try:
        first = problem.check_parts
        done = None if progress is None else (
            lambda index: index >= first and progress(len(range(*problem.bounds(index - first)))))
        parts = run_chunks(_run_part, problem, first + problem.chunks, scheduler=scheduler, workers=workers,
                           on_done=done, timeout=timeout)
    finally:
        _MODELS.pop(problem.key, None)
    checks = SampleChecks.join(parts[:first]) if first else None
    effects = Effects(np.concatenate([p[0] for p in parts[first:]]), np.concatenate([p[1] for p in parts[first:]]),
                      checks)
    bad = ~np.isfinite(effects.final).all(axis=1) & (True if checks is None else ~checks.excluded)
    if bad.any():
        raise GmbError(f"sample {int(np.argmax(bad))}: the outcome {setup.outcome!r} is not a finite number; "
                       "check the map's equations")
    return effects, seed


def leverage(cmap: CausalMap, outcome: str | None = None, samples: int = DEFAULT_SAMPLES, seed: int | None = None,
             horizon: float = DEFAULT_HORIZON, dt: float | None = None, push: float = DEFAULT_PUSH,
             structure: bool = STRUCTURE, scheduler=None, workers: int | None = None,
             progress: Callable[[int], None] | None = None, timeout: float | None = None,
             check: bool = True, exclude: bool = True) -> Leverage:
    """Push every variable by the same amount and rank them by their effect on ``outcome`` (see the
    module notes); ``horizon`` and ``dt`` in months, ``seed`` None for a fresh one (reported back).
    Samples that are unstable or whose baseline is not at rest are left out (``exclude``) and
    counted; ``check`` False skips the checks (for benchmarks)."""
    if not (push > 0 and math.isfinite(push)):
        raise GmbError(f"the push must be a positive share of today's value, not {push:g}")
    setup = prepare(cmap, outcome, horizon, dt, structure)
    candidates = variable_candidates(setup, push)
    effects, seed = run_candidates(setup, candidates, samples, seed, scheduler=scheduler, workers=workers,
                                   progress=progress, timeout=timeout, check=check)
    return finish(setup, candidates, effects, samples, seed, push, exclude)[0]


def finish(setup: Setup, candidates: Sequence[Candidate], effects: Effects, samples: int, seed: int,
           push: float, exclude: bool = True) -> tuple[Leverage, np.ndarray]:
    """The result of a run: the samples that count (and the mask of them), the counts, the press
    response and the warnings; every sample excluded is an error."""
    found = exclusions(effects.checks, samples, exclude)
    kept = effects.rows(found.kept)
    flags = ranking_flags(setup.cmap, kept.final)
    press = press_long_run(setup, candidates)
    warnings = setup.warnings + [w for w in [found.warning, *flags.values()] if w]
    result = Leverage(setup.outcome, list(candidates), kept, press.effects or [None] * len(candidates), samples,
                      seed, setup.horizon, setup.dt, push, setup.uncertainty.structure, warnings,
                      setup.uncertainty.notes() + [found.note] + _press_note(press), press.reason, found.unstable, found.restless,
                      found.unchecked, found.excluded, list(flags))
    return result, found.kept


def summarize(effects: np.ndarray) -> dict[str, list[float]]:
    """Per column of ``effects`` (samples × candidates): ``median``, ``p05``, ``p95``, ``p_positive``
    (share of samples > 0) and ``p_top3`` (share of samples in which fewer than three candidates
    have a larger effect).

    >>> stats = summarize(np.array([[3.0, 1.0, -1.0, 0.0], [2.0, 4.0, 0.5, 0.0]]))
    >>> stats["p_positive"], stats["p_top3"]
    ([1.0, 1.0, 0.5, 0.0], [1.0, 1.0, 0.5, 0.5])
    """
    p05, median, p95 = np.percentile(effects, [5, 50, 95], axis=0)
    ordered = np.sort(effects, axis=1)
    larger = np.stack([effects.shape[1] - np.searchsorted(row, values, side="right")
                       for row, values in zip(ordered, effects)])
    return {"median": median.tolist(), "p05": p05.tolist(), "p95": p95.tolist(),
            "p_positive": (effects > 0).mean(axis=0).tolist(), "p_top3": (larger < 3).mean(axis=0).tolist()}


def press_long_run(setup: Setup, candidates: Sequence[Candidate]) -> LongRun:
    """The analytic long-run change of the outcome under each candidate's ``press`` push, for the map's
    own numbers (:func:`gmb.analysis.press.long_run_effects`: absolute units like the simulated effect,
    ``?`` links left out); effects None, with the reason, if the outcome does not settle."""
    try:
        return long_run_effects(setup.spec, setup.outcome, [c.press for c in candidates])
    except GmbError as exc:  # no derivative at the start
        return LongRun(None, str(exc))


def _press_note(press: LongRun) -> list[str]:
    return [f"press rank —: no long-run response, {press.reason}"] if press.effects is None else []


def press_effects(setup: Setup, candidates: Sequence[Candidate]) -> list[float | None]:
    """:func:`press_long_run`'s effects, None for each candidate where there are none."""
    return press_long_run(setup, candidates).effects or [None] * len(candidates)


def run_chunk(problem: _Problem, index: int) -> tuple[np.ndarray, np.ndarray]:
    """Chunk ``index`` of a problem: the effects at the horizon and the areas under the curve,
    each (samples of the chunk) × candidates. Runs in whichever process or worker gets it."""
    start, stop = problem.bounds(index)
    size, width = stop - start, len(problem.candidates) + 1
    draws = problem.uncertainty.draw(problem.seed, start, stop, problem.extra)
    settings = {param: np.repeat(values, width) for param, values in draws.settings.items()}
    baseline = problem.spec.parameters()
    touched: dict[str, np.ndarray] = {}
    for column, candidate in enumerate(problem.candidates, start=1):
        for term in candidate.terms:
            values = touched.setdefault(term.param, np.full((size, width), baseline[term.param]))
            values[:, column] += term.amount * (1.0 if term.draw is None else draws.extra[:, term.draw])
    settings |= {param: values.ravel() for param, values in touched.items()}
    taus = {var: np.repeat(values, width) for var, values in draws.adjust_times.items()}
    run = _model(problem).run(settings, final_time=problem.horizon, dt=problem.dt, adjust_times=taus,
                              outputs=[problem.outcome])
    values = run.values[problem.outcome].reshape(size, width, -1)
    change = values[:, 1:, :] - values[:, :1, :]
    auc = ((change[..., 1:] + change[..., :-1]) / 2 * np.diff(run.times)).sum(axis=-1)
    return change[..., -1].copy(), auc


def _run_part(problem: _Problem, index: int):
    """Part ``index`` of a run: first the check chunks (:data:`CHECK_CHUNK` samples each), then the chunks."""
    if index >= problem.check_parts:
        return run_chunk(problem, index - problem.check_parts)
    start, stop = index * CHECK_CHUNK, min(problem.samples, (index + 1) * CHECK_CHUNK)
    draws = problem.uncertainty.draw(problem.seed, start, stop)
    return checker(problem.spec, problem.key).check(draws.settings, draws.adjust_times, stop - start)


_MODELS: dict = {}
_LOCK = threading.Lock()


def _model(problem: _Problem):
    """The problem's compiled model, once per process (Dask threads share it)."""
    with _LOCK:
        if problem.key not in _MODELS:
            while len(_MODELS) >= 4:
                _MODELS.pop(next(iter(_MODELS)))
            _MODELS[problem.key] = BatchModel(problem.spec)
        return _MODELS[problem.key]


def _ranks(values: Sequence[float | None]) -> list[int | None]:
    """1 for the largest; ties share a rank; None stays None."""
    return [None if v is None else 1 + sum(1 for w in values if w is not None and w > v) for v in values]

