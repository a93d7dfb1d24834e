"""How far each scenario's line could lie over versions of the map: the 5–95 % band of the scenario chart.

``gmb simulate --band N`` runs the baseline and every scenario of a plan once for each of N draws
of what the map leaves uncertain (:class:`gmb.leverage.uncertainty.MapUncertainty`, the draws that
``gmb leverage`` ranks over: strength classes misjudged, the numbers behind them scaled, adjust
times, disputed structure), on the numpy engine. A scenario's settings replace the drawn numbers
they name (a scenario that sets a link's strength keeps that strength in every draw).

Every draw is checked first (:mod:`gmb.leverage.checks`): a draw whose model is unstable under the
baseline or any scenario, or whose baseline is not at rest, is left out of *every* band and counted,
so that all bands are over the same versions of the map; when every draw is left out there is no
band, and that is an error. Per run, outcome and saved time the band runs from the 5 % to the 95 %
quantile (:data:`QUANTILES`, numpy's default linear interpolation) over the draws kept. Draw ``i``
of seed ``s`` is the same as in ``gmb leverage --seed s``, so the same seed gives the same band.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.scenarios import Scenario, ScenarioPlan
>>> cmap = CausalMap.new("demo", ["en"])
>>> for var in ("sport", "mood"):
...     cmap.add_variable(var, var.title(), adjust_time=2)
>>> _ = cmap.add_link("sport", "mood", "+", strength="strong")
>>> plan = ScenarioPlan("inline", 12, "month", None, [Scenario("more", "More sport", {"push_sport": 0.2})])
>>> bands = scenario_bands(cmap, plan, ["mood"], samples=50, seed=3, dt=0.5)
>>> bands.used, bands.excluded, list(bands.low)
(50, 0, ['baseline', 'more'])
>>> low, high = bands.low["more"]["mood"][-1], bands.high["more"]["mood"][-1]
>>> bool(1 + 0.2 * 0.625 * 0.5 * 0.9 < low < high < 1 + 0.2 * 0.875 * 1.5)  # strong, misjudged, scaled
True
>>> next(bands.records(plan.unit_months))
('baseline', 0.0, 'mood', 1.0, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

from gmb.errors import GmbError
from gmb.leverage.checks import SampleChecks, checker, exclusions
from gmb.leverage.uncertainty import STRUCTURE, MapUncertainty
from gmb.maps.causalmap import CausalMap
from gmb.sd.batch import BatchModel
from gmb.sd.scenarios import BASELINE, ScenarioPlan
from gmb.sd.simulate import choose_dt
from gmb.sd.spec import build_spec

__all__ = ["Bands", "scenario_bands", "QUANTILES", "COLUMNS"]

QUANTILES = (5.0, 95.0)
"""The band's edges, in percent."""
COLUMNS = ("scenario", "time", "variable", "p05", "p95", "draws")
"""The columns of the band table (``bands.csv``): times in the plan's unit, ``draws`` the draws kept."""


@dataclass
class Bands:
    """The band of each run (baseline first) and outcome at each saved time (``times``, months):
    ``low[run][var]`` and ``high[run][var]``, with the seed, the draws asked for, which were kept
    (``kept``, a mask) and why the others were not (counts of :func:`gmb.leverage.checks.exclusions`)."""

    seed: int
    samples: int
    kept: np.ndarray
    unstable: int
    restless: int
    unchecked: int
    times: np.ndarray
    low: dict[str, dict[str, np.ndarray]]
    high: dict[str, dict[str, np.ndarray]]

    @property
    def used(self) -> int:
        """Draws the bands are over."""
        return int(self.kept.sum())

    @property
    def excluded(self) -> int:
        return self.samples - self.used

    def records(self, unit_months: float = 1.0) -> Iterator[tuple[str, float, str, float, float]]:
        """``(scenario, time, variable, p05, p95)`` rows, times in the plan's unit (``unit_months`` months)."""
        for name, outcomes in self.low.items():
            for var, low in outcomes.items():
                for time, lo, hi in zip(self.times, low, self.high[name][var]):
                    yield name, round(float(time) / unit_months, 10), var, float(lo), float(hi)


def scenario_bands(cmap: CausalMap, plan: ScenarioPlan, outcomes: Sequence[str], samples: int, seed: int,
                   dt: float | None = None, structure: bool = STRUCTURE) -> Bands:
    """The 5–95 % band of ``outcomes`` under the baseline and each scenario of ``plan`` over
    ``samples`` draws of the map's uncertainty under ``seed`` (see the module notes); ``dt`` in months
    (default: the plan's step, :func:`gmb.sd.simulate.choose_dt`)."""
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise GmbError(f"the band needs at least 1 draw, not {samples}; give e.g. --band 200")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise GmbError(f"the seed must be a whole number ≥ 0, not {seed!r}")
    spec = build_spec(cmap, unknown_links="include")
    step, _ = choose_dt(spec, plan, dt)
    draws = MapUncertainty(cmap, spec, structure).draw(seed, 0, samples)
    named = [(BASELINE, {})] + [(s.name, s.settings) for s in plan.scenarios]
    runs = [_settings(draws.settings, settings, samples) for _, settings in named]
    found = _checks(spec, runs, draws.adjust_times, samples)
    kept = exclusions(found, samples).kept  # every draw left out: an error naming why
    model = BatchModel(spec)
    taus = {var: values[kept] for var, values in draws.adjust_times.items()}
    low: dict[str, dict[str, np.ndarray]] = {}
    high: dict[str, dict[str, np.ndarray]] = {}
    times = None
    for (name, _), settings in zip(named, runs):
        run = model.run({param: values[kept] for param, values in settings.items()}, final_time=plan.horizon,
                        dt=step, adjust_times=taus, outputs=list(outcomes))
        times = run.times
        for var in outcomes:
            values = run.values[var]
            if not np.isfinite(values).all():
                raise GmbError(f"{name}: the outcome {var!r} is not a finite number in some draw; check the "
                               "map's equations")
            edges = np.percentile(values, QUANTILES, axis=0)
            low.setdefault(name, {})[var], high.setdefault(name, {})[var] = edges[0], edges[1]
    return Bands(seed, samples, kept, int(found.unstable.sum()), int((found.restless & ~found.unstable).sum()),
                 int(found.unchecked.sum()), times, low, high)


def _settings(drawn: dict[str, np.ndarray], scenario: dict[str, float], samples: int) -> dict[str, np.ndarray]:
    """The drawn numbers, with the scenario's settings in their place (the same in every draw)."""
    return drawn | {param: np.full(samples, float(value)) for param, value in scenario.items()}


def _checks(spec, runs: list[dict], adjust_times: dict, samples: int) -> SampleChecks:
    """Each draw's checks: unstable (or unchecked) under any run; not at rest under the baseline (a
    scenario moves its model from the start on purpose)."""
    found = checker(spec)
    baseline = found.check(runs[0], adjust_times, samples)
    unstable, unchecked = baseline.unstable.copy(), baseline.unchecked.copy()
    for settings in runs[1:]:
        scenario = found.check(settings, adjust_times, samples)
        unstable |= scenario.unstable
        unchecked |= scenario.unchecked
    return SampleChecks(unstable, baseline.restless, unchecked)
