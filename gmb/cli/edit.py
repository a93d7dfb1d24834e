"""Editing commands for facilitators: ``gmb var ...`` and ``gmb link ...``.

Each command names variables by id or by label in any language (case does not matter), validates
the map before writing, and leaves the file untouched when anything is wrong.

Example
-------
>>> import pathlib, tempfile
>>> from click.testing import CliRunner
>>> from gmb.cli import main
>>> path = str(pathlib.Path(tempfile.mkdtemp()) / "map.yaml")
>>> for args in (["new", path, "--title", "Trivsel"], ["var", "add", path, "sleep", "--label", "Søvn"],
...              ["var", "add", path, "mood", "--label", "Humør"]):
...     _ = CliRunner().invoke(main, args)
>>> print(CliRunner().invoke(main, ["link", "add", path, "SØVN", "humør", "--polarity", "+"]).output, end="")
added link sleep → mood (+)
"""

from __future__ import annotations

import click

from gmb.cli.common import CommandGroup, language_option, map_argument, map_language, parse_assignments, warn
from gmb.maps.editchecks import labels
from gmb.maps.schema import KINDS, POLARITIES, STRENGTHS
from gmb.maps.store import edit_map


@click.group("var", cls=CommandGroup)
def var_group():
    """Add, rename, remove, merge and set variables."""


@var_group.command("add")
@map_argument
@click.argument("var_id")
@click.option("--label", required=True, help="Label in the map's first language.")
@click.option("--label-en", help="English label.")
@click.option("--theme", help="Theme id (see 'gmb show').")
@click.option("--kind", type=click.Choice(KINDS), help="index (default), stock, constant or action.")
def var_add(map_path, var_id, label, label_en, theme, kind):
    """Add a variable.

    \b
    Example:
      gmb var add models/havndal.yaml bedtime --label Sengetid --label-en Bedtime --theme family_everyday
    """
    with edit_map(map_path) as cmap:
        cmap.add_variable(var_id, labels(cmap.languages, label, label_en), theme=theme, kind=kind)
    click.echo(f"added variable {var_id}")


@var_group.command("rename")
@map_argument
@click.argument("var")
@click.argument("new")
@click.option("--label", "as_label", is_flag=True, help="Change the label instead of the id.")
@language_option("With --label: the language of the label to change.")
def var_rename(map_path, var, new, as_label, lang):
    """Give a variable a new id (links follow), or a new --label.

    \b
    Example:
      gmb var rename models/havndal.yaml screen_time "Time on screens" --label --lang en
      gmb var rename models/havndal.yaml screen_time skaermtid
    """
    with edit_map(map_path) as cmap:
        lang = map_language(cmap, lang, map_path)
        if as_label:
            var_id = cmap.set_variable(var, {f"label.{lang}": new})
            message = f"relabelled {var_id}: {new}"
        else:
            message = f"renamed {cmap.rename_variable(var, new)} to {new}"
    click.echo(message)


@var_group.command("remove")
@map_argument
@click.argument("var")
@click.option("--force", is_flag=True, help="Also remove the variable's links.")
def var_remove(map_path, var, force):
    """Remove a variable (refused while it has links, unless --force).

    \b
    Example:
      gmb var remove models/havndal.yaml sleep --force
    """
    with edit_map(map_path) as cmap:
        var_id = cmap.resolve(var)
        removed = cmap.remove_variable(var_id, force=force)
    click.echo(f"removed variable {var_id}" + (f" and {len(removed)} link(s)" if removed else ""))


@var_group.command("merge")
@map_argument
@click.argument("keep")
@click.argument("duplicate")
def var_merge(map_path, keep, duplicate):
    """Merge DUPLICATE into KEEP, which takes its links and labels.

    DUPLICATE's labels become synonyms of KEEP.

    \b
    Example:
      gmb var merge models/havndal.yaml screen_time "Brug af teknologi"
    """
    with edit_map(map_path) as cmap:
        keep_id, dup_id = cmap.resolve(keep), cmap.resolve(duplicate)
        notes = cmap.merge_variables(keep_id, dup_id)
    for note in notes:
        warn(note)
    click.echo(f"merged {dup_id} into {keep_id}")


@var_group.command("set")
@map_argument
@click.argument("var")
@click.argument("assignments", nargs=-1, required=True, metavar="KEY=VALUE...")
def var_set(map_path, var, assignments):
    """Set a variable's attributes; KEY=null removes one.

    \b
    Example:
      gmb var set models/havndal.yaml sleep adjust_time=6 label.en="Enough sleep" theme=family_everyday
    """
    updates = parse_assignments(assignments)
    if "id" in updates:
        raise click.UsageError("change an id with 'gmb var rename'")
    with edit_map(map_path) as cmap:
        var_id = cmap.set_variable(var, updates)
    click.echo(f"updated {var_id}: {', '.join(updates)}")


@click.group("link", cls=CommandGroup)
def link_group():
    """Add, remove, set and flip links (arrows)."""


def _strength(value):
    """``--strength``: a named strength, or a number (``2`` stays a whole number)."""
    if value is None or value in STRENGTHS:
        return value
    try:
        number = float(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: use weak, medium, strong or a number",
                                 param_hint="'--strength'") from None
    return int(number) if number.is_integer() and "." not in value else number


@link_group.command("add")
@map_argument
@click.argument("source_var", metavar="FROM")
@click.argument("target_var", metavar="TO")
@click.option("--polarity", required=True, type=click.Choice(POLARITIES),
              help="+ same direction, - opposite direction, ? not yet agreed.")
@click.option("--strength", help="weak, medium, strong or a number.")
@click.option("--delay", is_flag=True, default=None, help="The effect comes with a delay.")
@click.option("--confidence", type=click.Choice(["low", "medium", "high"]), help="How sure the group was.")
@click.option("--source", "workshop", help="Workshop that proposed it, e.g. w1.")
@click.option("--group", help="Breakout group that proposed it.")
@click.option("--quote", help="What a participant said about it.")
def link_add(map_path, source_var, target_var, polarity, strength, delay, confidence, workshop, group, quote):
    """Add a link (an arrow) from one variable to another.

    \b
    Example:
      gmb link add models/havndal.yaml Søvn Skærmtid --polarity - --strength weak --source w2 --group A
    """
    source = {k: v for k, v in (("workshop", workshop), ("group", group), ("quote", quote)) if v}
    with edit_map(map_path) as cmap:
        u, v = cmap.add_link(source_var, target_var, polarity, strength=_strength(strength), delay=delay,
                             confidence=confidence, source=source or None)
    click.echo(f"added link {u} → {v} ({polarity})")


@link_group.command("remove")
@map_argument
@click.argument("source_var", metavar="FROM")
@click.argument("target_var", metavar="TO")
def link_remove(map_path, source_var, target_var):
    """Remove a link.

    \b
    Example:
      gmb link remove models/havndal.yaml screen_time sleep
    """
    with edit_map(map_path) as cmap:
        u, v = cmap.remove_link(source_var, target_var)
    click.echo(f"removed link {u} → {v}")


@link_group.command("set")
@map_argument
@click.argument("source_var", metavar="FROM")
@click.argument("target_var", metavar="TO")
@click.argument("assignments", nargs=-1, required=True, metavar="KEY=VALUE...")
def link_set(map_path, source_var, target_var, assignments):
    """Set a link's attributes; KEY=null removes one.

    \b
    Example:
      gmb link set models/havndal.yaml screen_time sleep strength=strong source.quote="Vi sover for lidt"
    """
    updates = parse_assignments(assignments)
    with edit_map(map_path) as cmap:
        u, v = cmap.set_link(source_var, target_var, updates)
    click.echo(f"updated link {u} → {v}: {', '.join(updates)}")


@link_group.command("flip")
@map_argument
@click.argument("source_var", metavar="FROM")
@click.argument("target_var", metavar="TO")
def link_flip(map_path, source_var, target_var):
    """Reverse a link's polarity (+ becomes -, - becomes +).

    \b
    Example:
      gmb link flip models/havndal.yaml screen_time sleep
    """
    with edit_map(map_path) as cmap:
        polarity = cmap.flip_link(source_var, target_var)
        u, v = cmap.resolve(source_var), cmap.resolve(target_var)
    click.echo(f"link {u} → {v} is now {polarity}")


COMMANDS = [var_group, link_group]
