"""How often one candidate has more effect than another: the pairwise table of a leverage run.

A working group does not ask for a median; it asks "is A better than B?". For the top candidates
of the default ranking (:func:`top_ids`: the first five of the first group shown, the actions when
the map has any), :func:`pairwise` counts, over the samples the run kept, how often A's effect is
larger than B's, each pushed the way the ranking says (its ``direction``). Both are run on the same
version of the map in each sample, so this is a paired comparison: the uncertainty the two share
(e.g. the link from a common cause to the outcome) does not blur it. Effects within
:data:`TIE_TOLERANCE` of each other (relative) count as ties, so P(A > B) + P(B > A) + P(tie) = 1.

Example
-------
>>> import numpy as np
>>> from gmb.leverage.results import Candidate, Effects, Leverage
>>> effects = Effects(final=np.array([[0.3, -0.1], [0.1, -0.2], [0.4, -0.3], [0.5, -0.1]]), auc=np.zeros((4, 2)))
>>> result = Leverage("mood", [Candidate("sport", "Sport", (), kind="action"),
...                            Candidate("screens", "Screens", (), kind="action")], effects, [None, None],
...                   samples=4, seed=1, horizon=12, dt=0.5, push=0.1, structure=False, warnings=[], notes=[])
>>> table = pairwise(result)
>>> table.ids, table.more.tolist()              # sport beats fewer screens in 3 of the 4 samples
(['sport', 'screens'], [[0.0, 0.75], [0.25, 0.0]])
>>> table.rows()[0]["p_a_more"], table.rows()[0]["p_tie"]
(0.75, 0.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from gmb.errors import GmbError
from gmb.leverage.results import Leverage

__all__ = ["pairwise", "beats", "top_ids", "Pairwise", "TOP", "TIE_TOLERANCE"]

TOP = 5
"""Candidates in the pairwise table (and in the sensitivity screening) by default."""
TIE_TOLERANCE = 1e-12
"""Two effects closer than this share of the larger one count as a tie."""


@dataclass
class Pairwise:
    """``more[a, b]``: the share of samples in which candidate ``a`` has more effect than ``b``
    (each pushed in its ``direction``); ``ties[a, b]``: the share in which they are equal."""

    ids: list[str]
    labels: list
    directions: list[str]
    more: np.ndarray
    ties: np.ndarray
    samples: int

    def rows(self) -> list[dict]:
        """One row per ordered pair (a before b in the ranking): ``p_a_more``, ``p_b_more``, ``p_tie``."""
        return [{"a": self.ids[a], "b": self.ids[b], "a_direction": self.directions[a],
                 "b_direction": self.directions[b], "p_a_more": float(self.more[a, b]),
                 "p_b_more": float(self.more[b, a]), "p_tie": float(self.ties[a, b]), "samples": self.samples}
                for a in range(len(self.ids)) for b in range(a + 1, len(self.ids))]


def beats(effects: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ``effects`` (samples × candidates, larger is better): the share of samples in which the
    row's candidate is larger than the column's, and the share in which they tie.

    >>> more, ties = beats(np.array([[2.0, 1.0, 1.0], [3.0, 1.0, 1.0]]))
    >>> more.tolist(), float(ties[1, 2])
    ([[0.0, 1.0, 1.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], 1.0)
    """
    if effects.ndim != 2 or not len(effects):
        raise GmbError("the pairwise table needs at least one sample of effects")
    a, b = effects[:, :, None], effects[:, None, :]
    tied = np.abs(a - b) <= TIE_TOLERANCE * np.maximum(np.abs(a), np.abs(b))
    more = ((a > b) & ~tied).mean(axis=0)
    ties = tied.mean(axis=0)
    np.fill_diagonal(more, 0.0)
    np.fill_diagonal(ties, 0.0)
    return more, ties


def top_ids(rows: Sequence[dict], top: int = TOP) -> list[str]:
    """The first ``top`` ids of a ranked table (:meth:`Leverage.table`) in its first group, or, if
    that group has only one member, over all groups by size (``magnitude_rank``).

    >>> top_ids([{"id": "a", "group": "action", "magnitude_rank": 3}, {"id": "x", "group": "state",
    ...           "magnitude_rank": 1}, {"id": "y", "group": "state", "magnitude_rank": 2}])
    ['x', 'y', 'a']
    """
    first = [row["id"] for row in rows if row["group"] == rows[0]["group"]] if rows else []
    if len(first) > 1:
        return first[:top]
    return [row["id"] for row in sorted(rows, key=lambda row: row["magnitude_rank"])][:top]


def pairwise(result: Leverage, ids: Sequence[str] | None = None, top: int = TOP, measure: str = "final") -> Pairwise:
    """The pairwise table of ``result`` for ``ids`` (default: :func:`top_ids` of its ranking), by ``measure``."""
    rows = {row["id"]: row for row in result.table(measure)}
    ids = list(ids) if ids is not None else top_ids(list(rows.values()), top)
    unknown = [i for i in ids if i not in rows]
    if unknown:
        raise GmbError(f"no candidate {unknown[0]!r} in this leverage run")
    columns = [[c.id for c in result.candidates].index(i) for i in ids]
    signs = np.array([-1.0 if rows[i]["direction"] == "decrease" else 1.0 for i in ids])
    more, ties = beats(result.effects.measure(measure)[:, columns] * signs)
    return Pairwise(ids, [rows[i]["label"] for i in ids], [rows[i]["direction"] for i in ids], more, ties,
                    len(result.effects.final))
