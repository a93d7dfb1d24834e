"""Round trips keep what the user wrote: export → import through CSV, GraphML and node-link JSON.

Each format module's docstring says what a round trip through it keeps; the property test below
checks exactly that on random maps: titles, labels in Danish and English, theme labels and colours,
link sources and quotes, named loops with stories, all with tricky text (æ ø å, quotes, commas,
semicolons, line breaks, emoji, markup). GraphML and node-link JSON keep everything (also keys gmb
does not know); CSV keeps everything a map file defines except a link's ``proposed_by``, and gives
the outcome in the variables' order and text without surrounding spaces.
"""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmb.cli import main
from gmb.errors import MapFileError
from gmb.formats import export_map, import_map
from gmb.maps.causalmap import CausalMap
from gmb.maps.loopids import loop_id
from gmb.maps.schema import CONFIDENCES, KINDS, POLARITIES, STRENGTHS

_TRICKY = 'æøåÆØÅé"\',;|\n\r\t <>&=#…–📱😴\u00a0'
_PHRASES = ('Han sagde: "for meget, ærligt" 😴', "første linje\nanden; linje", "Skærmtid 📱", "a\r\nb\rc",
            "<b>vigtig</b> & klar", "=SUM(A1;B2)", "Børns mentale sundhed", "Children's mental health",
            "Skærm | søvn", "1", "true")
_any_text = st.text(st.characters(blacklist_categories=("Cs",)) | st.sampled_from(_TRICKY), min_size=1, max_size=12)
_raw_text = _any_text | st.sampled_from(_PHRASES + (" padded ", "nul\0 and bell\x07"))
"""Any text at all: GraphML and node-link JSON keep it exactly."""
_csv_text = _any_text.map(lambda t: t.replace("\0", "").strip()).filter(bool) | st.sampled_from(_PHRASES)
"""Text as CSV keeps it: no NUL, no surrounding spaces (cells are stripped), not empty."""
_ids = st.text(st.sampled_from("abcxyzæøå019_ ,;\"'.-"), min_size=1, max_size=6).map(str.strip).filter(bool)
_numbers = st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
_colors = st.from_regex(r"#[0-9a-f]{6}", fullmatch=True)


@st.composite
def user_maps(draw, for_csv: bool) -> CausalMap:
    """A random map as a facilitator writes it, plus a few things only some formats keep; its text is
    as CSV keeps it if ``for_csv`` (also synonyms without ``|``, CSV's separator), else any text."""
    text = _csv_text if for_csv else _raw_text
    synonym = text.map(lambda t: t.replace("|", "/").strip()).filter(bool) if for_csv else text

    def in_languages(langs: list[str]) -> st.SearchStrategy[dict]:
        """Text in some of the map's languages (at least one)."""
        return st.dictionaries(st.sampled_from(langs), text, min_size=1)

    def source(keys: tuple[str, ...]) -> st.SearchStrategy[dict]:
        return st.fixed_dictionaries({}, optional={key: text for key in keys}).filter(bool)

    langs = draw(st.sampled_from([["da", "en"], ["en", "da"], ["da"]]))
    cmap = CausalMap.new(draw(text), langs)
    if draw(st.booleans()):
        cmap.meta["description"] = draw(text)
    for theme in draw(st.lists(_ids, max_size=3, unique_by=str.casefold)):
        cmap.add_theme(theme, draw(in_languages(langs)), color=draw(st.none() | _colors))
        if draw(st.booleans()):
            cmap.themes[theme]["notes"] = draw(text)
    optional = {"kind": st.sampled_from(KINDS), "adjust_time": _numbers, "units": text, "notes": text,
                "synonyms": st.lists(synonym, min_size=1, max_size=2), "source": source(("workshop", "group")),
                "initial": _numbers, "min": _numbers, "max": _numbers, "equation": text}
    if cmap.themes:
        optional["theme"] = st.sampled_from(list(cmap.themes))
    var_ids = draw(st.lists(_ids, min_size=2, max_size=6, unique_by=str.casefold))
    for var in var_ids:
        cmap.add_variable(var, draw(in_languages(langs)), **draw(st.fixed_dictionaries({}, optional=optional)))
    pairs = st.tuples(st.sampled_from(var_ids), st.sampled_from(var_ids)).filter(lambda p: p[0] != p[1])
    for u, v in draw(st.lists(pairs, max_size=8, unique=True)):
        attrs = draw(st.fixed_dictionaries({}, optional={
            "strength": st.sampled_from(STRENGTHS) | _numbers, "delay": st.booleans() | _numbers,
            "confidence": st.sampled_from(CONFIDENCES) | st.floats(0, 1), "notes": text, "flow": st.booleans(),
            "source": source(("workshop", "group", "quote", "map")),
            "proposed_by": st.lists(source(("workshop", "quote")), min_size=1, max_size=2)}))
        cmap.add_link(u, v, draw(st.sampled_from(POLARITIES)), **attrs)
    loops = {}
    for cycle in draw(st.lists(st.lists(st.sampled_from(var_ids), min_size=2, max_size=3, unique=True), max_size=2)):
        story = draw(st.none() | in_languages(langs))
        loops[loop_id(cycle)] = {"name": draw(in_languages(langs))} | ({"story": story} if story else {})
    if loops:
        cmap.meta["loops"] = loops
    cmap.meta["outcome"] = draw(st.lists(st.sampled_from(var_ids), max_size=2, unique=True))
    layout = draw(st.dictionaries(st.sampled_from(var_ids), st.lists(_numbers, min_size=2, max_size=2)))
    if layout:
        cmap.meta["layout"] = layout
    if draw(st.booleans()):
        cmap.meta["strengths"] = {"weak": 0.1, "medium": draw(st.floats(0.15, 0.5)), "strong": 0.6}
    if draw(st.booleans()):
        cmap.meta["facilitator_note"] = {"any": [draw(text), 1, None]}  # a key gmb does not know
    return cmap


def kept_by_csv(cmap: CausalMap) -> dict:
    """What the docstring of :mod:`gmb.formats.csv_edges` promises a CSV round trip keeps."""
    data = cmap.to_data()
    data.pop("facilitator_note", None)
    data["outcome"] = [v for v in cmap.variables if v in cmap.outcome]
    for link in data["links"]:
        link.pop("proposed_by", None)
    return data


KEPT = {"map.csv": kept_by_csv, "map.graphml": CausalMap.to_data, "map.json": CausalMap.to_data}
"""What each format keeps (see the docstrings of csv_edges, graphml and nodelink)."""


def strict(value) -> str:
    """Data as text that tells True from 1 and 1 from 1.0 (lists keep their order: links, loops, outcome)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def round_trip(cmap: CausalMap, name: str) -> tuple[CausalMap, list[str], list[str]]:
    with tempfile.TemporaryDirectory() as folder:
        files = export_map(cmap, Path(folder) / name)
        again, warnings = import_map(Path(folder) / name)
    return again, [w.replace(folder, "DIR") for w in warnings], [Path(f).name for f in files]


_FOUND = ["DIR/map.csv: read the title, languages, themes and loops from DIR/map.map.csv (found beside it)",
          "DIR/map.csv: read the variables from DIR/map.variables.csv (found beside it)"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(user_maps(for_csv=True))
def test_csv_round_trips_keep_what_csv_promises(cmap):
    again, warnings, _ = round_trip(cmap, "map.csv")
    assert strict(again.to_data()) == strict(KEPT["map.csv"](cmap))
    assert warnings == _FOUND


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(user_maps(for_csv=False))
def test_graphml_and_nodelink_round_trips_keep_everything(cmap):
    for name in ("map.graphml", "map.json"):
        again, warnings, _ = round_trip(cmap, name)
        assert strict(again.to_data()) == strict(KEPT[name](cmap)) and warnings == [], name


def test_the_promises_are_not_everything():
    """CSV leaves out what its docstring says it does, so the property test compares against less there."""
    cmap = CausalMap.new("Trivsel")
    cmap.add_variable("a", "A")
    cmap.add_variable("b", "B")
    cmap.add_link("a", "b", "+", proposed_by=[{"workshop": "w1"}])
    cmap.meta["outcome"] = ["b", "a"]
    again, _, files = round_trip(cmap, "map.csv")
    assert files == ["map.csv", "map.variables.csv", "map.map.csv"]
    assert again.outcome == ["a", "b"] and "proposed_by" not in again.graph.edges["a", "b"]
    assert strict(again.to_data()) == strict(kept_by_csv(cmap)) != strict(cmap.to_data())


def test_the_map_csv_is_a_plain_table_a_spreadsheet_opens(tmp_path):
    cmap = CausalMap.new('Børns "trivsel"; søvn, skærme')
    cmap.add_theme("screens", {"da": "Skærme", "en": "Screens\nand media"}, color="#5b8def")
    cmap.meta["loops"] = {"L2-2892a232e2": {"name": {"da": "Skærm og søvn"}, "story": "Første; så, \"anden\""}}
    cmap.meta["strengths"] = {"weak": 0.1, "medium": 0.2, "strong": 0.3}
    export_map(cmap, tmp_path / "links.csv")
    raw = (tmp_path / "links.map.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(keepends=True)))
    assert rows == [["section", "id", "key", "value"], ["title", "", "", 'Børns "trivsel"; søvn, skærme'],
                    ["languages", "", "", "da|en"],
                    ["strengths", "", "weak", "0.1"], ["strengths", "", "medium", "0.2"],
                    ["strengths", "", "strong", "0.3"],
                    ["themes", "screens", "label_da", "Skærme"], ["themes", "screens", "label_en", "Screens\nand media"],
                    ["themes", "screens", "color", "#5b8def"],
                    ["loops", "L2-2892a232e2", "name_da", "Skærm og søvn"],
                    ["loops", "L2-2892a232e2", "story", 'Første; så, "anden"']]


def test_a_hand_written_map_csv_with_semicolons_is_read(tmp_path):
    (tmp_path / "e.csv").write_text("from;to;polarity\na;b;+\n", encoding="utf-8")
    (tmp_path / "e.map.csv").write_text("section;id;key;value\ntitle;;;Trivsel i Havndal\n"
                                        "themes;food;label_da;Mad\nthemes;food;;\nthemes;move;;\n"
                                        "loops;L2-2892a232e2;name;Søvn\n", encoding="utf-8")
    cmap, _ = import_map(tmp_path / "e.csv")
    assert cmap.title == "Trivsel i Havndal" and cmap.languages == ["da", "en"]
    assert cmap.themes == {"food": {"label": {"da": "Mad"}}, "move": {}}
    assert cmap.loops == {"L2-2892a232e2": {"name": "Søvn"}}


@pytest.mark.parametrize("content, message", [
    ("section,id\ntitle,\n", "e.map.csv:1: missing column(s) key, value: the map CSV's header must be section,id,key,value"),
    ("section,id,key,value,colour\n", "e.map.csv:1: unknown column 'colour'"),
    ("section,id,key,value\ntheme,food,label_da,Mad\n", "e.map.csv:2: unknown section 'theme'; known sections: title"),
    ("section,id,key,value\nthemes,,label_da,Mad\n", "e.map.csv:2: a row of themes needs the id of its theme"),
    ("section,id,key,value\nthemes,food,colour,red\n", "e.map.csv:2: theme key 'colour' is not one of label or"),
    ("section,id,key,value\nthemes,food,label,Mad\nthemes,food,label_en,Food\n",
     "e.map.csv:3: theme 'food' gives label both with and without a language; keep one"),
    ("section,id,key,value\ntitle,,,A\n\ntitle,,,B\n", "e.map.csv:4: title is given twice (lines 2 and 4); keep one"),
    ("section,id,key,value\ntitle,x,,A\n", "e.map.csv:2: title has no id or key; leave those cells empty"),
    ("section,id,key,value\nlanguages,,,|\n", "e.map.csv:2: column 'value': name the map's languages, e.g. da|en"),
    ("section,id,key,value\nstrengths,,huge,1\n", "e.map.csv:2: strength 'huge' is not one of weak, medium, strong"),
    ("section,id,key,value\nstrengths,,weak,lots\n", "e.map.csv:2: column 'value': 'lots' is not a number"),
])
def test_a_bad_map_csv_is_one_line_error(tmp_path, monkeypatch, content, message):
    monkeypatch.chdir(tmp_path)
    Path("e.csv").write_text("from,to,polarity\na,b,+\n", encoding="utf-8")
    Path("e.map.csv").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "e.csv", "-o", "m.yaml"])
    assert result.exit_code == 2 and result.stderr.startswith(f"error: {message}"), result.stderr
    assert result.stderr.count("\n") == 1 and not Path("m.yaml").exists()


def test_importing_the_map_csv_as_an_edge_list_says_what_it_is(tmp_path):
    export_map(CausalMap.new("x"), tmp_path / "e.csv")
    with pytest.raises(MapFileError, match="this looks like a map CSV: import the edge list beside it"):
        import_map(tmp_path / "e.map.csv")
