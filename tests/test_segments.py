"""Issue 14 items 1-3 and its bad input: segments in the map file, reach in scenarios and ideas, the
flat per-segment model in both engines, the segmented linearisation and stability check, and maps
without segments exactly as before."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from gmb.analysis.press import long_run_effects
from gmb.cli import main
from gmb.maps.causalmap import CausalMap
from gmb.maps.segments import expand
from gmb.maps.store import load_map, save_map
from gmb.maps.validate import validate
from gmb.sd.scenarios import Scenario, ScenarioPlan, load_scenarios
from gmb.sd.simulate import simulate
from gmb.sd.spec import build_spec
from gmb.sd.stability import check_stability

ROOT = Path(__file__).resolve().parent.parent
SEGMENTS = {"exposed": {"label": {"en": "Exposed"}, "share": 0.2}, "others": {"label": {"en": "Others"}, "share": 0.8}}


def loop_map(segments: dict | None = SEGMENTS) -> CausalMap:
    """A small map with a balancing loop through a delay, a reinforcing pair, a shared variable (the
    trail), an action and a per-segment constant: everything segments must carry."""
    cmap = CausalMap.new("demo", ["en"])
    cmap.add_variable("mood", "Mood", adjust_time=6)
    cmap.add_variable("friends", "Friends", adjust_time=4)
    cmap.add_variable("worry", "Worry", adjust_time=3)
    cmap.add_variable("trail", "Trail", adjust_time=12)
    cmap.add_variable("club", "Club", kind="action")
    cmap.add_variable("resources", "Resources", kind="constant", initial=1.0)
    cmap.add_link("friends", "mood", "+", strength="strong")
    cmap.add_link("mood", "friends", "+", strength="medium", delay=True)
    cmap.add_link("mood", "worry", "-", strength="medium")
    cmap.add_link("worry", "mood", "-", strength="weak")
    cmap.add_link("trail", "friends", "+", strength="weak")
    cmap.add_link("friends", "trail", "+", strength="weak")
    cmap.add_link("club", "friends", "+", strength="medium")
    cmap.add_link("resources", "worry", "-", strength="medium")
    cmap.set_outcome(["mood"])
    if segments:
        cmap.meta["segments"] = segments
        cmap.graph.nodes["trail"]["segmented"] = False
        cmap.graph.nodes["resources"]["segmented"] = True
    return cmap


def plan(*scenarios: Scenario, horizon: float = 60) -> ScenarioPlan:
    return ScenarioPlan("inline", horizon, "month", 0.25, list(scenarios))


def scenario_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "scenarios.yaml"
    path.write_text("horizon: 60\ndt: 0.25\nscenarios:\n" + body, encoding="utf-8")
    return path


# -- the flat model ------------------------------------------------------------------------------

def test_identical_segments_each_follow_the_unsegmented_model_in_both_engines(tmp_path):
    plain, split = loop_map(None), loop_map()
    plain_spec, split_spec = build_spec(plain), build_spec(split)
    path = scenario_file(tmp_path, "  push:\n    - {push: friends, by: 0.1, start: 2, ramp: 3}\n"
                                   "  club:\n    - {action: club, level: 1}\n")
    runs = {}
    for name, cmap, spec in (("plain", plain, plain_spec), ("split", split, split_spec)):
        scenarios = load_scenarios(path, cmap, spec)
        for engine in ("numpy", "pysd"):
            runs[name, engine] = simulate(spec, scenarios, ["mood"], engine=engine, cache=tmp_path / "cache").runs
    for engine in ("numpy", "pysd"):
        for scenario, run in runs["plain", engine].items():
            split_run = runs["split", engine][scenario]
            for var in ("mood", "friends", "worry"):
                for segment in ("exposed", "others"):
                    assert np.allclose(split_run.values[f"{var}__{segment}"], run.values[var], rtol=0, atol=1e-12)
                assert np.allclose(split_run.values[var], run.values[var], rtol=0, atol=1e-12)  # the average
            assert np.allclose(split_run.values["trail"], run.values["trail"], rtol=0, atol=1e-12)
    for scenario, run in runs["split", "numpy"].items():
        for var, values in run.values.items():
            assert np.allclose(values, runs["split", "pysd"][scenario].values[var], rtol=0, atol=1e-9), (scenario, var)


def test_segments_that_differ_still_start_at_rest_and_both_engines_agree(tmp_path):
    cmap = loop_map()
    cmap.graph.nodes["mood"]["by_segment"] = {"exposed": {"initial": 0.85, "adjust_time": 9}}
    cmap.graph.nodes["resources"]["by_segment"] = {"exposed": {"initial": 0.6}}
    cmap.graph.edges["resources", "worry"]["by_segment"] = {"exposed": {"strength": "strong"}}
    spec = build_spec(cmap)
    results = {engine: simulate(spec, plan(Scenario("push", settings={"push_friends_exposed": 0.1})), ["mood"],
                                engine=engine, cache=tmp_path) for engine in ("numpy", "pysd")}
    baseline = results["numpy"].runs["baseline"]
    for var, values in baseline.values.items():
        assert np.ptp(values) <= 1e-12, var  # at rest in every segment
    assert baseline.values["mood__exposed"][0] == pytest.approx(0.85)
    assert baseline.values["mood"][0] == pytest.approx(0.2 * 0.85 + 0.8 * 1.0)
    for var, values in results["numpy"].runs["push"].values.items():
        assert np.allclose(values, results["pysd"].runs["push"].values[var], rtol=0, atol=1e-9), var
    pushed = results["numpy"].runs["push"]  # the exposed are pushed; the others move only through the shared trail
    assert pushed.values["mood__exposed"][-1] - 0.85 > 10 * (pushed.values["mood__others"][-1] - 1.0) > 0


def test_long_run_response_per_segment_is_the_press_response_of_the_segmented_linearisation(tmp_path):
    cmap = loop_map()
    cmap.graph.edges["resources", "worry"]["by_segment"] = {"exposed": {"strength": "strong"}}
    spec = build_spec(cmap)
    push = {"friends__exposed": 0.05, "friends__others": 0.02}
    settings = {spec.variables[var].params["push"]: amount for var, amount in push.items()}
    long = simulate(spec, plan(Scenario("push", settings=settings), horizon=2400), ["mood"]).runs
    for segment in ("exposed", "others"):
        copy = f"mood__{segment}"
        predicted = long_run_effects(spec, copy, [push]).effects[0]
        simulated = long["push"].values[copy][-1] - long["baseline"].values[copy][-1]
        assert simulated == pytest.approx(predicted, rel=1e-6)


def test_the_stability_check_sees_a_loop_that_runs_away_in_one_segment_only():
    cmap = loop_map()
    cmap.graph.edges["mood", "friends"]["by_segment"] = {"exposed": {"strength": 4.0}}
    result = check_stability(build_spec(cmap))
    assert not result.stable
    assert result.variables and all(var.endswith("__exposed") for var in result.variables)
    assert check_stability(build_spec(loop_map())).stable


def test_shared_causes_act_on_every_copy_and_per_segment_causes_reach_shared_variables_through_the_average():
    flat, seg = expand(loop_map())
    links = {(u, v) for u, v, _ in flat.links()}
    assert {("trail", "friends__exposed"), ("trail", "friends__others"), ("friends", "trail")} <= links
    assert ("friends__exposed", "mood__others") not in links
    assert flat.graph.nodes["friends"]["equation"] == \
        '0.20000000000000001 * "friends__exposed" + 0.80000000000000004 * "friends__others"'
    assert seg.original("friends__exposed") == "friends" and seg.original("trail") == "trail"


# -- reach, offers -------------------------------------------------------------------------------

def test_reach_scales_each_segments_push_and_names_the_kind_of_offer(tmp_path):
    cmap = loop_map()
    cmap.graph.nodes["mood"]["by_segment"] = {"exposed": {"initial": 0.85}}
    spec = build_spec(cmap)
    path = scenario_file(tmp_path, """  universal:
    - {action: club, level: 1, reach: {exposed: 0.3, others: 0.7}}
  outreach:
    - {action: club, level: 1, reach: {exposed: 0.9, others: 0.7}}
  structural:
    - {push: trail, by: 0.2}
  stated:
    offer: targeted
    interventions:
      - {push: friends, by: 0.1, reach: {exposed: 1}}
""")
    scenarios = {s.name: s for s in load_scenarios(path, cmap, spec).scenarios}
    assert scenarios["universal"].settings["level_club_exposed"] == pytest.approx(0.3)
    assert scenarios["universal"].settings["level_club_others"] == pytest.approx(0.7)
    assert scenarios["stated"].settings["push_friends_others"] == 0.0
    assert {name: s.offer for name, s in scenarios.items()} == {
        "universal": "universal", "outreach": "targeted", "structural": "structural", "stated": "targeted"}
    results = simulate(spec, load_scenarios(path, cmap, spec), ["mood"])
    gaps = {row["scenario"]: row for row in results.gaps()}
    assert gaps["baseline"]["gap"] == pytest.approx(0.15)
    assert gaps["universal"]["widens"] and gaps["outreach"]["narrows"]
    assert gaps["universal"]["gap_change"] == pytest.approx(gaps["universal"]["gap"] - 0.15)


# -- bad input -----------------------------------------------------------------------------------

BAD_MAPS = [
    ("share: 0.2}", "share: 0.3}", "the shares sum to 1.1, not 1"),
    ("  exposed:", "  mood_x:", None),
    ("    segmented: false\n", "    segmented: false\n    by_segment: {exposed: {initial: 0.5}}\n",
     "by_segment gives per-segment values, but it is shared"),
    ("  exposed: {", "  worry: {", "segments: 'worry' is also a variable id; rename the segment"),
    ("by_segment: {exposed: {initial: 0.85}}", "by_segment: {poor: {initial: 0.85}}",
     "by_segment names segment 'poor', which the map does not have"),
]


@pytest.fixture
def segmented_file(tmp_path) -> Path:
    cmap = loop_map()
    cmap.graph.nodes["mood"]["by_segment"] = {"exposed": {"initial": 0.85}}
    path = tmp_path / "map.yaml"
    save_map(cmap, path)
    return path


@pytest.mark.parametrize("old,new,message", [case for case in BAD_MAPS if case[2]])
def test_bad_segments_are_one_line_errors_with_file_and_line_and_leave_the_file_alone(
        segmented_file, tmp_path, old, new, message):
    text = segmented_file.read_text("utf-8")
    assert old in text
    segmented_file.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = segmented_file.read_bytes()
    path = scenario_file(tmp_path, "  push:\n    - {push: friends, by: 0.1}\n")
    result = CliRunner().invoke(main, ["simulate", str(segmented_file), "--scenarios", str(path)])
    assert result.exit_code == 2
    line = result.output.strip().splitlines()[-1]
    assert line.startswith(f"error: {segmented_file}:") and message in line and "Traceback" not in result.output
    assert [p.message for p in validate(load_map(segmented_file)).errors if message in p.message]
    assert segmented_file.read_bytes() == before


@pytest.mark.parametrize("intervention,message", [
    ("{push: friends, by: 0.1, reach: {poor: 0.5}}", "reach names segment 'poor', which the map does not have"),
    ("{push: friends, by: 0.1, reach: {exposed: 1.5}}", "reach of exposed 1.5 must be a share from 0 to 1"),
    ("{push: trail, by: 0.1, reach: {exposed: 0.5}}", "'trail' is shared (one value for the town)"),
])
def test_bad_reach_names_the_scenario_file_and_line(segmented_file, tmp_path, intervention, message):
    path = scenario_file(tmp_path, f"  push:\n    - {intervention}\n")
    result = CliRunner().invoke(main, ["simulate", str(segmented_file), "--scenarios", str(path)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith(f"error: {path}:5") and message in result.output


def test_reach_on_a_map_without_segments_is_refused(tmp_path):
    path = tmp_path / "plain.yaml"
    save_map(loop_map(None), path)
    scenarios = scenario_file(tmp_path, "  push:\n    - {push: friends, by: 0.1, reach: {exposed: 0.5}}\n")
    result = CliRunner().invoke(main, ["simulate", str(path), "--scenarios", str(scenarios)])
    assert result.exit_code == 2 and "reach: the map has no segments" in result.output


# -- maps without segments: exactly as before --------------------------------------------------

GOLDEN = {  # sha256 of the files gmb wrote for the example before segments existed (commit 5008b17), the
    # example's segments stripped; results.csv without the byte-order mark later CSVs start with
    "havndal.xmile": "6ce25d0c788ac25199e0c3ab3bd71b0b4bd135321f850af0e2a74cbbf99f4781",
    "havndal.mdl": "5744d7f25d03fc79d8921abcde5d631669bb519e9966483e29c2a3ef18e9b5d8",
    "ASSUMPTIONS.md": "8e98543e33e3f8001cd0cb3613eb55ff8558830c10f3ad631325fee314c7df45",
    "results.csv": "a1f6b30e22508bdf036920540f87a8c6adb6c24916ac6da56618653e7904062d",
}


def strip_segments(text: str) -> str:
    """The example map as it was before it had segments: the block, its comment and every per-segment key."""
    lines, out, skipping = text.splitlines(keepends=True), [], False
    for line in lines:
        if line.startswith("# Groups of children the simulation tells apart"):
            skipping = True
        if skipping:
            if line.startswith("themes:"):
                skipping = False
            else:
                continue
        if line.strip().startswith(("segmented:", "by_segment:")):
            continue
        out.append(line.replace(", by_segment: {exposed: {strength: strong}}", ""))
    return "".join(out)


def test_a_map_without_segments_gives_the_same_bytes_as_before_segments_existed(tmp_path, monkeypatch):
    text = (ROOT / "models/havndal.yaml").read_text("utf-8")
    (tmp_path / "models").mkdir()
    plain = tmp_path / "models/havndal.yaml"
    plain.write_text(strip_segments(text), encoding="utf-8")
    assert "segments:" not in plain.read_text("utf-8") and "by_segment" not in plain.read_text("utf-8")
    scenarios = (ROOT / "workshops/havndal/scenarios.yaml").read_text("utf-8")
    (tmp_path / "scenarios.yaml").write_text(scenarios.split("\n  # One idea three ways")[0] + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # ASSUMPTIONS.md names the map as it was given: models/havndal.yaml
    runner = CliRunner()
    assert runner.invoke(main, ["build", "models/havndal.yaml", "-o", "model"]).exit_code == 0
    ran = runner.invoke(main, ["simulate", "models/havndal.yaml", "--scenarios", "scenarios.yaml", "-o", "run"])
    assert ran.exit_code == 0, ran.output
    written = {name: (tmp_path / "model" / name).read_bytes() for name in ("havndal.xmile", "havndal.mdl",
                                                                          "ASSUMPTIONS.md")}
    written["results.csv"] = (tmp_path / "run/results.csv").read_bytes().removeprefix(b"\xef\xbb\xbf")
    assert {name: hashlib.sha256(data).hexdigest() for name, data in written.items()} == GOLDEN
