"""``gmb html`` (interactive page for residents) and ``gmb circle`` (printable connection circle).

Static pictures for reports are written by ``gmb export MAP -o map.png|.svg|.pdf``.
"""

from __future__ import annotations

import os

import click

from gmb.cli.common import force_option, guarded_outputs, language_option, map_argument, map_language
from gmb.maps.store import load_map


@click.command("html")
@map_argument
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=str),
              help="The page to write (.html).")
@language_option("Language the page opens in (it can switch to the others).")
@click.option("--results", type=click.Path(path_type=str),
              help="A directory written by 'gmb simulate': adds charts of the outcome under each scenario.")
@click.option("--scenarios", type=click.Path(path_type=str),
              help="With --results: the scenario file that was simulated, to name the scenarios in the charts.")
@click.option("--size-by", default="loops", show_default=True,
              help="Centrality that sets the size of the dots: loops, degree, betweenness, closeness, reach, "
                   "in_degree or out_degree.")
@click.option("--max-loops", default=200, show_default=True, type=click.IntRange(1),
              help="At most this many loops in the loop explorer.")
@click.option("--workshop", type=click.Path(path_type=str),
              help="The site's workshop record (its folder, e.g. workshops/havndal): the guide tells when the map "
                   "was drawn and who took part.")
@click.option("--no-play", is_flag=True, help="Leave out play mode (its precomputed runs make the page larger).")
@force_option
def html_command(map_path, out, lang, results, scenarios, size_by, max_loops, workshop, no_play, force):
    """Write the map as one interactive HTML page that works offline.

    With --results (a folder 'gmb simulate -o' wrote) the page also charts the outcome under each scenario.

    \b
    Example:
      gmb html models/havndal.yaml -o havndal.html
      gmb simulate models/havndal.yaml --scenarios workshops/havndal/scenarios.yaml -o out/havndal
      gmb html models/havndal.yaml -o havndal-en.html --lang en --results out/havndal \\
        --scenarios workshops/havndal/scenarios.yaml --workshop workshops/havndal
    """
    from gmb.render.colour_vision import look_alike
    from gmb.render.html import write_html
    from gmb.render.style import THEME_PALETTE, theme_colors
    from gmb.workshops.records import RECORD_NAME

    if scenarios and not results:
        raise click.UsageError("--scenarios names the scenarios of --results; give --results DIR too")
    cmap = load_map(map_path)
    language = map_language(cmap, lang, map_path)
    record = workshop and (os.path.join(workshop, RECORD_NAME) if os.path.isdir(workshop) else workshop)
    with guarded_outputs(map_path, scenarios, results and os.path.join(results, "results.csv"), record, force=force):
        files = write_html(cmap, out, language=language, results=results, scenarios=scenarios,
                           size_by=size_by, max_loops=max_loops, workshop=workshop, play=not no_play)
    click.echo(f"wrote {', '.join(files)}")
    for first, second, vision in look_alike({theme: color for theme, color in theme_colors(cmap).items()}):
        click.echo(f"warning: {map_path}: the colours of themes {first!r} and {second!r} look alike with {vision}; "
                   f"the symbols in the dots still tell them apart; to keep the colours apart too, set the color: of "
                   f"theme {second!r} in the map to one of {', '.join(THEME_PALETTE[:6])}", err=True)


@click.command("circle")
@map_argument
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=str),
              help="The page to write (.pdf, .png or .svg).")
@language_option("Language of the labels.")
@click.option("--blank", is_flag=True, help="Only the variables around the circle, no links: for a group to draw on.")
@force_option
def circle_command(map_path, out, lang, blank, force):
    """Draw a printable connection circle of the map.

    The variables stand around a circle and the links are drawn as chords; with --blank only the
    variables, for a group to draw on.

    \b
    Example:
      gmb circle models/havndal.yaml -o circle.pdf
      gmb circle models/havndal.yaml -o blank-circle.pdf --blank --lang en
    """
    from gmb.render.circle import write_circle

    cmap = load_map(map_path)
    language = map_language(cmap, lang, map_path)
    with guarded_outputs(map_path, force=force):
        files = write_circle(cmap, out, language=language, links=not blank)
    click.echo(f"wrote {', '.join(files)}")


COMMANDS = [html_command, circle_command]
