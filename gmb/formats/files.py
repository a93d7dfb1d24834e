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
from gmb.maps.store import atomic_write, read_bytes

__all__ = ["read_input", "check_output", "write_output"]


def read_input(path: str | os.PathLike) -> bytes:
    """The bytes of a file to import (:func:`gmb.maps.store.read_bytes`); an empty file is an error too."""
    raw = read_bytes(path)
    if not raw.strip():
        raise MapFileError(path, "is empty; nothing to import")
    return raw


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
