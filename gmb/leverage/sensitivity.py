"""Which judgements move the ranking: Morris screening (and Sobol indices) over a map's uncertain numbers.

The Monte Carlo of :mod:`gmb.leverage.uncertainty` says how sure a ranking is; this module says
*which* judgement to discuss to make it surer. Each judgement the Monte Carlo varies is a factor
running over the same range, mapped from 0–1:

- ``strength``: a link's strength, as the quantile of its Monte Carlo distribution (its class's
  range, and the classes one weaker and one stronger with the probability of a misjudged class);
- ``presence`` (a link of low confidence present below 0.5, absent from 0.5) and ``sign`` (a link
  of polarity ``?``: + below 0.5, - from 0.5), with ``structure``;
- ``scale``: the factor on the numbers behind all the strength classes;
- ``adjust_time``: an index variable's τ, log-uniform between τ / 1.5 and τ × 1.5;
- ``idea``: how strongly an idea acts on a variable, within its strength class (ideas only).

The output screened is the ranking of the top candidates (:func:`gmb.leverage.pairwise.top_ids`):
each one's **share** of their combined effect, each pushed the way the ranking says. A judgement
that scales every effect alike (a link every path passes) leaves the shares, and so the ranking,
as they are; one that moves only one candidate's path moves its share. Per factor and candidate,
Morris (SALib, ``levels`` 4) gives μ* (the mean absolute change of the share when the factor runs
over its whole range, one factor at a time) and σ (how much that change depends on the other
factors: interactions, bends); Sobol gives ST (the share of the variance of the share that the
factor is part of) and S1 (that it explains alone). A factor's importance is its largest over the
candidates (``moves``: the candidate whose share it moves most). Each version of the map is
checked like a Monte Carlo sample; a Morris trajectory or Sobol block with an unstable version or a
baseline not at rest is left out and counted. The design comes from ``seed``: the same seed, the
same numbers.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.leverage.ranking import leverage, prepare, variable_candidates
>>> cmap = CausalMap.new("demo", ["en"])
>>> for var in ("sport", "screens", "sleep", "mood"):
...     cmap.add_variable(var, var.title(), kind="action" if var in ("sport", "screens") else "index",
...                       adjust_time=None if var in ("sport", "screens") else 2)
>>> for source, target in (("sport", "mood"), ("screens", "sleep"), ("sleep", "mood")):
...     _ = cmap.add_link(source, target, "+")
>>> result = leverage(cmap, "mood", samples=20, seed=1, horizon=24, workers=1)
>>> setup = prepare(cmap, "mood", horizon=24)
>>> found = sensitivity(setup, variable_candidates(setup), result, seed=3)
>>> sorted(row["factor"] for row in found.rows()[:3])     # the links on one path and not the other
['strength:screens->sleep', 'strength:sleep->mood', 'strength:sport->mood']
>>> [round(row["mu_star"], 2) for row in found.rows() if row["kind"] == "adjust_time"]  # settled by 24 months
[0.0, 0.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from gmb.errors import GmbError
from gmb.leverage.checks import checker
from gmb.leverage.pairwise import TOP, top_ids
from gmb.leverage.ranking import RUNS_PER_CHUNK, Setup, candidate_effects
from gmb.leverage.results import Candidate, Leverage
from gmb.leverage.uncertainty import PRESENT_PROBABILITY, SIGN_PROBABILITY, TAU_FACTOR, Draws
from gmb.sd.batch import BatchModel

__all__ = ["sensitivity", "factors", "versions", "Factor", "Sensitivity", "METHODS", "TRAJECTORIES", "LEVELS",
           "SOBOL_BASE"]

METHODS = ("morris", "sobol")
TRAJECTORIES = 20
"""Morris trajectories: each runs every factor once, (factors + 1) versions of the map."""
LEVELS = 4
"""Morris grid levels per factor (0, ⅓, ⅔, 1): a step of ⅔ crosses 0.5, so a yes/no factor flips."""
SOBOL_BASE = 256
"""Sobol base samples (a power of 2): base × (factors + 2) versions of the map."""
_MAIN = {"morris": "mu_star", "sobol": "ST"}


@dataclass(frozen=True)
class Factor:
    """One judgement: ``kind`` (see the module notes), the link (``source``, ``target``), the
    ``variable`` (an adjust time, or what an ``idea`` acts on) and the ``idea``."""

    kind: str
    source: str | None = None
    target: str | None = None
    variable: str | None = None
    idea: str | None = None

    @property
    def key(self) -> str:
        where = {"strength": f"{self.source}->{self.target}", "presence": f"{self.source}->{self.target}",
                 "sign": f"{self.source}->{self.target}", "adjust_time": self.variable,
                 "idea": f"{self.idea}->{self.variable}"}.get(self.kind)
        return self.kind if where is None else f"{self.kind}:{where}"


@dataclass
class Sensitivity:
    """Per factor (rows) and screened candidate (columns) the statistics of ``method``: ``mu_star``,
    ``mu``, ``sigma``, ``mu_star_conf`` (Morris) or ``ST``, ``S1``, ``ST_conf`` (Sobol), of the
    candidates' shares of their combined effect; ``versions`` run, ``dropped`` trajectories or blocks."""

    method: str
    factors: list[Factor]
    ids: list[str]
    stats: dict[str, np.ndarray]
    versions: int
    dropped: int
    seed: int

    def rows(self, top: int | None = None) -> list[dict]:
        """The factors by importance, most first (``top`` of them): the factor, the candidate it moves
        most (``moves``) and the statistics for that candidate."""
        main = self.stats[_MAIN[self.method]]
        best = main.argmax(axis=1) if len(self.ids) else np.zeros(len(self.factors), int)
        order = sorted(range(len(self.factors)), key=lambda f: (-main[f, best[f]], f))[:top]
        return [{"factor": self.factors[f].key, "kind": self.factors[f].kind, "source": self.factors[f].source,
                 "target": self.factors[f].target, "variable": self.factors[f].variable,
                 "idea": self.factors[f].idea, "moves": self.ids[best[f]]}
                | {name: float(values[f, best[f]]) for name, values in self.stats.items()} for f in order]


def factors(setup: Setup, candidates: Sequence[Candidate] = (), extra: int = 0) -> list[Factor]:
    """The judgements a run varies (see the module notes), in a fixed order; ``extra`` ranges are
    read by the candidates' terms (an idea's strength)."""
    unc, found, original = setup.uncertainty, [], _original(setup)
    links = {link.param: link for link in setup.spec.links}
    for l, param in enumerate(unc.params):
        source, target = original(links[param].source), original(links[param].target)
        if unc.named[l] and unc.bounds[l, :, 1].max() > unc.bounds[l, :, 0].min():
            found.append(Factor("strength", source, target))
        if unc.structure and unc.disputed[l]:
            found.append(Factor("presence", source, target))
        if unc.structure and unc.unknown[l]:
            found.append(Factor("sign", source, target))
    if unc.named.any() and unc.scale[1] > unc.scale[0]:
        found.append(Factor("scale"))
    found += [Factor("adjust_time", variable=original(var)) for var in unc.index_vars]
    pushed = {var.params.get("push"): original(var.id) for var in setup.spec.variables.values()}
    for j in range(extra):
        idea, term = next((c, t) for c in candidates for t in c.terms if t.draw == j)
        found.append(Factor("idea", variable=pushed.get(term.param), idea=idea.id))
    return list(dict.fromkeys(found))  # a link's (a variable's) copies in the segments: one judgement


def _original(setup: Setup):
    """The map's variable a model variable stands for (a segment's copy: its variable)."""
    seg = setup.spec.segmentation
    return seg.original if seg else (lambda var: var)


def versions(setup: Setup, found: Sequence[Factor], x: np.ndarray,
             extra: Sequence[tuple[float, float]] = ()) -> Draws:
    """The versions of the map at the factor values ``x`` (versions × factors, each 0–1)."""
    unc = setup.uncertainty
    column = {factor.key: j for j, factor in enumerate(found)}

    def at(key: str, default: float) -> np.ndarray:
        return x[:, column[key]] if key in column else np.full(len(x), default)

    weights = np.empty((len(x), len(unc.params)))
    links, original = {link.param: link for link in setup.spec.links}, _original(setup)
    factor = unc.scale[0] + at("scale", 0.5) * (unc.scale[1] - unc.scale[0])
    for l, param in enumerate(unc.params):
        where = f"{original(links[param].source)}->{original(links[param].target)}"
        weights[:, l] = _quantile(unc.bounds[l], unc.misjudge, at(f"strength:{where}", 0.5))
        weights[:, l] *= factor if unc.named[l] else 1.0
        if unc.structure:
            weights[:, l] *= np.where(unc.disputed[l] & (at(f"presence:{where}", 0.0) >= PRESENT_PROBABILITY), 0, 1)
            weights[:, l] *= np.where(unc.unknown[l] & (at(f"sign:{where}", 0.0) >= SIGN_PROBABILITY), -1, 1)
        elif unc.unknown[l]:
            weights[:, l] = 0.0
    for inflows, outflows in unc.balanced:  # stocks at rest stay at rest, as in the Monte Carlo
        gain, loss = weights[:, inflows[0]] @ inflows[1], weights[:, outflows[0]] @ outflows[1]
        weights[:, outflows[0]] *= np.divide(gain, loss, out=np.ones_like(gain), where=(gain > 0) & (loss > 0))[:, None]
    taus = {var: tau * TAU_FACTOR ** (2 * at(f"adjust_time:{original(var)}", 0.5) - 1)
            for var, tau in zip(unc.index_vars, unc.taus)}
    ideas = [f for f in found if f.kind == "idea"]
    drawn = np.stack([lo + x[:, column[f.key]] * (hi - lo) for f, (lo, hi) in zip(ideas, extra)], axis=1) \
        if ideas else np.empty((len(x), 0))
    return Draws({param: weights[:, l] for l, param in enumerate(unc.params)}, taus, drawn)


def _quantile(bounds: np.ndarray, misjudge: float, q: np.ndarray) -> np.ndarray:
    """The ``q`` quantile of a link's Monte Carlo strength: its class (``bounds[1]``) with probability
    1 − 2 × ``misjudge``, the classes one weaker and one stronger with ``misjudge`` each (the same
    range where there is none), uniform within the class."""
    chance: dict[tuple[float, float], float] = {}
    for (lo, hi), p in zip(map(tuple, bounds), (misjudge, 1 - 2 * misjudge, misjudge)):
        chance[(lo, hi)] = chance.get((lo, hi), 0.0) + p
    parts = sorted((lo, hi, p) for (lo, hi), p in chance.items() if p > 0)
    edges = np.cumsum([0.0] + [p for _, _, p in parts])
    k = np.clip(np.searchsorted(edges, q, side="right") - 1, 0, len(parts) - 1)
    lo, hi, p = (np.array(column)[k] for column in zip(*parts))
    return lo + np.clip((q - edges[k]) / p, 0, 1) * (hi - lo)


def sensitivity(setup: Setup, candidates: Sequence[Candidate], result: Leverage, method: str = "morris",
                top: int = TOP, seed: int = 0, trajectories: int = TRAJECTORIES, base: int = SOBOL_BASE,
                extra: Sequence[tuple[float, float]] = (), measure: str = "final") -> Sensitivity:
    """Screen which judgements move the ranking of ``result``'s top candidates (see the module notes).

    ``candidates`` are those of the run (with their ``extra`` strength ranges, for ideas); ``top``
    of them are screened, each pushed in its ranked direction."""
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    if method not in METHODS:
        raise GmbError(f"unknown sensitivity method {method!r}; use one of {', '.join(METHODS)}")
    if trajectories < 2 or base < 2 or base & (base - 1):
        raise GmbError(f"Morris needs at least 2 trajectories (not {trajectories}) and Sobol a power of 2 of at "
                       f"least 2 base samples (not {base})")
    rows = {row["id"]: row for row in result.table(measure)}
    ids = top_ids(list(rows.values()), top)
    if len(ids) < 2:
        raise GmbError("the sensitivity screening needs at least two candidates to rank")
    chosen = [next(c for c in candidates if c.id == i) for i in ids]
    signs = np.array([-1.0 if rows[i]["direction"] == "decrease" else 1.0 for i in ids])
    found = factors(setup, candidates, len(extra))
    if not found:
        raise GmbError("the map leaves nothing uncertain to screen: every strength and adjust time is fixed")
    problem = {"num_vars": len(found), "names": [f.key for f in found], "bounds": [[0.0, 1.0]] * len(found)}
    if method == "morris":
        x = morris_sample.sample(problem, trajectories, num_levels=LEVELS, seed=seed)
    else:
        x = sobol_sample.sample(problem, base, calc_second_order=False, seed=seed)
    shares, bad = _shares(setup, chosen, found, x, extra, signs, measure)
    block = len(found) + (1 if method == "morris" else 2)
    keep = ~bad.reshape(-1, block).any(axis=1)
    if not keep.any():
        raise GmbError("every version of the map screened was unstable or not at rest; no sensitivity to show")
    rows_kept = np.repeat(keep, block)
    x, shares = x[rows_kept], shares[rows_kept]
    names = ("mu_star", "mu", "sigma", "mu_star_conf") if method == "morris" else ("ST", "S1", "ST_conf")
    stats = {name: np.zeros((len(found), len(ids))) for name in names}
    for c in range(len(ids)):
        y = shares[:, c]
        if np.ptp(y) == 0:  # the share never moves: every index is 0
            continue
        if method == "morris":
            found_c = morris_analyze.analyze(problem, x, y, num_levels=LEVELS, seed=seed)
        else:
            found_c = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
        for name in names:
            stats[name][:, c] = np.nan_to_num(np.asarray(found_c[name], dtype=float))
    return Sensitivity(method, found, ids, stats, len(x), int((~keep).sum()), seed)


def _shares(setup: Setup, chosen: Sequence[Candidate], found: Sequence[Factor], x: np.ndarray,
            extra: Sequence[tuple[float, float]], signs: np.ndarray, measure: str) -> tuple[np.ndarray, np.ndarray]:
    """Each version's shares of the chosen candidates in their combined effect, and whether the
    version fails the checks (unstable, or not at rest)."""
    model, check = BatchModel(setup.spec), checker(setup.spec)
    size = max(1, RUNS_PER_CHUNK // (len(chosen) + 1))
    shares, bad = np.empty((len(x), len(chosen))), np.empty(len(x), bool)
    for start in range(0, len(x), size):
        part = slice(start, min(len(x), start + size))
        draws = versions(setup, found, x[part], extra)
        final, auc, _ = candidate_effects(model, chosen, draws, setup.outcome, setup.horizon, setup.dt)
        oriented = (final if measure == "final" else auc) * signs
        total = np.abs(oriented).sum(axis=1, keepdims=True)
        shares[part] = np.divide(oriented, total, out=np.zeros_like(oriented), where=total > 0)
        bad[part] = check.check(draws.settings, draws.adjust_times, len(draws.extra)).excluded
    bad |= ~np.isfinite(shares).all(axis=1)
    return np.nan_to_num(shares), bad

