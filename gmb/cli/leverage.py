"""Leverage and the idea bank: ``gmb leverage`` and ``gmb ideas rank`` (the ``ideas`` group is registered by
:mod:`gmb.cli.ideas`, which adds ``add|set|list|check``).

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

from gmb.cli.common import (
    CommandGroup,
    echo_json,
    force_option,
    guarded_outputs,
    language_option,
    map_argument,
    map_language,
    warn,
)
from gmb.cli.gap_tables import print_gap_ranking
from gmb.cli.leverage_tables import print_notes, print_pairs, print_pairwise, print_ranking, print_sensitivity
from gmb.errors import GmbError
from gmb.leverage.distributed import DEFAULT_TIMEOUT, SCHEDULER_TIMEOUT, ChunkTimeout
from gmb.leverage.ranking import DEFAULT_PUSH, DEFAULT_SAMPLES
from gmb.leverage.results import MEASURES
from gmb.leverage.sensitivity import SOBOL_BASE, TRAJECTORIES
from gmb.maps.store import load_map
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
        language_option("Language of labels and charts."),
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
@click.option("--sensitivity/--no-sensitivity", default=True, show_default=True,
              help="Screen which link judgements and adjust times move the ranking of the top candidates most "
                   f"(Morris, {TRAJECTORIES} trajectories; a second or so on a map of 30 variables).")
@click.option("--sobol", is_flag=True,
              help=f"Screen with Sobol indices (total ST and first-order S1, {SOBOL_BASE} base samples: "
                   "several times the work of Morris) instead of Morris.")
def leverage_command(map_path, outcome, samples, seed, horizon, dt, structure, measure, scheduler, workers,
                     timeout, out_dir, lang, as_json, push, ideas_path, sensitivity, sobol, force=False):
    """Rank what to push by its simulated effect on the outcome.

    Each rank comes with how sure it is, over many versions of the map.

    \b
    Every variable (or every idea of --ideas) gets the same push from time 0; over N samples of the
    map's uncertain link strengths and adjust times (each strength class drawn within its range,
    τ within ×/÷ 1.5) each is compared with that sample's baseline. Actions (what a working group
    can do) are ranked first, then the map's states, each by the size of the effect, with the way
    to push (increase / decrease; a higher outcome counts as better). Reported per candidate: the
    median change of the outcome when pushed that way, its 5–95 % interval, P(right direction),
    P(top 3) and the rank of the analytic press response for the map's own strengths. Under it: the
    pairwise table (how often each of the top five has more effect than each other, on the same
    samples) and the judgements worth discussing next (which link strengths, disputed links and
    adjust times move the top five's shares of their combined effect most: Morris μ* and σ, in
    percentage points). The CSV files are these tables for a spreadsheet (Danish: ; and decimal
    commas); the JSON file keeps every number, signed, in full precision.

    \b
    Example:
      gmb leverage models/havndal.yaml --samples 100 --seed 1 -o out/leverage
      gmb leverage models/havndal.yaml --samples 100 --seed 1 --no-sensitivity --lang en
    """
    from gmb.leverage.ranking import leverage
    from gmb.outputs.leverage_files import leverage_report, write_leverage

    if ideas_path and push is not None:
        raise click.BadParameter("an idea acts as its acts_on says; leave out --push with --ideas",
                                 param_hint="--push")
    cmap = load_map(map_path)
    lang = map_language(cmap, lang, map_path)
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
    screened = None
    if sensitivity and not result.flags:
        screened = _screen(cmap, result, ideas_path, outcome, months(horizon), _dt(dt), structure, push, measure,
                           "sobol" if sobol else "morris")
    with guarded_outputs(map_path, ideas_path, force=force):
        written = write_leverage(result, cmap, out_dir, lang, measure, screened) if out_dir else []
    report = leverage_report(result, cmap, lang, measure, screened)
    if as_json:
        echo_json(report | {"files": [str(p) for p in written]})
        return
    if not result.flags:  # otherwise the warnings said why there is no ranking to show
        print_ranking(report)
        print_gap_ranking(report)
        print_pairwise(report, ideas=bool(ideas_path))
        print_sensitivity(report)
        print_notes(report)
    for path in written:
        click.echo(f"wrote {path}")


@click.group("ideas", cls=CommandGroup)
def ideas_group():
    """The idea bank: edit, list and check its ideas, and rank them."""


@ideas_group.command("rank")
@map_argument
@click.option("--ideas", "ideas_path", required=True, type=click.Path(path_type=str), metavar="FILE",
              help="The idea bank, e.g. workshops/havndal/ideas.yaml.")
@_run_options
def ideas_rank_command(map_path, ideas_path, outcome, samples, seed, horizon, dt, structure, measure, scheduler,
                       workers, timeout, out_dir, lang, as_json, force=False):
    """Rank the ideas by simulated effect beside their feasibility.

    Every pair of ideas is tested for synergy too.

    \b
    Each idea is put fully into effect from time 0, alone and with each other idea, over the same
    samples of the map's uncertain numbers. Synergy is the pair's effect less the sum of the two
    ideas' single effects. The chart (ideas.png) puts impact against feasibility; ideas on the
    front (no other idea both stronger and easier) are marked.

    \b
    Example:
      gmb ideas rank models/havndal.yaml --ideas workshops/havndal/ideas.yaml --samples 100 --seed 1 -o out/ideas
    """
    from gmb.leverage.ideas import load_ideas, rank_ideas
    from gmb.outputs.leverage_files import ideas_report, write_ideas

    cmap = load_map(map_path)
    lang = map_language(cmap, lang, map_path)
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
    print_ranking(report, ideas=True)
    print_gap_ranking(report)
    print_notes(report)
    print_pairs(report, {row["id"]: row["label"] for row in report["candidates"]})
    for path in written:
        click.echo(f"wrote {path}")


# -- helpers ---------------------------------------------------------------------------------------
def _screen(cmap, result, ideas_path, outcome, horizon, dt, structure, push, measure, method):
    """The sensitivity screening of ``result`` (the same candidates and seed), or None with a warning
    when there is nothing to screen."""
    from gmb.leverage.ranking import prepare, variable_candidates
    from gmb.leverage.sensitivity import sensitivity

    if len(result.candidates) < 2:  # nothing to order
        return None
    setup = prepare(cmap, outcome, horizon, dt, structure)
    if ideas_path:
        from gmb.leverage.ideas import idea_candidates, load_ideas

        candidates, extra = idea_candidates(setup, load_ideas(ideas_path, cmap))
    else:
        candidates, extra = variable_candidates(setup, DEFAULT_PUSH if push is None else push), []
    try:
        return sensitivity(setup, candidates, result, method, seed=result.seed, extra=extra, measure=measure)
    except GmbError as exc:
        warn(f"no sensitivity screening: {exc}")
        return None


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


COMMANDS = [leverage_command]
