"""Issue 14 items 2, 4, 5, 7 and 8: the gap in every result of a map with segments (simulate's table,
summary.csv, results.csv, plots), leverage and the idea bank ranked by the gap, and segment editing,
diff and merge — on the shipped example, which has two illustrative groups of children."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.maps.store import load_map
from gmb.sd.scenarios import load_scenarios
from gmb.sd.simulate import simulate
from gmb.sd.spec import build_spec

ROOT = Path(__file__).resolve().parent.parent
MAP, SCENARIOS, IDEAS = (ROOT / "models/havndal.yaml", ROOT / "workshops/havndal/scenarios.yaml",
                         ROOT / "workshops/havndal/ideas.yaml")


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    result = CliRunner().invoke(main, ["simulate", str(MAP), "--scenarios", str(SCENARIOS), "-o", str(out / "da")])
    english = CliRunner().invoke(main, ["simulate", str(MAP), "--scenarios", str(SCENARIOS), "--lang", "en",
                                        "-o", str(out / "en")])
    assert result.exit_code == 0 and english.exit_code == 0, result.output + english.output
    cmap = load_map(MAP)
    spec = build_spec(cmap)
    results = simulate(spec, load_scenarios(SCENARIOS, cmap, spec), cmap.outcome)
    return out, result.output, english.output, results


def test_simulate_prints_which_scenarios_narrow_and_which_widen_the_gap(simulated):
    _, danish, english, results = simulated
    rows = {row["scenario"]: row for row in results.gaps()}
    narrowing = [name for name, row in rows.items() if row["narrows"]]
    assert narrowing == ["leisure_with_outreach"]  # the example's targeted variant, as the README says
    assert rows["leisure_for_all"]["widens"] and rows["free_meeting_places"]["offer"] == "structural"
    line = next(line for line in english.splitlines() if line.startswith("The gap between the groups narrows with:"))
    assert line.startswith("The gap between the groups narrows with: The same leisure offer with outreach to "
                           "exposed families; it widens with: ")
    assert "Forskellen mellem grupperne bliver mindre med: Samme fritidstilbud med opsøgende arbejde" in danish
    assert "målrettet tilbud (retfærdighed)" in danish and "universal offer (equality)" in english


def test_summary_csv_carries_each_group_the_gap_and_the_ratio(simulated):
    out, _, _, results = simulated
    text = (out / "da/summary.csv").read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert "værdi: Børn i socialt udsatte familier" in rows[0] and "forskel" in rows[0] and "forhold" in rows[0]
    gaps = {row["scenario"]: row for row in results.gaps()}
    for row in rows:
        found = gaps[row["scenarie-id"]]
        assert float(row["forskel"].replace(",", ".")) == pytest.approx(found["gap"], abs=5e-4)
        assert float(row["værdi: Øvrige børn"].replace(",", ".")) == pytest.approx(found["segments"]["others"],
                                                                                  abs=5e-4)
        assert row["forskellen bliver"] == ("mindre" if found["narrows"] else "større" if found["widens"]
                                            else "uændret")
    english = list(csv.DictReader(io.StringIO((out / "en/summary.csv").read_text("utf-8-sig"))))
    assert {"kind of action", "gap", "change of gap", "ratio", "the gap"} <= set(english[0])


def test_results_csv_has_a_segment_column_and_the_population_average(simulated):
    out, _, _, results = simulated
    reader = csv.DictReader(io.StringIO((out / "en/results.csv").read_text("utf-8-sig")))
    assert reader.fieldnames == ["scenario", "time", "variable", "segment", "value"]
    seen = {}
    for row in reader:
        if row["variable"] in ("children_mental_health", "meeting_places") and row["scenario"] == "baseline":
            seen.setdefault((row["variable"], row["segment"]), float(row["value"]))
    assert seen[("children_mental_health", "exposed")] == pytest.approx(0.85)
    assert seen[("children_mental_health", "all")] == pytest.approx(0.2 * 0.85 + 0.8 * 1.0)
    assert ("meeting_places", "") in seen and ("meeting_places", "exposed") not in seen


def test_plots_of_each_group_and_of_the_gap_are_written(simulated):
    out, _, _, _ = simulated
    for name in ("children_mental_health_segments.png", "children_mental_health_gap.png"):
        assert (out / "da" / name).read_bytes()[:4] == b"\x89PNG"


def test_the_residents_page_reads_results_with_segments(simulated, tmp_path):
    out, _, _, _ = simulated
    page = tmp_path / "page.html"
    result = CliRunner().invoke(main, ["html", str(MAP), "-o", str(page), "--results", str(out / "da"),
                                       "--scenarios", str(SCENARIOS)])
    assert result.exit_code == 0, result.output


def test_ideas_rank_by_the_gap_with_offers_and_the_equity_chart(tmp_path):
    out = tmp_path / "ideas"
    result = CliRunner().invoke(main, ["ideas", "rank", str(MAP), "--ideas", str(IDEAS), "--samples", "60",
                                       "--seed", "2", "--lang", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "ideas.json").read_text("utf-8"))
    assert [g["id"] for g in report["segments"]["groups"]] == ["exposed", "others"]
    rows = {row["id"]: row for row in report["candidates"]}
    assert rows["leisure_pass"]["offer"] == "targeted" and rows["leisure_pass"]["gap_rank"] == 1
    assert rows["leisure_pass"]["p_narrows"] == 1.0 and rows["leisure_pass"]["gap_quadrant"] == "narrows"
    assert rows["craft_cafe"]["reach"] == {"exposed": 0.4, "others": 0.7}
    for row in rows.values():
        assert row["gap_p05"] <= row["gap_median"] <= row["gap_p95"] and 0 <= row["p_narrows"] <= 1
    assert "Leisure pass for families with few resources" in result.output.split("Effect on the gap")[1]
    assert (out / "equity.png").read_bytes()[:4] == b"\x89PNG"
    table = list(csv.DictReader(io.StringIO((out / "ideas.csv").read_text("utf-8-sig"))))
    assert {"kind of action", "change of gap (median)", "P(narrows the gap)", "average and gap"} <= set(table[0])


def test_leverage_by_the_gap_is_reproducible(tmp_path):
    runs = [CliRunner().invoke(main, ["leverage", str(MAP), "--samples", "40", "--seed", "5", "--no-sensitivity",
                                      "-o", str(tmp_path / name)]) for name in ("a", "b")]
    assert all(run.exit_code == 0 for run in runs), runs[0].output
    assert (tmp_path / "a/leverage.json").read_bytes() == (tmp_path / "b/leverage.json").read_bytes()
    report = json.loads((tmp_path / "a/leverage.json").read_text("utf-8"))
    assert all("gap_median" in row for row in report["candidates"])


@pytest.mark.parametrize("reach,message", [("{poor: 0.5}", "reach names segment 'poor'"),
                                           ("{exposed: 2}", "reach of exposed 2 must be a share from 0 to 1")])
def test_a_bad_reach_in_the_idea_bank_names_the_file_and_line(tmp_path, reach, message):
    bank = tmp_path / "ideas.yaml"
    bank.write_text("ideas:\n  club:\n    title: Club\n    acts_on: [{variable: friendships, polarity: '+', strength: medium}]\n"
                    f"    feasibility: 3\n    reach: {reach}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["ideas", "rank", str(MAP), "--ideas", str(bank), "--samples", "10"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith(f"error: {bank}:6") and message in result.output


# -- editing, diff, merge ------------------------------------------------------------------------

def test_segment_commands_keep_the_shares_summing_to_one_and_refuse_bad_edits(tmp_path):
    path = tmp_path / "map.yaml"
    shutil.copy(MAP, path)
    runner = CliRunner()
    added = runner.invoke(main, ["segment", "add", str(path), "young_carers", "--share", "0.05", "--label",
                                 "Unge pårørende", "--label-en", "Young carers"])
    assert added.exit_code == 0, added.output
    shares = {s: e["share"] for s, e in load_map(path).meta["segments"].items()}
    assert sum(shares.values()) == pytest.approx(1) and shares["young_carers"] == 0.05
    assert shares["exposed"] == pytest.approx(0.19)
    before = path.read_bytes()
    for bad in (["set", str(path), "exposed", "share=1.5"], ["set", str(path), "exposed", "colour=red"],
                ["remove", str(path), "nobody"], ["add", str(path), "exposed", "--share", "0.1"]):
        refused = runner.invoke(main, ["segment", *bad])
        assert refused.exit_code == 2 and refused.output.startswith("error: ") and len(refused.output.splitlines()) == 1
        assert path.read_bytes() == before
    assert runner.invoke(main, ["segment", "remove", str(path), "young_carers"]).exit_code == 0
    assert {s: e["share"] for s, e in load_map(path).meta["segments"].items()} == pytest.approx(
        {"exposed": 0.2, "others": 0.8})
    listed = json.loads(runner.invoke(main, ["segment", "list", str(path), "--json"]).output)
    assert "meeting_places" in listed["shared"] and "children_mental_health" in listed["per_segment"]
    assert runner.invoke(main, ["segment", "remove", str(path), "exposed"]).output.strip() == \
        "the map has no segments now"
    plain = load_map(path)
    assert "segments" not in plain.meta
    assert not any("segmented" in a or "by_segment" in a for _, a in plain.graph.nodes(data=True))
    assert runner.invoke(main, ["validate", str(path)]).exit_code == 1  # only its two ? links


def test_var_set_refuses_a_per_segment_value_for_a_shared_variable(tmp_path):
    path = tmp_path / "map.yaml"
    shutil.copy(MAP, path)
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["var", "set", str(path), "meeting_places", "by_segment.exposed.initial=0.5"])
    assert result.exit_code == 2 and "it is shared (one value for the town)" in result.output
    assert path.read_bytes() == before


def test_diff_and_merge_understand_segments(tmp_path):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    shutil.copy(MAP, old)
    shutil.copy(MAP, new)
    runner = CliRunner()
    assert runner.invoke(main, ["segment", "set", str(new), "exposed", "share=0.3"]).exit_code == 0
    assert runner.invoke(main, ["var", "set", str(new), "sleep", "by_segment.exposed.adjust_time=5"]).exit_code == 0
    shown = runner.invoke(main, ["diff", str(old), str(new)]).output
    assert "  ~ exposed  share: 0.2 → 0.3" in shown and "  ~ others  share: 0.8 → 0.7" in shown
    assert "~ sleep  by_segment:" in shown
    merged = tmp_path / "merged.yaml"
    result = runner.invoke(main, ["merge", str(old), str(new), "-o", str(merged), "--report", str(tmp_path / "r.md")])
    assert result.exit_code == 0, result.output
    assert load_map(merged).meta["segments"]["exposed"]["share"] == 0.2
    assert "new.yaml: its segments (exposed, others) differ from those of old.yaml" in (tmp_path / "r.md").read_text(
        "utf-8")


def test_reach_and_offers_are_edited_without_touching_yaml(tmp_path):
    plans, bank = tmp_path / "s.yaml", tmp_path / "ideas.yaml"
    shutil.copy(SCENARIOS, plans)
    shutil.copy(IDEAS, bank)
    runner = CliRunner()
    added = runner.invoke(main, ["scenario", "new", str(MAP), str(plans), "pass_outreach", "--push",
                                 "leisure_activities", "--by", "0.2", "--reach", "exposed=0.9,others=0.2"])
    assert added.exit_code == 0, added.output
    cmap = load_map(MAP)
    spec = build_spec(cmap)
    found = next(s for s in load_scenarios(plans, cmap, spec).scenarios if s.name == "pass_outreach")
    assert found.offer == "targeted" and found.settings["push_leisure_activities_exposed"] == pytest.approx(0.18)
    before = plans.read_bytes()
    refused = runner.invoke(main, ["scenario", "add", str(MAP), str(plans), "pass_outreach", "--push", "sleep",
                                   "--by", "0.1", "--reach", "poor=1"])
    assert refused.exit_code == 2 and "reach names segment 'poor'" in refused.output and plans.read_bytes() == before
    assert runner.invoke(main, ["ideas", "set", str(MAP), str(bank), "lake_trail", "offer=universal",
                                "reach.exposed=0.3", "reach.others=0.6"]).exit_code == 0
    assert "    offer: universal\n    reach: {exposed: 0.3, others: 0.6}\n" in bank.read_text("utf-8")
