"""Centrality: hand-computed measures on a path and a loop, agreement with networkx, map summary."""

from __future__ import annotations

import networkx as nx
import pytest
from analysis_maps import make_map, random_map

from gmb.analysis.centrality import MEASURES, centrality_table, map_summary
from gmb.analysis.loops import count_loops, find_loops


def by_id(table):
    return {row["id"]: row for row in table}


def test_a_path_of_four_by_hand():
    cmap = make_map([("a", "b", "+"), ("b", "c", "-"), ("c", "d", "+")])
    rows = by_id(centrality_table(cmap))
    # b lies on the shortest chains a→c and a→d, c on a→d and b→d: 2 of (4-1)(4-2) = 6 ordered pairs
    assert [rows[v]["betweenness"] for v in "abcd"] == pytest.approx([0, 1 / 3, 1 / 3, 0])
    # outward closeness: a reaches 3 at distances 1+2+3; b reaches 2 at 1+2; c reaches 1 at 1
    assert [rows[v]["closeness"] for v in "abcd"] == pytest.approx([3 / 6 * 3 / 3, 2 / 3 * 2 / 3, 1 / 1 * 1 / 3, 0])
    assert [rows[v]["reach"] for v in "abcd"] == [3, 2, 1, 0]
    assert [(rows[v]["in_degree"], rows[v]["out_degree"], rows[v]["degree"]) for v in "abcd"] == \
        [(0, 1, 1), (1, 1, 2), (1, 1, 2), (1, 0, 1)]
    assert [rows[v]["loops"] for v in "abcd"] == [0, 0, 0, 0]
    assert rows["b"]["label"] == "B"
    summary = map_summary(cmap)
    assert summary["density"] == pytest.approx(3 / 12)
    assert summary["average_path_length"] == pytest.approx((1 + 2 + 3 + 1 + 2 + 1) / 6)
    assert (summary["variables_count"], summary["links_count"]) == (4, 3)
    assert summary["loops"] == {"R": 0, "B": 0, "?": 0} and summary["loops_complete"]


def test_loop_counts_per_variable_and_in_the_summary():
    # a 3-loop a→b→c→a (one -, so B) and a 2-loop b↔d (R), plus a tail c→e
    cmap = make_map([("a", "b", "+"), ("b", "c", "-"), ("c", "a", "+"), ("b", "d", "+"), ("d", "b", "+"),
                     ("c", "e", "+")])
    rows = by_id(centrality_table(cmap))
    assert {v: rows[v]["loops"] for v in "abcde"} == {"a": 1, "b": 2, "c": 1, "d": 1, "e": 0}
    assert rows["e"]["reach"] == 0 and rows["a"]["reach"] == 4
    summary = map_summary(cmap)
    assert summary["loops"] == {"R": 1, "B": 1, "?": 0} and summary["loops_total"] == 2


def test_measures_agree_with_networkx_on_a_random_map():
    cmap = random_map(40, 100, seed=7)
    graph = cmap.graph
    table = centrality_table(cmap, find_loops(cmap, max_length=6))
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    closeness = nx.closeness_centrality(graph.reverse())
    for row in table:
        v = row["id"]
        assert row["betweenness"] == pytest.approx(betweenness[v])
        assert row["closeness"] == pytest.approx(closeness[v])
        assert row["reach"] == len(nx.descendants(graph, v))
        assert row["degree"] == graph.degree(v)
    assert [row["id"] for row in table] == cmap.variables
    assert set(table[0]) == {"id", "label"} | set(MEASURES)
    summary = map_summary(cmap)
    pairs = [d for v, reached in nx.all_pairs_shortest_path_length(graph) for u, d in reached.items() if u != v]
    assert summary["average_path_length"] == pytest.approx(sum(pairs) / len(pairs))
    assert summary["density"] == pytest.approx(nx.density(graph))


def test_counts_or_listing_give_the_same_loop_column_and_a_cut_is_reported():
    cmap = random_map(30, 80, seed=3)
    counts = count_loops(cmap, limit=40)
    assert [r["loops"] for r in centrality_table(cmap, counts)] == \
        [r["loops"] for r in centrality_table(cmap, find_loops(cmap, limit=40))]
    summary = map_summary(cmap, counts)
    assert not summary["loops_complete"] and summary["loops_reason"].startswith("cut at the limit of 40 loops")
    assert summary["loops_total"] == 40


def test_a_single_variable_and_an_empty_map():
    cmap = make_map([], variables=["alone"])
    assert centrality_table(cmap)[0] | {"label": None} == {
        "id": "alone", "label": None, "in_degree": 0, "out_degree": 0, "degree": 0, "betweenness": 0.0,
        "closeness": 0.0, "reach": 0, "loops": 0}
    assert map_summary(cmap)["average_path_length"] is None
    assert map_summary(make_map([]))["variables_count"] == 0
