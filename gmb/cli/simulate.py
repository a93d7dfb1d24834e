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
import sys
from pathlib import Path

import click

from gmb.cli.common import echo_json, force_option, guarded_outputs, map_argument, warn
from gmb.errors import GmbError
from gmb.maps.store import load_map
from gmb.outputs.simulation_files import write_model, write_results
from gmb.render.numbers import decimals_for, fixed, percent, plain, significant
from gmb.render.wording import caveat, words
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
    """Write the map as a stock-and-flow model: XMILE, Vensim .mdl and ASSUMPTIONS.md.

    Example: gmb build models/havndal.yaml -o out/havndal-model
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
@click.option("--lang", help="Language of plot labels and the table (default: the map's first).")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison table as JSON.")
@force_option
def simulate_command(map_path, scenarios_path, outcomes, out_dir, engine, dt, lang, as_json, force):
    """Run the baseline and each scenario, and compare the outcome(s) at the horizon.

    \b
    The table (in the map's first language, or --lang) gives each scenario's value, its change
    against the baseline (two significant figures) and the change in percent, under the caveat
    that this compares scenarios of a hand-drawn map and is no forecast; results.csv and
    summary.csv keep every number in full.
    Example: gmb simulate models/havndal.yaml --scenarios workshops/havndal/scenarios.yaml -o out/havndal
    """
    cmap = load_map(map_path)
    spec = build_spec(cmap)
    plan = load_scenarios(scenarios_path, cmap, spec)
    chosen = [cmap.resolve(name) for name in outcomes] or [v for v in cmap.outcome if v in spec.variables]
    if not chosen:
        raise GmbError(f"{map_path}: no outcome to compare; give --outcome VAR or set one with "
                       f"'gmb outcome {map_path} VAR'")
    if dt is not None and not (dt > 0 and math.isfinite(dt)):
        raise click.BadParameter(f"{dt:g} is not a positive number", param_hint="--dt")
    step, step_warning = choose_dt(spec, plan, None if dt is None else dt * plan.unit_months)
    if step_warning:
        warn(step_warning)
    stability = check_stability(spec)
    if not stability.stable:
        warn(stability.message())
    runs = len(plan.scenarios) + 1
    if len(plan.scenarios) > 1:
        with click.progressbar(length=runs, label=f"simulating {runs} runs", file=sys.stderr,
                               item_show_func=lambda name: name) as bar:
            results = simulate(spec, plan, chosen, engine=engine, dt=step,
                               on_run=lambda name: bar.update(1, name))
    else:
        results = simulate(spec, plan, chosen, engine=engine, dt=step)
    if results.fallback:
        warn(results.fallback)
    with guarded_outputs(map_path, scenarios_path, force=force):
        written = write_results(results, cmap, out_dir, lang, source=map_path) if out_dir else []
    if as_json:
        echo_json({"dt": step / plan.unit_months, "time_unit": plan.time_unit,
                   "horizon": plan.horizon / plan.unit_months, "summary": results.summary(),
                   "files": [str(p) for p in written]})
        return
    _print_table(results, cmap, lang)
    for path in written:
        click.echo(f"wrote {path}")


_WORDS = {
    "da": {"at": "efter", "baseline": "udgangspunkt", "columns": ("scenarie", "værdi", "ændring", "ændring %"),
           "units": {"month": "måneder", "months": "måneder", "måned": "måneder", "year": "år", "years": "år"}},
    "en": {"at": "at", "baseline": "baseline", "columns": ("scenario", "value", "change", "change %"),
           "units": {"måned": "months", "måneder": "months", "år": "years"}},
}
"""The table's words (other languages get English)."""


def _print_table(results, cmap, lang) -> None:
    """Per outcome: a heading, the caveat, and each scenario's value, change (two significant figures) and
    change in percent, numbers in the language's forms (Danish: decimal comma, "5,5 %")."""
    plan = results.plan
    lang = lang or cmap.languages[0]
    said = words(_WORDS, lang)
    labels = {s.name: cmap.text(s.label, lang, default=s.name) for s in plan.scenarios}
    name, value, change, share = said["columns"]
    width = max(len(name), *(len(label) for label in labels.values())) + 2
    rows = results.summary()
    unit = said["units"].get(plan.time_unit, plural(plan.time_unit))
    for var in results.outcomes:
        base = next(r["baseline"] for r in rows if r["outcome"] == var)
        click.echo(f"{cmap.label(var, lang)} {said['at']} {fixed(plan.horizon / plan.unit_months, 0, lang)} {unit} "
                   f"({said['baseline']} {plain(float(f'{base:.4g}'), lang)}; "
                   f"dt {plain(float(f'{results.dt / plan.unit_months:.3g}'), lang)} {unit})")
        click.echo(caveat(lang))
        click.echo(f"  {name:<{width}}{value:>10}{change:>11}{share:>11}")
        own = [r for r in rows if r["outcome"] == var]
        decimals = max(2, *(decimals_for(r["change"]) for r in own))  # the values line up, as precise as a change
        for row in own:
            shown = "n/a" if math.isnan(row["percent"]) else percent(row["percent"], lang, sign=True)
            level = fixed(row["value"], decimals, lang)
            click.echo(f"  {labels[row['scenario']]:<{width}}{level:>10}"
                       f"{significant(row['change'], lang, sign=True):>11}{shown:>11}")


COMMANDS = [build_command, simulate_command]
