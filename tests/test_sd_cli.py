"""``gmb build`` and ``gmb simulate`` through click's CliRunner, and once as a real process."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map, save_map
from gmb.sd.scenarios import load_scenarios
from gmb.sd.spec import build_spec

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "models" / "havndal.yaml"
EXAMPLE_SCENARIOS = ROOT / "workshops" / "havndal" / "scenarios.yaml"


def small_map(path: Path) -> Path:
    cmap = CausalMap.new("Trivsel")
    cmap.add_variable("sleep", {"da": "Søvn", "en": "Sleep"}, adjust_time=2)
    cmap.add_variable("mood", {"da": "Humør", "en": "Mood"}, adjust_time=4)
    cmap.add_variable("walks", {"da": "Gåture", "en": "Walks"}, kind="action")
    cmap.add_variable("money", {"da": "Penge", "en": "Money"}, kind="constant", initial=2)
    cmap.add_link("sleep", "mood", "+", strength="strong")
    cmap.add_link("walks", "sleep", "+", strength="medium")
    cmap.add_link("money", "mood", "+", strength="weak")
    cmap.set_outcome(["mood"])
    save_map(cmap, path)
    return path


SCENARIOS = """\
horizon: 10
time_unit: year
scenarios:
  walking:
    label: {da: Gåture, en: Walking}
    interventions:
      - {action: walks, level: 0.2, start: 1, ramp: 1}
  sleep:
    - {push: søvn, by: 0.1}
"""


def read_csv(path: Path, delimiter: str = ",") -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=delimiter))


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_build_writes_xmile_mdl_and_assumptions(tmp_path):
    path = small_map(tmp_path / "trivsel.yaml")
    result = invoke("build", path, "-o", tmp_path / "model")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == ["ASSUMPTIONS.md", "trivsel.mdl", "trivsel.xmile"]
    assert "weak = 0.25, medium = 0.5, strong = 0.75" in (tmp_path / "model" / "ASSUMPTIONS.md").read_text("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model", "trivsel.yaml"]   # nothing beside the map


def test_simulate_writes_tidy_csv_plots_and_prints_the_change_at_the_horizon(tmp_path):
    path = small_map(tmp_path / "trivsel.yaml")
    (tmp_path / "scenarios.yaml").write_text(SCENARIOS, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("simulate", path, "--scenarios", tmp_path / "scenarios.yaml", "-o", out, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["ASSUMPTIONS.md", "mood.png", "results.csv", "summary.csv"]
    rows = read_csv(out / "results.csv")
    assert set(rows[0]) == {"scenario", "time", "variable", "value"}
    assert {r["scenario"] for r in rows} == {"baseline", "walking", "sleep"}
    assert {r["variable"] for r in rows} == {"sleep", "mood", "walks", "money"}
    mood = {r["scenario"]: float(r["value"]) for r in rows if r["variable"] == "mood" and float(r["time"]) == 10}
    # long run: sleep* = 1 + 0.5·0.2 = 1.1 → mood = 1 + 0.75·0.1; a push of 0.1 on sleep: the same
    assert mood["baseline"] == 1.0
    assert mood["walking"] == pytest.approx(1.075, abs=1e-6) and mood["sleep"] == pytest.approx(1.075, abs=1e-6)
    assert "Mood at 10 years (baseline 1; dt 0.0417 years)" in result.output
    assert "Walking" in result.output and "+0.075" in result.output and "+7.5%" in result.output   # 2 figures
    assert "simulating 3 runs" in result.stderr
    assert (out / "mood.png").read_bytes()[:4] == b"\x89PNG"


def test_simulate_json_and_outcome_by_label(tmp_path):
    path = small_map(tmp_path / "trivsel.yaml")
    (tmp_path / "s.yaml").write_text("scenarios:\n  one: [{constant: money, value: 3}]\n", encoding="utf-8")
    result = invoke("simulate", path, "--scenarios", tmp_path / "s.yaml", "--outcome", "Søvn", "--outcome", "HUMØR",
                    "--json", "--dt", "0.5")
    assert result.exit_code == 0, result.output
    assert "simulating" not in result.stderr                                   # one scenario: no progress bar
    data = json.loads(result.stdout)
    assert data["dt"] == 0.5 and data["files"] == []
    assert [(r["outcome"], r["scenario"]) for r in data["summary"]] == [("sleep", "one"), ("mood", "one")]
    # money 2 → 3: (3/2 − 1) · 0.25 = 0.125 after 120 months with τ = 4: fully there
    assert data["summary"][1]["change"] == pytest.approx(0.125, abs=1e-9)


def test_runaway_loop_is_warned_about_before_simulating(tmp_path):
    cmap = CausalMap.new("runaway")
    cmap.add_variable("a", "A", adjust_time=2)
    cmap.add_variable("b", "B", adjust_time=2)
    cmap.add_link("a", "b", "+", strength=1.2)
    cmap.add_link("b", "a", "+", strength=1.2)
    cmap.set_outcome(["a"])
    save_map(cmap, tmp_path / "m.yaml")
    (tmp_path / "s.yaml").write_text("scenarios:\n  push:\n    - {push: a, by: 0.01}\n", encoding="utf-8")
    result = invoke("simulate", tmp_path / "m.yaml", "--scenarios", tmp_path / "s.yaml")
    assert result.exit_code == 0, result.output
    warning = "warning: the model is unstable: a reinforcing loop runs away (growth 0.1 per month"
    assert warning in result.stderr
    assert result.output.index(warning) < result.output.index("A efter 120 måneder")
    assert " 3,00 " in result.stdout                                            # held at the bound, not inf


BAD_CASES = {
    "unknown-variable": ("scenarios:\n  s1:\n    - {push: slep, by: 0.1}\n", None,
                         "s.yaml:3: scenario 's1': unknown variable 'slep'; did you mean 'sleep'?"),
    "unknown-action": ("scenarios:\n  s1:\n    - {action: bike_paths}\n", None,
                       "s.yaml:3: scenario 's1': unknown variable 'bike_paths'"),
    "not-yaml": ("scenarios:\n  s1: [\n", None, "s.yaml:3: not valid YAML"),
    "negative-horizon": ("horizon: -12\nscenarios:\n  s1: [{action: walks}]\n", None,
                         "s.yaml:1: horizon -12 must be positive"),
    "push-on-constant": ("scenarios:\n  s1:\n    - {push: money, by: 0.1}\n", None,
                         "s.yaml:3: scenario 's1': 'money' cannot be pushed: it is a constant"),
    "nan-horizon": ("horizon: .nan\nscenarios:\n  s1: [{action: walks}]\n", None,
                    "s.yaml:1: horizon nan must be a finite number"),
    "infinite-push": ("scenarios:\n  s1:\n    - {push: sleep, by: .inf}\n", None,
                      "s.yaml:3: scenario 's1': by inf must be a finite number"),
    "repeated-scenario": ("scenarios:\n  s1: [{action: walks}]\n  s1: [{push: sleep, by: 0.1}]\n", None,
                          "s.yaml:3: 's1' appears twice in scenarios; keep one"),
    "dt-not-dividing": ("horizon: 10\ndt: 0.3\nscenarios:\n  s1: [{action: walks}]\n", None,
                        "s.yaml:2: dt 0.3 does not divide the horizon 10 into whole steps"),
    "bad-equation": ("scenarios:\n  s1: [{action: walks}]\n", "sleep * * 2",
                     "trivsel.yaml:{mood}: variable 'mood': equation 'sleep * * 2' does not parse at column 9"),
    "equation-unknown-name": ("scenarios:\n  s1: [{action: walks}]\n", "sleep + os.system",
                              "does not parse at column 11: unexpected '.'"),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, case):
    scenarios, equation, message = BAD_CASES[case]
    path = small_map(tmp_path / "trivsel.yaml")
    if equation:
        text = path.read_text("utf-8").replace("    adjust_time: 4\n", f"    adjust_time: 4\n    equation: {equation}\n")
        path.write_text(text, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(scenarios, encoding="utf-8")
    message = message.format(mood=path.read_text("utf-8").splitlines().index("  mood:") + 1)
    out = tmp_path / "out"
    result = invoke("simulate", path, "--scenarios", tmp_path / "s.yaml", "-o", out)
    assert result.exit_code == 2
    assert result.stdout == "" and result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert message in result.stderr and "Traceback" not in result.output
    assert not out.exists()
    build = invoke("build", path, "-o", out)
    assert build.exit_code == (2 if equation else 0) and (not out.exists()) == bool(equation)


def test_a_missing_scenario_file_is_named_as_such(tmp_path):
    path = small_map(tmp_path / "trivsel.yaml")
    result = invoke("simulate", path, "--scenarios", tmp_path / "nope.yaml", "-o", tmp_path / "out")
    assert result.exit_code == 2 and result.stderr == (
        f"error: {tmp_path / 'nope.yaml'}: no such file; check the path of the scenario file (an example to start "
        "from: workshops/havndal/scenarios.yaml)\n")
    assert not (tmp_path / "out").exists()


def test_table_in_danish_time_units_lines_up_under_its_header(tmp_path):
    path = small_map(tmp_path / "trivsel.yaml")
    (tmp_path / "s.yaml").write_text("horizon: 10\ntime_unit: år\nscenarios:\n  ud: [{action: walks, level: 0.2}]\n",
                                     encoding="utf-8")
    result = invoke("simulate", path, "--scenarios", tmp_path / "s.yaml")
    assert result.exit_code == 0, result.output
    title, caveat, header, row, blank, how, files = result.stdout.splitlines()
    assert how.startswith("Sådan læses tabellen: 1 er niveauet i dag") and files.startswith("Gem tallene")
    assert title == "Humør efter 10 år (udgangspunkt 1; dt 0,0417 år)"
    assert caveat == "Sammenligning mellem scenarier i et tegnet kort — ikke en prognose"
    assert header == "  scenarie       værdi    ændring  ændring %"
    assert row == "  ud             1,075     +0,075     +7,5 %"


def test_no_outcome_bad_dt_and_coarse_dt_are_reported(tmp_path):
    cmap = CausalMap.new("x")
    cmap.add_variable("a", "A")
    save_map(cmap, tmp_path / "m.yaml")
    (tmp_path / "s.yaml").write_text("scenarios:\n  s: [{push: a, by: 0.1}]\n", encoding="utf-8")
    result = invoke("simulate", tmp_path / "m.yaml", "--scenarios", tmp_path / "s.yaml")
    assert result.exit_code == 2 and "no outcome to compare; give --outcome VAR" in result.stderr
    result = invoke("simulate", tmp_path / "m.yaml", "--scenarios", tmp_path / "s.yaml", "--outcome", "a", "--dt", "-1")
    assert result.exit_code == 2 and "--dt" in result.stderr
    result = invoke("simulate", tmp_path / "m.yaml", "--scenarios", tmp_path / "s.yaml", "--outcome", "a", "--dt", "0.7")
    assert result.exit_code == 2 and result.stderr == (
        "error: the horizon (120 months) is not a whole number of steps of dt 0.7; choose a dt that divides it\n")
    result = invoke("simulate", tmp_path / "m.yaml", "--scenarios", tmp_path / "s.yaml", "--outcome", "a", "--dt", "4")
    assert result.exit_code == 0 and result.stderr.startswith(
        "warning: dt 4 months is more than a quarter of the smallest time constant (12 months); results may be "
        "inaccurate, try --dt 1\n")


def test_the_readme_command_runs_as_a_real_process(tmp_path):
    env = dict(os.environ)
    env["PYTHONWARNINGS"] = "error"
    command = [sys.executable, "-m", "gmb", "simulate", "models/havndal.yaml",
               "--scenarios", "workshops/havndal/scenarios.yaml", "-o", str(tmp_path / "havndal")]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Børns mentale sundhed efter 120 måneder" in done.stdout
    assert "Fællesspisning" in done.stdout and "%" in done.stdout
    files = sorted(p.name for p in (tmp_path / "havndal").iterdir())
    assert files == ["ASSUMPTIONS.md", "children_mental_health.png", "children_mental_health_gap.png",
                     "children_mental_health_segments.png", "results.csv", "summary.csv"]
    rows = read_csv(tmp_path / "havndal" / "summary.csv", ";")
    scenarios = load_scenarios(ROOT / "workshops/havndal/scenarios.yaml", *_example()).scenarios
    assert len(rows) == len(scenarios) == 10 and {r["udfald-id"] for r in rows} == {"children_mental_health"}
    assert "Forskellen mellem grupperne bliver mindre med:" in done.stdout
    assert not [p for p in (ROOT / "models").iterdir() if p.suffix in (".py", ".xmile", ".mdl")]


def _example():
    """The example map and its model spec (for reading its scenario file)."""
    cmap = load_map(ROOT / "models/havndal.yaml")
    return cmap, build_spec(cmap)
