"""No silent mistakes in edits: unknown keys, languages and colours are refused in one line (exit 2)
with a suggestion, and the file stays byte-identical; a YAML tab is named as such."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gmb.cli import main

HAVNDAL = Path(__file__).resolve().parent.parent / "models" / "havndal.yaml"


@pytest.fixture
def mapfile(tmp_path) -> Path:
    path = tmp_path / "map.yaml"
    shutil.copyfile(HAVNDAL, path)
    return path


@pytest.mark.parametrize("args, message", [
    (["var", "set", "{m}", "sleep", "note=x"], "variable sleep: unknown key 'note'; did you mean 'notes'?"),
    (["link", "set", "{m}", "screen_time", "sleep", "stength=strong"],
     "link screen_time → sleep: unknown key 'stength'; did you mean 'strength'?"),
    (["link", "set", "{m}", "screen_time", "sleep", "source.qoute=Vi sover"], "unknown key 'source.qoute'; did you mean 'quote'?"),
    (["var", "set", "{m}", "sleep", "label.fr=Sommeil"], "'label.fr' names language 'fr', which the map does not have"),
    (["theme", "add", "{m}", "new", "--label", "Ny", "--color", "#zzzzzz"],
     "colour '#zzzzzz' is not a colour; write it as #rrggbb"),
])
def test_a_mistaken_edit_is_one_line_with_a_suggestion_and_the_file_is_unchanged(mapfile, args, message):
    before = mapfile.read_bytes()
    result = CliRunner().invoke(main, [a.format(m=mapfile) for a in args])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ") and message in result.stderr and result.stderr.count("\n") == 1
    assert mapfile.read_bytes() == before


def test_known_keys_and_languages_still_work(mapfile):
    assert CliRunner().invoke(main, ["var", "set", str(mapfile), "sleep", "notes=Vi sover for lidt",
                                     "label.en=Sleep"]).exit_code == 0
    assert CliRunner().invoke(main, ["theme", "add", str(mapfile), "new", "--label", "Ny",
                                     "--color", "#5B8DEF"]).exit_code == 0
    assert "notes: Vi sover for lidt" in mapfile.read_text(encoding="utf-8")


def test_an_english_label_on_a_map_without_english_is_refused(tmp_path):
    path = tmp_path / "da.yaml"
    assert CliRunner().invoke(main, ["new", str(path), "--title", "T", "--languages", "da"]).exit_code == 0
    before = path.read_bytes()
    for args in (["var", "add", str(path), "sleep", "--label", "Søvn", "--label-en", "Sleep"],
                 ["theme", "add", str(path), "t", "--label", "Tema", "--label-en", "Theme"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2
        assert result.stderr == ("error: --label-en: the map has no English (its languages: da); leave --label-en "
                                 "out, or add en to the map's 'languages:' first\n")
        assert path.read_bytes() == before


@pytest.mark.parametrize("command", [["show"], ["validate"], ["var", "set", "{m}", "a", "notes=x"]])
def test_a_tab_in_the_indentation_is_named_with_file_and_line(tmp_path, command):
    path = tmp_path / "tabs.yaml"
    path.write_bytes(b"gmb: 1\ntitle: x\nlanguages: [da]\nvariables:\n  a:\n\t  label: A\n")
    before = path.read_bytes()
    args = [a.format(m=path) for a in command] if len(command) > 1 else command + [str(path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.stderr == (f"error: {path}:6: tabs are not allowed for indentation in YAML; "
                             "indent with spaces (e.g. two per level)\n")
    assert path.read_bytes() == before
