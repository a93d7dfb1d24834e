"""A map as CSV: an edge list (one link a row), a variables CSV (one variable a row) and a map CSV.

The edge list needs a header row naming at least ``from,to,polarity``; it may add ``strength``
(weak|medium|strong or a number), ``delay`` (true/false or a time), ``confidence``, ``notes``, ``flow``
(yes/no) and ``source_workshop``, ``source_group``, ``source_quote``, ``source_map``. ``from`` and ``to``
name variables by id (or, when a variables CSV is given, by a label in any language); names ignore case.

The variables CSV needs ``id`` and may have ``label_<lang>`` (one column a language, e.g.
``label_da,label_en``; a plain ``label`` counts as ``label_da``), ``theme``, ``kind``,
``adjust_time``, ``units``, ``notes``, ``initial``, ``equation``, ``min``, ``max``, ``synonyms``
(separated by ``|``), the ``source_…`` columns, ``outcome`` (yes for the map's outcome) and
``x``, ``y`` (layout). Variables named in the edge list but absent from it get their id as label.

The map CSV (:mod:`gmb.formats.csv_meta`) holds the title, description, languages, strengths, the
themes (labels in every language, colour, notes) and the loops (names and stories in every language).

On import the variables CSV is the one given (``variables=``, ``--variables``), else
``NAME.variables.csv`` beside ``NAME.csv`` if it exists; the map CSV is ``NAME.map.csv`` beside it if it
exists (without it, the title is the file's name and themes are labelled by their ids). Export always
writes all three, the variables to ``variables=`` or by default ``NAME.variables.csv``, and returns
(the CLI prints) every file written. See :mod:`gmb.formats.csv_table` for encodings and delimiters.

What a round trip keeps: every variable and link with the keys above, links in their order, the
outcome (in the variables' order), layout positions and everything the map CSV holds. Text comes
back without surrounding spaces (cells are stripped) and synonyms without ``|``; any other
characters (æ, ø, å, quotes, commas, semicolons, line breaks) are kept. Not kept: a link's
``proposed_by`` (written by ``gmb merge``), keys a map file does not know, empty text.

Example
-------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "links.csv").write_text("from;to;polarity\\nSkærmtid;Søvn;-\\n", encoding="utf-8")
>>> cmap, warnings = read_map(folder / "links.csv")
>>> [(u, v, a["polarity"]) for u, v, a in cmap.links()], cmap.label("Søvn")
([('Skærmtid', 'Søvn', '-')], 'Søvn')
>>> cmap.meta["title"] = "Trivsel, søvn"
>>> [pathlib.Path(f).name for f in write_map(cmap, folder / "out.csv")]
['out.csv', 'out.variables.csv', 'out.map.csv']
>>> again, warnings = read_map(folder / "out.csv")
>>> again.title, len(warnings)
('Trivsel, søvn', 2)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from gmb.errors import MapFileError
from gmb.formats.builder import MapBuilder, is_position, parse_polarity
from gmb.formats.csv_meta import COLUMNS as META_COLUMNS
from gmb.formats.csv_meta import meta_path, meta_rows, read_meta
from gmb.formats.csv_table import cell, check_columns, number, read_table, text_list, write_table
from gmb.formats.files import check_output, write_output
from gmb.maps.causalmap import CausalMap
from gmb.maps.schema import CONFIDENCES, DEFAULT_LANGUAGES, KINDS, STRENGTHS

__all__ = ["read_map", "write_map", "variables_path"]

_YES, _NO = {"yes", "y", "true", "ja", "j", "x", "1"}, {"no", "n", "false", "nej", "0", ""}


def variables_path(path: str | os.PathLike) -> Path:
    """The default variables CSV beside an edge list: ``links.csv`` → ``links.variables.csv``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.variables.csv")


def read_map(path: str | os.PathLike, variables: str | os.PathLike | None = None) -> tuple[CausalMap, list[str]]:
    """Read an edge list (and a variables CSV, and the map CSV beside it): ``(map, warnings)``."""
    builder = MapBuilder(path)
    given: set[str] = set()
    if meta_path(path).is_file():
        builder.warnings.append(f"{path}: read the title, languages, themes and loops from {meta_path(path)} "
                                "(found beside it)")
        given = read_meta(meta_path(path), builder.meta, builder.warnings)
    if variables is None and variables_path(path).is_file():
        variables = variables_path(path)
        builder.warnings.append(f"{path}: read the variables from {variables} (found beside it)")
    names: dict[str, str] = {}
    if variables is not None:
        _read_variables(variables, builder, names, given)
    columns, rows = read_table(path, builder.warnings)
    missing = [c for c in ("from", "to", "polarity") if c not in columns]
    if missing:
        hint = ("; this looks like a map CSV: import the edge list beside it" if set(META_COLUMNS) <= set(columns)
                else "; this looks like a variables CSV: import the edge list and give this file with --variables"
                if "id" in columns else "")
        raise MapFileError(path, f"missing column(s) {', '.join(missing)}: the header must name "
                           f"from,to,polarity{hint}", line=1)
    check_columns(path, columns, set(_LINK_COLUMNS) | {"from", "to", "polarity"})
    known_vars = set(builder.variables)
    for line, row in rows:
        ends = []
        for end in ("from", "to"):
            name = row.get(end, "")
            var = name if name in builder.variables else names.get(name.casefold(), name)
            names.setdefault(var.casefold(), var)
            ends.append(var)
        attrs = {"polarity": cell(path, line, "polarity", row.get("polarity", ""), parse_polarity)}
        for column, (keys, parse) in _LINK_COLUMNS.items():
            if row.get(column):
                _put(attrs, keys, cell(path, line, column, row[column], parse))
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
    """Write the edge list to ``path``, the variables CSV and the map CSV beside it; returns the three paths."""
    path = check_output(path)
    var_path = check_output(variables if variables is not None else variables_path(path))
    info_path = check_output(meta_path(path))
    if var_path.resolve() in (path.resolve(), info_path.resolve()):
        raise MapFileError(var_path, "the variables CSV needs a file name of its own; give another with --variables")
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
    write_output(var_path, write_table(fixed, var_rows, delimiter))
    write_output(info_path, write_table(META_COLUMNS, meta_rows(cmap), delimiter))
    write_output(path, write_table(["from", "to", "polarity", "strength", "delay"], link_rows, delimiter))
    return [str(path), str(var_path), str(info_path)]


# -- reading ---------------------------------------------------------------------------------
def _read_variables(path, builder: MapBuilder, names: dict[str, str], given: set[str]) -> None:
    columns, rows = read_table(path, builder.warnings)
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
    check_columns(path, columns, {"id", "outcome", "x", "y", *_VARIABLE_COLUMNS} | {f"label_{x}" for x in langs})
    if "languages" not in given:
        builder.meta["languages"] = langs or list(DEFAULT_LANGUAGES)
    outcome, layout = builder.meta["outcome"], {}
    for line, row in rows:
        attrs: dict[str, Any] = {}
        label = {lang: row[f"label_{lang}"] for lang in langs if row.get(f"label_{lang}")}
        if label:
            attrs["label"] = label
        for column, (keys, parse) in _VARIABLE_COLUMNS.items():
            if row.get(column):
                _put(attrs, keys, cell(path, line, column, row[column], parse))
        var = builder.add_variable(row.get("id"), attrs, where=line)
        for text in [var, *label.values()]:
            names.setdefault(text.casefold(), var)
        if cell(path, line, "outcome", row.get("outcome", ""), _flag) and var not in outcome:
            outcome.append(var)
        position = [row.get("x", ""), row.get("y", "")]
        if any(position):
            if not all(position):
                raise MapFileError(path, "give both x and y (the layout position), or neither", line=line)
            layout[var] = [cell(path, line, axis, text, number) for axis, text in zip("xy", position)]
    themes = builder.meta["themes"] = builder.meta.get("themes") or {}
    first = builder.meta["languages"][0]
    for theme in (a["theme"] for a in builder.variables.values() if isinstance(a.get("theme"), str)):
        themes.setdefault(theme, {"label": {first: theme}})
    if layout:
        builder.meta["layout"] = layout


def _put(attrs: dict, keys: tuple[str, ...], value: Any) -> None:
    if len(keys) == 1:
        attrs[keys[0]] = value
    else:
        attrs.setdefault(keys[0], {})[keys[1]] = value


# -- values ----------------------------------------------------------------------------------
def _text(text: str) -> str:
    return text


def _named_or_number(names: tuple[str, ...]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        if text.casefold() in names:
            return text.casefold()
        try:
            return number(text)
        except ValueError:
            raise ValueError(f"{text!r} is not one of {', '.join(names)} or a number") from None
    return parse


def _delay(text: str) -> bool | int | float:
    word = text.casefold()
    if word in _YES - {"1"} or word in _NO - {"0"}:
        return word in _YES
    try:
        return number(text)
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


_SOURCE = {f"source_{key}": (("source", key), _text) for key in ("workshop", "group", "quote", "map")}
_LINK_COLUMNS: dict[str, tuple[tuple[str, ...], Callable]] = {
    "strength": (("strength",), _named_or_number(STRENGTHS)), "delay": (("delay",), _delay),
    "confidence": (("confidence",), _named_or_number(CONFIDENCES)), "notes": (("notes",), _text),
    "flow": (("flow",), _flag), **_SOURCE,
}
_VARIABLE_COLUMNS: dict[str, tuple[tuple[str, ...], Callable]] = {
    "theme": (("theme",), _text), "kind": (("kind",), _kind), "adjust_time": (("adjust_time",), number),
    "units": (("units",), _text), "notes": (("notes",), _text), "initial": (("initial",), number),
    "equation": (("equation",), _text), "min": (("min",), number), "max": (("max",), number),
    "synonyms": (("synonyms",), text_list), **_SOURCE,
}


# -- writing ---------------------------------------------------------------------------------
def _get(attrs: dict, keys: tuple[str, ...]) -> Any:
    value = attrs.get(keys[0])
    if len(keys) == 1:
        return value
    return value.get(keys[1]) if isinstance(value, dict) else None
