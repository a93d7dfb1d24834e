"""The press response: which way the outcome moves, in the long run, under a sustained push.

Levins' loop analysis, sampled as in QPress (Melbourne-Thomas et al. 2012): the map is a linear
system ``dx/dt = (W - I) x + u``, where ``W[i, j]`` is the weight of the link from variable ``j``
to variable ``i`` (its sign times its strength) and ``-I`` lets every variable settle back towards
its level (self-regulation). If the system is stable (every eigenvalue of ``W - I`` has a
negative real part), a sustained push ``u`` moves it to a new level ``x = -(W - I)^-1 u``.

Link strengths are rarely known, so :func:`press_response` samples them: magnitudes uniform on
(0, 1) (or, with ``weights="strengths"``, within each link's strength class), signs from the map (a ``?`` link gets a random sign each sample), keeps the stable samples
and reports for each pushed variable the share in which the outcome rises. A share of at least
0.8 either way is called a determined direction (Dambacher et al. 2002's sign determinacy).
:func:`linear_press` is the exact response for fixed weights (strength names weak / medium /
strong taken as the numbers the simulation uses: the map's ``strengths:``, else 0.25 / 0.5 / 0.75),
the long-run answer of the default simulation model.

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
>>> result = press_response(cmap, "mental_health", samples=200, seed=1)
>>> result.stable, result.variables[0]["rises"]
(200, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import networkx as nx
import numpy as np

from gmb.analysis.signed import analysis_graph, link_sign, resolve_variable
from gmb.errors import GmbError
from gmb.maps.causalmap import CausalMap
from gmb.maps.schema import strength_ranges

__all__ = ["press_response", "PressResponse", "linear_press", "LinearPress", "weight_matrix",
           "sample_weight_matrices", "press_matrices", "DETERMINACY", "WEIGHTS"]

DETERMINACY = 0.8
"""The share of samples from which a direction counts as determined ('up' or 'down')."""

WEIGHTS = ("uniform", "strengths")
"""How link magnitudes are drawn: ``uniform`` on (0, 1) as in QPress, or ``strengths``: uniform within
each link's strength class, between the midpoints to the neighbouring classes of the map's numbers
(as ``gmb leverage`` draws them); a strength given as a number is held fixed."""

_BATCH = 256


@dataclass
class LinearPress:
    """``matrix[i, j]``: the long-run change of ``variables[i]`` under a unit sustained push on ``variables[j]``."""

    variables: tuple[str, ...]
    matrix: np.ndarray
    stable: bool

    def effect(self, on: str, push_on: str) -> float:
        """The long-run change of ``on`` under a unit push on ``push_on`` (ids)."""
        index = {v: i for i, v in enumerate(self.variables)}
        return float(self.matrix[index[on], index[push_on]])

    def response(self, push: dict[str, float]) -> dict[str, float]:
        """The long-run change of every variable under pushes ``{id: amount}``."""
        index = {v: i for i, v in enumerate(self.variables)}
        u = np.zeros(len(self.variables))
        for var, amount in push.items():
            u[index[var]] = amount
        return dict(zip(self.variables, (self.matrix @ u).tolist()))


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


def weight_matrix(cmap: CausalMap, weights: dict[tuple[str, str], float] | None = None) -> np.ndarray:
    """``W[i, j]``: sign times weight of the link from variable ``j`` to ``i`` (variables in file order).

    A link's weight is ``weights[(from, to)]`` if given, else its strength (a number, or a name
    standing for :attr:`CausalMap.strength_numbers`), else medium. A ``?`` link has no sign: an error.
    """
    analysis_graph(cmap)
    weights, numbers = weights or {}, cmap.strength_numbers
    index = {v: i for i, v in enumerate(cmap.variables)}
    matrix = np.zeros((len(index), len(index)))
    for u, v, attrs in cmap.links():
        sign = link_sign(attrs)
        if sign == "?":
            raise GmbError(f"link {u} → {v} has no agreed polarity (?); set it with "
                           f"'gmb link set MAP {u} {v} polarity=+' (or -) first")
        strength = weights.get((u, v), attrs.get("strength"))
        strength = "medium" if strength is None else strength
        weight = numbers.get(strength, strength) if isinstance(strength, str) else strength
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
            raise GmbError(f"link {u} → {v}: strength {strength!r} must be weak, medium, strong or a number ≥ 0")
        matrix[index[v], index[u]] = weight if sign == "+" else -weight
    return matrix


def linear_press(cmap: CausalMap, weights: dict[tuple[str, str], float] | None = None) -> LinearPress:
    """The exact press response ``-(W - I)^-1`` for fixed link weights (see :func:`weight_matrix`).

    ``stable`` is false when a reinforcing loop runs away; the matrix is then not where the system
    goes. A matrix that cannot be inverted (loops exactly cancelling self-regulation) is an error.
    """
    w = weight_matrix(cmap, weights)
    stable, responses = press_matrices(w[None])
    if not stable[0]:
        try:
            responses = -np.linalg.inv(w - np.eye(len(w)))[None]
        except np.linalg.LinAlgError:
            raise GmbError("the map's loops exactly cancel its self-regulation (W - I is singular), so a "
                           "push has no long-run level; change a link's strength") from None
    return LinearPress(tuple(cmap.variables), responses[0], bool(stable[0]))


def press_matrices(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For weight matrices ``w`` (shape K × n × n): which are stable, and ``-(W - I)^-1`` for each
    (NaN where unstable)."""
    community = w - np.eye(w.shape[-1])
    stable = np.linalg.eigvals(community).real.max(axis=-1, initial=-np.inf) < 0
    responses = np.full(w.shape, np.nan)
    if stable.any():
        responses[stable] = -np.linalg.inv(community[stable])
    return stable, responses


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
    outcome) rises in the long run."""
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
    variables = cmap.variables
    at = variables.index(target)
    rises, falls, stable = np.zeros(len(variables)), np.zeros(len(variables)), 0
    for w in sample_weight_matrices(cmap, samples, seed, weights):
        kept, responses = press_matrices(w)
        row = responses[kept, at, :]
        rises += (row > 0).sum(axis=0)
        falls += (row < 0).sum(axis=0)
        stable += int(kept.sum())
    causes = nx.ancestors(graph, target)
    rows = []
    for i, var in enumerate(variables):
        if var == target:
            continue
        if var not in causes:
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
    named = [attrs.get("strength") for _, _, attrs in links]
    ranges = [classes[s or "medium"] if s is None or isinstance(s, str) else (float(s), float(s)) for s in named]
    return np.array([lo for lo, _ in ranges]), np.array([hi for _, hi in ranges])
