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

from gmb.cli.common import CommandGroup, echo_json, map_argument
from gmb.maps.editchecks import labels
from gmb.maps.store import edit_map, new_map, read_document, validate_file
from gmb.maps.validate import validate


@click.command("new")
@map_argument
@click.option("--title", required=True, help="The map's title, e.g. 'Børns mentale sundhed'.")
@click.option("--languages", default="da,en", show_default=True, help="Label languages, the default first.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
def new_command(map_path, title, languages, force):
    """Create an empty map file.

    \b
    Example:
      gmb new trivsel.yaml --title "Børns trivsel" --languages da,en
    """
    langs = [x.strip() for x in languages.split(",") if x.strip()]
    if not langs:
        raise click.BadParameter("give at least one language code, e.g. da,en", param_hint="--languages")
    new_map(map_path, title, langs, force=force)
    click.echo(f"created {map_path} ({', '.join(langs)})")


@click.command("show")
@map_argument
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def show_command(map_path, as_json):
    """Summarise a map: counts, themes, outcome and problems.

    \b
    Example:
      gmb show models/havndal.yaml
      gmb show models/havndal.yaml --json
    """
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
@click.option("--scenarios", "scenarios_path", type=click.Path(dir_okay=False),
              help="Also check a scenario file: which scenarios lean on links of polarity ?.")
@click.option("--ideas", "ideas_path", type=click.Path(dir_okay=False),
              help="Also check an idea bank: which ideas lean on links of polarity ?.")
@click.option("--json", "as_json", is_flag=True, help='Print {"errors": [...], "warnings": [...]}.')
def validate_command(map_path, scenarios_path, ideas_path, as_json):
    """Check a map: exit 0 clean, 1 with problems, 2 unreadable.

    Problems are errors (the map cannot be simulated as it is) and warnings (e.g. a link whose
    polarity is not yet agreed). With --scenarios and --ideas, also the scenarios and ideas whose
    way to the outcome runs through such a link, which the model leaves out.

    \b
    Example:
      gmb validate models/havndal.yaml   # exit 1: two links of polarity ? not yet agreed
      gmb validate models/havndal.yaml --scenarios workshops/havndal/scenarios.yaml   # exit 1
    """
    report = validate_file(map_path)
    leaning = _leaning(map_path, scenarios_path, ideas_path) if (scenarios_path or ideas_path) and not report.errors \
        else []
    for _, problem in leaning:
        report.add(problem)
    if as_json:
        data = report.to_dict()
        files = {id(problem): path for path, problem in leaning}
        for entry, problem in zip(data["warnings"], report.warnings):
            if id(problem) in files:
                entry["file"] = files[id(problem)]
        echo_json(data)
    else:
        for problem in report.errors + report.warnings:
            click.echo(problem.format(next((path for path, p in leaning if p is problem), map_path)))
        click.echo(f"{map_path}: {len(report.errors)} errors, {len(report.warnings)} warnings")
    raise SystemExit(0 if report.clean else 1)


def _leaning(map_path: str, scenarios_path: str | None, ideas_path: str | None) -> list:
    """(file, warning) for each scenario or idea that leans on a ? link (:mod:`gmb.leverage.disputed`)."""
    from gmb.leverage.disputed import disputed_dependencies, idea_pushes, scenario_pushes
    from gmb.leverage.ideas import load_ideas
    from gmb.maps.store import load_map
    from gmb.sd.scenarios import load_scenarios
    from gmb.sd.spec import build_spec

    cmap = load_map(map_path)
    found = []
    if scenarios_path:
        spec = build_spec(cmap)
        pushes = scenario_pushes(load_scenarios(scenarios_path, cmap, spec), spec)
        found += [(scenarios_path, p) for p in disputed_dependencies(cmap, pushes, "scenario", map_path=map_path)]
    if ideas_path:
        bank = load_ideas(ideas_path, cmap)
        found += [(ideas_path, p) for p in disputed_dependencies(cmap, idea_pushes(bank), "idea", bank, map_path)]
    return found


@click.command("outcome")
@map_argument
@click.argument("variables", nargs=-1, required=True)
def outcome_command(map_path, variables):
    """Set the outcome variable(s), by id or label.

    \b
    Example:
      gmb outcome models/havndal.yaml "Børns mentale sundhed"
    """
    with edit_map(map_path) as cmap:
        ids = cmap.set_outcome(list(variables))
    click.echo(f"outcome: {', '.join(ids)}")


@click.group("theme", cls=CommandGroup)
def theme_group():
    """Add themes: groups of variables, e.g. mental health (workshop 2)."""


@theme_group.command("add")
@map_argument
@click.argument("theme_id")
@click.option("--label", required=True, help="Label in the map's first language.")
@click.option("--label-en", help="English label.")
@click.option("--color", help="Colour for diagrams, e.g. '#5b8def'.")
def theme_add_command(map_path, theme_id, label, label_en, color):
    """Add a theme.

    \b
    Example:
      gmb theme add models/havndal.yaml sport --label Idræt --label-en Sport --color '#3a7d44'
    """
    with edit_map(map_path) as cmap:
        cmap.add_theme(theme_id, labels(cmap.languages, label, label_en), color)
    click.echo(f"added theme {theme_id}")


COMMANDS = [new_command, show_command, validate_command, outcome_command, theme_group]
