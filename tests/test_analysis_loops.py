"""Feedback loops: polarity rule, hand-counted loops, agreement with networkx, cuts, stable ids, naming."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import networkx as nx
import pytest
from analysis_maps import make_map, random_map

from gmb.analysis.loops import count_loops, find_loop, find_loops, loop_id, name_loop, tell_loop
from gmb.errors import GmbError, MapFileError, UnknownVariableError
from gmb.maps.store import edit_map, load_map, save_map


def canonical(cycle):
    start = cycle.index(min(cycle))
    return tuple(cycle[start:] + cycle[:start])


def by_hand_polarity(cmap, cycle):
    signs = [cmap.graph.edges[u, v]["polarity"] for u, v in zip(cycle, cycle[1:] + cycle[:1])]
    if "?" in signs:
        return "?"
    return "B" if signs.count("-") % 2 else "R"


@pytest.mark.parametrize("signs, polarity", [
    ("+++", "R"), ("-++", "B"), ("--+", "R"), ("---", "B"), ("+?-", "?"),
], ids=["no-negative", "one-negative", "two-negatives", "three-negatives", "unknown"])
def test_three_cycle_polarity_follows_the_count_of_negative_links(signs, polarity):
    cmap = make_map([("b", "c", signs[0]), ("c", "a", signs[1]), ("a", "b", signs[2])])
    [loop] = find_loops(cmap).loops
    assert loop.polarity == polarity
    assert loop.variables == ("a", "b", "c")  # canonical rotation: starts at the smallest id
    assert loop.length == 3
    assert loop.links() == [("a", "b"), ("b", "c"), ("c", "a")]


def test_figure_eight_has_two_loops_sharing_one_variable():
    cmap = make_map([("hub", "x1", "+"), ("x1", "x2", "-"), ("x2", "hub", "+"),
                     ("hub", "y", "-"), ("y", "hub", "-")])
    listing = find_loops(cmap)
    assert [(loop.variables, loop.polarity) for loop in listing.loops] == [
        (("hub", "y"), "R"), (("hub", "x1", "x2"), "B")]
    assert listing.complete and listing.reason is None
    assert listing.by_polarity() == {"R": 1, "B": 1, "?": 0}
    assert listing.by_length() == {2: 1, 3: 1}
    assert listing.most_looped(2) == [("hub", 2), ("x1", 1)]
    assert listing.loops_per_variable() == {"hub": 2, "y": 1, "x1": 1, "x2": 1}


def test_a_map_without_loops_gives_an_empty_complete_listing():
    listing = find_loops(make_map([("a", "b", "+"), ("b", "c", "-"), ("a", "c", "+")]))
    assert listing.loops == [] and listing.complete
    assert listing.by_polarity() == {"R": 0, "B": 0, "?": 0}


@pytest.mark.parametrize("seed, max_length", [(1, None), (2, None), (3, 4), (4, 6)])
def test_loops_agree_with_networkx_simple_cycles(seed, max_length):
    cmap = random_map(25, 55, seed)
    listing = find_loops(cmap, max_length=max_length)
    expected = {canonical(c) for c in nx.simple_cycles(cmap.graph, length_bound=max_length)}
    assert [loop.variables for loop in listing.loops] == sorted(expected, key=lambda c: (len(c), c))
    assert all(loop.polarity == by_hand_polarity(cmap, list(loop.variables)) for loop in listing.loops)
    assert len({loop.id for loop in listing.loops}) == len(expected)


def test_through_keeps_exactly_the_loops_through_that_variable():
    cmap = random_map(30, 70, seed=5)
    everything = find_loops(cmap, max_length=7).loops
    hub = max(cmap.variables, key=lambda v: sum(v in loop.variables for loop in everything))
    assert find_loops(cmap, through=hub, max_length=7).loops == [l for l in everything if hub in l.variables]
    assert find_loops(cmap, through=cmap.label(hub).upper(), max_length=7).loops  # a label works too
    with pytest.raises(UnknownVariableError, match="--through: unknown variable 'nowhere'"):
        find_loops(cmap, through="nowhere")


def complete_digraph_map(n):
    names = [f"n{i}" for i in range(n)]
    return make_map([(u, v, "+") for u in names for v in names if u != v])


def test_limit_keeps_the_shortest_loops_and_says_where_it_cut():
    cmap = complete_digraph_map(6)  # 15 loops of 2, 40 of 3, 90 of 4, ...
    listing = find_loops(cmap, limit=30)
    assert len(listing.loops) == 30 and not listing.complete
    assert listing.by_length() == {2: 15, 3: 15}
    assert listing.reason == ("cut at the limit of 30 loops: all loops of up to 2 variables, "
                              "and 15 of the loops of 3 variables")
    assert [loop.length for loop in listing.loops] == sorted(loop.length for loop in listing.loops)
    everything = find_loops(cmap)
    assert find_loops(cmap, limit=len(everything.loops)).loops == everything.loops
    assert find_loops(cmap, limit=len(everything.loops)).complete


def test_max_length_says_whether_longer_loops_exist():
    ring = make_map([("a", "b", "+"), ("b", "c", "+"), ("c", "d", "+"), ("d", "a", "+")])
    cut = find_loops(ring, max_length=3)
    assert cut.loops == [] and not cut.complete
    assert cut.reason == "only loops of up to 3 variables were looked for, and the map has longer ones"
    pairs = make_map([("a", "b", "+"), ("b", "a", "-"), ("b", "c", "+"), ("c", "b", "+")])
    assert find_loops(pairs, max_length=2).complete  # the 3-variable component has no 3-loop
    assert find_loops(ring, max_length=4).complete


def test_bad_bounds_are_one_line_errors():
    cmap = make_map([("a", "b", "+"), ("b", "a", "+")])
    with pytest.raises(GmbError, match="at least 1"):
        find_loops(cmap, limit=0)
    with pytest.raises(GmbError, match="at least 1"):
        find_loops(cmap, max_length=0)


def test_counting_agrees_with_the_listing_and_keeps_no_list():
    cmap = complete_digraph_map(7)  # 2,365 loops
    listing = find_loops(cmap)
    counts = count_loops(cmap)
    assert counts.total == len(listing.loops) == 21 + 70 + 210 + 504 + 840 + 720
    assert counts.by_polarity() == listing.by_polarity() == {"R": counts.total, "B": 0, "?": 0}
    assert counts.by_length() == listing.by_length()
    assert counts.loops_per_variable() == listing.loops_per_variable()
    tracemalloc.start()
    count_loops(cmap)
    counting_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    find_loops(cmap)
    listing_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert counting_peak * 5 < listing_peak


def test_progress_is_reported_in_each_phase_of_a_cut_search():
    calls = []
    listing = find_loops(complete_digraph_map(7), limit=1500, progress=lambda *args: calls.append(args))
    assert len(listing.loops) == 1500
    assert calls[0] == (1000, False) and (1000, True) in calls
    assert all(found % 1000 == 0 for found, _ in calls)


def test_limited_counts_match_the_limited_listing():
    cmap = complete_digraph_map(6)
    counts, listing = count_loops(cmap, limit=50), find_loops(cmap, limit=50)
    assert counts.total == 50 and counts.by_length() == listing.by_length()
    assert (counts.complete, counts.reason) == (listing.complete, listing.reason)


def test_loop_id_is_the_same_for_every_rotation_and_differs_by_direction():
    assert loop_id(["a", "b", "c"]) == loop_id(["b", "c", "a"]) == loop_id(["c", "a", "b"])
    assert loop_id(["a", "b", "c"]) != loop_id(["a", "c", "b"])
    assert loop_id(["a", "b", "c"]).startswith("L3-")


def test_loop_ids_survive_unrelated_edits():
    cmap = make_map([("a", "b", "+"), ("b", "c", "-"), ("c", "a", "+"), ("c", "d", "+")])
    [before] = find_loops(cmap).loops
    cmap.add_variable("e", "E")
    cmap.add_link("d", "e", "+")
    cmap.add_link("e", "d", "-")
    cmap.set_variable("a", {"label.en": "A new label"})
    cmap.set_link("a", "b", {"strength": "strong"})
    assert before in find_loops(cmap).loops


def test_a_loop_name_is_stored_in_the_map_and_stays_after_edits(tmp_path: Path):
    path = tmp_path / "map.yaml"
    save_map(make_map([("sleep", "screens", "-"), ("screens", "sleep", "-")], languages=("da", "en")), path)
    [loop] = find_loops(load_map(path)).loops
    with edit_map(path) as cmap:
        name_loop(cmap, loop.id[:7], "Træt af skærmen")
    with edit_map(path) as cmap:
        name_loop(cmap, "SCREENS > sleep", "Tired of screens", "en")
        tell_loop(cmap, loop.id, "story", "Jo mere skærm, jo mindre søvn.")
    with edit_map(path) as cmap:
        cmap.add_variable("mood", "Humør")
        cmap.add_link("sleep", "mood", "+")
    cmap = load_map(path)
    assert cmap.loops == {loop.id: {"name": {"da": "Træt af skærmen", "en": "Tired of screens"},
                                    "story": {"da": "Jo mere skærm, jo mindre søvn."}}}
    assert find_loops(cmap).get(loop.id) == loop
    assert "loops:" in path.read_text(encoding="utf-8")


def test_finding_a_loop_by_id_prefix_or_chain():
    cmap = make_map([("a", "b", "+"), ("b", "a", "+"), ("b", "c", "-"), ("c", "a", "+")])
    two, three = find_loops(cmap).loops
    assert find_loop(cmap, two.id) == two
    assert find_loop(cmap, three.id[:5].lower()) == three
    assert find_loop(cmap, "B → C → A") == three
    assert find_loop(cmap, "c, a, b, c") == three
    with pytest.raises(GmbError, match="no loop 'L3-ffff' in the map"):
        find_loop(cmap, "L3-ffff" if not three.id.startswith("L3-ffff") else "L3-eeee")
    with pytest.raises(GmbError, match="there is no link a → c"):
        find_loop(cmap, "a > c > b")
    with pytest.raises(GmbError, match="not a loop id"):
        find_loop(cmap, "hello")


def test_naming_checks_language_and_text():
    cmap = make_map([("a", "b", "+"), ("b", "a", "+")], languages=("da", "en"))
    loop_ref = find_loops(cmap).loops[0].id
    with pytest.raises(GmbError, match="language 'fr' is not one of the map's languages"):
        name_loop(cmap, loop_ref, "Boucle", "fr")
    with pytest.raises(GmbError, match="empty"):
        name_loop(cmap, loop_ref, "  ")
    assert "loops" not in cmap.meta or not cmap.meta["loops"]


def test_a_self_link_in_a_file_is_a_one_line_error_with_its_line(tmp_path: Path):
    path = tmp_path / "self.yaml"
    path.write_text("gmb: 1\ntitle: t\nlanguages: [en]\nvariables:\n  a: {label: A}\n  b: {label: B}\n"
                    "links:\n  - {from: a, to: b, polarity: +}\n  - {from: a, to: a, polarity: +}\n",
                    encoding="utf-8")
    with pytest.raises(MapFileError, match=r"self.yaml:9: variable 'a' has a link to itself"):
        find_loops(load_map(path))
