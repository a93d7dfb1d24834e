"""Issue 13 item 6 and "Bad input", issue 15 item 8: the scenario chart's 5–95 % band, one-line errors for
runs that cannot be computed, Danish notes, and a ``gmb simulate`` that says what its table means.

The band (``gmb simulate --band N --seed S``) is checked against numpy's quantiles over the draws the
checks keep, recomputed here from the same draws; its CSV is byte-identical for the same seed; the PNG
shades it and says so. Every error is one line on stderr with exit code 2.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.leverage.bands import COLUMNS, QUANTILES, scenario_bands
from gmb.leverage.checks import checker
from gmb.leverage.ranking import leverage
from gmb.leverage.uncertainty import MapUncertainty
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map, save_map
from gmb.outputs.leverage_files import leverage_report
from gmb.render.leverage_plots import figure_texts
from gmb.render.plots import outcome_figure
from gmb.sd.batch import BatchModel
from gmb.sd.scenarios import load_scenarios
from gmb.sd.simulate import choose_dt, simulate
from gmb.sd.spec import build_spec

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = """\
horizon: 24
scenarios:
  sleep: {label: {da: Mere søvn, en: More sleep}, interventions: [{push: sleep, by: 0.1}]}
  strong: {label: {da: Stærkere led, en: Stronger link}, interventions: [{link: [sleep, mood], strength: 0.9}]}
"""


def loop_map(folder: Path, strengths=(0.3, 0.6, 0.9)) -> Path:
    """Sleep and mood lift each other (a reinforcing loop): with these class numbers some draws run away."""
    cmap = CausalMap.new("Trivsel", ["da", "en"])
    cmap.add_variable("sleep", {"da": "Søvn", "en": "Sleep"}, adjust_time=2)
    cmap.add_variable("mood", {"da": "Humør", "en": "Mood"}, adjust_time=2)
    cmap.add_link("sleep", "mood", "+", strength="medium")
    cmap.add_link("mood", "sleep", "+", strength="medium")
    cmap.set_outcome(["mood"])
    cmap.meta["strengths"] = dict(zip(("weak", "medium", "strong"), strengths))
    save_map(cmap, folder / "m.yaml")
    (folder / "s.yaml").write_text(SCENARIOS, encoding="utf-8")
    return folder / "m.yaml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result, *words):
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "nan" not in result.stderr.casefold() and "Traceback" not in result.output
    for word in words:
        assert word in result.stderr


# -- the band ----------------------------------------------------------------------------------------
def test_the_band_is_numpy_s_5_to_95_quantiles_over_the_draws_the_checks_keep(tmp_path):
    path = loop_map(tmp_path)
    cmap = load_map(path)
    plan = load_scenarios(tmp_path / "s.yaml", cmap, build_spec(cmap))
    bands = scenario_bands(cmap, plan, ["mood"], samples=300, seed=5, dt=0.25)
    # recomputed by hand from the same draws: checked run by run, the unstable ones left out everywhere
    spec = build_spec(cmap, unknown_links="include")
    draws = MapUncertainty(cmap, spec).draw(5, 0, 300)
    runs = {"baseline": {}} | {s.name: s.settings for s in plan.scenarios}
    unstable = np.zeros(300, bool)
    for settings in runs.values():
        mixed = draws.settings | {k: np.full(300, v) for k, v in settings.items()}
        unstable |= checker(spec).check(mixed, draws.adjust_times, 300).unstable
    assert 0 < unstable.sum() < 300                       # some draws run away, and they are counted
    assert bands.unstable == int(unstable.sum()) and bands.used == 300 - bands.unstable
    assert (bands.kept == ~unstable).all()
    kept = ~unstable
    for name, settings in runs.items():
        mixed = {k: v[kept] for k, v in draws.settings.items()} | {k: np.full(kept.sum(), v)
                                                                   for k, v in settings.items()}
        values = BatchModel(spec).run(mixed, final_time=24, dt=0.25, outputs=["mood"],
                                      adjust_times={k: v[kept] for k, v in draws.adjust_times.items()}).values["mood"]
        low, high = np.percentile(values, QUANTILES, axis=0)
        assert np.array_equal(bands.low[name]["mood"], low) and np.array_equal(bands.high[name]["mood"], high)
    assert (bands.low["strong"]["mood"] <= bands.high["strong"]["mood"]).all()


def test_the_band_csv_has_full_precision_columns_and_the_same_seed_gives_the_same_bytes(tmp_path):
    path = loop_map(tmp_path)
    for out, seed in (("a", 3), ("b", 3), ("c", 4)):
        result = run("simulate", path, "--scenarios", tmp_path / "s.yaml", "-o", tmp_path / out, "--band", 100,
                     "--seed", seed)
        assert result.exit_code == 0, result.output
    first = (tmp_path / "a" / "bands.csv").read_bytes()
    assert first == (tmp_path / "b" / "bands.csv").read_bytes() != (tmp_path / "c" / "bands.csv").read_bytes()
    rows = list(csv.DictReader((tmp_path / "a" / "bands.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert tuple(rows[0]) == COLUMNS
    assert {row["scenario"] for row in rows} == {"baseline", "sleep", "strong"} and {r["variable"] for r in rows} == {"mood"}
    # full precision: the numbers read back are the bands computed, to the last bit
    cmap = load_map(path)
    plan = load_scenarios(tmp_path / "s.yaml", cmap, build_spec(cmap))
    bands = scenario_bands(cmap, plan, ["mood"], 100, 3, dt=choose_dt(build_spec(cmap), plan)[0])
    last = [row for row in rows if row["scenario"] == "sleep"][-1]
    assert float(last["p05"]) == bands.low["sleep"]["mood"][-1] and float(last["p95"]) == bands.high["sleep"]["mood"][-1]
    assert int(last["draws"]) == bands.used < 100


def test_the_png_shades_the_band_and_says_what_it_is(tmp_path):
    path = loop_map(tmp_path)
    result = run("simulate", path, "--scenarios", tmp_path / "s.yaml", "-o", tmp_path / "out", "--band", 50,
                 "--seed", 1)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "mood.png").read_bytes()[:4] == b"\x89PNG"
    cmap = load_map(path)
    plan = load_scenarios(tmp_path / "s.yaml", cmap, build_spec(cmap))
    results = simulate(build_spec(cmap), plan, ["mood"], engine="numpy")
    bands = scenario_bands(cmap, plan, ["mood"], 50, 1, dt=results.dt)
    band = {name: (bands.times, bands.low[name]["mood"], bands.high[name]["mood"]) for name in bands.low}
    figure = outcome_figure(results, cmap, "mood", "da", band, bands.used)
    assert f"Skraveret: 5–95 % af {bands.used} udgaver af kortet" in figure_texts(figure)
    shaded = [c for c in figure.axes[0].collections if c.get_paths()]
    assert len(shaded) == 3                                      # one band per run: baseline and two scenarios
    assert "Skraveret" not in " ".join(figure_texts(outcome_figure(results, cmap, "mood", "da")))


# -- bad input: one line, exit 2 -----------------------------------------------------------------------
@pytest.mark.parametrize("value", ["0", "-3"])
def test_no_draws_at_all_is_a_one_line_error(tmp_path, value):
    path = loop_map(tmp_path)
    one_line_error(run("simulate", path, "--scenarios", tmp_path / "s.yaml", "--band", value), "--band", value)
    one_line_error(run("leverage", path, "--samples", value, "--workers", 1), "--samples", value)


def test_a_seed_without_a_band_is_refused(tmp_path):
    path = loop_map(tmp_path)
    one_line_error(run("simulate", path, "--scenarios", tmp_path / "s.yaml", "--seed", 1), "--seed", "--band")


def test_when_every_draw_runs_away_leverage_and_the_band_say_why_and_what_to_do(tmp_path):
    path = loop_map(tmp_path, strengths=(2.0, 3.0, 4.0))             # every version of the loop runs away
    result = run("leverage", path, "--samples", 40, "--seed", 1, "--workers", 1)
    one_line_error(result, "all 40 samples are unstable", "weaken the links")
    result = run("simulate", path, "--scenarios", tmp_path / "s.yaml", "--band", 40, "--seed", 1)
    assert result.exit_code == 2 and "nan" not in result.output.casefold()
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "all 40 samples are unstable" in errors[0] and "weaken the links" in errors[0]
    assert result.stdout == ""


# -- words ---------------------------------------------------------------------------------------------
def test_leverage_notes_are_danish_for_a_danish_map_and_the_english_notes_are_the_run_s(tmp_path):
    cmap = load_map(loop_map(tmp_path, strengths=(0.1, 0.2, 0.3)))
    result = leverage(cmap, "mood", samples=30, seed=2, horizon=24, workers=1)
    assert leverage_report(result, cmap, "en")["uncertainty"] == result.notes
    danish = leverage_report(result, cmap, "da")["uncertainty"]
    assert danish[0].startswith("linkstyrker jævnt fordelt inden for deres klasse: weak 0,05–0,15")
    assert danish[-1] == "alle udgaver tjekket: 0 af 30 udgaver ustabile, 0 ikke i hvile"
    printed = run("leverage", tmp_path / "m.yaml", "--samples", 30, "--seed", 2, "--horizon", 24, "--workers", 1)
    assert printed.exit_code == 0, printed.output
    assert "- tilpasningstider log-jævnt fordelt mellem τ / 1,5 og τ × 1,5; forsinkelser holdes fast" in printed.stdout
    assert "link strengths" not in printed.stdout and "samples" not in printed.stdout


def test_simulate_says_what_the_table_means_and_where_the_files_are(tmp_path):
    path = loop_map(tmp_path, strengths=(0.1, 0.2, 0.3))
    danish = run("simulate", path, "--scenarios", tmp_path / "s.yaml", "-o", tmp_path / "out", "--band", 20,
                 "--seed", 1)
    assert danish.exit_code == 0, danish.output
    lines = danish.stdout.splitlines()
    assert lines[2].endswith("ændring %  værdi 5–95 %")
    assert lines[-3] == ("Sådan læses tabellen: 1 er niveauet i dag, og ændringen er forskellen til udgangspunktet "
                         "uden nye tiltag efter 24 måneder — en sammenligning mellem scenarierne, ikke en prognose.")
    assert lines[-2] == ("Båndet (5–95 %) er over 20 udgaver af kortet (seed 1); alle udgaver tjekket: 0 af 20 "
                         "udgaver ustabile, 0 ikke i hvile.")
    assert lines[-1] == (f"Filerne ligger i {tmp_path / 'out'}: results.csv (alle tal), summary.csv (tabellen), "
                         "bands.csv (båndene), ASSUMPTIONS.md (antagelserne) og mood.png (grafen).")
    english = run("simulate", path, "--scenarios", tmp_path / "s.yaml", "--lang", "en")
    assert english.stdout.splitlines()[-2:] == [
        "How to read it: 1 is today's level, and the change is the difference from the baseline without new "
        "actions after 24 months — a comparison between the scenarios, not a forecast.",
        "Save the numbers and charts with -o DIR."]


def test_the_example_s_top_scenario_says_it_is_at_half_strength():
    result = run("simulate", ROOT / "models" / "havndal.yaml", "--scenarios",
                 ROOT / "workshops" / "havndal" / "scenarios.yaml", "--lang", "en")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("  ") and "%" in line][1:]
    top = max(rows, key=lambda line: float(line.split()[-3]))
    assert "half strength" in top
