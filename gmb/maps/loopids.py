"""Stable ids of feedback loops: the same id whatever else in the map changes.

A loop's id comes from its canonical rotation (the one that starts at the smallest variable id):
``L<length>-<10 hex digits of a hash>``. Names and stories a facilitator gives a loop are stored
under this id in the map's ``loops:`` section, so they stay with the loop.

Example
-------
>>> loop_id(["sleep", "screen_time"])
'L2-2892a232e2'
>>> LOOP_ID.fullmatch(loop_id(["a", "b", "c"])).group(1)
'3'
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["loop_id", "LOOP_ID"]

LOOP_ID = re.compile(r"L(\d+)-[0-9a-f]{10}")
"""What a loop id looks like; group 1 is the loop's length."""


def loop_id(variables) -> str:
    """The stable id of the loop through ``variables`` (in order; any rotation gives the same id).

    >>> loop_id(["sleep", "screen_time"]) == loop_id(["screen_time", "sleep"])
    True
    """
    variables = [str(v) for v in variables]
    start = variables.index(min(variables))
    canonical = variables[start:] + variables[:start]
    digest = hashlib.sha1("\x1f".join(canonical).encode("utf-8")).hexdigest()
    return f"L{len(canonical)}-{digest[:10]}"
