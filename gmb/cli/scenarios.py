"""Scenario files without editing YAML: ``gmb scenario new|add|remove|list``.

Each command takes the map and the scenario file, names variables by id or label, checks the result
as ``gmb simulate`` reads it, keeps the file's comments, and leaves it byte-identical when anything
is wrong (:mod:`gmb.sd.scenario_edit`). One intervention is given per command, by options:
``--action VAR [--level N]``, ``--push VAR --by X``, ``--link FROM TO --strength S`` or
``--constant VAR --value X``, with ``--start`` and ``--ramp`` in the file's time unit.

Example
-------
>>> import pathlib, shutil, tempfile
>>> from click.testing import CliRunner
>>> from gmb.cli import main
>>> plans = str(pathlib.Path(tempfile.mkdtemp()) / "scenarios.yaml")
>>> _ = shutil.copy("workshops/havndal/scenarios.yaml", plans)
>>> run = lambda *args: print(CliRunner().invoke(main, list(args)).output, end="")
>>> run("scenario", "add", "models/havndal.yaml", plans, "playgrounds", "--action", "Genetableret søsti")
added {action: lake_trail, level: 1} to scenario playgrounds
>>> run("scenario", "remove", "models/havndal.yaml", plans, "playground")
error: ...scenarios.yaml: no scenario 'playground'; did you mean 'playgrounds'?
"""

from __future__ import annotations

import click

from gmb.cli.common import CommandGroup, echo_json, language_option, map_argument, map_language
from gmb.maps.store import load_map
from gmb.maps.yamledit import flow

_file_argument = click.argument("scenarios_path", metavar="SCENARIOS", type=click.Path(path_type=str))


def _intervention_options(function):
    options = [
        click.option("--action", metavar="VAR", help="Switch on an action of the map."),
        click.option("--push", metavar="VAR", help="Push a variable by --by (a share of today's level)."),
        click.option("--link", nargs=2, metavar="FROM TO", help="Change a link's strength to --strength."),
        click.option("--constant", metavar="VAR", help="Set a constant to --value (today's value is 1)."),
        click.option("--level", type=float, help="An action's level (default 1 = fully)."),
        click.option("--by", type=float, help="How far to push, e.g. 0.2 = 20 percent of today's level."),
        click.option("--start", type=float, help="When it starts, in the file's time unit (default 0)."),
        click.option("--ramp", type=float, help="How long it takes to reach full effect (default 0 = at once)."),
        click.option("--strength", help="A link's new strength: weak, medium, strong or a number."),
        click.option("--value", type=float, help="A constant's new value."),
        click.option("--reach", metavar="GROUP=SHARE,...", callback=_reach,
                     help="Whom a push or an action reaches, on a map with segments: e.g. exposed=0.3,others=0.7."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _reach(ctx, param, value: str | None) -> dict | None:
    """``--reach exposed=0.3,others=0.7`` as ``{"exposed": 0.3, "others": 0.7}`` (checked when the file is read)."""
    if value is None:
        return None
    reach = {}
    for part in value.split(","):
        group, sep, share = part.partition("=")
        try:
            reach[group.strip()] = float(share)
        except ValueError:
            raise click.BadParameter(f"{part!r}: write GROUP=SHARE, e.g. exposed=0.3,others=0.7") from None
        if not sep or not group.strip():
            raise click.BadParameter(f"{part!r}: write GROUP=SHARE, e.g. exposed=0.3,others=0.7")
    return reach


def _intervention(cmap, kwargs: dict) -> dict:
    from gmb.sd.scenario_edit import KINDS, intervention

    kinds = [kind for kind in KINDS if kwargs.get(kind)]
    if len(kinds) != 1:
        raise click.UsageError("give one intervention: --action VAR, --push VAR --by X, --link FROM TO "
                               f"--strength S or --constant VAR --value X (found {len(kinds)})")
    kind = kinds[0]
    strength = kwargs.get("strength")
    if strength is not None and strength not in ("weak", "medium", "strong"):
        try:
            strength = float(strength)
        except ValueError:
            raise click.BadParameter(f"{strength!r}: use weak, medium, strong or a number",
                                     param_hint="'--strength'") from None
    numbers = {key: kwargs.get(key) for key in ("level", "by", "start", "ramp", "value", "reach")} | {"strength": strength}
    target = list(kwargs["link"]) if kind == "link" else kwargs[kind]
    return intervention(cmap, kind, target, **numbers)


@click.group("scenario", cls=CommandGroup)
def scenario_group():
    """Make and change scenario files for 'gmb simulate'."""


@scenario_group.command("new")
@map_argument
@_file_argument
@click.argument("name")
@click.option("--label", help="The scenario's label in the map's first language.")
@click.option("--label-en", help="English label.")
@click.option("--description", help="One sentence on what the scenario is.")
@_intervention_options
def scenario_new(map_path, scenarios_path, name, label, label_en, description, **kwargs):
    """Add a scenario with its first intervention.

    The file is made if it is not there.

    \b
    Example:
      gmb scenario new models/havndal.yaml workshops/havndal/scenarios.yaml trail_only \\
        --label Søsti --label-en "Lake trail" --action lake_trail --start 6 --ramp 12
    """
    from gmb.sd.scenario_edit import new_scenario

    cmap = load_map(map_path)
    labels = ({cmap.languages[0]: label} if label else {}) | ({"en": label_en} if label_en else {})
    first = _intervention(cmap, kwargs)
    new_scenario(scenarios_path, cmap, name, first, labels or None, description)
    click.echo(f"added scenario {name} to {scenarios_path}: {flow(first)}")


@scenario_group.command("add")
@map_argument
@_file_argument
@click.argument("name")
@_intervention_options
def scenario_add(map_path, scenarios_path, name, **kwargs):
    """Add an intervention to a scenario.

    \b
    Example:
      gmb scenario add models/havndal.yaml workshops/havndal/scenarios.yaml playgrounds \\
        --push screen_limits --by 0.1 --start 6 --ramp 12
    """
    from gmb.sd.scenario_edit import add_intervention

    cmap = load_map(map_path)
    item = _intervention(cmap, kwargs)
    add_intervention(scenarios_path, cmap, name, item)
    click.echo(f"added {flow(item)} to scenario {name}")


@scenario_group.command("remove")
@map_argument
@_file_argument
@click.argument("name")
@click.option("--at", "number", type=int, metavar="N",
              help="Remove only the scenario's N-th intervention (see 'gmb scenario list').")
def scenario_remove(map_path, scenarios_path, name, number):
    """Remove a scenario, or with --at N one of its interventions.

    \b
    Example:
      gmb scenario remove models/havndal.yaml workshops/havndal/scenarios.yaml lan_party
    """
    from gmb.sd.scenario_edit import remove_intervention, remove_scenario

    cmap = load_map(map_path)
    if number is None:
        remove_scenario(scenarios_path, cmap, name)
        click.echo(f"removed scenario {name}")
    else:
        item = remove_intervention(scenarios_path, cmap, name, number)
        click.echo(f"removed {flow(item)} from scenario {name}")


@scenario_group.command("list")
@map_argument
@_file_argument
@language_option("Language of labels.")
@click.option("--json", "as_json", is_flag=True, help="Print the scenarios as JSON.")
def scenario_list(map_path, scenarios_path, lang, as_json):
    """List the scenarios and their numbered interventions.

    The file is checked as 'gmb simulate' reads it.

    \b
    Example:
      gmb scenario list models/havndal.yaml workshops/havndal/scenarios.yaml --lang en
    """
    from gmb.sd.scenario_edit import list_scenarios

    cmap = load_map(map_path)
    lang = map_language(cmap, lang, map_path)
    rows = list_scenarios(scenarios_path, cmap)
    if as_json:
        echo_json({"scenarios_file": scenarios_path, "scenarios": rows})
        return
    click.echo(f"{scenarios_path}: {len(rows)} scenario{'s' * (len(rows) != 1)}, checked against {map_path}")
    for row in rows:
        label = cmap.text(row["label"], lang) if row["label"] else ""
        click.echo(f"{row['name']}" + (f"  {label}" if label else ""))
        for number, item in enumerate(row["interventions"], 1):
            click.echo(f"  {number}. {flow(item)}")


COMMANDS = [scenario_group]
