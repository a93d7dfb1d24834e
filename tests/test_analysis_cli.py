"""The analysis commands through click: tables, JSON, CSV, loop naming, errors, and the example map."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest
from analysis_maps import make_map
from click.testing import CliRunner

from gmb.cli import main
from gmb.maps.store import load_map, save_map

HAVNDAL = Path(__file__).resolve().parent.parent / "models" / "havndal.yaml"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """Screens and sleep in Danish and English: a B 2-loop, an R 3-loop, an action with two paths."""
    cmap = make_map([("skaerm", "soevn", "-"), ("soevn", "skaerm", "+"), ("soevn", "humoer", "+"),
                     ("humoer", "venner", "+"), ("venner", "soevn", "+"), ("cykelsti", "soevn", "+"),
                     ("cykelsti", "skaerm", "-")], languages=("da", "en"), outcome=["humoer"])
    for var, da, en in [("skaerm", "Skærmtid", "Screen time"), ("soevn", "Søvn", "Sleep"),
                        ("humoer", "Humør", "Mood"), ("venner", "Venner", "Friends"),
                        ("cykelsti", "Cykelsti", "Bike path")]:
        cmap.set_variable(var, {"label.da": da, "label.en": en})
    path = tmp_path / "small.yaml"
    save_map(cmap, path)
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_loops_table_in_the_first_language(small):
    result = run("loops", small)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"2 feedback loops in {small}: 1 reinforcing (R), 1 balancing (B), 0 of unknown polarity (?)"
    assert lines[2] == "All 2 (through Humør first, shortest first):"  # the outcome is Humør
    assert lines[3].split() == ["id", "kind", "length", "loop"]
    assert lines[4].split()[1:] == "R 3 Humør → Venner → Søvn → Humør".split()
    assert lines[5].split()[1:] == "B 2 Skærmtid → Søvn → Skærmtid".split()
    assert "In most loops: Søvn 2 · Humør 1 · Skærmtid 1 · Venner 1" in lines
    assert "--max-length" not in result.output  # the map has no longer loops


def test_loops_json_and_a_plain_cut(small):
    data = json.loads(run("loops", small, "--json").stdout)
    assert [(l["polarity"], l["length"], l["variables"]) for l in data["loops"]] == [
        ("R", 3, ["humoer", "venner", "soevn"]), ("B", 2, ["skaerm", "soevn"])]
    assert data["count"]["by_polarity"] == {"R": 1, "B": 1, "?": 0} and data["count"]["stated"] == "2 feedback loops"
    assert set(data["loops"][0]) >= {"id", "polarity", "length", "variables"}
    cut = json.loads(run("loops", small, "--json", "--limit", "1").stdout)
    assert len(cut["loops"]) == 1 and cut["count"]["total"] == 2
    text = run("loops", small, "--max-length", "2").output
    assert text.startswith("1 feedback loop of up to 2 variables (the map has longer ones, not counted) in ")
    assert "Count longer loops with --max-length N (0: any length)." in text
    through = json.loads(run("loops", small, "--through", "Venner", "--json").stdout)
    assert [l["variables"] for l in through["loops"]] == [["humoer", "venner", "soevn"]]


def test_loops_on_a_map_without_loops(tmp_path):
    path = tmp_path / "chain.yaml"
    save_map(make_map([("a", "b", "+"), ("b", "c", "-")]), path)
    result = run("loops", path)
    assert result.exit_code == 0
    assert result.output == f"No feedback loops in {path}: no chain of links leads back to where it started.\n"


def test_naming_a_loop_writes_the_map_and_shows_in_the_listing(small):
    loop_id = json.loads(run("loops", small, "--json").stdout)["loops"][1]["id"]
    result = run("loop", "name", small, loop_id[:6], "Skærm mod søvn")
    assert result.exit_code == 0, result.output
    assert result.output == f"named loop {loop_id} (Skærmtid → Søvn → Skærmtid): Skærm mod søvn\n"
    assert run("loop", "name", small, "sleep > screen time", "Screens versus sleep", "--lang", "en").exit_code == 0
    assert load_map(small).loops[loop_id] == {"name": {"da": "Skærm mod søvn", "en": "Screens versus sleep"}}
    assert "«Skærm mod søvn»  Skærmtid → Søvn → Skærmtid" in run("loops", small).output
    assert json.loads(run("loops", small, "--json").stdout)["loops"][0]["name"] == "Skærm mod søvn"


def test_a_bad_loop_name_is_one_line_and_leaves_the_file_alone(small):
    before = small.read_bytes()
    result = run("loop", "name", small, "L2-ffffffffff", "x")
    assert result.exit_code == 2
    assert result.stderr == ("error: no loop 'L2-ffffffffff' in the map; "
                             "list the loops and their ids with 'gmb loops MAP'\n")
    assert run("loop", "name", small, "Søvn > Cykelsti", "x").exit_code == 2
    assert small.read_bytes() == before


def test_analyze_table_json_and_csv(small, tmp_path):
    result = run("analyze", small)
    assert result.exit_code == 0, result.output
    # 7 links of 5·4 possible; shortest chains: 16 reachable ordered pairs, 28 links in all
    assert result.output.startswith(f"{small}: 5 variables, 7 links, density 0.350, average path length 1.75 links")
    assert "\n2 feedback loops: R 1, B 1, ? 0\n" in result.output
    # Søvn: 3 causes, 2 effects; on the shortest chains of 7 of the 4·3 ordered pairs of others;
    # reaches Skærmtid and Humør in 1 link, Venner in 2: closeness (3/4)·(3/4); in both loops
    rows = [line.split() for line in result.output.splitlines()]
    assert ["Søvn", "3", "2", "5", "0.583", "0.562", "3", "2"] in rows
    out = tmp_path / "centrality.csv"
    data = json.loads(run("analyze", small, "--json", "--csv", out).stdout)
    assert set(data) >= {"variables", "density", "average_path_length", "variables_count", "links_count"}
    sleep = next(r for r in data["variables"] if r["id"] == "soevn")
    assert sleep["betweenness"] == pytest.approx(7 / 12) and sleep["closeness"] == pytest.approx(9 / 16)
    assert data["average_path_length"] == pytest.approx(28 / 16)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle, delimiter=";"))   # the map's language, Danish: ; and decimal commas
    assert [r["id"] for r in table] == [r["id"] for r in data["variables"]]
    assert list(table[0]) == ["id", "navn", "ind-grad", "ud-grad", "grad", "mellemhed", "nærhed", "rækkevidde", "løkker"]
    sleep_row = next(r for r in table if r["id"] == "soevn")
    assert (sleep_row["navn"], sleep_row["mellemhed"], sleep_row["nærhed"]) == ("Søvn", "0,583", "0,562")


def test_paths_text_and_json(small):
    data = json.loads(run("paths", small, "Cykelsti", "humoer", "--json").stdout)
    assert [(p["variables"], p["sign"]) for p in data["paths"]] == [
        (["cykelsti", "soevn", "humoer"], "+"), (["cykelsti", "skaerm", "soevn", "humoer"], "+")]
    assert data["verdict"] == "+" and data["complete"] is True
    text = run("paths", small, "cykelsti", "humoer").output
    assert "Verdict: all paths agree: it raises Humør" in text
    none = run("paths", small, "humoer", "cykelsti").output
    assert "Verdict: no path: it does not reach Cykelsti" in none and "Cykelsti has no causes" in none


def test_press_is_reproducible_and_reports_stable_samples(small):
    first = run("press", small, "--samples", "300", "--seed", "7")
    assert first.exit_code == 0, first.output
    assert first.output == run("press", small, "--samples", "300", "--seed", "7").output
    assert "Long-run response of Humør to a sustained push on each variable" in first.output
    data = json.loads(run("press", small, "--samples", "300", "--seed", "7", "--json").stdout)
    assert data["outcome"] == "humoer" and data["samples"] == 300 and 0 < data["stable"] <= 300
    assert {r["id"] for r in data["variables"]} == {"skaerm", "soevn", "venner", "cykelsti"}


@pytest.mark.parametrize("args, message", [
    (["loops", "{map}", "--through", "nothing"], "error: --through: unknown variable 'nothing'"),
    (["paths", "{map}", "soevn", "nowhere"], "error: to: unknown variable 'nowhere'"),
    (["press", "{map}", "--outcome", "cykelsti"], "error: outcome 'cykelsti' has no causes"),
    (["paths", "{map}", "soevn", "Søvn"], "error: from and to are the same variable (soevn)"),
    (["loops", "missing.yaml"], "error: missing.yaml: no such file"),
], ids=["through", "paths-target", "outcome-without-causes", "same-variable", "missing-file"])
def test_bad_input_is_a_one_line_error(small, args, message):
    result = run(*[a.format(map=small) for a in args])
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_analyze_csv_where_it_cannot_be_written_is_a_one_line_error(small, tmp_path):
    result = run("analyze", small, "--csv", tmp_path / "no" / "such" / "table.csv")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"error: --csv {tmp_path / 'no' / 'such' / 'table.csv'}: directory " \
                            f"'{tmp_path / 'no' / 'such'}' does not exist; create it first or give another file name\n"
    if Path("/proc/self").is_dir():  # Linux: a directory where no file can be made
        result = run("analyze", small, "--csv", "/proc/table.csv")
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr == "error: --csv /proc/table.csv: cannot write there (No such file or directory); " \
                                "give a file in a directory you can write to\n"


def test_counts_of_one_are_singular_and_few_samples_are_explained(tmp_path):
    path = tmp_path / "one.yaml"
    save_map(make_map([("a", "b", "+"), ("b", "c", "?"), ("c", "a", "-")], outcome=["c"]), path)
    assert run("loops", path).output.startswith(f"1 feedback loop in {path}: 0 reinforcing (R), 0 balancing (B), "
                                                "1 of unknown polarity (?)")
    assert run("paths", path, "a", "c").output.startswith("1 path from A to C: 0 raise it (+), 0 lower it (−), "
                                                          "1 of unknown sign (?)")
    press = run("press", path, "--samples", "20", "--seed", "3")
    assert press.exit_code == 2 and press.stdout == ""  # 20 stable samples are too few to call directions
    assert press.stderr.startswith("error: only 20 of 20 weight samples (seed 3) were stable, fewer than the 100 "
                                   "needed to call directions") and press.stderr.count("\n") == 1
    press = run("press", path, "--samples", "20", "--seed", "3", "--min-stable", "20")
    assert press.exit_code == 0, press.output
    assert ("20 weight samples (seed 3, weights within their strength classes), 20 stable and used; 1 link of "
            "unknown polarity got random signs") in press.output


def test_press_draws_within_strength_classes_unless_told_uniform():
    """QPress-style uniform weights leave only 2 of 1000 draws of the example map stable: refused, not printed."""
    default = json.loads(run("press", HAVNDAL, "--seed", "1", "--json").stdout)
    assert default["weights"] == "strengths" and default["stable"] >= 100
    uniform = run("press", HAVNDAL, "--seed", "1", "--weights", "uniform")
    assert uniform.exit_code == 2 and "pushed variable" not in uniform.output
    assert "raise --samples or draw the weights within their strength classes (--weights strengths)" in uniform.stderr


def test_every_analysis_command_has_help():
    for name in ("loops", "analyze", "paths", "press"):
        result = run(name, "--help")
        assert result.exit_code == 0 and "Example:" in result.output
    assert "betweenness" in run("analyze", "--help").output


@pytest.mark.skipif(not HAVNDAL.exists(), reason="the example map is not there yet")
def test_the_example_map():
    cmap = load_map(HAVNDAL)
    data = json.loads(run("loops", HAVNDAL, "--max-length", "6", "--all", "--json").stdout)
    expected = sum(1 for _ in nx.simple_cycles(cmap.graph, length_bound=6))
    assert len(data["loops"]) == expected > 0
    assert sum(data["count"]["by_polarity"].values()) == data["count"]["total"] == expected
    analysis = json.loads(run("analyze", HAVNDAL, "--json").stdout)
    assert analysis["variables_count"] == cmap.graph.number_of_nodes()
    assert analysis["links_count"] == cmap.graph.number_of_edges()
    outcome = cmap.outcome[0]
    action = next(v for v, a in cmap.graph.nodes(data=True)
                  if a.get("kind") == "action" and nx.has_path(cmap.graph, v, outcome))
    paths = json.loads(run("paths", HAVNDAL, action, outcome, "--max-length", "5", "--json").stdout)
    assert paths["paths"] and all(p["variables"][0] == action and p["variables"][-1] == outcome for p in paths["paths"])
    press = json.loads(run("press", HAVNDAL, "--samples", "300", "--seed", "1", "--json").stdout)
    assert press["outcome"] == outcome and press["stable"] <= 300 and press["weights"] == "strengths"
    within = run("press", HAVNDAL, "--samples", "300", "--seed", "1", "--weights", "strengths")
    assert "weights within their strength classes), 300 stable and used" in within.output
