"""Importers from other mapping tools: Vensim, XMILE/Stella, Kumu (JSON, xlsx), Mental Modeler, LOOPY, PRSM.

Small files written here from each format's documentation, plus public sample models in
../shared/data (see its SOURCES.md) where that folder is present.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.errors import GmbError, MapFileError
from gmb.formats import export_map, import_map
from gmb.formats.stockflow import INFERRED, NOT_INFERRED
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map
from gmb.maps.validate import validate

SHARED = Path(__file__).parents[1].parent / "shared" / "data"
needs_samples = pytest.mark.skipif(not SHARED.is_dir(), reason=f"needs the public sample models in {SHARED} "
                                   "(../shared/data beside the clone, listed in its SOURCES.md)")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def links(cmap: CausalMap) -> dict[tuple[str, str], str]:
    return {(u, v): a["polarity"] for u, v, a in cmap.links()}


def loops(cmap: CausalMap) -> list[tuple[frozenset, str]]:
    """Every feedback loop as (its variables, R or B), sorted: the sign is the product of the polarities."""
    found = []
    for cycle in nx.simple_cycles(cmap.graph):
        signs = [cmap.graph.edges[u, v]["polarity"] for u, v in zip(cycle, cycle[1:] + cycle[:1])]
        assert "?" not in signs, f"loop {cycle} has a link without polarity"
        found.append((frozenset(cycle), "R" if signs.count("-") % 2 == 0 else "B"))
    return sorted(found, key=lambda x: sorted(x[0]))


# -- Vensim ------------------------------------------------------------------------------------
SKETCH = "\\\\\\---/// Sketch information - do not modify anything except names\nV300  Do not put anything below\n*View 1\n$192-192-192,0,Times New Roman|12||0-0-0|0-0-0|0-0-255|-1--1--1|-1--1--1|96,96,100,0\n"
END = "///---\\\\\\\n:L<%^E!@\n"

VENSIM_CLD = """{UTF-8}
Screen time = A FUNCTION OF(Sleep) ~ ~ |
Sleep = A FUNCTION OF(Screen time, Mood) ~ ~ |
Mood = A FUNCTION OF(Sleep) ~ ~ |
"Activity, outdoors" = A FUNCTION OF(Mood) ~ ~ |
""" + SKETCH + """10,1,Screen time,100,100,40,20,8,3,0,0,0,0,0,0
10,2,Sleep,300,100,40,20,8,3,0,0,0,0,0,0
10,3,Mood,300,300,40,20,8,3,0,0,0,0,0,0
10,4,"Activity, outdoors",100,300,40,20,8,3,0,0,0,0,0,0
1,5,1,2,0,0,45,0,0,65,0,-1--1--1,,1|(200,80)|
1,6,2,1,0,0,79,0,0,64,0,-1--1--1,,1|(200,120)|
1,7,2,3,0,0,83,0,0,64,0,-1--1--1,,1|(320,200)|
1,8,3,2,0,0,+,0,0,64,0,-1--1--1,,1|(280,200)|
1,9,3,4,0,0,0,0,0,64,0,-1--1--1,,1|(200,300)|
""" + END


def test_vensim_cld_reads_polarity_codes_letters_and_delay_marks(tmp_path):
    cmap, warnings = import_map(write(tmp_path, "cld.mdl", VENSIM_CLD))
    assert links(cmap) == {("screen_time", "sleep"): "-", ("sleep", "screen_time"): "-",
                           ("sleep", "mood"): "+", ("mood", "sleep"): "+", ("mood", "activity_outdoors"): "?"}
    assert cmap.graph.edges["screen_time", "sleep"].get("delay") is True  # dtype 65: a delay mark
    assert "delay" not in cmap.graph.edges["sleep", "screen_time"]  # dtype 64: none
    assert loops(cmap) == [(frozenset({"mood", "sleep"}), "R"), (frozenset({"screen_time", "sleep"}), "R")]
    assert cmap.layout["mood"] == [300.0, 300.0]
    assert cmap.label("activity_outdoors") == "Activity, outdoors"
    assert not validate(cmap).errors


def test_vensim_old_sketch_syntax(tmp_path):
    text = SKETCH + "|1,Pressure,10,10\n|2,Hiring,50,10\n|3,Staff,90,10\n>1,2,+\n>2,3,S\n>3,1,O\n" + END
    cmap, _ = import_map(write(tmp_path, "old.mdl", text))
    assert links(cmap) == {("pressure", "hiring"): "+", ("hiring", "staff"): "+", ("staff", "pressure"): "-"}
    assert loops(cmap) == [(frozenset({"pressure", "hiring", "staff"}), "B")]


GOAL_SEEKING = """{UTF-8}
Level= INTEG (
\tAdjustment,
\t\t0)
\t~\tWidgets
\t~\tWhat we have.
\t|

Adjustment=
\t(Goal - Level) / Time to adjust
\t~\tWidgets/Month
\t~\t|

Goal = 100 ~ Widgets ~ |
Time to adjust = 4 ~ Month [1,?] ~ |
INITIAL TIME = 0 ~ Month ~ |
FINAL TIME = 10 ~ Month ~ |
"""


def test_vensim_stock_and_flow_first_order_goal_seeking_has_one_balancing_loop(tmp_path):
    cmap, warnings = import_map(write(tmp_path, "goal.mdl", GOAL_SEEKING))
    assert warnings == []
    # at the start (Goal - Level) / T = (100 - 0) / 4 > 0: a longer adjustment time makes it smaller
    assert links(cmap) == {("goal", "adjustment"): "+", ("level", "adjustment"): "-",
                           ("time_to_adjust", "adjustment"): "-", ("adjustment", "level"): "+"}
    assert loops(cmap) == [(frozenset({"level", "adjustment"}), "B")]
    level = cmap.graph.nodes["level"]
    assert level["kind"] == "stock" and level["initial"] == 0 and level["units"] == "Widgets"
    assert cmap.graph.nodes["goal"]["kind"] == "constant"
    assert cmap.graph.edges["level", "adjustment"]["notes"] == INFERRED
    assert cmap.graph.edges["adjustment", "level"] == {"polarity": "+", "flow": "inflow"}
    assert "INITIAL TIME".casefold() not in {cmap.label(v).casefold() for v in cmap.graph}


def test_vensim_lookups_delays_and_unsupported_functions(tmp_path):
    text = """Effect of crowding(
 [(0,0)-(10,1)],(0,1),(5,0.5),(10,0.2)) ~ ~ |
Crowding = 3 ~ ~ |
Birth rate = Effect of crowding(Crowding) * Base ~ ~ |
Base = 2 ~ ~ |
Smoothed = SMOOTH(Birth rate, 3) ~ ~ |
Capped = MIN(Smoothed, Cap) + IF THEN ELSE(Base > 1, Crowding, 0) ~ ~ |
Cap = 100 ~ ~ |
Noise = RANDOM NORMAL(0, 1, Base, 1, 0) ~ ~ |
Inline = WITH LOOKUP(Crowding, ([(0,0)-(10,10)],(0,10),(10,0))) ~ ~ |
"""
    cmap, _ = import_map(write(tmp_path, "fn.mdl", text))
    edges = cmap.graph.edges
    assert edges["crowding", "birth_rate"]["polarity"] == "-"  # the lookup falls from 1 to 0.2
    assert edges["base", "birth_rate"]["polarity"] == "+"
    assert edges["birth_rate", "smoothed"] == {"polarity": "+", "notes": INFERRED, "delay": True}
    assert edges["smoothed", "capped"]["polarity"] == "+"  # 4.8 < 100: MIN follows Smoothed
    assert edges["cap", "capped"]["polarity"] == "?"  # not binding: no effect
    assert edges["cap", "capped"]["notes"].startswith(NOT_INFERRED + ": it has no effect")
    assert edges["crowding", "capped"]["polarity"] == "+"
    assert edges["base", "noise"]["polarity"] == "?"
    assert edges["crowding", "inline"]["polarity"] == "-"
    assert "effect_of_crowding" not in cmap.graph  # a lookup is a table, not a variable


def test_vensim_unreadable_lookup_and_equation_are_warnings_not_errors(tmp_path):
    text = "Table(\n [(0,0)-(1,1)],(a,b)) ~ ~ |\nX = Y +* 2 ~ ~ |\nY = 1 ~ ~ |\n"
    cmap, warnings = import_map(write(tmp_path, "w.mdl", text))
    assert any(":1: lookup 'Table' not read" in w for w in warnings)
    assert any(":3: equation of 'X' not read" in w for w in warnings)
    assert links(cmap) == {("y", "x"): "?"}


@pytest.mark.parametrize("text, where", [
    ("just some words\nwithout any structure", "not a Vensim model"),
    (SKETCH + '10,1,"unclosed name,1,2\n' + END, ":5: a sketch line cannot be read"),
])
def test_vensim_malformed_files_give_one_line_errors(tmp_path, text, where):
    path = write(tmp_path, "bad.mdl", text)
    with pytest.raises(MapFileError) as info:
        import_map(path)
    assert str(info.value).startswith(str(path)) and where in str(info.value) and "\n" not in str(info.value)


# -- XMILE -------------------------------------------------------------------------------------
XMILE_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">\n<header><name>{}</name></header>\n'


def test_xmile_cld_connectors_with_polarity_and_aliases(tmp_path):
    text = XMILE_HEAD.format("Trivsel") + """<model><variables>
<aux name="Screen time"/><aux name="Sleep"/><aux name="Mood"/></variables>
<views><view>
<aux name="Screen time" x="10" y="20"/><aux name="Sleep" x="30" y="20"/>
<alias uid="7" x="5" y="5"><of>Screen_time</of></alias>
<connector uid="1" polarity="-"><from>Screen_time</from><to>Sleep</to></connector>
<connector uid="2" polarity="+"><from>Sleep</from><to>Mood</to></connector>
<connector uid="3" polarity="-"><from>Mood</from><to><alias uid="7"/></to></connector>
</view></views></model></xmile>"""
    cmap, _ = import_map(write(tmp_path, "cld.xmile", text))
    assert cmap.title == "Trivsel"
    assert links(cmap) == {("screen_time", "sleep"): "-", ("sleep", "mood"): "+", ("mood", "screen_time"): "-"}
    assert loops(cmap) == [(frozenset({"screen_time", "sleep", "mood"}), "R")]
    assert cmap.layout == {"screen_time": [10.0, 20.0], "sleep": [30.0, 20.0]}


def test_xmile_stock_flow_with_graphical_function_and_module(tmp_path):
    text = XMILE_HEAD.format("Town") + """<sim_specs><start>0</start><stop>10</stop></sim_specs>
<model><variables>
<stock name="Population"><eqn>1000</eqn><inflow>births</inflow><outflow>deaths</outflow></stock>
<flow name="births"><eqn>Population * birth_fraction</eqn></flow>
<flow name="deaths"><eqn>Population / lifetime</eqn></flow>
<aux name="lifetime"><eqn>70</eqn></aux>
<aux name="birth fraction"><eqn>crowding</eqn>
  <gf><xscale min="0" max="2"/><yscale min="0" max="1"/><ypts>0.05,0.03,0.01</ypts></gf></aux>
<aux name="crowding"><eqn>Population / Health.capacity</eqn></aux>
<module name="Health"><connect to="Health.load" from="crowding"/></module>
</variables></model>
<model name="Health"><variables>
<aux name="load" access="input"><eqn>1</eqn></aux>
<aux name="capacity"><eqn>2000</eqn></aux>
<aux name="pressure"><eqn>load * 2</eqn></aux>
</variables></model></xmile>"""
    cmap, warnings = import_map(write(tmp_path, "town.stmx", text))
    assert warnings == []  # the graphical function is carried over as a lookup gmb simulates
    assert cmap.graph.nodes["birth_fraction"]["equation"] == "LOOKUP(crowding, (0, 0.05), (1, 0.03), (2, 0.01))"
    got = links(cmap)
    assert got[("births", "population")] == "+" and got[("deaths", "population")] == "-"
    assert got[("population", "births")] == "+" and got[("birth_fraction", "births")] == "+"
    assert got[("lifetime", "deaths")] == "-"
    assert got[("crowding", "birth_fraction")] == "-"  # the table falls from 0.05 to 0.01
    assert got[("population", "crowding")] == "+" and got[("health_capacity", "crowding")] == "-"
    assert got[("crowding", "health_load")] == "+"  # the module's input is connected
    assert cmap.graph.edges["crowding", "health_load"] == {"polarity": "+"}
    assert got[("health_load", "health_pressure")] == "+"
    assert cmap.label("health_capacity") == "capacity (Health)"
    assert dict(loops(cmap)) == {frozenset({"population", "births"}): "R",
                                 frozenset({"population", "deaths"}): "B",
                                 frozenset({"population", "crowding", "birth_fraction", "births"}): "B"}


@pytest.mark.parametrize("text, message", [
    ('<?xml version="1.0"?>\n<xmile>\n<model><variables><aux name="a">\n</model></xmile>', ":4: is not well-formed XML"),
    ('<?xml version="1.0"?><notxmile/>', "is not an XMILE model"),
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xmile>&a;</xmile>', "declares XML entities"),
    ('<xmile version="1.0"><header/></xmile>', "has no <model>"),
    ('<?xml version="1.0" encoding="tf-8"?><xmile/>', ":1: declares an XML encoding that gmb cannot read"),
])
def test_xmile_malformed_files_give_one_line_errors(tmp_path, text, message):
    path = write(tmp_path, "bad.xmile", text)
    with pytest.raises(MapFileError) as info:
        import_map(path)
    assert message in str(info.value) and str(info.value).startswith(str(path))


# -- the public sample models: known loop structure ----------------------------------------------
TEACUP = [(frozenset({"teacup_temperature", "heat_loss_to_room"}), "B")]
SIR = [(frozenset({"infectious", "recovering"}), "B"), (frozenset({"infectious", "succumbing"}), "R"),
       (frozenset({"succumbing", "susceptible"}), "B")]


@needs_samples
@pytest.mark.parametrize("name, expected", [
    ("teacup/teacup.mdl", TEACUP), ("teacup/teacup.xmile", TEACUP), ("teacup/teacup.stmx", TEACUP),
    ("teacup/teacup_w_diagram.xmile", TEACUP), ("teacup/teacup_legacy.stmx", TEACUP),
    ("SIR/SIR.mdl", SIR), ("SIR/SIR.xmile", SIR), ("SIR/SIR.stmx", SIR), ("SIR/SIR_legacy.stmx", SIR),
])
def test_sample_stock_flow_models_import_with_their_known_loops(name, expected):
    cmap, warnings = import_map(SHARED / "sdxorg-samples" / name)
    assert loops(cmap) == expected
    assert not validate(cmap).errors


@needs_samples
def test_sample_sir_polarities_and_initial_value_links():
    cmap, _ = import_map(SHARED / "sdxorg-samples" / "SIR" / "SIR.mdl")
    assert links(cmap) == {
        ("succumbing", "infectious"): "+", ("recovering", "infectious"): "-", ("recovering", "recovered"): "+",
        ("infectious", "recovering"): "+", ("duration", "recovering"): "-", ("susceptible", "succumbing"): "+",
        ("infectious", "succumbing"): "+", ("total_population", "succumbing"): "-",
        ("contact_infectivity", "succumbing"): "+", ("succumbing", "susceptible"): "-"}
    # Total Population only sets Susceptible's initial value: the drawn arrow is not a causal link
    assert cmap.graph.nodes["susceptible"]["kind"] == "stock"


# -- Kumu --------------------------------------------------------------------------------------
def test_kumu_export_json_with_ids_attributes_mutual_and_undirected(tmp_path):
    data = {"elements": [
        {"_id": "elem-1", "attributes": {"label": "Screen time", "element type": "Screens", "description": "hours"}},
        {"_id": "elem-2", "attributes": {"label": "Sleep", "tags": ["health"]}},
        {"_id": "elem-3", "attributes": {"label": "Stock of trust", "element type": "stock"}}],
        "connections": [
        {"_id": "c1", "from": "elem-1", "to": "elem-2", "direction": "directed",
         "attributes": {"connection type": "-", "strength": "strong"}},
        {"_id": "c2", "from": "elem-2", "to": "elem-3", "direction": "mutual", "attributes": {"type": "+"}},
        {"_id": "c3", "from": "elem-1", "to": "elem-3", "direction": "undirected"},
        {"from": "Sleep", "to": "Grades", "attributes": {"connection type": "?", "delay": "yes"}}],
        "loops": [{"_id": "loop-1", "attributes": {"label": "R1"}}]}
    cmap, warnings = import_map(write(tmp_path, "kumu.json", json.dumps(data)))
    assert links(cmap) == {("screen_time", "sleep"): "-", ("sleep", "stock_of_trust"): "+",
                           ("stock_of_trust", "sleep"): "+", ("sleep", "grades"): "?"}
    assert cmap.graph.edges["screen_time", "sleep"]["strength"] == "strong"
    assert cmap.graph.edges["sleep", "grades"]["delay"] is True
    assert cmap.graph.nodes["screen_time"] == {"label": "Screen time", "theme": "screens", "notes": "hours"}
    assert cmap.graph.nodes["stock_of_trust"]["kind"] == "stock"
    assert cmap.themes == {"screens": {"label": "Screens"}}
    assert any("undirected" in w for w in warnings) and any("loops" in w for w in warnings)
    assert any("left out attributes" in w and "tags" in w for w in warnings)


def test_kumu_json_and_xlsx_round_trip(tmp_path):
    cmap = CausalMap.new("Trivsel")
    cmap.add_theme("screens", "Skærme")
    cmap.add_variable("screens", "Skærmtid", theme="screens", notes="timer om dagen")
    cmap.add_variable("sleep", "Søvn")
    cmap.add_variable("mood", "Humør")
    cmap.add_link("screens", "sleep", "-", strength="strong", delay=True)
    cmap.add_link("sleep", "mood", "+", notes="tydeligt")
    cmap.add_link("mood", "screens", "?")
    for name, fmt in (("map.json", "kumu"), ("map.xlsx", None)):
        path = tmp_path / name
        assert export_map(cmap, path, fmt) == [str(path)]
        again, _ = import_map(path, fmt)
        assert {(again.label(u), again.label(v)): a for u, v, a in again.links()} == {
            ("Skærmtid", "Søvn"): {"polarity": "-", "delay": True, "strength": "strong"},
            ("Søvn", "Humør"): {"polarity": "+", "notes": "tydeligt"},
            ("Humør", "Skærmtid"): {"polarity": "?"}}
        assert again.graph.nodes["screens"]["notes"] == "timer om dagen"  # gmb's ids are kept
        assert again.theme_label(again.graph.nodes["screens"]["theme"]) == "Skærme"


def test_kumu_xlsx_written_by_hand_with_several_values_in_a_cell(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Elements"
    sheet.append(["Label", "Type", "Tags"])
    sheet.append(["Screen time", "Factor|Screens", "a|b"])
    sheet.append(["Sleep", None, None])
    connections = book.create_sheet("Connections")
    connections.append(["FROM", "to", "Type"])
    connections.append(["Screen time", "Sleep", "-"])
    connections.append([None, None, None])
    path = tmp_path / "kumu.xlsx"
    book.save(path)
    cmap, warnings = import_map(path)
    assert links(cmap) == {("screen_time", "sleep"): "-"}
    assert cmap.graph.nodes["screen_time"]["theme"] == "factor"
    assert any("tags" in w for w in warnings)


@pytest.mark.parametrize("content, message", [
    (b"PK\x03\x04 not really a zip", "is not an .xlsx spreadsheet"),
    (b"hello", "is not an .xlsx spreadsheet"),
])
def test_kumu_xlsx_damaged_files(tmp_path, content, message):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(MapFileError, match=message):
        import_map(path)


# -- Mental Modeler, LOOPY, PRSM ---------------------------------------------------------------
@needs_samples
def test_mental_modeler_samples():
    cmap, _ = import_map(SHARED / "mentalmodeler" / "fish_wetland.mmp")
    assert cmap.graph.edges["amount_of_wetland", "pollution"] == {"polarity": "-", "strength": "weak"}  # L: 0.25
    assert cmap.graph.edges["amount_of_wetland", "livelihood"] == {"polarity": "+", "strength": "medium"}  # M: 0.62
    assert cmap.graph.nodes["amount_of_wetland"]["theme"] == "ertyretyrte"
    assert cmap.layout["amount_of_wetland"] == [200.0, 205.0]
    canonical, _ = import_map(SHARED / "mentalmodeler" / "test001_canonical.mmp")
    assert canonical.title == "Fundamentalism" and canonical.graph.number_of_edges() == 7


def test_mental_modeler_json_and_zero_influence(tmp_path):
    data = {"info": {"name": "Fisk"}, "groupNames": ["Natur"], "concepts": [
        {"id": "1", "name": "Fisk", "group": "0", "relationships": [
            {"id": "2", "influence": 0.5, "confidence": 0.8}, {"id": "3", "influence": 0}]},
        {"id": "2", "name": "Indkomst"}, {"id": "3", "name": "Turisme"}]}
    cmap, _ = import_map(write(tmp_path, "fisk.json", json.dumps(data)))
    assert cmap.graph.edges["fisk", "indkomst"] == {"polarity": "+", "strength": "medium", "confidence": 0.8}
    assert cmap.graph.edges["fisk", "turisme"] == {"polarity": "?"}
    assert cmap.theme_label("natur") == "Natur"
    bad = write(tmp_path, "bad.mmp", "<mentalmodeler><concepts><concept><id>1</id><name>A</name><relationships>"
                "<relationship><id>9</id><influence>1</influence></relationship></relationships></concept>"
                "</concepts></mentalmodeler>")
    with pytest.raises(MapFileError, match="not in the file"):
        import_map(bad)


@needs_samples
def test_loopy_sample_has_the_automation_profits_loop():
    cmap, warnings = import_map(SHARED / "loopy" / "example.loopy.json")
    assert set(links(cmap).values()) == {"+"} and len(links(cmap)) == 6
    assert loops(cmap) == [(frozenset({"automation", "profits"}), "R")]
    assert cmap.label("political_unrest") == "political unrest"
    assert any("3 text label" in w for w in warnings)


def test_loopy_legacy_strength_codes_and_url_form(tmp_path):
    model = '[[[1,0,0,0,"a"],[2,9,9,0,"b%20c"],[3,5,5,0,"d"]],[[1,2,0,-9,0],[2,3,0,8,0],[3,1,0,-1,0]],[],4]'
    cmap, _ = import_map(write(tmp_path, "m.loopy", model))
    assert links(cmap) == {("a", "b_c"): "-", ("b_c", "d"): "+", ("d", "a"): "-"}
    again, _ = import_map(write(tmp_path, "link.loopy", model.replace('"', "%22")))
    assert links(again) == links(cmap)
    with pytest.raises(MapFileError, match="edge 1 joins node ids"):
        import_map(write(tmp_path, "bad.loopy", '[[[1,0,0,0,"a"]],[[1,5,0,1,0]],[],2]'))


def test_prsm_map_with_styles_quill_notes_and_edge_labels(tmp_path):
    data = {"mapTitle": "Skolevej", "version": "2.0", "styles": {
        "nodes": {"group0": {"groupLabel": "Transport"}},
        "edges": {"edge0": {"groupLabel": "Negative"}, "edge1": {"groupLabel": "Normal"}}},
        "nodes": [{"id": "n1", "label": "Safe\nbike paths", "grp": "group0", "x": 1, "y": 2,
                   "note": {"ops": [{"insert": "Cykelstier\n"}]}},
                  {"id": "n2", "label": "Car traffic"}, {"id": "n3", "label": "Play outside"}],
        "edges": [{"from": "n1", "to": "n2", "grp": "edge0"}, {"from": "n2", "to": "n3", "label": "-"},
                  {"from": "n1", "to": "n3", "label": "more play", "grp": "edge1"}]}
    cmap, _ = import_map(write(tmp_path, "skolevej.prsm", json.dumps(data)))
    assert cmap.title == "Skolevej"
    assert links(cmap) == {("safe_bike_paths", "car_traffic"): "-", ("car_traffic", "play_outside"): "-",
                           ("safe_bike_paths", "play_outside"): "?"}
    assert cmap.graph.edges["safe_bike_paths", "play_outside"]["notes"] == "more play"
    assert cmap.graph.nodes["safe_bike_paths"] == {"label": "Safe bike paths", "theme": "transport",
                                                   "notes": "Cykelstier"}


# -- .json: which tool wrote it ----------------------------------------------------------------
@pytest.mark.parametrize("data, tool", [
    ({"elements": [{"label": "a"}], "connections": []}, "kumu"),
    ([[[1, 0, 0, 0, "a"]], [], [], 2], "loopy"),
    ({"mapTitle": "x", "nodes": [{"id": "1", "label": "a"}], "edges": []}, "prsm"),
    ({"concepts": [{"id": "1", "name": "a"}]}, "mentalmodeler"),
    ({"directed": True, "multigraph": False, "graph": {}, "nodes": [{"id": "a"}], "links": []}, "nodelink"),
])
def test_json_files_are_told_apart_by_their_shape(tmp_path, data, tool):
    from gmb.formats.sniff import json_format

    path = write(tmp_path, "map.json", json.dumps(data))
    assert json_format(path) == tool
    cmap, _ = import_map(path)
    assert cmap.label(next(iter(cmap.graph))) == "a"


def test_cli_import_guesses_sniffs_and_fails_in_one_line(tmp_path):
    runner = CliRunner()
    source = write(tmp_path, "goal.mdl", GOAL_SEEKING)
    result = runner.invoke(main, ["import", str(source), "-o", str(tmp_path / "goal.yaml")])
    assert result.exit_code == 0, result.output
    assert links(load_map(tmp_path / "goal.yaml"))[("level", "adjustment")] == "-"
    unknown = write(tmp_path, "other.json", '{"something": "else"}')
    result = runner.invoke(main, ["import", str(unknown), "-o", str(tmp_path / "o.yaml")])
    assert result.exit_code == 2 and "give --format" in result.output and result.output.count("\n") == 1
    broken = write(tmp_path, "broken.json", '{"elements": [\n{"label": "a"},\n')
    result = runner.invoke(main, ["import", str(broken), "-o", str(tmp_path / "b.yaml")])
    assert result.exit_code == 2 and f"{broken}:3: not valid JSON" in result.output
    assert not (tmp_path / "b.yaml").exists() and not (tmp_path / "o.yaml").exists()
    with pytest.raises(GmbError):
        import_map(unknown)
