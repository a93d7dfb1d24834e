"""Structural diff: variables, links, polarities, details and feedback loops, as text and JSON."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from gmb.analysis.loops import loop_id, name_loop
from gmb.cli import main
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import save_map
from gmb.workshops.diff import diff_maps


def make(variables, links):
    """A tiny map: ``variables`` {id: label}, ``links`` [(from, to, polarity, attrs)]."""
    cmap = CausalMap.new("t", languages=("en",))
    for var, label in variables.items():
        cmap.add_variable(var, label)
    for u, v, polarity, *attrs in links:
        cmap.add_link(u, v, polarity, **(attrs[0] if attrs else {}))
    return cmap


def loops(changes):
    return [(c.variables, c.polarity, c.was) for c in changes]


@pytest.fixture
def pair():
    """old: a ⇄ b (both +, an R loop), b ⇄ c (b→c -, c→b +, a B loop); new: a→b flipped."""
    old = make({"a": "A", "b": "B", "c": "C"},
               [("a", "b", "+"), ("b", "a", "+"), ("b", "c", "-", {"strength": "weak"}), ("c", "b", "+")])
    new = old.copy()
    new.flip_link("a", "b")
    return old, new


def test_flipping_a_link_breaks_its_loop_and_creates_the_opposite_one(pair):
    d = diff_maps(*pair)
    assert d.polarity_changed == [{"from": "a", "to": "b", "old": "+", "new": "-", "flipped": True}]
    # a→b→a was + · + = R; now - · + = B.  The b⇄c loop (B) is untouched.
    assert loops(d.loops_broken) == [(("a", "b"), "R", "B")]
    assert loops(d.loops_created) == [(("a", "b"), "B", "R")]
    assert d.loops_created[0].id == d.loops_broken[0].id == loop_id(["b", "a"])
    assert d.variables_added == d.variables_removed == d.links_added == d.links_removed == []
    assert "  ~ a → b  polarity + → -  (flipped)" in d.to_text()
    assert f"  + B  a → b → a  (was R)  {loop_id(['a', 'b'])}" in d.to_text()
    assert f"  - R  a → b → a  (now B)  {loop_id(['a', 'b'])}" in d.to_text()


def test_loop_changes_carry_the_loops_name(pair):
    old, new = pair
    name_loop(old, "a > b", "Vicious circle", "en")
    d = diff_maps(old, new)
    assert d.loops_broken[0].name == "Vicious circle" and d.loops_created[0].name == ""
    assert '(now B)  ' + loop_id(["a", "b"]) + ' "Vicious circle"' in d.to_text()


def test_a_new_link_closing_a_cycle_creates_a_loop_and_removing_it_breaks_it():
    old = make({"x": "X", "y": "Y", "z": "Z"}, [("x", "y", "+"), ("y", "z", "+")])
    new = old.copy()
    new.add_link("z", "x", "-", source={"workshop": "w2", "group": "B"})
    d = diff_maps(old, new)
    assert d.links_added == [{"from": "z", "to": "x", "polarity": "-", "source": {"workshop": "w2", "group": "B"}}]
    assert loops(d.loops_created) == [(("x", "y", "z"), "B", None)] and d.loops_broken == []
    assert "  + z → x  (-)  [w2 group B]" in d.to_text()
    back = diff_maps(new, old)
    assert back.links_removed == [{"from": "z", "to": "x", "polarity": "-"}]
    assert loops(back.loops_broken) == [(("x", "y", "z"), "B", None)] and back.loops_created == []


def test_loops_are_matched_whatever_variable_the_listing_starts_from():
    old = make({"p": "P", "q": "Q", "r": "R"}, [("q", "r", "+"), ("r", "p", "+"), ("p", "q", "+")])
    new = make({"r": "R", "q": "Q", "p": "P"}, [("r", "p", "+"), ("p", "q", "+"), ("q", "r", "+")])
    assert diff_maps(old, new).empty


def test_unknown_polarity_is_a_change_not_a_flip_and_the_loop_becomes_unknown(pair):
    old, _ = pair
    new = old.copy()
    new.set_link("b", "a", {"polarity": "?"})
    d = diff_maps(old, new)
    assert d.polarity_changed == [{"from": "b", "to": "a", "old": "+", "new": "?", "flipped": False}]
    assert loops(d.loops_created) == [(("a", "b"), "?", "R")]


def test_variables_added_removed_renamed_and_changed():
    old = make({"sleep": {"da": "Søvn", "en": "Sleep"}, "gone": "Gone", "stress": "Stress"},
               [("stress", "sleep", "-"), ("gone", "stress", "+")])
    new = make({"sleep": {"da": "Søvn", "en": "Night sleep"}, "stress": "Stress", "new": "New"},
               [("stress", "sleep", "-", {"delay": True, "strength": "strong"}), ("new", "stress", "+")])
    new.graph.nodes["stress"]["theme"] = "health"
    new.graph.nodes["new"]["source"] = {"workshop": "w3", "group": "C"}
    d = diff_maps(old, new)
    assert d.variables_added == [{"id": "new", "label": "New", "source": {"workshop": "w3", "group": "C"}}]
    assert d.variables_removed == [{"id": "gone", "label": "Gone"}]
    assert d.variables_renamed == [{"id": "sleep", "old": {"da": "Søvn", "en": "Sleep"},
                                    "new": {"da": "Søvn", "en": "Night sleep"}}]
    assert d.variables_changed == [{"id": "stress", "key": "theme", "old": None, "new": "health"}]
    assert d.links_changed == [{"from": "stress", "to": "sleep", "key": "strength", "old": None, "new": "strong"},
                               {"from": "stress", "to": "sleep", "key": "delay", "old": None, "new": True}]
    assert d.links_added == [{"from": "new", "to": "stress", "polarity": "+"}]
    assert d.links_removed == [{"from": "gone", "to": "stress", "polarity": "+"}]
    text = d.to_text()
    assert '  ~ sleep  renamed en: "Sleep" → "Night sleep"' in text
    assert "variables: 1 added, 1 removed, 1 renamed, 1 changed" in text
    assert "  ~ stress → sleep  delay: (none) → True" in text
    assert '  + new  "New"  [w3 group C]' in text


def test_identical_maps_have_no_differences(pair):
    d = diff_maps(pair[0], pair[0].copy())
    assert d.empty and d.to_text() == "no differences" and d.loops_complete


def test_a_cut_short_loop_listing_is_reported():
    old = make({"a": "A", "b": "B", "c": "C"}, [("a", "b", "+"), ("b", "c", "+"), ("c", "a", "+")])
    d = diff_maps(old, old.copy(), max_length=2)
    assert d.to_dict()["loops_complete"] is False
    assert "cut short" in d.to_text()


# -- CLI ------------------------------------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_diff_text_and_json(tmp_path, pair):
    save_map(pair[0], tmp_path / "old.yaml")
    save_map(pair[1], tmp_path / "new.yaml")
    result = run("diff", tmp_path / "old.yaml", tmp_path / "new.yaml")
    assert result.exit_code == 0, result.output
    assert "links: 0 added, 0 removed, 1 flipped" in result.output
    assert "loops: 1 created, 1 broken" in result.output
    data = json.loads(run("diff", tmp_path / "old.yaml", tmp_path / "new.yaml", "--json").output)
    assert data["polarity_changed"] == [{"from": "a", "to": "b", "old": "+", "new": "-", "flipped": True}]
    assert data["loops_created"] == [{"id": loop_id(["a", "b"]), "variables": ["a", "b"], "polarity": "B",
                                      "was": "R", "name": ""}]
    assert data["empty"] is False


def test_cli_diff_missing_file_is_one_line(tmp_path, pair):
    save_map(pair[0], tmp_path / "old.yaml")
    result = run("diff", tmp_path / "old.yaml", tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "nope.yaml: no such file" in result.stderr


def test_cli_diff_broken_map_names_the_line(tmp_path, pair):
    save_map(pair[0], tmp_path / "old.yaml")
    (tmp_path / "bad.yaml").write_text("title: x\nvariables:\n  a: [1, 2\n", encoding="utf-8")
    result = run("diff", tmp_path / "old.yaml", tmp_path / "bad.yaml")
    assert result.exit_code == 2 and result.stderr.startswith(f"error: {tmp_path / 'bad.yaml'}:")
    assert result.stderr.count("\n") == 1


def test_long_loop_lists_are_cut_in_text_but_complete_in_json():
    ids = ["a", "b", "c", "d"]
    old = make({v: v.upper() for v in ids}, [])
    new = make({v: v.upper() for v in ids}, [(u, v, "+") for u in ids for v in ids if u != v])
    d = diff_maps(old, new)
    # the complete digraph on 4 variables has 6 two-cycles, 8 three-cycles and 6 four-cycles
    assert len(d.loops_created) == 20 and all(loop.polarity == "R" for loop in d.loops_created)
    text = d.to_text(loop_lines=5)
    assert "  + … and 15 more (all of them with --all-loops or --json)" in text
    assert sum(line.startswith("  + R") for line in text.splitlines()) == 5
    assert sum(line.startswith("  + R") for line in d.to_text(loop_lines=None).splitlines()) == 20
