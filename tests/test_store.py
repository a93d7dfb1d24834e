"""Map files on disk: reading errors, edits that save or leave the file alone, atomic saves,
a lossless load → save → load, and 20 concurrent ``gmb link add`` processes on one file."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmb.errors import MapEditError, MapFileError
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import atomic_write, edit_map, load_map, new_map, read_text, save_map, validate_file
from gmb.maps.yamltext import dump_text

REPO = Path(__file__).resolve().parent.parent

COMMENTED = """\
# kept: a comment at the top
gmb: 1
title: Trivsel   # kept: after a value
languages: [da, en]
outcome: [b]
themes: {}
variables:
  a: {label: {da: A}}    # kept
  b:
    label: {da: B}
links:
  - {from: a, to: b, polarity: "+"}
"""


def strict(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=repr)


@pytest.fixture
def path(tmp_path) -> Path:
    p = tmp_path / "m.yaml"
    p.write_text(COMMENTED, encoding="utf-8")
    return p


# -- reading ----------------------------------------------------------------------------------

@pytest.mark.parametrize("content, message", [
    (b"", "is empty; create a map with 'gmb new'"),
    (b"\x00\x01binary", "is a binary file, not a text file; check the path"),
    (b"title: ok\nnotes: \xff\n", "is not UTF-8 text; save it as UTF-8"),
    (b"title: [\n", "not valid YAML"),
    (b"just text\n", "is not a gmb map"),
    (b"gmb: 2\n", "map format version 2 is not supported"),
    (b"variables:\n  a: 5\n", "variable 'a' must be a mapping"),
    (b"variables: {a: {}}\nlinks:\n  - {from: a}\n", "each link must be a mapping with 'from' and 'to'"),
    (b"variables:\n  1: {}\n", "variables: id '1' must be text; put it in quotes"),
    (b"title: a\ntitle: b\n", "key 'title' appears twice (also line 1); keep one"),
    (b"outcome: 5\n", "'outcome' must be a list such as [da, en]"),
])
def test_load_map_names_the_file_and_what_is_wrong(tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    with pytest.raises(MapFileError) as error:
        load_map(path)
    assert str(error.value).startswith(str(path)) and message in str(error.value)
    assert "\n" not in str(error.value)


def test_errors_carry_the_line_they_come_from(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"gmb: 1\ntitle: x\nvariables:\n  a: {label: A}\n  b: {label: [B\n")
    with pytest.raises(MapFileError) as error:
        load_map(path)
    assert error.value.line == 6 and str(error.value).startswith(f"{path}:6: not valid YAML")
    path.write_bytes("title: ø\nnotes: ok\nmore: \xe6\n".encode("utf-8")[:-1] + b"\xe6\n")
    with pytest.raises(MapFileError) as error:
        load_map(path)
    assert error.value.line == 3


def test_a_byte_order_mark_and_danish_text_are_read(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufefftitle: Børns trivsel\nvariables:\n  æble: {label: Ærø}\n".encode("utf-8"))
    cmap = load_map(path)
    assert cmap.title == "Børns trivsel" and cmap.label("æble") == "Ærø"
    assert read_text(path).startswith("title")


def test_loaded_map_knows_the_line_of_each_variable_and_link(path):
    origin = load_map(path).origin
    assert origin.path == str(path)
    assert origin.variable_lines == {"a": 8, "b": 9} and origin.link_lines == {("a", "b"): 12}


# -- editing ----------------------------------------------------------------------------------

def test_edit_map_saves_and_keeps_comments(path):
    with edit_map(path) as cmap:
        cmap.add_variable("c", "C")
        cmap.add_link("b", "c", "-")
    text = path.read_text(encoding="utf-8")
    assert text.count("# kept") == 3
    assert load_map(path).graph.edges["b", "c"] == {"polarity": "-"}


def test_an_edit_that_changes_nothing_does_not_write(path):
    os.utime(path, (1_000_000, 1_000_000))
    with edit_map(path) as cmap:
        cmap.set_variable("a", {"label.da": "A"})
    assert path.stat().st_mtime == 1_000_000 and path.read_text(encoding="utf-8") == COMMENTED


def test_an_edit_that_raises_leaves_the_file_byte_identical(path):
    before = path.read_bytes()
    with pytest.raises(RuntimeError):
        with edit_map(path) as cmap:
            cmap.add_variable("c", "C")
            raise RuntimeError("stop")
    assert path.read_bytes() == before


def test_an_edit_that_adds_an_error_is_refused(path):
    before = path.read_bytes()
    with pytest.raises(MapEditError, match=r"m.yaml: not saved, the edit would add an error: variable 'a': "
                                           r"kind 'nonsense' is not one of .* \(and 1 more\)$"):
        with edit_map(path) as cmap:
            cmap.set_variable("a", {"theme": "x", "kind": "nonsense"})
    assert path.read_bytes() == before


def test_an_error_already_in_the_file_does_not_block_other_edits(path):
    path.write_text(COMMENTED.replace('polarity: "+"', "polarity: x"), encoding="utf-8")
    with edit_map(path) as cmap:
        cmap.add_variable("c", "C")
    assert "c" in load_map(path).graph
    assert [p.code for p in validate_file(path).errors] == ["invalid-polarity"]


def test_an_edit_leaves_the_invalid_links_already_in_the_file_as_they_were(path):
    text = COMMENTED.replace('  - {from: a, to: b, polarity: "+"}\n',
                             '  - {from: a, to: b, polarity: "+"}\n  - {from: a, to: b, polarity: "-"}  # twice\n'
                             '  - {from: b, to: ghost, polarity: x}\n  - {from: b, to: a, polarity: "+"}\n')
    path.write_text(text, encoding="utf-8")
    with edit_map(path) as cmap:
        cmap.add_variable("c", "C")
    assert path.read_text(encoding="utf-8") == text.replace("    label: {da: B}\n", "    label: {da: B}\n  c:\n    label: {da: C}\n")
    lines = path.read_text(encoding="utf-8").splitlines()
    first, twice, ghost = (next(n for n, line in enumerate(lines, 1) if part in line)
                           for part in ('to: b, polarity: "+"', "# twice", "ghost"))
    report = validate_file(path)
    assert [(p.code, p.line) for p in report.errors] == [("duplicate-link", twice), ("missing-variable", ghost)]
    assert f"appears more than once (first at line {first})" in report.errors[0].message


def test_editing_through_a_symbolic_link_keeps_the_link(tmp_path, path):
    link = tmp_path / "link.yaml"
    link.symlink_to(path)
    with edit_map(link) as cmap:
        cmap.add_variable("c", "C")
    assert link.is_symlink() and "c" in load_map(path).graph
    save_map(load_map(link), link)
    assert link.is_symlink() and sorted(p.name for p in tmp_path.iterdir()) == ["link.yaml", "m.yaml"]


def test_a_structural_problem_must_be_fixed_by_hand_before_editing(path):
    path.write_text(COMMENTED.replace("  b:\n", "  a:\n"), encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(MapFileError, match="duplicate id 'a'.*; fix this by hand before editing"):
        with edit_map(path) as cmap:
            cmap.add_variable("c", "C")
    assert path.read_bytes() == before


def test_save_map_writes_a_new_file_in_house_style_and_keeps_an_old_files_comments(tmp_path, path):
    cmap = load_map(path)
    cmap.add_variable("c", "C")
    fresh = tmp_path / "fresh.yaml"
    save_map(cmap, fresh)
    assert fresh.read_text(encoding="utf-8") == dump_text(cmap.to_data())
    save_map(cmap, path)
    assert path.read_text(encoding="utf-8").count("# kept") == 3
    assert strict(load_map(path).to_data()) == strict(cmap.to_data())


def test_new_map_refuses_an_existing_file(path):
    with pytest.raises(MapEditError, match="exists already"):
        new_map(path, "x")
    assert path.read_text(encoding="utf-8") == COMMENTED
    assert new_map(path, "x", ["en"], force=True).languages == ["en"]


def test_atomic_write_keeps_the_mode_and_leaves_nothing_behind(tmp_path, path):
    path.chmod(0o640)
    atomic_write(path, "title: ny\n")
    assert path.read_text(encoding="utf-8") == "title: ny\n" and stat.S_IMODE(path.stat().st_mode) == 0o640
    with pytest.raises(UnicodeEncodeError):
        atomic_write(path, "title: \ud800\n")       # a lone surrogate cannot be written as UTF-8
    assert path.read_text(encoding="utf-8") == "title: ny\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.yaml"]


def test_a_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(MapFileError, match="does not exist; create it first"):
        new_map(tmp_path / "no" / "m.yaml", "x")


# -- load → save → load is lossless -----------------------------------------------------------

_piece = st.sampled_from(list("abcæøåÆØÅ é'\"#:-{}[],&*!|>%@`\n\t\\<>?") +
                         ["😀", "<script>", "true", "null", "1", " #", ": ", "- ", "\r\n", "\u2028", "\x85", "0x1F",
                          "1e3", "...", "2024-01-01", "~", "yes"])
_text = st.lists(_piece, max_size=8).map("".join)
_scalar = st.one_of(_text, st.integers(-10 ** 12, 10 ** 12), st.floats(allow_nan=False), st.booleans(), st.none())
_nested = st.recursive(_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["workshop", "group", "quote", "da", "x"]), inner,
                                                 max_size=3)), max_leaves=6)
_ids = st.one_of(st.from_regex(r"[a-zæø_][a-z0-9_æø]{0,8}", fullmatch=True),
                 st.sampled_from(["123", "true", "null", "yes", "a b", "a:b", "#x", "-x", "1.5", "~", "on", "Søvn 😴"]))


@st.composite
def random_maps(draw) -> CausalMap:
    cmap = CausalMap.new(draw(_text), draw(st.sampled_from([["da", "en"], ["da"], ["en", "da"]])))
    for theme in draw(st.lists(_ids, unique=True, max_size=3)):
        cmap.add_theme(theme, draw(_text) or "t", color=draw(st.one_of(st.none(), st.from_regex(r"#[0-9a-fA-F]{6}", fullmatch=True))))
    variables = draw(st.lists(_ids, unique_by=str.casefold, max_size=8))
    for var in variables:
        label = draw(st.one_of(st.none(), _text, st.dictionaries(st.sampled_from(["da", "en"]), _text, max_size=2)))
        attrs = draw(st.dictionaries(st.sampled_from(["units", "notes", "adjust_time", "source", "kind", "theme",
                                                      "synonyms", "x"]), _nested, max_size=4))
        cmap.add_variable(var, label or None, **attrs)
    if len(variables) >= 2:
        pairs = draw(st.lists(st.tuples(st.sampled_from(variables), st.sampled_from(variables)).filter(
            lambda p: p[0] != p[1]), unique=True, max_size=12))
        for u, v in pairs:
            attrs = draw(st.dictionaries(st.sampled_from(["strength", "delay", "confidence", "source", "notes"]),
                                         _nested, max_size=3))
            cmap.add_link(u, v, draw(st.sampled_from(["+", "-", "?"])), **attrs)
    if variables and draw(st.booleans()):
        cmap.set_outcome(draw(st.lists(st.sampled_from(variables), min_size=1, max_size=2)))
        cmap.meta["layout"] = {v: [draw(st.integers()), draw(st.floats(allow_nan=False))] for v in variables}
        cmap.meta["loops"] = {"R1": {"name": {"da": draw(_text)}, "story": draw(_text)}}
    return cmap


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(random_maps())
def test_save_then_load_gives_back_exactly_the_same_data(cmap):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.yaml"
        save_map(cmap, path)
        loaded = load_map(path)
        assert strict(loaded.to_data()) == strict(cmap.to_data()), path.read_text(encoding="utf-8")
        save_map(loaded, path)     # saving over the file it came from: nothing changes
        assert strict(load_map(path).to_data()) == strict(cmap.to_data())


# -- concurrency: real processes ---------------------------------------------------------------

def test_twenty_concurrent_link_adds_all_land(tmp_path):
    path = tmp_path / "busy.yaml"
    cmap = CausalMap.new("Travlt")
    for i in range(21):
        cmap.add_variable(f"v{i}", f"Variabel {i}")
    save_map(cmap, path)
    processes = [subprocess.Popen([sys.executable, "-m", "gmb", "link", "add", str(path), f"v{i}", f"v{i + 1}",
                                   "--polarity", "+-"[i % 2]], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
                 for i in range(20)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in processes]
    for p in processes:
        p.stdout.close()
        p.stderr.close()
    assert results == [(0, b"")] * 20
    links = {(u, v): attrs["polarity"] for u, v, attrs in load_map(path).links()}
    assert links == {(f"v{i}", f"v{i + 1}"): "+-"[i % 2] for i in range(20)}
    assert validate_file(path).errors == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy.yaml"]
