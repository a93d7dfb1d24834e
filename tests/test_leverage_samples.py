"""Issue 13 items 2, 3 and 5: every leverage sample checked (stable, at rest), the wider default
uncertainty, stocks that start at rest, the press column from the linearisation, and the warnings
instead of a table of ties."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from click.testing import CliRunner

import gmb.leverage.checks as checks_module
import gmb.leverage.ranking as ranking_module
from gmb.cli import main
from gmb.errors import GmbError
from gmb.leverage.checks import SampleChecker
from gmb.leverage.ranking import leverage, prepare
from gmb.leverage.uncertainty import MISJUDGE_PROBABILITY, SCALE_RANGE, MapUncertainty
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import save_map
from gmb.sd.spec import build_spec
from gmb.sd.stability import STABLE, comparison_certified, lyapunov_certified, spectral_blocks, unstable_samples


def loop_map(strength=1.2) -> CausalMap:
    """``a`` and ``b`` in a reinforcing loop of gain ``strength`` × w(b → a), w medium: unstable when
    the drawn w exceeds 1 / strength; ``c`` pushes ``b``, which is the outcome."""
    cmap = CausalMap.new("loop", ["en"])
    for var in ("a", "b", "c"):
        cmap.add_variable(var, var.upper(), adjust_time=4)
    cmap.add_link("a", "b", "+", strength=strength)
    cmap.add_link("b", "a", "+", strength="medium")
    cmap.add_link("c", "b", "+", strength="weak")
    cmap.set_outcome(["b"])
    return cmap


def stock_map() -> CausalMap:
    """A stock whose medium inflow (from ``births``) and medium outflow (from ``deaths``) balance for
    the map's numbers; it drives ``mood``."""
    cmap = CausalMap.new("stock", ["en"])
    for var in ("births", "deaths", "mood"):
        cmap.add_variable(var, var.title(), adjust_time=3)
    cmap.add_variable("people", "People", kind="stock", initial=10)
    cmap.add_link("births", "people", "+", flow="inflow", strength="medium")
    cmap.add_link("deaths", "people", "-", flow="outflow", strength="medium")
    cmap.add_link("people", "mood", "+", strength="weak")
    cmap.set_outcome(["mood"])
    return cmap


# -- the wider default uncertainty -------------------------------------------------------------------------
def test_classes_are_misjudged_and_their_numbers_scaled_by_default():
    cmap = loop_map()
    draws = MapUncertainty(cmap, build_spec(cmap, unknown_links="include")).draw(seed=3, start=0, stop=4000)
    medium = draws.settings["w_b_to_a"]                     # medium: 0.375–0.625; weak 0.125–0.375; strong 0.625–0.875
    factor_low, factor_high = SCALE_RANGE
    assert medium.min() >= 0.125 * factor_low and medium.max() <= 0.875 * factor_high
    assert 0.9 * 2 * MISJUDGE_PROBABILITY < ((medium < 0.375 * factor_low) | (medium > 0.625 * factor_high)).mean() \
        or medium.std() > 0.15                            # wider than the class alone (std of U(0.375, 0.625) ≈ 0.07)
    assert (draws.settings["w_a_to_b"] == 1.2).all()      # a number: held fixed, not scaled
    notes = " ".join(MapUncertainty(cmap, build_spec(cmap)).notes())
    assert "misjudged" in notes and "×0.5" in notes and "×1.5" in notes and "disputed structure" in notes


def test_structure_is_drawn_by_default_and_can_be_switched_off():
    cmap = loop_map()
    cmap.add_link("c", "a", "?", strength="strong")
    spec = build_spec(cmap, unknown_links="include")
    drawn = MapUncertainty(cmap, spec).draw(seed=1, start=0, stop=300).settings["w_c_to_a"]
    assert 0.35 < (drawn > 0).mean() < 0.65
    assert (MapUncertainty(cmap, spec, structure=False).draw(seed=1, start=0, stop=300).settings["w_c_to_a"] == 0).all()
    assert prepare(cmap).uncertainty.structure and not prepare(cmap, structure=False).uncertainty.structure


def test_a_stock_whose_flows_balance_starts_at_rest_in_every_sample():
    cmap = stock_map()
    spec = build_spec(cmap, unknown_links="include")
    model = MapUncertainty(cmap, spec)
    draws = model.draw(seed=2, start=0, stop=300)
    inflow, outflow = draws.settings["w_births_to_people"], draws.settings["w_deaths_to_people"]
    assert inflow.std() > 0.05                                 # still drawn
    assert np.allclose(inflow, outflow, rtol=1e-12, atol=0)   # births and deaths start at 1: equal weights
    assert not SampleChecker(spec).check(draws.settings, draws.adjust_times).restless.any()
    # drawn independently, as before, the stock would drift in almost every sample — and be caught
    model.balanced = []
    loose = model.draw(seed=2, start=0, stop=300)
    assert SampleChecker(spec).check(loose.settings, loose.adjust_times).restless.mean() > 0.9


def test_a_stock_not_at_rest_in_the_map_itself_is_a_warning_not_an_exclusion(tmp_path):
    cmap = stock_map()
    cmap.remove_link("deaths", "people")
    result = leverage(cmap, samples=20, seed=1, horizon=12, workers=1)
    assert result.not_at_rest == 0 and result.excluded == 0
    assert any("not at rest: people" in w for w in result.warnings)


# -- stability of each sample -------------------------------------------------------------------------------
def random_stack(seed: int, size: int = 600, n: int = 14) -> np.ndarray:
    """Sparse random matrices with negative diagonals, signed links (balancing pairs and loops
    included) and a fixed pattern that splits into blocks; a third are shifted so that their largest
    growth rate lies within ±1e-9 of STABLE (borderline), a third are scaled to be far from it."""
    rng = np.random.default_rng(seed)
    pattern = (rng.random((n, n)) < 0.25) & ~np.eye(n, dtype=bool)
    pattern[:n // 2, n // 2:] = False                            # two blocks at least: upstream, downstream
    a = rng.normal(0, 0.6, (size, n, n)) * pattern * (rng.random((size, n, n)) < 0.9)
    a[:, np.arange(n), np.arange(n)] = -rng.uniform(0.1, 2.0, (size, n))
    growth = np.linalg.eigvals(a).real.max(axis=-1)
    border = np.arange(size) % 3 == 0
    shift = growth[border] - STABLE + rng.choice([-1e-9, 1e-9], border.sum())
    a[border] -= shift[:, None, None] * np.eye(n)
    a[np.arange(size) % 3 == 1] *= rng.uniform(0.2, 3.0, ((np.arange(size) % 3 == 1).sum(), 1, 1))
    return a


@pytest.mark.parametrize("seed", range(4))
def test_the_fast_verdicts_are_those_of_the_eigenvalues_borderline_included(seed):
    a = random_stack(seed)
    plain = np.linalg.eigvals(a).real.max(axis=-1) > STABLE
    assert 0.2 < plain.mean() < 0.8
    blocks = spectral_blocks(a)
    assert len(blocks) > 1
    assert np.array_equal(unstable_samples(a, blocks), plain)
    assert np.array_equal(np.concatenate([unstable_samples(part, blocks) for part in np.array_split(a, 7)]), plain)
    for rows in (rows for rows in blocks if len(rows) > 1):           # the sufficient tests, block by block
        block = a[:, rows[:, None], rows]
        stable = np.linalg.eigvals(block).real.max(axis=-1) <= 0
        compared, lyapunov = comparison_certified(block), lyapunov_certified(block)
        assert not (compared & ~stable).any() and not (lyapunov & ~stable).any()
        assert (compared & ~lyapunov).sum() <= 0.02 * len(a)        # the Lyapunov test covers the comparison test
    both = np.concatenate([comparison_certified(a[:, rows[:, None], rows]) for rows in blocks if len(rows) > 1])
    assert both.any()


def test_a_balancing_pair_is_cleared_by_the_lyapunov_test_not_the_comparison_matrix():
    a = np.array([[[-0.25, 2.0], [-1.0, -0.5]]])                      # |gain| 16 around the loop, but balancing
    assert not comparison_certified(a)[0] and lyapunov_certified(a)[0]
    assert not lyapunov_certified(-a)[0] and unstable_samples(-a, spectral_blocks(a))[0]


def test_a_sample_is_checked_the_same_alone_or_in_a_stack():
    cmap = loop_map()
    spec = build_spec(cmap, unknown_links="include")
    draws = MapUncertainty(cmap, spec).draw(seed=4, start=0, stop=90)
    whole = SampleChecker(spec).check(draws.settings, draws.adjust_times)
    alone = [SampleChecker(spec).check({k: v[i:i + 1] for k, v in draws.settings.items()},
                                       {k: v[i:i + 1] for k, v in draws.adjust_times.items()}) for i in range(90)]
    assert np.array_equal(whole.unstable, np.concatenate([c.unstable for c in alone])) and whole.unstable.any()


def test_unstable_samples_are_counted_reported_and_left_out():
    result = leverage(loop_map(), samples=200, seed=5, horizon=24, workers=1)
    draws = prepare(loop_map()).uncertainty.draw(5, 0, 200)
    expected = draws.settings["w_b_to_a"] * 1.2 > 1                 # loop gain above 1
    assert 0 < expected.sum() < 200
    assert result.unstable == expected.sum() and result.excluded == expected.sum()
    assert result.effects.final.shape[0] == 200 - expected.sum()
    assert any(f"{expected.sum()} of 200 samples unstable" in w for w in result.warnings)
    kept = leverage(loop_map(), samples=200, seed=5, horizon=24, workers=1, exclude=False)
    assert kept.effects.final.shape[0] == 200 and kept.unstable == expected.sum()


def test_every_sample_unstable_is_a_one_line_error(tmp_path):
    with pytest.raises(GmbError, match="all 30 samples are unstable"):
        leverage(loop_map(strength=20.0), samples=30, seed=1, horizon=12, workers=1)
    save_map(loop_map(strength=20.0), tmp_path / "map.yaml")
    result = CliRunner().invoke(main, ["leverage", str(tmp_path / "map.yaml"), "--samples", "30", "--seed", "1"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1 and "unstable" in result.stderr


def test_checks_and_effects_are_the_same_however_the_samples_are_run(monkeypatch):
    first = leverage(loop_map(), samples=60, seed=8, horizon=12, workers=1)
    pooled = leverage(loop_map(), samples=60, seed=8, horizon=12, workers=2)
    monkeypatch.setattr(ranking_module, "RUNS_PER_CHUNK", 7)
    monkeypatch.setattr(ranking_module, "CHECK_CHUNK", 7)
    monkeypatch.setattr(checks_module, "CHECK_CHUNK", 7)
    small = leverage(loop_map(), samples=60, seed=8, horizon=12, workers=1)
    for other in (pooled, small):
        assert np.array_equal(first.effects.final, other.effects.final)
        assert (first.unstable, first.excluded) == (other.unstable, other.excluded)
    assert first.unstable > 0


# -- press column ------------------------------------------------------------------------------------------
def test_press_is_the_long_run_change_in_absolute_units():
    result = leverage(loop_map(strength=0.5), samples=20, seed=1, horizon=240, workers=1)
    press = dict(zip([c.id for c in result.candidates], result.press))
    # c → b weak (0.25): b's long-run change is 0.1 × 0.25 / (1 − 0.5 × 0.5)
    assert press["c"] == pytest.approx(0.1 * 0.25 / (1 - 0.25))
    assert result.press_note == ""


def test_an_unstable_map_has_no_press_values_and_says_why():
    cmap = loop_map(strength=2.5)                         # unstable for the map's own medium (0.5 × 2.5 > 1)
    cmap.set_link("b", "a", {"strength": "weak"})         # …but stable for some draws
    cmap.set_link("b", "a", {"strength": 0.5})
    result = leverage(cmap, samples=5, seed=1, horizon=12, workers=1, exclude=False)
    assert result.press == [None] * len(result.candidates) and "unstable" in result.press_note
    assert any(note.startswith("press rank —") for note in result.notes)


# -- nothing to rank ---------------------------------------------------------------------------------------
def test_a_map_of_only_unknown_links_warns_instead_of_a_table(tmp_path):
    cmap = CausalMap.new("unknown", ["en"])
    for var in ("a", "b", "c"):
        cmap.add_variable(var, var.upper(), adjust_time=2)
    cmap.add_link("a", "c", "?")
    cmap.add_link("b", "c", "?")
    cmap.set_outcome(["c"])
    result = leverage(cmap, samples=20, seed=1, horizon=12, workers=1, structure=False)
    assert set(result.flags) == {"all_unknown", "all_tied"}
    save_map(cmap, tmp_path / "map.yaml")
    shown = CliRunner().invoke(main, ["leverage", str(tmp_path / "map.yaml"), "--samples", "20", "--seed", "1"])
    assert shown.exit_code == 0 and "polarity ?" in shown.stderr and "P(top 3)" not in shown.stdout
    report = json.loads(CliRunner().invoke(main, ["leverage", str(tmp_path / "map.yaml"), "--samples", "20",
                                                  "--seed", "1", "--json"]).stdout)
    assert "all_unknown" in report["flags"] and report["checks"]["excluded"] == 0


@pytest.mark.parametrize("samples", ["0", "-5"])
def test_no_samples_is_a_one_line_error(tmp_path, samples):
    save_map(loop_map(strength=0.5), tmp_path / "map.yaml")
    result = CliRunner().invoke(main, ["leverage", str(tmp_path / "map.yaml"), "--samples", samples])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "--samples" in result.stderr and "Traceback" not in result.output


def test_the_counts_are_in_the_printed_json_and_the_json_file(tmp_path):
    save_map(loop_map(), tmp_path / "map.yaml")
    result = CliRunner().invoke(main, ["leverage", str(tmp_path / "map.yaml"), "--samples", "100", "--seed", "5",
                                       "--horizon", "12", "--workers", "1", "--json", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["checks"]["unstable"] > 0 and report["checks"]["used"] == 100 - report["checks"]["excluded"]
    candidate = json.loads((tmp_path / "out" / "leverage.json").read_text(encoding="utf-8"))["candidates"][0]
    assert candidate["samples_used"] == report["checks"]["used"]
    assert candidate["samples_excluded"] == report["checks"]["excluded"]


BLAS_CHECK = """
import json, threading
from threadpoolctl import threadpool_info
import gmb.sd.stability as stability_module
from gmb.leverage.checks import SampleChecker
from gmb.leverage.uncertainty import MapUncertainty
from gmb.sd.spec import build_spec
from tests.test_leverage_samples import loop_map

def blas_threads():
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

before = blas_threads()
spec = build_spec(loop_map(), unknown_links="include")
draws = MapUncertainty(loop_map(), spec).draw(seed=1, start=0, stop=50)
seen, original = [], stability_module.unstable_samples
def spying(*args, **kwargs):
    seen.append(blas_threads())
    return original(*args, **kwargs)
stability_module.unstable_samples = spying
after = []
for _ in range(60):  # rounds: the thread that restores the limits is often not the one that set them
    threads = [threading.Thread(target=SampleChecker(spec).check, args=(draws.settings, draws.adjust_times))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after.append(blas_threads())
print(json.dumps({"before": before, "seen": seen, "after": after}))
"""


def test_checks_run_blas_on_one_thread_and_give_the_threads_back():
    """In a gmb process (a fresh interpreter: other tests' worker pools leave a process's BLAS state of
    their own), the stability check limits BLAS to one thread while it runs, also when Dask threads check
    at the same time, and the process's own limits come back afterwards."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", BLAS_CHECK], capture_output=True, text=True, cwd=root, timeout=300,
                          env={**os.environ, "OPENBLAS_NUM_THREADS": "2"})
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["before"] and all(n == 2 for n in found["before"])  # the limit has something to do
    # 240 checks, each of two blocks (c; a and b): every eigenvalue test ran on one BLAS thread
    assert len(found["seen"]) == 480 and all(all(n == 1 for n in during) for during in found["seen"])
    assert found["after"] == [found["before"]] * 60