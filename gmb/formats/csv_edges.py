"""A map as CSV: an edge list (one link a row) plus an optional variables CSV (one variable a row).

The edge list needs a header row naming at least ``from,to,polarity``; it may add ``strength``
(weak|medium|strong or a number), ``delay`` (true/false or a time), ``confidence``, ``notes`` and
``source_workshop``, ``source_group``, ``source_quote``, ``source_map``. ``from`` and ``to`` name
variables by id (or, when a variables CSV is given, by a label in any language); names ignore case.

The variables CSV needs ``id`` and may have ``label_<lang>`` (one column a language, e.g.
``label_da,label_en``; a plain ``label`` counts as ``label_da``), ``theme``, ``kind``,
``adjust_time``, ``units``, ``notes``, ``initial``, ``equation``, ``min``, ``max``, ``synonyms``
(separated by ``|``), the ``source_…`` columns, ``outcome`` (yes for the map's outcome) and
``x``, ``y`` (layout). Variables named in the edge list but absent from it get their id as label.

On import the variables CSV is the one given (``variables=``, ``--variables``), else
``NAME.variables.csv`` beside ``NAME.csv`` if it exists. Export always writes both, the variables
to ``variables=`` or by default ``NAME.variables.csv``. Files are read as UTF-8 with or without a
byte-order mark (falling back, with a warning, to Windows-1252, which older Excel writes); the
delimiter (``,`` ``;`` or tab) is sniffed from the header, and ``0,5`` is read as 0.5. Files are
written as UTF-8 with a byte-order mark so that Excel shows æ, ø, å; cells are stripped of
surrounding spaces. CSV does not hold the title, theme labels, loops or unknown keys.

Example
-------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "links.csv").write_text("from;to;polarity\\nSkærmtid;Søvn;-\\n", encoding="utf-8")
>>> cmap, warnings = read_map(folder / "links.csv")
>>> [(u, v, a["polarity"]) for u, v, a in cmap.links()], cmap.label("Søvn")
([('Skærmtid', 'Søvn', '-')], 'Søvn')
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from pathlib import Path
from typing import Any, Callable

from gmb.errors import MapFileError
from gmb.formats.builder import MapBuilder, is_position, parse_polarity
from gmb.formats.files import check_output, read_input, write_output
from gmb.maps.causalmap import CausalMap
from gmb.maps.limits import MAX_ROWS
from gmb.maps.schema import CONFIDENCES, DEFAULT_LANGUAGES, KINDS, STRENGTHS
from gmb.maps.store import decode_text

__all__ = ["read_map", "write_map", "variables_path"]

_YES, _NO = {"yes", "y", "true", "ja", "j", "x", "1"}, {"no", "n", "false", "nej", "0", ""}


def variables_path(path: str | os.PathLike) -> Path:
    """The default variables CSV beside an edge list: ``links.csv`` → ``links.variables.csv``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.variables.csv")


def read_map(path: str | os.PathLike, variables: str | os.PathLike | None = None) -> tuple[CausalMap, list[str]]:
    """Read an edge list (and a variables CSV): ``(map, warnings)``."""
    builder = MapBuilder(path)
    if variables is None and variables_path(path).is_file():
        variables = variables_path(path)
        builder.warnings.append(f"{path}: read the variables from {variables} (found beside it)")
    names: dict[str, str] = {}
    if variables is not None:
        _read_variables(variables, builder, names)
    columns, rows = _read_table(path, builder.warnings)
    missing = [c for c in ("from", "to", "polarity") if c not in columns]
    if missing:
        hint = ("; this looks like a variables CSV: import the edge list and give this file with --variables"
                if "id" in columns else "")
        raise MapFileError(path, f"missing column(s) {', '.join(missing)}: the header must name "
                           f"from,to,polarity{hint}", line=1)
    _check_columns(path, columns, set(_LINK_COLUMNS) | {"from", "to", "polarity"})
    known_vars = set(builder.variables)
    for line, row in rows:
        ends = []
        for end in ("from", "to"):
            name = row.get(end, "")
            var = name if name in builder.variables else names.get(name.casefold(), name)
            names.setdefault(var.casefold(), var)
            ends.append(var)
        attrs = {"polarity": _cell(path, line, "polarity", row.get("polarity", ""), parse_polarity)}
        for column, (keys, parse) in _LINK_COLUMNS.items():
            if row.get(column):
                _put(attrs, keys, _cell(path, line, column, row[column], parse))
        builder.add_link(ends[0], ends[1], attrs, where=line)
    if variables is not None:
        new = [v for v in builder.implicit if v not in known_vars]
        if new:
            shown = ", ".join(new[:5]) + (" …" if len(new) > 5 else "")
            builder.warnings.append(f"{path}: {len(new)} variable(s) not in {variables} ({shown}); "
                                    "their names are used as labels")
    return builder.finish()


def write_map(cmap: CausalMap, path: str | os.PathLike, variables: str | os.PathLike | None = None,
              delimiter: str = ",") -> list[str]:
    """Write the edge list to ``path`` and the variables CSV beside it; returns both paths."""
    path = check_output(path)
    var_path = check_output(variables if variables is not None else variables_path(path))
    if var_path.resolve() == path.resolve():
        raise MapFileError(path, "the variables CSV needs a file name of its own; give another with --variables")
    langs = list(cmap.languages)
    for _, attrs in cmap.graph.nodes(data=True):
        label = attrs.get("label")
        langs += [k for k in label if k not in langs] if isinstance(label, dict) else []
    layout = {v: p for v, p in cmap.layout.items() if is_position(p)}
    outcome = set(cmap.outcome)
    var_rows = []
    for var, attrs in cmap.graph.nodes(data=True):
        label = attrs.get("label")
        label = label if isinstance(label, dict) else {langs[0]: label}
        row = {"id": var} | {f"label_{lang}": label.get(lang) for lang in langs}
        row |= {column: _get(attrs, keys) for column, (keys, _) in _VARIABLE_COLUMNS.items()}
        row["outcome"] = "yes" if var in outcome else None
        row["x"], row["y"] = layout.get(var, (None, None))
        var_rows.append(row)
    fixed = ["id"] + [f"label_{lang}" for lang in langs] + ["theme", "kind"]
    link_rows = [{"from": u, "to": v} | {c: _get(a, keys) for c, (keys, _) in _LINK_COLUMNS.items()}
                 | {"polarity": a.get("polarity")} for u, v, a in cmap.links()]
    write_output(var_path, _table(fixed, var_rows, delimiter))
    write_output(path, _table(["from", "to", "polarity", "strength", "delay"], link_rows, delimiter))
    return [str(path), str(var_path)]


# -- reading ---------------------------------------------------------------------------------
def _read_variables(path, builder: MapBuilder, names: dict[str, str]) -> None:
    columns, rows = _read_table(path, builder.warnings)
    if "id" not in columns:
        raise MapFileError(path, "missing column 'id': the variables CSV's header must start with id,label_da,…",
                           line=1)
    plain = f"label_{DEFAULT_LANGUAGES[0]}"
    if "label" in columns:
        if plain in columns:
            raise MapFileError(path, f"columns 'label' and '{plain}' both give the {plain[6:]} label; keep one", line=1)
        columns = [plain if c == "label" else c for c in columns]
        rows = [(line, {plain if k == "label" else k: v for k, v in row.items()}) for line, row in rows]
    langs = [c[len("label_"):] for c in columns if c.startswith("label_") and len(c) > len("label_")]
    _check_columns(path, columns, {"id", "outcome", "x", "y", *_VARIABLE_COLUMNS} | {f"label_{x}" for x in langs})
    builder.meta["languages"] = langs or list(DEFAULT_LANGUAGES)
    outcome, layout = builder.meta["outcome"], {}
    for line, row in rows:
        attrs: dict[str, Any] = {}
        label = {lang: row[f"label_{lang}"] for lang in langs if row.get(f"label_{lang}")}
        if label:
            attrs["label"] = label
        for column, (keys, parse) in _VARIABLE_COLUMNS.items():
            if row.get(column):
                _put(attrs, keys, _cell(path, line, column, row[column], parse))
        var = builder.add_variable(row.get("id"), attrs, where=line)
        for text in [var, *label.values()]:
            names.setdefault(text.casefold(), var)
        if _cell(path, line, "outcome", row.get("outcome", ""), _flag) and var not in outcome:
            outcome.append(var)
        position = [row.get("x", ""), row.get("y", "")]
        if any(position):
            if not all(position):
                raise MapFileError(path, "give both x and y (the layout position), or neither", line=line)
            layout[var] = [_cell(path, line, axis, text, _number) for axis, text in zip("xy", position)]
    themes = dict.fromkeys(a["theme"] for a in builder.variables.values() if isinstance(a.get("theme"), str))
    builder.meta["themes"] = {t: {"label": {builder.meta["languages"][0]: t}} for t in themes}
    if layout:
        builder.meta["layout"] = layout


def _read_table(path, warnings: list[str]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
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
            records.append((start, [c.strip() for c in cells]))
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
    for number, column in enumerate(columns, 1):
        if not column:
            raise MapFileError(path, f"column {number} of the header has no name; name it or delete it",
                               line=header_line)
        if columns.index(column) != number - 1:
            raise MapFileError(path, f"column {column!r} appears twice in the header; keep one", line=header_line)
    rows = []
    for line, cells in records[1:]:
        if len(cells) > len(columns) and any(cells[len(columns):]):
            raise MapFileError(path, f"{len(cells)} cells but the header names {len(columns)} columns; "
                               "quote text that holds the delimiter", line=line)
        rows.append((line, dict(zip(columns, cells))))
    return columns, rows


def _check_columns(path, columns: list[str], known: set[str]) -> None:
    for column in columns:
        if column not in known:
            names = sorted(c for c in known if not c.startswith("label_"))
            names = ", ".join(names + (["label_<lang>"] if len(names) < len(known) else []))
            raise MapFileError(path, f"unknown column {column!r}; known columns: {names}", line=1)


def _cell(path, line: int, column: str, text: str, parse: Callable[[str], Any]) -> Any:
    try:
        return parse(text)
    except ValueError as exc:
        raise MapFileError(path, f"column {column!r}: {exc}", line=line) from None


def _put(attrs: dict, keys: tuple[str, ...], value: Any) -> None:
    if len(keys) == 1:
        attrs[keys[0]] = value
    else:
        attrs.setdefault(keys[0], {})[keys[1]] = value


# -- values ----------------------------------------------------------------------------------
def _text(text: str) -> str:
    return text


def _number(text: str) -> int | float:
    cleaned = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    if re.fullmatch(r"[+-]?\d+", cleaned):
        return int(cleaned)
    try:
        number = float(cleaned)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ValueError(f"{text!r} is not a number")
    return number


def _named_or_number(names: tuple[str, ...]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        if text.casefold() in names:
            return text.casefold()
        try:
            return _number(text)
        except ValueError:
            raise ValueError(f"{text!r} is not one of {', '.join(names)} or a number") from None
    return parse


def _delay(text: str) -> bool | int | float:
    word = text.casefold()
    if word in _YES - {"1"} or word in _NO - {"0"}:
        return word in _YES
    try:
        return _number(text)
    except ValueError:
        raise ValueError(f"{text!r} is not true, false or a time (a number)") from None


def _kind(text: str) -> str:
    if text.casefold() not in KINDS:
        raise ValueError(f"{text!r} is not one of {', '.join(KINDS)}")
    return text.casefold()


def _flag(text: str) -> bool:
    if text.casefold() not in _YES | _NO:
        raise ValueError(f"{text!r} is not yes or no")
    return text.casefold() in _YES


def _synonyms(text: str) -> list[str]:
    return [s.strip() for s in text.split("|") if s.strip()]


_SOURCE = {f"source_{key}": (("source", key), _text) for key in ("workshop", "group", "quote", "map")}
_LINK_COLUMNS: dict[str, tuple[tuple[str, ...], Callable]] = {
    "strength": (("strength",), _named_or_number(STRENGTHS)), "delay": (("delay",), _delay),
    "confidence": (("confidence",), _named_or_number(CONFIDENCES)), "notes": (("notes",), _text), **_SOURCE,
}
_VARIABLE_COLUMNS: dict[str, tuple[tuple[str, ...], Callable]] = {
    "theme": (("theme",), _text), "kind": (("kind",), _kind), "adjust_time": (("adjust_time",), _number),
    "units": (("units",), _text), "notes": (("notes",), _text), "initial": (("initial",), _number),
    "equation": (("equation",), _text), "min": (("min",), _number), "max": (("max",), _number),
    "synonyms": (("synonyms",), _synonyms), **_SOURCE,
}


# -- writing ---------------------------------------------------------------------------------
def _get(attrs: dict, keys: tuple[str, ...]) -> Any:
    value = attrs.get(keys[0])
    if len(keys) == 1:
        return value
    return value.get(keys[1]) if isinstance(value, dict) else None


def _format(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return "|".join(value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _table(fixed: list[str], rows: list[dict], delimiter: str) -> str:
    """CSV text (with a byte-order mark) of the fixed columns and every other column some row fills."""
    columns = fixed + [c for c in rows[0] if c not in fixed and any(r.get(c) is not None for r in rows)] if rows else fixed
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_format(row.get(c)) for c in columns] for row in rows)
    return "\ufeff" + out.getvalue()
