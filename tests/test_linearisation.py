"""One linearisation of the whole model (gmb.sd.linear), checked against the numpy engine it describes.

The Jacobian is compared with central finite differences of the engine's own right-hand side
(:meth:`BatchModel.rates`); "unstable" is checked by simulating; the long-run press response by
running the engine until it settles.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from click.testing import CliRunner

from gmb.analysis.press import linear_press, long_run_effects, press_response
from gmb.cli import main
from gmb.errors import GmbError
from gmb.leverage.checks import SampleChecker
from gmb.leverage.uncertainty import MapUncertainty
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import save_map
from gmb.sd.batch import BatchModel
from gmb.sd.linear import LinearModel, NotLinearisable, linearise
from gmb.sd.spec import build_spec
from gmb.sd.stability import STABLE, check_stability


def random_model(seed: int, n: int = 8, at_rest: bool = False) -> CausalMap:
    """Index variables (τ and today's values drawn), stocks, a constant, an action and an equation,
    with random links (a third delayed). ``at_rest``: each stock gets one inflow, and one outflow
    through an index variable that follows the stock, that balance at the start: the baseline is an
    equilibrium, and no stock only accumulates."""
    rng = random.Random(seed)
    cmap = CausalMap.new(f"random {seed}")
    names = [f"v{i}" for i in range(n)]
    stocks = set(rng.sample(names[2:], 2))
    for v in names:
        if v in stocks:
            cmap.add_variable(v, v.upper(), kind="stock", initial=rng.uniform(1, 5))
        else:
            cmap.add_variable(v, v.upper(), adjust_time=rng.uniform(1, 12),
                              initial=rng.choice([1.0, rng.uniform(0.5, 5)]))
    cmap.add_variable("k", "K", kind="constant", initial=2.0)
    cmap.add_variable("act", "Act", kind="action")
    cmap.add_variable("eq", "Eq", equation="v0 * v1 / k + EXP(v0 - 1) + MAX(v1, 0) ^ 2")
    index = [v for v in names if v not in stocks]
    for stock in sorted(stocks):
        if at_rest:
            a = rng.choice([v for v in names + ["eq"] if v != stock])
            value = {v: cmap.graph.nodes[v].get("initial", 1.0) for v in names}
            value["eq"] = build_spec(cmap).variables["eq"].initial
            w, drain = rng.uniform(0.05, 0.3), f"drain_{stock}"
            cmap.add_variable(drain, drain.upper(), adjust_time=rng.uniform(1, 6))
            cmap.add_link(a, stock, "+", flow="inflow", strength=w / value[a], delay=rng.choice([None, 4.0]))
            cmap.add_link(stock, drain, "+", strength=1.0)
            cmap.add_link(drain, stock, "-", flow="outflow", strength=w)
    for _ in range(2 * n):
        u, v = rng.sample(names + ["eq", "k", "act"], 2)
        if v in ("eq", "k", "act") or cmap.graph.has_edge(u, v) or (at_rest and v in stocks):
            continue
        delay = rng.choice([None, None, rng.uniform(2, 8)])
        if v in stocks:
            flow = rng.choice(["inflow", "outflow"])
            cmap.add_link(u, v, "+" if flow == "inflow" else "-", flow=flow, strength=rng.uniform(0.05, 0.3),
                          delay=delay)
        else:
            cmap.add_link(u, v, rng.choice("+-"), delay=delay,
                          strength=rng.choice(["weak", "medium", "strong", rng.uniform(0, 1.5)]))
    assert index
    return cmap


def engine_jacobian(model: BatchModel, settings=None, adjust_times=None, h: float = 1e-6) -> np.ndarray:
    """Central finite differences of the numpy engine's rates of change at its start state."""
    n, stages = model.n_states, len(model._stage_initials)
    z0 = np.zeros(n)
    for var in model.spec.variables.values():   # the stocks' start, then the delay stages' (inputs' start)
        if model.rows[var.name] < n - stages:
            z0[model.rows[var.name]] = var.initial
    z0[n - stages:] = model._stage_initials[:, 0]
    step = h * np.maximum(1.0, np.abs(z0))
    z = np.repeat(z0[:, None], 2 * n, axis=1)
    z[np.arange(n), 2 * np.arange(n)] += step
    z[np.arange(n), 2 * np.arange(n) + 1] -= step
    f = model.rates(z, settings, adjust_times)
    return (f[:, 0::2] - f[:, 1::2]) / (2 * step)


def growth(a: np.ndarray) -> float:
    return float(np.linalg.eigvals(a).real.max()) if len(a) else -np.inf


@pytest.mark.parametrize("seed", range(12))
def test_growth_rate_is_that_of_the_numerically_differentiated_engine(seed):
    spec = build_spec(random_model(seed))
    model, lin = BatchModel(spec), linearise(spec)
    assert len(lin.states) == model.n_states
    assert growth(lin.A) == pytest.approx(growth(engine_jacobian(model)), abs=1e-6)


def test_each_samples_settings_give_its_own_matrix_in_one_pass():
    spec = build_spec(random_model(3))
    rng = np.random.default_rng(0)
    settings = {link.param: rng.uniform(0.1, 1.0, 4) for link in spec.links}
    taus = {v.id: rng.uniform(1, 12, 4) for v in spec.variables.values() if v.kind == "index"}
    stack = LinearModel(spec).at(settings, taus)
    assert stack.A.shape == (4, len(stack.states), len(stack.states))
    model = BatchModel(spec)
    for k in range(4):
        one = {name: float(values[k]) for name, values in settings.items()}
        tau = {var: float(values[k]) for var, values in taus.items()}
        np.testing.assert_allclose(stack.A[k], linearise(spec, one, tau).A, rtol=1e-14)
        assert growth(stack.A[k]) == pytest.approx(growth(engine_jacobian(model, one, tau)), abs=1e-6)


def deviation(spec, settings: dict, horizon: float) -> np.ndarray:
    """max over variables of |pushed − baseline| at each saved time."""
    run = BatchModel(spec).run({name: np.array([0.0, value]) for name, value in settings.items()},
                               final_time=horizon, dt=spec.default_dt(), saveper=1.0)
    return np.max([np.abs(values[1] - values[0]) for values in run.values.values()], axis=0)


def test_maps_flagged_unstable_grow_in_simulation_and_stable_ones_settle():
    seen = {"stable": 0, "unstable": 0}
    for seed in range(40):
        spec = build_spec(random_model(seed, at_rest=True))
        rate = check_stability(spec).growth_rate
        if -0.03 < rate < 0.01:   # a quick test: slow modes would need long runs
            continue
        push = {v.params["push"]: 1e-7 for v in spec.variables.values() if v.kind == "index"}
        horizon = float(np.ceil(min((12 if rate > 0 else 20) / abs(rate), 2000)))
        moved = deviation(spec, push, horizon)
        if rate > 0:   # grows about e^(rate·t), far past the push, before any bound is near
            assert moved[-1] > 1e-7 * np.exp(0.5 * rate * horizon), seed
        else:          # settled: the second half of the run hardly moves
            half = moved[len(moved) // 2]
            assert abs(moved[-1] - half) <= 1e-2 * moved[-1], seed
        seen["unstable" if rate > 0 else "stable"] += 1
    assert min(seen.values()) >= 3, seen


@pytest.mark.parametrize("seed", range(8))
def test_each_samples_stability_verdict_is_that_of_its_eigenvalues(seed):
    """The per-sample check (cheap sufficient tests, eigenvalues only where they fail) says what the
    largest real part of the whole matrix's eigenvalues says, sample by sample and chunk by chunk, on
    random maps with stocks, equations and delays, with every link weight scaled across the border."""
    cmap = random_model(seed, at_rest=True)
    spec = build_spec(cmap, unknown_links="include")
    draws = MapUncertainty(cmap, spec).draw(seed=seed, start=0, stop=240)
    factor = np.exp(np.random.default_rng(seed).uniform(np.log(0.3), np.log(3.0), 240))
    settings = {name: values * factor if name in {link.param for link in spec.links} else values
                for name, values in draws.settings.items()}
    plain = np.linalg.eigvals(LinearModel(spec).at(settings, draws.adjust_times).A).real.max(axis=-1) > STABLE
    checker = SampleChecker(spec)
    fast = checker.check(settings, draws.adjust_times).unstable
    assert np.array_equal(fast, plain)
    parts = [checker.check({k: v[i:i + 50] for k, v in settings.items()},
                           {k: v[i:i + 50] for k, v in draws.adjust_times.items()}).unstable for i in range(0, 240, 50)]
    assert np.array_equal(np.concatenate(parts), plain)


def test_the_scaled_random_maps_cross_the_stability_border():
    verdicts = np.concatenate([SampleChecker(spec := build_spec(random_model(seed, at_rest=True))).check(
        {link.param: np.linspace(0.2, 4.0, 40) * link.weight for link in spec.links}, {}).unstable
        for seed in range(6)])
    assert 0.1 < verdicts.mean() < 0.9


def stock_loop() -> CausalMap:
    """People → births → (inflow) people: a reinforcing loop whose only stock is a kind: stock."""
    cmap = CausalMap.new("stock loop")
    cmap.add_variable("people", "People", kind="stock", initial=10)
    cmap.add_variable("births", "Births", adjust_time=2)
    cmap.add_variable("leaving", "Leaving", kind="constant", initial=1)
    cmap.add_link("people", "births", "+", strength="strong")
    cmap.add_link("births", "people", "+", flow="inflow", strength=1)
    cmap.add_link("leaving", "people", "-", flow="outflow", strength=1)
    return cmap


def test_a_loop_through_a_stock_is_checked():
    # The former check held stocks at their start and called this map stable (growth −1/τ = −0.5).
    spec = build_spec(stock_loop())
    result = check_stability(spec)
    # births* = 1 + 0.75 (P − 10)/10, dP/dt = births − 1: s² + s/2 − 0.0375 = 0
    assert not result.stable and result.growth_rate == pytest.approx((-0.5 + np.sqrt(0.25 + 0.15)) / 2)
    assert set(result.variables) == {"people", "births"} and "reinforcing loop runs away" in result.message()
    moved = deviation(spec, {"push_births": 1e-6}, 60)
    assert moved[60] > 20 * moved[10] > 0


def delayed_balancing_loop() -> CausalMap:
    """x raises y after a 6-month third-order delay, y lowers x: loop gain 4 over five lags overshoots."""
    cmap = CausalMap.new("delayed balancing loop")
    cmap.add_variable("x", "X", adjust_time=2)
    cmap.add_variable("y", "Y", adjust_time=2)
    cmap.add_link("x", "y", "+", strength=2, delay=6)
    cmap.add_link("y", "x", "-", strength=2)
    cmap.set_outcome(["y"])
    return cmap


def test_a_delayed_balancing_loop_whose_oscillation_grows_is_unstable(tmp_path):
    # W − I = [[-1, -2], [2, -1]] has eigenvalues −1 ± 2i: the former check called this stable.
    spec = build_spec(delayed_balancing_loop())
    result = check_stability(spec)
    assert not result.stable and result.oscillating and "an oscillation grows" in result.message()
    run = BatchModel(spec).run({"push_x": np.array([1e-6])}, final_time=240, dt=0.5, saveper=1.0)
    y = run.values["y"][0] - 1
    crossings = np.flatnonzero(np.diff(np.sign(y[12:])) != 0)
    assert len(crossings) >= 4 and np.abs(y[-60:]).max() > 100 * np.abs(y[:60]).max()

    path = tmp_path / "loop.yaml"
    save_map(delayed_balancing_loop(), path)
    (tmp_path / "scenarios.yaml").write_text("horizon: 24\nscenarios:\n  push:\n    - {push: x, by: 0.1}\n",
                                             encoding="utf-8")
    simulated = CliRunner().invoke(main, ["simulate", str(path), "--scenarios", str(tmp_path / "scenarios.yaml"),
                                          "-o", str(tmp_path / "out"), "--engine", "numpy"])
    assert simulated.exit_code == 0, simulated.output
    assert "warning: the model is unstable: an oscillation grows" in simulated.output
    pressed = CliRunner().invoke(main, ["press", str(path), "--samples", "50", "--seed", "1",
                                        "--weights", "strengths"])
    assert pressed.exit_code == 2 and pressed.stdout == ""  # no stable sample: no directions, one line
    assert pressed.stderr.startswith("error: only 0 of 50 weight samples (seed 1) were stable")
    assert press_response(delayed_balancing_loop(), "y", samples=50, seed=1, weights="strengths").stable == 0


def settling_map() -> CausalMap:
    """Index variables, an action, a constant, an equation and a stock drained by a loop, all at rest;
    linear below the bounds, so a push of any size moves it exactly as the linearisation says."""
    cmap = CausalMap.new("settles")
    cmap.add_variable("care", "Care", adjust_time=3, initial=4)
    cmap.add_variable("mood", "Mood", adjust_time=2)
    cmap.add_variable("club", "Club", kind="action")
    cmap.add_variable("budget", "Budget", kind="constant", initial=5)
    cmap.add_variable("queue", "Queue", kind="stock", initial=20)
    cmap.add_variable("served", "Served", adjust_time=1, initial=2)
    cmap.add_variable("load", "Load", equation="queue / 4 + 2 * care - budget")   # linear: exact below
    cmap.add_link("club", "mood", "+", strength="strong")
    cmap.add_link("budget", "care", "+", strength="medium", delay=4)
    cmap.add_link("care", "mood", "+", strength="weak")
    cmap.add_link("care", "queue", "+", flow="inflow", strength=0.5)     # 2 a month at the start
    cmap.add_link("served", "queue", "-", flow="outflow", strength=1.0)  # 2 a month at the start
    cmap.add_link("queue", "served", "+", strength="strong")
    cmap.add_link("load", "mood", "-", strength="medium")
    cmap.add_link("mood", "care", "-", strength="weak")
    cmap.set_outcome(["mood"])
    return cmap


def test_long_run_effects_are_the_simulated_long_run_change_in_the_outcomes_units():
    spec = build_spec(settling_map())
    assert check_stability(spec).stable
    pushes = [{"care": 0.1}, {"club": 0.1}, {"budget": 0.1}, {"care": 0.05, "club": -0.2}]
    effects = long_run_effects(spec, "load", pushes).effects
    settings = [{"push_care": 0.1}, {"level_club": 0.1}, {"budget": 5.5}, {"push_care": 0.05, "level_club": -0.2}]
    names = sorted({name for s in settings for name in s})
    base = spec.parameters()
    batch = {name: np.array([base[name]] + [s.get(name, base[name]) for s in settings]) for name in names}
    run = BatchModel(spec).run(batch, final_time=600, dt=0.25, outputs=["load", "mood"])
    simulated = run.values["load"][1:, -1] - run.values["load"][0, -1]
    np.testing.assert_allclose(effects, simulated, rtol=1e-6)
    assert abs(simulated[0]) > 0.01   # an absolute change of the equation's value, not a share
    press = linear_press(settling_map())
    mood = run.values["mood"][1:, -1] - run.values["mood"][0, -1]
    assert press.response({"care": 0.1})["mood"] == pytest.approx(mood[0], rel=1e-6)


def test_an_outcome_that_does_not_settle_has_no_long_run_effect():
    spec = build_spec(delayed_balancing_loop())
    result = long_run_effects(spec, "y", [{"x": 0.1}])
    assert result.effects is None and result.reason.startswith("the model is unstable")
    spec = build_spec(stock_loop())
    assert long_run_effects(spec, "people", [{"births": 0.1}]).effects is None
    drained = CausalMap.new("integrator")   # a stock filled and never drained: no long-run level
    drained.add_variable("tap", "Tap", adjust_time=2)
    drained.add_variable("tank", "Tank", kind="stock")
    drained.add_link("tap", "tank", "+", flow="inflow")
    result = long_run_effects(build_spec(drained), "tank", [{"tap": 0.1}])
    assert result.effects is None and "no long-run level" in result.reason
    assert check_stability(build_spec(drained)).stable   # nothing grows exponentially


def test_links_the_model_leaves_out_are_left_out_of_the_press():
    cmap = delayed_balancing_loop()
    cmap.set_link("y", "x", {"polarity": "?"})
    spec = build_spec(cmap, unknown_links="include")   # as gmb leverage builds it: weight 0
    assert long_run_effects(spec, "y", [{"x": 0.1}]).effects == pytest.approx([2 * 0.1])
    assert linear_press(cmap).effect("y", "x") == pytest.approx(2)


def test_an_equation_without_a_slope_at_the_start_is_named_warned_about_in_build_and_refused_by_press(tmp_path):
    cmap = CausalMap.new("kink")
    cmap.add_variable("a", "A")
    cmap.add_variable("b", "B")
    cmap.add_variable("floor", "Floor", equation="MAX(a, 1)")
    cmap.add_link("a", "b", "+")
    cmap.add_link("floor", "b", "+")
    cmap.set_outcome(["b"])
    with pytest.raises(NotLinearisable, match=r"^gmb cannot linearise variable 'floor' at the start state: "
                                              r"MAX of two equal values \(a kink\)"):
        linearise(build_spec(cmap))
    stability = check_stability(build_spec(cmap))
    assert not stability.stable and "could not be checked" in stability.message() and "'floor'" in stability.message()
    save_map(cmap, tmp_path / "kink.yaml")
    built = CliRunner().invoke(main, ["build", str(tmp_path / "kink.yaml"), "-o", str(tmp_path / "out")])
    assert built.exit_code == 0 and (tmp_path / "out" / "kink.xmile").exists()   # it can still be simulated
    assert "could not be checked" in (tmp_path / "out" / "ASSUMPTIONS.md").read_text(encoding="utf-8")
    pressed = CliRunner().invoke(main, ["press", str(tmp_path / "kink.yaml"), "--samples", "10"])
    assert pressed.exit_code == 2 and "'floor'" in pressed.output and pressed.output.count("\n") == 1
    with pytest.raises(GmbError, match="unknown model constant 'w_nothing'"):
        linearise(build_spec(cmap), {"w_nothing": 1.0})


def test_samples_without_a_slope_are_left_unchecked_and_the_others_get_their_own_verdicts():
    """A kink at the start in some samples (MAX of two equal values where a·k = 1) leaves those samples
    unchecked, not the whole chunk; each other sample gets the verdict of its own matrix's eigenvalues."""
    cmap = CausalMap.new("kink in some samples")
    for var in ("a", "b"):
        cmap.add_variable(var, var.upper(), adjust_time=4)
    cmap.add_variable("k", "K", kind="constant", initial=2)
    cmap.add_variable("floor", "Floor", equation="MAX(a * k, 1)")   # a starts at 1
    cmap.add_link("a", "b", "+", strength=1.0)
    cmap.add_link("b", "a", "+", strength=1.0)
    cmap.add_link("a", "floor", "+")
    cmap.add_link("k", "floor", "+")
    cmap.add_link("floor", "b", "+", strength=0.5)
    cmap.set_outcome(["b"])
    spec = build_spec(cmap)
    settings = {"k": np.array([0.5, 1.0, 2.0, 1.0, 0.5]), "w_b_to_a": np.array([0.5, 0.5, 2.0, 2.0, 0.9])}
    checks = SampleChecker(spec).check(settings, {})
    assert checks.unchecked.tolist() == [False, True, False, True, False]
    for k in (0, 2, 4):
        a = LinearModel(spec).at({name: values[k] for name, values in settings.items()}).A
        assert checks.unstable[k] == (np.linalg.eigvals(a).real.max() > STABLE)
    assert checks.unstable.tolist() == [False, False, True, False, False]   # the gain 2 loop runs away
