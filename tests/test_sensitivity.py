"""Global sensitivity: which judgement moves the ranking (Morris, Sobol), reproducibly, and its printing."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.errors import GmbError
from gmb.leverage.ranking import leverage, prepare, variable_candidates
from gmb.leverage.sensitivity import factors, sensitivity, versions
from gmb.leverage.uncertainty import MapUncertainty
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import save_map


def _one_judgement_matters(lang="en") -> CausalMap:
    """Actions a and b reach the outcome; only b's path has a judged link (mid → mood). The state
    'noise' has a judged link too, but it is no action, so it cannot change the actions' order."""
    cmap = CausalMap.new("screen", [lang])
    cmap.add_variable("a", "Alpha", kind="action")
    cmap.add_variable("b", "Beta", kind="action")
    for var in ("mid", "noise", "mood"):
        cmap.add_variable(var, var.title(), adjust_time=2)
    cmap.add_link("a", "mood", "+", strength=0.5)
    cmap.add_link("b", "mid", "+", strength=1.0)
    cmap.add_link("mid", "mood", "+", strength="medium")
    cmap.add_link("noise", "mood", "+", strength="strong")
    cmap.set_outcome(["mood"])
    return cmap


def _screen(method="morris", seed=3, **options):
    cmap = _one_judgement_matters()
    result = leverage(cmap, "mood", samples=50, seed=1, horizon=60, workers=1)
    setup = prepare(cmap, "mood", horizon=60)
    setup.uncertainty = MapUncertainty(cmap, setup.spec, scale=(1.0, 1.0))  # no common scale factor either
    return sensitivity(setup, variable_candidates(setup), result, method, seed=seed, **options)


@pytest.mark.parametrize("method, main", [("morris", "mu_star"), ("sobol", "ST")])
def test_the_one_judgement_that_can_change_the_ranking_is_found(method, main):
    found = _screen(method)
    rows = found.rows()
    assert found.ids == ["a", "b"]
    assert rows[0]["factor"] == "strength:mid->mood" and rows[0][main] > 0.05
    assert {row["factor"] for row in rows} >= {"strength:noise->mood", "adjust_time:mid", "adjust_time:mood"}
    assert all(row[main] < 0.01 * rows[0][main] for row in rows[1:])


def test_the_same_seed_gives_the_same_numbers_and_another_seed_another_design():
    first, again, other = _screen(seed=7), _screen(seed=7), _screen(seed=8)
    for name in first.stats:
        assert np.array_equal(first.stats[name], again.stats[name])
    assert not np.array_equal(first.stats["mu_star"], other.stats["mu_star"])


def test_a_strength_factor_is_the_quantile_of_the_monte_carlo_strength():
    cmap = _one_judgement_matters()
    setup = prepare(cmap, "mood")
    found = factors(setup)
    column = [f.key for f in found].index("strength:mid->mood")
    low, high = setup.uncertainty.ranges["medium"]
    weak, strong = setup.uncertainty.ranges["weak"], setup.uncertainty.ranges["strong"]
    p = setup.uncertainty.misjudge
    x = np.full((5, len(found)), 0.5)
    x[:, column] = [0.0, p / 2, p + (1 - 2 * p) / 2, 1 - p / 2, 1.0]
    weights = versions(setup, found, x).settings["w_mid_to_mood"]
    assert weights.tolist() == pytest.approx([weak[0], (weak[0] + weak[1]) / 2, (low + high) / 2,
                                              (strong[0] + strong[1]) / 2, strong[1]])


def test_bad_settings_are_one_clear_error():
    with pytest.raises(GmbError, match="at least 2 trajectories"):
        _screen(trajectories=1)
    with pytest.raises(GmbError, match="power of 2"):
        _screen("sobol", base=100)
    with pytest.raises(GmbError, match="unknown sensitivity method"):
        _screen("fast")


def test_gmb_leverage_lists_the_judgements_worth_discussing(tmp_path):
    save_map(_one_judgement_matters(), tmp_path / "map.yaml")
    args = ["leverage", str(tmp_path / "map.yaml"), "--samples", "50", "--seed", "2", "--horizon", "60",
            "--workers", "1", "-o", str(tmp_path / "out")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    head = next(n for n, line in enumerate(lines) if line.startswith("The judgements worth discussing next"))
    assert "Morris screening" in lines[head]
    assert lines[head + 2].split()[:5] == ["1", "the", "strength", "of", "'Mid"]
    assert (tmp_path / "out" / "sensitivity.csv").exists()
    quiet = CliRunner().invoke(main, args[:-2] + ["--no-sensitivity"])
    assert quiet.exit_code == 0 and "worth discussing" not in quiet.output


@pytest.mark.parametrize("option", [["--samples", "0"], ["--seed", "-1"], ["--horizon", "0"]])
def test_bad_input_is_one_line_and_exit_2(tmp_path, option):
    save_map(_one_judgement_matters(), tmp_path / "map.yaml")
    result = CliRunner().invoke(main, ["leverage", str(tmp_path / "map.yaml"), *option])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert option[0] in result.output
