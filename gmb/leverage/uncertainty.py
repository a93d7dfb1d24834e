"""Monte Carlo draws of what a hand-drawn map leaves uncertain: link strengths, adjust times, disputed links.

A map's ``strength: weak | medium | strong`` names a class, not a number, and the class itself is a
judgement. Each sample

- takes each link's class as misjudged by one class down, with probability
  :data:`MISJUDGE_PROBABILITY` (0.2) where a weaker class exists, and one class up, with the same
  probability where a stronger one exists;
- draws the link's weight uniformly from that class's range, which runs between the midpoints to
  the neighbouring classes' numbers (the map's ``strengths:``; gmb's defaults 0.25 / 0.5 / 0.75
  give weak 0.125–0.375, medium 0.375–0.625, strong 0.625–0.875; the lowest and highest classes
  reach as far beyond their number as the midpoint on their other side);
- multiplies every class's numbers by one factor for the whole sample, uniform within
  :data:`SCALE_RANGE` (×0.5–×1.5): the workshop's numbers behind the classes are a guess too;
- draws adjust times τ log-uniformly between τ / 1.5 and τ × 1.5 (:data:`TAU_FACTOR`);
- with ``structure`` (the default), draws the disputed structure: each link of low confidence
  (``low``, or a number below 1/3) is present or absent with probability 1/2, and each link of
  polarity ``?`` is ``+`` or ``-`` with probability 1/2 (without ``structure`` a ``?`` link is
  left out, as ``gmb simulate`` does).

A link without a strength is medium; a strength given as a number, and a flow link without a
strength, are held fixed. Delays are held fixed. A ``kind: stock`` whose inflows and outflows
balance at the start for the map's own numbers starts at rest in every sample too: its outflow
weights are scaled together so that they carry what its inflows bring (unless every inflow or
every outflow is absent in that sample).

On a map with segments, the copies of one link (and of one variable's adjust time) in the segments
share one judgement: the same random numbers, each applied to its own class, so that segments differ
only where the map says so.

Sample ``i`` of seed ``s`` comes from its own generator, ``SeedSequence(s, spawn_key=(i,))``, and
always consumes its random numbers in the same order (weights, adjust times, presence, signs,
classes, the scale factor, then ``extra`` ranges), so a sample is the same however the samples are
split into chunks, on whichever machine, and whatever is asked for.

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
>>> spec = build_spec(cmap, unknown_links="include")
>>> narrow = MapUncertainty(cmap, spec, structure=False, misjudge=0.0, scale=(1.0, 1.0))
>>> weights = narrow.draw(seed=7, start=0, stop=4).settings["w_sleep_to_mood"]
>>> bool(((weights >= 0.625) & (weights <= 0.875)).all())
True
>>> model = MapUncertainty(cmap, spec)                   # classes misjudged, numbers scaled, disputed links drawn
>>> draws = model.draw(seed=7, start=0, stop=4)
>>> weights = draws.settings["w_sleep_to_mood"]
>>> bool(((weights == 0) | ((weights >= 0.375 * 0.5) & (weights <= 0.875 * 1.5))).all())
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

from gmb.errors import GmbError
from gmb.maps.causalmap import CausalMap
from gmb.maps.schema import strength_ranges
from gmb.sd.linear import LinearModel
from gmb.sd.spec import DEFAULT_STRENGTH, ModelSpec

__all__ = ["MapUncertainty", "Draws", "sample_generator", "TAU_FACTOR", "LOW_CONFIDENCE",
           "PRESENT_PROBABILITY", "MISJUDGE_PROBABILITY", "SCALE_RANGE", "STRUCTURE", "SIGN_PROBABILITY"]

TAU_FACTOR = 1.5
"""Adjust times are drawn log-uniformly between τ / TAU_FACTOR and τ × TAU_FACTOR."""
LOW_CONFIDENCE = 1 / 3
"""A numeric confidence below this counts as ``low`` (a disputed link)."""
PRESENT_PROBABILITY = 0.5
"""With ``structure``, the chance that a disputed link is present in a sample."""
SIGN_PROBABILITY = 0.5
"""With ``structure``, the chance that a link of polarity ``?`` is ``+`` in a sample."""
MISJUDGE_PROBABILITY = 0.2
"""The chance that a link's class is really one weaker, and (separately) one stronger, where such a class exists."""
SCALE_RANGE = (0.5, 1.5)
"""The range of the factor, uniform and one per sample, on all the class numbers."""
STRUCTURE = True
"""Whether the disputed structure is drawn by default (``--no-structure`` switches it off)."""
_REST = 1e-9
"""Inflows and outflows within this share of each other (at the map's numbers) balance."""


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

    def __init__(self, cmap: CausalMap, spec: ModelSpec, structure: bool = STRUCTURE,
                 misjudge: float = MISJUDGE_PROBABILITY, scale: tuple[float, float] = SCALE_RANGE):
        if not (0 <= misjudge <= 0.5 and 0 < scale[0] <= scale[1]):
            raise GmbError(f"misjudge {misjudge:g} must be within 0–0.5 and the scale range {scale} positive")
        self.structure, self.misjudge, self.scale = structure, float(misjudge), tuple(map(float, scale))
        self.ranges = strength_ranges(spec.strengths)
        classes = list(self.ranges)
        links, flat = spec.links, spec.flat or cmap
        original = spec.segmentation.original if spec.segmentation else (lambda var: var)
        self.params = [link.param for link in links]
        self.link_group = _groups([(original(link.source), original(link.target)) for link in links])
        """Per link, the judgement it shares with its copies in other segments (one draw for them all)."""
        bounds, unknown, disputed, named = [], [], [], []
        for link in links:
            attrs = flat.graph.edges[link.source, link.target]
            strength = self._class(attrs, link.flow)
            named.append(strength is not None)
            k = classes.index(strength) if strength is not None else None
            bounds.append([self.ranges[classes[min(max(k + shift, 0), len(classes) - 1)]] if k is not None
                           else (link.weight, link.weight) for shift in (-1, 0, 1)])
            unknown.append(attrs.get("polarity") == "?" and not link.flow)   # a flow's sign is its own
            disputed.append(_low_confidence(attrs.get("confidence")))
        self.bounds = np.array(bounds, dtype=float).reshape(len(links), 3, 2)
        """Per link, the (low, high) of its class one down, its own and one up (a fixed link: its weight)."""
        self.named = np.array(named, dtype=bool)
        self.unknown = np.array(unknown, dtype=bool)
        self.disputed = np.array(disputed, dtype=bool)
        index = [var for var in spec.variables.values() if var.kind == "index"]
        self.index_vars = [var.id for var in index]
        self.taus = np.array([var.adjust_time for var in index], dtype=float)
        self.tau_group = _groups([original(var) for var in self.index_vars])
        self.balanced = _balanced_stocks(spec, self.params)

    @property
    def low(self) -> np.ndarray:
        return self.bounds[:, 1, 0]

    @property
    def high(self) -> np.ndarray:
        return self.bounds[:, 1, 1]

    def _class(self, attrs: dict, flow: str | None) -> str | None:
        strength = attrs.get("strength")
        if strength is None and not flow:
            strength = DEFAULT_STRENGTH
        return strength if isinstance(strength, str) and strength in self.ranges else None

    def draw(self, seed: int, start: int, stop: int, extra: Sequence[tuple[float, float]] = ()) -> Draws:
        """Samples ``start`` to ``stop - 1`` of ``seed``; ``extra`` are further (low, high) uniform ranges."""
        links, taus = int(self.link_group.max(initial=-1)) + 1, int(self.tau_group.max(initial=-1)) + 1
        extra_low = np.array([lo for lo, _ in extra], dtype=float)
        extra_high = np.array([hi for _, hi in extra], dtype=float)
        u = np.empty((stop - start, 4 * links + taus + 1 + len(extra)))
        for row, sample in enumerate(range(start, stop)):
            u[row] = sample_generator(seed, sample).random(u.shape[1])
        each = self.link_group                                   # a link's copies share its judgement
        u_weight, u_tau = u[:, :links][:, each], u[:, links:links + taus][:, self.tau_group]
        u_present, u_sign = u[:, links + taus:2 * links + taus][:, each], u[:, 2 * links + taus:3 * links + taus][:, each]
        u_class, u_scale = u[:, 3 * links + taus:4 * links + taus][:, each], u[:, 4 * links + taus]
        shift = np.where(u_class < self.misjudge, 0, np.where(u_class >= 1 - self.misjudge, 2, 1))
        low = np.take_along_axis(self.bounds[None, :, :, 0], shift[..., None], axis=2)[..., 0]
        high = np.take_along_axis(self.bounds[None, :, :, 1], shift[..., None], axis=2)[..., 0]
        factor = self.scale[0] + u_scale * (self.scale[1] - self.scale[0])
        weights = (low + u_weight * (high - low)) * np.where(self.named, factor[:, None], 1.0)
        if self.structure:
            weights = np.where(self.disputed & (u_present >= PRESENT_PROBABILITY), 0.0, weights)
            weights = np.where(self.unknown & (u_sign >= SIGN_PROBABILITY), -weights, weights)
        else:
            weights = np.where(self.unknown, 0.0, weights)
        for inflows, outflows in self.balanced:
            gain = weights[:, inflows[0]] @ inflows[1]
            loss = weights[:, outflows[0]] @ outflows[1]
            ratio = np.divide(gain, loss, out=np.ones_like(gain), where=(gain > 0) & (loss > 0))
            weights[:, outflows[0]] *= ratio[:, None]
        taus_drawn = self.taus * TAU_FACTOR ** (2 * u_tau - 1)
        return Draws({param: weights[:, i] for i, param in enumerate(self.params)},
                     {var: taus_drawn[:, i] for i, var in enumerate(self.index_vars)},
                     extra_low + u[:, 4 * links + taus + 1:] * (extra_high - extra_low))

    def facts(self) -> list[tuple[str, dict]]:
        """What is drawn, as ``(key, numbers)`` pairs that :func:`gmb.render.wording.uncertainty_notes`
        words in the reader's language (:meth:`notes` in English).

        >>> from gmb.maps.causalmap import CausalMap
        >>> from gmb.sd.spec import build_spec
        >>> cmap = CausalMap.new("demo")
        >>> cmap.add_variable("mood", "Mood")
        >>> [key for key, _ in MapUncertainty(cmap, build_spec(cmap)).facts()]
        ['strengths', 'misjudge', 'scale', 'taus', 'structure']
        """
        facts = [("strengths", {"classes": [(name, lo, hi) for name, (lo, hi) in self.ranges.items()],
                                "default": DEFAULT_STRENGTH})]
        if self.misjudge:
            facts.append(("misjudge", {"p": self.misjudge}))
        if self.scale != (1.0, 1.0):
            facts.append(("scale", {"low": self.scale[0], "high": self.scale[1]}))
        facts.append(("taus", {"factor": float(TAU_FACTOR)}))
        if self.balanced:
            facts.append(("balanced", {"n": len(self.balanced)}))
        unknown, disputed = self._count(self.unknown), self._count(self.disputed)
        if self.structure:
            facts.append(("structure", {"disputed": disputed, "present": float(PRESENT_PROBABILITY),
                                        "unknown": unknown, "sign": float(SIGN_PROBABILITY)}))
        elif unknown:
            facts.append(("unknown", {"unknown": unknown}))
        return facts

    def _count(self, mask: np.ndarray) -> int:
        """How many of the map's links ``mask`` marks (a link's copies in the segments count once)."""
        return len(set(self.link_group[mask].tolist()))

    def notes(self) -> list[str]:
        """What is drawn, in words (for ``ASSUMPTIONS.md`` and the help)."""
        classes = ", ".join(f"{name} {lo:g}–{hi:g}" for name, (lo, hi) in self.ranges.items())
        notes = [f"link strengths uniform within their class: {classes} (a link without a strength is "
                 f"{DEFAULT_STRENGTH}; a strength given as a number, and a flow link without one, are held fixed)"]
        if self.misjudge:
            notes.append(f"each link's class misjudged: one class weaker with probability {self.misjudge:g} where "
                         f"there is one, one stronger with probability {self.misjudge:g} where there is one")
        if self.scale != (1.0, 1.0):
            notes.append(f"the numbers behind the classes uncertain: all multiplied by one factor per sample, "
                         f"uniform between ×{self.scale[0]:g} and ×{self.scale[1]:g}")
        notes.append(f"adjust times log-uniform between τ / {TAU_FACTOR:g} and τ × {TAU_FACTOR:g}; delays held fixed")
        if self.balanced:
            notes.append(f"the outflows of the {len(self.balanced)} stocks that start at rest scaled in each sample "
                         "so that they still start at rest")
        unknown, disputed = self._count(self.unknown), self._count(self.disputed)
        if self.structure:
            notes.append(f"disputed structure: each of the {disputed} links of low confidence present with "
                         f"probability {PRESENT_PROBABILITY:g}; each of the {unknown} links of polarity ? "
                         f"+ with probability {SIGN_PROBABILITY:g}, else -")
        elif unknown:
            notes.append(f"the {unknown} links of polarity ? are left out (--no-structure; leave it out to draw "
                         "their sign)")
        return notes


def _balanced_stocks(spec: ModelSpec, params: list[str]) -> list[tuple[tuple, tuple]]:
    """The stocks whose drawn flows balance at the start for the map's numbers: per stock, (link
    columns, each link's cause at the start) of its inflows and of its outflows."""
    drawn = {link.param for link in spec.links if link.flow}
    if not drawn:
        return []
    try:
        lin = LinearModel(spec).at(inputs=sorted(drawn))
    except GmbError:  # no derivative at the start: the per-sample checks still see a drifting stock
        return []
    column = {param: j for j, param in enumerate(lin.inputs)}
    stocks = []
    for var in spec.variables.values():
        if var.kind != "stock":
            continue
        row = lin.states.index(var.id)
        sides = []
        for kind in ("inflow", "outflow"):
            links = [link for link in spec.inputs(var.id) if link.flow == kind]
            cause = np.array([abs(lin.B[row, column[link.param]]) for link in links])
            sides.append((np.array([params.index(link.param) for link in links], dtype=np.intp), cause,
                          float(sum(link.weight * c for link, c in zip(links, cause)))))
        (_, _, gain), (_, _, loss) = sides
        if gain > 0 and loss > 0 and abs(gain - loss) <= _REST * max(gain, loss):
            stocks.append(tuple(side[:2] for side in sides))
    return stocks


def _groups(keys: list) -> np.ndarray:
    """Each key's group number, groups numbered in order of first appearance (distinct keys: 0, 1, 2, …)."""
    numbers: dict = {}
    return np.array([numbers.setdefault(key, len(numbers)) for key in keys], dtype=np.intp)


def _low_confidence(confidence) -> bool:
    if isinstance(confidence, numbers.Real) and not isinstance(confidence, bool):
        return confidence < LOW_CONFIDENCE
    return confidence == "low"
