"""Run the baseline and every scenario of a plan, and hold the results as tidy records.

Example
-------
>>> import tempfile
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.spec import build_spec
>>> from gmb.sd.scenarios import Scenario, ScenarioPlan
>>> cmap = CausalMap.new("demo")
>>> cmap.add_variable("mood", "Humør", adjust_time=1)
>>> spec = build_spec(cmap)
>>> plan = ScenarioPlan("inline", horizon=24, time_unit="month", dt=None,
...                     scenarios=[Scenario("cheer", settings={"push_mood": 0.2})])
>>> results = simulate(spec, plan, ["mood"], cache=tempfile.mkdtemp())
>>> row = results.summary()[0]
>>> row["scenario"], round(row["value"], 6), round(row["percent"], 4), results.engine
('cheer', 1.2, 20.0, 'numpy')
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from gmb.errors import GmbError
from gmb.sd.batch import BatchModel, UnsupportedByBatch
from gmb.sd.gaps import gap, gap_row
from gmb.sd.pysd_engine import PySDEngine, Run
from gmb.sd.scenarios import BASELINE, ScenarioPlan, plural
from gmb.sd.spec import ModelSpec

__all__ = ["Results", "simulate", "choose_dt", "ENGINES"]

ENGINES = ("numpy", "pysd")
"""The simulation engines ``simulate`` can use: :mod:`gmb.sd.batch` (every run at once) and PySD."""


@dataclass
class Results:
    """Every run of a plan (the baseline first), the outcomes compared, the step used (months), the
    engine that ran them, and why the numpy engine could not (``fallback``, empty if it could or
    was not asked)."""

    spec: ModelSpec
    plan: ScenarioPlan
    outcomes: list[str]
    dt: float
    runs: dict[str, Run]
    engine: str = "pysd"
    fallback: str = ""

    def records(self) -> Iterator[tuple[str, float, str, float]]:
        """``(scenario, time, variable, value)`` rows, times in the plan's time unit."""
        scale = self.plan.unit_months
        for name, run in self.runs.items():
            for var, values in run.values.items():
                for time, value in zip(run.times, values):
                    yield name, round(float(time) / scale, 10), var, float(value)

    def summary(self) -> list[dict]:
        """Each outcome under each scenario at the horizon, against the baseline (absolute and %)."""
        rows = []
        baseline = self.runs[BASELINE]
        for var in self.outcomes:
            base = float(baseline.values[var][-1])
            for name, run in self.runs.items():
                if name == BASELINE:
                    continue
                value = float(run.values[var][-1])
                percent = (value - base) / abs(base) * 100 if base else math.nan
                rows.append({"outcome": var, "scenario": name, "baseline": base, "value": value,
                             "change": value - base, "percent": percent})
        return rows


    def gaps(self) -> list[dict]:
        """On a map with segments, each per-segment outcome under each scenario at the horizon: every
        segment's value, the average, the gap and ratio and their change against the baseline
        (:func:`gmb.sd.gaps.gap_row`), with the scenario's ``offer``; empty without segments."""
        seg, rows = self.spec.segmentation, []
        if not seg:
            return rows
        baseline, offers = self.runs[BASELINE], {s.name: s.offer for s in self.plan.scenarios}
        for var in self.outcomes:
            copies = self.spec.copies(var)
            if not copies:
                continue
            base = {s: float(baseline.values[copy][-1]) for s, copy in copies.items()}
            for name, run in self.runs.items():
                values = {s: float(run.values[copy][-1]) for s, copy in copies.items()}
                rows.append({"outcome": var, "scenario": name, "offer": offers.get(name),
                             **gap_row(values, base, seg.shares)})
        return rows

    def gap_over_time(self, var: str) -> dict[str, np.ndarray]:
        """Per run, the gap (best-off minus worst-off) of ``var`` at every saved time."""
        copies = self.spec.copies(var)
        return {name: gap({s: run.values[c] for s, c in copies.items()}) for name, run in self.runs.items()}


def choose_dt(spec: ModelSpec, plan: ScenarioPlan, dt: float | None = None) -> tuple[float, str]:
    """The Euler step in months: ``dt`` (months) if given, else the plan's, else the spec's default.

    The horizon must be a whole number of steps. Returns the step and a warning (empty if none)
    when a given step is coarser than a quarter of the smallest time constant.
    """
    chosen = dt if dt is not None else plan.dt if plan.dt is not None else spec.default_dt()
    unit, scale = plural(plan.time_unit), plan.unit_months
    if not (chosen > 0 and math.isfinite(chosen)):
        raise GmbError(f"dt {chosen / scale:g} must be a positive number of {unit}")
    steps = plan.horizon / chosen
    if abs(steps - round(steps)) > 1e-9 * max(1.0, steps) or round(steps) < 1:
        raise GmbError(f"the horizon ({plan.horizon / scale:g} {unit}) is not a whole number of steps of dt "
                       f"{chosen / scale:g}; choose a dt that divides it")
    limit = min(spec.time_constants(), default=math.inf) / 4
    warning = ""
    if chosen > limit:
        warning = (f"dt {chosen / scale:.3g} {unit} is more than a quarter of the smallest time constant "
                   f"({limit * 4 / scale:.3g} {unit}); results may be inaccurate, try --dt "
                   f"{spec.default_dt() / scale:.3g}")
    return chosen, warning


def simulate(spec: ModelSpec, plan: ScenarioPlan, outcomes: list[str], engine: str | None = None,
             dt: float | None = None, on_run: Callable[[str], None] | None = None,
             cache: str | os.PathLike | None = None) -> Results:
    """Run the baseline and each scenario of ``plan``; ``dt`` in months (default: :func:`choose_dt`).

    ``engine`` is ``numpy`` or ``pysd``; by default numpy when the plan has scenarios (all runs at
    once), PySD for the baseline alone (no compile step). A model the numpy engine cannot run is run
    in PySD, and ``Results.fallback`` says why. ``on_run`` is called with each scenario's name
    after it ran (for a progress bar); ``cache`` is PySD's (see :class:`PySDEngine`).
    """
    if engine is not None and engine not in ENGINES:
        raise GmbError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    step, _ = choose_dt(spec, plan, dt)
    named = [(BASELINE, {})] + [(s.name, s.settings) for s in plan.scenarios]
    chosen, fallback = engine or ("numpy" if plan.scenarios else "pysd"), ""
    if chosen == "numpy":
        try:
            runs = _batch_runs(BatchModel(spec), named, plan.horizon, step)
        except UnsupportedByBatch as exc:
            chosen, fallback = "pysd", f"{exc}; simulated with PySD instead"
    if chosen == "pysd":
        runs = _pysd_runs(PySDEngine(spec, tunable=plan.tunable(), cache=cache), named, plan.horizon, step)
    results = Results(spec, plan, list(outcomes), step, {}, chosen, fallback)
    for name, run in runs:
        for var, values in run.values.items():
            bad = np.flatnonzero(~np.isfinite(values))
            if bad.size:
                raise GmbError(f"{'the baseline' if name == BASELINE else f'scenario {name!r}'}: variable "
                               f"{var!r} is not a finite number from time {run.times[bad[0]]:g}; check its "
                               "equation, or the stability warning")
        results.runs[name] = run
        if on_run:
            on_run(name)
    return results


def _pysd_runs(model: PySDEngine, named: list[tuple[str, dict]], horizon: float, dt: float) \
        -> Iterator[tuple[str, Run]]:
    for name, settings in named:
        yield name, model.run(settings, final_time=horizon, dt=dt)


def _batch_runs(model: BatchModel, named: list[tuple[str, dict]], horizon: float, dt: float) \
        -> Iterator[tuple[str, Run]]:
    """All runs at once; a plan whose scenarios set nothing is one run, shared."""
    defaults = model.parameters
    keys = dict.fromkeys(key for _, settings in named for key in settings)
    batch = model.run({key: np.array([settings.get(key, defaults[key]) for _, settings in named]) for key in keys},
                      final_time=horizon, dt=dt)
    return ((name, batch.run(k if keys else 0)) for k, (name, _) in enumerate(named))
