"""Every polarity and strength convention the importers read, and exports for facilitators' tools.

Kumu (connection types ``+ - ++ -- +- -+``, same/opposite, labels, signed weights, strength words and
1–N scales), Mental Modeler (H+/M-/L+ labels and numbers), PRSM (plain and lz-string compressed files,
edge labels, style labels, bar arrowheads) and LOOPY (JSON array and URL forms), each from fixtures
written here from the tools' documentation and source; the public samples in ../shared/data where
present; and round trips gmb → Kumu (JSON, xlsx) / PRSM → gmb on random maps.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmb.cli import main
from gmb.formats import export_map, import_map
from gmb.formats.sniff import json_format
from gmb.maps.causalmap import CausalMap
from gmb.maps.schema import POLARITIES, STRENGTHS
from gmb.maps.store import load_map

SHARED = Path(__file__).parents[1].parent / "shared" / "data"
needs_samples = pytest.mark.skipif(not SHARED.is_dir(), reason=f"needs the public sample files in {SHARED} "
                                   "(../shared/data beside the clone, listed in its SOURCES.md)")

PRSM_COMPRESSED = ("\u1be1\u084d\u412c\u0100\u1524\u5825\u603b\u016c\u2037\u0426\u283a\u609b\u2a21\u5c70\u0582:"
              "\u08e4\u0290\u0d07\u0f20\u7638\u4029\u403d\u0086\u0542\u6860\u27ca\u2d2c\u50ac\u7820\u4c73\u07c5"
              ".\u36c7\u4035\u6520\u11a4\u245c\u52c8R\u0820\u4648\u4878\u6370\u448b\u252f\u1aa2\u0820\u5f7b"
              "\u4a49\u6385\u27ca\u3996\u5343\u2192\u6ea3\u23b8\u5a28\u183a\u01e4\u0f02\u4587\u2a8a\u7e15\u064c"
              "\u3c48\u25dd\u0134\u1f89\u2334\u4b68\u01d5\u2090\u7136\u233a\u52a9\u0730\u0920\u032b\u7891\u069c"
              "\u3834\u3520\u00b0\u0be1\u5c22\u360c\u7a04\u504c\u18f5\u0f20\u03e3\u02c9\u2800\u62d0\u1d12\u05b8"
              "\u4648\u4979\u25a0\u0447\u0260\u22b8\u00ec\u7058\u3b92\u0501\u3bb6\u4002\u66f1\u22ea\u1b35\u1296"
              "}\u23d3\u55fd\u0bb2\u07e9\u30c3\u0a61\u2b2a\u3062\u4be2\u0f30\u535d\u730c\u6042\u28d8\u6114"
              "\u4de2\u3fbb\u67a0\u7cc6\u3fd7\u6bd1\u7040\u6a22\u4027\u3b69\u2058\u2be2\u4251\u7a74\u1282\u5a48"
              "\u286ae\u01c1\u185d\u1137\u33c4\u3b60\u2f8a\u7bdd\u1f3e\u0332\u0251\u34f2\u4109\u4021\u543c"
              "\u65f6\u6220 ")
"""A PRSM map as PRSM saves it: ``compressToUTF16`` of lz-string 1.5.0 (the JavaScript library, run once)."""


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def kumu(tmp_path: Path, connections: list[dict], elements: list[dict] | None = None) -> tuple[CausalMap, list]:
    elements = elements or [{"label": "A"}, {"label": "B"}]
    return import_map(write(tmp_path, "kumu.json", json.dumps({"elements": elements, "connections": connections})))


# -- Kumu ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("field, value, polarity", [
    ("connection type", "+", "+"), ("connection type", "-", "-"), ("connection type", "++", "+"),
    ("connection type", "--", "+"), ("connection type", "+-", "-"), ("connection type", "-+", "-"),
    ("connection type", "same", "+"), ("connection type", "opposite", "-"), ("type", "Positive", "+"),
    ("type", "negative", "-"), ("polarity", "−", "-"), ("sign", -1, "-"), ("connection type", "?", "?"),
    ("label", "opposite", "-"), ("label", "+", "+"),
])
def test_kumu_connection_types_and_labels_give_the_polarity(tmp_path, field, value, polarity):
    cmap, warnings = kumu(tmp_path, [{"from": "A", "to": "B", "attributes": {field: value}}])
    assert cmap.graph.edges["a", "b"] == {"polarity": polarity} and warnings == []


def test_kumu_types_that_are_no_polarity_are_counted_in_one_line_per_kind(tmp_path):
    connections = [{"from": "A", "to": "B", "type": "maybe"}, {"from": "B", "to": "A", "type": "maybe"},
                   {"from": "A", "to": "C", "type": "likes"}, {"from": "C", "to": "A"}, {"from": "C", "to": "B"}]
    cmap, warnings = kumu(tmp_path, connections)
    assert {a["polarity"] for _, _, a in cmap.links()} == {"?"}
    path = tmp_path / "kumu.json"
    assert warnings == [f"{path}: 3 connections with type 'maybe' (2), 'likes' (1) imported as ? (polarity unknown)",
                        f"{path}: 2 connections without a polarity (no connection type such as + or -) imported as ?"]


@pytest.mark.parametrize("strength, expected", [
    ("Strong", "strong"), ("weak", "weak"), ("moderate", "medium"), ("high", "strong"), ("low", "weak"),
    ("svag", "weak"), (0.4, 0.4), ("0.75", 0.75),
])
def test_kumu_strength_words_and_numbers(tmp_path, strength, expected):
    cmap, _ = kumu(tmp_path, [{"from": "A", "to": "B", "type": "+", "strength": strength}])
    assert cmap.graph.edges["a", "b"] == {"polarity": "+", "strength": expected}


def test_kumu_whole_number_strengths_on_a_scale_become_classes_by_thirds(tmp_path):
    connections = [{"from": "A", "to": "B", "type": "+", "strength": n} for n in (1, 3, 5)]
    elements = [{"label": x} for x in "AB"]
    connections = [dict(c, to=f"B{i}") for i, c in enumerate(connections)]
    cmap, warnings = kumu(tmp_path, connections, elements)
    assert [a["strength"] for _, _, a in cmap.links()] == ["weak", "medium", "strong"]
    assert warnings == [f"{tmp_path / 'kumu.json'}: 3 connections give their strength as a whole number from 1 "
                        "to 5; read as weak, medium and strong by thirds of that scale"]


def test_kumu_signed_weights_give_the_polarity_when_the_file_signs_them(tmp_path):
    connections = [{"from": "A", "to": "B", "weight": -0.5}, {"from": "B", "to": "A", "weight": 0.25}]
    cmap, warnings = kumu(tmp_path, connections)
    assert dict(((u, v), a) for u, v, a in cmap.links()) == {
        ("a", "b"): {"polarity": "-", "strength": 0.5}, ("b", "a"): {"polarity": "+", "strength": 0.25}}
    unsigned, _ = kumu(tmp_path, [{"from": "A", "to": "B", "strength": 0.5}])  # a tie's strength, no sign
    assert unsigned.graph.edges["a", "b"] == {"polarity": "?", "strength": 0.5}
    assert warnings == []


def test_kumu_element_without_a_label_gets_a_placeholder(tmp_path):
    cmap, warnings = kumu(tmp_path, [{"from": "e2", "to": "A", "type": "-"}],
                          [{"label": "A"}, {"id": "e2", "description": "drawn, never named"}])
    assert cmap.label("unnamed_element_1") == "unnamed element 1"
    assert cmap.graph.edges["unnamed_element_1", "a"]["polarity"] == "-"
    assert warnings == [f"{tmp_path / 'kumu.json'}: 1 elements without a label imported with a placeholder label "
                        "('unnamed element 1'); name them in the map"]


# -- Mental Modeler ---------------------------------------------------------------------------------
@pytest.mark.parametrize("influence, expected", [
    ("H+", {"polarity": "+", "strength": "strong"}), ("M-", {"polarity": "-", "strength": "medium"}),
    ("L+", {"polarity": "+", "strength": "weak"}), ("h-", {"polarity": "-", "strength": "strong"}),
    ("1", {"polarity": "+", "strength": "strong"}), ("-0.62", {"polarity": "-", "strength": "medium"}),
    ("0.25", {"polarity": "+", "strength": "weak"}), ("-1", {"polarity": "-", "strength": "strong"}),
])
def test_mental_modeler_labels_and_levels_give_polarity_and_class(tmp_path, influence, expected):
    cmap, warnings = import_map(write(tmp_path, "m.mmp", MMP.format(influence=influence, name="B")))
    assert cmap.graph.edges["a", "b"] == expected and warnings == []


MMP = ("<mentalModeler><info><name>M</name></info><concepts>"
       "<concept><id>1</id><name>A</name><relationships><relationship><id>2</id>"
       "<influence><![CDATA[{influence}]]></influence></relationship></relationships></concept>"
       "<concept><id>2</id><name><![CDATA[{name}]]></name></concept></concepts></mentalModeler>")


@pytest.mark.parametrize("influence, expected, warning", [
    ("0.95", {"polarity": "+", "strength": "strong"}, "1 relationships with an influence between Mental Modeler's "
     "levels (0.95) imported as the nearest strength class (L 0.25 weak, M 0.62 medium, H 1 strong)"),
    ("-0.5", {"polarity": "-", "strength": "medium"}, "levels (-0.5)"),
    ("undefined", {"polarity": "?"}, "1 relationships with influence 'undefined' imported as ? (polarity unknown)"),
    ("", {"polarity": "?"}, "1 relationships with influence '(empty)' imported as ?"),
])
def test_mental_modeler_what_is_not_a_level_is_counted(tmp_path, influence, expected, warning):
    cmap, warnings = import_map(write(tmp_path, "m.mmp", MMP.format(influence=influence, name="B")))
    assert cmap.graph.edges["a", "b"] == expected
    assert len(warnings) == 1 and warning in warnings[0]


def test_mental_modeler_unnamed_concept_gets_a_placeholder_instead_of_blocking(tmp_path):
    cmap, warnings = import_map(write(tmp_path, "m.mmp", MMP.format(influence="L-", name="")))
    assert cmap.graph.edges["a", "unnamed_concept_2"] == {"polarity": "-", "strength": "weak"}
    assert warnings == [f"{tmp_path / 'm.mmp'}: 1 concepts without a name imported as 'unnamed concept 2'; "
                        "name them in the map"]


@needs_samples
def test_mental_modeler_suite_samples_with_labels_and_an_unnamed_concept():
    labelled, warnings = import_map(SHARED / "mentalmodeler-suite" / "fire_model.mmp")
    assert warnings == [] and labelled.graph.number_of_edges() == 41
    assert {a["strength"] for _, _, a in labelled.links()} == {"weak"}  # every influence is L+ or L-
    assert labelled.graph.edges["natural_beauty", "tourism"] == {"polarity": "+", "strength": "weak"}
    js, warnings = import_map(SHARED / "mentalmodeler-suite" / "fire_model_js.mmp")
    assert js.graph.number_of_nodes() == 24 and "unnamed_concept_6" in js.graph
    assert len(warnings) == 3 and "1 concepts without a name imported as 'unnamed concept 6'" in warnings[0]


# -- PRSM ---------------------------------------------------------------------------------------------
def test_prsm_compressed_file_with_style_labels_bar_arrows_and_kumu_style_labels(tmp_path):
    for name, content in (("map.prsm", PRSM_COMPRESSED), ("map.json", PRSM_COMPRESSED)):
        path = write(tmp_path, name, content)
        cmap, warnings = import_map(path)
        assert cmap.title == "Skolevej" and warnings == []
        assert {(u, v): a["polarity"] for u, v, a in cmap.links()} == {
            ("cykelstier", "biltrafik"): "-", ("biltrafik", "leg_ude"): "-", ("cykelstier", "leg_ude"): "+"}
        assert cmap.graph.nodes["cykelstier"] == {"label": "Cykelstier 🚲", "theme": "transport"}
    assert json_format(tmp_path / "map.json") == "prsm"


def test_prsm_labels_that_are_no_sign_are_kept_as_notes_and_counted(tmp_path):
    data = {"mapTitle": "x", "nodes": [{"id": "1", "label": "a"}, {"id": "2", "label": ""}],
            "edges": [{"from": "1", "to": "2", "label": "more play"}, {"from": "2", "to": "1"}]}
    cmap, warnings = import_map(write(tmp_path, "m.prsm", json.dumps(data)))
    assert cmap.graph.edges["a", "unnamed_factor_1"] == {"polarity": "?", "notes": "more play"}
    path = tmp_path / "m.prsm"
    assert warnings == [f"{path}: 1 factors without a label imported as 'unnamed factor 1'; name them in the map",
                        f"{path}: 1 links with label 'more play' imported as ? (polarity unknown; the label is kept "
                        "in the link's notes)",
                        f"{path}: 1 links without a sign (no +/- label, sign style or bar arrowhead) imported as ?"]


@pytest.mark.parametrize("content", ["\u1234\u5678 not a map ", "Dette er ikke et kort"])
def test_prsm_neither_json_nor_compressed_is_one_clear_line(tmp_path, content):
    result = CliRunner().invoke(main, ["import", str(write(tmp_path, "m.prsm", content)), "-o", str(tmp_path / "o.yaml")])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "is neither JSON nor a map PRSM compressed (lz-string)" in result.output and "Traceback" not in result.output


# -- LOOPY ----------------------------------------------------------------------------------------------
LOOPY = '[[[1,0,0,0,"job%2520loss",0],[2,9,9,0,"b",1]],[[1,2,30,-1,0],[2,1,0,0,0]],[],3]'


@pytest.mark.parametrize("text", [
    LOOPY.replace("job%2520loss", "job%20loss"),                       # the JSON file LOOPY's examples are
    LOOPY.replace('"', "%22")[:-1] + "%5D",                            # LOOPY's URL form (and .loopy download)
    "https://ncase.me/loopy/v1.1/?data=" + LOOPY.replace('"', "%22")[:-1] + "%5D",  # a whole link
    "%5B%5B%5B1%2C0%2C0%2C0%2C%22job%2520loss%22%2C0%5D%2C%5B2%2C9%2C9%2C0%2C%22b%22%2C1%5D%5D%2C%5B%5B1%2C2%2C30"
    "%2C-1%2C0%5D%2C%5B2%2C1%2C0%2C0%2C0%5D%5D%2C%5B%5D%2C3%5D",         # all encoded, as newer forks save
])
def test_loopy_both_encodings_are_sniffed_and_read(tmp_path, text):
    path = write(tmp_path, "model.json", text)
    assert json_format(path) == "loopy"
    cmap, warnings = import_map(path)
    assert {(u, v): a["polarity"] for u, v, a in cmap.links()} == {("job_loss", "b"): "-", ("b", "job_loss"): "?"}
    assert cmap.label("job_loss") == "job loss"
    assert warnings == [f"{path}: 1 edges with strength 0 (no sign) imported as ? (polarity unknown)"]


@needs_samples
def test_loopy_sample_reads_as_json_and_in_url_form(tmp_path):
    text = (SHARED / "loopy" / "example.loopy.json").read_text(encoding="utf-8")
    again = write(tmp_path, "link.json", "https://ncase.me/loopy/v1.1/?data=" + text.replace("%", "%25").replace('"', "%22"))
    first, second = import_map(SHARED / "loopy" / "example.loopy.json")[0], import_map(again)[0]
    assert first.to_data()["links"] == second.to_data()["links"] and len(first.to_data()["links"]) == 6


# -- export → import: Kumu JSON, Kumu xlsx, PRSM ---------------------------------------------------------
_text = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp")) | st.sampled_from("æøå 📱\"',;|"),
                min_size=1, max_size=10).map(lambda t: " ".join(t.split())).filter(bool)
_ids = st.text(st.sampled_from("abcxyzæøå019_,;\"'.-"), min_size=1, max_size=6)


@st.composite
def facilitator_maps(draw) -> CausalMap:
    """A map with what Kumu and PRSM hold: ids, labels in each language, themes, polarity, strength class."""
    langs = draw(st.sampled_from([["da", "en"], ["en", "da"], ["da"]]))
    cmap = CausalMap.new(draw(_text), langs)
    for theme in draw(st.lists(_ids, max_size=10, unique_by=str.casefold)):
        cmap.add_theme(theme, draw(st.dictionaries(st.sampled_from(langs), _text, min_size=1)))
    var_ids = draw(st.lists(_ids, min_size=2, max_size=6, unique_by=str.casefold))
    for var in var_ids:
        theme = draw(st.none() | st.sampled_from(list(cmap.themes) or [None]))
        cmap.add_variable(var, draw(st.dictionaries(st.sampled_from(langs), _text, min_size=1)), theme=theme)
    pairs = st.tuples(st.sampled_from(var_ids), st.sampled_from(var_ids)).filter(lambda p: p[0] != p[1])
    for u, v in draw(st.lists(pairs, max_size=8, unique=True)):
        strength = draw(st.none() | st.sampled_from(STRENGTHS))
        cmap.add_link(u, v, draw(st.sampled_from(POLARITIES)), **({"strength": strength} if strength else {}))
    return cmap


def kept(cmap: CausalMap) -> dict:
    """What a round trip through Kumu or PRSM keeps: ids, labels, themes, polarities, strength classes.
    (A Kumu spreadsheet holds a theme only as the label of its variables' type; JSON and PRSM all of it.)"""
    used = {a.get("theme") for _, a in cmap.graph.nodes(data=True)}
    return {"languages": cmap.languages, "themes": {t: cmap.theme_label(t) for t in cmap.themes if t in used},
            "variables": {v: (a.get("label"), a.get("theme")) for v, a in cmap.graph.nodes(data=True)},
            "links": [(u, v, a.get("polarity"), a.get("strength")) for u, v, a in cmap.links()]}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facilitator_maps())
def test_export_then_import_through_kumu_and_prsm_keeps_the_map(cmap):
    with tempfile.TemporaryDirectory() as folder:
        for name, fmt in (("map.json", "kumu"), ("map.xlsx", None), ("map.prsm", None)):
            path = Path(folder) / name
            assert export_map(cmap, path, fmt) == [str(path)]
            again, warnings = import_map(path, fmt)
            assert kept(again) == kept(cmap) and warnings == [], name
            assert name == "map.xlsx" or (again.themes == cmap.themes and again.title == cmap.title), name


def test_exports_write_polarity_in_each_tools_convention(tmp_path):
    cmap = CausalMap.new("Trivsel", ["da", "en"])
    cmap.add_theme("screens", {"da": "Skærme", "en": "Screens"}, color="#5b8def")
    cmap.add_variable("screen_time", {"da": "Skærmtid", "en": "Screen time"}, theme="screens")
    cmap.add_variable("sleep", {"da": "Søvn"})
    cmap.add_link("screen_time", "sleep", "-", strength="strong")
    cmap.add_link("sleep", "screen_time", "?")
    export_map(cmap, tmp_path / "k.json", "kumu")
    blueprint = json.loads((tmp_path / "k.json").read_text(encoding="utf-8"))
    assert blueprint["elements"][0] == {"id": "gmb-screen_time", "label": "Skærmtid", "gmb id": "screen_time",
                                        "label da": "Skærmtid", "label en": "Screen time", "type": "Skærme",
                                        "gmb theme": "screens"}
    assert blueprint["connections"][0] == {"from": "gmb-screen_time", "to": "gmb-sleep", "direction": "directed",
                                           "connection type": "-", "strength": "strong"}
    export_map(cmap, tmp_path / "p.prsm")
    prsm = json.loads((tmp_path / "p.prsm").read_text(encoding="utf-8"))
    assert [(e["label"], e["grp"], prsm["styles"]["edges"][e["grp"]]["groupLabel"]) for e in prsm["edges"]] == [
        ("-", "edge2", "-"), ("", "edge0", "?")]
    assert prsm["nodes"][0]["grp"] == "group1" and prsm["styles"]["nodes"]["group1"] == {"groupLabel": "Skærme"}


# -- the command line ---------------------------------------------------------------------------------------
def test_cli_exports_to_kumu_and_prsm_and_imports_them_back(tmp_path):
    runner = CliRunner()
    source = tmp_path / "m.yaml"
    cmap = CausalMap.new("Trivsel")
    cmap.add_variable("screens", "Skærmtid")
    cmap.add_variable("sleep", "Søvn")
    cmap.add_link("screens", "sleep", "-", strength="medium")
    from gmb.maps.store import create_map
    create_map(cmap, source)
    for out, extra in (("m.prsm", []), ("k.json", ["--format", "kumu"]), ("k.xlsx", [])):
        result = runner.invoke(main, ["export", str(source), "-o", str(tmp_path / out), *extra])
        assert result.exit_code == 0, result.output
        result = runner.invoke(main, ["export", str(source), "-o", str(tmp_path / out), *extra])
        assert result.exit_code == 0, result.output  # gmb knows its own file: no --force needed
        back = tmp_path / f"{out}.yaml"
        result = runner.invoke(main, ["import", str(tmp_path / out), "-o", str(back), *extra])
        assert result.exit_code == 0 and result.output.startswith("imported 2 variables, 1 links"), result.output
        assert load_map(back).graph.edges["screens", "sleep"] == {"polarity": "-", "strength": "medium"}


def test_cli_imports_compressed_prsm_and_loopy_links_saved_as_json(tmp_path):
    runner = CliRunner()
    for name, content, links in (("p.prsm", PRSM_COMPRESSED, 3), ("l.json", LOOPY.replace('"', "%22"), 2)):
        result = runner.invoke(main, ["import", str(write(tmp_path, name, content)), "-o", str(tmp_path / f"{name}.yaml")])
        assert result.exit_code == 0 and f"variables, {links} links" in result.output, result.output
