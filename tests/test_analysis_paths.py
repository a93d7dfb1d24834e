"""Pathways: net signs and verdicts by hand, agreement with networkx, cuts and bad input."""

from __future__ import annotations

import networkx as nx
import pytest
from analysis_maps import make_map, random_map

from gmb.analysis.paths import pathways
from gmb.errors import GmbError, UnknownVariableError

DIAMOND = [("idea", "a", "+"), ("a", "goal", "+"), ("idea", "b", "+"), ("b", "goal", "-")]


def test_diamond_with_opposite_paths_is_ambiguous():
    result = pathways(make_map(DIAMOND), "idea", "goal")
    assert [(p.variables, p.sign, p.length) for p in result.paths] == [
        (("idea", "a", "goal"), "+", 2), (("idea", "b", "goal"), "-", 2)]
    assert result.by_sign() == {"+": 1, "-": 1, "?": 0}
    assert result.verdict == "ambiguous" and result.complete


@pytest.mark.parametrize("links, verdict", [
    ([("x", "m", "-"), ("m", "y", "-"), ("x", "y", "+")], "+"),
    ([("x", "m", "-"), ("m", "y", "+"), ("x", "y", "-")], "-"),
    ([("x", "m", "?"), ("m", "y", "+"), ("x", "y", "+")], "?"),
    ([("x", "m", "?"), ("m", "y", "+"), ("x", "y", "+"), ("x", "n", "-"), ("n", "y", "+")], "ambiguous"),
    ([("y", "x", "+")], "none"),
], ids=["agree-up", "agree-down", "unknown-link", "ambiguous-despite-unknown", "no-path"])
def test_verdicts(links, verdict):
    assert pathways(make_map(links), "x", "y").verdict == verdict


def test_paths_agree_with_networkx_all_simple_paths():
    cmap = random_map(25, 60, seed=11)
    source, target = "v000", "v007"
    for cutoff in (None, 4):
        result = pathways(cmap, source, target, max_length=cutoff)
        expected = sorted((tuple(p) for p in nx.all_simple_paths(cmap.graph, source, target, cutoff=cutoff)),
                          key=lambda p: (len(p), p))
        assert [p.variables for p in result.paths] == expected
        for p in result.paths:
            signs = [cmap.graph.edges[u, v]["polarity"] for u, v in p.links()]
            assert p.sign == ("?" if "?" in signs else "-" if signs.count("-") % 2 else "+")


def test_limit_and_max_length_cuts_are_reported():
    cmap = random_map(25, 60, seed=11)
    full = pathways(cmap, "v000", "v007")
    cut = pathways(cmap, "v000", "v007", limit=5)
    assert len(cut.paths) == 5 and set(cut.paths) <= set(full.paths) and not cut.complete
    longest = max(p.length for p in cut.paths)
    assert [p for p in full.paths if p.length < longest] == [p for p in cut.paths if p.length < longest]
    assert cut.reason.startswith("cut at the limit of 5 paths: all paths of up to")
    short = pathways(cmap, "v000", "v007", max_length=3)
    assert not short.complete and short.reason == "only paths of up to 3 links were looked for, and longer ones exist"
    chain = make_map([("a", "b", "+"), ("b", "c", "+")])
    assert pathways(chain, "a", "c", max_length=2).complete


def test_bad_input_is_a_clear_error():
    cmap = make_map(DIAMOND)
    with pytest.raises(GmbError, match="same variable"):
        pathways(cmap, "goal", "GOAL")
    with pytest.raises(UnknownVariableError, match="to: unknown variable 'gaol'; did you mean 'goal'"):
        pathways(cmap, "idea", "gaol")
    with pytest.raises(GmbError, match="at least 1"):
        pathways(cmap, "idea", "goal", limit=0)
