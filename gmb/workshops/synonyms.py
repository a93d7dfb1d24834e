"""The synonyms file: the facilitator's merge decisions, the audit log that makes ``gmb merge`` reproducible.

A YAML list; each entry says that the variables called ``merge`` (ids or labels in any language,
case ignored) become the variable ``keep``, with an optional ``note`` on why::

    - {keep: screen_time, merge: [skaermtiden, "Tid foran skærm"], note: agreed in the w1 plenary}

A name belongs to one ``keep`` only, so the decisions cannot contradict each other or chain.

Example
-------
>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "synonyms.yaml"
>>> _ = path.write_text("- {keep: screen_time, merge: [Skærmtiden]}\\n", encoding="utf-8")
>>> load_synonyms(path)
[SynonymEntry(keep='screen_time', merge=('Skærmtiden',), line=1, note=None)]
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import yaml

from gmb.errors import MapFileError
from gmb.maps.store import read_yaml

__all__ = ["SynonymEntry", "load_synonyms", "name_key"]

_SYNONYM_KEYS = ("keep", "merge", "note")


@dataclass(frozen=True)
class SynonymEntry:
    """One merge decision: the variables called ``merge`` become the variable ``keep``."""

    keep: str
    merge: tuple[str, ...]
    line: int | None = None
    note: str | None = None


def load_synonyms(path: str | os.PathLike) -> list[SynonymEntry]:
    """Read a synonyms file: a YAML list of ``{keep: id, merge: [ids or labels], note: ...}``.

    Raises :class:`MapFileError` naming the file and line of the first problem.
    """
    root, data = read_yaml(path, missing="check the path of the synonyms file (--synonyms)")
    if data is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise MapFileError(path, "a synonyms file is a list of '- {keep: ID, merge: [NAME, ...]}'", line=1)
    entries: list[SynonymEntry] = []
    owners: dict[str, tuple[int, str]] = {}
    for node, item in zip(root.value, data):
        line = node.start_mark.line + 1
        if not isinstance(item, dict) or "keep" not in item or "merge" not in item:
            raise MapFileError(path, "each entry needs 'keep: ID' and 'merge: [NAME, ...]'", line=line)
        unknown = [str(k) for k in item if k not in _SYNONYM_KEYS]
        if unknown:
            raise MapFileError(path, f"unknown key {unknown[0]!r} (known: {', '.join(_SYNONYM_KEYS)})", line=line)
        keep, merge = item["keep"], item["merge"]
        merge = [merge] if isinstance(merge, str) else merge
        if not isinstance(keep, str) or not keep.strip() or keep != keep.strip() or any(c in keep for c in "\n\t"):
            raise MapFileError(path, f"'keep' must be a variable id, not {keep!r}", line=line)
        if not isinstance(merge, list) or not merge or not all(isinstance(x, str) and x.strip() for x in merge):
            raise MapFileError(path, "'merge' must be a list of variable ids or labels", line=line)
        for name in [keep, *merge]:
            owner = owners.setdefault(name_key(name), (line, keep))
            if name_key(owner[1]) != name_key(keep):
                raise MapFileError(path, f"{name!r} is also listed at line {owner[0]} (keep {owner[1]!r}); "
                                   "each name may belong to one keep", line=line)
        note = item.get("note")
        entries.append(SynonymEntry(keep, tuple(merge), line, None if note is None else str(note)))
    return entries


def name_key(text: Any) -> str:
    """How names are compared: surrounding spaces and case ignored."""
    return str(text).strip().casefold()
