"""Reading an input file and writing output files for importers and exporters, with one-line errors.

Example
-------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "links.csv"
>>> write_output(path, "from,to,polarity\\n")
>>> read_input(path)
b'from,to,polarity\\n'
>>> try:
...     read_input(path.parent)
... except MapFileError as exc:
...     print(exc.reason)
is a directory, not a file; give the path of a file
"""

from __future__ import annotations

import os
from pathlib import Path

from gmb.errors import MapFileError
from gmb.store import atomic_write

__all__ = ["read_input", "decode_text", "check_output", "write_output"]


def read_input(path: str | os.PathLike) -> bytes:
    """The bytes of a file to import; :class:`MapFileError` if it is missing, a directory, empty or binary."""
    path = Path(path)
    if path.is_dir():
        raise MapFileError(path, "is a directory, not a file; give the path of a file")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MapFileError(path, "no such file; check the path") from None
    except OSError as exc:
        raise MapFileError(path, f"cannot be read ({exc.strerror})") from None
    if not raw.strip():
        raise MapFileError(path, "is empty; nothing to import")
    if b"\0" in raw:
        raise MapFileError(path, "is a binary file, not a text file; check that it is the right file")
    return raw


def decode_text(path: str | os.PathLike, raw: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped); :class:`MapFileError` naming the line otherwise."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MapFileError(path, "is not UTF-8 text; save it as UTF-8", line=line) from None


def check_output(path: str | os.PathLike) -> Path:
    """``path`` as a :class:`Path` if a file can be written there; :class:`MapFileError` otherwise."""
    path = Path(path)
    if path.is_dir():
        raise MapFileError(path, "is a directory; give a file name to write")
    if not path.parent.is_dir():
        raise MapFileError(path, f"directory {str(path.parent)!r} does not exist; create it first")
    return path


def write_output(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` in one step (nothing half-written on failure)."""
    atomic_write(check_output(path), text)
