"""Structural analysis commands: ``gmb loops``, ``gmb loop name/story``, ``gmb analyze``, ``gmb paths``,
``gmb press``. Each loads the map, makes one library call (:mod:`gmb.analysis`) and prints a
readable report (labels in the map's first language), or JSON with ``--json``."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import click

from gmb.analysis.centrality import MEASURES
from gmb.analysis.loopset import COUNT_CAP, LISTED, MAX_LENGTH
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
from gmb.errors import GmbError
from gmb.maps.store import edit_map, load_map

PATH_LIMIT = 200
"""``gmb paths`` lists at most this many paths (the shortest) unless told otherwise."""
MIN_STABLE = 100
"""``gmb press`` prints directions only from at least this many stable samples (each share is then
uncertain by at most about ±10%)."""

_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
_MAX_LENGTH = click.option("--max-length", type=click.IntRange(min=0), default=MAX_LENGTH, show_default=True,
                           metavar="N", help="Count loops of at most N variables; 0 for any length "
                           "(dense maps have millions of long loops).")


def _limit(default: int, what: str):
    return click.option("--limit", type=click.IntRange(min=0), default=default, show_default=True, metavar="N",
                        help=f"List at most N {what}, the shortest; 0 for no limit (may take very long).")


@click.command("loops")
@map_argument
@click.option("--through", metavar="VAR", help="Only the loops through this variable (id or label).")
@_MAX_LENGTH
@click.option("--limit", type=click.IntRange(min=1), default=LISTED, show_default=True, metavar="N",
              help="List the N most relevant loops: named ones, then those through the outcome, then the shortest.")
@click.option("--all", "list_all", is_flag=True, help=f"List every loop counted (at most {COUNT_CAP:,}).")
@_JSON
def loops_command(map_path, through, max_length, limit, list_all, as_json):
    """List the feedback loops: R reinforcing, B balancing, ? unknown.

    \b
    A loop is reinforcing when it has an even number of - links, balancing when odd, unknown (?)
    when a link's polarity is not agreed. Each loop has a stable id; name it with 'gmb loop name'.
    The count is the one 'gmb analyze', 'gmb workshop show' and 'gmb html' give: loops of up to
    8 variables, counted up to 10,000.

    \b
    Example:
      gmb loops models/havndal.yaml --through Søvn
      gmb loops models/havndal.yaml --limit 5 --json
    """
    from gmb.analysis.loops import find_loop
    from gmb.analysis.loopset import map_loops

    cmap = load_map(map_path)
    with _Progress("looking for loops") as progress:
        found = map_loops(cmap, through=through, max_length=max_length or None, listed=None if list_all else limit,
                          progress=progress)
    counts = found.counts
    if as_json:
        echo_json({"loops": [{"id": loop.id, "polarity": loop.polarity, "length": loop.length,
                              "variables": list(loop.variables), "name": _loop_name(cmap, loop.id)}
                             for loop in found.loops],
                   "count": found.to_dict(), "most_looped": [{"id": v, "loops": n} for v, n in counts.most_looped()]})
        return
    where = f" through {cmap.label(cmap.resolve(through))}" if through else ""
    if not found.loops:
        click.echo(f"No feedback loops{where} in {map_path}"
                   + (f" of up to {found.max_length} variables" if found.longer else "")
                   + ": no chain of links leads back to where it started.")
        return
    pol = counts.by_polarity()
    click.echo(f"{found.stated()}{where} in {map_path}: {pol['R']} reinforcing (R), {pol['B']} balancing (B), "
               f"{pol['?']} of unknown polarity (?)")
    outcome = ", ".join(cmap.label(v) for v in cmap.outcome if v in cmap.graph)
    order = "named first, then " * bool(cmap.loops) + (f"through {outcome} first, " if outcome else "") + "shortest first"
    shown = (f"All {len(found.loops):,} ({order}):" if len(found.loops) == found.total else
             f"The {len(found.loops)} most relevant ({order}; all of them with --all):")
    rows = []
    for loop in found.loops:
        chain = " → ".join(cmap.label(v) for v in loop.variables + loop.variables[:1])
        name = _loop_name(cmap, loop.id)
        rows.append([loop.id, loop.polarity, str(loop.length), f"«{name}»  {chain}" if name else chain])
    click.echo(f"\n{shown}\n" + _table(["id", "kind", "length", "loop"], rows, right={2}))
    click.echo("\nBy length: " + " · ".join(f"{n} of {length}" for length, n in counts.by_length().items()))
    click.echo("In most loops: " + " · ".join(f"{cmap.label(v)} {n}" for v, n in counts.most_looped()))
    click.echo("R: reinforcing (an even number of − links) · B: balancing (odd) · "
               "?: a link's polarity is not agreed")
    if found.longer is not False or found.stopped:
        click.echo("Count longer loops with --max-length N (0: any length).")
    for loop_id in cmap.loops:
        try:
            find_loop(cmap, loop_id)
        except GmbError:
            name = _loop_name(cmap, loop_id)
            warn(f"loops: {loop_id}{f' ({name})' if name else ''} matches no loop of the map; "
                 "its links may have changed")


@click.group("loop", cls=CommandGroup)
def loop_group():
    """Name a feedback loop, or tell its story."""


@loop_group.command("name")
@map_argument
@click.argument("loop_ref", metavar="LOOP-ID")
@click.argument("text")
@language_option("Language of the name.")
def loop_name_command(map_path, loop_ref, text, lang):
    """Give a loop a name (shown in 'gmb loops' and the HTML page).

    LOOP-ID is an id from 'gmb loops' (its start is enough) or a chain 'a > b > c'.

    \b
    Example:
      gmb loop name models/havndal.yaml L3-71871 "Træt af skærmen"
      gmb loop name models/havndal.yaml "children_mental_health > screen_time > sleep" "Tired of screens" --lang en
    """
    from gmb.analysis.loops import name_loop

    with edit_map(map_path) as cmap:
        loop = name_loop(cmap, loop_ref, text, map_language(cmap, lang, map_path))
        chain = " → ".join(cmap.label(v) for v in loop.variables + loop.variables[:1])
    click.echo(f"named loop {loop.id} ({chain}): {text.strip()}")


@loop_group.command("story")
@map_argument
@click.argument("loop_ref", metavar="LOOP-ID")
@click.argument("text")
@language_option("Language of the story.")
def loop_story_command(map_path, loop_ref, text, lang):
    """Tell a loop's story in your own words (replaces the generated one).

    \b
    Example:
      gmb loop story models/havndal.yaml L3-71871 "Jo mere skærm, jo mindre søvn, jo dårligere trivsel"
    """
    from gmb.analysis.loops import tell_loop

    with edit_map(map_path) as cmap:
        loop = tell_loop(cmap, loop_ref, "story", text, map_language(cmap, lang, map_path))
    click.echo(f"stored the story of loop {loop.id}")


_COLUMNS = {"in": "in_degree", "out": "out_degree", "degree": "degree", "between": "betweenness",
            "close": "closeness", "reach": "reach", "loops": "loops"}
"""The table's column headings and the measures of :data:`gmb.analysis.centrality.MEASURES` they show."""
_LEGEND = "\n".join(f"{head:8}  {MEASURES[key]}" for head, key in _COLUMNS.items())


@click.command("analyze", help=f"""Which variables are central; the map's size, density and loops.

\b
{_LEGEND}

\b
Example:
  gmb analyze models/havndal.yaml --csv centrality.csv
""")
@map_argument
@_JSON
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=str), metavar="FILE",
              help="Also write the table of variables to FILE (CSV, for a spreadsheet: in Danish with ; and "
                   "decimal commas).")
@_MAX_LENGTH
@language_option("Language of the labels and of the CSV table.")
@force_option
def analyze_command(map_path, as_json, csv_path, max_length, lang, force):
    from gmb.analysis.centrality import centrality_table, map_summary
    from gmb.analysis.loopset import map_loops
    from gmb.maps.outpaths import write_output
    from gmb.outputs.tables import centrality_csv

    cmap = load_map(map_path)
    lang = map_language(cmap, lang, map_path)
    if csv_path and not Path(csv_path).resolve().parent.is_dir():
        raise GmbError(f"--csv {csv_path}: directory {str(Path(csv_path).parent)!r} does not exist; create it "
                       "first or give another file name")
    with _Progress("counting loops") as progress:
        loops = map_loops(cmap, max_length=max_length or None, listed=0, progress=progress)
    table, summary = centrality_table(cmap, loops), map_summary(cmap, loops)
    for row in table:
        row["label"] = cmap.label(row["id"], lang)
    if csv_path:
        try:
            with guarded_outputs(map_path, force=force):
                write_output(csv_path, centrality_csv(table, cmap, lang))
        except OSError as exc:
            raise GmbError(f"--csv {csv_path}: cannot write there ({exc.strerror or exc}); "
                           "give a file in a directory you can write to") from None
    if as_json:
        echo_json({"variables": table} | summary)
        if csv_path:
            click.echo(f"wrote {csv_path}", err=True)
        return
    average = summary["average_path_length"]
    pol = summary["loops"]
    click.echo(f"{map_path}: {summary['variables_count']} variables, {summary['links_count']} links, "
               f"density {summary['density']:.3f}, average path length "
               f"{'-' if average is None else f'{average:.2f}'} links")
    click.echo(f"{summary['loops_stated']}: R {pol['R']}, B {pol['B']}, ? {pol['?']}")
    rows = sorted(table, key=lambda r: (-r["degree"], -r["betweenness"], r["label"].casefold()))
    cells = [[r["label"]] + [f"{r[key]:.3f}" if isinstance(r[key], float) else r[key] for key in _COLUMNS.values()]
             for r in rows]
    click.echo("\n" + _table(["variable", *_COLUMNS], cells, right=set(range(1, len(_COLUMNS) + 1))))
    click.echo("\n" + _LEGEND)
    if csv_path:
        click.echo(f"wrote {csv_path}")


@click.command("paths")
@map_argument
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--max-length", type=click.IntRange(min=1), metavar="N", help="Only paths of at most N links.")
@_limit(PATH_LIMIT, "paths")
@_JSON
def paths_command(map_path, source, target, max_length, limit, as_json):
    """How FROM reaches TO: every path, its net sign, and a verdict.

    \b
    A path's sign is + when it has an even number of - links, - when odd, ? when a link's
    polarity is not agreed. When paths of opposite sign exist, the effect is ambiguous: it
    depends on which paths are stronger (see 'gmb press').

    \b
    Example:
      gmb paths models/havndal.yaml safe_bike_paths children_mental_health
      gmb paths models/havndal.yaml Søvn "Børns mentale sundhed" --max-length 3
    """
    from gmb.analysis.paths import VERDICTS, pathways

    cmap = load_map(map_path)
    result = pathways(cmap, source, target, max_length=max_length, limit=limit or None)
    counts = result.by_sign()
    if as_json:
        echo_json({"from": result.source, "to": result.target,
                   "paths": [{"variables": list(p.variables), "sign": p.sign, "length": p.length}
                             for p in result.paths],
                   "counts": counts, "verdict": result.verdict, "complete": result.complete, "reason": result.reason})
        return
    src, dst = cmap.label(result.source), cmap.label(result.target)
    click.echo(f"{_count(len(result.paths), 'path')} from {src} to {dst}: {counts['+']} raise it (+), "
               f"{counts['-']} lower it (−), {counts['?']} of unknown sign (?)")
    if result.paths:
        click.echo("\n" + _table(["sign", "links", "path"],
                                 [[p.sign, p.length, " → ".join(cmap.label(v) for v in p.variables)]
                                  for p in result.paths], right={1}) + "\n")
    verdict = VERDICTS[result.verdict].replace("the target", dst)
    click.echo(f"Verdict: {verdict}" + ("" if result.complete else " (among the listed paths)"))
    if not result.complete:
        click.echo(f"NOT ALL PATHS ARE LISTED: {result.reason}. Change what is listed with --limit N "
                   "(0: no limit) and --max-length N.")
    elif not result.paths and cmap.graph.in_degree(result.target) == 0:
        click.echo(f"{dst} has no causes: no link leads into it.")


@click.command("press")
@map_argument
@click.option("--outcome", metavar="VAR", help="The outcome variable (default: the map's first outcome).")
@click.option("--samples", type=click.IntRange(min=1), default=1000, show_default=True,
              help="How many sets of link weights to draw.")
@click.option("--seed", type=int,
              help="Random seed; the same seed gives the same numbers (default: a new one, printed).")
@click.option("--weights", type=click.Choice(["strengths", "uniform"]), default="strengths", show_default=True,
              help="Draw each link's weight within its strength class (the map's strengths: numbers, as "
                   "'gmb leverage' does), or uniform on 0-1 whatever the strength (QPress).")
@click.option("--min-stable", type=click.IntRange(min=1), default=MIN_STABLE, show_default=True, metavar="N",
              help="Print directions only when at least N samples were stable; otherwise stop with exit 2.")
@_JSON
def press_command(map_path, outcome, samples, seed, weights, min_stable, as_json):
    """Which way a sustained push on each variable moves the outcome.

    \b
    Levins' loop analysis as in QPress, on the model gmb simulates: link weights are drawn at
    random within each link's strength class (or uniform 0-1 with --weights uniform) with the
    map's signs (a ? link gets a random sign); each draw's model (adjust times, stocks, equations,
    delays) is linearised, draws in which the outcome does not settle (a loop runs away or a
    delayed loop overshoots more each time) are dropped, and the long-run response is solved for
    each draw that settles.
    'rises' is the share of stable draws in which the outcome goes up; a direction is called
    up or down when at least 80% of draws agree. With fewer than --min-stable stable draws
    (default 100) the shares are too uncertain: no directions are printed, and the exit code is 2.

    \b
    Example:
      gmb press models/havndal.yaml --seed 1
    """
    from gmb.analysis.press import press_response

    cmap = load_map(map_path)
    seed = secrets.randbelow(1_000_000) if seed is None else seed
    result = press_response(cmap, outcome, samples=samples, seed=seed, weights=weights)
    if result.stable < min_stable:
        other = " or draw the weights within their strength classes (--weights strengths)" * (weights == "uniform")
        raise GmbError(f"only {result.stable} of {result.samples} weight samples (seed {result.seed}) were stable, "
                       f"fewer than the {min_stable} needed to call directions (in the others a loop runs away or "
                       f"overshoots more each time round); raise --samples{other}, or check the loops "
                       f"('gmb loops {map_path}')")
    if as_json:
        echo_json({"outcome": result.outcome, "samples": result.samples, "stable": result.stable,
                   "seed": result.seed, "weights": result.weights, "unknown_links": result.unknown_links,
                   "variables": [row | {"label": cmap.label(row["id"])} for row in result.variables]})
        return
    name = cmap.label(result.outcome)
    click.echo(f"Long-run response of {name} to a sustained push on each variable")
    unknown = (f"; {_count(result.unknown_links, 'link')} of unknown polarity got random signs"
               if result.unknown_links else "")
    drawn = "uniform 0-1" if weights == "uniform" else "within their strength classes"
    click.echo(f"{result.samples} weight samples (seed {result.seed}, weights {drawn}), {result.stable} stable "
               f"and used{unknown}")
    connected = [r for r in result.variables if r["rises"] is not None]
    connected.sort(key=lambda r: (-r["rises"], r["falls"], cmap.label(r["id"]).casefold()))
    click.echo("\n" + _table(["pushed variable", "rises", "falls", "direction"],
                             [[cmap.label(r["id"]), f"{r['rises']:.0%}", f"{r['falls']:.0%}", r["direction"]]
                              for r in connected], right={1, 2}))
    unconnected = [cmap.label(r["id"]) for r in result.variables if r["direction"] == "no path"]
    if unconnected:
        click.echo(f"\nNo path to {name} (a push there does not move it): {', '.join(unconnected)}")
    click.echo("\nrises/falls: share of stable samples in which the outcome goes up/down · "
               "up/down: at least 80% agree · uncertain: it depends on the link strengths")


def _count(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless n is 1.

    >>> _count(1, "path"), _count(3, "feedback loop")
    ('1 path', '3 feedback loops')
    """
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _loop_name(cmap, loop_id: str) -> str | None:
    entry = cmap.loops.get(loop_id)
    return cmap.text(entry.get("name")) or None if isinstance(entry, dict) else None


def _table(headers: list[str], rows: list[list], right: set[int] = frozenset()) -> str:
    """Rows as text columns; columns in ``right`` are aligned right, the last column is not padded."""
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for row in cells:
        parts = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        parts[-1] = row[-1] if len(headers) - 1 not in right else parts[-1]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


class _Progress:
    """Shows a count on stderr while a slow search runs, if stderr is a terminal; clears it after."""

    def __init__(self, what: str):
        self.what, self.shown = what, False

    def __enter__(self):
        return self.show if sys.stderr.isatty() else None

    def show(self, count: int, shortest: bool) -> None:
        doing = "more than the limit; keeping the shortest" if shortest else self.what
        click.echo(f"\r{doing}: {count:,} found…  ", err=True, nl=False)
        self.shown = True

    def __exit__(self, *exc) -> None:
        if self.shown:
            click.echo("\r" + " " * 70 + "\r", err=True, nl=False)


COMMANDS = [loops_command, loop_group, analyze_command, paths_command, press_command]
