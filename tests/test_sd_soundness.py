"""Soundness of the generated model, with PySD really translating and running it.

Every expected number is computed here by hand (or from the map's signs and strengths), not read
back from the model.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map
from gmb.outputs.simulation_files import write_model
from gmb.outputs.staging import staged_directory
from gmb.sd.pysd_engine import PySDEngine, load_model_file, run_quietly
from gmb.sd.scenarios import Scenario, ScenarioPlan
from gmb.sd.simulate import simulate
from gmb.sd.spec import build_spec

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "models" / "havndal.yaml"
NUMBERS = {"weak": 0.25, "medium": 0.5, "strong": 0.75}  # the strength numbers


def press_map() -> CausalMap:
    """Four index variables: a balancing loop a → b → a, a reinforcing loop b → c → b (delayed), d fed by c."""
    cmap = CausalMap.new("press")
    for var, tau in (("a", 2), ("b", 3), ("c", 4), ("d", 6)):
        cmap.add_variable(var, var.upper(), adjust_time=tau)
    cmap.add_link("a", "b", "+", strength="strong")
    cmap.add_link("b", "a", "-", strength="medium")
    cmap.add_link("b", "c", "+", strength="medium", delay=4)
    cmap.add_link("c", "b", "+", strength=0.3)
    cmap.add_link("c", "d", "-", strength="weak", delay=True)
    return cmap


def weight_matrix(cmap: CausalMap, order: list[str]) -> np.ndarray:
    """W[i, j] = s·w of the link j → i among ``order``, from the map's signs and strengths."""
    w = np.zeros((len(order), len(order)))
    for u, v, attrs in cmap.links():
        if u not in order or v not in order:
            continue
        strength = attrs.get("strength", "medium")
        w[order.index(v), order.index(u)] = (1 if attrs["polarity"] == "+" else -1) * NUMBERS.get(strength, strength)
    return w


def run(spec, settings=None, horizon=120.0, dt=None):
    plan = ScenarioPlan("test", horizon, "month", dt, [Scenario("s", settings=settings or {})])
    return simulate(spec, plan, [next(iter(spec.variables))]).runs


def test_baseline_stays_exactly_at_equilibrium_on_the_example_map():
    spec = build_spec(load_map(EXAMPLE))
    baseline = run(spec, horizon=120)["baseline"]
    for var, values in baseline.values.items():
        assert np.array_equal(values, np.full_like(values, spec.variables[var].initial)), var


def test_baseline_at_equilibrium_with_today_values_other_than_one_and_all_kinds():
    cmap = press_map()
    cmap.add_variable("clubs", "Klubber", initial=250, units="children")
    cmap.add_variable("money", "Penge", kind="constant", initial=4)
    cmap.add_variable("camp", "Lejr", kind="action")
    cmap.add_variable("ratio", "Forhold", equation="clubs / money + a")
    cmap.add_link("money", "clubs", "+", delay=True)
    cmap.add_link("camp", "clubs", "+")
    cmap.add_link("clubs", "a", "-", delay=2)
    cmap.add_link("ratio", "d", "+")
    spec = build_spec(cmap)
    assert spec.variables["ratio"].initial == 250 / 4 + 1
    baseline = run(spec, horizon=60)["baseline"]
    for var, values in baseline.values.items():
        assert np.array_equal(values, np.full_like(values, spec.variables[var].initial)), var


def test_long_run_response_to_a_sustained_push_is_the_linear_press_response():
    cmap = press_map()
    order = ["a", "b", "c", "d"]
    u = np.array([0.02, 0.0, -0.01, 0.005])
    expected = 1 - np.linalg.solve(weight_matrix(cmap, order) - np.eye(4), u)
    settings = {f"push_{var}": float(x) for var, x in zip(order, u)}
    runs = run(build_spec(cmap), settings, horizon=900)
    final = np.array([runs["s"].values[var][-1] for var in order])
    np.testing.assert_allclose(final, expected, rtol=0, atol=1e-6)
    assert np.abs(final - 1).max() > 0.01    # a real response, well below the bounds


def test_actions_and_constants_press_like_pushes_of_s_w_a():
    cmap = press_map()
    cmap.add_variable("camp", "Lejr", kind="action")
    cmap.add_variable("money", "Penge", kind="constant", initial=2)
    cmap.add_link("camp", "a", "+", strength="strong")
    cmap.add_link("money", "c", "-", strength="weak", delay=True)
    order = ["a", "b", "c", "d"]
    # level 0.04 of an action through + strong; money 2 → 2.1 is (2.1/2 − 1) = 0.05 through − weak
    u = np.array([0.75 * 0.04, 0, -0.25 * 0.05, 0])
    expected = 1 - np.linalg.solve(weight_matrix(cmap, order) - np.eye(4), u)
    settings = {"level_camp": 0.04, "start_camp": 10, "ramp_camp": 20, "money": 2.1}
    runs = run(build_spec(cmap), settings, horizon=900)
    np.testing.assert_allclose([runs["s"].values[v][-1] for v in order], expected, atol=1e-6)
    camp, times = runs["s"].values["camp"], runs["s"].times
    assert np.all(camp[times < 10] == 0) and camp[times == 20][0] == pytest.approx(0.02) and camp[-1] == 0.04


def test_stock_with_flows_and_an_equation_follow_the_exact_euler_solution():
    cmap = CausalMap.new("pool")
    cmap.add_variable("children", "Børn i klubben", kind="stock", initial=100, units="children")
    cmap.add_variable("arrivals", "Nye", kind="constant", initial=5, units="children/month")
    cmap.add_variable("leaving", "Udmeldte", equation="children / 20", units="children/month")
    cmap.add_variable("crowding", "Trængsel", adjust_time=1)
    cmap.add_link("arrivals", "children", "+", flow="inflow", strength=1)
    cmap.add_link("leaving", "children", "-", flow="outflow", strength=1)
    cmap.add_link("children", "leaving", "+")
    cmap.add_link("children", "crowding", "+", strength="medium")
    spec = build_spec(cmap)
    runs = run(spec, {"arrivals": 6}, horizon=40, dt=0.5)
    times, children = runs["s"].times, runs["s"].values["children"]
    steps = times / 0.5
    # dC/dt = 6 − C/20 from C = 100: Euler gives C_n = 120 − 20 (1 − 0.5/20)^n
    np.testing.assert_allclose(children, 120 - 20 * (1 - 0.5 / 20) ** steps, rtol=0, atol=1e-9)
    np.testing.assert_allclose(runs["s"].values["leaving"], children / 20, atol=1e-12)
    assert np.array_equal(runs["baseline"].values["children"], np.full_like(times, 100.0))
    long = run(spec, {"arrivals": 6}, horizon=600, dt=0.5)["s"]
    assert long.values["crowding"][-1] == pytest.approx(1 + 0.5 * (120 / 100 - 1), abs=1e-9)


def test_a_cause_starting_below_zero_acts_in_the_direction_of_its_link():
    cmap = CausalMap.new("negative")
    cmap.add_variable("sleep", "Søvn", adjust_time=1)
    cmap.add_variable("deficit", "Underskud", equation="sleep - 3")          # starts at −2
    cmap.add_variable("mood", "Humør", adjust_time=1)
    cmap.add_link("sleep", "deficit", "+")
    cmap.add_link("deficit", "mood", "+", strength="medium")
    runs = run(build_spec(cmap), {"push_sleep": 0.1}, horizon=60)
    # deficit −2 → −1.9 is a change of +0.1 / |−2| = +0.05 → mood* = 1 + 0.5 · 0.05
    assert runs["s"].values["deficit"][-1] == pytest.approx(-1.9, abs=1e-9)
    assert runs["s"].values["mood"][-1] == pytest.approx(1.025, abs=1e-9)


def test_runaway_loop_is_clipped_at_the_bounds_not_infinite():
    cmap = CausalMap.new("runaway")
    cmap.add_variable("a", "A", adjust_time=2)
    cmap.add_variable("b", "B", adjust_time=2)
    cmap.add_link("a", "b", "+", strength=1.5)
    cmap.add_link("b", "a", "+", strength=1.5)
    runs = run(build_spec(cmap), {"push_a": 0.01}, horizon=120)
    assert np.all(np.isfinite(runs["s"].values["a"])) and runs["s"].values["a"].max() == pytest.approx(3.0)


def test_dt_follows_the_time_constants_and_halving_it_converges_at_first_order():
    spec = build_spec(press_map())
    assert spec.default_dt() == 0.25            # smallest time constant: delay 4 / 3 stages = 1.33
    assert spec.default_dt() <= min(spec.time_constants()) / 4 < 2 * spec.default_dt()
    settings = {"push_a": 0.05, "push_start_a": 1, "push_ramp_a": 3}
    finals = {dt: run(spec, settings, horizon=48, dt=dt)["s"].values for dt in (0.25, 0.125, 0.0625)}
    response = max(np.abs(finals[0.0625][v] - 1).max() for v in "abcd")
    e1 = max(np.abs(finals[0.25][v] - finals[0.125][v]).max() for v in "abcd")
    e2 = max(np.abs(finals[0.125][v] - finals[0.0625][v]).max() for v in "abcd")
    assert 1.7 < e1 / e2 < 2.3                  # the error halves with dt: Euler's O(dt)
    assert 2 * e1 < 0.05 * response             # at the chosen dt the error is a few % of the response


def test_xmile_and_mdl_give_the_same_trajectories(tmp_path):
    cmap = load_map(EXAMPLE)
    cmap.add_variable("Søvn & ro!", {"da": "Søvn & ro", "en": "Rest"}, adjust_time=3, initial=2.5, min=1, max=4)
    cmap.add_variable("2 grupper (antal)", "Grupper", kind="stock", initial=8, units="grupper")
    cmap.add_variable("time", "Tid brugt", equation='"Søvn & ro!" * 2 - MAX(sleep, 0.5) ^ 2')
    cmap.add_link("sleep", "Søvn & ro!", "+", delay=True)
    cmap.add_link("Søvn & ro!", "2 grupper (antal)", "+", flow="inflow", strength=0.4)
    cmap.add_link("time", "2 grupper (antal)", "-", flow="outflow", strength=0.5)
    cmap.add_link("2 grupper (antal)", "children_mental_health", "+", strength="weak")
    spec = build_spec(cmap)
    write_model(spec, tmp_path, stem="model")
    exposed = {var: spec.variables[spec.copies(var).get("exposed", var)] for var in ("craft_cafe", "sleep",
                                                                                    "parents_resources")}
    settings = {exposed["craft_cafe"].params["level"]: 1, exposed["craft_cafe"].params["start"]: 6,
                exposed["craft_cafe"].params["ramp"]: 12, exposed["sleep"].params["push"]: -0.05,
                exposed["parents_resources"].params["value"]: 1.1, spec.links[0].param: 0.6}  # the example has segments
    trajectories = []
    for suffix in ("xmile", "mdl"):
        model = load_model_file(tmp_path / f"model.{suffix}")
        frame = run_quietly(model, params=settings, return_columns=[v.name for v in spec.variables.values()],
                            final_time=60, time_step=0.25)
        trajectories.append(frame.to_numpy())
    assert trajectories[0].shape == (241, len(spec.variables))
    assert np.abs(trajectories[0] - trajectories[1]).max() < 1e-9
    names = [v.name for v in spec.variables.values()]
    assert {"Søvn_ro", "v_2_grupper_antal", "time_var"} <= set(names)
    rest = trajectories[0][:, names.index("Søvn_ro")]
    assert rest[0] == 2.5 and rest[-1] < 2.5 and rest.min() >= 1   # sleep pushed down reaches it; min: 1


def test_translation_is_cached_outside_the_users_files(tmp_path, monkeypatch):
    monkeypatch.setenv("GMB_CACHE_DIR", str(tmp_path / "cache"))
    spec = build_spec(press_map())
    first = PySDEngine(spec, tunable={"push_a"})
    stamp = first.path.stat().st_mtime_ns
    second = PySDEngine(spec, tunable={"push_a"})
    assert second.path == first.path and second.path.stat().st_mtime_ns == stamp
    assert first.path.is_relative_to(tmp_path / "cache" / "pysd")
    assert len(list((tmp_path / "cache" / "pysd").iterdir())) == 1
    assert PySDEngine(spec, tunable={"push_b"}).path != first.path      # other inputs, another model
    runs = [second.run({"push_a": 0.1}, 12, 0.5).values["a"][-1], second.run({}, 12, 0.5).values["a"][-1]]
    assert runs[0] > 1 and runs[1] == 1.0                                # settings do not leak between runs


def test_staged_output_leaves_nothing_when_writing_fails(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "results.csv").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with staged_directory(target) as stage:
            (stage / "results.csv").write_text("new", encoding="utf-8")
            raise RuntimeError("plot failed")
    assert [p.name for p in target.iterdir()] == ["results.csv"]
    assert (target / "results.csv").read_text(encoding="utf-8") == "old"
    fresh = tmp_path / "fresh" / "out"
    with pytest.raises(RuntimeError):
        with staged_directory(fresh) as stage:
            raise RuntimeError("boom")
    assert not fresh.exists()
    shutil.rmtree(tmp_path / "fresh")
