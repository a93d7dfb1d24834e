"""Where gmb writes its outputs: never over an input, never over a file it did not write, never through a link.

Every command that reads files and writes others follows three rules; ``force`` (the command
line's ``--force``) lifts the second and the third, never the first:

1. **An output is never one of the command's inputs**: not the same name, nor the same file
   reached through a symbolic link or a hard link (same device and inode, or same real path).
2. **An existing file is replaced only if it is gmb's own output of the same kind**, recognised
   by the mark gmb writes into it (:data:`MARKS`): ``<meta name="generator" content="gmb">`` in a
   page, ``Software``/``Creator`` ``gmb`` in PNG, SVG and PDF pictures, a ``gmb`` key in GraphML and
   JSON, ``<vendor>gmb</vendor>`` in XMILE, ``written by gmb`` in a Vensim ``.mdl``, ``by gmb`` in
   Markdown, the creator ``gmb`` of a spreadsheet. A CSV file has no room for a mark: it counts as
   gmb's when its header row is the one gmb writes now, in any language and with either separator
   (:func:`gmb.maps.excel_csv.same_columns`). Anything else needs ``force``.
3. **gmb never writes through a symbolic link at an output path**: a link there is refused, and
   with ``force`` the link itself is replaced by the new file (what it points to is left alone).
   An output *folder* given as a link is followed (the folder it points to is written). Map edits
   are not outputs: editing a map through a link edits the map it points to.

Writers call :func:`write_output` (or :func:`claim_output` before writing a file their own way); a
command names its inputs and ``force`` with :func:`output_rules`, which also lists every file
written. Without :func:`output_rules` there are no inputs to protect and ``force`` is off.

Example
-------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> page = folder / "page.html"
>>> with output_rules(inputs=[folder / "map.yaml"]) as rules:
...     _ = write_output(page, '<meta name="generator" content="gmb">')
...     _ = write_output(page, '<meta name="generator" content="gmb">')   # its own output: replaced
>>> [p.name for p in rules.written]
['page.html']
>>> _ = (folder / "notes.html").write_text("<p>mine</p>")
>>> try:
...     write_output(folder / "notes.html", "<p>gmb</p>")
... except OutputPathError as exc:
...     print(exc.reason)
exists and is not a file gmb wrote; choose another name
"""

from __future__ import annotations

import contextlib
import os
import re
import zipfile
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from gmb.errors import OutputPathError
from gmb.maps.excel_csv import same_columns
from gmb.maps.store import atomic_write

__all__ = ["OutputRules", "output_rules", "current_rules", "same_file", "refuse_inputs", "is_own_output",
           "claim_output", "write_output", "record", "MARKS"]

MARKS = {
    ".html": (b'<meta name="generator" content="gmb',),
    ".htm": (b'<meta name="generator" content="gmb',),
    ".png": (b"tEXtSoftware\x00gmb",),
    ".svg": (b"<dc:title>gmb</dc:title>",),
    ".pdf": (b"/Creator (gmb)",),
    ".graphml": (b'attr.name="gmb"',),
    ".json": (b'"gmb": ', b'"generator": "gmb'),
    ".xmile": (b"<vendor>gmb</vendor>",),
    ".mdl": (b"written by gmb",),
    ".md": (b"by gmb",),
}
"""The marks by which gmb recognises its own files, by extension (found in the first or last 64 KB)."""
_WINDOW = 65536


@dataclass
class OutputRules:
    """What a command may write: its ``inputs`` are never written, ``force`` replaces other files;
    ``written`` lists the files written under these rules, in order."""

    inputs: tuple[str, ...] = ()
    force: bool = False
    written: list[Path] = field(default_factory=list)


_RULES: ContextVar[OutputRules | None] = ContextVar("gmb_output_rules", default=None)


@contextlib.contextmanager
def output_rules(inputs: Iterable[str | os.PathLike | None] = (), force: bool = False) -> Iterator[OutputRules]:
    """Write outputs under these rules in the ``with`` block (``None`` inputs are left out)."""
    rules = OutputRules(tuple(str(p) for p in inputs if p is not None), force)
    token = _RULES.set(rules)
    try:
        yield rules
    finally:
        _RULES.reset(token)


def current_rules() -> OutputRules:
    """The rules of the innermost :func:`output_rules` block, or the default ones (no inputs, no force)."""
    return _RULES.get() or OutputRules()


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two paths name one file: by device and inode (hard and symbolic links), or by real path.

    >>> same_file("/etc/../etc/hostname", "/etc/hostname"), same_file("/etc", "/tmp")
    (True, False)
    """
    with contextlib.suppress(OSError):
        first, second = os.stat(a), os.stat(b)
        if (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino):
            return True
    return os.path.realpath(a) == os.path.realpath(b)


def refuse_inputs(path: str | os.PathLike, inputs: Iterable[str | os.PathLike | None]) -> None:
    """:class:`OutputPathError` (never replaceable) if the output ``path`` is one of ``inputs``."""
    for source in inputs:
        if source is not None and same_file(path, source):
            also = "" if os.path.abspath(path) == os.path.abspath(source) else f" ({source}, the same file)"
            raise OutputPathError(path, f"is an input of this command{also}; give another name for the output")


def is_own_output(path: str | os.PathLike, new: bytes | str | None = None) -> bool:
    """Whether the existing file ``path`` is gmb's own output of its kind (see :data:`MARKS`); a CSV
    file is when its header row is that of ``new``, the text about to be written, in any language."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_creator(path) == "gmb"
    try:
        with open(path, "rb") as handle:
            head = handle.read(_WINDOW)
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(len(head), size - _WINDOW))
            tail = handle.read(_WINDOW)
    except OSError:
        return False
    if suffix in (".csv", ".tsv"):
        return new is not None and same_columns(head, new)
    marks = MARKS.get(suffix) or tuple(m for ms in MARKS.values() for m in ms)
    return any(mark in head or mark in tail for mark in marks)


def claim_output(path: str | os.PathLike, new: bytes | str | None = None) -> Path:
    """``path`` if an output may be written there under the current rules; :class:`OutputPathError`
    otherwise. ``new``: (the start of) what is about to be written, for recognising a CSV file."""
    rules = current_rules()
    path = Path(path)
    refuse_inputs(path, rules.inputs)
    if rules.force:
        return path
    if path.is_symlink():
        raise OutputPathError(path, "is a symbolic link, and gmb never writes through a link at an output "
                              "path; choose another name", replaceable=True)
    if path.is_file() and not is_own_output(path, new):
        raise OutputPathError(path, "exists and is not a file gmb wrote; choose another name", replaceable=True)
    return path


def write_output(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write an output file in one step after :func:`claim_output`; a link at ``path`` is replaced, not followed."""
    path = claim_output(path, data)
    atomic_write(path, data, follow=False)
    record(path)
    return path


def record(path: str | os.PathLike) -> None:
    """Note a file written, for the command to list."""
    rules = _RULES.get()
    if rules is not None and Path(path) not in rules.written:
        rules.written.append(Path(path))


def _xlsx_creator(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as book:
            core = book.read("docProps/core.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    found = re.search(rb"<dc:creator[^>]*>([^<]*)</dc:creator>", core)
    return found.group(1).decode("utf-8", "replace") if found else None
