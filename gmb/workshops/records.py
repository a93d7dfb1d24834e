"""Workshop records: the sessions of a site's group model building, and how its map grew.

A site keeps ``workshops/<site>/workshop.yaml``::

    site: havndal
    title: Children's mental health in Havndal
    illustrative: true                  # say so when the record is an example
    note: dates and counts are invented
    sessions:
      - id: w1
        title: Causal loop diagram with connection circles
        date: 2023-03-14
        purpose: Draw the first causal loop diagram in breakout groups.
        focus_question: What affects children's mental health here?
        participants: {residents: 14, municipal_staff: 5}     # counts by role, no names
        maps:                                                # paths relative to this file
          - {file: maps/w1_group_a.yaml, group: A}
          - {file: maps/w1_merged.yaml, merged: true}
        result: maps/w1_merged.yaml     # the session's map (default: its only map)

Example
-------
>>> import pathlib, tempfile
>>> site = pathlib.Path(tempfile.mkdtemp())
>>> _ = (site / "workshop.yaml").write_text("site: demo\\nsessions:\\n  - {id: w0, date: 2024-01-09,"
...                                       " participants: {leaders: 6, researchers: 2}}\\n")
>>> record = load_workshop(site)
>>> record.sessions[0].date, record.sessions[0].participants_total
('2024-01-09', 8)
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from gmb.analysis.loopset import MAX_LENGTH, map_loops
from gmb.errors import MapFileError
from gmb.maps.store import load_map, read_yaml

__all__ = ["Workshop", "Session", "MapFile", "load_workshop", "map_growth", "RECORD_NAME"]

RECORD_NAME = "workshop.yaml"
_RECORD_KEYS = ("site", "title", "illustrative", "note", "sessions")
_SESSION_KEYS = ("id", "title", "date", "purpose", "focus_question", "participants", "maps", "result", "notes")
_MAP_KEYS = ("file", "group", "merged", "notes")


@dataclass(frozen=True)
class MapFile:
    """A map a session produced: its path relative to the record, the breakout group, merged or not."""

    file: str
    group: str | None = None
    merged: bool = False
    notes: str = ""


@dataclass
class Session:
    """One workshop session."""

    id: str
    title: str = ""
    date: str | None = None
    purpose: str = ""
    focus_question: str = ""
    participants: dict[str, int] = field(default_factory=dict)
    maps: list[MapFile] = field(default_factory=list)
    result: str | None = None
    """The session's map (relative path), from which growth is counted."""
    notes: str = ""
    line: int | None = None
    map_lines: dict[str, int] = field(default_factory=dict)
    """The line of the record naming each map file (for error messages)."""

    @property
    def participants_total(self) -> int:
        return sum(self.participants.values())


@dataclass
class Workshop:
    """A site's workshop record, read from ``<dir>/workshop.yaml``."""

    path: Path
    site: str
    title: str = ""
    illustrative: bool = False
    note: str = ""
    sessions: list[Session] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return self.path.parent

    def summary(self, max_length: int | None = MAX_LENGTH) -> dict:
        """The record with counts for every map file and the growth of the map, as plain data; the loops
        are counted as everywhere (:func:`gmb.analysis.loopset.map_loops`, ``max_length=None``: any length)."""
        counts = {}
        for session in self.sessions:
            for name in [m.file for m in session.maps] + ([session.result] if session.result else []):
                if name not in counts:
                    counts[name] = _counts(self, session, name, max_length)
        sessions = []
        for s in self.sessions:
            maps = [{"file": m.file, "group": m.group, "merged": m.merged, "notes": m.notes} | _public(counts[m.file])
                    for m in s.maps]
            sessions.append({"id": s.id, "title": s.title, "date": s.date, "purpose": s.purpose,
                             "focus_question": s.focus_question, "participants": dict(s.participants),
                             "participants_total": s.participants_total, "maps": maps, "result": s.result,
                             "notes": s.notes})
        return {"site": self.site, "title": self.title, "illustrative": self.illustrative, "note": self.note,
                "record": str(self.path), "sessions": sessions, "growth": map_growth(self, counts)}


def load_workshop(path: str | os.PathLike) -> Workshop:
    """Read a site's record (``path`` is its folder or the ``workshop.yaml`` itself).

    Raises :class:`MapFileError` naming the file and line of the first problem.
    """
    path = Path(path)
    if not path.exists():
        raise MapFileError(path, "no such folder; give the folder of a site, e.g. workshops/havndal")
    if path.is_dir():
        path = path / RECORD_NAME
        if not path.exists():
            raise MapFileError(path, "no workshop record here; give the folder of a site, e.g. workshops/havndal")
    root, data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise MapFileError(path, "a workshop record is a mapping with 'site:' and 'sessions:'", line=1)
    lines = {k.value: (k.start_mark.line + 1, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    _known(path, data, _RECORD_KEYS, "record", 1, lines)
    if not isinstance(data.get("site"), str) or not data["site"].strip():
        raise MapFileError(path, "'site:' must name the site, e.g. site: havndal", line=lines.get("site", (1,))[0])
    sessions_node = lines.get("sessions", (1, None))[1]
    if not isinstance(data.get("sessions"), list) or not isinstance(sessions_node, yaml.SequenceNode):
        raise MapFileError(path, "'sessions:' must be a list of sessions ('- id: w0 ...')",
                           line=lines.get("sessions", (1,))[0])
    record = Workshop(path, data["site"], _text(data.get("title")), data.get("illustrative") is True,
                      _text(data.get("note")))
    seen: dict[str, int] = {}
    for node, item in zip(sessions_node.value, data["sessions"]):
        session = _session(path, node, item)
        if session.id in seen:
            raise MapFileError(path, f"session id {session.id!r} is used twice (also line {seen[session.id]})",
                               line=session.line)
        seen[session.id] = session.line
        record.sessions.append(session)
    return record


def map_growth(record: Workshop, counts: dict[str, dict] | None = None) -> list[dict]:
    """For each session with a result map: its variables, links and loops, and what it added or removed."""
    growth, before = [], None
    for session in record.sessions:
        if not session.result:
            continue
        now = (counts or {}).get(session.result) or _counts(record, session, session.result, MAX_LENGTH)
        row = {"session": session.id, "map": session.result} | _public(now)
        if before is not None:
            row |= {"variables_added": len(now["ids"] - before["ids"]),
                    "variables_removed": len(before["ids"] - now["ids"]),
                    "links_added": len(now["edges"] - before["edges"]),
                    "links_removed": len(before["edges"] - now["edges"])}
        growth.append(row)
        before = now
    return growth


# -- internals --------------------------------------------------------------------------------

def _session(path: Path, node: yaml.Node, item) -> Session:
    line = node.start_mark.line + 1
    values = {k.value: (k.start_mark.line + 1, v) for k, v in node.value} if isinstance(node, yaml.MappingNode) else {}
    keys = {k: n for k, (n, _) in values.items()}
    if not isinstance(item, dict):
        raise MapFileError(path, "each session is a mapping such as {id: w0, date: 2024-01-09, ...}", line=line)
    _known(path, item, _SESSION_KEYS, "session", line, {k: (n,) for k, n in keys.items()})
    sid = item.get("id")
    if not isinstance(sid, str) or not sid.strip():
        raise MapFileError(path, "a session needs 'id:', e.g. id: w1", line=line)
    date = item.get("date")
    if date is not None and not isinstance(date, (str, dt.date)):
        raise MapFileError(path, f"session {sid}: date {date!r} must be a date such as 2024-01-09",
                           line=keys.get("date", line))
    participants = item.get("participants") or {}
    if not isinstance(participants, dict) or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in participants.values()):
        raise MapFileError(path, f"session {sid}: participants must be counts by role, e.g. "
                           "{residents: 12, municipal_staff: 4}", line=keys.get("participants", line))
    if not isinstance(item.get("maps") or [], list):
        raise MapFileError(path, f"session {sid}: 'maps:' must be a list of map files", line=keys.get("maps", line))
    maps = []
    for entry in item.get("maps") or []:
        entry = {"file": entry} if isinstance(entry, str) else entry
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise MapFileError(path, f"session {sid}: each map is a path or {{file: PATH, group: A}}",
                               line=keys.get("maps", line))
        _known(path, entry, _MAP_KEYS, f"session {sid}: map", keys.get("maps", line))
        maps.append(MapFile(entry["file"], None if entry.get("group") is None else str(entry["group"]),
                            entry.get("merged") is True, _text(entry.get("notes"))))
    result = item.get("result")
    if result is None and len(maps) == 1:
        result = maps[0].file
    if result is not None and not isinstance(result, str):
        raise MapFileError(path, f"session {sid}: 'result:' must be the path of a map file",
                           line=keys.get("result", line))
    maps_node = values.get("maps", (line, None))[1]
    map_lines = {m.file: n.start_mark.line + 1 for m, n in zip(maps, getattr(maps_node, "value", []))}
    if result is not None:
        map_lines.setdefault(result, keys.get("result", line))
    return Session(sid, _text(item.get("title")), None if date is None else str(date), _text(item.get("purpose")),
                   _text(item.get("focus_question")), {str(k): v for k, v in participants.items()}, maps, result,
                   _text(item.get("notes")), line, map_lines)


def _counts(record: Workshop, session: Session, name: str, max_length: int | None) -> dict:
    path = record.folder / name
    if not path.is_file():
        raise MapFileError(record.path, f"session {session.id}: map file {name!r} not found "
                           f"(paths are relative to {record.folder})", line=session.map_lines.get(name, session.line))
    cmap = load_map(path)
    loops = map_loops(cmap, max_length=max_length, listed=0)
    return {"variables": cmap.graph.number_of_nodes(), "links": cmap.graph.number_of_edges(),
            "loops": loops.total, "loops_by_polarity": loops.counts.by_polarity(), "loops_complete": loops.counts.complete,
            "loops_stated": loops.stated(),
            "ids": set(cmap.graph), "edges": set(cmap.graph.edges)}


def _public(counts: dict) -> dict:
    return {k: v for k, v in counts.items() if k not in ("ids", "edges")}


def _known(path: Path, item: dict, known: tuple[str, ...], what: str, line: int, lines: dict | None = None) -> None:
    for key in item:
        if key not in known:
            where = (lines or {}).get(key, (line,))[0]
            raise MapFileError(path, f"{what}: unknown key {key!r} (known: {', '.join(known)})", line=where)


def _text(value) -> str:
    return "" if value is None else str(value)
