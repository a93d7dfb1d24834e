"""Commands that turn a map into a stock-and-flow model and run scenarios: ``build`` and ``simulate``.

Example
-------
>>> import tempfile, pathlib
>>> from click.testing import CliRunner
>>> from gmb.cli import main
>>> from gmb.maps.store import new_map, edit_map
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = new_map(folder / "map.yaml", "Trivsel")
>>> with edit_map(folder / "map.yaml") as cmap:
...     cmap.add_variable("mood", "Humør")
>>> result = CliRunner().invoke(main, ["build", str(folder / "map.yaml"), "-o", str(folder / "model")])
>>> sorted(p.name for p in (folder / "model").iterdir())
['ASSUMPTIONS.md', 'map.mdl', 'map.xmile']
"""

from __future__ import annotations

import math
import secrets
import sys
from pathlib import Path

import click

from gmb.cli.common import echo_json, force_option, guarded_outputs, language_option, map_argument, map_language, warn
from gmb.cli.gap_tables import print_gaps
from gmb.errors import GmbError
from gmb.maps.store import load_map
from gmb.outputs.simulation_files import write_model, write_results
from gmb.render.numbers import decimals_for, fixed, percent, plain, significant
from gmb.render.wording import band_note, caveat, explanation, files_note, words
from gmb.sd.scenarios import load_scenarios, plural
from gmb.sd.simulate import ENGINES, choose_dt, simulate
from gmb.sd.spec import build_spec
from gmb.sd.stability import check_stability


@click.command("build")
@map_argument
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(path_type=str),
              help="Directory for the model files (created if missing).")
@force_option
def build_command(map_path, out_dir, force):
    """Write the map as a stock-and-flow model (XMILE, Vensim .mdl).

    ASSUMPTIONS.md beside the model files lists every modelling choice gmb made for the map.

    \b
    Example:
      gmb build models/havndal.yaml -o out/havndal-model
    """
    spec = build_spec(load_map(map_path))
    stability = check_stability(spec)
    if not stability.stable:
        warn(stability.message())
    with guarded_outputs(map_path, force=force):
        written = write_model(spec, out_dir, stem=Path(map_path).stem, source=map_path)
    for path in written:
        click.echo(f"wrote {path}")


@click.command("simulate")
@map_argument
@click.option("--scenarios", "scenarios_path", required=True, type=click.Path(path_type=str),
              help="Scenario file (YAML), e.g. workshops/havndal/scenarios.yaml.")
@click.option("--outcome", "outcomes", multiple=True, metavar="VAR",
              help="Outcome to compare (id or label); repeat for more. Default: the map's outcome.")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=str),
              help="Directory for results.csv, summary.csv, PNG plots and ASSUMPTIONS.md.")
@click.option("--engine", type=click.Choice(ENGINES), help="Simulation engine: numpy (every run at once) or pysd "
              "(the reference). Default: numpy when there are scenarios, pysd for the baseline alone; a model "
              "numpy cannot run is run in pysd, with a warning.")
@click.option("--dt", type=float, help="Euler step in the scenario file's time unit (default: from the "
              "time constants, at most a quarter of the smallest).")
@click.option("--band", type=click.IntRange(min=1), metavar="N",
              help="Also run every scenario over N versions of the map (its uncertain strengths, adjust times and "
                   "disputed links, as gmb leverage draws them) and shade each line's 5–95 % band in the charts; "
                   "bands.csv keeps the band.")
@click.option("--seed", type=click.IntRange(min=0), metavar="S",
              help="With --band: the random seed; the same seed gives byte-identical files (default: a new one, "
                   "printed).")
@language_option("Language of the table and the plots' labels.")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison table as JSON.")
@force_option
def simulate_command(map_path, scenarios_path, outcomes, out_dir, engine, dt, band, seed, lang, as_json, force):
    """Run the baseline and each scenario; compare the outcome(s).

    \b
    The table (in the map's first language, or --lang) gives each scenario's value, its change
    against the baseline (two significant figures) and the change in percent, under the caveat
    that this compares scenarios of a hand-drawn map and is no forecast; summary.csv is that table
    for a spreadsheet (Danish: ; and decimal commas), results.csv keeps every number in full for
    analysts. With --band N the charts shade where each line lies
    in 5–95 % of N versions of the map (unstable versions left out and counted).

    \b
    Example:
      gmb simulate models/havndal.yaml --scenarios workshops/havndal/scenarios.yaml -o out/havndal
      gmb simulate models/havndal.yaml --scenarios workshops/havndal/scenarios.yaml --band 200 --seed 1 --lang en
    """
    cmap = load_map(map_path)
    lang = map_language(cmap, lang, map_path)
    spec = build_spec(cmap)
    plan = load_scenarios(scenarios_path, cmap, spec)
    chosen = [cmap.resolve(name) for name in outcomes] or [v for v in cmap.outcome if v in spec.variables]
    if not chosen:
        raise GmbError(f"{map_path}: no outcome to compare; give --outcome VAR or set one with "
                       f"'gmb outcome {map_path} VAR'")
    if dt is not None and not (dt > 0 and math.isfinite(dt)):
        raise click.BadParameter(f"{dt:g} is not a positive number", param_hint="--dt")
    if seed is not None and band is None:
        raise click.BadParameter("a seed is for the band's draws; give --band N too", param_hint="--seed")
    step, step_warning = choose_dt(spec, plan, None if dt is None else dt * plan.unit_months)
    if step_warning:
        warn(step_warning)
    stability = check_stability(spec)
    if not stability.stable:
        warn(stability.message())
    runs = len(plan.scenarios) + 1
    if len(plan.scenarios) > 1:
        label = words(_WORDS, lang)["progress"].format(runs=runs)
        with click.progressbar(length=runs, label=label, file=sys.stderr,
                               item_show_func=lambda name: name) as bar:
            results = simulate(spec, plan, chosen, engine=engine, dt=step,
                               on_run=lambda name: bar.update(1, name))
    else:
        results = simulate(spec, plan, chosen, engine=engine, dt=step)
    if results.fallback:
        warn(results.fallback)
    bands = None
    if band is not None:
        from gmb.leverage.bands import scenario_bands

        seed = secrets.randbelow(1_000_000) if seed is None else seed
        bands = scenario_bands(cmap, plan, chosen, band, seed, step)
    with guarded_outputs(map_path, scenarios_path, force=force):
        written = write_results(results, cmap, out_dir, lang, source=map_path, bands=bands) if out_dir else []
    if as_json:
        echo_json({"dt": step / plan.unit_months, "time_unit": plan.time_unit,
                   "horizon": plan.horizon / plan.unit_months, "summary": results.summary(),
                   **({"gaps": results.gaps()} if results.spec.segmentation else {}),
                   "files": [str(p) for p in written]}
                  | ({} if bands is None else {"band": {"seed": bands.seed, "draws": bands.samples,
                                                         "used": bands.used, "unstable": bands.unstable,
                                                         "not_at_rest": bands.restless,
                                                         "unchecked": bands.unchecked}}))
        return
    _print_table(results, cmap, lang, bands)
    print_gaps(results, cmap, lang, _horizon(plan, lang))
    click.echo("")
    today = all(results.spec.variables[var].kind == "index" and results.spec.variables[var].initial == 1
                for var in results.outcomes)
    click.echo(explanation(_horizon(plan, lang), today, lang))
    if bands is not None:
        click.echo(band_note(bands.samples, bands.used, bands.unstable, bands.restless, bands.unchecked,
                             bands.seed, lang))
    click.echo(files_note(out_dir, [path.name for path in written], lang))


_WORDS = {
    "da": {"at": "efter", "baseline": "udgangspunkt", "progress": "simulerer {runs} kørsler", "columns": ("scenarie", "værdi", "ændring", "ændring %", "værdi 5–95 %"),
           "units": {"month": "måneder", "months": "måneder", "måned": "måneder", "year": "år", "years": "år"}},
    "en": {"at": "at", "baseline": "baseline", "progress": "simulating {runs} runs", "columns": ("scenario", "value", "change", "change %", "value 5–95%"),
           "units": {"måned": "months", "måneder": "months", "år": "years"}},
}
"""The table's words (other languages get English)."""


def _horizon(plan, lang: str) -> str:
    """The horizon as the table says it, e.g. "120 måneder"."""
    unit = words(_WORDS, lang)["units"].get(plan.time_unit, plural(plan.time_unit))
    return f"{fixed(plan.horizon / plan.unit_months, 0, lang)} {unit}"


def _print_table(results, cmap, lang: str, bands=None) -> None:
    """Per outcome: a heading, the caveat, and each scenario's value, change (two significant figures) and
    change in percent, numbers in the language's forms (Danish: decimal comma, "5,5 %"); with ``bands``,
    the range of the value over 5–95 % of the versions of the map too."""
    plan = results.plan
    said = words(_WORDS, lang)
    labels = {s.name: cmap.text(s.label, lang, default=s.name) for s in plan.scenarios}
    name, value, change, share, spread = said["columns"]
    width = max(len(name), *(len(label) for label in labels.values())) + 2
    rows = results.summary()
    unit = said["units"].get(plan.time_unit, plural(plan.time_unit))
    for var in results.outcomes:
        base = next(r["baseline"] for r in rows if r["outcome"] == var)
        click.echo(f"{cmap.label(var, lang)} {said['at']} {_horizon(plan, lang)} "
                   f"({said['baseline']} {plain(float(f'{base:.4g}'), lang)}; "
                   f"dt {plain(float(f'{results.dt / plan.unit_months:.3g}'), lang)} {unit})")
        click.echo(caveat(lang))
        click.echo(f"  {name:<{width}}{value:>10}{change:>11}{share:>11}" + (f"  {spread}" if bands else ""))
        own = [r for r in rows if r["outcome"] == var]
        decimals = max(2, *(decimals_for(r["change"]) for r in own))  # the values line up, as precise as a change
        for row in own:
            shown = "n/a" if math.isnan(row["percent"]) else percent(row["percent"], lang, sign=True)
            level = fixed(row["value"], decimals, lang)
            band = "" if bands is None else (f"  {fixed(bands.low[row['scenario']][var][-1], decimals, lang)} … "
                                             f"{fixed(bands.high[row['scenario']][var][-1], decimals, lang)}")
            click.echo(f"  {labels[row['scenario']]:<{width}}{level:>10}"
                       f"{significant(row['change'], lang, sign=True):>11}{shown:>11}{band}")


COMMANDS = [build_command, simulate_command]
