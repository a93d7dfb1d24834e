"""Merging breakout maps: matching, synonyms, provenance, conflicts, reproducibility, and the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.errors import MapFileError
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map, save_map
from gmb.maps.validate import validate
from gmb.workshops.merge import merge_files, merge_maps
from gmb.workshops.synonyms import SynonymEntry, load_synonyms

SITE = Path(__file__).resolve().parent.parent / "workshops" / "havndal"


def make(title, variables, links, group=None):
    """A tiny map: ``variables`` {id: label dict}, ``links`` [(from, to, polarity, extra attrs)]."""
    cmap = CausalMap.new(title)
    for var, label in variables.items():
        cmap.add_variable(var, label)
    for u, v, polarity, *extra in links:
        attrs = extra[0] if extra else {}
        if group:
            attrs = {"source": {"workshop": "w1", "group": group}} | attrs
        cmap.add_link(u, v, polarity, **attrs)
    return cmap


@pytest.fixture
def groups():
    a = make("A", {"screen_time": {"da": "Skærmtid", "en": "Screen time"}, "sleep": {"da": "Søvn", "en": "Sleep"},
                   "friends": {"da": "Venskaber"}},
             [("screen_time", "sleep", "-", {"strength": "medium"}), ("screen_time", "friends", "-"),
              ("sleep", "screen_time", "?")], group="A")
    b = make("B", {"skaermtiden": {"da": "Skærmtiden"}, "sovn": {"en": "SLEEP"}, "friends": {"da": "Venner"}},
             [("skaermtiden", "sovn", "-", {"strength": "strong"}), ("skaermtiden", "friends", "+"),
              ("sovn", "skaermtiden", "+")], group="B")
    return a, b


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_variables_match_by_id_and_by_label_in_any_language_ignoring_case(groups):
    a, b = groups
    merged, report = merge_maps([a, b], names=["a.yaml", "b.yaml"])
    # sleep ("Sleep") and sovn ("SLEEP") are one variable; friends matches by id; the screen-time pair does not match
    assert merged.variables == ["screen_time", "sleep", "friends", "skaermtiden"]
    assert ("b.yaml", "sovn", "sleep", "label") in [(m["map"], m["variable"], m["into"], m["by"]) for m in report.matches]
    assert ("b.yaml", "friends", "friends", "id") in [(m["map"], m["variable"], m["into"], m["by"]) for m in report.matches]
    # B's id stays findable: it becomes a synonym of the kept variable; B's other-language label is kept
    assert merged.resolve("sovn") == "sleep"
    assert merged.graph.nodes["friends"]["label"] == {"da": "Venskaber"}
    assert merged.graph.nodes["friends"]["synonyms"] == ["Venner"]


def test_near_duplicates_are_proposed_with_their_similarity_but_not_merged(groups):
    merged, report = merge_maps(list(groups))
    # difflib ratio of "skærmtid" (8 letters) and "skærmtiden" (10): 2 * 8 / 18 = 0.888…
    assert [(p.keep, p.merge, p.similarity) for p in report.proposals] == [("screen_time", "skaermtiden", 0.89)]
    assert "skaermtiden" in merged.graph and "screen_time" in merged.graph


def test_names_differing_in_their_numbers_are_not_proposed():
    a = make("a", {"grade5": "Trivsel i 5. klasse", "grade6": "Trivsel i 6. klasse"}, [])
    b = make("b", {"wellbeing": "Trivsel i 5 klasse"}, [])
    _, report = merge_maps([a, b])
    assert [(p.keep, p.merge, p.similarity) for p in report.proposals] == [("grade5", "wellbeing", 1.0)]


def test_synonyms_file_merges_and_repoints_links(groups):
    a, b = groups
    merged, report = merge_maps([a, b], [SynonymEntry("screen_time", ("Skærmtiden",))], names=["a.yaml", "b.yaml"])
    assert merged.variables == ["screen_time", "sleep", "friends"]
    assert report.proposals == []
    assert sorted(merged.graph.edges) == [("screen_time", "friends"), ("screen_time", "sleep"), ("sleep", "screen_time")]
    by = merged.graph.edges["screen_time", "sleep"]["proposed_by"]
    assert by == [{"map": "a.yaml", "workshop": "w1", "group": "A", "polarity": "-"},
                  {"map": "b.yaml", "workshop": "w1", "group": "B", "polarity": "-"}]
    assert merged.graph.edges["screen_time", "sleep"]["polarity"] == "-"
    # details differ: the first map's strength is kept and the difference is reported
    assert merged.graph.edges["screen_time", "sleep"]["strength"] == "medium"
    assert report.differences == ["link screen_time → sleep: strength 'medium' kept, b.yaml has 'strong'"]


def test_opposite_polarities_are_a_conflict_kept_as_unknown(groups):
    a, b = groups
    merged, report = merge_maps([a, b], [SynonymEntry("screen_time", ("skaermtiden",))], names=["a.yaml", "b.yaml"])
    assert merged.graph.edges["screen_time", "friends"]["polarity"] == "?"
    assert [c.link for c in report.conflicts] == [("screen_time", "friends")]
    assert [(p["group"], p["polarity"]) for p in report.conflicts[0].proposals] == [("A", "-"), ("B", "+")]
    # '?' from one group and '+' from another is not a conflict: the sign given is kept
    assert merged.graph.edges["sleep", "screen_time"]["polarity"] == "+"
    assert "screen_time → friends" in report.to_markdown()


def test_inputs_are_not_changed_and_merged_map_is_valid(groups):
    a, b = groups
    before = (a.to_data(), b.to_data())
    merged, _ = merge_maps([a, b], [SynonymEntry("screen_time", ("skaermtiden",))])
    assert (a.to_data(), b.to_data()) == before
    assert [p.code for p in validate(merged).errors] == []
    assert "unknown-key" not in [p.code for p in validate(merged).warnings]


def test_links_collapsing_onto_one_variable_are_dropped_and_noted():
    one = make("one", {"x": "X", "y": "Y"}, [("x", "y", "+")])
    merged, report = merge_maps([one], [SynonymEntry("x", ("y",))], names=["one.yaml"])
    assert merged.variables == ["x"] and merged.graph.number_of_edges() == 0
    assert report.notes == ["one.yaml: dropped link x → y: both ends merged into 'x'"]


def test_unused_synonyms_are_reported():
    one = make("one", {"x": "X", "y": "Y"}, [("x", "y", "+")])
    _, report = merge_maps([one], [SynonymEntry("x", ("nowhere", "Y"), line=4)])
    assert report.unused_synonyms == [{"line": 4, "keep": "x", "names": ["nowhere"]}]


def test_a_variable_whose_names_sit_under_two_keeps_is_noted():
    one = make("one", {"x": {"da": "Skærm", "en": "Screen"}, "y": "Y"}, [])
    merged, report = merge_maps([one], [SynonymEntry("a", ("Skærm",)), SynonymEntry("b", ("screen",))], names=["one"])
    assert merged.variables == ["a", "y"]
    assert report.notes == ["one: 'x' has names listed under several keeps (a, b); merged into the first"]


def test_keep_may_be_a_new_canonical_id():
    a = make("a", {"skaerm": "Skærm", "sleep": "Søvn"}, [("skaerm", "sleep", "-")])
    merged, _ = merge_maps([a], [SynonymEntry("screen_time", ("skaerm",))])
    assert merged.variables == ["screen_time", "sleep"]
    assert merged.graph.nodes["screen_time"] == {"label": {"da": "Skærm"}, "synonyms": ["skaerm"]}


def test_remerging_a_merged_map_keeps_earlier_proposers_and_the_facilitators_decision(groups, tmp_path):
    a, b = groups
    w1, _ = merge_maps([a, b], [SynonymEntry("screen_time", ("skaermtiden",))], names=["a.yaml", "b.yaml"])
    w1.set_link("screen_time", "friends", {"polarity": "-"})       # the group decided in plenary
    c = make("C", {"screen_time": "Skærmtid", "friends": "Venskaber"}, [("screen_time", "friends", "-")], group="C")
    w2, report = merge_maps([w1, c], names=["w1.yaml", "c.yaml"])
    link = w2.graph.edges["screen_time", "friends"]
    assert link["polarity"] == "-" and report.conflicts == []
    assert [(p["map"], p["polarity"]) for p in link["proposed_by"]] == [("a.yaml", "-"), ("b.yaml", "+"), ("c.yaml", "-")]


def test_merge_is_deterministic_byte_for_byte(tmp_path):
    paths = [SITE / "maps" / "w1_group_a.yaml", SITE / "maps" / "w1_group_b.yaml"]
    first = merge_files(paths, tmp_path / "one.yaml", synonyms=SITE / "synonyms.yaml", report=tmp_path / "one.md")
    merge_files(paths, tmp_path / "two.yaml", synonyms=SITE / "synonyms.yaml", report=tmp_path / "two.md")
    assert (tmp_path / "one.yaml").read_bytes() == (tmp_path / "two.yaml").read_bytes()
    assert (tmp_path / "one.md").read_bytes() == (tmp_path / "two.md").read_bytes()
    before = (tmp_path / "one.yaml").read_bytes()
    merge_files(paths, tmp_path / "one.yaml", synonyms=SITE / "synonyms.yaml", force=True)
    assert (tmp_path / "one.yaml").read_bytes() == before
    assert first[1].synonyms is not None


def test_shipped_w1_merged_map_is_reproduced_by_the_merge(tmp_path):
    shutil.copytree(SITE / "maps", tmp_path / "maps")
    shutil.copy(SITE / "synonyms.yaml", tmp_path / "synonyms.yaml")
    maps = tmp_path / "maps"
    shipped = (SITE / "maps" / "w1_merged.yaml").read_text(encoding="utf-8")
    args = ["merge", maps / "w1_group_a.yaml", maps / "w1_group_b.yaml", "--synonyms", tmp_path / "synonyms.yaml",
            "--title", load_map(SITE / "maps" / "w1_merged.yaml").title]
    # re-run onto the shipped file: byte for byte the same, its header comment kept, and the same report
    assert run(*args, "-o", maps / "w1_merged.yaml", "--force", "--report", maps / "report.md").exit_code == 0
    assert (maps / "w1_merged.yaml").read_text(encoding="utf-8") == shipped
    report = (maps / "report.md").read_text(encoding="utf-8")
    assert report == (SITE / "maps" / "w1_merge_report.md").read_text(encoding="utf-8")
    assert report.count("(illustrativt)") == 3
    # a fresh file is the shipped one without its comment lines
    result = run(*args, "-o", maps / "fresh.yaml")
    assert result.exit_code == 0, result.output
    body = "".join(line for line in shipped.splitlines(keepends=True) if not line.startswith("#"))
    assert (maps / "fresh.yaml").read_text(encoding="utf-8") == body


def test_merge_names_maps_relative_to_the_output_folder(tmp_path, groups):
    (tmp_path / "in").mkdir()
    save_map(groups[0], tmp_path / "in" / "a.yaml")
    save_map(groups[1], tmp_path / "in" / "b.yaml")
    merged, _ = merge_files([tmp_path / "in" / "a.yaml", tmp_path / "in" / "b.yaml"], tmp_path / "m.yaml")
    assert {p["map"] for _, _, attrs in merged.links() for p in attrs["proposed_by"]} == {"in/a.yaml", "in/b.yaml"}
    assert load_map(tmp_path / "m.yaml").meta["description"] == "Merged with 'gmb merge' from in/a.yaml, in/b.yaml."


@pytest.mark.parametrize("text, line, words", [
    ("keep: x\n", 1, "is a list"),
    ("- {keep: x, merge: [y]}\n- {keep: z}\n", 2, "needs 'keep: ID' and 'merge"),
    ("- {keep: x, merge: [y]}\n- {keep: z, merge: [w], why: typo}\n", 2, "unknown key 'why'"),
    ("- {keep: x, merge: [y]}\n- {keep: z, merge: [Y]}\n", 2, "'Y' is also listed at line 1"),
    ("- {keep: x, merge: [y]}\n- {keep: y, merge: [w]}\n", 2, "'y' is also listed at line 1"),
    ("- {keep: x, merge: [y]}\n- {keep: ' z', merge: [w]}\n", 2, "'keep' must be a variable id"),
    ("- {keep: x, merge: []}\n", 1, "'merge' must be a list"),
    ("- {keep: x, merge: [y\n", 2, "not valid YAML"),
])
def test_bad_synonyms_files_name_the_line(tmp_path, text, line, words):
    path = write(tmp_path / "syn.yaml", text)
    with pytest.raises(MapFileError) as err:
        load_synonyms(path)
    assert err.value.line == line and words in str(err.value)


def test_synonyms_file_keeps_notes_and_accepts_a_single_name(tmp_path):
    path = write(tmp_path / "syn.yaml", "# decisions\n- {keep: x, merge: y, note: agreed}\n")
    assert load_synonyms(path) == [SynonymEntry("x", ("y",), 2, "agreed")]
    assert load_synonyms(write(tmp_path / "empty.yaml", "# nothing decided yet\n")) == []


# -- CLI ----------------------------------------------------------------------------------------

@pytest.fixture
def files(tmp_path, groups):
    save_map(groups[0], tmp_path / "a.yaml")
    save_map(groups[1], tmp_path / "b.yaml")
    write(tmp_path / "syn.yaml", "- {keep: screen_time, merge: [skaermtiden]}\n")
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_merge_writes_map_and_report(files):
    result = run("merge", files / "a.yaml", files / "b.yaml", "-o", files / "m.yaml",
                 "--synonyms", files / "syn.yaml", "--report", files / "m.md")
    assert result.exit_code == 0, result.output
    assert "3 variables, 3 links" in result.output
    assert "conflict: screen_time → friends  (a.yaml group A: -; b.yaml group B: +)" in result.output
    assert load_map(files / "m.yaml").graph.edges["screen_time", "friends"]["polarity"] == "?"
    report = (files / "m.md").read_text(encoding="utf-8")
    assert "## Polarity conflicts (1)" in report and "| screen_time → friends |" in report
    titles = [load_map(files / name).title for name in ("a.yaml", "b.yaml", "m.yaml")]
    assert report.startswith(f"# Merge report: {titles[2]}\n\nInputs: `a.yaml` ({titles[0]}), `b.yaml` ({titles[1]})\n")


def test_cli_merge_json_and_proposals(files):
    result = run("merge", files / "a.yaml", files / "b.yaml", "-o", files / "m.yaml", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(p["keep"], p["merge"], p["similarity"]) for p in data["proposals"]] == [("screen_time", "skaermtiden", 0.89)]


def test_cli_merge_refuses_to_overwrite_without_force(files):
    out = write(files / "m.yaml", "keep me\n")
    result = run("merge", files / "a.yaml", files / "b.yaml", "-o", out)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "exists already" in result.stderr and "--force" in result.stderr
    assert out.read_text() == "keep me\n"
    assert run("merge", files / "a.yaml", files / "b.yaml", "-o", out, "--force").exit_code == 0
    assert load_map(out).graph.number_of_nodes() == 4


def test_cli_merge_missing_input_is_one_line_and_writes_nothing(files):
    result = run("merge", files / "a.yaml", files / "nope.yaml", "-o", files / "m.yaml")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "nope.yaml" in result.stderr and "no such file" in result.stderr
    assert not (files / "m.yaml").exists()


def test_cli_merge_bad_synonyms_file_names_the_line(files):
    write(files / "bad.yaml", "- {keep: screen_time, merge: [skaermtiden]}\n- {merge: [x]}\n")
    result = run("merge", files / "a.yaml", files / "b.yaml", "-o", files / "m.yaml", "--synonyms", files / "bad.yaml")
    assert result.exit_code == 2
    assert result.stderr == f"error: {files / 'bad.yaml'}:2: each entry needs 'keep: ID' and 'merge: [NAME, ...]'\n"
    assert not (files / "m.yaml").exists()


def test_cli_merge_missing_synonyms_file_says_which_option(files):
    result = run("merge", files / "a.yaml", files / "b.yaml", "-o", files / "m.yaml", "--synonyms", files / "nope.yaml")
    assert result.exit_code == 2
    assert result.stderr == f"error: {files / 'nope.yaml'}: no such file; check the path of the synonyms file (--synonyms)\n"
    assert not (files / "m.yaml").exists()


def test_cli_merge_warns_about_unused_synonyms(files):
    write(files / "syn2.yaml", "- {keep: screen_time, merge: [skaermtiden, Nowhere]}\n")
    result = run("merge", files / "a.yaml", files / "b.yaml", "-o", files / "m.yaml", "--synonyms", files / "syn2.yaml")
    assert result.exit_code == 0
    assert result.stderr == f"warning: {files / 'syn2.yaml'}:1: 'Nowhere' (keep screen_time) matched no variable\n"


def test_cli_merge_to_a_directory_is_refused_before_anything_is_written(files):
    (files / "folder").mkdir()
    for extra in (["-o", files / "folder", "--force"], ["-o", files / "m.yaml", "--report", files / "folder", "--force"]):
        result = run("merge", files / "a.yaml", files / "b.yaml", *extra)
        assert result.exit_code == 2
        assert result.stderr == f"error: {files / 'folder'}: is a directory; give the name of a file to write\n"
    assert not (files / "m.yaml").exists() and list((files / "folder").iterdir()) == []


def test_cli_merge_report_directory_must_exist(files):
    result = run("merge", files / "a.yaml", "-o", files / "m.yaml", "--report", files / "no" / "r.md")
    assert result.exit_code == 2 and "directory does not exist" in result.stderr
    assert not (files / "m.yaml").exists()
