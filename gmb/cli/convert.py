"""``gmb import`` and ``gmb export``: maps to and from other tools' formats (see :mod:`gmb.formats`).

Example
-------
>>> import pathlib, tempfile
>>> from click.testing import CliRunner
>>> from gmb.cli import main
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "links.csv").write_text("from,to,polarity\\nSkærmtid,Søvn,-\\n", encoding="utf-8")
>>> result = CliRunner().invoke(main, ["import", str(folder / "links.csv"), "-o", str(folder / "map.yaml")])
>>> result.exit_code, result.output.startswith("imported 2 variables, 1 links")
(0, True)
"""

from __future__ import annotations

import click

from gmb.cli.common import force_option, guarded_outputs, map_argument, warn
from gmb.formats import FORMATS, export_map, import_file
from gmb.maps.store import load_map

_READS = [fmt for fmt in FORMATS.values() if fmt.reader]
_WRITES = [fmt for fmt in FORMATS.values() if fmt.writer]
"""The formats ``gmb import`` reads and ``gmb export`` writes (each command's help names only its own)."""


def _format_help(formats) -> str:
    return f"One of {', '.join(fmt.name for fmt in formats)}; by default guessed from the file's extension."


@click.command("import")
@click.argument("file", type=click.Path(path_type=str))
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=str),
              help="The map file to create (.yaml).")
@click.option("--format", "fmt", metavar="F", help=_format_help(_READS))
@click.option("--variables", type=click.Path(path_type=str),
              help="CSV only: the variables CSV (id,label_da,label_en,theme,kind,…); "
                   "default NAME.variables.csv beside NAME.csv if it exists. The title, themes and loops "
                   "are read from NAME.map.csv beside NAME.csv if it exists.")
@click.option("--title", help="The map's title (default: the file's, or its name).")
@click.option("--force", is_flag=True, help="Replace an existing map file (never the file imported).")
def import_command(file, out, fmt, variables, title, force):
    """Read a map from another tool's format into a new map file.

    \b
    Example:
      gmb import models/examples/links.csv -o sleep.yaml --variables models/examples/variables.csv --title "Søvn"
    """
    options = {"variables": variables} if variables else {}
    cmap, warnings = import_file(file, out, fmt, force=force, title=title, **options)
    for message in warnings:
        warn(message)
    click.echo(f"imported {cmap.graph.number_of_nodes()} variables, {cmap.graph.number_of_edges()} links, "
               f"{len(cmap.themes)} themes from {file} into {out} (check it with: gmb validate {out})")


@click.command("export")
@map_argument
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=str),
              help=f"The file to write ({', '.join(dict.fromkeys(e for fmt in _WRITES for e in fmt.extensions))}).")
@click.option("--format", "fmt", metavar="F", help=_format_help(_WRITES))
@click.option("--variables", type=click.Path(path_type=str),
              help="CSV only: where to write the variables CSV (default NAME.variables.csv beside NAME.csv); "
                   "the title, themes and loops go to NAME.map.csv beside NAME.csv.")
@force_option
def export_command(map_path, out, fmt, variables, force):
    """Write a map in another tool's format, or as a picture.

    \b
    Example:
      gmb export models/havndal.yaml -o havndal.csv
      gmb export models/havndal.yaml -o havndal.graphml
      gmb export models/havndal.yaml -o havndal.png
    """
    options = {"variables": variables} if variables else {}
    with guarded_outputs(map_path, force=force) as outputs:
        files = export_map(load_map(map_path), out, fmt, **options)
    files += [str(p) for p in outputs.written if str(p) not in files]  # every file written, also the extra ones
    click.echo(f"wrote {', '.join(files)}")


COMMANDS = [import_command, export_command]
