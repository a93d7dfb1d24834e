"""The workshop workflow: ``gmb workshop show``, ``gmb merge`` (breakout maps) and ``gmb diff``.

Example
-------
>>> import pathlib, tempfile
>>> from click.testing import CliRunner
>>> from gmb.cli import main
>>> from gmb.maps.store import edit_map, new_map
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> for name, sign in (("old.yaml", "+"), ("new.yaml", "-")):
...     _ = new_map(folder / name, "Trivsel")
...     with edit_map(folder / name) as cmap:
...         cmap.add_variable("a", "A"); cmap.add_variable("b", "B")
...         _ = cmap.add_link("a", "b", "+"), cmap.add_link("b", "a", sign)
>>> result = CliRunner().invoke(main, ["diff", str(folder / "old.yaml"), str(folder / "new.yaml")])
>>> print(result.output, end="")  # doctest: +ELLIPSIS
--- ...old.yaml
+++ ...new.yaml
links: 0 added, 0 removed, 1 flipped, 0 polarity set or unset, 0 changed
  ~ b → a  polarity + → -  (flipped)
loops: 1 created, 1 broken
  + B  a → b → a  (was R)  L2-...
  - R  a → b → a  (now B)  L2-...
"""

from __future__ import annotations

import click

from gmb.analysis.loopset import MAX_LENGTH
from gmb.cli.common import CommandGroup, echo_json, warn

_MAX_LENGTH = click.option("--max-length", type=click.IntRange(min=0), default=MAX_LENGTH, show_default=True,
                           metavar="N", help="Count loops of at most N variables, as 'gmb loops' does; 0 for any "
                           "length (dense maps have very many).")


@click.group("workshop", cls=CommandGroup)
def workshop_group():
    """Workshop records: sessions, participants and the maps they made."""


@workshop_group.command("show")
@click.argument("record_dir", metavar="DIR", type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@_MAX_LENGTH
def workshop_show(record_dir, as_json, max_length):
    """Summarise a site's workshops and how its map grew.

    \b
    Example:
      gmb workshop show workshops/havndal
    """
    from gmb.workshops.records import load_workshop

    summary = load_workshop(record_dir).summary(max_length=max_length or None)
    if as_json:
        echo_json(summary)
        return
    click.echo(f"{summary['title'] or summary['site']}  ({summary['record']})")
    if summary["illustrative"]:
        click.echo(f"  ILLUSTRATIVE: {summary['note'] or 'an example record, not real data'}")
    for s in summary["sessions"]:
        click.echo(f"\n{s['id']}  {s['date'] or '(no date)'}  {s['title']}")
        for key in ("purpose", "focus_question"):
            if s[key]:
                click.echo(f"    {key.replace('_', ' ')}: {s[key]}")
        if s["participants"]:
            roles = ", ".join(f"{n} {role.replace('_', ' ')}" for role, n in s["participants"].items())
            click.echo(f"    participants: {s['participants_total']} ({roles})")
        for m in s["maps"]:
            tag = f"group {m['group']}" if m["group"] else ("merged" if m["merged"] else "")
            click.echo(f"    map: {m['file']}{f' ({tag})' if tag else ''}: {_counts(m)}")
    if summary["growth"]:
        click.echo("\nHow the map grew:")
        for row in summary["growth"]:
            change = ""
            if "variables_added" in row:
                change = (f"  (variables +{row['variables_added']} -{row['variables_removed']}, "
                          f"links +{row['links_added']} -{row['links_removed']})")
            click.echo(f"  {row['session']}  {_counts(row)}{change}  {row['map']}")


@click.command("merge")
@click.argument("maps", metavar="MAP...", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-o", "--output", required=True, type=click.Path(path_type=str), help="The merged map file to write.")
@click.option("--synonyms", type=click.Path(path_type=str),
              help="YAML list of merge decisions: - {keep: ID, merge: [ID or label, ...]}.")
@click.option("--report", type=click.Path(path_type=str), help="Write a Markdown report of the merge here.")
@click.option("--title", help="Title of the merged map (default: the first map's).")
@click.option("--force", is_flag=True, help="Replace existing output and report files.")
@click.option("--json", "as_json", is_flag=True, help="Print the merge report as JSON.")
def merge_command(maps, output, synonyms, report, title, force, as_json):
    """Merge breakout groups' maps, keeping who proposed each link.

    \b
    Variables are matched by id, label (any language) and the synonyms file; near-duplicates are
    proposed, not merged. Links drawn with opposite polarities become '?' and are listed as conflicts.

    \b
    Example:
      gmb merge workshops/havndal/maps/w1_group_a.yaml workshops/havndal/maps/w1_group_b.yaml \\
        -o my_w1_merged.yaml --synonyms workshops/havndal/synonyms.yaml --report my_w1_report.md
    """
    from gmb.workshops.merge import merge_files

    _, result = merge_files(maps, output, synonyms=synonyms, report=report, title=title, force=force)
    for entry in result.unused_synonyms:
        where = f"{synonyms}:{entry['line']}: " if entry.get("line") else ""
        warn(f"{where}{', '.join(map(repr, entry['names']))} (keep {entry['keep']}) matched no variable")
    if as_json:
        echo_json(result.to_dict())
        return
    click.echo(f"merged {_n(len(maps), 'map')} into {output}: {result.variables} variables, {result.links} links")
    click.echo(f"  {_n(len(result.matches), 'variable')} matched across maps, {_n(len(result.conflicts), 'polarity conflict')}"
               f" (kept as ?), {_n(len(result.proposals), 'near-duplicate')} proposed")
    for conflict in result.conflicts:
        who = "; ".join(f"{p.get('map')}{' group ' + str(p['group']) if p.get('group') else ''}: {p.get('polarity')}"
                        for p in conflict.proposals)
        click.echo(f"  conflict: {conflict.link[0]} → {conflict.link[1]}  ({who})")
    for p in result.proposals:
        click.echo(f"  proposed: {p.keep} ({p.keep_name}) ≈ {p.merge} ({p.merge_name}), similarity {p.similarity:.2f}")
    if report:
        click.echo(f"  report: {report}")


@click.command("diff")
@click.argument("old", type=click.Path(path_type=str))
@click.argument("new", type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--all-loops", is_flag=True, help="List every loop created or broken (default: the first 20 of each).")
@_MAX_LENGTH
def diff_command(old, new, as_json, all_loops, max_length):
    """What changed between two maps: variables, links and loops.

    \b
    Example:
      gmb diff workshops/havndal/maps/w1_merged.yaml workshops/havndal/maps/w2.yaml
    """
    from gmb.maps.store import load_map
    from gmb.workshops.diff import diff_maps

    result = diff_maps(load_map(old), load_map(new), max_length=max_length or None)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(f"--- {old}\n+++ {new}\n{result.to_text(loop_lines=None if all_loops else 20)}")


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _counts(row: dict) -> str:
    loops = row["loops_by_polarity"]
    return (f"{row['variables']} variables, {row['links']} links, {row['loops_stated']}: "
            f"R {loops['R']}, B {loops['B']}, ? {loops['?']}")


COMMANDS = [workshop_group, merge_command, diff_command]
