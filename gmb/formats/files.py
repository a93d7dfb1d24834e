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
from gmb.maps.limits import MAX_ITEMS
from gmb.maps.outpaths import write_output as write_output_file
from gmb.maps.store import read_bytes

__all__ = ["read_input", "check_items", "check_output", "write_output"]


def read_input(path: str | os.PathLike) -> bytes:
    """The bytes of a file to import (:func:`gmb.maps.store.read_bytes`); an empty file is an error too."""
    raw = read_bytes(path)
    if not raw.strip():
        raise MapFileError(path, "is empty; nothing to import")
    return raw


def check_items(path: str | os.PathLike, data: bytes, marks: bytes | tuple[bytes, ...], what: str,
                cap: int = MAX_ITEMS) -> None:
    """:class:`MapFileError` if ``data`` holds more than ``cap`` of the bytes in ``marks`` (or of the
    byte strings in a tuple), each of which starts an element or value: parsing it would cost gigabytes.

    >>> check_items("m.json", b"[" * 2_000_000, b"[{,", "JSON values")
    Traceback (most recent call last):
    ...
    gmb.errors.MapFileError: m.json: holds about 2,000,000 JSON values, more than the 200,000 gmb reads; check that it is the right file, or split it
    """
    marks = marks if isinstance(marks, tuple) else tuple(marks[i:i + 1] for i in range(len(marks)))
    count = sum(data.count(mark) for mark in marks)
    if count > cap:
        raise MapFileError(path, f"holds about {count:,} {what}, more than the {cap:,} gmb reads; "
                           "check that it is the right file, or split it")


def check_output(path: str | os.PathLike) -> Path:
    """``path`` as a :class:`Path` if a file can be written there; :class:`MapFileError` otherwise."""
    path = Path(path)
    if path.is_dir():
        raise MapFileError(path, "is a directory; give a file name to write")
    if not path.parent.is_dir():
        raise MapFileError(path, f"directory {str(path.parent)!r} does not exist; create it first")
    return path


def write_output(path: str | os.PathLike, text: str | bytes) -> None:
    """Write ``text`` (UTF-8) or bytes to ``path`` in one step (nothing half-written on failure), under
    the output rules of :mod:`gmb.maps.outpaths` (never over an input or a file gmb did not write)."""
    write_output_file(check_output(path), text)
