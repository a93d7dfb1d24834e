"""Will the model settle, or does a loop run away? An eigenvalue check before simulating.

Around the start state (the baseline equilibrium) and below the bounds, the model moves as its
linearisation ``dz/dt = A z`` (:mod:`gmb.sd.linear`): every index variable with its adjust time,
every ``kind: stock`` with its flows, ``equation:`` variables through the chain rule, and the three
stages of each delay. If an eigenvalue of A has a positive real part, a push grows without end
until values hit their bounds: a reinforcing loop runs away, or a balancing loop with delays
overshoots more each time round.

For a stack of matrices (Monte Carlo samples) :func:`unstable_samples` gives the same verdict as
``max Re eigvals > STABLE`` per matrix, but clears most matrices without eigenvalues (about 10 ms
each for a 181-state block): each strongly connected block gets two *sufficient* tests first (the
comparison matrix, then a diagonal Lyapunov function; see :func:`comparison_certified` and
:func:`lyapunov_certified`), and only the blocks neither clears get their eigenvalues. A cleared
block is stable with a margin far above the rounding of an eigenvalue routine, so the verdict is the
one the eigenvalues would give.

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

__all__ = ["Stability", "check_stability", "spectral_blocks", "block_growth", "unstable_samples", "entry_blocks",
           "unstable_entries", "comparison_certified", "lyapunov_certified", "STABLE"]

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


def unstable_samples(a: np.ndarray, blocks: list[np.ndarray]) -> np.ndarray:
    """Per matrix of ``a`` (K × n × n): an eigenvalue's real part above STABLE, block by block (the
    ``blocks`` of :func:`spectral_blocks` for a pattern that holds every matrix's entries). Each
    verdict depends on its own matrix alone.

    >>> a = np.array([[[-1.0, 0.0], [3.0, -1.0]], [[-1.0, 3.0], [3.0, -1.0]], [[-1.0, 3.0], [-3.0, -1.0]]])
    >>> unstable_samples(a, spectral_blocks(a)).tolist(), (np.linalg.eigvals(a).real.max(-1) > STABLE).tolist()
    ([False, True, False], [False, True, False])
    """
    unstable = np.zeros(len(a), bool)
    flat, n = a.reshape(len(a), -1), a.shape[-1]
    widest = np.any(a != 0, axis=0)
    for rows in blocks:
        open_ = np.flatnonzero(~unstable)  # a sample found unstable needs no more blocks
        if len(rows) == 1:
            unstable[open_] = a[open_, rows[0], rows[0]] > STABLE
            continue
        into, out_of = np.nonzero(widest[np.ix_(rows, rows)] & ~np.eye(len(rows), dtype=bool))
        diagonal = -flat[open_[:, None], rows * (n + 1)]           # the comparison test needs no dense block
        sizes = np.abs(flat[open_[:, None], rows[into] * n + rows[out_of]])
        doubt = ~_comparison(diagonal, sizes, into, out_of, len(rows))
        if doubt.any():
            block = flat[open_[doubt][:, None], (rows[:, None] * n + rows).ravel()].reshape(-1, len(rows), len(rows))
            left = ~lyapunov_certified(block)
            doubt[doubt] = left
            if left.any():
                unstable[open_[doubt]] = np.linalg.eigvals(block[left]).real.max(axis=-1) > STABLE
    return unstable


def entry_blocks(rows: np.ndarray, columns: np.ndarray, n: int) -> list[np.ndarray]:
    """:func:`spectral_blocks` of the n × n pattern with entries at (``rows``, ``columns``).

    >>> [block.tolist() for block in entry_blocks(np.array([1, 2, 1]), np.array([0, 1, 2]), 3)]
    [[0], [1, 2]]
    """
    pattern = np.zeros((n, n))
    pattern[rows, columns] = 1.0
    return spectral_blocks(pattern)


def unstable_entries(rows: np.ndarray, columns: np.ndarray, values: np.ndarray, n: int,
                     blocks: list[np.ndarray]) -> np.ndarray:
    """:func:`unstable_samples` of the n × n matrices with ``values`` (K × entries) at (``rows``,
    ``columns``), each block a dense stack of the samples still open (never a dense K × n × n stack);
    ``blocks`` as :func:`entry_blocks` gives them for these entries (or a pattern holding them).

    >>> rows, columns = np.array([0, 1, 1, 0]), np.array([0, 1, 0, 1])
    >>> unstable_entries(rows, columns, np.array([[-1.0, -1.0, 3.0, 3.0], [-1.0, -1.0, 3.0, -3.0]]), 2,
    ...                  entry_blocks(rows, columns, 2)).tolist()
    [True, False]
    """
    unstable = np.zeros(len(values), bool)
    for block in blocks:
        open_ = np.flatnonzero(~unstable)  # a sample found unstable needs no more blocks
        if not len(open_):
            break
        where = np.full(n, -1)
        where[block] = np.arange(len(block))
        inside = (where[rows] >= 0) & (where[columns] >= 0)
        stack = np.zeros((len(open_), len(block), len(block)))
        stack[:, where[rows[inside]], where[columns[inside]]] = values[open_][:, inside]
        unstable[open_] = unstable_samples(stack, [np.arange(len(block))])
    return unstable


def comparison_certified(a: np.ndarray, iterations: int = 60) -> np.ndarray:
    """Per matrix of the stack: stable by the comparison-matrix test (True), or not shown so (False).

    The comparison matrix M = −Δ + O (Δ the diagonal's sizes, O ≥ 0 the other entries' sizes) bounds
    A's growth, ``max Re λ(A) ≤ max Re λ(M)``, and is stable iff x ← Δ⁻¹(1 + O x) converges; every
    iterate is > 0, and one with M x < 0 proves it. Only the entries of ``a``'s pattern are touched
    (a few per row), no LAPACK call. It cannot see that a balancing loop is balancing.

    >>> comparison_certified(np.array([[[-1.0, 0.5], [-0.5, -1.0]], [[-1.0, 2.0], [-1.0, -1.0]]])).tolist()
    [True, False]
    """
    n = a.shape[-1]
    rows, cols = np.nonzero(np.any(a != 0, axis=0) & ~np.eye(n, dtype=bool))
    return _comparison(-np.diagonal(a, axis1=1, axis2=2), np.abs(a[:, rows, cols]), rows, cols, n, iterations)


def _comparison(diagonal: np.ndarray, sizes: np.ndarray, rows: np.ndarray, cols: np.ndarray, n: int,
                iterations: int = 60) -> np.ndarray:
    """:func:`comparison_certified` of the matrices with ``-diagonal`` and other entries of ``sizes``
    at (``rows``, ``cols``)."""
    spread = _sparse(sizes, rows, cols, n)
    done = np.zeros(len(diagonal), bool)
    active = np.flatnonzero((diagonal > 0).all(axis=1))     # shrinks as samples are cleared, each on its own
    with np.errstate(all="ignore"):
        x = 1.0 / diagonal[active]
        for step in range(iterations):
            x = (1.0 + spread(x, active)) / diagonal[active]
            if step % 10 == 9 or step == iterations - 1:
                ox, dx = spread(x, active), diagonal[active] * x
                cleared = ((x > 0) & np.isfinite(x) & (ox - dx < -1e-9 * (ox + dx))).all(axis=1)
                done[active[cleared]] = True
                keep = ~cleared & np.isfinite(x).any(axis=1)
                active, x = active[keep], x[keep]
                if not len(active):
                    break
    return done


def lyapunov_certified(a: np.ndarray, iterations: int = 50) -> np.ndarray:
    """Per matrix of the stack: stable by a diagonal Lyapunov function (True), or not shown so (False).

    With Δ the diagonal's sizes (all > 0) and W = Δ⁻¹·(A's other entries), A = Δ(W − I). Take x and
    y, the right and left Perron vectors of |W| (power iteration on I + |W|), and P = diag(y / (x Δ)):
    if P A + Aᵀ P is negative definite (one Cholesky), A is stable. Unlike the comparison matrix this
    lets a balancing pair of links cancel, and it clears every matrix the comparison test clears
    once x and y have converged. The Cholesky is asked for a margin of ``2e-8·√κ(P)·‖A‖_F``: then
    A + E is stable for every ‖E‖ ≤ 1e-8 ‖A‖_F, far above an eigenvalue routine's rounding.

    >>> lyapunov_certified(np.array([[[-1.0, 3.0], [-3.0, -1.0]], [[-1.0, 3.0], [3.0, -1.0]]])).tolist()
    [True, False]
    """
    size, n = a.shape[0], a.shape[-1]
    done = np.zeros(size, bool)
    diagonal = -np.diagonal(a, axis1=1, axis2=2)
    fit = np.flatnonzero((diagonal > 0).all(axis=1) & np.isfinite(a).all(axis=(1, 2)))
    if not len(fit):
        return done
    a, diagonal = a[fit], diagonal[fit]
    rows, cols = np.nonzero(np.any(a != 0, axis=0) & ~np.eye(n, dtype=bool))
    sizes = np.abs(a[:, rows, cols]) / diagonal[:, rows]
    right, left = _sparse(sizes, rows, cols, n), _sparse(sizes, cols, rows, n)
    x, y = np.ones((len(a), n)), np.ones((len(a), n))
    for _ in range(iterations):
        x, y = x + right(x), y + left(y)
        x, y = x / x.max(axis=1, keepdims=True), y / y.max(axis=1, keepdims=True)
    p = np.maximum(y, 1e-6) / (np.maximum(x, 1e-6) * diagonal)
    root = np.sqrt(p)
    b = root[:, :, None] * a / root[:, None, :]                      # P^½ A P^-½
    negative = b + b.transpose(0, 2, 1)
    np.negative(negative, out=negative)
    margin = 2e-8 * np.sqrt(p.max(axis=1) / p.min(axis=1)) * np.sqrt((a * a).sum(axis=(1, 2)))
    negative[:, np.arange(n), np.arange(n)] -= margin[:, None]
    for k in range(len(a)):
        try:
            np.linalg.cholesky(negative[k])
            done[fit[k]] = True
        except np.linalg.LinAlgError:
            pass
    return done


def _sparse(sizes: np.ndarray, to: np.ndarray, source: np.ndarray, n: int):
    """``(x, which) ↦ S x`` for the samples ``which`` (all by default), S the n × n matrices with
    ``sizes`` (K × entries) at (``to``, ``source``)."""
    order = np.argsort(to, kind="stable")
    to, source, sizes = to[order], source[order], sizes[:, order]
    starts = np.flatnonzero(np.r_[True, to[1:] != to[:-1]]) if len(to) else np.empty(0, np.intp)
    present = to[starts]

    def product(x: np.ndarray, which: np.ndarray | None = None) -> np.ndarray:
        out = np.zeros((len(x), n))
        if len(to):
            out[:, present] = np.add.reduceat((sizes if which is None else sizes[which]) * x[:, source], starts, axis=1)
        return out
    return product
