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
the long-run answer for the map's own strengths) are within the group too. The result and its
table are made in :mod:`gmb.leverage.results`.

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
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from gmb.errors import GmbError
from gmb.leverage.checks import CHECK_CHUNK, SampleChecks, checker, drifting
from gmb.leverage.distributed import run_chunks
from gmb.leverage.results import Candidate, Effects, Leverage, Setup, Term, finish
from gmb.leverage.uncertainty import STRUCTURE, Draws, MapUncertainty
from gmb.maps.causalmap import CausalMap
from gmb.sd.batch import BatchModel
from gmb.sd.gaps import gap
from gmb.sd.scenarios import ScenarioPlan
from gmb.sd.simulate import choose_dt
from gmb.sd.spec import ModelSpec, build_spec
from gmb.sd.stability import check_stability

__all__ = ["leverage", "run_candidates", "run_chunk", "candidate_effects", "variable_candidates", "prepare",
           "DEFAULT_PUSH", "DEFAULT_HORIZON", "DEFAULT_SAMPLES", "RUNS_PER_CHUNK", "POOL_MIN_WORK",
           # made in gmb.leverage.results, used here and importable from here
           "Leverage", "Candidate", "Term", "Effects", "Setup", "finish"]

DEFAULT_PUSH = 0.1
"""The standard push: a tenth of today's value (or an action at level 0.1)."""
DEFAULT_HORIZON = 120.0
"""Months simulated: ten years."""
DEFAULT_SAMPLES = 1000
RUNS_PER_CHUNK = 2048
"""About this many runs (samples × (candidates + 1)) go to the engine at a time, as one chunk."""
POOL_MIN_WORK = 2e6
"""Run-steps (runs × time steps, about a microsecond each) below which a job stays in this process."""
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
    gap_of: tuple[str, ...] = ()
    """The outcome's per-segment copies, whose gap each candidate's effect on is measured too."""

    @property
    def chunks(self) -> int:
        return math.ceil(self.samples / self.chunk)

    @property
    def check_parts(self) -> int:
        return math.ceil(self.samples / CHECK_CHUNK) if self.check else 0

    def bounds(self, index: int) -> tuple[int, int]:
        return index * self.chunk, min(self.samples, (index + 1) * self.chunk)


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
    actions (switched on at level ``push``) and constants (raised by ``push`` × their value). On a
    map with segments a per-segment variable is pushed in every segment alike."""
    candidates = []
    for var in setup.cmap.graph:
        if var == setup.outcome:
            continue
        members = [setup.spec.variables[m] for m in (setup.spec.copies(var).values() or [var])]
        terms = []
        for member in members:
            if member.kind == "index":
                terms.append(Term(member.params["push"], push))
            elif member.kind == "action":
                terms.append(Term(member.params["level"], push))
            elif member.kind == "constant":
                terms.append(Term(member.params["value"], push * abs(member.initial)))
        if terms:
            candidates.append(Candidate(var, setup.cmap.graph.nodes[var].get("label"), tuple(terms),
                                        {m.id: push for m in members}, members[0].kind))
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
                       max(1, RUNS_PER_CHUNK // (len(candidates) + 1)), check,
                       tuple(setup.spec.copies(setup.outcome).values()))
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
    final, auc, gaps = (np.concatenate([p[k] for p in parts[first:]]) for k in range(3))
    effects = Effects(final, auc, checks, gaps if problem.gap_of else None)
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


def run_chunk(problem: _Problem, index: int) -> tuple[np.ndarray, np.ndarray]:
    """Chunk ``index`` of a problem: the effects at the horizon and the areas under the curve,
    each (samples of the chunk) × candidates. Runs in whichever process or worker gets it."""
    start, stop = problem.bounds(index)
    draws = problem.uncertainty.draw(problem.seed, start, stop, problem.extra)
    return candidate_effects(_model(problem), problem.candidates, draws, problem.outcome, problem.horizon,
                             problem.dt, problem.gap_of)


def candidate_effects(model: BatchModel, candidates: Sequence[Candidate], draws: Draws, outcome: str,
                      horizon: float, dt: float, gap_of: Sequence[str] = ()) -> tuple[np.ndarray, ...]:
    """Each candidate's effect on ``outcome`` in each version of the map in ``draws`` (model constants,
    adjust times and extra draws, one value per version), against that version's baseline: the change
    at ``horizon``, the area under the curve and the change of the gap between the variables
    ``gap_of`` (the outcome's copies per segment; best-off minus worst-off) at ``horizon``, each
    (versions × candidates; the last has no columns without ``gap_of``). One call of the batch engine
    runs the baseline and every candidate of every version."""
    size, width = len(draws.extra), len(candidates) + 1
    settings = {param: np.repeat(values, width) for param, values in draws.settings.items()}
    touched: dict[str, np.ndarray] = {}
    for column, candidate in enumerate(candidates, start=1):
        for term in candidate.terms:
            values = touched.setdefault(term.param, np.full((size, width), model.parameters[term.param]))
            values[:, column] += term.amount * (1.0 if term.draw is None else draws.extra[:, term.draw])
    settings |= {param: values.ravel() for param, values in touched.items()}
    taus = {var: np.repeat(values, width) for var, values in draws.adjust_times.items()}
    run = model.run(settings, final_time=horizon, dt=dt, adjust_times=taus, outputs=[outcome, *gap_of])
    values = run.values[outcome].reshape(size, width, -1)
    change = values[:, 1:, :] - values[:, :1, :]
    auc = ((change[..., 1:] + change[..., :-1]) / 2 * np.diff(run.times)).sum(axis=-1)
    if not gap_of:
        return change[..., -1].copy(), auc, np.empty((size, len(candidates)))[:, :0]
    gaps = gap({var: run.values[var][:, -1].reshape(size, width) for var in gap_of})
    return change[..., -1].copy(), auc, gaps[:, 1:] - gaps[:, :1]


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


