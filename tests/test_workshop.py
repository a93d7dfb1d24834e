"""Workshop records: reading them, counting how the map grew, error messages, the CLI and the shipped record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.errors import MapFileError
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map, save_map
from gmb.workshops.records import load_workshop, map_growth

SITE = Path(__file__).resolve().parent.parent / "workshops" / "havndal"

RECORD = """\
site: demo
title: Demo town
sessions:
  - id: w0
    date: 2024-01-09
    purpose: scope
    focus_question: What matters?
    participants: {leaders: 6, researchers: 2}
  - id: w1
    date: 2024-02-13
    participants: {residents: 10}
    maps:
      - {file: maps/a.yaml, group: A}
      - {file: maps/b.yaml, group: B}
    result: maps/b.yaml
  - id: w2
    maps: [maps/c.yaml]
"""


def make(variables, links):
    cmap = CausalMap.new("t", languages=("en",))
    for var in variables:
        cmap.add_variable(var, var.upper())
    for u, v, polarity in links:
        cmap.add_link(u, v, polarity)
    return cmap


@pytest.fixture
def site(tmp_path):
    (tmp_path / "maps").mkdir()
    # a: x ⇄ y, both + (one R loop).  b: adds z, y → z -, z → y + (a B loop).  c: drops x, keeps b's y ⇄ z.
    save_map(make("xy", [("x", "y", "+"), ("y", "x", "+")]), tmp_path / "maps" / "a.yaml")
    save_map(make("xyz", [("x", "y", "+"), ("y", "x", "+"), ("y", "z", "-"), ("z", "y", "+")]),
             tmp_path / "maps" / "b.yaml")
    save_map(make("yzw", [("y", "z", "-"), ("z", "y", "+"), ("w", "z", "+")]), tmp_path / "maps" / "c.yaml")
    (tmp_path / "workshop.yaml").write_text(RECORD, encoding="utf-8")
    return tmp_path


def test_record_is_read_with_sessions_participants_and_maps(site):
    record = load_workshop(site)
    assert [s.id for s in record.sessions] == ["w0", "w1", "w2"]
    w0, w1, w2 = record.sessions
    assert (w0.date, w0.purpose, w0.focus_question, w0.participants_total) == ("2024-01-09", "scope", "What matters?", 8)
    assert [(m.file, m.group) for m in w1.maps] == [("maps/a.yaml", "A"), ("maps/b.yaml", "B")]
    assert w1.result == "maps/b.yaml"
    assert w2.result == "maps/c.yaml"          # a session's only map is its result
    assert w0.result is None and not record.illustrative


def test_growth_counts_variables_links_and_loops_per_session(site):
    growth = map_growth(load_workshop(site))
    assert [(g["session"], g["variables"], g["links"], g["loops"]) for g in growth] == [("w1", 3, 4, 2), ("w2", 3, 3, 1)]
    assert growth[0]["loops_by_polarity"] == {"R": 1, "B": 1, "?": 0}
    assert "variables_added" not in growth[0]
    # w1 → w2: x removed, w added; links x→y, y→x removed, w→z added
    assert {k: growth[1][k] for k in ("variables_added", "variables_removed", "links_added", "links_removed")} == \
        {"variables_added": 1, "variables_removed": 1, "links_added": 1, "links_removed": 2}


def test_summary_counts_every_map(site):
    summary = load_workshop(site).summary()
    maps = summary["sessions"][1]["maps"]
    assert [(m["file"], m["group"], m["variables"], m["links"], m["loops"]) for m in maps] == \
        [("maps/a.yaml", "A", 2, 2, 1), ("maps/b.yaml", "B", 3, 4, 2)]
    assert summary["sessions"][0]["participants"] == {"leaders": 6, "researchers": 2}


@pytest.mark.parametrize("text, line, words", [
    ("site: demo\nsessions: []\nowner: me\n", 3, "unknown key 'owner'"),
    ("sessions: []\n", 1, "'site:' must name the site"),
    ("site: demo\nsessions: {w0: 1}\n", 2, "'sessions:' must be a list"),
    ("site: demo\nsessions:\n  - {date: 2024-01-01}\n", 3, "needs 'id:'"),
    ("site: demo\nsessions:\n  - id: w0\n    participants: {residents: many}\n", 4, "counts by role"),
    ("site: demo\nsessions:\n  - id: w0\n    date: [1]\n", 4, "must be a date"),
    ("site: demo\nsessions:\n  - id: w0\n    when: today\n", 4, "unknown key 'when'"),
    ("site: demo\nsessions:\n  - {id: w0}\n  - {id: w0}\n", 4, "used twice (also line 3)"),
    ("site: demo\nsessions:\n  - id: w0\n    maps: maps/a.yaml\n", 4, "'maps:' must be a list"),
    ("site: [demo\n", 2, "not valid YAML"),
    ("- just a list\n", 1, "is a mapping with 'site:'"),
])
def test_bad_records_name_the_line(tmp_path, text, line, words):
    (tmp_path / "workshop.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(MapFileError) as err:
        load_workshop(tmp_path)
    assert err.value.line == line and words in str(err.value)


def test_missing_map_file_names_the_record_line(site):
    (site / "maps" / "b.yaml").unlink()
    with pytest.raises(MapFileError) as err:
        load_workshop(site).summary()
    assert err.value.path == str(site / "workshop.yaml") and err.value.line == 14
    assert "session w1: map file 'maps/b.yaml' not found" in str(err.value)


def test_a_folder_without_a_record(tmp_path):
    with pytest.raises(MapFileError, match="no workshop record here"):
        load_workshop(tmp_path)


# -- CLI ----------------------------------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_show_text_and_json(site):
    result = run("workshop", "show", site)
    assert result.exit_code == 0, result.output
    assert "w0  2024-01-09" in result.output and "participants: 8 (6 leaders, 2 researchers)" in result.output
    assert "map: maps/b.yaml (group B): 3 variables, 4 links, 2 feedback loops: R 1, B 1, ? 0" in result.output
    assert "w2  3 variables, 3 links, 1 feedback loop: R 0, B 1, ? 0  (variables +1 -1, links +1 -2)  maps/c.yaml" in result.output
    data = json.loads(run("workshop", "show", site / "workshop.yaml", "--json").output)
    assert [g["session"] for g in data["growth"]] == ["w1", "w2"] and data["site"] == "demo"


def test_cli_show_errors_are_one_line(site, tmp_path):
    (site / "maps" / "c.yaml").unlink()
    result = run("workshop", "show", site)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: {site / 'workshop.yaml'}:17: session w2: map file 'maps/c.yaml'")
    result = run("workshop", "show", tmp_path / "nowhere")
    assert result.stderr == f"error: {tmp_path / 'nowhere'}: no such folder; give the folder of a site, e.g. workshops/havndal\n"
    assert result.exit_code == 2


# -- the shipped example ------------------------------------------------------------------------

def test_shipped_record_is_illustrative_and_says_so():
    record = load_workshop(SITE)
    assert record.illustrative and "invented" in record.note
    assert "ILLUSTRATIVE" in (SITE / "workshop.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert [s.id for s in record.sessions] == ["w0", "w1", "w2", "w3"]
    assert all(s.date and s.purpose and s.focus_question and s.participants for s in record.sessions)


def test_shipped_growth_matches_the_map_files():
    record = load_workshop(SITE)
    growth = map_growth(record)
    assert [g["session"] for g in growth] == ["w1", "w2", "w3"]
    for row in growth:
        cmap = load_map(SITE / row["map"])
        assert (row["variables"], row["links"]) == (cmap.graph.number_of_nodes(), cmap.graph.number_of_edges())
    # w2 only adds to the merged w1 map
    assert growth[1]["variables_removed"] == growth[1]["links_removed"] == 0 and growth[1]["variables_added"] > 0


def test_shipped_breakout_maps_overlap_and_disagree_as_described():
    a = load_map(SITE / "maps" / "w1_group_a.yaml")
    b = load_map(SITE / "maps" / "w1_group_b.yaml")
    assert {"children_mental_health", "sleep"} <= set(a.graph) & set(b.graph)
    assert a.graph.edges["screen_time", "friendships"]["polarity"] == "-"
    assert b.graph.edges["skaermtiden", "venner"]["polarity"] == "+"
    havndal = load_map(SITE.parent.parent / "models" / "havndal.yaml")
    for cmap in (a, b, load_map(SITE / "maps" / "w2.yaml")):
        for u, v, attrs in cmap.links():
            if havndal.graph.has_edge(u, v):
                assert attrs["polarity"] == havndal.graph.edges[u, v]["polarity"], (u, v)
