"""The editing CLI (new, show, outcome, theme add, var ..., link ...) through click's CliRunner.

Every command is checked by reading the map file afterwards; every bad input by exit code 2, one
line on stderr, no traceback and a map file that is byte-identical to what it was.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gmb.cli import main
from gmb.maps.store import load_map, validate_file

HOSTILE = 'Skærm "tid" 📱 <script>alert(\'x\')</script> # ikke: en kommentar'


def gmb(*args) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def ok(*args) -> str:
    result = gmb(*args)
    assert result.exit_code == 0, result.output
    assert result.stderr == "" or result.stderr.startswith("warning: "), result.stderr
    return result.stdout


@pytest.fixture
def mapfile(tmp_path) -> Path:
    """A small map made with the CLI: three variables, two links, a theme, an outcome."""
    path = tmp_path / "trivsel.yaml"
    ok("new", path, "--title", "Børns trivsel", "--languages", "da,en")
    ok("theme", "add", path, "screens", "--label", "Skærme", "--label-en", "Screens", "--color", "#5b8def")
    ok("var", "add", path, "screen_time", "--label", "Skærmtid", "--label-en", "Screen time", "--theme", "screens")
    ok("var", "add", path, "sleep", "--label", "Søvn", "--label-en", "Sleep")
    ok("var", "add", path, "wellbeing", "--label", "Trivsel", "--label-en", "Wellbeing")
    ok("link", "add", path, "Skærmtid", "søvn", "--polarity", "-", "--strength", "medium", "--delay",
       "--source", "w1", "--group", "B", "--quote", "De sidder med telefonen til midnat")
    ok("link", "add", path, "sleep", "wellbeing", "--polarity", "+")
    ok("outcome", path, "Wellbeing")
    return path


def links_of(path: Path) -> dict[tuple[str, str], dict]:
    return {(u, v): attrs for u, v, attrs in load_map(path).links()}


# -- each command, checked in the file --------------------------------------------------------

def test_new_writes_a_valid_empty_map_and_refuses_to_overwrite(tmp_path):
    path = tmp_path / "m.yaml"
    assert ok("new", path, "--title", "Trivsel", "--languages", "en, da") == f"created {path} (en, da)\n"
    cmap = load_map(path)
    assert (cmap.title, cmap.languages, cmap.variables, cmap.outcome) == ("Trivsel", ["en", "da"], [], [])
    assert path.read_text(encoding="utf-8").startswith("# A gmb causal loop diagram.")
    before = path.read_bytes()
    refused = gmb("new", path, "--title", "Other")
    assert refused.exit_code == 2 and "exists already" in refused.stderr and path.read_bytes() == before
    ok("new", path, "--title", "Other", "--force")
    assert load_map(path).title == "Other"


def test_the_fixture_session_wrote_what_was_asked(mapfile):
    cmap = load_map(mapfile)
    assert cmap.variables == ["screen_time", "sleep", "wellbeing"]
    assert cmap.graph.nodes["screen_time"] == {"label": {"da": "Skærmtid", "en": "Screen time"}, "theme": "screens"}
    assert cmap.themes == {"screens": {"label": {"da": "Skærme", "en": "Screens"}, "color": "#5b8def"}}
    assert links_of(mapfile) == {
        ("screen_time", "sleep"): {"polarity": "-", "strength": "medium", "delay": True,
                                   "source": {"workshop": "w1", "group": "B", "quote": "De sidder med telefonen til midnat"}},
        ("sleep", "wellbeing"): {"polarity": "+"}}
    assert cmap.outcome == ["wellbeing"]
    report = validate_file(mapfile)   # nothing causes screen_time yet: the one warning
    assert report.errors == [] and [(p.code, p.variable) for p in report.warnings] == [("no-causes", "screen_time")]


def test_show_prints_counts_themes_outcome_and_problems(mapfile):
    text = ok("show", mapfile)
    assert "variables: 3  (3 index)" in text
    assert "links:     2  (+ 1, - 1, ? 0)" in text
    assert "theme:     Skærme [screens], 1 variables" in text
    assert "outcome:   Trivsel" in text
    assert "problems:  0 errors, 1 warnings  (details: gmb validate)" in text
    summary = json.loads(ok("show", mapfile, "--json"))
    assert summary == {"title": "Børns trivsel", "languages": ["da", "en"], "variables": 3, "links": 2,
                       "polarity": {"+": 1, "-": 1, "?": 0}, "kinds": {"index": 3},
                       "themes": [{"id": "screens", "label": "Skærme", "variables": 1}],
                       "outcome": ["wellbeing"], "errors": 0, "warnings": 1}


def test_show_counts_problems_of_an_unfinished_map(tmp_path):
    path = tmp_path / "m.yaml"
    ok("new", path, "--title", "T")
    ok("var", "add", path, "a", "--label", "A")
    summary = json.loads(ok("show", path, "--json"))
    # 'a' is isolated, and no outcome is set: two warnings, no errors
    assert (summary["variables"], summary["links"], summary["errors"], summary["warnings"]) == (1, 0, 0, 2)
    assert "(none set)" in ok("show", path)


def test_theme_add_and_var_add_with_theme_and_kind(mapfile):
    ok("theme", "add", mapfile, "community", "--label", "Fællesskaber")
    ok("var", "add", mapfile, "bike_paths", "--label", "Sikre cykelstier", "--theme", "community", "--kind", "action")
    cmap = load_map(mapfile)
    assert cmap.themes["community"] == {"label": {"da": "Fællesskaber"}}
    assert cmap.graph.nodes["bike_paths"] == {"label": {"da": "Sikre cykelstier"}, "theme": "community", "kind": "action"}


def test_outcome_takes_several_variables_by_label_and_drops_repeats(mapfile):
    assert ok("outcome", mapfile, "TRIVSEL", "sleep", "Wellbeing") == "outcome: wellbeing, sleep\n"
    assert load_map(mapfile).outcome == ["wellbeing", "sleep"]


def test_names_resolve_by_label_in_any_language_ignoring_case(mapfile):
    ok("link", "add", mapfile, "WELLBEING", "SKÆRMTID", "--polarity", "-")
    ok("link", "set", mapfile, "trivsel", "Screen TIME", "strength=weak")
    assert links_of(mapfile)[("wellbeing", "screen_time")] == {"polarity": "-", "strength": "weak"}


def test_a_misspelt_name_gets_did_you_mean(mapfile):
    before = mapfile.read_bytes()
    result = gmb("link", "add", mapfile, "Skærmtd", "sleep", "--polarity", "+")
    assert result.exit_code == 2
    assert result.stderr == "error: unknown variable 'Skærmtd'; did you mean 'screen_time'?\n"
    assert mapfile.read_bytes() == before


def test_var_rename_changes_the_id_everywhere(mapfile):
    assert ok("var", "rename", mapfile, "Søvn", "night_sleep") == "renamed sleep to night_sleep\n"
    cmap = load_map(mapfile)
    assert cmap.variables == ["screen_time", "night_sleep", "wellbeing"]
    assert list(links_of(mapfile)) == [("screen_time", "night_sleep"), ("night_sleep", "wellbeing")]
    assert cmap.label("night_sleep", "en") == "Sleep"


def test_var_rename_label_changes_one_language(mapfile):
    ok("var", "rename", mapfile, "sleep", "Nattesøvn", "--label")
    ok("var", "rename", mapfile, "sleep", "Night sleep", "--label", "--lang", "en")
    assert load_map(mapfile).graph.nodes["sleep"]["label"] == {"da": "Nattesøvn", "en": "Night sleep"}


def test_var_set_parses_values_and_null_removes(mapfile):
    ok("var", "set", mapfile, "sleep", "adjust_time=6", "units=timer/nat", "label.en=Night sleep", "kind=stock",
       "source.workshop=w2")
    assert load_map(mapfile).graph.nodes["sleep"] == {
        "label": {"da": "Søvn", "en": "Night sleep"}, "adjust_time": 6, "units": "timer/nat", "kind": "stock",
        "source": {"workshop": "w2"}}
    ok("var", "set", mapfile, "sleep", "units=null", "adjust_time=2.5")
    assert load_map(mapfile).graph.nodes["sleep"] == {
        "label": {"da": "Søvn", "en": "Night sleep"}, "adjust_time": 2.5, "kind": "stock", "source": {"workshop": "w2"}}


def test_var_set_keeps_text_values_as_text(mapfile):
    ok("var", "set", mapfile, "sleep", "label.en=No", "units=1.5", "notes=yes", "source.group=2", "adjust_time=3")
    assert load_map(mapfile).graph.nodes["sleep"] == {
        "label": {"da": "Søvn", "en": "No"}, "units": "1.5", "notes": "yes", "source": {"group": "2"},
        "adjust_time": 3}
    ok("var", "set", mapfile, "sleep", "notes=null", "units=")
    assert "notes" not in load_map(mapfile).graph.nodes["sleep"] and "units" not in load_map(mapfile).graph.nodes["sleep"]


def test_link_add_keeps_a_whole_number_strength_whole(mapfile):
    ok("link", "add", mapfile, "wellbeing", "sleep", "--polarity", "+", "--strength", "2")
    ok("link", "add", mapfile, "wellbeing", "screen_time", "--polarity", "-", "--strength", "2.0")
    strengths = [links_of(mapfile)[link]["strength"] for link in (("wellbeing", "sleep"), ("wellbeing", "screen_time"))]
    assert strengths == [2, 2] and [type(x) for x in strengths] == [int, float]
    assert "strength: 2}" in mapfile.read_text(encoding="utf-8")


def test_var_remove_refuses_while_links_exist_and_force_removes_them(mapfile):
    before = mapfile.read_bytes()
    refused = gmb("var", "remove", mapfile, "sleep")
    assert refused.exit_code == 2
    assert refused.stderr == ("error: variable 'sleep' still has 2 link(s) (screen_time → sleep, sleep → wellbeing); "
                              "remove them first or use --force\n")
    assert mapfile.read_bytes() == before
    assert ok("var", "remove", mapfile, "Sleep", "--force") == "removed variable sleep and 2 link(s)\n"
    cmap = load_map(mapfile)
    assert cmap.variables == ["screen_time", "wellbeing"] and links_of(mapfile) == {}


def test_var_remove_without_links_and_outcome_follows(mapfile):
    ok("var", "add", mapfile, "spare", "--label", "Reserve")
    assert ok("var", "remove", mapfile, "reserve") == "removed variable spare\n"
    assert "spare" not in load_map(mapfile).variables
    ok("var", "remove", mapfile, "wellbeing", "--force")
    assert load_map(mapfile).outcome == []


def test_var_merge_repoints_links_and_keeps_labels_as_synonyms(mapfile):
    ok("var", "add", mapfile, "skaerm_tid", "--label", "skærm tid", "--label-en", "Screens")
    ok("link", "add", mapfile, "skaerm_tid", "wellbeing", "--polarity", "-")
    ok("link", "add", mapfile, "sleep", "skaerm_tid", "--polarity", "-")
    result = gmb("var", "merge", mapfile, "Skærmtid", "skærm tid")
    assert result.exit_code == 0 and result.stdout == "merged skaerm_tid into screen_time\n"
    cmap = load_map(mapfile)
    assert "skaerm_tid" not in cmap.graph
    # links into the duplicate, then out of it, are appended in that order
    assert list(links_of(mapfile)) == [("screen_time", "sleep"), ("sleep", "wellbeing"),
                                       ("sleep", "screen_time"), ("screen_time", "wellbeing")]
    assert cmap.graph.nodes["screen_time"]["synonyms"] == ["skaerm_tid", "skærm tid", "Screens"]
    assert cmap.resolve("SKÆRM TID") == "screen_time"


def test_var_merge_warns_about_a_conflict_and_a_dropped_self_link(mapfile):
    ok("var", "add", mapfile, "sovn", "--label", "Nattesøvn")
    ok("link", "add", mapfile, "screen_time", "sovn", "--polarity", "+")   # screen_time → sleep is "-"
    ok("link", "add", mapfile, "sovn", "sleep", "--polarity", "+")         # becomes sleep → sleep
    result = gmb("var", "merge", mapfile, "sleep", "sovn")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "warning: link screen_time → sleep: polarities - and + disagree; set to ? for the group to decide",
        "warning: dropped link sovn → sleep: it would link 'sleep' to itself"]
    assert links_of(mapfile)[("screen_time", "sleep")]["polarity"] == "?"
    assert ("sleep", "sleep") not in links_of(mapfile)


def test_link_add_remove_set_flip(mapfile):
    assert ok("link", "add", mapfile, "wellbeing", "sleep", "--polarity", "?", "--strength", "0.4",
              "--confidence", "low") == "added link wellbeing → sleep (?)\n"
    assert links_of(mapfile)[("wellbeing", "sleep")] == {"polarity": "?", "strength": 0.4, "confidence": "low"}
    ok("link", "set", mapfile, "wellbeing", "sleep", "polarity=+", "delay=3", "source.quote=Glade børn sover godt")
    assert links_of(mapfile)[("wellbeing", "sleep")] == {"polarity": "+", "strength": 0.4, "confidence": "low",
                                                        "delay": 3, "source": {"quote": "Glade børn sover godt"}}
    ok("link", "set", mapfile, "wellbeing", "sleep", "strength=null")
    assert "strength" not in links_of(mapfile)[("wellbeing", "sleep")]
    assert ok("link", "flip", mapfile, "skærmtid", "sleep") == "link screen_time → sleep is now +\n"
    assert links_of(mapfile)[("screen_time", "sleep")]["polarity"] == "+"
    ok("link", "flip", mapfile, "screen_time", "sleep")
    assert links_of(mapfile)[("screen_time", "sleep")]["polarity"] == "-"
    assert ok("link", "remove", mapfile, "Wellbeing", "Søvn") == "removed link wellbeing → sleep\n"
    assert list(links_of(mapfile)) == [("screen_time", "sleep"), ("sleep", "wellbeing")]


def test_hostile_labels_are_stored_and_read_back_as_exact_text(mapfile):
    ok("var", "add", mapfile, "odd", "--label", HOSTILE, "--label-en", "colon: and 'single' quotes")
    ok("link", "add", mapfile, HOSTILE.upper(), "sleep", "--polarity", "+", "--quote", 'Hun sagde: "nej!" 😴')
    cmap = load_map(mapfile)
    assert cmap.graph.nodes["odd"]["label"] == {"da": HOSTILE, "en": "colon: and 'single' quotes"}
    assert cmap.graph.edges["odd", "sleep"]["source"] == {"quote": 'Hun sagde: "nej!" 😴'}
    shown = json.loads(ok("show", mapfile, "--json"))
    assert shown["variables"] == 4
    assert cmap.resolve(HOSTILE) == "odd"


# -- bad input: exit 2, one line on stderr, no traceback, file untouched --------------------------

def refused(path: Path, *args, expect: str) -> None:
    before = path.read_bytes() if path.is_file() else None
    result = gmb(*args)
    assert result.exit_code == 2, (args, result.output)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), (args, result.stderr)
    assert expect in result.stderr, (args, result.stderr)
    assert "Traceback" not in result.output and result.stdout == ""
    if before is not None:
        assert path.read_bytes() == before, args


BAD_EDITS = [
    (("var", "add", "{map}", "sleep", "--label", "Igen"), "variable 'sleep' exists already"),
    (("var", "add", "{map}", "SLEEP", "--label", "Igen"), "variable 'sleep' exists already"),
    (("var", "add", "{map}", " x", "--label", "X"), "invalid id ' x'"),
    (("var", "add", "{map}", "x", "--label", "X", "--theme", "nowhere"), "unknown theme 'nowhere'"),
    (("var", "add", "{map}", "x", "--label", "X", "--kind", "flow"), "'flow' is not one of"),
    (("var", "rename", "{map}", "sleep", "wellbeing"), "variable 'wellbeing' exists already"),
    (("var", "rename", "{map}", "nobody", "x"), "unknown variable 'nobody'"),
    (("var", "remove", "{map}", "nobody"), "unknown variable 'nobody'"),
    (("var", "merge", "{map}", "sleep", "Søvn"), "cannot merge 'sleep' with itself"),
    (("var", "merge", "{map}", "sleep", "ghost"), "unknown variable 'ghost'"),
    (("var", "set", "{map}", "sleep", "theme=nowhere"), "the edit would add an error: variable 'sleep': unknown theme"),
    (("var", "set", "{map}", "sleep", "kind=flow"), "kind 'flow' is not one of"),
    (("var", "set", "{map}", "sleep", "adjust_time=-1"), "adjust_time -1 must be a positive number"),
    (("var", "set", "{map}", "sleep", "label"), "'label' is not KEY=VALUE"),
    (("var", "set", "{map}", "sleep", "label.en.x=1"), "'en' is not a mapping"),
    (("var", "set", "{map}", "sleep", "id=x"), "change an id with 'gmb var rename'"),
    (("link", "add", "{map}", "sleep", "sleep", "--polarity", "+"), "a link from 'sleep' to itself is not allowed"),
    (("link", "add", "{map}", "Søvn", "SLEEP", "--polarity", "+"), "a link from 'sleep' to itself is not allowed"),
    (("link", "add", "{map}", "sleep", "wellbeing", "--polarity", "-"), "link sleep → wellbeing exists already"),
    (("link", "add", "{map}", "sleep", "screen_time", "--polarity", "x"), "'x' is not one of '+', '-', '?'"),
    (("link", "add", "{map}", "sleep", "screen_time", "--polarity", "+", "--strength", "huge"),
     "Invalid value for '--strength': 'huge': use weak"),
    (("link", "add", "{map}", "sleep", "screen_time", "--polarity", "+", "--strength", "inf"),
     "strength inf must be weak, medium, strong or a positive number"),
    (("link", "add", "{map}", "sleep", "screen_time"), "Missing option '--polarity'. Choose from: +, -, ?"),
    (("link", "add", "{map}", "sleep", "ghost", "--polarity", "+"), "unknown variable 'ghost'"),
    (("link", "add", "{map}", "sleep"), "Missing argument 'TO'"),
    (("link", "set", "{map}", "sleep", "wellbeing", "polarity=x"), "polarity 'x' must be +, - or ?"),
    (("link", "set", "{map}", "sleep", "wellbeing", "strength=huge"), "strength 'huge' must be weak, medium, strong"),
    (("link", "set", "{map}", "sleep", "wellbeing", "delay=-2"), "delay -2 must be true, false or a time"),
    (("link", "set", "{map}", "sleep", "wellbeing", "to=screen_time"), "a link's ends cannot be set"),
    (("link", "set", "{map}", "wellbeing", "sleep", "strength=weak"), "no link wellbeing → sleep (the link goes the other way)"),
    (("link", "remove", "{map}", "wellbeing", "screen_time"), "no link wellbeing → screen_time"),
    (("link", "flip", "{map}", "screen_time", "wellbeing"), "no link screen_time → wellbeing"),
    (("theme", "add", "{map}", "screens", "--label", "Igen"), "theme 'screens' exists already"),
    (("outcome", "{map}", "ghost"), "unknown variable 'ghost'"),
]


@pytest.mark.parametrize("args, expect", BAD_EDITS, ids=[" ".join(a[:2]) + ": " + e for a, e in BAD_EDITS])
def test_a_bad_edit_is_refused_and_leaves_the_file_byte_identical(mapfile, args, expect):
    refused(mapfile, *[mapfile if a == "{map}" else a for a in args], expect=expect)


def test_flip_refuses_a_link_of_unknown_polarity(mapfile):
    ok("link", "set", mapfile, "sleep", "wellbeing", "polarity=?")
    refused(mapfile, "link", "flip", mapfile, "sleep", "wellbeing", expect="has polarity '?'; set + or -")


def test_an_ambiguous_label_names_both_variables(mapfile):
    ok("var", "add", mapfile, "sleep2", "--label", "Hvile", "--label-en", "Sleep")
    refused(mapfile, "link", "add", mapfile, "Sleep", "wellbeing", "--polarity", "+",
            expect="unknown variable 'Sleep'; did you mean 'sleep' or 'sleep2'?")


UNREADABLE = {
    "missing.yaml": (None, "missing.yaml: no such file; check the path, or create a map with 'gmb new'"),
    "folder.yaml": ("dir", "folder.yaml: is a directory, not a file"),
    "empty.yaml": (b"", "empty.yaml: is empty; create a map with 'gmb new'"),
    "blank.yaml": (b"\n  \n", "blank.yaml: is empty"),
    "binary.yaml": (bytes(range(256)), "binary.yaml: is a binary file, not a text file; check the path"),
    "latin1.yaml": ("title: Søvn\n".encode("latin-1"), "latin1.yaml:1: is not UTF-8 text; save it as UTF-8"),
    "malformed.yaml": (b"title: x\nvariables:\n  a: {label: [unclosed\n", "malformed.yaml:4: not valid YAML"),
    "badindent.yaml": (b"title: x\n variables: 1\n", "badindent.yaml:2: not valid YAML"),
    "list.yaml": (b"- a\n- b\n", "list.yaml:1: is not a gmb map"),
    "version.yaml": (b"gmb: 7\ntitle: x\n", "version.yaml:1: map format version 7 is not supported"),
    "dupid.yaml": (b"title: x\nvariables:\n  a: {label: A}\n  a: {label: B}\n",
                   "dupid.yaml:4: duplicate id 'a' in variables (also line 3)"),
    "badsection.yaml": (b"title: x\nvariables: [a, b]\n", "badsection.yaml:2: 'variables' must be a mapping"),
}

COMMANDS_ON = [("show", "{map}"), ("show", "{map}", "--json"), ("validate", "{map}"), ("validate", "{map}", "--json"),
               ("var", "add", "{map}", "x", "--label", "X"), ("link", "add", "{map}", "a", "b", "--polarity", "+"),
               ("var", "set", "{map}", "a", "units=t"), ("outcome", "{map}", "a"), ("theme", "add", "{map}", "t", "--label", "T")]


@pytest.mark.parametrize("name", list(UNREADABLE))
def test_an_unreadable_map_gives_one_line_naming_file_and_line(tmp_path, name):
    content, expect = UNREADABLE[name]
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    read_only = {"dupid.yaml", "badsection.yaml"}   # readable enough for validate/show to report them
    for command in COMMANDS_ON:
        args = [path if a == "{map}" else a for a in command]
        if name in read_only and command[0] in ("show", "validate"):
            continue
        refused(path, *args, expect=f"{path.parent}/{expect}" if "/" not in expect else expect)
    assert sorted(p.name for p in tmp_path.iterdir()) == ([name] if content is not None else [])


def test_a_structural_error_is_reported_by_validate_and_show_not_raised(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(UNREADABLE["dupid.yaml"][0].decode(), encoding="utf-8")
    result = gmb("validate", path, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"][0]["code"] == "duplicate-id"
    assert json.loads(ok("show", path, "--json"))["errors"] == 1


def test_a_link_whose_ends_are_not_ids_is_reported_with_its_line(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("gmb: 1\ntitle: x\nvariables:\n  a: {label: A}\nlinks:\n  - {from: [a], to: a}\n"
                    "  - {from: {x: 1}, to: a}\n", encoding="utf-8")
    report = json.loads(gmb("validate", path, "--json").stdout)
    assert [(e["code"], e["line"]) for e in report["errors"]] == [("invalid-link", 6), ("invalid-link", 7)]
    refused(path, "link", "add", path, "a", "a", "--polarity", "+", expect="m.yaml:6: a link's 'from' and 'to' must be")


@pytest.mark.parametrize("command", [["new", "{path}", "--title", "T"], ["show", "{path}"], ["validate", "{path}"],
                                     ["var", "add", "{path}", "x", "--label", "X"]], ids=lambda c: c[0])
def test_a_file_name_the_system_refuses_is_one_line(tmp_path, command):
    path = tmp_path / ("x" * 300 + ".yaml")
    result = gmb(*[path if a == "{path}" else a for a in command])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: {path}: ") and "name too long" in result.stderr


def test_new_in_a_missing_directory_is_refused(tmp_path):
    path = tmp_path / "no" / "m.yaml"
    refused(path, "new", path, "--title", "T", expect="directory")
    assert not path.parent.exists()


def test_every_command_has_help_with_an_example():
    for args in (["new"], ["show"], ["validate"], ["outcome"], ["theme", "add"], ["var", "add"], ["var", "rename"],
                 ["var", "remove"], ["var", "merge"], ["var", "set"], ["link", "add"], ["link", "remove"],
                 ["link", "set"], ["link", "flip"]):
        result = gmb(*args, "--help")
        assert result.exit_code == 0 and "Example" in result.stdout, args
