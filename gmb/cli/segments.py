"""``gmb segment add|set|remove|list``: the groups of children a map tells apart (:mod:`gmb.maps.segments`).

Example
-------
>>> import pathlib, tempfile
>>> from click.testing import CliRunner
>>> from gmb.cli import main
>>> path = str(pathlib.Path(tempfile.mkdtemp()) / "map.yaml")
>>> _ = CliRunner().invoke(main, ["new", path, "--title", "Trivsel"])
>>> CliRunner().invoke(main, ["segment", "add", path, "exposed", "--share", "0.2", "--label", "Udsatte"]).output
'segments: exposed 20 %, others 80 %\\n'
"""

from __future__ import annotations

import click

from gmb.cli.common import CommandGroup, echo_json, language_option, map_argument, map_language, parse_assignments
from gmb.maps.editchecks import labels
from gmb.maps.segment_edit import add_segment, remove_segment, set_segment
from gmb.maps.store import edit_map, load_map
from gmb.render.numbers import percent

__all__ = ["segment_group"]


@click.group("segment", cls=CommandGroup)
def segment_group():
    """Tell groups of children apart: add, set, remove and list segments."""


@segment_group.command("add")
@map_argument
@click.argument("segment")
@click.option("--share", type=float, required=True, help="The group's part of the children, e.g. 0.2.")
@click.option("--label", help="Its name in the map's first language.")
@click.option("--label-en", help="Its name in English.")
def segment_add(map_path, segment, share, label, label_en):
    """Add a group of children; the others' shares make room.

    The first group added also makes 'others', the rest of the children.

    \b
    Example:
      gmb segment add models/havndal.yaml young_carers --share 0.05 --label "Unge pårørende" --label-en "Young carers"
    """
    with edit_map(map_path) as cmap:
        add_segment(cmap, segment, share, labels(cmap.languages, label, label_en) if label else None)
        shares = _shares(cmap)
    click.echo(f"segments: {shares}")


@segment_group.command("set")
@map_argument
@click.argument("segment")
@click.argument("assignments", nargs=-1, required=True, metavar="KEY=VALUE...")
def segment_set(map_path, segment, assignments):
    """Set a group's label, label.LANG, share or notes.

    A new share is taken from (or given to) the other groups in proportion.

    \b
    Example:
      gmb segment set models/havndal.yaml exposed share=0.25 label.en="Children in exposed families"
    """
    updates = parse_assignments(assignments)
    if isinstance(updates.get("share"), str):
        raise click.BadParameter(f"share={updates['share']!r} must be a number, e.g. share=0.25",
                                 param_hint="KEY=VALUE")
    with edit_map(map_path) as cmap:
        set_segment(cmap, segment, updates)
        shares = _shares(cmap)
    click.echo(f"segments: {shares}")


@segment_group.command("remove")
@map_argument
@click.argument("segment")
def segment_remove(map_path, segment):
    """Remove a group; its share goes back to the others.

    With one group left the map has no segments any more.

    \b
    Example:
      gmb segment remove models/havndal.yaml exposed
    """
    with edit_map(map_path) as cmap:
        remove_segment(cmap, segment)
        shares = _shares(cmap) if cmap.meta.get("segments") else ""
    click.echo(f"segments: {shares}" if shares else "the map has no segments now")


@segment_group.command("list")
@map_argument
@language_option("Language of the labels (default: the map's first).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def segment_list(map_path, lang, as_json):
    """List the groups, their shares and which variables are per group.

    \b
    Example:
      gmb segment list models/havndal.yaml --lang en
    """
    from gmb.maps.segments import segmented_variables

    cmap = load_map(map_path)
    lang = map_language(cmap, lang, map_path)
    block = cmap.meta.get("segments") or {}
    per_group = segmented_variables(cmap)
    shared = [var for var in cmap.graph if var not in per_group]
    if as_json:
        echo_json({"segments": [{"id": s, "label": cmap.text(e.get("label"), lang, default=s), "share": e.get("share")}
                                for s, e in block.items()], "per_segment": per_group, "shared": shared})
        return
    if not block:
        click.echo(f"{map_path}: no segments; add a group with 'gmb segment add {map_path} ID --share 0.2'")
        return
    for segment, entry in block.items():
        click.echo(f"{segment}: {cmap.text(entry.get('label'), lang, default=segment)}, "
                   f"{percent(100 * entry.get('share', 0), lang)}")
    click.echo(f"per group ({len(per_group)}): {', '.join(per_group)}")
    click.echo(f"shared ({len(shared)}): {', '.join(shared)}")


def _shares(cmap) -> str:
    return ", ".join(f"{s} {percent(100 * e['share'], cmap.languages[0])}" for s, e in cmap.meta["segments"].items())


COMMANDS = [segment_group]
