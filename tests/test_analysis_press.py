"""Press response: the exact long-run response on hand-solved systems, sampled shares worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_maps import make_map

from gmb.analysis.press import linear_press, press_response, sample_weight_matrices
from gmb.errors import GmbError, UnknownVariableError

# x raises y (strength a), y lowers x (strength b): a balancing 2-loop, stable for any weights.
BALANCING = [("x", "y", "+", "medium"), ("y", "x", "-", "weak")]


def test_linear_press_of_a_two_variable_loop_by_hand():
    a, b = 0.5, 0.25
    result = linear_press(make_map(BALANCING))
    # W - I = [[-1, -b], [a, -1]];  -(W - I)^-1 = [[1, -b], [a, 1]] / (1 + ab)
    assert result.variables == ("x", "y")
    np.testing.assert_allclose(result.matrix, np.array([[1, -b], [a, 1]]) / (1 + a * b))
    assert result.stable
    assert result.effect("y", "x") == pytest.approx(a / (1 + a * b))
    assert result.response({"x": 2.0}) == pytest.approx({"x": 2 / (1 + a * b), "y": 2 * a / (1 + a * b)})


def test_strength_names_stand_for_the_maps_strength_numbers():
    cmap = make_map(BALANCING)
    cmap.meta["strengths"] = {"weak": 0.1, "medium": 0.2}   # strong keeps gmb's default
    a, b = 0.2, 0.1
    assert linear_press(cmap).effect("y", "x") == pytest.approx(a / (1 + a * b))


def test_weights_drawn_within_strength_classes_stay_in_each_class():
    cmap = make_map([("x", "y", "+", "strong"), ("y", "z", "-", "weak"), ("z", "x", "+", 0.4), ("x", "z", "+")])
    cmap.meta["strengths"] = {"weak": 0.1, "medium": 0.2, "strong": 0.3}
    w = np.concatenate(list(sample_weight_matrices(cmap, 600, seed=4, weights="strengths")))
    x, y, z = 0, 1, 2
    assert 0.25 <= w[:, y, x].min() < 0.26 and 0.34 < w[:, y, x].max() <= 0.35     # strong: 0.25-0.35
    assert -0.15 <= w[:, z, y].min() < -0.14 and -0.06 < w[:, z, y].max() <= -0.05  # weak, negative
    assert set(w[:, x, z]) == {0.4}                                                   # a number is held
    assert 0.15 <= w[:, z, x].min() and w[:, z, x].max() <= 0.25                      # no strength: medium
    uniform = np.concatenate(list(sample_weight_matrices(cmap, 600, seed=4)))
    assert uniform[:, y, x].min() < 0.05 and uniform[:, y, x].max() > 0.95
    with pytest.raises(GmbError, match="unknown weights 'qpress'"):
        next(sample_weight_matrices(cmap, 1, weights="qpress"))


def test_linear_press_weights_override_strengths_and_flag_a_runaway():
    cmap = make_map([("x", "y", "+"), ("y", "x", "+")])
    assert linear_press(cmap, {("x", "y"): 0.8, ("y", "x"): 0.5}).effect("y", "x") == pytest.approx(0.8 / 0.6)
    runaway = linear_press(cmap, {("x", "y"): 0.8, ("y", "x"): 2.0})  # loop gain 1.6 > 1
    assert not runaway.stable and runaway.matrix is None and "unstable" in runaway.reason
    assert runaway.effect("y", "x") is None and runaway.response({"x": 1.0}) == {"x": None, "y": None}
    even = linear_press(cmap, {("x", "y"): 1.0, ("y", "x"): 1.0})  # loop gain 1: no long-run level
    assert even.matrix is None and "no long-run level" in even.reason
    assert linear_press(make_map([("x", "y", "?")])).effect("y", "x") == 0  # left out, as simulate does
    with pytest.raises(GmbError, match=r"link x → y is not in the model"):
        linear_press(make_map([("x", "y", "?")]), {("x", "y"): 0.5})


def test_sampled_press_of_the_balancing_loop_is_determined():
    up = press_response(make_map(BALANCING), "y", samples=300, seed=3)
    assert (up.stable, up.samples) == (300, 300)  # eigenvalues -1 ± i·sqrt(ab): always stable
    assert up.variables == [{"id": "x", "rises": 1.0, "falls": 0.0, "direction": "up"}]
    down = press_response(make_map(BALANCING), "x", samples=300, seed=3)
    assert down.variables == [{"id": "y", "rises": 0.0, "falls": 1.0, "direction": "down"}]


def test_two_opposite_paths_rise_in_three_quarters_of_samples():
    # x→y (a) and x→z→y (c, -d): y moves by a - c·d, and P(a > c·d) = 1 - E[c·d] = 3/4
    cmap = make_map([("x", "y", "+"), ("x", "z", "+"), ("z", "y", "-")])
    result = press_response(cmap, "y", samples=20_000, seed=1)
    row = next(r for r in result.variables if r["id"] == "x")
    assert row["rises"] == pytest.approx(0.75, abs=0.015)
    assert row["direction"] == "uncertain"


def test_only_stable_samples_are_kept():
    # x↔y and x↔z, all +: eigenvalues -1, -1 ± sqrt(ab + cd); stable iff ab + cd < 1.
    cmap = make_map([("x", "y", "+"), ("y", "x", "+"), ("x", "z", "+"), ("z", "x", "+")])
    result = press_response(cmap, "x", samples=20_000, seed=2)
    # P(ab + cd < 1) = ∫ f(s) F(1 - s) ds with f(s) = -ln s (density of a product of two uniforms)
    # and F(t) = t - t ln t its distribution function
    s = (np.arange(200_000) + 0.5) / 200_000
    expected = np.mean(-np.log(s) * ((1 - s) - (1 - s) * np.log(1 - s)))
    assert result.stable / result.samples == pytest.approx(expected, abs=0.015)
    assert result.stable < result.samples  # about 7% of draws run away and are dropped


def test_sampled_shares_agree_with_the_exact_solution_of_every_sample():
    cmap = make_map([("x", "y", "+"), ("y", "z", "-"), ("z", "x", "+"), ("x", "z", "?"), ("z", "y", "+")])
    result = press_response(cmap, "y", samples=700, seed=9)
    rises, stable = np.zeros(3), 0
    for batch in sample_weight_matrices(cmap, 700, seed=9):
        for w in batch:
            community = w - np.eye(3)
            if np.linalg.eigvals(community).real.max() < 0:
                stable += 1
                rises += -np.linalg.inv(community)[1] > 0
    assert result.stable == stable
    assert [r["rises"] for r in result.variables] == pytest.approx([rises[0] / stable, rises[2] / stable])
    assert result.unknown_links == 1


def test_unknown_polarity_gets_a_random_sign_each_sample():
    result = press_response(make_map([("x", "y", "?")]), "y", samples=4000, seed=5)
    assert result.variables[0]["rises"] == pytest.approx(0.5, abs=0.03)
    assert result.variables[0]["rises"] + result.variables[0]["falls"] == pytest.approx(1)


def test_same_seed_same_result_other_seed_other_result():
    cmap = make_map([("x", "y", "+"), ("x", "z", "+"), ("z", "y", "-")])
    first, again = press_response(cmap, "y", 500, seed=4), press_response(cmap, "y", 500, seed=4)
    assert first == again
    assert press_response(cmap, "y", 500, seed=5).variables != first.variables


def test_variables_without_a_path_and_the_default_outcome():
    cmap = make_map([("x", "y", "+"), ("y", "w", "+")], variables=["lone"], outcome=["y"])
    result = press_response(cmap, samples=50, seed=1)
    assert result.outcome == "y"
    assert {r["id"]: r["direction"] for r in result.variables} == {"lone": "no path", "x": "up", "w": "no path"}


def test_bad_outcomes_are_clear_errors():
    cmap = make_map([("x", "y", "+")])
    with pytest.raises(GmbError, match="outcome 'x' has no causes"):
        press_response(cmap, "x", samples=10)
    with pytest.raises(GmbError, match="the map has no outcome"):
        press_response(cmap, samples=10)
    with pytest.raises(UnknownVariableError, match="outcome: unknown variable 'yy'"):
        press_response(cmap, "yy", samples=10)
    with pytest.raises(GmbError, match="at least 1"):
        press_response(cmap, "y", samples=0)
