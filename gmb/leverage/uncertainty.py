"""Monte Carlo draws of what a hand-drawn map leaves uncertain: link strengths, adjust times, disputed links.

A map's ``strength: weak | medium | strong`` names a class, not a number. Each sample draws every
link's weight uniformly from its class's range, which runs between the midpoints to the
neighbouring classes' numbers (the map's ``strengths:``; gmb's defaults 0.25 / 0.5 / 0.75 give
weak 0.125–0.375, medium 0.375–0.625, strong 0.625–0.875; the lowest and highest classes reach as
far beyond their number as the midpoint on their other side). A link without a strength is medium;
a strength given as a number, and a flow link without a strength, are held fixed. Adjust times τ
are drawn log-uniformly between τ / 1.5 and τ × 1.5. Delays are held fixed.

With ``structure`` the disputed structure is drawn too: each link of low confidence (``low``, or a
number below 1/3) is present or absent with probability 1/2, and each link of polarity ``?`` is
``+`` or ``-`` with probability 1/2 (without ``structure`` a ``?`` link is left out, as ``gmb simulate``
does).

Sample ``i`` of seed ``s`` comes from its own generator, ``SeedSequence(s, spawn_key=(i,))``, and
always consumes its random numbers in the same order (weights, adjust times, presence, signs, then
``extra`` ranges), so a sample is the same however the samples are split into chunks, on whichever
machine, and whether or not ``structure`` or extra ranges are asked for.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.spec import build_spec
>>> cmap = CausalMap.new("demo")
>>> for var in ("sleep", "mood"):
...     cmap.add_variable(var, var.title(), adjust_time=6)
>>> _ = cmap.add_link("sleep", "mood", "+", strength="strong", confidence="low")
>>> strength_ranges({"weak": 0.25, "medium": 0.5, "strong": 0.75})["strong"]
(0.625, 0.875)
>>> model = MapUncertainty(cmap, build_spec(cmap, unknown_links="include"), structure=True)
>>> draws = model.draw(seed=7, start=0, stop=4)
>>> weights = draws.settings["w_sleep_to_mood"]
>>> bool(((weights == 0) | ((weights >= 0.625) & (weights <= 0.875))).all())
True
>>> bool((draws.adjust_times["mood"] >= 4).all() and (draws.adjust_times["mood"] <= 9).all())
True
>>> same = model.draw(seed=7, start=2, stop=4)
>>> bool((same.settings["w_sleep_to_mood"] == weights[2:]).all())
True
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from gmb.maps.causalmap import CausalMap
from gmb.maps.schema import strength_ranges
from gmb.sd.spec import DEFAULT_STRENGTH, ModelSpec

__all__ = ["MapUncertainty", "Draws", "sample_generator", "TAU_FACTOR", "LOW_CONFIDENCE",
           "PRESENT_PROBABILITY"]

TAU_FACTOR = 1.5
"""Adjust times are drawn log-uniformly between τ / TAU_FACTOR and τ × TAU_FACTOR."""
LOW_CONFIDENCE = 1 / 3
"""A numeric confidence below this counts as ``low`` (a disputed link)."""
PRESENT_PROBABILITY = 0.5
"""With ``structure``, the chance that a disputed link is present in a sample."""


def sample_generator(seed: int, sample: int) -> np.random.Generator:
    """The generator of sample number ``sample`` under ``seed``: the same on every machine and chunking.

    >>> float(sample_generator(1, 5).random()) == float(sample_generator(1, 5).random())
    True
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(sample,)))


@dataclass
class Draws:
    """Samples ``start … stop-1``: model constants (``settings``, each an array of one value per
    sample), index variables' τ (``adjust_times``) and the ``extra`` uniform draws (samples × ranges)."""

    settings: dict[str, np.ndarray]
    adjust_times: dict[str, np.ndarray]
    extra: np.ndarray


class MapUncertainty:
    """What a map's model leaves uncertain, and how to draw it (see the module notes).

    ``spec`` should be built with ``unknown_links="include"`` so that ``?`` links have a weight
    to draw; ``structure`` draws disputed links and ``?`` signs.
    """

    def __init__(self, cmap: CausalMap, spec: ModelSpec, structure: bool = False):
        self.structure = structure
        self.ranges = strength_ranges(spec.strengths)
        links = spec.links
        self.params = [link.param for link in links]
        bounds, unknown, disputed = [], [], []
        for link in links:
            attrs = cmap.graph.edges[link.source, link.target]
            bounds.append(self._link_range(attrs, link.weight, link.flow))
            unknown.append(attrs.get("polarity") == "?")
            disputed.append(_low_confidence(attrs.get("confidence")))
        self.low = np.array([lo for lo, _ in bounds], dtype=float)
        self.high = np.array([hi for _, hi in bounds], dtype=float)
        self.unknown = np.array(unknown, dtype=bool)
        self.disputed = np.array(disputed, dtype=bool)
        index = [var for var in spec.variables.values() if var.kind == "index"]
        self.index_vars = [var.id for var in index]
        self.taus = np.array([var.adjust_time for var in index], dtype=float)

    def _link_range(self, attrs: dict, weight: float, flow: str | None) -> tuple[float, float]:
        strength = attrs.get("strength")
        if strength is None and not flow:
            strength = DEFAULT_STRENGTH
        if isinstance(strength, str) and strength in self.ranges:
            return self.ranges[strength]
        return weight, weight

    def draw(self, seed: int, start: int, stop: int, extra: Sequence[tuple[float, float]] = ()) -> Draws:
        """Samples ``start`` to ``stop - 1`` of ``seed``; ``extra`` are further (low, high) uniform ranges."""
        links, taus = len(self.params), len(self.index_vars)
        extra_low = np.array([lo for lo, _ in extra], dtype=float)
        extra_high = np.array([hi for _, hi in extra], dtype=float)
        u = np.empty((stop - start, 3 * links + taus + len(extra)))
        for row, sample in enumerate(range(start, stop)):
            u[row] = sample_generator(seed, sample).random(u.shape[1])
        u_weight, u_tau = u[:, :links], u[:, links:links + taus]
        u_present, u_sign = u[:, links + taus:2 * links + taus], u[:, 2 * links + taus:3 * links + taus]
        weights = self.low + u_weight * (self.high - self.low)
        if self.structure:
            weights = np.where(self.disputed & (u_present >= PRESENT_PROBABILITY), 0.0, weights)
            weights = np.where(self.unknown & (u_sign < 0.5), -weights, weights)
        else:
            weights = np.where(self.unknown, 0.0, weights)
        taus_drawn = self.taus * TAU_FACTOR ** (2 * u_tau - 1)
        return Draws({param: weights[:, i] for i, param in enumerate(self.params)},
                     {var: taus_drawn[:, i] for i, var in enumerate(self.index_vars)},
                     extra_low + u[:, 3 * links + taus:] * (extra_high - extra_low))

    def notes(self) -> list[str]:
        """What is drawn, in words (for ``ASSUMPTIONS.md`` and the help)."""
        classes = ", ".join(f"{name} {lo:g}–{hi:g}" for name, (lo, hi) in self.ranges.items())
        notes = [f"link strengths uniform within their class: {classes} (a link without a strength is "
                 f"{DEFAULT_STRENGTH}; a strength given as a number, and a flow link, are held fixed)",
                 f"adjust times log-uniform between τ / {TAU_FACTOR:g} and τ × {TAU_FACTOR:g}; delays held fixed"]
        unknown, disputed = int(self.unknown.sum()), int(self.disputed.sum())
        if self.structure:
            notes.append(f"disputed structure: each of the {disputed} links of low confidence present with "
                         f"probability {PRESENT_PROBABILITY:g}; each of the {unknown} links of polarity ? "
                         "+ or - with probability 1/2")
        elif unknown:
            notes.append(f"the {unknown} links of polarity ? are left out (use --structure to draw their sign)")
        return notes


def _low_confidence(confidence) -> bool:
    if isinstance(confidence, numbers.Real) and not isinstance(confidence, bool):
        return confidence < LOW_CONFIDENCE
    return confidence == "low"
