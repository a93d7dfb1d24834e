"""The gap between groups of children: each segment's value, the population average, the gap and the ratio.

A higher outcome is better (as in the leverage ranking), so the **best-off** segment has the highest
value and the **worst-off** the lowest. The **gap** is best-off minus worst-off (absolute, in the
outcome's units), the **ratio** best-off / worst-off (1: no difference). A scenario **narrows** the
gap when its gap at the horizon is smaller than the baseline's. The average is the population-weighted
one, the outcome's own value in the model (:mod:`gmb.maps.segments`).

Example
-------
>>> values = {"exposed": np.array([0.85, 0.9]), "others": np.array([1.0, 1.02])}
>>> gap(values).round(6).tolist(), ratio(values).round(4).tolist()
([0.15, 0.12], [1.1765, 1.1333])
>>> row = gap_row({"exposed": 0.9, "others": 1.02}, {"exposed": 0.85, "others": 1.0}, {"exposed": 0.2, "others": 0.8})
>>> round(row["gap"], 6), round(row["gap_change"], 6), row["narrows"], round(row["average"], 6)
(0.12, -0.03, True, 0.996)
"""

from __future__ import annotations

import numpy as np

__all__ = ["gap", "ratio", "gap_row", "GAP_TOLERANCE"]

GAP_TOLERANCE = 1e-12
"""A change of the gap smaller than this (relative to the outcome's size) is no change."""


def gap(values: dict[str, np.ndarray]) -> np.ndarray:
    """Best-off minus worst-off, element by element, over the segments' arrays."""
    stacked = np.stack([np.asarray(v, dtype=float) for v in values.values()])
    return stacked.max(axis=0) - stacked.min(axis=0)


def ratio(values: dict[str, np.ndarray]) -> np.ndarray:
    """Best-off / worst-off, element by element (NaN where the worst-off is not above 0)."""
    stacked = np.stack([np.asarray(v, dtype=float) for v in values.values()])
    low = stacked.min(axis=0)
    return np.divide(stacked.max(axis=0), low, out=np.full(low.shape, np.nan), where=low > 0)


def gap_row(values: dict[str, float], baseline: dict[str, float], shares: dict[str, float]) -> dict:
    """The gap measures of one scenario at one time against the baseline's: each segment's value,
    ``average``, ``gap``, ``ratio``, their ``*_change`` and whether it ``narrows`` / ``widens`` the gap."""
    now = {s: np.array([v]) for s, v in values.items()}
    then = {s: np.array([v]) for s, v in baseline.items()}
    row = {"segments": dict(values), "average": float(sum(shares[s] * v for s, v in values.items())),
           "gap": float(gap(now)[0]), "ratio": float(ratio(now)[0]),
           "baseline_gap": float(gap(then)[0]), "baseline_ratio": float(ratio(then)[0])}
    size = max(abs(v) for v in values.values()) or 1.0
    row["gap_change"] = _snap(row["gap"] - row["baseline_gap"], size)
    row["ratio_change"] = _snap(row["ratio"] - row["baseline_ratio"], abs(row["ratio"]))
    row["narrows"] = bool(row["gap_change"] < -GAP_TOLERANCE * size)
    row["widens"] = bool(row["gap_change"] > GAP_TOLERANCE * size)
    return row


def _snap(change: float, size: float) -> float:
    """``change``, or 0 where it is rounding (below :data:`GAP_TOLERANCE` of ``size``)."""
    return 0.0 if abs(change) <= GAP_TOLERANCE * max(size, 1e-300) else change
