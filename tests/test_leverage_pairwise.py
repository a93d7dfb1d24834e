"""The pairwise table: P(A has more effect than B) over the same samples, in the library, the files and ``gmb leverage``."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.errors import GmbError
from gmb.leverage.pairwise import beats, pairwise
from gmb.leverage.ranking import leverage
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import save_map


def _two_actions(a_strength, b_strength, lang="en") -> CausalMap:
    """Two actions acting on the outcome directly; a numeric strength is held fixed by the Monte Carlo."""
    cmap = CausalMap.new("pairs", [lang])
    cmap.add_variable("a", "Alpha", kind="action")
    cmap.add_variable("b", "Beta", kind="action")
    cmap.add_variable("mood", "Mood", adjust_time=3)
    cmap.add_link("a", "mood", "+", strength=a_strength)
    cmap.add_link("b", "mood", "-", strength=b_strength)
    return cmap


def test_fixed_effects_give_certainty_even_when_the_shared_adjust_time_varies():
    result = leverage(_two_actions(0.6, 0.2), "mood", samples=200, seed=4, horizon=6, workers=1)
    effects = result.effects.final
    assert np.ptp(effects[:, 0]) > 0  # the outcome's drawn τ moves both effects from sample to sample ...
    table = pairwise(result)
    assert table.ids == ["a", "b"] and table.directions == ["increase", "decrease"]
    assert table.more.tolist() == [[0.0, 1.0], [0.0, 0.0]]  # ... but in every sample a beats b (b pushed down)
    assert table.ties[0, 1] == 0.0 and table.samples == 200


def test_identical_judgements_are_symmetric_and_the_shares_add_up_to_one():
    result = leverage(_two_actions("medium", "medium"), "mood", samples=400, seed=2, horizon=6, workers=1)
    table = pairwise(result)
    oriented = result.effects.final * np.array([1.0, -1.0])
    assert table.more[0, 1] == np.mean(oriented[:, 0] > oriented[:, 1])
    assert table.more[0, 1] + table.more[1, 0] + table.ties[0, 1] == pytest.approx(1.0)
    assert 0.4 < table.more[0, 1] < 0.6  # exchangeable: neither should win most samples

    same = pairwise(leverage(_two_actions(0.3, 0.3), "mood", samples=50, seed=2, horizon=6, workers=1))
    assert same.ties[0, 1] == 1.0 and same.more[0, 1] == same.more[1, 0] == 0.0


def test_beats_matches_counting_sample_by_sample():
    effects = np.random.default_rng(3).integers(0, 4, size=(60, 4)).astype(float)
    more, ties = beats(effects)
    for a in range(4):
        for b in range(4):
            if a != b:
                assert more[a, b] == sum(row[a] > row[b] for row in effects) / 60
                assert ties[a, b] == sum(row[a] == row[b] for row in effects) / 60


def test_unknown_candidates_and_empty_samples_are_refused():
    result = leverage(_two_actions(0.6, 0.2), "mood", samples=5, seed=1, horizon=6, workers=1)
    with pytest.raises(GmbError, match="no candidate 'zz'"):
        pairwise(result, ids=["a", "zz"])
    with pytest.raises(GmbError, match="at least one sample"):
        beats(np.empty((0, 2)))


def test_gmb_leverage_prints_the_table_and_writes_it_in_full(tmp_path):
    save_map(_two_actions(0.6, "medium", lang="da"), tmp_path / "map.yaml")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["leverage", str(tmp_path / "map.yaml"), "--outcome", "mood", "--samples", "300",
                                       "--seed", "5", "--horizon", "6", "--workers", "1", "--no-sensitivity", "-o",
                                       str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    head = next(n for n, line in enumerate(lines) if line.startswith("Hvor ofte har tiltaget i rækken"))
    assert lines[head + 1].split() == ["1", "2"]
    report = json.loads((out / "leverage.json").read_text(encoding="utf-8"))
    assert [(row["a"], row["b"]) for row in report["pairwise"]] == [("a", "b")]
    p = report["pairwise"][0]["p_a_more"]
    assert 0 < p < 1 and report["pairwise"][0]["p_b_more"] == pytest.approx(1 - p)
    shown = f"{100 * p:.2g}".replace(".", ",") + " %"
    assert lines[head + 2].split()[:2] == ["1", "Alpha"] and lines[head + 2].endswith(shown)
    rows = list(csv.DictReader((out / "pairwise.csv").read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert [(row["A-id"], row["A"], row["B-id"]) for row in rows] == [("a", "Alpha", "b")]
    assert rows[0]["P(A større)"] == shown                                  # as the printed table shows it
