"""Validation: each error and warning kind on a tiny map, ``gmb validate`` exit codes and ``--json``."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmb.cli import main
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map, save_map
from gmb.maps.validate import near_duplicate_labels, validate
from gmb.maps.yamltext import dump_text

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "models" / "havndal.yaml"


def clean_map() -> CausalMap:
    """A loop a → b → a plus an action into it, an outcome and a theme: no errors, no warnings."""
    cmap = CausalMap.new("clean")
    cmap.add_theme("t", "Tema")
    cmap.add_variable("a", {"da": "Skærmtid", "en": "Screen time"}, theme="t", adjust_time=6)
    cmap.add_variable("b", {"da": "Søvn", "en": "Sleep"})
    cmap.add_variable("act", {"da": "Cykelstier"}, kind="action")
    cmap.add_link("a", "b", "-", strength="medium", delay=True, confidence="high")
    cmap.add_link("b", "a", "-", strength=0.5, delay=2.5, confidence=0.8)
    cmap.add_link("act", "b", "+", strength="weak")
    cmap.set_outcome(["b"])
    return cmap


def found(cmap: CausalMap) -> tuple[list, list]:
    """(errors, warnings) as (code, variable, link) triples."""
    report = validate(cmap)
    return ([(p.code, p.variable, p.link) for p in report.errors],
            [(p.code, p.variable, p.link) for p in report.warnings])


def test_a_clean_map_has_no_problems():
    assert found(clean_map()) == ([], [])


@pytest.mark.parametrize("change, warning", [
    (lambda m: m.add_variable("lonely", "Ensomhed"), ("isolated", "lonely", None)),
    (lambda m: m.remove_link("b", "a"), ("no-causes", "a", None)),
    (lambda m: m.set_link("a", "b", {"polarity": "?"}), ("unknown-polarity", None, ("a", "b"))),
    (lambda m: m.meta.update(outcome=[]), ("no-outcome", None, None)),
    (lambda m: m.graph.nodes["b"].update(weight=3), ("unknown-key", "b", None)),
    (lambda m: m.set_variable("b", {"label": None}), ("no-label", "b", None)),
    (lambda m: m.add_link("a", "act", "+"), ("action-with-causes", "act", None)),
    (lambda m: m.set_variable("b", {"label.en": False}), ("label-not-text", "b", None)),
    (lambda m: m.graph.nodes["b"].update(source={"who": "Bo"}), ("unknown-key", "b", None)),
    (lambda m: m.link("a", "b").update(source={"group": "B", "speaker": "Bo"}), ("unknown-key", None, ("a", "b"))),
    (lambda m: m.themes["t"].update(colour="red"), ("unknown-key", None, None)),
], ids=["isolated", "no-causes", "unknown-polarity", "no-outcome", "unknown-key", "no-label", "action-with-causes",
        "label-not-text", "variable-source-key", "link-source-key", "theme-key"])
def test_each_warning_kind(change, warning):
    cmap = clean_map()
    change(cmap)
    assert found(cmap) == ([], [warning])


def test_actions_and_constants_need_no_causes_but_isolated_ones_are_still_reported():
    cmap = clean_map()
    cmap.add_variable("k", "Konstant", kind="constant")
    cmap.add_link("k", "a", "+")
    assert found(cmap) == ([], [])
    cmap.add_variable("idle", "Ubrugt idé", kind="action")
    assert found(cmap) == ([], [("isolated", "idle", None)])


def test_near_duplicate_labels_skaermtid_and_skaerm_tid():
    cmap = clean_map()
    cmap.add_variable("skaerm_tid", "skærm tid")
    cmap.add_link("skaerm_tid", "b", "-")
    errors, warnings = found(cmap)
    assert errors == [] and ("near-duplicate", "skaerm_tid", None) in warnings
    assert near_duplicate_labels(cmap) == [("a", "skaerm_tid", "Skærmtid", "skærm tid")]
    message = next(p.message for p in validate(cmap).warnings if p.code == "near-duplicate")
    assert "gmb var merge MAP a skaerm_tid" in message


@pytest.mark.parametrize("labels, duplicate", [
    (("Skærmtid", "SKÆRMTID!"), True),           # case and punctuation
    (("Fællesskab", "Fællesskaber"), False),      # two letters more
    (("Fællesskaber", "Fællesskabet"), True),     # one letter changed in a long label
    (("Fællesskaber", "Fællesskabr"), True),      # one letter dropped in a long label
    (("Trivsel i 5. klasse", "Trivsel i 6. klasse"), False),   # numbers differ
    (("Søvn", "Søv"), False),                     # short labels must match exactly (after normalising)
])
def test_near_duplicate_rules(labels, duplicate):
    cmap = CausalMap.new("x")
    cmap.add_variable("p", labels[0])
    cmap.add_variable("q", labels[1])
    assert bool(near_duplicate_labels(cmap)) is duplicate


@pytest.mark.parametrize("change, error", [
    (lambda m: m.set_link("a", "b", {"polarity": "++"}), ("invalid-polarity", None, ("a", "b"))),
    (lambda m: m.set_link("a", "b", {"strength": "huge"}), ("invalid-strength", None, ("a", "b"))),
    (lambda m: m.set_link("a", "b", {"strength": -1}), ("invalid-strength", None, ("a", "b"))),
    (lambda m: m.set_link("a", "b", {"strength": True}), ("invalid-strength", None, ("a", "b"))),
    (lambda m: m.set_link("a", "b", {"strength": float("inf")}), ("invalid-strength", None, ("a", "b"))),
    (lambda m: m.set_variable("b", {"adjust_time": float("nan")}), ("invalid-adjust-time", "b", None)),
    (lambda m: m.set_link("a", "b", {"delay": "soon"}), ("invalid-delay", None, ("a", "b"))),
    (lambda m: m.set_link("a", "b", {"confidence": 1.5}), ("invalid-confidence", None, ("a", "b"))),
    (lambda m: m.set_variable("b", {"theme": "nowhere"}), ("unknown-theme", "b", None)),
    (lambda m: m.set_variable("b", {"kind": "flow"}), ("invalid-kind", "b", None)),
    (lambda m: m.set_variable("b", {"adjust_time": 0}), ("invalid-adjust-time", "b", None)),
    (lambda m: m.meta.update(outcome=["ghost"]), ("unknown-outcome", "ghost", None)),
    (lambda m: m.meta.update(strengths={"weak": 0.1, "huge": 2}), ("invalid-strengths", None, None)),
    (lambda m: m.meta.update(strengths={"weak": 0}), ("invalid-strengths", None, None)),
    (lambda m: m.meta.update(strengths=[0.1, 0.2]), ("invalid-strengths", None, None)),
], ids=["polarity", "strength-word", "strength-negative", "strength-bool", "strength-infinite", "adjust-time-nan", "delay", "confidence", "theme", "kind",
        "adjust-time", "outcome", "strengths-key", "strengths-zero", "strengths-list"])
def test_each_error_kind(change, error):
    cmap = clean_map()
    change(cmap)
    assert found(cmap) == ([error], [])


def test_links_to_missing_variables_and_repeated_links_are_errors_with_their_lines():
    data = clean_map().to_data()
    data["links"] += [{"from": "a", "to": "ghost", "polarity": "+"}, {"from": "a", "to": "b", "polarity": "+"}]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.yaml"
        path.write_text(dump_text(data), encoding="utf-8")
        result = CliRunner().invoke(main, ["validate", str(path), "--json"])
    assert result.exit_code == 1
    lines = dump_text(data).splitlines()
    ghost_line = next(i for i, line in enumerate(lines, 1) if "ghost" in line)
    report = json.loads(result.stdout)
    first_line = lines.index('  - {from: a, to: b, polarity: "-", strength: medium, delay: true, confidence: high}') + 1
    repeat_line = lines.index('  - {from: a, to: b, polarity: "+"}') + 1
    assert report == {"warnings": [], "errors": [
        {"code": "missing-variable", "message": "link a → ghost: no variable 'ghost'; add it or fix the link",
         "variable": None, "link": ["a", "ghost"], "line": ghost_line},
        {"code": "duplicate-link", "message": f"link a → b appears more than once (first at line {first_line}); keep one",
         "variable": None, "link": ["a", "b"], "line": repeat_line}]}
    assert repeat_line > first_line


def test_duplicate_ids_are_errors_naming_the_variable_and_both_lines(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("gmb: 1\ntitle: x\noutcome: [a]\nvariables:\n  a: {label: A}\n  b: {label: B}\n  a: {label: C}\n"
                    "links:\n  - {from: b, to: a, polarity: '+'}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path), "--json"])
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert errors == [{"code": "duplicate-id", "variable": "a", "link": None, "line": 7,
                       "message": "duplicate id 'a' in variables (also line 5); rename or merge one of them"}]


def test_validate_exit_codes_and_text_output(tmp_path):
    path = tmp_path / "m.yaml"
    save_map(clean_map(), path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert (result.exit_code, result.stdout) == (0, f"{path}: 0 errors, 0 warnings\n")

    cmap = load_map(path)
    cmap.add_variable("lonely", "Ensomhed")
    save_map(cmap, path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "lonely" in text)
    assert (result.exit_code, result.stdout) == (
        1, f"{path}:{line}: warning: variable 'lonely': isolated: no links in or out\n{path}: 0 errors, 1 warnings\n")

    cmap.set_link("a", "b", {"polarity": "x"})
    save_map(cmap, path)
    result = CliRunner().invoke(main, ["validate", str(path), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "errors": [{"code": "invalid-polarity", "message": "link a → b: polarity 'x' must be +, - or ?",
                    "variable": None, "link": ["a", "b"], "line": load_map(path).origin.link_lines[("a", "b")]}],
        "warnings": [{"code": "isolated", "message": "variable 'lonely': isolated: no links in or out",
                      "variable": "lonely", "link": None, "line": line}]}

    missing = CliRunner().invoke(main, ["validate", str(tmp_path / "none.yaml"), "--json"])
    assert missing.exit_code == 2 and missing.stdout == "" and missing.stderr.count("\n") == 1


def test_json_items_each_name_their_variable_or_link():
    cmap = clean_map()
    cmap.add_variable("lonely", "Ensomhed", theme="nowhere")
    cmap.set_link("a", "b", {"polarity": "?", "strength": "huge"})
    cmap.meta["outcome"] = []
    report = validate(cmap).to_dict()
    assert set(report) == {"errors", "warnings"}
    for item in report["errors"] + report["warnings"]:
        assert set(item) == {"code", "message", "variable", "link", "line"}
        assert item["variable"] or item["link"] or item["code"] == "no-outcome", item
    assert [i["code"] for i in report["errors"]] == ["unknown-theme", "invalid-strength"]
    assert [i["code"] for i in report["warnings"]] == ["isolated", "unknown-polarity", "no-outcome"]


def test_validate_the_example_map_as_a_real_process():
    if not EXAMPLE.exists():
        pytest.skip("models/havndal.yaml is not there yet")
    run = subprocess.run([sys.executable, "-m", "gmb", "validate", str(EXAMPLE), "--json"],
                         capture_output=True, text=True, encoding="utf-8", cwd=REPO, timeout=60)
    report = json.loads(run.stdout)
    assert run.stderr == "" and report["errors"] == []
    assert run.returncode == (1 if report["warnings"] else 0)
    expected = validate(load_map(EXAMPLE)).to_dict()
    assert report == expected


# -- robustness: any hand-written content is reported, never a traceback ----------------------

_scalars = st.one_of(st.text(max_size=5), st.integers(), st.floats(), st.booleans(), st.none())
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["da", "en", "label", "workshop", "x"]), inner, max_size=3)),
    max_leaves=6)


@st.composite
def odd_map_data(draw) -> dict:
    """Map data of the right outline with arbitrary values where text, numbers or mappings belong."""
    names = draw(st.lists(st.sampled_from(["a", "b", "Skærmtid", "skærm tid"]), unique=True, max_size=4))
    data = {"gmb": 1, "title": draw(_values), "languages": draw(_values), "outcome": draw(_values),
            "themes": draw(st.one_of(_values, st.dictionaries(st.sampled_from(["t1", "t2"]), _values, max_size=2))),
            "variables": {n: draw(st.dictionaries(st.sampled_from(["label", "synonyms", "theme", "kind", "adjust_time",
                                                                   "notes", "source", "other"]), _values, max_size=4))
                          for n in names},
            "links": [draw(st.dictionaries(st.sampled_from(["polarity", "strength", "delay", "confidence", "source"]),
                                           _values, max_size=4))
                      | {"from": draw(st.sampled_from(names + ["ghost"])), "to": draw(st.sampled_from(names + ["ghost"]))}
                      for _ in range(draw(st.integers(0, 4)))],
            "layout": draw(_values)}
    for key in draw(st.lists(st.sampled_from(["variables", "links", "themes"]), max_size=1)):
        data[key] = draw(_values)
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(odd_map_data(), st.sampled_from([["validate", "--json"], ["show", "--json"], ["show"], ["validate"]]))
def test_validate_and_show_report_any_content_without_a_traceback(data, command):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.yaml"
        path.write_text(dump_text(data), encoding="utf-8")
        result = CliRunner().invoke(main, [command[0], str(path), *command[1:]])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code in (0, 1, 2) and "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1
