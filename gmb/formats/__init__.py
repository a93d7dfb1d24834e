"""Import and export of maps in other tools' formats, through one small registry.

Each format is a :class:`Format` entry naming the module that handles it; the module is imported
only when the format is used, so heavy libraries (matplotlib, lxml, …) load only for their format.
This layer may import :mod:`gmb.maps` only. The picture formats (PNG, SVG, PDF) name a module of
:mod:`gmb.render` as a plug-in entry (a string, imported only when a picture is exported).
A module provides ``read_map(path, **options) -> (CausalMap, warnings)`` to import and/or
``write_map(cmap, path, **options) -> [files written]`` to export; the entry names the functions.

To add a format, add an entry to ``_BUILTIN`` below (or call :func:`register` from a plug-in),
e.g. pictures drawn by a matplotlib renderer, export only::

    Format("png", (".png",), "gmb.render.picture", "PNG picture", reader=None, writer="write_png")
    Format("svg", (".svg",), "gmb.render.picture", "SVG picture", reader=None, writer="write_svg")

and an importer (Kumu, Vensim, XMILE, Mental Modeler, LOOPY, PRSM) as
``Format("vensim", (".mdl",), "gmb.formats.vensim", "Vensim model", writer=None)``, building its map
with :class:`gmb.formats.builder.MapBuilder` so that duplicates are merged with a warning.
Where two formats share an extension (``.json``), the first registered is the one guessed;
the other is chosen with ``format=``.

Example
-------
>>> import tempfile, pathlib
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("Trivsel")
>>> cmap.add_variable("sleep", {"da": "Søvn"}); cmap.add_variable("mood", {"da": "Humør"})
>>> _ = cmap.add_link("sleep", "mood", "+")
>>> path = pathlib.Path(tempfile.mkdtemp()) / "trivsel.graphml"
>>> export_map(cmap, path) == [str(path)]
True
>>> again, warnings = import_map(path)
>>> again.to_data() == cmap.to_data(), warnings
(True, [])
"""

from __future__ import annotations

import importlib
import inspect
import os
from dataclasses import dataclass
from pathlib import Path

from gmb.errors import GmbError, MapEditError, OutputPathError
from gmb.maps.causalmap import CausalMap
from gmb.maps.outpaths import refuse_inputs
from gmb.maps.store import create_map

__all__ = ["Format", "FORMATS", "register", "guess_format", "import_map", "export_map", "import_file"]


@dataclass(frozen=True)
class Format:
    """A file format: its name, extensions (with the dot), the module handling it, and its functions."""

    name: str
    extensions: tuple[str, ...]
    module: str
    description: str
    reader: str | None = "read_map"
    writer: str | None = "write_map"


FORMATS: dict[str, Format] = {}
"""The known formats by name, in registration order."""


def register(fmt: Format) -> None:
    """Make a format known to :func:`import_map`, :func:`export_map` and ``gmb import/export``."""
    if fmt.name in FORMATS:
        raise ValueError(f"format {fmt.name!r} is registered already")
    FORMATS[fmt.name] = fmt


_BUILTIN = (
    Format("csv", (".csv",), "gmb.formats.csv_edges", "edge list CSV (from,to,polarity,…) plus a variables CSV and a map CSV"),
    Format("graphml", (".graphml",), "gmb.formats.graphml", "GraphML (networkx, Gephi; reads yEd)"),
    Format("nodelink", (".json",), "gmb.formats.nodelink", "networkx node-link JSON"),
    Format("kumu", (".json",), "gmb.formats.kumu", "Kumu JSON (blueprint or project export)"),
    Format("kumu-xlsx", (".xlsx",), "gmb.formats.kumu_xlsx", "Kumu spreadsheet (sheets Elements, Connections)"),
    Format("vensim", (".mdl",), "gmb.formats.vensim", "Vensim model (CLD or stock-and-flow)", writer=None),
    Format("xmile", (".xmile", ".stmx", ".itmx", ".xml"), "gmb.formats.xmile",
           "XMILE / Stella / iThink model (CLD or stock-and-flow)", writer=None),
    Format("mentalmodeler", (".mmp", ".json"), "gmb.formats.mentalmodeler", "Mental Modeler map", writer=None),
    Format("loopy", (".loopy", ".json"), "gmb.formats.loopy", "LOOPY model", writer=None),
    Format("prsm", (".prsm", ".json"), "gmb.formats.prsm", "PRSM (Participatory System Mapper) map"),
    Format("png", (".png",), "gmb.render.static", "PNG picture of the diagram", reader=None, writer="write_png"),
    Format("svg", (".svg",), "gmb.render.static", "SVG picture of the diagram", reader=None, writer="write_svg"),
    Format("pdf", (".pdf",), "gmb.render.static", "PDF picture of the diagram", reader=None, writer="write_pdf"),
)
for _fmt in _BUILTIN:
    register(_fmt)


def guess_format(path: str | os.PathLike, format: str | None = None, action: str = "read") -> Format:
    """The format given by name, or else the one that claims the file's extension (GmbError if none)."""
    known = "; ".join(f"{f.name} ({', '.join(f.extensions)})" for f in FORMATS.values()
                      if getattr(f, "reader" if action == "read" else "writer"))
    if format is not None:
        fmt = FORMATS.get(format.strip().lower())
        if fmt is None:
            raise GmbError(f"unknown format {format!r}; known formats: {known}")
    else:
        suffix = Path(path).suffix.lower()
        fmt = next((f for f in FORMATS.values() if suffix in f.extensions), None)
        if suffix == ".json" and action == "read":  # several tools write .json: tell them by their shape
            from gmb.formats.sniff import json_format
            fmt = FORMATS[json_format(path)]
        if fmt is None and action == "read" and suffix in (".yaml", ".yml"):
            raise GmbError(f"{path}: is a gmb map file already; open it with the other gmb commands")
        if fmt is None:
            ext = f"the extension {suffix!r}" if suffix else "a name without extension"
            raise GmbError(f"{path}: cannot tell the format from {ext}; "
                           f"give --format, known formats: {known}")
    if getattr(fmt, "reader" if action == "read" else "writer") is None:
        other = "exported" if action == "read" else "imported"
        raise GmbError(f"format {fmt.name!r} can only be {other}; formats that can be "
                       f"{'imported' if action == 'read' else 'exported'}: {known}")
    return fmt


def import_map(path: str | os.PathLike, format: str | None = None, **options) -> tuple[CausalMap, list[str]]:
    """Read a map from ``path``: ``(map, warnings)``. ``title=`` replaces the title the file gives.

    Other options go to the format's reader (e.g. ``variables=`` for ``csv``).
    """
    fmt = guess_format(path, format, "read")
    title = options.pop("title", None)
    cmap, warnings = _function(fmt, fmt.reader, options)(path, **options)
    if title:
        cmap.meta["title"] = title
    return cmap, warnings


def export_map(cmap: CausalMap, path: str | os.PathLike, format: str | None = None, **options) -> list[str]:
    """Write a map to ``path`` in a format (by default the one of its extension); returns the files written.

    A map with invalid links (to a missing variable, or repeated) is refused: fix it first.
    """
    fmt = guess_format(path, format, "write")
    if cmap.invalid_links:
        link = cmap.invalid_links[0]
        raise MapEditError(f"the map has {len(cmap.invalid_links)} invalid link(s) (first: {link.get('from')} → "
                           f"{link.get('to')}); fix them (see 'gmb validate') before exporting")
    return _function(fmt, fmt.writer, options)(cmap, path, **options)


def import_file(path: str | os.PathLike, out: str | os.PathLike, format: str | None = None,
                force: bool = False, **options) -> tuple[CausalMap, list[str]]:
    """Import ``path`` and save it as the map file ``out``; refuses to replace a file unless ``force``
    (:func:`gmb.maps.store.create_map`: created exclusively), and never replaces an input file."""
    out = Path(out)
    if out.is_dir():
        raise MapEditError(f"{out}: is a directory; give the name of the map file to write, e.g. map.yaml")
    refuse_inputs(out, [path, options.get("variables")])
    if os.path.lexists(out) and not force:
        raise OutputPathError(out, "exists already; choose another name", replaceable=True)
    cmap, warnings = import_map(path, format, **options)
    create_map(cmap, out, force=force)
    return cmap, warnings


def _function(fmt: Format, name: str, options: dict):
    function = getattr(importlib.import_module(fmt.module), name)
    accepted = inspect.signature(function).parameters
    for option in options:
        if option not in accepted:
            raise GmbError(f"option {option!r} does not apply to format {fmt.name!r}")
    return function
