"""Whether colours stay apart for readers with red-green colour blindness.

Each colour is seen as with protanopia and deuteranopia (Machado, Oliveira & Fernandes 2009, full
severity, applied in linear sRGB) and with normal vision, and two colours *look alike* when their CIELAB
distance (ΔE*76) is under :data:`APART` in any of the three. Published colour-blind-safe palettes (Okabe and
Ito's, Paul Tol's) keep their six main colours at least ~16 apart this way; the first colours of
:data:`gmb.render.style.THEME_PALETTE` keep at least ``APART``.

Example
-------
>>> look_alike({"food": "#d1495b", "family": "#8d6e63", "sport": "#0072b2"})
[('food', 'family', 'protanopia')]
>>> look_alike({"food": "#d55e00", "family": "#0072b2"})
[]
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

__all__ = ["APART", "VISIONS", "look_alike", "distance"]

APART = 15.0
"""The least ΔE*76 between two theme colours, in every vision, for them to count as told apart."""

VISIONS = {
    "normal vision": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
}
"""Linear-sRGB matrices of each vision (Machado et al. 2009, severity 1)."""

_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
_WHITE = np.array([0.95047, 1.0, 1.08883])


def _linear(color: str) -> np.ndarray:
    srgb = np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    t = _XYZ @ np.clip(linear, 0, 1) / _WHITE
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a: str, b: str, vision: str = "normal vision") -> float:
    """ΔE*76 between two ``#rrggbb`` colours as seen with ``vision`` (a key of :data:`VISIONS`).

    >>> round(distance("#d1495b", "#8d6e63", "protanopia"), 1)
    4.3
    """
    matrix = VISIONS[vision]
    return float(np.linalg.norm(_lab(matrix @ _linear(a)) - _lab(matrix @ _linear(b))))


def look_alike(colors: dict[str, str]) -> list[tuple[str, str, str]]:
    """The pairs of ``colors`` (name → ``#rrggbb``) closer than :data:`APART` in some vision, each once with
    the first vision in which they do: ``(first, second, vision)`` in the order given."""
    found = []
    for (x, a), (y, b) in combinations(colors.items(), 2):
        vision = next((v for v in VISIONS if distance(a, b, v) < APART), None)
        if vision:
            found.append((x, y, vision))
    return found
