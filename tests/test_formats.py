"""Import and export of plain formats: CSV, GraphML (also yEd's) and node-link JSON."""

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
from gmb.errors import GmbError, MapEditError
from gmb.formats import FORMATS, Format, export_map, import_map, register
from gmb.maps.causalmap import CausalMap
from gmb.maps.schema import CONFIDENCES, KINDS, POLARITIES, STRENGTHS
from gmb.maps.store import load_map


def rich_map() -> CausalMap:
    """A tiny map with everything the formats must carry: Danish text, quotes, emoji, markup."""
    cmap = CausalMap.new('Børns "mentale" sundhed <script>alert(1)</script>')
    cmap.add_theme("screens", {"da": "Skærme", "en": "Screens"}, color="#5b8def")
    cmap.add_theme("community", {"da": "Fællesskab og at høre til"})
    cmap.add_variable("screen_time", {"da": "Skærmtid 📱", "en": 'Screen "time", a lot'}, theme="screens",
                      adjust_time=6, units="timer/dag", notes="første linje\nanden; linje",
                      source={"workshop": "w1", "group": "B"})
    cmap.add_variable("sleep", {"da": "Søvn", "en": "Sleep"}, theme="screens", kind="index",
                      synonyms=["hvile", "nattesøvn"])
    cmap.add_variable("mental_health", {"da": "Børns mentale sundhed", "en": "Children's mental health"},
                      theme="community", adjust_time=12.5)
    cmap.add_variable("bike_paths", {"da": "<script>alert('x')</script>", "en": "Safe bike paths, to school"},
                      kind="action")
    cmap.add_link("screen_time", "sleep", "-", strength="medium", delay=True, confidence="high",
                  source={"workshop": "w1", "group": "B", "quote": 'Han sagde: "for meget, ærligt" 😴'})
    cmap.add_link("sleep", "mental_health", "+", strength=0.75, delay=3, notes="<b>vigtig</b> & klar")
    cmap.add_link("bike_paths", "mental_health", "+", strength="weak", confidence=0.4)
    cmap.add_link("mental_health", "screen_time", "?")
    cmap.set_outcome(["mental_health"])
    cmap.meta["layout"] = {"screen_time": [120, -40], "sleep": [10.5, 3.25]}
    cmap.meta["loops"] = {"B1": {"name": {"da": "Skærm og søvn", "en": "Screens and sleep"}}}
    return cmap


def strict(value) -> str:
    """Data as text that tells True from 1 and 1 from 1.0."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def by_link(data: dict) -> dict:
    """The map data with links keyed by their ends (GraphML lists links grouped by their cause)."""
    return data | {"links": {f'{x["from"]} → {x["to"]}': x for x in data["links"]}}


def round_trip(cmap: CausalMap, name: str) -> tuple[CausalMap, list[str], list[str]]:
    with tempfile.TemporaryDirectory() as folder:
        files = export_map(cmap, Path(folder) / name)
        again, warnings = import_map(Path(folder) / name)
    return again, warnings, [Path(f).name for f in files]


# -- round trips ----------------------------------------------------------------------------

def test_nodelink_round_trip_is_lossless():
    cmap = rich_map()
    again, warnings, files = round_trip(cmap, "map.json")
    assert files == ["map.json"] and warnings == []
    assert strict(again.to_data()) == strict(cmap.to_data())
    assert [(u, v) for u, v, _ in again.links()] == [(u, v) for u, v, _ in cmap.links()]


def test_graphml_round_trip_is_lossless_up_to_link_order():
    cmap = rich_map()
    again, warnings, files = round_trip(cmap, "map.graphml")
    assert files == ["map.graphml"] and warnings == []
    assert strict(by_link(again.to_data())) == strict(by_link(cmap.to_data()))
    assert again.graph.edges["sleep", "mental_health"]["delay"] == 3
    assert again.graph.edges["screen_time", "sleep"]["delay"] is True


def test_graphml_holds_flat_attributes_and_positions(tmp_path):
    export_map(rich_map(), tmp_path / "map.graphml")
    text = (tmp_path / "map.graphml").read_text(encoding="utf-8")
    for name in ('attr.name="label.da"', 'attr.name="source.quote"', 'attr.name="synonyms:json"',
                 'attr.name="title"', 'attr.name="themes.screens.color"', 'attr.name="x"'):
        assert name in text
    assert "&lt;script&gt;" in text and "<script>" not in text


def test_csv_round_trip_keeps_the_map_including_title_themes_and_loops():
    cmap = rich_map()
    again, warnings, files = round_trip(cmap, "map.csv")
    assert files == ["map.csv", "map.variables.csv", "map.map.csv"]
    assert len(warnings) == 2 and "read the title, languages, themes and loops from" in warnings[0]
    assert "read the variables from" in warnings[1]
    assert strict(again.to_data()) == strict(cmap.to_data())
    assert [(u, v) for u, v, _ in again.links()] == [(u, v) for u, v, _ in cmap.links()]


def test_csv_without_its_map_csv_labels_themes_by_id_and_titles_by_name(tmp_path):
    files = export_map(rich_map(), tmp_path / "map.csv")
    Path(files[2]).unlink()
    again, _ = import_map(tmp_path / "map.csv")
    assert again.themes == {"screens": {"label": {"da": "screens"}}, "community": {"label": {"da": "community"}}}
    assert again.title == "map" and again.loops == {}


def test_csv_export_writes_a_plain_edge_list(tmp_path):
    export_map(rich_map(), tmp_path / "links.csv", variables=tmp_path / "vars.csv")
    edges = (tmp_path / "links.csv").read_text(encoding="utf-8-sig").splitlines()
    assert edges[0] == "from,to,polarity,strength,delay,confidence,notes,source_workshop,source_group,source_quote"
    assert edges[1] == 'screen_time,sleep,-,medium,true,high,,w1,B,"Han sagde: ""for meget, ærligt"" 😴"'
    assert edges[2] == "sleep,mental_health,+,0.75,3,,<b>vigtig</b> & klar,,,"
    variables = (tmp_path / "vars.csv").read_bytes().decode("utf-8-sig")
    assert variables.startswith("id,label_da,label_en,theme,kind,adjust_time,units,notes,synonyms,"
                                "source_workshop,source_group,outcome,x,y\r\n")
    assert "sleep,Søvn,Sleep,screens,index,,,,hvile|nattesøvn,,,,10.5,3.25\r\n" in variables
    assert (tmp_path / "links.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_danish_excel_csv_with_semicolons_bom_and_decimal_commas(tmp_path):
    (tmp_path / "vars.csv").write_text(
        "\ufeffid;label_da;label_en;theme;kind;adjust_time;outcome\n"
        "skaermtid;Skærmtid;Screen time;skaerme;;6,5;\n"
        'soevn;"Søvn; om natten";Sleep;;;;\n'
        "trivsel;Trivsel;Well-being;;;;ja\n", encoding="utf-8")
    (tmp_path / "links.csv").write_text(
        "\ufeffFrom;To;Polarity;Strength;Delay\n"
        "SKÆRMTID;soevn;−;0,5;ja\n"
        "Sleep;trivsel;+;;\n"
        "\n"
        '"søvn; om natten";trivsel;+;;\n', encoding="utf-8")
    cmap, warnings = import_map(tmp_path / "links.csv", variables=tmp_path / "vars.csv")
    assert cmap.graph.nodes["skaermtid"] == {"label": {"da": "Skærmtid", "en": "Screen time"},
                                             "theme": "skaerme", "adjust_time": 6.5}
    assert cmap.label("soevn") == "Søvn; om natten" and cmap.outcome == ["trivsel"]
    assert list(cmap.links()) == [("skaermtid", "soevn", {"polarity": "-", "strength": 0.5, "delay": True}),
                                  ("soevn", "trivsel", {"polarity": "+"})]
    assert warnings == [f"{tmp_path / 'links.csv'}: link soevn → trivsel is given 2 times (lines 3, 5); "
                        "merged into one"]


def test_csv_without_variables_uses_names_as_labels_and_ignores_case(tmp_path):
    (tmp_path / "e.csv").write_text('from,to,polarity\nSkærmtid,Søvn,-\nsøvn,"Trivsel, børn",+\n',
                                    encoding="utf-8")
    cmap, warnings = import_map(tmp_path / "e.csv")
    assert warnings == [] and cmap.variables == ["Skærmtid", "Søvn", "Trivsel, børn"]
    assert cmap.graph.nodes["Trivsel, børn"] == {"label": {"da": "Trivsel, børn"}}
    assert [(u, v) for u, v, _ in cmap.links()] == [("Skærmtid", "Søvn"), ("Søvn", "Trivsel, børn")]


def test_windows_1252_csv_is_read_with_a_warning(tmp_path):
    (tmp_path / "e.csv").write_bytes("from;to;polarity\næble;pære;+\n".encode("cp1252"))
    cmap, warnings = import_map(tmp_path / "e.csv")
    assert cmap.variables == ["æble", "pære"]
    assert len(warnings) == 1 and "Windows-1252" in warnings[0]


# -- duplicates ------------------------------------------------------------------------------

def test_duplicate_csv_links_are_merged_with_warnings(tmp_path):
    (tmp_path / "e.csv").write_text("from,to,polarity,strength\n"
                                    "a,b,+,\n"       # line 2
                                    "b,c,-,weak\n"   # line 3
                                    "a,b,+,strong\n"  # line 4: same polarity, adds strength
                                    "b,c,+,strong\n"  # line 5: opposite polarity
                                    "c,a,+,\n", encoding="utf-8")
    cmap, warnings = import_map(tmp_path / "e.csv")
    assert cmap.graph.number_of_edges() == 3
    assert cmap.graph.edges["a", "b"] == {"polarity": "+", "strength": "strong"}
    assert cmap.graph.edges["b", "c"] == {"polarity": "?", "strength": "weak"}
    path = tmp_path / "e.csv"
    assert warnings == [
        f"{path}: link a → b is given 2 times (lines 2, 4); merged into one",
        f"{path}: link b → c is given 2 times (lines 3, 5) with polarities -, +; merged into one link with "
        "polarity ? for the group to decide (they differ in strength: kept the first)",
    ]


def test_duplicate_variables_and_nodelink_links_are_merged(tmp_path):
    data = {"nodes": [{"id": "a", "label": "A"}, {"id": "b"}, {"id": "a", "notes": "again"}],
            "links": [{"source": "a", "target": "b", "polarity": "+"},
                      {"source": "a", "target": "b", "polarity": "+"},
                      {"source": "b", "target": "a", "polarity": "-", "weight": 2}]}
    (tmp_path / "g.json").write_text(json.dumps(data), encoding="utf-8")
    cmap, warnings = import_map(tmp_path / "g.json")
    assert dict(cmap.graph.nodes(data=True)) == {"a": {"label": {"da": "A"}, "notes": "again"}, "b": {}}
    assert [(u, v, a) for u, v, a in cmap.links()] == [("a", "b", {"polarity": "+"}), ("b", "a", {"polarity": "-"})]
    path = tmp_path / "g.json"
    assert warnings == [f"{path}: variable 'a' is given 2 times (nodes[0], nodes[2]); merged into one",
                        f"{path}: link a → b is given 2 times (links[0], links[1]); merged into one",
                        f"{path}: left out attributes that a gmb map does not hold: weight"]


def test_self_links_are_left_out_with_a_warning(tmp_path):
    (tmp_path / "e.csv").write_text("from,to,polarity\na,a,+\na,b,-\n", encoding="utf-8")
    cmap, warnings = import_map(tmp_path / "e.csv")
    assert [(u, v) for u, v, _ in cmap.links()] == [("a", "b")]
    assert warnings == [f"{tmp_path / 'e.csv'}:2: link a → a joins a variable to itself; left out"]


# -- yEd ----------------------------------------------------------------------------------------

YED = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:y="http://www.yworks.com/xml/graphml"
  xmlns:yed="http://www.yworks.com/xml/yed/3">
  <key attr.name="url" attr.type="string" for="node" id="d3"/>
  <key attr.name="description" attr.type="string" for="node" id="d4"/>
  <key for="node" id="d5" yfiles.type="nodegraphics"/>
  <key for="edge" id="d8" yfiles.type="edgegraphics"/>
  <graph edgedefault="directed" id="G">
    <node id="n0">
      <data key="d4">Timer foran skærmen &lt;pr. dag&gt;</data>
      <data key="d5"><y:ShapeNode><y:Geometry height="30.0" width="80.0" x="100.0" y="-40.5"/>
        <y:Fill color="#FFCC00" transparent="false"/><y:NodeLabel>Skærmtid</y:NodeLabel>
        <y:Shape type="roundrectangle"/></y:ShapeNode></data>
    </node>
    <node id="n1">
      <data key="d5"><y:ShapeNode><y:Geometry height="30.0" width="80.0" x="300.0" y="20.0"/>
        <y:NodeLabel>Søvn</y:NodeLabel></y:ShapeNode></data>
    </node>
    <node id="n2">
      <data key="d5"><y:ShapeNode><y:Geometry height="30.0" width="80.0" x="200.0" y="200.0"/>
        <y:NodeLabel>Børns mentale sundhed 🙂</y:NodeLabel></y:ShapeNode></data>
    </node>
    <edge id="e0" source="n0" target="n1">
      <data key="d8"><y:PolyLineEdge><y:Arrows source="none" target="standard"/>
        <y:EdgeLabel alignment="center">−</y:EdgeLabel></y:PolyLineEdge></data>
    </edge>
    <edge id="e1" source="n1" target="n2">
      <data key="d8"><y:PolyLineEdge><y:EdgeLabel>+</y:EdgeLabel></y:PolyLineEdge></data>
    </edge>
    <edge id="e2" source="n2" target="n0">
      <data key="d8"><y:BezierEdge><y:EdgeLabel>langsomt</y:EdgeLabel></y:BezierEdge></data>
    </edge>
    <edge id="e3" source="n0" target="n1">
      <data key="d8"><y:PolyLineEdge><y:EdgeLabel>-</y:EdgeLabel></y:PolyLineEdge></data>
    </edge>
  </graph>
</graphml>
"""


def test_yed_labels_positions_and_edge_labels(tmp_path):
    (tmp_path / "cld.graphml").write_text(YED, encoding="utf-8")
    cmap, warnings = import_map(tmp_path / "cld.graphml")
    assert dict(cmap.graph.nodes(data=True)) == {
        "skærmtid": {"label": {"da": "Skærmtid"}, "notes": "Timer foran skærmen <pr. dag>"},
        "søvn": {"label": {"da": "Søvn"}},
        "børns_mentale_sundhed": {"label": {"da": "Børns mentale sundhed 🙂"}},
    }
    assert cmap.layout == {"skærmtid": [100, -40.5], "søvn": [300, 20], "børns_mentale_sundhed": [200, 200]}
    assert list(cmap.links()) == [("skærmtid", "søvn", {"polarity": "-"}),
                                  ("søvn", "børns_mentale_sundhed", {"polarity": "+"}),
                                  ("børns_mentale_sundhed", "skærmtid", {"notes": "langsomt", "polarity": "?"})]
    assert warnings == [f"{tmp_path / 'cld.graphml'}: link skærmtid → søvn is given 2 times (edge e0, edge e3); "
                        "merged into one"]
    assert cmap.resolve("Søvn") == "søvn"


def test_yed_conflicting_duplicate_becomes_unknown(tmp_path):
    (tmp_path / "cld.graphml").write_text(YED.replace("<y:EdgeLabel>-</y:EdgeLabel>", "<y:EdgeLabel>+</y:EdgeLabel>"),
                                          encoding="utf-8")
    cmap, warnings = import_map(tmp_path / "cld.graphml")
    assert cmap.graph.edges["skærmtid", "søvn"] == {"polarity": "?"}
    assert "with polarities -, +; merged into one link with polarity ? for the group to decide" in warnings[0]


# -- random maps -----------------------------------------------------------------------------

_ids = st.text(alphabet="abcxyzæøå_019", min_size=1, max_size=6)
_cell_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0|"),
                     min_size=1, max_size=10).map(str.strip).filter(bool)
_numbers = st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
_source = st.fixed_dictionaries({}, optional={"workshop": _cell_text, "group": _cell_text}).filter(bool)


@st.composite
def csv_maps(draw) -> CausalMap:
    """Random maps holding only what CSV holds (themes labelled by their ids, outcome in variable order)."""
    langs = draw(st.sampled_from([["da", "en"], ["da"], ["en", "da", "de"]]))
    cmap = CausalMap.new("random", langs)
    var_ids = draw(st.lists(_ids, min_size=1, max_size=6, unique_by=str.casefold))
    themes = draw(st.lists(_ids, max_size=2, unique_by=str.casefold))
    for theme in themes:
        cmap.add_theme(theme, {langs[0]: theme})
    optional = {"kind": st.sampled_from(KINDS), "adjust_time": _numbers, "units": _cell_text,
                "notes": _cell_text, "synonyms": st.lists(_cell_text, min_size=1, max_size=2), "source": _source}
    if themes:
        optional["theme"] = st.sampled_from(themes)
    for var in var_ids:
        label = draw(st.dictionaries(st.sampled_from(langs), _cell_text, min_size=1))
        cmap.add_variable(var, label, **draw(st.fixed_dictionaries({}, optional=optional)))
    pairs = st.tuples(st.sampled_from(var_ids), st.sampled_from(var_ids)).filter(lambda p: p[0] != p[1])
    for u, v in draw(st.lists(pairs, max_size=8, unique=True)):
        attrs = draw(st.fixed_dictionaries({}, optional={
            "strength": st.sampled_from(STRENGTHS) | _numbers, "delay": st.booleans() | _numbers,
            "confidence": st.sampled_from(CONFIDENCES) | st.floats(0, 1), "notes": _cell_text, "source": _source}))
        cmap.add_link(u, v, draw(st.sampled_from(POLARITIES)), **attrs)
    chosen = draw(st.sets(st.sampled_from(var_ids), max_size=2))
    cmap.set_outcome([v for v in var_ids if v in chosen])
    layout = draw(st.dictionaries(st.sampled_from(var_ids), st.lists(_numbers, min_size=2, max_size=2)))
    if layout:
        cmap.meta["layout"] = layout
    return cmap


_json_values = st.recursive(st.none() | st.booleans() | _numbers | st.text(st.characters(blacklist_categories=("Cs",))),
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                            max_leaves=6)


@st.composite
def any_maps(draw) -> CausalMap:
    """Random maps with anything a map file can hold: free text, unknown keys, nested values, null."""
    cmap = draw(csv_maps())
    cmap.meta["title"] = draw(st.text(st.characters(blacklist_categories=("Cs",))))
    cmap.meta["loops"] = draw(st.dictionaries(_ids, _json_values, max_size=2))
    for var in cmap.variables:
        cmap.graph.nodes[var].update(draw(st.dictionaries(st.sampled_from(["notes", "extra", "label"]),
                                                          _json_values, max_size=2)))
    for u, v, attrs in cmap.links():
        attrs.update(draw(st.dictionaries(st.sampled_from(["notes", "extra", "flow"]), _json_values, max_size=2)))
    return cmap


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_maps())
def test_csv_round_trip_of_random_maps(cmap):
    again, _, _ = round_trip(cmap, "m.csv")
    assert strict(dict(again.graph.nodes(data=True))) == strict(dict(cmap.graph.nodes(data=True)))
    assert strict(list(again.links())) == strict(list(cmap.links()))
    assert again.languages == cmap.languages and again.outcome == cmap.outcome
    assert again.layout == cmap.layout and again.themes == cmap.themes


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_maps())
def test_nodelink_and_graphml_round_trips_of_random_maps(cmap):
    again, warnings, _ = round_trip(cmap, "m.json")
    assert warnings == [] and strict(again.to_data()) == strict(cmap.to_data())
    again, warnings, _ = round_trip(cmap, "m.graphml")
    assert warnings == [] and strict(by_link(again.to_data())) == strict(by_link(cmap.to_data()))


# -- the command line ----------------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_cli_import_then_export(tmp_path):
    export_map(rich_map(), tmp_path / "in.json")
    result = run("import", tmp_path / "in.json", "-o", tmp_path / "map.yaml", "--title", "Trivsel i Havndal")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (f"imported 4 variables, 4 links, 2 themes from {tmp_path / 'in.json'} into "
                             f"{tmp_path / 'map.yaml'} (check it with: gmb validate {tmp_path / 'map.yaml'})\n")
    saved = load_map(tmp_path / "map.yaml")
    expected = rich_map().to_data() | {"title": "Trivsel i Havndal"}
    assert strict(saved.to_data()) == strict(expected)
    result = run("export", tmp_path / "map.yaml", "-o", tmp_path / "out.csv", "--variables", tmp_path / "v.csv")
    assert result.exit_code == 0
    assert result.stdout == f"wrote {tmp_path / 'out.csv'}, {tmp_path / 'v.csv'}, {tmp_path / 'out.map.csv'}\n"
    again = run("import", tmp_path / "out.csv", "--variables", tmp_path / "v.csv", "-o", tmp_path / "again.yaml")
    assert again.exit_code == 0
    assert again.stderr == (f"warning: {tmp_path / 'out.csv'}: read the title, languages, themes and loops from "
                            f"{tmp_path / 'out.map.csv'} (found beside it)\n")
    assert strict(load_map(tmp_path / "again.yaml").to_data()) == strict(saved.to_data())
    assert strict(list(load_map(tmp_path / "again.yaml").links())) == strict(list(saved.links()))


def test_cli_prints_warnings_and_refuses_to_overwrite(tmp_path):
    (tmp_path / "e.csv").write_text("from,to,polarity\na,b,+\na,b,-\n", encoding="utf-8")
    (tmp_path / "map.yaml").write_text("# keep me\n", encoding="utf-8")
    refused = run("import", tmp_path / "e.csv", "-o", tmp_path / "map.yaml")
    assert refused.exit_code == 2
    assert refused.stderr == f"error: {tmp_path / 'map.yaml'}: exists already; choose another name, or use --force to replace it\n"
    assert (tmp_path / "map.yaml").read_text(encoding="utf-8") == "# keep me\n"
    forced = run("import", tmp_path / "e.csv", "-o", tmp_path / "map.yaml", "--force")
    assert forced.exit_code == 0
    assert forced.stderr == (f"warning: {tmp_path / 'e.csv'}: link a → b is given 2 times (lines 2, 3) with polarities "
                             "+, -; merged into one link with polarity ? for the group to decide\n")
    assert [(u, v, a) for u, v, a in load_map(tmp_path / "map.yaml").links()] == [("a", "b", {"polarity": "?"})]


_YED_UNDIRECTED = YED.replace('edgedefault="directed"', 'edgedefault="undirected"')
BAD_INPUTS = [
    # (id, file name, content or None for "does not exist" / "dir" for a directory, extra args, message)
    ("missing", "nope.csv", None, [], "nope.csv: no such file"),
    ("directory", "folder.csv", "dir", [], "folder.csv: is a directory"),
    ("empty-csv", "e.csv", b"", [], "e.csv: is empty"),
    ("empty-json", "e.json", b"  \n", [], "e.json: is empty"),
    ("bom-only-csv", "e.csv", b"\xef\xbb\xbf\n", [], "e.csv: is empty"),
    ("binary", "e.graphml", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", [], "e.graphml: is a binary file"),
    ("csv-header", "e.csv", b"a,b\n1,2\n", [], "e.csv:1: missing column(s) from, to, polarity"),
    ("csv-variables-as-edges", "v.csv", b"id,label_da\na,A\n", [], "this looks like a variables CSV"),
    ("csv-unknown-column", "e.csv", b"from,to,polarity,weight\na,b,+,1\n", [], "e.csv:1: unknown column 'weight'"),
    ("csv-duplicate-column", "e.csv", b"from,to,polarity,to\na,b,+,c\n", [], "column 'to' appears twice"),
    ("csv-bad-polarity", "e.csv", b"from,to,polarity\na,b,+\nb,c,maybe\n", [], "e.csv:3: column 'polarity'"),
    ("csv-bad-strength", "e.csv", b"from,to,polarity,strength\na,b,+,huge\n", [], "e.csv:2: column 'strength'"),
    ("csv-infinite-strength", "e.csv", b"from,to,polarity,strength\na,b,+,1\nb,a,+,inf\n", [],
     "e.csv:3: column 'strength': 'inf' is not one of weak, medium, strong or a number"),
    ("csv-quotes", "e.csv", b'from,to,polarity\na,b,+\n"a,b,+\n', [], "e.csv:3: not valid CSV"),
    ("csv-extra-cells", "e.csv", b"from,to,polarity\na,b,+,x\n", [], "e.csv:2: 4 cells but the header names 3"),
    ("csv-empty-name", "e.csv", b"from,to,polarity\n,b,+\n", [], "e.csv:2: a variable id or name is empty"),
    ("not-utf8", "e.json", b'{"nodes": "\x81\x8d"}', [], "e.json:1: is not UTF-8 text"),
    ("xml", "e.graphml", b"<graphml>\n<graph>\n</graphml>", [], "e.graphml:3: not valid XML (mismatched tag)"),
    ("not-graphml", "e.graphml", b"<root/>", [], "e.graphml: not valid GraphML"),
    ("undirected", "e.graphml", _YED_UNDIRECTED.encode(), [], "is an undirected graph"),
    ("json", "e.json", b'{"nodes": [\n  {"id": "a"},\n]}', [], "e.json:3: not valid JSON"),
    ("json-shape", "e.json", b"[1, 2]", [], "e.json: is not node-link JSON"),
    ("json-other-tool", "e.json", b'{"nodes": {"a": 1}}', [], "if another tool wrote it, give --format kumu"),
    ("json-node", "e.json", b'{"nodes": [{"name": "a"}]}', [], "e.json: nodes[0] has no 'id'"),
    ("json-link", "e.json", b'{"nodes": [{"id": "a"}], "links": [{"source": "a"}]}', [], "links[0] needs 'source' and 'target'"),
    ("json-polarity", "e.json", b'{"nodes": [], "links": [{"source": "a", "target": "b", "polarity": "x"}]}', [],
     "e.json: links[0]: link a → b: polarity 'x' is not +, - or ?"),
    ("extension", "e.yml", b"title: x\n", [], "e.yml: is a gmb map file already"),
    ("unknown-extension", "e.txt", b"a\n", [], "cannot tell the format from the extension '.txt'; give --format, known formats: csv (.csv)"),
    ("unknown-format", "e.csv", b"from,to,polarity\n", ["--format", "kumu2"], "unknown format 'kumu2'; known formats:"),
    ("variables-option", "e.json", b'{"nodes": []}', ["--variables", "v.csv"], "option 'variables' does not apply to format 'nodelink'"),
    ("variables-unknown-column", "e.csv", b"from,to,polarity\na,b,+\n", ["--variables", "vars.csv"],
     "vars.csv:1: unknown column 'colour'; known columns: adjust_time"),
]


@pytest.mark.parametrize("name, content, args, message", [case[1:] for case in BAD_INPUTS],
                         ids=[case[0] for case in BAD_INPUTS])
def test_cli_import_bad_input(tmp_path, name, content, args, message):
    source = tmp_path / name
    if content == "dir":
        source.mkdir()
    elif content is not None:
        source.write_bytes(content)
    (tmp_path / "vars.csv").write_text("id,label_da,colour\na,A,red\n", encoding="utf-8")
    out = tmp_path / "map.yaml"
    args = [str(tmp_path / a) if a.endswith(".csv") else a for a in args]
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(out), *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output and not out.exists()


def test_cli_export_errors(tmp_path):
    export_map(rich_map(), tmp_path / "in.json")
    run("import", tmp_path / "in.json", "-o", tmp_path / "map.yaml")
    (tmp_path / "folder.json").mkdir()
    broken = tmp_path / "broken.yaml"
    broken.write_text("gmb: 1\ntitle: x\nvariables:\n  a: {label: A}\nlinks:\n  - {from: a, to: ghost, polarity: '+'}\n",
                      encoding="utf-8")
    cases = [
        (["export", tmp_path / "map.yaml", "-o", tmp_path / "no" / "m.csv"], "directory"),
        (["export", tmp_path / "map.yaml", "-o", tmp_path / "m.docx"], "cannot tell the format from the extension '.docx'"),
        (["export", tmp_path / "map.yaml", "-o", tmp_path / "folder.json"], "folder.json: is a directory"),
        (["export", tmp_path / "missing.yaml", "-o", tmp_path / "m.json"], "missing.yaml: no such file"),
        (["export", broken, "-o", tmp_path / "m.json"], "invalid link(s) (first: a → ghost)"),
        (["export", tmp_path / "map.yaml", "-o", tmp_path / "m.csv", "--variables", tmp_path / "m.csv"],
         "the variables CSV needs a file name of its own"),
    ]
    for args, message in cases:
        result = CliRunner().invoke(main, [str(a) for a in args])
        assert result.exit_code == 2 and message in result.stderr, (args, result.output)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.yaml", "folder.json", "in.json", "map.yaml"]


def test_import_and_export_in_a_real_process(tmp_path):
    (tmp_path / "e.csv").write_text("from;to;polarity\nSkærmtid;Søvn;-\nSøvn;Skærmtid;+\nskærmtid;søvn;-\n",
                                    encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "gmb", "import", "e.csv", "-o", "m.yaml"], cwd=tmp_path,
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert done.stderr == "warning: e.csv: link Skærmtid → Søvn is given 2 times (lines 2, 4); merged into one\n"
    done = subprocess.run([sys.executable, "-m", "gmb", "export", "m.yaml", "-o", "m.graphml"], cwd=tmp_path,
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0 and done.stdout == "wrote m.graphml\n"
    cmap, warnings = import_map(tmp_path / "m.graphml")
    assert warnings == [] and [(u, v, a["polarity"]) for u, v, a in cmap.links()] == [
        ("Skærmtid", "Søvn", "-"), ("Søvn", "Skærmtid", "+")]


# -- the registry ------------------------------------------------------------------------------

def test_registered_format_is_guessed_and_write_only_formats_cannot_be_imported(tmp_path):
    register(Format("nodelink-copy", (".nlj",), "gmb.formats.nodelink", "test copy", reader=None))
    try:
        assert export_map(rich_map(), tmp_path / "m.nlj") == [str(tmp_path / "m.nlj")]
        assert json.loads((tmp_path / "m.nlj").read_text(encoding="utf-8"))["graph"]["title"] == rich_map().title
        with pytest.raises(GmbError, match="format 'nodelink-copy' can only be exported"):
            import_map(tmp_path / "m.nlj")
        assert import_map(tmp_path / "m.nlj", format="nodelink")[0].to_data() == rich_map().to_data()
        with pytest.raises(ValueError, match="registered already"):
            register(Format("csv", (".csv",), "gmb.formats.csv_edges", "again"))
    finally:
        FORMATS.pop("nodelink-copy")


def test_export_refuses_a_map_with_invalid_links(tmp_path):
    cmap = CausalMap.from_data({"title": "x", "variables": {"a": {}}, "links": [{"from": "a", "to": "b"}]})
    with pytest.raises(MapEditError, match="invalid link"):
        export_map(cmap, tmp_path / "m.graphml")
    assert not (tmp_path / "m.graphml").exists()
