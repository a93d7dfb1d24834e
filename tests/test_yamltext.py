"""Map file text: the house style, and edits that leave every untouched line byte-identical."""

from __future__ import annotations

import difflib
import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from gmb.cli import main
from gmb.errors import GmbError
from gmb.maps.causalmap import CausalMap
from gmb.maps.yamltext import YAMLRefused, dump_text, parse_text, update_text

HAND_WRITTEN = """\
# Trivsel i en lille by — skrevet i hånden
# (a second comment line)
gmb: 1
title:   "Børns trivsel"      # odd spacing, double quotes

languages: [ da, en ]
outcome: [wellbeing]
themes:
  screens: {label: {da: 'Skærme', en: Screens}, color: '#5b8def'}

variables:
  # --- skærme ---
  screen_time:
    label: {da: Skærmtid, en: "Screen time"}
    theme:    screens      # aligned comment
    adjust_time: 6

  sleep:
    label:
      da: 'Søvn'
      en: Sleep
    notes: |
      Første linje
      anden linje

  wellbeing: {label: {da: Trivsel, en: Wellbeing}}
  homework: {label: {da: Lektier, en: Homework}}   # flow style

# --- links ---
links:
  - {from: screen_time, to: sleep, polarity: "-", strength: medium,
     source: {workshop: w1, group: B, quote: "Vi sover for lidt"}}
  - from: sleep
    to: wellbeing
    polarity: '+'     # agreed in w1
  # homework is new
  - {from: homework, to: sleep, polarity: "-"}
"""


def strict(value) -> str:
    """Data as text that tells 1, 1.0 and true apart (``==`` does not)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def line_changes(old: str, new: str) -> tuple[list[str], list[str]]:
    """(lines removed from ``old``, lines added in ``new``), each with its line ending."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return removed, added


def test_dump_text_writes_the_house_style():
    cmap = CausalMap.new("Børns trivsel")
    cmap.add_theme("screens", {"da": "Skærme", "en": "Screens"}, color="#5b8def")
    cmap.add_variable("screen_time", {"da": "Skærmtid", "en": "Screen time"}, theme="screens", adjust_time=6,
                      notes="linje 1\nlinje 2")
    cmap.add_variable("sleep", "Søvn")
    cmap.add_link("screen_time", "sleep", "-", strength="medium", delay=True,
                  source={"workshop": "w1", "quote": 'Han sagde: "nej" # ikke en kommentar'})
    cmap.set_outcome(["sleep"])
    assert dump_text(cmap.to_data()) == (
        "gmb: 1\n"
        "title: Børns trivsel\n"
        "languages: [da, en]\n"
        "outcome: [sleep]\n"
        "themes:\n"
        "  screens: {label: {da: Skærme, en: Screens}, color: '#5b8def'}\n"
        "variables:\n"
        "  screen_time:\n"
        "    label: {da: Skærmtid, en: Screen time}\n"
        "    theme: screens\n"
        "    adjust_time: 6\n"
        '    notes: "linje 1\\nlinje 2"\n'
        "  sleep:\n"
        "    label: {da: Søvn}\n"
        "links:\n"
        '  - {from: screen_time, to: sleep, polarity: "-", strength: medium, delay: true, '
        "source: {workshop: w1, quote: 'Han sagde: \"nej\" # ikke en kommentar'}}\n")
    assert strict(parse_text(dump_text(cmap.to_data()))[1]) == strict(cmap.to_data())


def test_unchanged_data_leaves_the_text_as_it_is():
    assert update_text(HAND_WRITTEN, parse_text(HAND_WRITTEN)[1]) == HAND_WRITTEN


# -- the editing commands on a hand-written file -----------------------------------------------

EDITS = {
    "link add": (["link", "add", "{map}", "wellbeing", "screen_time", "--polarity", "-"],
                 [], ['  - {from: wellbeing, to: screen_time, polarity: "-"}\n']),
    "var set": (["var", "set", "{map}", "sleep", "adjust_time=3", "label.en=Night sleep"],
                ["      en: Sleep\n"], ["      en: Night sleep\n", "    adjust_time: 3\n"]),
    "var set in a flow mapping": (["var", "set", "{map}", "homework", "kind=constant"],
                                  ["  homework: {label: {da: Lektier, en: Homework}}   # flow style\n"],
                                  ["  homework:\n", "    label: {da: Lektier, en: Homework}\n", "    kind: constant\n"]),
    "var rename": (["var", "rename", "{map}", "homework", "lektier"],
                   ["  homework: {label: {da: Lektier, en: Homework}}   # flow style\n",
                    '  - {from: homework, to: sleep, polarity: "-"}\n'],
                   ["  lektier:\n", "    label: {da: Lektier, en: Homework}\n",
                    '  - {from: lektier, to: sleep, polarity: "-"}\n']),
    "var rename in a block link": (["var", "rename", "{map}", "wellbeing", "trivsel"],
                                   ["outcome: [wellbeing]\n",
                                    "  wellbeing: {label: {da: Trivsel, en: Wellbeing}}\n", "    to: wellbeing\n"],
                                   ["outcome: [trivsel]\n", "  trivsel:\n",
                                    "    label: {da: Trivsel, en: Wellbeing}\n", "    to: trivsel\n"]),
    "link remove": (["link", "remove", "{map}", "screen_time", "sleep"],
                    ['  - {from: screen_time, to: sleep, polarity: "-", strength: medium,\n',
                     '     source: {workshop: w1, group: B, quote: "Vi sover for lidt"}}\n'], []),
    "link set in a block link": (["link", "set", "{map}", "sleep", "wellbeing", "strength=weak"],
                                 [], ["    strength: weak\n"]),
    "link flip": (["link", "flip", "{map}", "sleep", "wellbeing"],
                  ["    polarity: '+'     # agreed in w1\n"], ['    polarity: "-"     # agreed in w1\n']),
    "outcome": (["outcome", "{map}", "sleep", "wellbeing"], ["outcome: [wellbeing]\n"], ["outcome: [sleep, wellbeing]\n"]),
    "theme add": (["theme", "add", "{map}", "community", "--label", "Fællesskab"],
                  [], ["  community: {label: {da: Fællesskab}}\n"]),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_an_edit_changes_only_its_own_lines(tmp_path, name):
    args, removed, added = EDITS[name]
    path = tmp_path / "hand.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    result = CliRunner().invoke(main, [str(path) if a == "{map}" else a for a in args])
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert line_changes(HAND_WRITTEN, text) == (removed, added)
    comments = [line for line in HAND_WRITTEN.splitlines(keepends=True) if line.lstrip().startswith("#")]
    assert [line for line in text.splitlines(keepends=True) if line.lstrip().startswith("#")] == comments


def test_merge_keeps_the_untouched_lines(tmp_path):
    path = tmp_path / "hand.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    result = CliRunner().invoke(main, ["var", "merge", str(path), "wellbeing", "Lektier"])
    assert result.exit_code == 0, result.output
    removed, added = line_changes(HAND_WRITTEN, path.read_text(encoding="utf-8"))
    assert removed == ["  wellbeing: {label: {da: Trivsel, en: Wellbeing}}\n",
                       "  homework: {label: {da: Lektier, en: Homework}}   # flow style\n",
                       '  - {from: homework, to: sleep, polarity: "-"}\n']
    assert added == ["  wellbeing:\n", "    label: {da: Trivsel, en: Wellbeing}\n", "    synonyms: [homework, Lektier]\n",
                     '  - {from: wellbeing, to: sleep, polarity: "-"}\n']


# -- cases the splicer once got wrong ------------------------------------------------------------

def edited(text: str, change) -> str:
    cmap = CausalMap.from_data(parse_text(text)[1])
    change(cmap)
    new = update_text(text, cmap.to_data())
    assert strict(parse_text(new)[1]) == strict(cmap.to_data())
    return new


def test_a_block_scalar_replaced_by_a_short_text_keeps_the_next_key_on_its_own_line():
    text = "variables:\n  a:\n    notes: |\n      one\n      two\n    units: t   # kept\nlinks: []\n"
    assert edited(text, lambda m: m.set_variable("a", {"notes": "kort"})) == \
        "variables:\n  a:\n    notes: kort\n    units: t   # kept\nlinks: []\n"


def test_true_replaces_1_although_python_calls_them_equal():
    text = "variables:\n  a: {}\n  b: {}\nlinks:\n  - {from: a, to: b, polarity: '+', delay: 1}\n"
    assert "delay: true" in edited(text, lambda m: m.set_link("a", "b", {"delay": True}))
    assert "delay: 1.0" in edited(text, lambda m: m.set_link("a", "b", {"delay": 1.0}))


def test_a_reordered_list_is_written_in_its_new_order():
    rest = "variables: {a: {}, b: {}}\nlinks: []\n"
    assert edited("# kept\noutcome: [a, b]\n" + rest, lambda m: m.set_outcome(["b", "a"])) == \
        "# kept\noutcome: [b, a]\n" + rest
    block = "outcome:\n  - a   # first\n  - b\n" + rest
    assert edited(block, lambda m: m.set_outcome(["b", "a"])) == "outcome: [b, a]\n" + rest


@pytest.mark.parametrize("char", ["\n", "\r", "\x85", "\u2028", "\u2029"])
def test_text_holding_any_yaml_line_break_reads_back_exactly(char):
    text = "# kept\nvariables:\n  a: {label: A}\n"
    label = f"før{char}efter"
    assert parse_text(edited(text, lambda m: m.set_variable("a", {"label": label})))[1]["variables"]["a"]["label"] == label


def test_aliases_are_refused_with_the_line_of_the_anchor():  # more in tests/test_hostile_yaml.py
    text = "variables:\n  a: {label: A, source: &w1 {workshop: w1}}\n  b: {label: B, source: *w1}\n"
    with pytest.raises(YAMLRefused, match="anchors and aliases") as info:
        parse_text(text)
    assert info.value.line == 2
    assert update_text(text, {"title": "t"}) == "title: t\n"   # text it cannot read is written afresh


def test_list_items_with_wide_dashes_get_new_items_at_the_same_indent():
    text = "# kept\nvariables: {a: {}, b: {}}\nlinks:\n-   from: a\n    to: b\n    polarity: '+'\n"
    assert edited(text, lambda m: m.add_link("b", "a", "-")).endswith(
        "-   from: a\n    to: b\n    polarity: '+'\n- {from: b, to: a, polarity: \"-\"}\n")


def test_a_block_link_keeps_its_comments_when_its_first_key_changes():
    text = "variables:\n  a: {}\n  b: {}\nlinks:\n  - to: b   # to\n    from: a\n    polarity: '+'  # agreed\n"
    assert edited(text, lambda m: m.rename_variable("b", "bb")) == \
        "variables:\n  a: {}\n  bb: {}\nlinks:\n  - to: bb   # to\n    from: a\n    polarity: '+'  # agreed\n"


# -- random edit sequences on formatted files ----------------------------------------------------

BASES = {
    "hand-written": HAND_WRITTEN,
    "house style": "# house\ngmb: 1\ntitle: x\nlanguages: [da]\noutcome: []\nthemes: {}\nvariables: {}\nlinks: []\n",
    "CRLF and document markers": "---\r\n# crlf\r\ngmb: 1\r\ntitle: t\r\nthemes:\r\nvariables:\r\n  a:\r\n    label: A\r\n"
                                 "  b: {label: B}\r\nlinks:\r\n- from: a\r\n  to: b\r\n  polarity: '+'\r\n"
                                 "- {from: b, to: a, polarity: '-'}\r\n...",
    "four spaces, folded, no final newline": (
        "# four\ntitle: t\nvariables:\n    a:\n        label:   A    # four spaces\n    b:\n        label: >\n"
        "          folded\n          text\n\n\n# trailing comment\nlinks:\n    -   from: a\n        to: b\n"
        "        polarity: \"+\"\n    -\n        from: b\n        to: a\n        polarity: \"?\"\nother: [1, 2]"),
    "block links, odd key order": (
        "# six\ntitle: t\nvariables:\n  a: {label: A}\n  b: {label: B}\nlinks:\n- polarity: '+'  # first\n"
        "  from: a\n  to: b\n  notes: x\n- from: b\n  # inside\n  to: a\n  polarity: '-'\n-   to: a\n    from: a\n"
        "    polarity: '?'\n"),
}

_piece = st.sampled_from(list("abæøå 'é\"#:-{}[],&*!|>%@`\n\\<>?") + ["😀", "<script>", "true", "null", "1", " #",
                                                                          ": ", "- ", "\u2028"])
_text = st.lists(_piece, min_size=1, max_size=6).map("".join)
_scalar = st.one_of(_text, st.integers(-1000, 1000), st.floats(allow_nan=False, allow_infinity=False, width=32),
                    st.booleans(), st.none())
_value = st.recursive(_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["workshop", "group", "quote", "da", "en"]), inner,
                                                 max_size=3)), max_leaves=5)
_id = st.one_of(st.from_regex(r"[a-zø][a-z0-9_]{0,6}", fullmatch=True),
                st.sampled_from(["123", "true", "a b", "#x", "null", "sleep", "wellbeing"]))
_var_key = st.sampled_from(["label.da", "label.en", "label", "notes", "units", "adjust_time", "source", "source.quote",
                            "theme", "kind", "min"])
_link_key = st.sampled_from(["strength", "delay", "notes", "source", "source.quote", "confidence"])
_pick = st.integers(0, 50)
_edit = st.one_of(
    st.tuples(st.just("add_variable"), _id, st.one_of(_text, st.none())),
    st.tuples(st.just("set_variable"), _pick, st.dictionaries(_var_key, _value, min_size=1, max_size=3)),
    st.tuples(st.just("rename_variable"), _pick, _id),
    st.tuples(st.just("remove_variable"), _pick),
    st.tuples(st.just("merge_variables"), _pick, _pick),
    st.tuples(st.just("add_link"), _pick, _pick, st.sampled_from("+-?"), st.dictionaries(_link_key, _value, max_size=2)),
    st.tuples(st.just("remove_link"), _pick),
    st.tuples(st.just("set_link"), _pick, st.dictionaries(st.one_of(_link_key, st.just("polarity")), _value,
                                                          min_size=1, max_size=3)),
    st.tuples(st.just("flip_link"), _pick),
    st.tuples(st.just("set_outcome"), st.lists(_pick, max_size=3)),
    st.tuples(st.just("add_theme"), _id, _text),
    st.tuples(st.just("meta"), st.sampled_from(["title", "description", "layout", "loops", "languages"]), _value),
)


def apply_edit(cmap: CausalMap, edit: tuple) -> None:
    """Apply a generated edit; indices pick among the map's current variables and links."""
    kind, *args = edit
    variables, links = cmap.variables, [(u, v) for u, v, _ in cmap.links()]
    var = (lambda i: variables[i % len(variables)]) if variables else None
    link = (lambda i: links[i % len(links)]) if links else None
    if kind == "add_variable":
        cmap.add_variable(args[0], args[1])
    elif kind == "add_theme":
        cmap.add_theme(args[0], args[1])
    elif kind == "meta":
        cmap.meta[args[0]] = args[1]
    elif kind == "set_variable" and var:
        cmap.set_variable(var(args[0]), args[1])
    elif kind == "rename_variable" and var:
        cmap.rename_variable(var(args[0]), args[1])
    elif kind == "remove_variable" and var:
        cmap.remove_variable(var(args[0]), force=True)
    elif kind == "merge_variables" and var:
        cmap.merge_variables(var(args[0]), var(args[1]))
    elif kind == "add_link" and var:
        cmap.add_link(var(args[0]), var(args[1]), args[2], **args[3])
    elif kind == "set_outcome" and var:
        cmap.set_outcome([var(i) for i in args[0]])
    elif kind == "remove_link" and link:
        cmap.remove_link(*link(args[0]))
    elif kind == "set_link" and link:
        cmap.set_link(*link(args[0]), args[1])
    elif kind == "flip_link" and link:
        cmap.flip_link(*link(args[0]))


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(list(BASES)), st.lists(_edit, min_size=1, max_size=8))
def test_random_edits_on_formatted_files_read_back_as_the_edited_data(base, edits):
    text = BASES[base]
    cmap = CausalMap.from_data(parse_text(text)[1])
    header = text.lstrip("-\r\n").splitlines()[0]
    for edit in edits:
        try:
            apply_edit(cmap, edit)
        except GmbError:
            continue
        note(repr(edit))
        text = update_text(text, cmap.to_data())
        assert strict(parse_text(text)[1]) == strict(cmap.to_data()), text
        assert header in text     # edits are local: the first comment is never rewritten away


def test_a_renamed_variable_keeps_its_place_under_its_section_comment(tmp_path):
    path = tmp_path / "hand.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    for args in (["var", "rename", str(path), "screen_time", "skaermtid"],
                 ["var", "set", str(path), "skaermtid", "notes=Efter omdøbning"],
                 ["var", "rename", str(path), "sleep", "nattesovn"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "  # --- skærme ---\n  skaermtid:\n    label: {da: Skærmtid" in text
    assert "    adjust_time: 6\n    notes: Efter omdøbning\n\n  nattesovn:\n    label:" in text


def test_a_key_replaced_in_place_takes_the_old_keys_position():
    text = "m:\n  a: 1\n  # about b\n  b: 2\n  c: 3\n"
    assert update_text(text, {"m": {"a": 1, "x": 2, "c": 3}}) == "m:\n  a: 1\n  # about b\n  x: 2\n  c: 3\n"
    assert update_text(text, {"m": {"x": 0, "y": 1, "b": 2, "c": 3}}) == "m:\n  x: 0\n  y: 1\n  # about b\n  b: 2\n  c: 3\n"
    # a new key after the kept ones is appended; comments are never dropped
    assert update_text(text, {"m": {"a": 1, "c": 3, "z": 4}}) == "m:\n  a: 1\n  # about b\n  c: 3\n  z: 4\n"
