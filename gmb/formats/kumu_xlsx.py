"""Kumu spreadsheets (``.xlsx``): import and export.

Kumu's import spreadsheet has a sheet ``Elements`` (header row with ``Label`` in A1, and ``Type``,
``Description``, ``Tags``, …) and a sheet ``Connections`` (``From``, ``To``, ``Type`` — the polarity
``+``/``-`` —, ``Direction``, ``Delay``, ``Strength``, ``Description``). Several values in one cell are
separated by ``|``; the first is used. Headers are matched ignoring case. The rows mean what the
same fields mean in Kumu JSON (see :mod:`gmb.formats.kumu`). Needs ``openpyxl``, imported only here.

Example
-------
>>> import tempfile, pathlib
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("Trivsel")
>>> cmap.add_variable("screens", "Skærmtid"); cmap.add_variable("sleep", "Søvn")
>>> _ = cmap.add_link("screens", "sleep", "-", strength="strong")
>>> path = pathlib.Path(tempfile.mkdtemp()) / "trivsel.xlsx"
>>> write_map(cmap, path) == [str(path)]
True
>>> again, warnings = read_map(path)
>>> [(u, v, a) for u, v, a in again.links()]
[('skærmtid', 'søvn', {'polarity': '-', 'strength': 'strong'})]
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import warnings
import zipfile
from pathlib import Path

from gmb.errors import MapFileError
from gmb.formats.files import check_output
from gmb.formats.kumu import build_map, export_records
from gmb.maps.causalmap import CausalMap

__all__ = ["read_map", "write_map"]

_MAX_ROWS = 100_000
_ELEMENT_COLUMNS = {"Label": "label", "Type": "type", "Description": "description"}
_CONNECTION_COLUMNS = {"From": "from", "To": "to", "Type": "connection type", "Direction": "direction",
                       "Delay": "delay", "Strength": "strength", "Description": "description"}


def read_map(path: str | os.PathLike) -> tuple[CausalMap, list[str]]:
    """Read a Kumu spreadsheet: ``(map, warnings)``."""
    import openpyxl

    path = Path(path)
    if path.is_dir() or not path.exists():
        raise MapFileError(path, "is a directory, not a file" if path.is_dir() else "no such file; check the path")
    if not zipfile.is_zipfile(path):
        raise MapFileError(path, "is not an .xlsx spreadsheet (not a zip archive); save it as Excel .xlsx")
    with open(path, "rb") as handle, warnings.catch_warnings():  # openpyxl: its file, its warnings
        warnings.simplefilter("ignore")  # openpyxl warns about parts of a file it drops
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds of error for a damaged file
            raise MapFileError(path, f"cannot be read as an .xlsx spreadsheet ({exc.__class__.__name__}); "
                               "open it in Excel and save it again") from None
        try:
            sheets = {name.strip().casefold(): book[name] for name in book.sheetnames}
            if "elements" not in sheets and "connections" not in sheets:
                raise MapFileError(path, f"has no sheet 'Elements' or 'Connections' (it has: "
                                   f"{', '.join(book.sheetnames) or 'none'}); a Kumu spreadsheet needs them")
            tables = {name: _rows(path, sheets[name], name.title()) if name in sheets else []
                      for name in ("elements", "connections")}
        except MapFileError:
            raise
        except Exception as exc:  # damaged sheet contents surface only while reading rows
            raise MapFileError(path, f"a sheet cannot be read ({exc.__class__.__name__}); "
                               "open it in Excel and save it again") from None
        finally:
            book.close()
    builder = build_map(path, tables["elements"], tables["connections"], where=(
        "sheet Elements, row {}", "sheet Connections, row {}", 2))
    return builder.finish()


def _rows(path, sheet, title: str) -> list[dict]:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        return []
    names = [" ".join(str(h).replace("_", " ").split()).casefold() if h is not None else "" for h in header]
    records = []
    for number, row in enumerate(rows, 2):
        if number > _MAX_ROWS:
            raise MapFileError(path, f"sheet {title} has more than {_MAX_ROWS} rows; split the map")
        if row is None or all(cell in (None, "") for cell in row):
            continue
        records.append({name: cell for name, cell in zip(names, row) if name and cell not in (None, "")})
    return records


def write_map(cmap: CausalMap, path: str | os.PathLike) -> list[str]:
    """Write a Kumu import spreadsheet (sheets Elements and Connections); returns the path written."""
    import openpyxl

    path = check_output(path)
    elements, connections = export_records(cmap)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, records, columns in (("Elements", elements, _ELEMENT_COLUMNS),
                                    ("Connections", connections, _CONNECTION_COLUMNS)):
        sheet = book.create_sheet(title)
        sheet.append(list(columns))
        for record in records:
            sheet.append([_cell(record.get(key)) for key in columns.values()])
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        book.save(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return [str(path)]


def _cell(value):
    if isinstance(value, bool):
        return "yes" if value else None
    return value
