"""Edits keep a file's byte-order mark and line endings; repeated keys inside an entry are duplicate keys."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.errors import MapFileError
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import edit_map, load_map, save_map, validate_file

BOM = b"\xef\xbb\xbf"
TEXT = ("# Trivsel\ntitle: T\nlanguages: [en]\nvariables:\n  x:\n    label: {en: X}\n  y: {label: {en: Y}}\n"
        "links:\n  - from: x\n    to: y\n    polarity: '+'\n")


def gmb(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def crlf_map(tmp_path, bom: bool = True):
    path = tmp_path / "map.yaml"
    path.write_bytes((BOM if bom else b"") + TEXT.replace("\n", "\r\n").encode("utf-8"))
    return path


def assert_crlf(raw: bytes) -> None:
    assert raw.endswith(b"\r\n") and raw.count(b"\n") == raw.count(b"\r\n") == raw.count(b"\r"), raw


@pytest.mark.parametrize("command", [
    ["var", "set", "{}", "x", "notes=hi"],
    ["link", "add", "{}", "y", "x", "--polarity", "-"],
    ["var", "add", "{}", "z", "--label", "Zed"],
    ["var", "rename", "{}", "y", "yy"],
    ["link", "remove", "{}", "x", "y"],
])
def test_an_edit_keeps_the_bom_and_crlf_line_endings(tmp_path, command):
    path = crlf_map(tmp_path)
    result = gmb(*[path if a == "{}" else a for a in command])
    assert result.exit_code == 0, result.output
    raw = path.read_bytes()
    assert raw.startswith(BOM) and not raw.startswith(BOM * 2)
    assert_crlf(raw)
    assert raw != BOM + TEXT.replace("\n", "\r\n").encode("utf-8")
    assert raw.startswith(BOM + b"# Trivsel\r\ntitle: T\r\n")   # untouched lines stay as they were
    assert load_map(path).title == "T"


def test_an_lf_file_without_bom_stays_so(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text(TEXT, encoding="utf-8")
    assert gmb("var", "set", path, "x", "notes=hi").exit_code == 0
    raw = path.read_bytes()
    assert not raw.startswith(BOM) and b"\r" not in raw and b"notes: hi\n" in raw


def test_a_no_op_or_refused_edit_leaves_a_bom_crlf_file_byte_identical(tmp_path):
    path = crlf_map(tmp_path)
    before = path.read_bytes()
    assert gmb("var", "set", path, "x", "label.en=X").exit_code == 0          # the value it has
    assert path.read_bytes() == before
    result = gmb("link", "add", path, "x", "nowhere", "--polarity", "+")    # refused
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert path.read_bytes() == before
    with pytest.raises(RuntimeError), edit_map(path) as cmap:
        cmap.set_variable("x", {"notes": "lost"})
        raise RuntimeError
    assert path.read_bytes() == before


def test_a_rewrite_of_a_file_it_cannot_splice_keeps_crlf_and_bom(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_bytes(BOM + b"{title: T, languages: [en], variables: {x: {label: {en: X}}}, links: []}\r\n")
    assert gmb("var", "set", path, "x", "notes=hi").exit_code == 0
    raw = path.read_bytes()
    assert raw.startswith(BOM) and b"notes: hi\r\n" in raw
    assert_crlf(raw)


def test_save_map_over_a_bom_crlf_file_keeps_both(tmp_path):
    path = crlf_map(tmp_path)
    cmap = load_map(path)
    cmap.add_variable("z", "Zed")
    save_map(cmap, path)
    raw = path.read_bytes()
    assert raw.startswith(BOM) and b"  z:\r\n    label: {en: Zed}\r\n" in raw
    assert_crlf(raw)
    save_map(CausalMap.new("Ny", ["en"]), tmp_path / "new.yaml")
    assert not (tmp_path / "new.yaml").read_bytes().startswith(BOM)


# -- repeated keys inside an entry -----------------------------------------------------------

@pytest.mark.parametrize("text, line, message", [
    ("variables:\n  a:\n    label: {en: A}\n    notes: n\n    label: {en: B}\nlinks: []\n", 5,
     "variable 'a': key 'label' appears twice (also line 5); keep one"),
    ("variables:\n  a: {label: {en: A, en: B}}\nlinks: []\n", 2,
     "variable 'a': key 'en' appears twice (also line 4); keep one"),
    ("variables:\n  a: {label: A}\n  b: {label: B}\nlinks:\n  - from: a\n    to: b\n    polarity: '+'\n"
     "    polarity: '-'\n", 8, "link at line 7: key 'polarity' appears twice (also line 9); keep one"),
    ("variables:\n  a: {label: A, source: {group: A, group: B}}\nlinks: []\n", 2,
     "variable 'a': key 'group' appears twice (also line 4); keep one"),
    ("themes:\n  t: {label: T, color: '#fff', color: '#000'}\nvariables: {}\n", 2,
     "theme 't': key 'color' appears twice (also line 4); keep one"),
])
def test_a_key_repeated_inside_an_entry_is_a_duplicate_key_naming_its_line(tmp_path, text, line, message):
    """``line`` counts from the text given; the file starts with two more lines."""
    path = tmp_path / "map.yaml"
    path.write_text("title: T\nlanguages: [en]\n" + text, encoding="utf-8")
    report = validate_file(path)
    duplicates = [p for p in report.errors if p.code == "duplicate-key"]
    assert [(p.line, p.message) for p in duplicates] == [(line + 2, message)]
    before = path.read_bytes()
    result = gmb("validate", path)
    assert result.exit_code == 1 and f"{path}:{line + 2}: error: {message}" in result.output
    result = gmb("var", "set", path, "a", "notes=hi")
    assert result.exit_code == 2 and result.stderr == (f"error: {path}:{line + 2}: {message}; fix this by hand "
                                                       "before editing\n")
    with pytest.raises(MapFileError, match="appears twice"):
        load_map(path)
    assert path.read_bytes() == before


def test_the_same_key_in_different_entries_is_not_a_duplicate(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text("title: T\nlanguages: [en]\nvariables:\n  a: {label: {en: A}, notes: n}\n"
                    "  b: {label: {en: B}, notes: n}\nlinks:\n- {from: a, to: b, polarity: '+'}\n"
                    "- {from: b, to: a, polarity: '-'}\n", encoding="utf-8")
    assert not [p for p in validate_file(path).errors if p.code == "duplicate-key"]
