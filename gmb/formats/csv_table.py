"""Reading and writing the CSV tables of :mod:`gmb.formats.csv_edges` and :mod:`gmb.formats.csv_meta`.

Tables are read as UTF-8 with or without a byte-order mark (falling back, with a warning, to
Windows-1252, which older Excel writes); the delimiter (``,`` ``;`` or tab) is sniffed from the header,
cells are stripped of surrounding spaces and ``0,5`` is read as 0.5. Tables are written as UTF-8 with
a byte-order mark, so that Excel shows æ, ø, å; text with the delimiter, quotes or line breaks is quoted,
and text a spreadsheet would run as a formula gets a leading ``'``, taken off again when read
(:mod:`gmb.maps.excel_csv`).

Example
-------
>>> rows = [{"id": "a", "label_da": 'Søvn; "god" nat', "notes": None}, {"id": "b", "label_da": "=1+1"}]
>>> text = write_table(["id", "label_da"], rows, ";")
>>> text.splitlines()
['\\ufeffid;label_da', 'a;"Søvn; ""god"" nat"', "b;'=1+1"]
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = path.write_text(text, encoding="utf-8")
>>> read_table(path, [])[1]
[(2, {'id': 'a', 'label_da': 'Søvn; "god" nat'}), (3, {'id': 'b', 'label_da': '=1+1'})]
>>> number("0,5"), number("12"), format_value(["a", "b"]), format_value(True)
(0.5, 12, 'a|b', 'true')
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from typing import Any, Callable

from gmb.errors import MapFileError
from gmb.formats.files import read_input
from gmb.maps.excel_csv import csv_text, unescape
from gmb.maps.limits import MAX_ROWS
from gmb.maps.store import decode_text

__all__ = ["read_table", "check_columns", "cell", "number", "text_list", "format_value", "write_table"]


def read_table(path, warnings: list[str]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The normalised header and the non-blank rows (with the line each starts on) of a CSV file."""
    raw = read_input(path)
    try:
        text = decode_text(path, raw)
    except MapFileError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise MapFileError(path, "is not UTF-8 text; save it as 'CSV UTF-8'") from None
        warnings.append(f"{path}: is not UTF-8; read it as Windows-1252 (save as 'CSV UTF-8' to avoid this)")
    if not text.strip():
        raise MapFileError(path, "is empty; nothing to import")
    first_line = text.lstrip("\r\n").splitlines()[0]
    delimiter = max((",", ";", "\t"), key=lambda d: len(next(csv.reader([first_line], delimiter=d))))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records, start = [], 1
        for cells in reader:
            records.append((start, [unescape(c.strip()) for c in cells]))
            start = reader.line_num + 1
            if len(records) > MAX_ROWS + 1:
                raise MapFileError(path, f"has more than {MAX_ROWS:,} rows, more than gmb reads from a table; "
                                   "check that it is the right file, or split it", line=start)
    except csv.Error as exc:
        raise MapFileError(path, f"not valid CSV: {exc}; check the quotes", line=reader.line_num) from None
    records = [(line, cells) for line, cells in records if any(cells)]
    if not records:
        raise MapFileError(path, "has no header row; the first row must name the columns")
    header_line, header = records[0]
    columns = [re.sub(r"[\s-]+", "_", c.casefold()) for c in header]
    for index, column in enumerate(columns, 1):
        if not column:
            raise MapFileError(path, f"column {index} of the header has no name; name it or delete it",
                               line=header_line)
        if columns.index(column) != index - 1:
            raise MapFileError(path, f"column {column!r} appears twice in the header; keep one", line=header_line)
    rows = []
    for line, cells in records[1:]:
        if len(cells) > len(columns) and any(cells[len(columns):]):
            raise MapFileError(path, f"{len(cells)} cells but the header names {len(columns)} columns; "
                               "quote text that holds the delimiter", line=line)
        rows.append((line, dict(zip(columns, cells))))
    return columns, rows


def check_columns(path, columns: list[str], known: set[str]) -> None:
    """:class:`MapFileError` naming the first column that is not in ``known`` (and the known ones)."""
    for column in columns:
        if column not in known:
            names = sorted(c for c in known if not c.startswith("label_"))
            names = ", ".join(names + (["label_<lang>"] if len(names) < len(known) else []))
            raise MapFileError(path, f"unknown column {column!r}; known columns: {names}", line=1)


def cell(path, line: int, column: str, text: str, parse: Callable[[str], Any]) -> Any:
    """``parse(text)``; its ``ValueError`` as a :class:`MapFileError` naming the file, line and column."""
    try:
        return parse(text)
    except ValueError as exc:
        raise MapFileError(path, f"column {column!r}: {exc}", line=line) from None


def number(text: str) -> int | float:
    """A finite number from text (``0,5`` is 0.5); ``ValueError`` otherwise."""
    cleaned = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    if re.fullmatch(r"[+-]?\d+", cleaned):
        return int(cleaned)
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a number")
    return value


def text_list(text: str) -> list[str]:
    """Texts separated by ``|`` (synonyms, languages)."""
    return [s.strip() for s in text.split("|") if s.strip()]


def format_value(value: Any) -> str:
    """A cell's text: numbers in full precision, true/false, a list of texts joined by ``|``, else JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return "|".join(value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def write_table(fixed: list[str], rows: list[dict], delimiter: str) -> str:
    """CSV text (with a byte-order mark) of the fixed columns and every other column some row fills."""
    columns = fixed + [c for c in rows[0] if c not in fixed and any(r.get(c) is not None for r in rows)] if rows else fixed
    return csv_text(columns, ([_value(row.get(c)) for c in columns] for row in rows), delimiter, "\r\n")


def _value(value: Any) -> Any:
    """A number as it is (written in full, never escaped), anything else as its text."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else format_value(value)
