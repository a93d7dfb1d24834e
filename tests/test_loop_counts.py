"""One count of a map's loops everywhere: ``gmb loops``, ``gmb analyze``, ``gmb workshop show`` and the HTML
page give the same total, stated the same way; listings show the most relevant loops first."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest
from analysis_maps import make_map
from click.testing import CliRunner

from gmb.analysis.loopset import COUNT_CAP, LISTED, MAX_LENGTH, map_loops
from gmb.cli import main
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map, save_map

HAVNDAL = Path(__file__).resolve().parent.parent / "models" / "havndal.yaml"


def run(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def dense_map() -> CausalMap:
    """Every variable links to every other: far more than COUNT_CAP loops of up to MAX_LENGTH variables."""
    cmap = CausalMap.new("dense", ["en"])
    for i in range(10):
        cmap.add_variable(f"v{i}", f"V{i}")
    for u, v in nx.complete_graph(10, create_using=nx.DiGraph).edges:
        cmap.add_link(f"v{u}", f"v{v}", "+" if (u + v) % 3 else "-")
    cmap.set_outcome(["v9"])
    return cmap


def counts_everywhere(map_path: Path, folder: Path) -> dict[str, dict]:
    """The loop count of one map as each of the four places gives it."""
    (folder / "workshop.yaml").write_text(
        f"site: test\nsessions:\n  - id: w1\n    maps: [{map_path.name}]\n", encoding="utf-8")
    loops = json.loads(run("loops", map_path, "--json"))["count"]
    analyze = json.loads(run("analyze", map_path, "--json"))
    show = json.loads(run("workshop", "show", folder, "--json"))["sessions"][0]["maps"][0]
    run("html", map_path, "-o", folder / "page.html")
    page = (folder / "page.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="gmb-data">(.*?)</script>', page, re.S).group(1))
    return {
        "loops": {"total": loops["total"], "polarity": loops["by_polarity"], "stated": loops["stated"]},
        "analyze": {"total": analyze["loops_total"], "polarity": analyze["loops"], "stated": analyze["loops_stated"]},
        "workshop": {"total": show["loops"], "polarity": show["loops_by_polarity"], "stated": show["loops_stated"]},
        "html": {"total": data["loopCount"]["total"], "polarity": data["loopCount"]["by_polarity"],
                 "stated": data["loopsStated"]["en"]},
    }


@pytest.mark.parametrize("which", ["havndal", "dense"])
def test_the_four_places_give_the_same_count(tmp_path, which):
    path = tmp_path / "map.yaml"
    if which == "havndal":
        shutil.copyfile(HAVNDAL, path)
    else:
        save_map(dense_map(), path)
    places = counts_everywhere(path, tmp_path)
    expected = map_loops(load_map(path), listed=0)
    for place, count in places.items():
        assert count == {"total": expected.total, "polarity": expected.counts.by_polarity(),
                         "stated": expected.stated()}, place
    if which == "dense":
        assert expected.stopped and expected.total == COUNT_CAP
        assert expected.stated().startswith(f"{COUNT_CAP:,}+ feedback loops of up to {MAX_LENGTH} variables "
                                            "(counting stopped at 10,000: all of up to")
    else:  # havndal has longer loops, which are left out everywhere alike
        assert not expected.stopped and expected.longer
        assert expected.stated() == (f"{expected.total} feedback loops of up to {MAX_LENGTH} variables "
                                     "(the map has longer ones, not counted)")


def test_the_text_outputs_state_the_same_total(tmp_path):
    path = tmp_path / "map.yaml"
    save_map(dense_map(), path)
    (tmp_path / "workshop.yaml").write_text("site: t\nsessions:\n  - id: w1\n    maps: [map.yaml]\n", encoding="utf-8")
    stated = map_loops(load_map(path), listed=0).stated()
    assert run("loops", path).startswith(stated)
    assert stated in run("analyze", path)
    assert stated in run("workshop", "show", tmp_path)


def test_a_longer_length_cap_counts_more_everywhere(tmp_path):
    path = tmp_path / "map.yaml"
    shutil.copyfile(HAVNDAL, path)
    (tmp_path / "workshop.yaml").write_text("site: t\nsessions:\n  - id: w1\n    maps: [map.yaml]\n", encoding="utf-8")
    eight = json.loads(run("loops", path, "--json"))["count"]["total"]
    nine = json.loads(run("loops", path, "--json", "--max-length", 9))["count"]["total"]
    assert nine > eight
    assert json.loads(run("analyze", path, "--json", "--max-length", 9))["loops_total"] == nine
    assert json.loads(run("workshop", "show", tmp_path, "--json", "--max-length", 9))["sessions"][0]["maps"][0][
        "loops"] == nine


def test_listings_show_the_most_relevant_loops_first(tmp_path):
    # a ring of 6 with two 2-loops; the outcome f sits only on the ring and on the e-f 2-loop
    cmap = make_map([("a", "b", "+"), ("b", "c", "+"), ("c", "d", "+"), ("d", "e", "+"), ("e", "f", "+"),
                     ("f", "a", "-"), ("b", "a", "+"), ("f", "e", "+")], outcome=["f"])
    path = tmp_path / "map.yaml"
    save_map(cmap, path)
    listed = json.loads(run("loops", path, "--json"))["loops"]
    assert [loop["variables"] for loop in listed] == [["e", "f"], ["a", "b", "c", "d", "e", "f"], ["a", "b"]]
    assert [loop["variables"] for loop in json.loads(run("loops", path, "--json", "--limit", 1))["loops"]] == [["e", "f"]]
    text = run("loops", path, "--limit", 2)
    assert "3 feedback loops in" in text and "The 2 most relevant (through F first, shortest first; all of them with --all)" in text


def test_the_default_listing_is_short_and_all_lists_every_counted_loop(tmp_path):
    path = tmp_path / "map.yaml"
    shutil.copyfile(HAVNDAL, path)
    default = json.loads(run("loops", path, "--json"))
    everything = json.loads(run("loops", path, "--json", "--all"))
    assert len(default["loops"]) == LISTED < default["count"]["total"]
    assert len(everything["loops"]) == everything["count"]["total"] == default["count"]["total"]
    outcome = load_map(path).outcome[0]
    through = [outcome in loop["variables"] for loop in everything["loops"]]
    assert through == sorted(through, reverse=True)  # every loop through the outcome before any other
    assert default["loops"] == everything["loops"][:LISTED]


def test_a_named_loop_is_listed_first(tmp_path):
    cmap = make_map([("a", "b", "+"), ("b", "a", "+"), ("b", "c", "-"), ("c", "d", "+"), ("d", "b", "+")])
    path = tmp_path / "map.yaml"
    save_map(cmap, path)
    run("loop", "name", path, "b > c > d", "The long one")
    first = json.loads(run("loops", path, "--json", "--limit", 1))["loops"][0]
    assert (first["variables"], first["name"]) == (["b", "c", "d"], "The long one")
