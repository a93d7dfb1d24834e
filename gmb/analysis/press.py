"""The press response: how the outcome moves, in the long run, under a sustained push, read off the model.

A sustained push ``δu`` moves a model that settles to a new level: ``δz = -A^-1 B δu`` and the
outcome by ``δy = (D - C A^-1 B) δu``, with A, B, C, D the linearisation of the model as gmb runs it
(:mod:`gmb.sd.linear`: adjust times, stocks and flows, ``equation:`` variables, delays, below the
bounds). The answer is in the outcome's own units, the same absolute change a long simulation
shows. A push is what ``gmb leverage`` gives (:func:`push_input`): an index variable's indicated
value raised by push × today's value, an action switched on at level push, a constant raised by
push × its value; a stock gets push × its start (1 if 0) as an extra inflow per month, an
``equation:`` variable push × its start added to its value. Links the model leaves out (``?``
links, links into actions, constants and equations) are left out here too. A model whose outcome
does not settle (a loop runs away, a delayed loop overshoots more each time round, or a stock on
the way accumulates without end) has no long-run answer: None, with the reason.

Link strengths are rarely known, so :func:`press_response` samples them, as QPress does for
Levins' loop analysis (Melbourne-Thomas et al. 2012): magnitudes uniform on (0, 1) (or, with
``weights="strengths"``, within each link's strength class), signs from the map (a ``?`` link
gets a random sign each sample). Each sample's stability and response come from the model's
linearisation with that sample's weights; the samples in which the outcome settles are kept, and
for each pushed variable the share in which the outcome rises is reported. A share of at least
0.8 either way is called a determined direction (Dambacher et al. 2002's sign determinacy).
:func:`linear_press` is the exact response for fixed weights (the map's own strengths by default);
:func:`long_run_effects` gives the outcome's change under given pushes, for the leverage ranking.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo", ["en"])
>>> for var in ("activity", "mental_health"):
...     cmap.add_variable(var)
>>> _ = cmap.add_link("activity", "mental_health", "+", strength="strong")
>>> _ = cmap.add_link("mental_health", "activity", "+", strength="weak")
>>> round(linear_press(cmap).effect("mental_health", "activity"), 4)  # 0.75 / (1 - 0.75 * 0.25)
0.9231
>>> from gmb.sd.spec import build_spec
>>> [round(e, 4) for e in long_run_effects(build_spec(cmap), "mental_health", [{"activity": 0.1}]).effects]
[0.0923]
>>> result = press_response(cmap, "mental_health", samples=200, seed=1)
>>> result.stable, result.variables[0]["rises"]
(200, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterator, Mapping, Sequence

import numpy as np

from gmb.analysis.signed import analysis_graph, link_sign, resolve_variable
from gmb.errors import GmbError
from gmb.maps.causalmap import CausalMap
from gmb.maps.schema import strength_ranges
from gmb.maps.segments import without_segments
from gmb.sd.linear import Linearisation, LinearModel
from gmb.sd.spec import ModelSpec, build_spec
from gmb.sd.stability import STABLE, block_growth, spectral_blocks

__all__ = ["press_response", "PressResponse", "linear_press", "LinearPress", "long_run_effects", "LongRun",
           "push_input", "sample_weight_matrices", "DETERMINACY", "WEIGHTS"]

DETERMINACY = 0.8
"""The share of samples from which a direction counts as determined ('up' or 'down')."""

WEIGHTS = ("uniform", "strengths")
"""How link magnitudes are drawn: ``uniform`` on (0, 1) as in QPress, or ``strengths``: uniform within
each link's strength class, between the midpoints to the neighbouring classes of the map's numbers
(as ``gmb leverage`` draws them); a strength given as a number, and a flow link without one, are held fixed."""

_BATCH = 256


@dataclass
class LinearPress:
    """``matrix[i, j]``: the long-run change of ``variables[i]`` under a push of 1 on ``variables[j]``
    (:func:`push_input`); None, with the ``reason``, when the model does not settle."""

    variables: tuple[str, ...]
    matrix: np.ndarray | None
    reason: str = ""

    @property
    def stable(self) -> bool:
        return self.matrix is not None

    def effect(self, on: str, push_on: str) -> float | None:
        """The long-run change of ``on`` under a push of 1 on ``push_on`` (ids)."""
        index = {v: i for i, v in enumerate(self.variables)}
        return None if self.matrix is None else float(self.matrix[index[on], index[push_on]])

    def response(self, push: dict[str, float]) -> dict[str, float | None]:
        """The long-run change of every variable under pushes ``{id: amount}``."""
        if self.matrix is None:
            return dict.fromkeys(self.variables)
        index = {v: i for i, v in enumerate(self.variables)}
        u = np.zeros(len(self.variables))
        for var, amount in push.items():
            u[index[var]] = amount
        return dict(zip(self.variables, (self.matrix @ u).tolist()))


@dataclass(frozen=True)
class LongRun:
    """Per push, the outcome's long-run change (its units); ``effects`` None, with the ``reason``,
    when the outcome does not settle."""

    effects: list[float] | None
    reason: str = ""


@dataclass
class PressResponse:
    """Per pushed variable (file order, the outcome left out): ``id``, ``rises`` and ``falls`` (shares
    of the stable samples; ``None`` if it has no path to the outcome or no sample was stable) and
    ``direction`` (``up``, ``down``, ``uncertain`` or ``no path``)."""

    outcome: str
    samples: int
    stable: int
    seed: int | None
    unknown_links: int
    variables: list[dict]
    weights: str = "uniform"


def push_input(spec: ModelSpec, var: str) -> tuple[Hashable, float]:
    """The model input a push on ``var`` moves (:mod:`gmb.sd.linear`), and by how much per unit of push
    (see the module notes)."""
    v = spec.variables[var]
    start = abs(v.initial) or 1.0
    return {"index": (v.params.get("push"), 1.0), "action": (v.params.get("level"), 1.0),
            "constant": (v.params.get("value"), abs(v.initial)), "stock": (("inflow", var), start),
            "equation": (("shift", var), start)}[v.kind]


def long_run_effects(spec: ModelSpec, outcome: str, pushes: Sequence[Mapping[str, float]],
                     settings: Mapping[str, float] | None = None,
                     adjust_times: Mapping[str, float] | None = None) -> LongRun:
    """The outcome's long-run change under each push ``{variable id: amount}`` (a leverage candidate's
    ``press``), for the model constants ``settings`` (default: the map's own; numbers); the pushes
    are sustained from the start (their start and ramp constants are taken as 0)."""
    if outcome not in spec.variables:
        raise GmbError(f"unknown outcome {outcome!r}; give a variable id of the model")
    unknown = [var for push in pushes for var in push if var not in spec.variables]
    if unknown:
        raise GmbError(f"unknown variable {unknown[0]!r} to push; give variable ids of the model")
    pushed = list(dict.fromkeys(var for push in pushes for var in push))
    settings = dict(settings or {}) | {spec.variables[var].params[role]: 0.0 for var in pushed
                                       for role in ("push_start", "push_ramp", "start", "ramp")
                                       if role in spec.variables[var].params}
    inputs = [push_input(spec, var) for var in pushed]
    lin = LinearModel(spec).at(settings, adjust_times, [key for key, _ in inputs], [outcome])
    if lin.A.ndim > 2:
        raise GmbError("long_run_effects takes settings as numbers, one model at a time")
    run = _long_run(lin)
    if not run.settles[0]:
        return LongRun(None, run.reason)
    per_unit = {var: run.response[0, 0, j] * scale for j, (var, (_, scale)) in enumerate(zip(pushed, inputs))}
    return LongRun([float(sum(amount * per_unit[var] for var, amount in push.items())) for push in pushes])


def linear_press(cmap: CausalMap, weights: dict[tuple[str, str], float] | None = None) -> LinearPress:
    """The long-run change of every variable under a push on each, for fixed link weights: the map's
    strengths (names standing for :attr:`CausalMap.strength_numbers`), or ``weights[(from, to)]``
    (magnitudes; the sign is the link's) for the links given."""
    spec = build_spec(cmap)
    params = {(link.source, link.target): link.param for link in spec.links}
    settings = {}
    for (u, v), weight in (weights or {}).items():
        if (u, v) not in params:
            raise GmbError(f"link {u} → {v} is not in the model (no such link, polarity ?, or into an action, "
                           "constant or equation)")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
            raise GmbError(f"link {u} → {v}: weight {weight!r} must be a number ≥ 0")
        settings[params[(u, v)]] = float(weight)
    variables = list(spec.variables)
    inputs = [push_input(spec, var) for var in variables]
    run = _long_run(LinearModel(spec).at(settings, None, [key for key, _ in inputs], variables))
    if not run.settles[0]:
        return LinearPress(tuple(variables), None, run.reason)
    return LinearPress(tuple(variables), run.response[0] * np.array([scale for _, scale in inputs]))


@dataclass
class _Settled:
    """Per sample: whether the outputs settle, their long-run change per unit of each input (NaN where
    they do not), and which inputs reach an output at all."""

    settles: np.ndarray
    response: np.ndarray
    reaches: np.ndarray
    reason: str


def _long_run(lin: Linearisation) -> _Settled:
    """``D - C A^-1 B`` over the states the outputs depend on, where the model settles."""
    a, b, c, d = (m if lin.A.ndim == 3 else m[None] for m in (lin.A, lin.B, lin.C, lin.D))
    pattern = np.any(a != 0, axis=0)
    relevant = np.any(c != 0, axis=(0, 1))
    while True:  # the states the outputs read, and every state upstream of them
        grown = relevant | np.any(pattern[relevant], axis=0)
        if (grown == relevant).all():
            break
        relevant = grown
    blocks = spectral_blocks(a)
    growth = block_growth(a, blocks)
    inside = np.array([bool(relevant[rows[0]]) for rows in blocks], dtype=bool)
    whole = growth.max(axis=-1, initial=-np.inf) <= STABLE
    settles = whole & (growth[:, inside].max(axis=-1, initial=-np.inf) < -STABLE)
    rows = np.flatnonzero(relevant)
    response = np.full(d.shape, np.nan)
    if settles.any():
        a_r, b_r, c_r = a[settles][:, rows[:, None], rows], b[settles][:, rows], c[settles][:, :, rows]
        response[settles] = d[settles] - c_r @ np.linalg.solve(a_r, b_r)
    reaches = np.any(d != 0, axis=(0, 1)) | np.any(b[:, rows] != 0, axis=(0, 1))
    reason = "" if settles.all() else (
        "the model is unstable: a loop runs away, or a delayed loop overshoots more each time round"
        if not whole.all() else "the outcome has no long-run level: a stock on its way accumulates without end, "
        "or a loop exactly cancels the variables' self-regulation")
    return _Settled(settles, response, reaches, reason)


def sample_weight_matrices(cmap: CausalMap, samples: int, seed: int | None = None,
                           weights: str = "uniform") -> Iterator[np.ndarray]:
    """Weight matrices (in batches of up to 256) with the map's signs and magnitudes drawn as
    ``weights`` says (:data:`WEIGHTS`); each ``?`` link gets a random sign per sample. The same seed
    gives the same matrices."""
    analysis_graph(cmap)
    low, high = _magnitude_ranges(cmap, weights)
    index = {v: i for i, v in enumerate(cmap.variables)}
    links = [(index[v], index[u], link_sign(attrs)) for u, v, attrs in cmap.links()]
    rows = np.array([r for r, _, _ in links], dtype=int)
    cols = np.array([c for _, c, _ in links], dtype=int)
    signs = np.array([{"+": 1.0, "-": -1.0, "?": 0.0}[s] for _, _, s in links])
    unknown = signs == 0
    rng = np.random.default_rng(seed)
    for start in range(0, samples, _BATCH):
        size = min(_BATCH, samples - start)
        magnitudes = low + (high - low) * rng.random((size, len(links)))
        drawn = np.tile(signs, (size, 1))
        drawn[:, unknown] = rng.choice([-1.0, 1.0], (size, int(unknown.sum())))
        w = np.zeros((size, len(index), len(index)))
        w[:, rows, cols] = magnitudes * drawn
        yield w


def press_response(cmap: CausalMap, outcome: str | None = None, samples: int = 1000,
                   seed: int | None = None, weights: str = "uniform") -> PressResponse:
    """For a sustained push on each variable, the share of stable weight samples (drawn as
    ``weights`` says, :data:`WEIGHTS`) in which ``outcome`` (id or label; default: the map's first
    outcome) rises in the long run. The map's groups of children (segments) are not told apart: the
    directions are those of its structure."""
    graph = analysis_graph(cmap)
    if outcome is None:
        if not cmap.outcome:
            raise GmbError("the map has no outcome; name one with --outcome, or set it with 'gmb outcome MAP VAR'")
        outcome = cmap.outcome[0]
    target = resolve_variable(cmap, outcome, "outcome")
    if graph.in_degree(target) == 0:
        raise GmbError(f"outcome {target!r} has no causes (no link leads into it), so no push elsewhere can "
                       "move it; add links into it or choose another outcome")
    if samples < 1:
        raise GmbError(f"the number of samples must be at least 1, not {samples}")
    spec = build_spec(without_segments(cmap), unknown_links="include")  # the map's structure, one population
    index = {v: i for i, v in enumerate(cmap.variables)}
    links = [(link.param, index[link.target], index[link.source], link.sign, link.flow) for link in spec.links]
    pushed = [var for var in cmap.variables if var != target]
    inputs = [push_input(spec, var)[0] for var in pushed]
    model = LinearModel(spec)
    rises, falls, stable, reaches = np.zeros(len(pushed)), np.zeros(len(pushed)), 0, np.zeros(len(pushed), bool)
    for w in sample_weight_matrices(cmap, samples, seed, weights):
        drawn = {param: np.abs(w[:, r, c]) if flow else sign * w[:, r, c] for param, r, c, sign, flow in links}
        run = _long_run(model.at(drawn, inputs=inputs, outputs=[target]))
        row = run.response[run.settles, 0, :]
        small = 1e-12 * np.abs(row).max(axis=1, keepdims=True, initial=0.0)
        rises += (row > small).sum(axis=0)
        falls += (row < -small).sum(axis=0)
        stable += int(run.settles.sum())
        reaches |= run.reaches
    rows = []
    for i, var in enumerate(pushed):
        if not reaches[i]:
            rows.append({"id": var, "rises": None, "falls": None, "direction": "no path"})
        elif not stable:
            rows.append({"id": var, "rises": None, "falls": None, "direction": "uncertain"})
        else:
            up, down = rises[i] / stable, falls[i] / stable
            direction = "up" if up >= DETERMINACY else "down" if down >= DETERMINACY else "uncertain"
            rows.append({"id": var, "rises": float(up), "falls": float(down), "direction": direction})
    unknown = sum(1 for _, _, attrs in cmap.links() if link_sign(attrs) == "?")
    return PressResponse(target, samples, stable, seed, unknown, rows, weights)


def _magnitude_ranges(cmap: CausalMap, weights: str) -> tuple[np.ndarray, np.ndarray]:
    """Per link (map order), the range its magnitude is drawn from."""
    if weights not in WEIGHTS:
        raise GmbError(f"unknown weights {weights!r}; use one of {', '.join(WEIGHTS)}")
    links = list(cmap.links())
    if weights == "uniform":
        return np.zeros(len(links)), np.ones(len(links))

    classes = strength_ranges(cmap.strength_numbers)
    named = [1.0 if attrs.get("strength") is None and attrs.get("flow") else attrs.get("strength")
             for _, _, attrs in links]  # a flow link without a strength carries its cause × 1, as in the model
    ranges = [classes[s or "medium"] if s is None or isinstance(s, str) else (float(s), float(s)) for s in named]
    return np.array([lo for lo, _ in ranges]), np.array([hi for _, hi in ranges])
