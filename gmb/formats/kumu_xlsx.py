"""Kumu spreadsheets (``.xlsx``): import and export.

Kumu's import spreadsheet has a sheet ``Elements`` (header row with ``Label`` in A1, or ``ID`` in A1
and ``Label``, and ``Type``, ``Description``, ``Tags``, …) and a sheet ``Connections`` (``From``, ``To``
— element labels, or their IDs —, ``Type`` — the polarity ``+``/``-``, ``++`` … —, ``Direction``,
``Delay``, ``Strength``, ``Description``). Several values in one cell are separated by ``|``; the first
is used. Headers are matched ignoring case. The rows mean what the same fields mean in Kumu JSON (see
:mod:`gmb.formats.kumu`), and export writes the same fields (``ID`` first, with the ``gmb id``,
``gmb theme`` and ``label da`` … columns), so a map round-trips with its ids, labels in every language,
polarities, strengths and themes. Needs ``openpyxl``, imported only here.

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
[('screens', 'sleep', {'polarity': '-', 'strength': 'strong'})]
"""

from __future__ import annotations

import io
import os
import re
import warnings
import zipfile
import zlib
from pathlib import Path

from gmb.errors import MapFileError
from gmb.formats.files import check_output, write_output
from gmb.formats.kumu import build_map, export_records, label_columns
from gmb.maps.causalmap import CausalMap
from gmb.maps.limits import MAX_CELLS, MAX_FILE_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES, size_refused

__all__ = ["read_map", "write_map"]

_MAX_COLUMNS = 200
"""Columns read from a sheet; Kumu's own are a dozen."""
_ELEMENT_COLUMNS = {"ID": "id", "Label": "label", "Type": "type", "Description": "description",
                    "gmb id": "gmb id", "gmb theme": "gmb theme"}
_CONNECTION_COLUMNS = {"From": "from", "To": "to", "Type": "connection type", "Direction": "direction",
                       "Delay": "delay", "Strength": "strength", "Description": "description"}


def read_map(path: str | os.PathLike) -> tuple[CausalMap, list[str]]:
    """Read a Kumu spreadsheet: ``(map, warnings)``."""
    import openpyxl

    path = Path(path)
    if path.is_dir() or not path.exists():
        raise MapFileError(path, "is a directory, not a file" if path.is_dir() else "no such file; check the path")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise MapFileError(path, size_refused(size, MAX_FILE_BYTES))
    if not zipfile.is_zipfile(path):
        raise MapFileError(path, "is not an .xlsx spreadsheet (not a zip archive); save it as Excel .xlsx")
    _check_sizes(path)
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
            headers: dict[str, list[str]] = {}
            tables = {name: _rows(path, sheets[name], name.title(), headers) if name in sheets else []
                      for name in ("elements", "connections")}
        except MapFileError:
            raise
        except Exception as exc:  # damaged sheet contents surface only while reading rows
            raise MapFileError(path, f"a sheet cannot be read ({exc.__class__.__name__}); "
                               "open it in Excel and save it again") from None
        finally:
            book.close()
    languages = [name[6:] for name in headers.get("Elements", []) if re.fullmatch(r"label [a-z]{2,3}", name)]
    builder = build_map(path, tables["elements"], tables["connections"], where=(
        "sheet Elements, row {}", "sheet Connections, row {}", 2), languages=languages or None)
    return builder.finish()


def _check_sizes(path: Path) -> None:
    """:class:`MapFileError` if what the file unpacks to is larger than gmb reads (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise MapFileError(path, size_refused(unpacked, MAX_UNPACKED_BYTES, "gmb reads from a spreadsheet",
                                                      verb="unpacks to"))
            cells = sum(_count_cells(archive, info) for info in archive.infolist()
                        if info.filename.startswith("xl/") and info.filename.endswith(".xml"))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, RuntimeError, NotImplementedError):
        # RuntimeError: a part marked encrypted; NotImplementedError: a compression zipfile cannot unpack
        raise MapFileError(path, "is a damaged or encrypted zip archive; open it in Excel and save it again") from None
    if cells > MAX_CELLS:
        raise MapFileError(path, f"holds {cells:,} cells and texts, more than the {MAX_CELLS:,} gmb reads from a "
                           "spreadsheet; check that it is the right file, or split it")


_CELL = re.compile(rb"<(?:\w+:)?(?:c|si)[\s>/]")
"""The start of a cell (``<c ...>``) or of a shared text (``<si>``), with or without a namespace prefix."""


def _count_cells(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Cells and shared texts in one part, counted while unpacking it in pieces (openpyxl is far slower)."""
    count, tail = 0, b""
    with archive.open(info) as part:
        while chunk := part.read(1 << 20):
            block = tail + chunk
            count += len(_CELL.findall(block))
            tail = block[-16:]
            count -= len(_CELL.findall(tail))  # counted again with the next piece
    return count


def _rows(path, sheet, title: str, headers: dict[str, list[str]]) -> list[dict]:
    """The sheet's rows as records keyed by its header (lower case), which goes into ``headers[title]``."""
    rows = sheet.iter_rows(values_only=True, max_col=_MAX_COLUMNS)  # no padding to a claimed XFD column
    header = next(rows, None)
    if not header:
        return []
    names = [" ".join(str(h).replace("_", " ").split()).casefold() if h is not None else "" for h in header]
    headers[title] = names
    records, cells = [], len(header)
    for number, row in enumerate(rows, 2):
        cells += len(row) if row else 0
        if number > MAX_ROWS or cells > MAX_CELLS:
            raise MapFileError(path, f"sheet {title} has more than {MAX_ROWS:,} rows or {MAX_CELLS:,} cells "
                               "(gmb reads at most these); split the map")
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
    labels = {column: column for column in label_columns(cmap)}
    for title, records, columns in (("Elements", elements, _ELEMENT_COLUMNS | labels),
                                    ("Connections", connections, _CONNECTION_COLUMNS)):
        sheet = book.create_sheet(title)
        sheet.append(list(columns))
        for record in records:
            sheet.append([_cell(record.get(key)) for key in columns.values()])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text such as "=0" stays text, never a formula
    book.properties.creator = "gmb"  # how gmb knows the file as its own output (gmb.maps.outpaths)
    buffer = io.BytesIO()
    book.save(buffer)
    write_output(path, buffer.getvalue())
    return [str(path)]


def _cell(value):
    if isinstance(value, bool):
        return "yes" if value else None
    return value
