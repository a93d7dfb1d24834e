"""Map files on disk: read with line numbers, edit under a lock, save atomically.

A map file is YAML (see ``models/havndal.yaml``). Reading never changes a file; an edit keeps
comments and formatting of everything it does not touch (:mod:`gmb.maps.yamltext`), is refused if it
would add an error, and replaces the file in one step (write, fsync, rename) while holding a lock,
so two commands editing the same map never lose an update.

Example
-------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "map.yaml"
>>> new_map(path, "Trivsel").title
'Trivsel'
>>> with edit_map(path) as cmap:
...     cmap.add_variable("sleep", {"da": "Søvn", "en": "Sleep"})
>>> load_map(path).label("sleep", "en")
'Sleep'
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

from gmb.errors import MapEditError, MapFileError
from gmb.maps.atomic import create_exclusive, pid_alive, remove_stale_temps, sync_directory, temp_copy, umask
from gmb.maps.causalmap import CausalMap, Origin
from gmb.maps.limits import MAX_FILE_BYTES, size_refused
from gmb.maps.schema import DEFAULT_LANGUAGES, FORMAT_VERSION
from gmb.maps.validate import Problem, Report, validate
from gmb.maps.yamlfields import repeated_keys
from gmb.maps.yamltext import YAMLRefused, dump_text, parse_text, update_text

__all__ = ["MapDocument", "read_document", "load_map", "edit_map", "save_map", "new_map", "create_map",
           "validate_file", "atomic_write", "locked", "read_bytes", "decode_text", "read_text", "read_yaml",
           "yaml_syntax_named", "MAP_MISSING", "create_exclusive", "pid_alive", "remove_stale_temps"]


@dataclass
class MapDocument:
    """A map file as read: its text, plain data, structural problems, and the map built from it."""

    path: Path
    text: str
    root: yaml.MappingNode
    data: dict
    """The parsed file; shared with a cache, so read it but do not change it."""
    problems: list[Problem]
    origin: Origin
    bom: bool = False
    """Whether the file starts with a UTF-8 byte-order mark (an edit keeps it)."""

    def to_map(self) -> CausalMap:
        """The map; with structural problems, the map of the well-formed parts (for show/validate)."""
        cmap = CausalMap.from_data(_well_formed(self.data) if self.problems else self.data)
        cmap.origin = self.origin
        return cmap


MAP_MISSING = "check the path, or create a map with 'gmb new'"
"""What to do about a map file that is not there."""


def read_bytes(path: str | os.PathLike, missing: str = "check the path", limit: int | None = MAX_FILE_BYTES) -> bytes:
    """The bytes of a text file, or a :class:`MapFileError` saying plainly why not: a directory,
    missing (``missing`` says what to do), unreadable, binary, or larger than ``limit`` bytes."""
    path = Path(path)
    if path.is_dir():
        raise MapFileError(path, "is a directory, not a file; give the path of a file")
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if limit is not None and size > limit:
                raise MapFileError(path, size_refused(size, limit))
            raw = handle.read() if limit is None else handle.read(limit + 1)
        if limit is not None and len(raw) > limit:  # not a regular file: its size was not known
            raise MapFileError(path, size_refused(len(raw), limit))
    except FileNotFoundError:
        raise MapFileError(path, f"no such file; {missing}") from None
    except OSError as exc:
        raise MapFileError(path, f"cannot be read ({exc.strerror})") from None
    if b"\0" in raw:
        raise MapFileError(path, "is a binary file, not a text file; check the path")
    return raw


def decode_text(path: str | os.PathLike, raw: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped); :class:`MapFileError` naming the line otherwise."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MapFileError(path, "is not UTF-8 text; save it as UTF-8", line=line) from None


def read_text(path: str | os.PathLike, missing: str = MAP_MISSING, limit: int | None = MAX_FILE_BYTES) -> str:
    """The text of a UTF-8 file, or a :class:`MapFileError` saying plainly why it cannot be read."""
    return decode_text(path, read_bytes(path, missing, limit))


def read_document(path: str | os.PathLike) -> MapDocument:
    """Read and parse a map file; the map's structural problems are listed, not raised."""
    path = Path(path)
    raw = read_bytes(path, MAP_MISSING)
    text = decode_text(path, raw)
    if not text.strip():
        raise MapFileError(path, "is empty; create a map with 'gmb new'")
    with yaml_syntax_named(path):
        root, data = _parse(text)
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise MapFileError(path, "is not a gmb map (expected keys such as 'title:', 'variables:', 'links:')", line=1)
    version = data.get("gmb")
    if version is not None and version != FORMAT_VERSION:
        raise MapFileError(path, f"map format version {version!r} is not supported (this gmb reads version "
                           f"{FORMAT_VERSION}); upgrade gmb", line=1)
    origin = Origin(str(path))
    problems = _structure(root, data, origin)
    return MapDocument(path, text, root, data, problems, origin, bom=raw.startswith(codecs.BOM_UTF8))


def read_yaml(path: str | os.PathLike, missing: str = "check the path") -> tuple[yaml.Node | None, Any]:
    """A YAML file's root node (with line marks) and its data, e.g. a scenario file or an idea bank;
    a :class:`MapFileError` naming the file and line if it cannot be read or parsed (``missing``:
    what to do if it is not there)."""
    with yaml_syntax_named(path):
        return parse_text(read_text(path, missing))


@contextlib.contextmanager
def yaml_syntax_named(path: str | os.PathLike) -> Iterator[None]:
    """Turns a YAML syntax error raised inside into a one-line :class:`MapFileError` naming the line."""
    try:
        yield
    except YAMLRefused as exc:
        raise MapFileError(path, exc.reason, line=exc.line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        what = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise MapFileError(path, f"not valid YAML: {what}; fix the syntax there",
                           line=mark.line + 1 if mark else None) from None


def load_map(path: str | os.PathLike) -> CausalMap:
    """Read a map for analysis; raises :class:`MapFileError` if its structure is broken."""
    document = read_document(path)
    if document.problems:
        raise MapFileError(path, document.problems[0].message, line=document.problems[0].line)
    return document.to_map()


def validate_file(path: str | os.PathLike) -> Report:
    """All structural and content problems of a map file (raises only if it cannot be read)."""
    document = read_document(path)
    report = validate(document.to_map())
    report.errors[:0] = document.problems
    return report


@contextlib.contextmanager
def edit_map(path: str | os.PathLike) -> Iterator[CausalMap]:
    """Edit a map in a ``with`` block; saved on leaving it, unless the edit adds an error.

    The file stays byte-identical when the block raises or the edit is refused.
    """
    path = Path(path)
    with locked(path):
        document = read_document(path)
        if document.problems:
            first = document.problems[0]
            raise MapFileError(path, f"{first.message}; fix this by hand before editing", line=first.line)
        cmap = document.to_map()
        yield cmap
        cmap.origin = None
        added = validate(cmap).errors
        if added:  # only errors the file did not have already refuse the edit
            before = {p.key for p in validate(document.to_map()).errors}
            added = [p for p in added if p.key not in before]
        if added:
            more = f" (and {len(added) - 1} more)" if len(added) > 1 else ""
            raise MapEditError(f"{path}: not saved, the edit would add an error: {added[0].message}{more}")
        text = update_text(document.text, cmap.to_data(), parsed=(document.root, document.data))
        if text != document.text:
            atomic_write(path, "\ufeff" * document.bom + text)


def save_map(cmap: CausalMap, path: str | os.PathLike) -> None:
    """Write a map to ``path``; an existing map file keeps its comments and formatting."""
    path = Path(path)
    with locked(path):
        old, bom = None, False
        if path.is_file():
            with contextlib.suppress(MapFileError):
                raw = read_bytes(path)
                old, bom = decode_text(path, raw), raw.startswith(codecs.BOM_UTF8)
        data = cmap.to_data()
        text = update_text(old, data, parsed=_parsed.get(old)) if old and old.strip() else dump_text(data)
        atomic_write(path, "\ufeff" * bom + text)


def new_map(path: str | os.PathLike, title: str, languages=DEFAULT_LANGUAGES, force: bool = False) -> CausalMap:
    """Create an empty map file; refuses to overwrite an existing file unless ``force``."""
    path = Path(path)
    cmap = CausalMap.new(title, languages)
    header = ("# A gmb causal loop diagram. Edit with 'gmb var ...' and 'gmb link ...', or by hand;\n"
              "# check with 'gmb validate'.\n")
    _create_file(path, header + dump_text(cmap.to_data()), force)
    return cmap


def create_map(cmap: CausalMap, path: str | os.PathLike, force: bool = False) -> None:
    """Write ``cmap`` to the new map file ``path`` (``gmb import``, ``gmb merge``).

    The file is created exclusively (:func:`create_exclusive`): a file that exists, or appears
    while the map is being made, is never replaced. With ``force`` an existing file is replaced in
    one step (keeping the comments of a map file there, as :func:`save_map`), and a symbolic link
    at ``path`` is replaced by the file, not written through.
    """
    path = Path(path)
    if force and not path.is_symlink():
        save_map(cmap, path)
    else:
        _create_file(path, dump_text(cmap.to_data()), force)


def _create_file(path: Path, text: str, force: bool) -> None:
    with locked(path):
        if force:
            atomic_write(path, text, follow=False)
        else:
            create_exclusive(path, text)


def atomic_write(path: str | os.PathLike, text: str | bytes, follow: bool = True) -> None:
    """Replace ``path`` with ``text`` (UTF-8) or bytes in one step: a crash leaves the old file or the new.

    A symbolic link stays a link: the file it points to is replaced (a map edited through a link).
    With ``follow=False`` a link at ``path`` is itself replaced by the file, never written through
    (how outputs are written). The temporary file is ``.NAME.PID-XXXX.tmp`` beside it; those of
    earlier writes of ``path`` whose process is dead (killed mid-save) are removed first.
    """
    path = Path(os.path.realpath(path) if follow else os.path.abspath(path))
    keep = path.exists() and not path.is_symlink()
    tmp = temp_copy(path, text, path.stat().st_mode & 0o777 if keep else 0o666 & ~umask())
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    sync_directory(path.parent)


@contextlib.contextmanager
def locked(path: str | os.PathLike) -> Iterator[None]:
    """Hold an exclusive lock for ``path`` (on its directory, so that no lock file is left behind)."""
    directory = Path(os.path.realpath(path)).parent
    if not directory.is_dir():
        raise MapFileError(path, f"directory {str(directory)!r} does not exist; create it first")
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


_parsed: dict[str, tuple] = {}
"""The last text parsed and its ``(root node, data)``; the data is never changed (maps copy it)."""


def _parse(text: str) -> tuple:
    """``parse_text(text)``, remembered for the last text read, which :func:`save_map` often writes over."""
    parsed = _parsed.get(text)
    if parsed is None:
        parsed = parse_text(text)
        _parsed.clear()
        _parsed[text] = parsed
    return parsed


def _well_formed(data: dict) -> dict:
    """``data`` without the parts :func:`_structure` reports as broken (sections, entries of the wrong type)."""
    shapes = {"variables": dict, "links": list, "themes": dict, "loops": dict, "layout": dict,
              "languages": (list, str), "outcome": (list, str)}
    data = {k: v for k, v in data.items() if k not in shapes or v is None or isinstance(v, shapes[k])}
    if data.get("variables"):
        data["variables"] = {k: v for k, v in data["variables"].items()
                             if isinstance(k, str) and isinstance(v, (dict, type(None)))}
    if data.get("links"):
        data["links"] = [x for x in data["links"] if isinstance(x, dict)
                         and isinstance(x.get("from"), str) and isinstance(x.get("to"), str)]
    return data


def _structure(root: yaml.MappingNode, data: dict, origin: Origin) -> list[Problem]:
    """Structural problems (wrong types, duplicate ids) with their lines; fills ``origin``."""
    problems: list[Problem] = []
    nodes = {}
    for knode, vnode in root.value:
        key = knode.value
        if key in nodes:
            problems.append(Problem("error", "duplicate-key", f"key {key!r} appears twice (also line "
                                    f"{nodes[key][0].start_mark.line + 1}); keep one", line=knode.start_mark.line + 1))
        nodes[key] = (knode, vnode)
        origin.key_lines[key] = knode.start_mark.line + 1

    def error(code, message, node, **kw):
        problems.append(Problem("error", code, message, line=node.start_mark.line + 1, **kw))

    for section in ("variables", "themes", "loops", "layout"):
        if section not in nodes:
            continue
        knode, vnode = nodes[section]
        if data.get(section) is None:
            continue
        if not isinstance(vnode, yaml.MappingNode):
            error("invalid-section", f"'{section}' must be a mapping of id: ...", vnode)
            continue
        seen: dict[str, int] = {}
        for ik, iv in vnode.value:
            line = ik.start_mark.line + 1
            if not isinstance(ik, yaml.ScalarNode) or ik.tag != "tag:yaml.org,2002:str":
                error("invalid-id", f"{section}: id {getattr(ik, 'value', '?')!r} must be text; put it in quotes", ik)
                continue
            if ik.value in seen:
                error("duplicate-id", f"duplicate id {ik.value!r} in {section} (also line {seen[ik.value]}); "
                      "rename or merge one of them", ik, variable=ik.value if section == "variables" else None)
            seen[ik.value] = line
            for knode, first in repeated_keys(iv):
                error("duplicate-key", f"{section[:-1] if section != 'layout' else 'layout'} {ik.value!r}: key "
                      f"{knode.value!r} appears twice (also line {first}); keep one", knode,
                      variable=ik.value if section == "variables" else None)
            if section == "variables":
                origin.variable_lines[ik.value] = line
                if not isinstance(iv, yaml.MappingNode):
                    error("invalid-variable", f"variable {ik.value!r} must be a mapping such as "
                          "{label: {da: ..., en: ...}}", iv, variable=ik.value)
    if "links" in nodes and data.get("links") is not None:
        _, vnode = nodes["links"]
        if not isinstance(vnode, yaml.SequenceNode):
            error("invalid-section", "'links' must be a list of {from: ..., to: ..., polarity: ...}", vnode)
        else:
            for item, value in zip(vnode.value, data["links"]):
                for knode, first in repeated_keys(item):
                    error("duplicate-key", f"link at line {item.start_mark.line + 1}: key {knode.value!r} appears "
                          f"twice (also line {first}); keep one", knode)
                if not isinstance(value, dict) or "from" not in value or "to" not in value:
                    error("invalid-link", "each link must be a mapping with 'from' and 'to'", item)
                    continue
                key = (value["from"], value["to"])
                if not all(isinstance(x, str) for x in key):
                    error("invalid-link", "a link's 'from' and 'to' must be variable ids (text)", item)
                    continue
                if key in origin.link_lines:
                    origin.repeated_link_lines.setdefault(key, []).append(item.start_mark.line + 1)
                else:
                    origin.link_lines[key] = item.start_mark.line + 1
    for key in ("languages", "outcome"):
        value = data.get(key)
        if value is not None and not isinstance(value, (list, str)):
            error("invalid-section", f"'{key}' must be a list such as [da, en]", nodes[key][1])
    return problems

