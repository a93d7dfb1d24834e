"""The numpy batch engine against PySD: every variable at every saved time within 1e-9, on the
example map with its scenarios and on random maps with every kind of structure; its refusals and
the fallback to PySD; ``gmb simulate --engine``."""

from __future__ import annotations

import copy
import csv
import io
import pickle
import random
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.errors import GmbError
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map, save_map
from gmb.sd.batch import BatchModel, UnsupportedByBatch
from gmb.sd.equations import Num, Ref, Smooth3
from gmb.sd.pysd_engine import PySDEngine
from gmb.sd.scenarios import Scenario, ScenarioPlan, load_scenarios
from gmb.sd.simulate import simulate
from gmb.sd.spec import build_spec
from gmb.sd.xmile import to_xmile

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "models" / "havndal.yaml"
EXAMPLE_SCENARIOS = ROOT / "workshops" / "havndal" / "scenarios.yaml"


def assert_same_as_pysd(spec, settings: dict[str, np.ndarray], final_time: float, dt: float, **options) -> None:
    """Run K settings in the batch engine and one by one in PySD; compare every variable at every saved time."""
    batch = BatchModel(spec).run(settings, final_time=final_time, dt=dt, **options)
    engine = PySDEngine(spec, tunable=set(settings) or None)
    runs = max([len(v) for v in settings.values() if np.ndim(v)], default=1)
    for k in range(runs):
        reference = engine.run({name: float(np.broadcast_to(v, runs)[k]) for name, v in settings.items()},
                               final_time=final_time, dt=dt)
        np.testing.assert_array_equal(batch.times, reference.times)
        assert list(batch.run(k).values) == list(reference.values)
        for var, values in reference.values.items():
            np.testing.assert_allclose(batch.values[var][k], values, rtol=1e-9, atol=1e-9, err_msg=f"run {k}, {var}")


def plan_settings(spec, scenarios: list[dict]) -> dict[str, np.ndarray]:
    """The baseline and each scenario's settings as one array per constant any of them sets."""
    defaults = spec.parameters()
    names = dict.fromkeys(name for settings in scenarios for name in settings)
    return {name: np.array([defaults[name]] + [s.get(name, defaults[name]) for s in scenarios]) for name in names}


# -- the example map ------------------------------------------------------------------------------

def test_example_map_and_its_scenarios_match_pysd():
    cmap = load_map(EXAMPLE)
    spec = build_spec(cmap)
    plan = load_scenarios(EXAMPLE_SCENARIOS, cmap, spec)
    assert_same_as_pysd(spec, plan_settings(spec, [s.settings for s in plan.scenarios]), plan.horizon, 1.0)


def test_example_map_through_simulate_gives_the_same_results_with_either_engine():
    cmap = load_map(EXAMPLE)
    spec = build_spec(cmap)
    plan = load_scenarios(EXAMPLE_SCENARIOS, cmap, spec)
    fast, reference = (simulate(spec, plan, ["children_mental_health"], engine=e) for e in ("numpy", "pysd"))
    assert (fast.engine, reference.engine, fast.fallback) == ("numpy", "pysd", "")
    assert simulate(spec, plan, ["children_mental_health"]).engine == "numpy"   # more than one run: numpy
    rows, expected = list(fast.records()), list(reference.records())
    assert [r[:3] for r in rows] == [r[:3] for r in expected]
    np.testing.assert_allclose([r[3] for r in rows], [r[3] for r in expected], rtol=1e-9, atol=1e-9)
    baseline = fast.runs["baseline"]
    for var, values in baseline.values.items():   # the baseline sits exactly at equilibrium
        assert np.array_equal(values, np.full_like(values, spec.variables[var].initial)), var


# -- random maps ----------------------------------------------------------------------------------

EQUATIONS = ["{a} + 0.5 * {b}", "MIN({a}, 2) * MAX({b}, 0.5)", "ABS({a} - {b}) + EXP(-TIME / 50)",
             "SQRT(ABS({a})) + LN(1 + ABS({b}))", "{a} ^ 2 / (1 + {b} ^ 2)", "-{a} + 3 * {b} / 4 - TIME / 100"]


def random_model(seed: int):
    """A random map with index variables (today's values, bounds, adjust times), stocks with flows,
    constants, actions and equations; delayed, numbered and ``?`` links; and K = 4 runs of settings."""
    rng = random.Random(seed)
    cmap = CausalMap.new(f"random {seed}")
    kinds = ["index"] * rng.randint(3, 6) + ["stock"] * rng.randint(0, 2) + ["constant"] * rng.randint(0, 2) \
        + ["action"] * rng.randint(1, 2) + ["equation"] * rng.randint(0, 2)
    names = []
    for i, kind in enumerate(kinds):
        name, attrs = f"{kind[:2]}{i}", {}
        if kind == "index":
            attrs["adjust_time"] = rng.choice([1, 2.5, 6, 12])
            attrs["initial"] = rng.choice([None, None, 2.0, 250.0, 0.4])
            scale = attrs["initial"] or 1.0
            if rng.random() < 0.4:
                attrs["min"], attrs["max"] = rng.choice([(0.9, 1.1), (0.5, 2.0), (-1.0, 5.0)])
                attrs["min"], attrs["max"] = attrs["min"] * scale, attrs["max"] * scale
        elif kind in ("stock", "constant"):
            attrs["initial"] = rng.choice([None, 100.0, -5.0, 0.0] if kind == "stock" else [None, 2.0, 0.5])
        elif kind == "equation":
            sources = [n for n in names if not n.startswith("eq")] or names
            attrs["equation"] = rng.choice(EQUATIONS).format(a=rng.choice(sources), b=rng.choice(sources))
            if rng.random() < 0.5:
                attrs["min"], attrs["max"] = -2.0, 4.0
        cmap.add_variable(name, name.upper(), kind=None if kind in ("index", "equation") else kind, **attrs)
        names.append(name)
    for target, kind in zip(names, kinds):
        if kind in ("action", "constant"):
            continue
        for source in rng.sample([n for n in names if n != target], min(3, len(names) - 1)):
            delay = rng.choice([None, None, True, 2.5, 9])
            if kind == "stock":
                flow = rng.choice(["inflow", "outflow"])
                polarity = rng.choice(["+" if flow == "inflow" else "-", "?"])
                cmap.add_link(source, target, polarity, flow=flow, strength=rng.choice([None, 0.1, "weak"]),
                              delay=delay)
            else:
                cmap.add_link(source, target, rng.choice("++--?"), delay=delay,
                              strength=rng.choice([None, "weak", "medium", "strong", 0.3, 1.2]))
    spec = build_spec(cmap, unknown_links=rng.choice(["leave_out", "include"]))
    scenarios = [{} for _ in range(3)]
    for name in spec.parameters():
        for settings in scenarios:
            if rng.random() < 0.4:
                settings[name] = _random_setting(rng, name)
    return spec, plan_settings(spec, scenarios), rng.choice([(24, 1.0), (24, 0.5), (12, 0.25), (6, 0.1)])


def _random_setting(rng: random.Random, name: str) -> float:
    if name.startswith("w_"):
        return rng.choice([0.0, -0.5, rng.uniform(-1, 1)])
    if name.startswith(("push_start", "start")):
        return rng.choice([0.0, 0.3, 2.0, 3.5, 7.0])
    if name.startswith(("push_ramp", "ramp")):
        return rng.choice([0.0, 0.2, 1.5, 5.0])
    return rng.uniform(-0.3, 0.3) if name.startswith("push") else rng.uniform(0.2, 2.5)


@pytest.mark.parametrize("seed", range(14))
def test_random_maps_with_per_run_settings_match_pysd(seed):
    spec, settings, (horizon, dt) = random_model(seed)
    assert_same_as_pysd(spec, settings, horizon, dt)


def test_a_delayed_action_on_from_time_0_acts_in_proportion_to_its_level():
    """PySD 3.14 holds an SMTH3 written with a whole-number initial value (``0``) in an integer array,
    so an action at 0.6 from time 0 would enter the delay as 0; the model text writes ``0.0``."""
    cmap = CausalMap.new("camp")
    cmap.add_variable("camp", "Camp", kind="action")
    cmap.add_variable("a", "A", adjust_time=2)
    cmap.add_variable("b", "B", adjust_time=2, initial=2.5)
    cmap.add_link("camp", "a", "+", delay=3)
    cmap.add_link("a", "b", "-", delay=1.5)
    spec = build_spec(cmap)
    assert "SMTH3(camp, delay_camp_to_a, 0.0)" in to_xmile(spec)
    assert_same_as_pysd(spec, {"level_camp": np.array([0.6, 1.7, -0.4]), "w_a_to_b": np.array([0.5, 1.0, 2.0])}, 6, 0.5)
    a = BatchModel(spec).run({"level_camp": np.array([0.6, 1.0, 0.0])}, 6, 0.5).values["a"]
    np.testing.assert_allclose(a[0] - a[2], 0.6 * (a[1] - a[2]), rtol=1e-12, atol=1e-15)
    assert (a[1] - a[2])[-1] > 0.1


def test_random_maps_cover_every_construct():
    specs = [random_model(seed)[0] for seed in range(14)]
    kinds = {v.kind for spec in specs for v in spec.variables.values()}
    links = [link for spec in specs for link in spec.links]
    assert kinds == {"index", "stock", "constant", "action", "equation"}
    assert {link.delay for link in links} >= {None, 6.0, 2.5, 9.0}
    assert {link.flow for link in links} >= {"inflow", "outflow"}
    assert any(link.weight == 0 for link in links)                                       # a ? link included
    assert any(v.bounds and v.bounds[0] > 0 for spec in specs for v in spec.variables.values() if v.kind == "index")


def test_per_run_adjust_times_match_a_pysd_model_with_those_adjust_times():
    spec, settings, _ = random_model(3)
    var = next(v for v in spec.variables.values() if v.kind == "index")
    taus = np.array([var.adjust_time, 0.75, 20.0])
    settings = {name: values[:3] for name, values in settings.items()}
    batch = BatchModel(spec).run(settings, final_time=12, dt=0.25, adjust_times={var.id: taus})
    for k, tau in enumerate(taus):
        changed = copy.deepcopy(spec)
        changed.variables[var.id].adjust_time = float(tau)
        reference = PySDEngine(changed, tunable=set(settings)).run(
            {name: float(values[k]) for name, values in settings.items()}, final_time=12, dt=0.25)
        for name, values in reference.values.items():
            np.testing.assert_allclose(batch.values[name][k], values, rtol=1e-9, atol=1e-9, err_msg=name)


def test_a_model_pickles_as_its_spec_for_worker_processes():
    spec, settings, (horizon, dt) = random_model(2)
    model = BatchModel(spec)
    again = pickle.loads(pickle.dumps(model))
    for var, values in model.run(settings, horizon, dt).values.items():
        np.testing.assert_array_equal(again.run(settings, horizon, dt).values[var], values)


def test_outputs_saveper_and_scalar_settings():
    spec, _, _ = random_model(5)
    model = BatchModel(spec)
    assert model.variables == list(spec.variables)
    first = model.variables[0]
    batch = model.run({}, final_time=10, dt=0.5, saveper=2.5, outputs=[first])
    assert batch.times.tolist() == [0.0, 2.5, 5.0, 7.5, 10.0]
    assert list(batch.values) == [first] and batch.values[first].shape == (1, 5)
    every_step = model.run({}, final_time=10, dt=0.5, saveper=0.5)
    assert every_step.times.size == 21 and model.run({}, final_time=10, dt=0.5).times.size == 11
    np.testing.assert_array_equal(batch.values[first][0], every_step.values[first][0][::5])


@pytest.mark.parametrize("call, message", [
    (lambda m: m.run({"nonsense": 1.0}, 12, 1.0), "unknown model constant 'nonsense'"),
    (lambda m: m.run({"w_a_to_b": np.ones(2), "w_b_to_a": np.ones(3)}, 12, 1.0), "one length"),
    (lambda m: m.run({}, 12.5, 1.0), "final_time 12.5 is not a whole number of steps"),
    (lambda m: m.run({}, 12, 1.0, saveper=1.5), "saveper 1.5 is not a whole number"),
    (lambda m: m.run({}, 12, 1.0, adjust_times={"c": 2.0}), "'c' is not an index variable"),
    (lambda m: m.run({}, 12, 1.0, outputs=["zz"]), "unknown output 'zz'"),
], ids=["unknown-constant", "lengths", "steps", "saveper", "adjust-time", "output"])
def test_bad_run_arguments_are_one_line_errors(call, message):
    cmap = CausalMap.new("ab")
    for var in ("a", "b"):
        cmap.add_variable(var, var.upper())
    cmap.add_variable("c", "C", kind="constant")
    cmap.add_link("a", "b", "+")
    cmap.add_link("b", "a", "-")
    with pytest.raises(GmbError, match=message):
        call(BatchModel(build_spec(cmap)))


# -- refusal and fallback -------------------------------------------------------------------------

def test_a_construct_it_cannot_run_is_refused_by_name_and_simulate_falls_back_to_pysd():
    cmap = CausalMap.new("smooth")
    cmap.add_variable("a", "A", adjust_time=2)
    cmap.add_variable("calm", "Calm", equation="a * 2")
    cmap.add_link("calm", "a", "+", strength="weak")
    spec = build_spec(cmap)
    spec.variables["calm"].equation = Smooth3(Ref("a"), Num(3), Num(1))   # PySD runs it; the numpy engine does not
    with pytest.raises(UnsupportedByBatch, match="cannot run variable 'calm': SMOOTH3 in an equation"):
        BatchModel(spec)
    plan = ScenarioPlan("inline", 12, "month", None, [Scenario("push", settings={"push_a": 0.2})])
    results = simulate(spec, plan, ["a"], engine="numpy")
    assert results.engine == "pysd"
    assert results.fallback == ("the numpy engine cannot run variable 'calm': SMOOTH3 in an equation is not "
                                "supported; simulated with PySD instead")
    reference = simulate(spec, plan, ["a"], engine="pysd")
    assert (reference.engine, reference.fallback) == ("pysd", "")
    np.testing.assert_array_equal(results.runs["push"].values["a"], reference.runs["push"].values["a"])


# -- the command ----------------------------------------------------------------------------------

SCENARIOS = """\
horizon: 3
time_unit: year
scenarios:
  walking: [{action: walks, level: 0.2, start: 1, ramp: 1}]
  sleep: [{push: sleep, by: 0.1}, {constant: money, value: 3}]
  weaker: [{link: [sleep, mood], strength: weak}]
"""


def test_simulate_command_gives_the_same_summary_and_files_with_either_engine(tmp_path):
    cmap = CausalMap.new("Trivsel")
    cmap.add_variable("sleep", {"da": "Søvn", "en": "Sleep"}, adjust_time=2)
    cmap.add_variable("mood", {"da": "Humør", "en": "Mood"}, adjust_time=4, min=0.5, max=1.08)
    cmap.add_variable("walks", {"da": "Gåture", "en": "Walks"}, kind="action")
    cmap.add_variable("money", {"da": "Penge", "en": "Money"}, kind="constant", initial=2)
    cmap.add_link("sleep", "mood", "+", strength="strong", delay=True)
    cmap.add_link("walks", "sleep", "+", strength="medium")
    cmap.add_link("money", "mood", "+", strength="weak")
    cmap.set_outcome(["mood"])
    save_map(cmap, tmp_path / "map.yaml")
    (tmp_path / "s.yaml").write_text(SCENARIOS, encoding="utf-8")
    outputs, tables = {}, {}
    for engine in ("numpy", "pysd", None):
        out = tmp_path / str(engine)
        args = ["simulate", str(tmp_path / "map.yaml"), "--scenarios", str(tmp_path / "s.yaml"), "-o", str(out)]
        result = CliRunner().invoke(main, args + (["--engine", engine] if engine else []))
        assert result.exit_code == 0, result.output
        assert "warning" not in result.stderr
        outputs[engine] = result.stdout.replace(str(out), "OUT")
        tables[engine] = {name: list(csv.reader(io.StringIO((out / name).read_text("utf-8-sig")), delimiter=sep))
                          for name, sep in (("results.csv", ","), ("summary.csv", ";"))}
    assert outputs["numpy"] == outputs["pysd"] == outputs[None]
    assert tables["numpy"]["summary.csv"] == tables["pysd"]["summary.csv"]      # rounded for people: the same
    for name in ("results.csv",):
        fast, reference = tables["numpy"][name], tables["pysd"][name]
        assert fast[0] == reference[0] and len(fast) == len(reference)
        for row, expected in zip(fast[1:], reference[1:]):
            assert [c for c in row if not _number(c)] == [c for c in expected if not _number(c)]
            np.testing.assert_allclose([float(c) for c in row if _number(c)],
                                       [float(c) for c in expected if _number(c)], rtol=1e-9, atol=1e-9)


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
