"""The data of a leverage run and its result: the candidates, their sampled effects and the :class:`Leverage`.

:mod:`gmb.leverage.ranking` runs every candidate in every sample; this module turns the sampled
effects into the result people read: :func:`finish` leaves out the samples the checks rejected,
adds the analytic press response and the warnings, and :meth:`Leverage.table` ranks the candidates
by size, with the direction to push them (:func:`summarize` gives the statistics per candidate).

Example
-------
>>> import numpy as np
>>> effects = Effects(final=np.array([[0.2, -0.1], [0.4, -0.3]]), auc=np.zeros((2, 2)))
>>> result = Leverage("mood", [Candidate("sport", "Sport", ()), Candidate("screens", "Screens", ())], effects,
...                   [0.3, -0.2], samples=2, seed=1, horizon=12, dt=0.5, push=0.1, structure=False,
...                   warnings=[], notes=[])
>>> [(row["id"], row["direction"], round(row["effect"], 2), row["press_rank"]) for row in result.table()]
[('sport', 'increase', 0.3, 1), ('screens', 'decrease', 0.2, 2)]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from gmb.analysis.press import LongRun, long_run_effects
from gmb.errors import GmbError
from gmb.leverage.checks import SampleChecks, exclusions, ranking_flags
from gmb.leverage.uncertainty import MapUncertainty
from gmb.maps.causalmap import CausalMap
from gmb.sd.spec import ModelSpec

__all__ = ["Leverage", "Candidate", "Term", "Effects", "Setup", "finish", "summarize", "press_long_run",
           "press_effects", "MEASURES", "GROUPS", "group_of"]

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


@dataclass
class Effects:
    """Effects of each candidate on the outcome in each sample: ``final`` and ``auc``, shape (samples, candidates)."""

    final: np.ndarray
    auc: np.ndarray
    checks: SampleChecks | None = None
    """Each sample's stability and rest checks (:mod:`gmb.leverage.checks`), if they were made."""
    gap: np.ndarray | None = None
    """On a map with segments: the change of the gap between the outcome's segments at the horizon
    (best-off minus worst-off, against that sample's baseline; negative narrows it), else None."""

    def rows(self, kept: np.ndarray) -> "Effects":
        """The samples of the mask ``kept`` only."""
        return Effects(self.final[kept], self.auc[kept], self.checks, None if self.gap is None else self.gap[kept])

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
        if self.effects.gap is not None:  # a push the way shown; an idea as it is (done)
            done = np.array([c.kind == "idea" for c in self.candidates])
            _gap_columns(rows, self.effects.gap * np.where((signs == 0) | done, 1.0, signs), groups)
        size = sorted(range(len(rows)), key=lambda i: (-rows[i]["effect"], i))
        for n, i in enumerate(size):
            rows[i]["magnitude_rank"] = n + 1
        order = sorted(size, key=lambda i: GROUPS.index(groups[i]))
        ranked, counts = [], dict.fromkeys(GROUPS, 0)
        for i in order:
            counts[groups[i]] += 1
            ranked.append(rows[i] | {"rank": counts[groups[i]]})
        return ranked


QUADRANTS = ("narrows", "widens", "same")
"""Where a push lands against the gap: it narrows it, widens it, or leaves it as it is (its median)."""


def _gap_columns(rows: list[dict], oriented: np.ndarray, groups: list[str]) -> None:
    """Adds, per row, the change of the gap for a push the way shown (an idea: carried out):
    ``gap_median``, ``gap_p05``, ``gap_p95``, ``p_narrows`` (share of samples where it narrows),
    ``gap_quadrant`` and ``gap_rank`` (1: narrows it most, within the group)."""
    low, median, high = np.percentile(oriented, [5, 50, 95], axis=0)
    scale = max((abs(row["effect"]) for row in rows), default=0.0) or 1.0
    for i, row in enumerate(rows):
        quadrant = "narrows" if median[i] < -1e-12 * scale else "widens" if median[i] > 1e-12 * scale else "same"
        row |= {"gap_median": float(median[i]), "gap_p05": float(low[i]), "gap_p95": float(high[i]),
                "p_narrows": float((oriented[:, i] < 0).mean()), "gap_quadrant": quadrant}
    for group in GROUPS:
        members = [i for i, g in enumerate(groups) if g == group]
        for n, i in enumerate(sorted(members, key=lambda i: (median[i], i))):
            rows[i]["gap_rank"] = n + 1


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


def _ranks(values: Sequence[float | None]) -> list[int | None]:
    """1 for the largest; ties share a rank; None stays None."""
    return [None if v is None else 1 + sum(1 for w in values if w is not None and w > v) for v in values]
