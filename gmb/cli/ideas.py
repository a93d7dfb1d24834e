"""The idea bank without editing YAML: ``gmb ideas add|set|list|check`` (``gmb ideas rank`` is in
:mod:`gmb.cli.leverage`, whose ``ideas`` group these commands join).

``add`` and ``set`` name variables by id or label, check the bank as ``gmb ideas rank`` reads it,
keep its comments, and leave it byte-identical when anything is wrong (:mod:`gmb.leverage.idea_edit`).
An idea's effects are given by options, each as often as needed: ``--acts-on VAR +|- STRENGTH``
(push a variable), ``--from-map ACTION`` (the map's own links out of ACTION, read at every run, so
the bank cannot drift from the map), ``--switch-on ACTION`` (switch the action itself on).
``check`` compares the ideas that are actions of the map, and list their effects by hand, with the
map's links: exit 0 if none has drifted, 1 if one has, 2 if the bank cannot be read.

Example
-------
>>> import pathlib, shutil, tempfile
>>> from click.testing import CliRunner
>>> from gmb.cli import main
>>> bank = str(pathlib.Path(tempfile.mkdtemp()) / "ideas.yaml")
>>> _ = shutil.copy("workshops/havndal/ideas.yaml", bank)
>>> run = lambda *args: print(CliRunner().invoke(main, list(args)).output, end="")
>>> run("ideas", "set", "models/havndal.yaml", bank, "lan_party", "--acts-on", "venskaber", "+", "strong")
updated idea lan_party: acts_on
>>> result = CliRunner().invoke(main, ["ideas", "check", "models/havndal.yaml", bank, "--lang", "en"])
>>> print(result.exit_code, *result.output.splitlines()[6:10], sep="\\n")
1
  LAN party for 15–20 year olds: DRIFTED from the map's links of lan_party (line 79):
    - lacks the map's link lan_party → community_participation (+, medium)
    - lacks the map's link lan_party → meeting_places (+, weak)
    - friendships: strength strong, the map says medium
"""

from __future__ import annotations

import click

from gmb.cli.common import echo_json, language_option, map_argument, map_language, parse_assignments
from gmb.cli.leverage import ideas_group
from gmb.maps.store import load_map

_bank_argument = click.argument("ideas_path", metavar="IDEAS", type=click.Path(path_type=str))
_TEXT_KEYS = ("title", "working_group", "notes", "source")


def _effect_options(function):
    options = [
        click.option("--acts-on", "pushes", nargs=3, multiple=True, metavar="VAR +|- STRENGTH",
                     help="Push a variable: polarity + or -, strength weak, medium, strong or a number."),
        click.option("--from-map", "actions", multiple=True, metavar="ACTION",
                     help="Act as the map's links out of ACTION do (read from the map at every run)."),
        click.option("--switch-on", "switches", multiple=True, metavar="ACTION",
                     help="Switch on an action of the map (level 1); its links carry the effect."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _acts_on(cmap, pushes, actions, switches) -> list[dict]:
    from gmb.leverage.idea_edit import effect, from_map, switch_on

    out = [from_map(cmap, action) for action in actions]
    for variable, polarity, strength in pushes:
        if polarity not in ("+", "-"):
            raise click.BadParameter(f"polarity {polarity!r} must be + or -", param_hint="'--acts-on'")
        out.append(effect(cmap, variable, polarity, _number(strength, ("weak", "medium", "strong"), "--acts-on")))
    return out + [switch_on(cmap, action) for action in switches]


def _number(text: str, names: tuple[str, ...], option: str):
    if text in names:
        return text
    try:
        number = float(text)
    except ValueError:
        raise click.BadParameter(f"{text!r}: use {', '.join(names)} or a number", param_hint=f"'{option}'") from None
    return int(number) if number.is_integer() else number


@ideas_group.command("add")
@map_argument
@_bank_argument
@click.argument("idea_id", metavar="ID")
@click.option("--title", required=True, help="The idea's title in the map's first language.")
@click.option("--title-en", help="English title.")
@click.option("--feasibility", required=True, type=click.IntRange(1, 5), help="1 (very hard) … 5 (easy).")
@click.option("--cost", help="low, medium, high or a number (kroner).")
@click.option("--working-group", help="The working group that owns it.")
@_effect_options
def ideas_add(map_path, ideas_path, idea_id, title, title_en, feasibility, cost, working_group, pushes, actions,
              switches):
    """Add an idea to the bank (the file is made if missing).

    \b
    Example:
      gmb ideas add models/havndal.yaml workshops/havndal/ideas.yaml sports_day \\
        --title Idrætsdag --feasibility 4 --cost low --acts-on leisure_activities + weak
    """
    from gmb.leverage.idea_edit import add_idea

    cmap = load_map(map_path)
    acts_on = _acts_on(cmap, pushes, actions, switches)
    if not acts_on:
        raise click.UsageError("say what the idea acts on: --acts-on VAR +|- STRENGTH, --from-map ACTION "
                               "or --switch-on ACTION")
    titles = {cmap.languages[0]: title} | ({"en": title_en} if title_en else {})
    add_idea(ideas_path, cmap, idea_id, titles, feasibility, acts_on,
             None if cost is None else _number(cost, ("low", "medium", "high"), "--cost"), working_group)
    click.echo(f"added idea {idea_id} to {ideas_path}")


@ideas_group.command("set")
@map_argument
@_bank_argument
@click.argument("idea_id", metavar="ID")
@click.argument("assignments", nargs=-1, metavar="[KEY=VALUE]...")
@_effect_options
def ideas_set(map_path, ideas_path, idea_id, assignments, pushes, actions, switches):
    """Set an idea's keys, or replace what it acts on.

    KEY=null removes a key; effect options replace all the idea acts on.

    Keys: title, title.LANG, feasibility, cost, working_group, working_group.LANG, notes, source.

    \b
    Example:
      gmb ideas set models/havndal.yaml workshops/havndal/ideas.yaml lan_party \\
        feasibility=3 title.en="LAN party" --from-map lan_party
    """
    from gmb.leverage.idea_edit import set_idea

    updates = parse_assignments(assignments)
    for item in assignments:  # text stays text: title.en=No is "No", not false
        key, _, value = item.partition("=")
        if key.strip().split(".")[0] in _TEXT_KEYS and updates.get(key.strip()) is not None:
            updates[key.strip()] = value
    cmap = load_map(map_path)
    acts_on = _acts_on(cmap, pushes, actions, switches) or None
    if not updates and acts_on is None:
        raise click.UsageError("give KEY=VALUE pairs or effect options to set")
    set_idea(ideas_path, cmap, idea_id, updates, acts_on)
    click.echo(f"updated idea {idea_id}: {', '.join([*updates] + ['acts_on'] * (acts_on is not None))}")


@ideas_group.command("list")
@map_argument
@_bank_argument
@language_option("Language of titles.")
@click.option("--json", "as_json", is_flag=True, help="Print the ideas as JSON.")
def ideas_list(map_path, ideas_path, lang, as_json):
    """List the ideas and what each acts on.

    The bank is checked as 'gmb ideas rank' reads it.

    \b
    Example:
      gmb ideas list models/havndal.yaml workshops/havndal/ideas.yaml --lang en
    """
    from gmb.leverage.ideas import load_ideas

    cmap = load_map(map_path)
    lang = map_language(cmap, lang, map_path)
    bank = load_ideas(ideas_path, cmap)
    rows = [{"id": idea.id, "title": cmap.text(idea.title, lang), "feasibility": idea.feasibility,
             "cost": idea.cost, "working_group": cmap.text(idea.working_group, lang) or None,
             "acts_on": [{"variable": e.variable} | ({"level": e.level} if e.level is not None else
                                                      {"polarity": "+" if e.sign > 0 else "-", "strength": e.strength})
                         | ({"from_map": e.from_map} if e.from_map else {}) for e in idea.effects]}
            for idea in bank.ideas]
    if as_json:
        echo_json({"ideas_file": bank.path, "ideas": rows})
        return
    click.echo(f"{ideas_path}: {len(rows)} ideas, every one acting on variables of {map_path}")
    for row in rows:
        acts = ", ".join(f"{cmap.label(e['variable'], lang)} ({e['polarity']}{e['strength']})" if "polarity" in e
                         else f"{cmap.label(e['variable'], lang)} (level {e['level']:g})" for e in row["acts_on"])
        cost = "" if row["cost"] is None else f", cost {row['cost']}"
        click.echo(f"  {row['id']}: {row['title']}  [feasibility {row['feasibility']}{cost}]  → {acts}")


_STATUS = {"from_map": "follows the map's links of {action}", "matches": "copies the map's links of {action}, "
           "unchanged", "switches": "switches on the map's action {action}", "own": "its own effects (no action "
           "of the map has its id)"}


@ideas_group.command("check")
@map_argument
@click.argument("bank_path", metavar="[IDEAS]", required=False, type=click.Path(path_type=str))
@click.option("--ideas", "ideas_path", type=click.Path(path_type=str), metavar="FILE",
              help="The idea bank, if not given as IDEAS.")
@language_option("Language of titles.")
@click.option("--json", "as_json", is_flag=True, help="Print each idea's status as JSON.")
def ideas_check(map_path, bank_path, ideas_path, lang, as_json):
    """Check an idea bank: exit 0 sound, 1 drifted, 2 unreadable.

    An idea drifts when effects it copied from one of the map's actions no longer match the map's links.

    \b
    Example:
      gmb ideas check models/havndal.yaml workshops/havndal/ideas.yaml --lang en
    """
    from gmb.leverage.idea_edit import idea_drift
    from gmb.leverage.ideas import load_ideas

    if (bank_path is None) == (ideas_path is None):
        raise click.UsageError("give the idea bank once: as IDEAS or as --ideas FILE")
    path = bank_path or ideas_path
    cmap = load_map(map_path)
    lang = map_language(cmap, lang, map_path)
    bank = load_ideas(path, cmap)
    rows = idea_drift(cmap, bank)
    drifted = [row for row in rows if row["differences"]]
    if as_json:
        echo_json({"ideas_file": bank.path, "ideas": rows})
    else:
        click.echo(f"{path}: {len(rows)} ideas, every one acting on variables of {map_path}")
        for row in rows:
            title = cmap.text(bank.idea(row["id"]).title, lang)
            if not row["differences"]:
                click.echo(f"  {title}: {_STATUS[row['status']].format(action=row['action'])}")
                continue
            click.echo(f"  {title}: DRIFTED from the map's links of {row['action']} (line {row['line']}):")
            for difference in row["differences"]:
                click.echo(f"    - {difference}")
        if drifted:
            click.echo(f"{len(drifted)} of {len(rows)} ideas differ from the map: give them "
                       "'gmb ideas set MAP IDEAS ID --from-map ACTION' to follow it")
    if drifted:
        raise click.exceptions.Exit(1)


COMMANDS = [ideas_group]
