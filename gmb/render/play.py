"""Play mode's data: how a push on one variable travels through the map, from the model gmb runs.

For every action of the map and every variable with a path to the outcome, the numpy batch engine
(:class:`gmb.sd.batch.BatchModel`, the engine ``gmb simulate`` uses) runs the map once with that
variable pushed from time 0: an action switched fully on, any other variable pushed by ``PUSH`` (20 %
of today's level). All runs are one batch. The page keeps, for a few evenly spaced times, how far each
variable moved from the baseline, in thousandths of today's level (``1`` is today, so 250 is +0.25);
variables that never move by a thousandth are left out. The browser only looks the numbers up: no
Python runs there. On a map with segments the value shown is the population average.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo")
>>> cmap.add_variable("sleep", "Søvn", adjust_time=1)
>>> cmap.add_variable("mood", "Humør", adjust_time=1)
>>> _ = cmap.add_link("sleep", "mood", "+", strength=0.5)
>>> _ = cmap.set_outcome(["mood"])
>>> data = play_data(cmap, frames=4)
>>> data["times"], data["unit"], sorted(data["runs"])
([0.0, 30.0, 60.0, 90.0, 120.0], 'month', ['mood', 'sleep'])
>>> data["runs"]["sleep"]["changes"]["sleep"], data["runs"]["sleep"]["changes"]["mood"]
([0, 200, 200, 200, 200], [0, 100, 100, 100, 100])
"""

from __future__ import annotations

import math
import os

import networkx as nx
import numpy as np

from gmb.errors import GmbError
from gmb.maps.causalmap import CausalMap

__all__ = ["play_data", "PUSH", "FRAMES", "HORIZON"]

PUSH = 0.2
"""How far play mode pushes a variable that is not an action: 20 % of today's level."""
FRAMES = 24
"""Time steps the page animates (plus the start)."""
HORIZON = 120.0
"""Months simulated when no scenario file gives a horizon (ten years, as the example's)."""
SCALE = 1000
"""Changes are kept in thousandths of today's level."""


def play_data(cmap: CausalMap, scenarios: str | os.PathLike | None = None, frames: int = FRAMES) -> dict | None:
    """``{"times", "unit", "push", "runs": {candidate: {"kind", "changes": {var: [...]}}}}``, or None
    when the map cannot be run by the numpy engine (play mode is then left out of the page)."""
    from gmb.sd.batch import BatchModel, UnsupportedByBatch
    from gmb.sd.spec import build_spec

    if not cmap.outcome:
        return None
    try:
        spec = build_spec(cmap)
        model = BatchModel(spec)
    except (GmbError, UnsupportedByBatch):
        return None
    horizon, unit, months = _horizon(cmap, spec, scenarios)
    keys = model.parameters
    candidates = {}
    for var in _candidates(cmap):
        kind = "action" if cmap.graph.nodes[var].get("kind") == "action" else "push"
        prefix = "level_" if kind == "action" else "push_"
        names = [k for k in keys if k == prefix + var or _segment_key(k, prefix + var, spec)]
        if names:
            candidates[var] = (kind, names)
    if not candidates:
        return None
    order = list(candidates)
    settings = {}
    for k, var in enumerate(order, start=1):
        kind, names = candidates[var]
        for name in names:
            settings.setdefault(name, np.full(len(order) + 1, float(keys[name])))[k] = 1.0 if kind == "action" else PUSH
    dt = spec.default_dt()
    dt = horizon / math.ceil(horizon / dt - 1e-9)
    try:
        batch = model.run(settings, final_time=horizon, dt=dt)
    except GmbError:
        return None
    picks = np.unique(np.round(np.linspace(0, len(batch.times) - 1, frames + 1)).astype(int))
    runs = {}
    for k, var in enumerate(order, start=1):
        changes = {}
        for shown in cmap.variables:
            values = batch.values.get(shown)
            if values is None:
                continue
            moved = np.round((values[k, picks] - values[0, picks]) * SCALE).astype(int)
            if np.isfinite(values[k, picks]).all() and np.abs(moved).max() >= 1:
                changes[shown] = moved.tolist()
        runs[var] = {"kind": candidates[var][0], "changes": changes}
    return {"times": [round(float(t) / months, 4) for t in batch.times[picks]], "unit": unit,
            "push": PUSH, "runs": runs}


def _candidates(cmap: CausalMap) -> list[str]:
    """Actions, then every other variable (not a constant) with a path to an outcome, in file order."""
    outcome = [v for v in cmap.outcome if v in cmap.graph]
    reaches = set(outcome)
    for var in outcome:
        reaches |= nx.ancestors(cmap.graph, var)
    kinds = {var: cmap.graph.nodes[var].get("kind", "index") for var in cmap.variables}
    actions = [v for v in cmap.variables if kinds[v] == "action"]
    return actions + [v for v in cmap.variables if v in reaches and kinds[v] not in ("action", "constant")]


def _segment_key(key: str, stem: str, spec) -> bool:
    """Whether ``key`` is ``stem`` for one segment's copy (``push_sleep_exposed``)."""
    segments = spec.segmentation.ids if spec.segmentation else []
    return any(key == f"{stem}_{segment}" for segment in segments)


def _horizon(cmap: CausalMap, spec, scenarios) -> tuple[float, str, float]:
    """The horizon in months, the unit to tell times in and its months, from the scenario file if any."""
    if scenarios is None:
        return HORIZON, "month", 1.0
    from gmb.sd.scenarios import load_scenarios

    try:
        plan = load_scenarios(scenarios, cmap, spec)
    except GmbError:  # a file only naming scenarios: play mode keeps its own horizon
        return HORIZON, "month", 1.0
    return plan.horizon, plan.time_unit, plan.unit_months
