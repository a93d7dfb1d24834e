"""Will the model settle, or does a reinforcing loop run away? An eigenvalue check before simulating.

Around the baseline equilibrium and below the bounds, the index variables move as the linear system
``dy/dt = diag(1/τ)(W − I) y`` (y = X/X0 − 1, W[i, j] = s·w of the link j → i), with each delayed link
adding the three stages of its smooth. If an eigenvalue has a positive real part a push grows
without end until the values hit their bounds. Stocks, equations, constants and actions are held
at their baseline values in this check.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.spec import build_spec
>>> cmap = CausalMap.new("demo")
>>> for var in ("a", "b"):
...     cmap.add_variable(var, var.upper(), adjust_time=4)
>>> _ = cmap.add_link("a", "b", "+", strength=1.5)
>>> _ = cmap.add_link("b", "a", "+", strength=1.0)
>>> result = check_stability(build_spec(cmap))
>>> result.stable, round(result.growth_rate, 4), result.variables
(False, 0.0562, ['b', 'a'])
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gmb.sd.spec import DELAY_ORDER, ModelSpec

__all__ = ["Stability", "check_stability", "linear_system"]


@dataclass(frozen=True)
class Stability:
    """The result of the check: the largest growth rate (per time unit) and where it lives."""

    growth_rate: float
    oscillating: bool
    variables: list[str]
    time_unit: str

    @property
    def stable(self) -> bool:
        return self.growth_rate <= 1e-12

    def message(self) -> str:
        """A warning for people, or an empty string when the model is stable."""
        if self.stable:
            return ""
        what = "an oscillation grows" if self.oscillating else "a reinforcing loop runs away"
        doubling = math.log(2) / self.growth_rate
        return (f"the model is unstable: {what} (growth {self.growth_rate:.3g} per {self.time_unit}, "
                f"doubling every {doubling:.3g} {self.time_unit}s), mostly through "
                f"{', '.join(self.variables)}; scenario results will run to the bounds. "
                "Weaken links on these loops, check their polarities, or give the map smaller strength "
                "numbers, e.g. strengths: {weak: 0.1, medium: 0.2, strong: 0.3}")


def linear_system(spec: ModelSpec) -> tuple[list[str], np.ndarray]:
    """The state names and matrix A of ``dy/dt = A y`` around the baseline (see the module notes)."""
    index = [v.id for v in spec.variables.values() if v.kind == "index"]
    states = list(index)
    position = {var: i for i, var in enumerate(index)}
    entries: list[tuple[int, int, float]] = []
    for var in index:
        entries.append((position[var], position[var], -1.0 / spec.variables[var].adjust_time))
    for link in spec.links:
        if link.source not in position or link.target not in position:
            continue
        target, gain = position[link.target], link.sign * link.weight / spec.variables[link.target].adjust_time
        source = position[link.source]
        if link.delay:
            rate = DELAY_ORDER / link.delay
            for stage in range(DELAY_ORDER):
                states.append(f"{link.source} → {link.target} (delay stage {stage + 1})")
                current = len(states) - 1
                entries += [(current, source, rate), (current, current, -rate)]
                source = current
        entries.append((target, source, gain))
    matrix = np.zeros((len(states), len(states)))
    for row, col, value in entries:
        matrix[row, col] += value
    return states, matrix


def check_stability(spec: ModelSpec, top: int = 3) -> Stability:
    """The growth rate of the fastest-growing mode and the ``top`` index variables it involves most."""
    states, matrix = linear_system(spec)
    if not states:
        return Stability(-math.inf, False, [], spec.time_unit)
    eigenvalues, vectors = np.linalg.eig(matrix)
    k = int(np.argmax(eigenvalues.real))
    index_count = sum(1 for v in spec.variables.values() if v.kind == "index")
    weights = np.abs(vectors[:index_count, k])
    order = [int(i) for i in np.argsort(-weights, kind="stable")[:top] if weights[i] > 1e-9]
    return Stability(float(eigenvalues[k].real), bool(abs(eigenvalues[k].imag) > 1e-12),
                     [states[i] for i in order], spec.time_unit)
