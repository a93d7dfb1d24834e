"""Commands on a whole map: ``new``, ``show``, ``validate``, ``outcome`` and ``theme add``.

Example
-------
>>> import pathlib, tempfile
>>> from click.testing import CliRunner
>>> from gmb.cli import main
>>> path = str(pathlib.Path(tempfile.mkdtemp()) / "map.yaml")
>>> _ = CliRunner().invoke(main, ["new", path, "--title", "Trivsel"])
>>> result = CliRunner().invoke(main, ["validate", path])
>>> result.exit_code, result.output.splitlines()[-1].endswith("0 errors, 1 warnings")
(1, True)
"""

from __future__ import annotations

from collections import Counter

import click

from gmb.cli.common import echo_json, map_argument
from gmb.maps.editchecks import labels
from gmb.maps.store import edit_map, new_map, read_document, validate_file
from gmb.maps.validate import validate


@click.command("new")
@map_argument
@click.option("--title", required=True, help="The map's title, e.g. 'Børns mentale sundhed'.")
@click.option("--languages", default="da,en", show_default=True, help="Label languages, the default first.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
def new_command(map_path, title, languages, force):
    """Create an empty map file.  Example: gmb new map.yaml --title "Trivsel" """
    langs = [x.strip() for x in languages.split(",") if x.strip()]
    if not langs:
        raise click.BadParameter("give at least one language code, e.g. da,en", param_hint="--languages")
    new_map(map_path, title, langs, force=force)
    click.echo(f"created {map_path} ({', '.join(langs)})")


@click.command("show")
@map_argument
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def show_command(map_path, as_json):
    """Summarise a map: counts, themes, outcome and problems.  Example: gmb show map.yaml"""
    document = read_document(map_path)
    cmap = document.to_map()
    report = validate(cmap)
    report.errors[:0] = document.problems
    polarity = Counter(_text(attrs.get("polarity")) for _, _, attrs in cmap.links())
    kinds = Counter(_text(attrs.get("kind", "index")) for _, attrs in cmap.graph.nodes(data=True))
    themes = Counter(_text(attrs.get("theme")) for _, attrs in cmap.graph.nodes(data=True))
    summary = {
        "title": cmap.title, "languages": cmap.languages,
        "variables": cmap.graph.number_of_nodes(), "links": cmap.graph.number_of_edges(),
        "polarity": {p: polarity.get(p, 0) for p in ("+", "-", "?")},
        "kinds": dict(kinds),
        "themes": [{"id": t, "label": cmap.theme_label(t), "variables": themes.get(t, 0)}
                   for t, attrs in cmap.themes.items()],
        "outcome": cmap.outcome,
        "errors": len(report.errors), "warnings": len(report.warnings),
    }
    if as_json:
        echo_json(summary)
        return
    click.echo(f"{cmap.title}  ({map_path})")
    click.echo(f"  variables: {summary['variables']}  ({', '.join(f'{n} {k}' for k, n in kinds.items())})")
    click.echo(f"  links:     {summary['links']}  (+ {polarity['+']}, - {polarity['-']}, ? {polarity['?']})")
    for theme in summary["themes"]:
        click.echo(f"  theme:     {theme['label']} [{theme['id']}], {theme['variables']} variables")
    outcome = ", ".join(cmap.label(v) if v in cmap.graph else str(v) for v in cmap.outcome) or "(none set)"
    click.echo(f"  outcome:   {outcome}")
    click.echo(f"  problems:  {len(report.errors)} errors, {len(report.warnings)} warnings"
               + ("  (details: gmb validate)" if report.errors or report.warnings else ""))


def _text(value):
    """A value from the file as a counter key (hand-written files may hold lists where text belongs)."""
    return value if value is None or isinstance(value, str) else str(value)


@click.command("validate")
@map_argument
@click.option("--json", "as_json", is_flag=True, help='Print {"errors": [...], "warnings": [...]}.')
def validate_command(map_path, as_json):
    """Check a map. Exit 0 when clean, 1 when problems were found, 2 when it cannot be read.

    Example: gmb validate models/havndal.yaml
    """
    report = validate_file(map_path)
    if as_json:
        echo_json(report.to_dict())
    else:
        for problem in report.errors + report.warnings:
            click.echo(problem.format(map_path))
        click.echo(f"{map_path}: {len(report.errors)} errors, {len(report.warnings)} warnings")
    raise SystemExit(0 if report.clean else 1)


@click.command("outcome")
@map_argument
@click.argument("variables", nargs=-1, required=True)
def outcome_command(map_path, variables):
    """Set the outcome variable(s).  Example: gmb outcome map.yaml "Børns mentale sundhed" """
    with edit_map(map_path) as cmap:
        ids = cmap.set_outcome(list(variables))
    click.echo(f"outcome: {', '.join(ids)}")


@click.group("theme")
def theme_group():
    """Themes group variables (workshop 2), e.g. mental health, community."""


@theme_group.command("add")
@map_argument
@click.argument("theme_id")
@click.option("--label", required=True, help="Label in the map's first language.")
@click.option("--label-en", help="English label.")
@click.option("--color", help="Colour for diagrams, e.g. '#5b8def'.")
def theme_add_command(map_path, theme_id, label, label_en, color):
    """Add a theme.  Example: gmb theme add map.yaml community --label Fællesskaber --color '#e39b2d'"""
    with edit_map(map_path) as cmap:
        cmap.add_theme(theme_id, labels(cmap.languages, label, label_en), color)
    click.echo(f"added theme {theme_id}")


COMMANDS = [new_command, show_command, validate_command, outcome_command, theme_group]
