"""Leverage and the idea bank: ``gmb leverage``, ``gmb ideas rank``, ``gmb ideas check``.

Each command loads the map (and the idea bank), makes one library call (:mod:`gmb.leverage.ranking`,
:mod:`gmb.leverage.ideas`), prints a table or JSON, and writes its files with :mod:`gmb.outputs.leverage_files`.

Example
-------
>>> import tempfile, pathlib
>>> from click.testing import CliRunner
>>> from gmb.cli import main
>>> from gmb.maps.store import new_map, edit_map
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = new_map(folder / "map.yaml", "Trivsel")
>>> with edit_map(folder / "map.yaml") as cmap:
...     cmap.add_variable("sport", "Sport", adjust_time=2)
...     cmap.add_variable("mood", "Humør", adjust_time=2)
...     _ = cmap.add_link("sport", "mood", "+")
>>> result = CliRunner().invoke(main, ["leverage", str(folder / "map.yaml"), "--outcome", "mood",
...                                    "--samples", "20", "--seed", "1", "--horizon", "1y", "--workers", "1"])
>>> lines = result.output.splitlines()
>>> result.exit_code, lines[1], lines[6].split()[:3], lines[6].split()[3].startswith("+0,0")
(0, 'Sammenligning mellem scenarier i et tegnet kort — ikke en prognose', ['1', 'Sport', 'øg'], True)
"""

from __future__ import annotations

import math
import re
import secrets
import sys
from contextlib import contextmanager

import click

from gmb.cli.common import echo_json, force_option, guarded_outputs, map_argument, warn
from gmb.errors import GmbError
from gmb.leverage.distributed import DEFAULT_TIMEOUT, SCHEDULER_TIMEOUT, ChunkTimeout
from gmb.leverage.ranking import DEFAULT_PUSH, DEFAULT_SAMPLES, MEASURES
from gmb.maps.store import load_map
from gmb.render.numbers import share, significant
from gmb.render.wording import direction_word, words
from gmb.sd.scenarios import TIME_UNITS

_UNITS = TIME_UNITS | {"": 1.0, "m": 1.0, "mo": 1.0, "y": 12.0, "yr": 12.0, "å": 12.0}


def months(text: str) -> float:
    """A duration such as ``120``, ``120 months``, ``10y``, ``10 år`` in months (a bare number is months).

    >>> months("10y"), months("18"), months("2 år")
    (120.0, 18.0, 24.0)
    """
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([^\d\s]*)\s*", str(text))
    unit = match and match.group(2).casefold()
    if not match or unit not in _UNITS or float(match.group(1)) <= 0:
        raise click.BadParameter(f"{text!r} is not a duration; write e.g. 120 (months), 10y or '10 years'",
                                 param_hint="--horizon")
    return float(match.group(1)) * _UNITS[unit]


def _run_options(function):
    """The options every ranking command shares."""
    options = [
        click.option("--outcome", metavar="VAR", help="The outcome (id or label). Default: the map's first."),
        click.option("--samples", type=click.IntRange(min=1), default=DEFAULT_SAMPLES, show_default=True,
                     metavar="N", help="Monte Carlo samples of the map's uncertain numbers."),
        click.option("--seed", type=click.IntRange(min=0), metavar="S",
                     help="Random seed; the same seed gives byte-identical outputs (default: a new one, printed)."),
        click.option("--horizon", default="10y", show_default=True, metavar="T",
                     help="How long to simulate: months (120), or 10y / '10 years' / '10 år'."),
        click.option("--dt", type=float, metavar="MONTHS",
                     help="Euler step in months (default: a quarter of the smallest time constant, at most 1)."),
        click.option("--structure/--no-structure", default=True, show_default=True,
                     help="Draw the disputed structure too: links of low confidence present or absent, "
                          "links of polarity ? either way (--no-structure: ? links left out, the rest present)."),
        click.option("--measure", type=click.Choice(MEASURES), default="final", show_default=True,
                     help="Rank by the change at the horizon (final) or the area under the curve (auc)."),
        click.option("--scheduler", metavar="tcp://HOST:PORT",
                     help="Send the samples to this Dask scheduler (pip install 'gmb[distributed]')."),
        click.option("--workers", type=click.IntRange(min=1), metavar="N",
                     help="Local worker processes (default: every core for large jobs; 1 = this process)."),
        click.option("--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=f"{DEFAULT_TIMEOUT:g} s",
                     metavar="SECONDS",
                     callback=lambda context, parameter, value: _timeout(value),
                     help="Stop with an error when no chunk of samples finishes for this long (a frozen worker or "
                          f"scheduler); a scheduler must answer within {SCHEDULER_TIMEOUT:g} s, or this if less."),
        click.option("-o", "--out", "out_dir", type=click.Path(path_type=str),
                     help="Directory for the CSV, JSON and PNG files (created if missing)."),
        click.option("--lang", help="Language of labels and charts (default: the map's first)."),
        click.option("--json", "as_json", is_flag=True, help="Print the result as JSON."),
        force_option,
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.command("leverage")
@map_argument
@_run_options
@click.option("--push", type=float,
              help=f"The standard push on every variable, a share of today's value (an action: its level); "
                   f"default {DEFAULT_PUSH:g}. Not with --ideas: each idea acts as its acts_on says.")
@click.option("--ideas", "ideas_path", type=click.Path(path_type=str), metavar="FILE",
              help="Rank the ideas of this idea bank instead of the variables (each idea fully in effect).")
def leverage_command(map_path, outcome, samples, seed, horizon, dt, structure, measure, scheduler, workers,
                     timeout, out_dir, lang, as_json, push, ideas_path, force=False):
    """Rank what to push by its simulated effect on the outcome, with how sure that ranking is.

    \b
    Every variable (or every idea of --ideas) gets the same push from time 0; over N samples of the
    map's uncertain link strengths and adjust times (each strength class drawn within its range,
    τ within ×/÷ 1.5) each is compared with that sample's baseline. Actions (what a working group
    can do) are ranked first, then the map's states, each by the size of the effect, with the way
    to push (increase / decrease; a higher outcome counts as better). Reported per candidate: the
    median change of the outcome when pushed that way, its 5–95 % interval, P(right direction),
    P(top 3) and the rank of the analytic press response for the map's own strengths. The CSV and
    JSON files keep the signed effects in full precision.
    Example: gmb leverage models/havndal.yaml --samples 1000 --seed 1 -o out/leverage
    """
    from gmb.leverage.ranking import leverage
    from gmb.outputs.leverage_files import leverage_report, write_leverage

    if ideas_path and push is not None:
        raise click.BadParameter("an idea acts as its acts_on says; leave out --push with --ideas",
                                 param_hint="--push")
    cmap = load_map(map_path)
    seed = secrets.randbelow(1_000_000) if seed is None else seed
    with _scheduler(scheduler, timeout) as client, _progress(samples) as progress:
        if ideas_path:
            from gmb.leverage.ideas import load_ideas, rank_ideas

            ranking = rank_ideas(cmap, load_ideas(ideas_path, cmap), outcome, samples, seed, months(horizon),
                                 _dt(dt), structure, pairs=False, scheduler=client, workers=workers,
                                 progress=progress, timeout=timeout)
            result = ranking.leverage
        else:
            result = leverage(cmap, outcome, samples, seed, months(horizon), _dt(dt), _push(DEFAULT_PUSH if push is None else push), structure,
                              scheduler=client, workers=workers, progress=progress, timeout=timeout)
    for message in result.warnings:
        warn(message)
    with guarded_outputs(map_path, ideas_path, force=force):
        written = write_leverage(result, cmap, out_dir, lang, measure) if out_dir else []
    report = leverage_report(result, cmap, lang, measure)
    if as_json:
        echo_json(report | {"files": [str(p) for p in written]})
        return
    if not result.flags:  # otherwise the warnings said why there is no ranking to show
        _print_ranking(report)
    for path in written:
        click.echo(f"wrote {path}")


@click.group("ideas")
def ideas_group():
    """The idea bank of workshop 3: check it, and rank its ideas by impact and feasibility."""


@ideas_group.command("rank")
@map_argument
@click.option("--ideas", "ideas_path", required=True, type=click.Path(path_type=str), metavar="FILE",
              help="The idea bank, e.g. workshops/havndal/ideas.yaml.")
@_run_options
def ideas_rank_command(map_path, ideas_path, outcome, samples, seed, horizon, dt, structure, measure, scheduler,
                       workers, timeout, out_dir, lang, as_json, force=False):
    """Rank the ideas by simulated effect beside their feasibility, and test every pair for synergy.

    \b
    Each idea is put fully into effect from time 0, alone and with each other idea, over the same
    samples of the map's uncertain numbers. Synergy is the pair's effect less the sum of the two
    ideas' single effects. The chart (ideas.png) puts impact against feasibility; ideas on the
    front (no other idea both stronger and easier) are marked.
    Example: gmb ideas rank models/havndal.yaml --ideas workshops/havndal/ideas.yaml -o out/ideas
    """
    from gmb.leverage.ideas import load_ideas, rank_ideas
    from gmb.outputs.leverage_files import ideas_report, write_ideas

    cmap = load_map(map_path)
    bank = load_ideas(ideas_path, cmap)
    seed = secrets.randbelow(1_000_000) if seed is None else seed
    with _scheduler(scheduler, timeout) as client, _progress(samples) as progress:
        ranking = rank_ideas(cmap, bank, outcome, samples, seed, months(horizon), _dt(dt), structure,
                             scheduler=client, workers=workers, progress=progress, timeout=timeout)
    for message in ranking.leverage.warnings:
        warn(message)
    with guarded_outputs(map_path, ideas_path, force=force):
        written = write_ideas(ranking, cmap, out_dir, lang, measure) if out_dir else []
    report = ideas_report(ranking, cmap, lang, measure)
    if as_json:
        echo_json(report | {"files": [str(p) for p in written]})
        return
    if ranking.leverage.flags:
        return
    _print_ranking(report, ideas=True)
    _print_pairs(report, {row["id"]: row["label"] for row in report["candidates"]})
    for path in written:
        click.echo(f"wrote {path}")


@ideas_group.command("check")
@map_argument
@click.option("--ideas", "ideas_path", required=True, type=click.Path(path_type=str), metavar="FILE",
              help="The idea bank, e.g. workshops/havndal/ideas.yaml.")
@click.option("--lang", help="Language of titles (default: the map's first).")
@click.option("--json", "as_json", is_flag=True, help="Print the ideas as JSON.")
def ideas_check_command(map_path, ideas_path, lang, as_json):
    """Check an idea bank against the map and list its ideas (exit 0 if it is sound, 2 if not).

    Example: gmb ideas check models/havndal.yaml --ideas workshops/havndal/ideas.yaml
    """
    from gmb.leverage.ideas import load_ideas

    cmap = load_map(map_path)
    bank = load_ideas(ideas_path, cmap)
    rows = [{"id": idea.id, "title": cmap.text(idea.title, lang), "feasibility": idea.feasibility,
             "cost": idea.cost, "working_group": cmap.text(idea.working_group, lang) or None,
             "acts_on": [{"variable": e.variable} | ({"level": e.level} if e.level is not None else
                                                      {"polarity": "+" if e.sign > 0 else "-", "strength": e.strength})
                         for e in idea.effects]} for idea in bank.ideas]
    if as_json:
        echo_json({"ideas_file": bank.path, "ideas": rows})
        return
    click.echo(f"{ideas_path}: {len(rows)} ideas, every one acting on variables of {map_path}")
    for row in rows:
        acts = ", ".join(f"{cmap.label(e['variable'], lang)} ({e['polarity']}{e['strength']})" if "polarity" in e
                         else f"{cmap.label(e['variable'], lang)} (level {e['level']:g})" for e in row["acts_on"])
        cost = "" if row["cost"] is None else f", cost {row['cost']}"
        click.echo(f"  {row['title']}  [feasibility {row['feasibility']}{cost}]  → {acts}")


# -- helpers ---------------------------------------------------------------------------------------
def _dt(dt: float | None) -> float | None:
    if dt is not None and not (dt > 0 and math.isfinite(dt)):
        raise click.BadParameter(f"{dt:g} is not a positive number of months", param_hint="--dt")
    return dt


def _push(push: float) -> float:
    if not (push > 0 and math.isfinite(push)):
        raise click.BadParameter(f"{push:g} is not a positive share of today's value", param_hint="--push")
    return push


def _timeout(seconds: float) -> float:
    if not (seconds > 0 and math.isfinite(seconds)):
        raise click.BadParameter(f"{seconds:g} is not a positive, finite number of seconds", param_hint="--timeout")
    return seconds


@contextmanager
def _scheduler(address: str | None, timeout: float):
    """A Dask client for ``--scheduler`` (connected before any work starts), or None; a run that
    times out is told in terms of ``--timeout``."""
    from gmb.leverage.distributed import connect_scheduler

    answer = min(timeout, SCHEDULER_TIMEOUT)
    client = connect_scheduler(address, answer) if address else None
    try:
        yield client
    except ChunkTimeout as exc:
        raise GmbError(f"{exc.what}; check them, or raise --timeout (now {exc.timeout:g} s)") from None
    finally:
        if client is not None:
            client.close(timeout=answer)


@contextmanager
def _progress(samples: int):
    """A progress bar over the samples on stderr, if stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=samples, label=f"sampling {samples} versions of the map", file=sys.stderr) as bar:
        yield bar.update


_WORDS = {
    "da": {"head": "Effekt på {outcome} efter {years} år: {measure} mod udgangspunktet, over {samples} udgaver af "
                   "kortet (seed {seed})",
           "final": "ændringen ved slutningen", "auc": "arealet under kurven (ændring × måneder)",
           "how": "Hver skubbes i den viste retning; højere udfald regnes for bedre, så positive tal hjælper.",
           "action": "Tiltag — hvad en arbejdsgruppe kan gøre", "state": "Tilstande — betyder noget, hvis noget "
                                                                        "kan flytte dem",
           "idea": "Idéer",
           "columns": ["nr", "", "retning", "effekt", "5–95 %", "P(rigtig retning)", "P(top 3)", "press-rang",
                       "gennemførlig"],
           "front": "* på fronten: ingen anden idé er både stærkere og lettere at gennemføre"},
    "en": {"head": "Effect on {outcome} after {years} years: {measure} against the baseline, over {samples} "
                   "versions of the map (seed {seed})",
           "final": "change at the horizon", "auc": "area under the curve (change × months)",
           "how": "Each is pushed the way shown; a higher outcome counts as better, so positive numbers help.",
           "action": "Actions — what a working group can do", "state": "States — they matter if something "
                                                                       "could move them",
           "idea": "Ideas",
           "columns": ["rank", "", "direction", "effect", "5–95 %", "P(right direction)", "P(top 3)", "press rank",
                       "feasible"],
           "front": "* on the front: no other idea is both stronger and easier to carry out"},
}
"""The printed ranking's words (other languages get English)."""


def _print_ranking(report: dict, ideas: bool = False) -> None:
    """The ranking for people: actions, then states, each by size with the way to push, two significant
    figures, numbers and words in the report's language, the caveat under the heading."""
    lang = report.get("language")
    said = words(_WORDS, lang)
    click.echo(said["head"].format(outcome=report["outcome_label"], years=f"{report['horizon_months'] / 12:g}",
                                   measure=said[report["measure"]], samples=report["samples"], seed=report["seed"]))
    click.echo(report["caveat"])
    click.echo(said["how"])
    rows = report["candidates"]
    width = min(44, max(len(str(row["label"])) for row in rows))
    table = []
    for row in rows:
        label = str(row["label"])
        label = label if len(label) <= width else label[:width - 1] + "…"
        right = "–" if row["p_direction"] is None else share(row["p_direction"], lang)
        table.append([str(row["rank"]), label, direction_word(row["direction"], lang, row["kind"]),
                      significant(row["effect"], lang, sign=True),
                      (f"{significant(row['effect_p05'], lang, sign=True)} … "
                       f"{significant(row['effect_p95'], lang, sign=True)}"), right, share(row["p_top3"], lang),
                      "—" if row["press_rank"] is None else str(row["press_rank"])]
                     + ([f"{row['feasibility']}{' *' if row['pareto'] else '  '}"] if ideas else []))
    headers = said["columns"][:len(table[0])]
    widths = [max(len(r[i]) for r in [headers] + table) for i in range(len(headers))]
    groups = [row["group"] for row in rows]
    for n, cells in enumerate(table):
        if n == 0 or groups[n] != groups[n - 1]:
            click.echo("")
            click.echo(said["idea"] if ideas else said[groups[n]])
            cells_list = [headers]
        else:
            cells_list = []
        for line_cells in cells_list + [cells]:
            line = "  ".join(c.ljust(w) if i in (1, 2) else c.rjust(w)
                             for i, (c, w) in enumerate(zip(line_cells, widths)))
            click.echo(line.rstrip())
    click.echo("")
    if ideas:
        click.echo(said["front"])
    for note in report["uncertainty"]:
        click.echo(f"- {note}")


def _print_pairs(report: dict, labels: dict) -> None:
    pairs = report["pairs"]
    if not pairs:
        return
    counts = {verdict: sum(1 for p in pairs if p["verdict"] == verdict)
              for verdict in ("synergy", "interference", "uncertain", "additive")}
    click.echo(f"Pairs: {len(pairs)} — " + ", ".join(f"{n} {verdict}" for verdict, n in counts.items() if n))
    for pair in [p for p in pairs if p["verdict"] != "additive"][:10]:
        number = lambda value: significant(value, report.get("language"), sign=True)
        click.echo(f"  {labels[pair['a']]} + {labels[pair['b']]}: {pair['verdict']} "
                   f"{number(pair['synergy'])} [{number(pair['p05'])}, {number(pair['p95'])}] "
                   f"(together {number(pair['combined'])}, sum {number(pair['sum'])})")
    if counts["additive"] == len(pairs):
        click.echo("  every pair adds up exactly: the model is linear where these ideas act "
                   "(no bound reached, no equation multiplying their effects)")


COMMANDS = [leverage_command, ideas_group]
