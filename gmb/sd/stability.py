"""Will the model settle, or does a loop run away? An eigenvalue check before simulating.

Around the start state (the baseline equilibrium) and below the bounds, the model moves as its
linearisation ``dz/dt = A z`` (:mod:`gmb.sd.linear`): every index variable with its adjust time,
every ``kind: stock`` with its flows, ``equation:`` variables through the chain rule, and the three
stages of each delay. If an eigenvalue of A has a positive real part, a push grows without end
until values hit their bounds: a reinforcing loop runs away, or a balancing loop with delays
overshoots more each time round.

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

import networkx as nx
import numpy as np

from gmb.sd.linear import NotLinearisable, linearise
from gmb.sd.spec import ModelSpec

__all__ = ["Stability", "check_stability", "spectral_blocks", "block_growth", "STABLE"]

STABLE = 1e-12
"""The largest real part of an eigenvalue that still counts as stable (0: a stock that only accumulates)."""


@dataclass(frozen=True)
class Stability:
    """The result of the check: the largest growth rate (per time unit) and where it lives."""

    growth_rate: float
    oscillating: bool
    variables: list[str]
    time_unit: str
    unchecked: str = ""
    """Why the check could not be made (the model has no derivative at its start), or empty."""

    @property
    def stable(self) -> bool:
        return not self.unchecked and self.growth_rate <= STABLE

    def message(self) -> str:
        """A warning for people, or an empty string when the model is stable."""
        if self.unchecked:
            return f"the stability of the model could not be checked: {self.unchecked}"
        if self.stable:
            return ""
        what = "an oscillation grows" if self.oscillating else "a reinforcing loop runs away"
        doubling = math.log(2) / self.growth_rate
        return (f"the model is unstable: {what} (growth {self.growth_rate:.3g} per {self.time_unit}, "
                f"doubling every {doubling:.3g} {self.time_unit}s), mostly through "
                f"{', '.join(self.variables)}; scenario results will run to the bounds. "
                "Weaken links on these loops, check their polarities, or give the map smaller strength "
                "numbers, e.g. strengths: {weak: 0.1, medium: 0.2, strong: 0.3}")


def check_stability(spec: ModelSpec, top: int = 3, settings=None, adjust_times=None) -> Stability:
    """The growth rate of the fastest-growing mode and the ``top`` variables (index variables and
    stocks, each measured relative to its start) it involves most; ``settings`` and ``adjust_times``
    as for :func:`gmb.sd.linear.linearise` (numbers). A model without a derivative at its start is
    not refused here (it can still be simulated): the result says so (``unchecked``)."""
    try:
        lin = linearise(spec, settings, adjust_times)
    except NotLinearisable as exc:
        return Stability(math.nan, False, [], spec.time_unit, unchecked=str(exc))
    if not lin.states:
        return Stability(-math.inf, False, [], spec.time_unit)
    eigenvalues, vectors = np.linalg.eig(lin.A)
    k = int(np.argmax(eigenvalues.real))
    count = sum(1 for v in spec.variables.values() if v.kind in ("index", "stock"))
    scale = np.where(lin.initial[:count] != 0, np.abs(lin.initial[:count]), 1.0)
    weights = np.abs(vectors[:count, k]) / scale
    weights /= max(weights.max(initial=0.0), 1e-300)
    order = [int(i) for i in np.argsort(-weights, kind="stable")[:top] if weights[i] > 1e-9]
    return Stability(float(eigenvalues[k].real), bool(abs(eigenvalues[k].imag) > 1e-12),
                     [lin.states[i] for i in order], spec.time_unit)


def spectral_blocks(a: np.ndarray) -> list[np.ndarray]:
    """The states of each strongly connected block of ``a`` (n × n, or a stack: the pattern of any
    sample), upstream blocks first. A's eigenvalues are those of its blocks, so a stack of large
    matrices is checked block by block.

    >>> a = np.array([[-1.0, 0, 0], [2, -1, 1], [0, 1, -1]])
    >>> [block.tolist() for block in spectral_blocks(a)]
    [[0], [1, 2]]
    >>> block_growth(a, spectral_blocks(a)).tolist()
    [-1.0, 0.0]
    """
    pattern = np.any(a != 0, axis=tuple(range(a.ndim - 2)))
    graph = nx.DiGraph()
    graph.add_nodes_from(range(pattern.shape[0]))
    graph.add_edges_from((int(j), int(i)) for i, j in zip(*np.nonzero(pattern)) if i != j)
    condensed = nx.condensation(graph)
    return [np.array(sorted(condensed.nodes[c]["members"]), dtype=np.intp)
            for c in nx.lexicographical_topological_sort(condensed, key=lambda c: min(condensed.nodes[c]["members"]))]


def block_growth(a: np.ndarray, blocks: list[np.ndarray]) -> np.ndarray:
    """The largest real part of the eigenvalues of each block, shape (…, blocks)."""
    out = np.empty((*a.shape[:-2], len(blocks)))
    for b, rows in enumerate(blocks):
        if len(rows) == 1:
            out[..., b] = a[..., rows[0], rows[0]]
        else:
            out[..., b] = np.linalg.eigvals(a[..., rows[:, None], rows]).real.max(axis=-1)
    return out
