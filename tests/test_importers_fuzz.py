"""Fuzzing the importers: random and mutated files end in a map or in gmb's one-line error, never a crash.

Each importer gets valid seed files (written here from the formats' documentation, plus the public
samples in ../shared/data when present) mutated by byte flips, deletions, insertions of random bytes
or of tokens that matter to the format, duplications and truncations; some inputs are pure random
bytes. A spreadsheet is mutated inside its zip archive (one XML part at a time) as well as whole, and
XML and JSON files in their texts, attributes and values too, so that inputs get past the parser.
Every map that comes out must be valid (no validation errors) and must serialise as a map file.

The number of inputs per importer is ``GMB_FUZZ_EXAMPLES`` (default 1,000, to keep the suite fast);
``python bench/fuzz_importers.py`` runs 10,000 per importer and prints the counts and times.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import tempfile
import zipfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmb.errors import GmbError
from gmb.maps.validate import validate
from gmb.maps.yamltext import dump_text

SHARED = Path(__file__).parents[1].parent / "shared" / "data"
EXAMPLES = int(os.environ.get("GMB_FUZZ_EXAMPLES", "1000"))

_SKETCH = "\\\\\\---/// Sketch information\nV300\n*View 1\n$192-192-192,0,Arial|12||0-0-0|0-0-0|0-0-255|-1--1--1|-1--1--1|96,96,100,0\n"
SEEDS: dict[str, list[str | bytes]] = {
    "vensim": [
        "{UTF-8}\nStock= INTEG (\n\tInflow-Outflow,\n\t\t10)\n\t~\tPeople\n\t~\tA stock.\n\t|\n\n"
        "Inflow = Stock * Rate ~ People/Year ~ |\nOutflow = SMOOTH(Stock / Life, 2) ~ ~ |\nRate = 0.1 ~ ~ |\n"
        "Life = IF THEN ELSE(Stock > 5, 10, MAX(2, Rate ^ 2)) ~ ~ |\n"
        "Table(\n [(0,0)-(2,2)],(0,0),(1,2),(2,1)) ~ ~ |\nUse = Table(Rate) + WITH LOOKUP(Stock, ((0,1),(9,0))) ~ ~ |\n"
        "INITIAL TIME = 0 ~ ~ |\n" + _SKETCH
        + "10,1,Stock,100,100,40,20,3,3,0,0,0,0,0,0\n11,2,48,150,100,6,8,34,3,0,0,1,0,0,0\n"
        "10,3,Inflow,150,120,20,8,40,3,0,0,-1,0,0,0\n10,4,Rate,200,50,20,8,8,3,0,0,0,0,0,0\n"
        "1,5,4,2,0,0,43,0,0,65,0,-1--1--1,,1|(180,70)|\n1,6,2,1,4,0,0,22,0,0,0,-1--1--1,,1|(120,100)|\n"
        "1,7,1,3,1,0,83,0,0,64,0,-1--1--1,,1|(130,140)|\n///---\\\\\\\n:L<%^E!@\n1:Current.vdf\n",
        "Sleep = A FUNCTION OF(Screens) ~ ~ |\n" + _SKETCH + '10,1,Screens,1,1,4,2,8,3,0,0,0,0,0,0\n'
        '10,2,"Sleep, deep",5,5,4,2,8,3,0,0,0,0,0,0\n1,3,1,2,0,0,45,0,0,64,0,-1--1--1,,1|(0,0)|\n'
        "|4,Old var,1,2\n>4,1,O\n///---\\\\\\\n",
    ],
    "xmile": [
        '<?xml version="1.0"?><xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">'
        "<header><name>M</name></header><sim_specs><start>0</start></sim_specs><model><variables>"
        '<stock name="S"><eqn>10</eqn><inflow>f</inflow><outflow>g</outflow></stock>'
        '<flow name="f"><eqn>IF S &gt; 1 THEN S * r ELSE MIN(r, 2)</eqn></flow><flow name="g"><eqn>SMTH1(S, 2)</eqn></flow>'
        '<aux name="r"><eqn>S</eqn><gf><xscale min="0" max="10"/><ypts>1,0.5,0</ypts></gf></aux>'
        '<module name="Sub"><connect to="Sub.x" from="r"/></module></variables>'
        '<views><view><stock name="S" x="1" y="2"/><alias uid="9"><of>r</of></alias>'
        '<connector uid="1" polarity="-"><from><alias uid="9"/></from><to>f</to></connector></view></views></model>'
        '<model name="Sub"><variables><aux name="x"><eqn>1</eqn></aux><aux name="y"><eqn>x^2</eqn></aux>'
        "</variables></model></xmile>",
    ],
    "kumu": [json.dumps({"elements": [{"_id": "e1", "attributes": {"label": "A", "element type": "T",
                                                                     "description": "d", "tags": ["x"]}},
                                      {"label": "B|C", "type": "stock"}],
                         "connections": [{"from": "e1", "to": "B", "direction": "mutual",
                                          "attributes": {"connection type": "-", "delay": 2, "strength": 0.5}},
                                         {"from": "A", "to": "Z", "type": "+", "direction": "undirected"}],
                         "loops": [{"label": "R"}]})],
    "mentalmodeler": [
        "<mentalmodeler><info><name>F</name></info><groupNames><groupName index=\"0\">G</groupName></groupNames>"
        "<concepts><concept><id>1</id><name>A</name><group>0</group><x>1</x><y>2</y><relationships>"
        "<relationship><id>2</id><influence>-0.5</influence><confidence>0.5</confidence></relationship>"
        "</relationships></concept><concept><id>2</id><name>B</name></concept></concepts></mentalmodeler>",
        json.dumps({"groupNames": ["G"], "concepts": [{"id": 1, "name": "A", "group": 0, "relationships": [
            {"id": 2, "influence": 1}]}, {"id": 2, "name": "B"}]}),
    ],
    "loopy": ['[[[1,10,20,0.5,"a%20b",0],[2,30,40,0,"c",1]],[[1,2,30,-1,0],[2,1,10,9,0]],[[5,5,"note"]],[3,0,0]]'],
    "prsm": [json.dumps({"mapTitle": "T", "styles": {"nodes": {"g0": {"groupLabel": "G"}},
                                                     "edges": {"e0": {"groupLabel": "-"}}},
                         "nodes": [{"id": "a", "label": "A\nx", "grp": "g0", "x": 1, "y": 2,
                                    "note": {"ops": [{"insert": "n"}]}}, {"id": "b", "label": "B"}],
                         "edges": [{"from": "a", "to": "b", "grp": "e0"}, {"from": "b", "to": "a", "label": "+"}]})],
}
SAMPLES = {"vensim": ["sdxorg-samples/SIR/SIR.mdl", "sdxorg-samples/teacup/teacup.mdl"],
           "xmile": ["sdxorg-samples/SIR/SIR.xmile", "sdxorg-samples/teacup/teacup_w_diagram.xmile"],
           "mentalmodeler": ["mentalmodeler/fish_wetland.mmp"], "loopy": ["loopy/example.loopy.json"]}
MODULES = {"vensim": "vensim", "xmile": "xmile", "kumu": "kumu", "kumu-xlsx": "kumu_xlsx",
           "mentalmodeler": "mentalmodeler", "loopy": "loopy", "prsm": "prsm"}
SUFFIX = {"vensim": ".mdl", "xmile": ".xmile", "kumu": ".json", "kumu-xlsx": ".xlsx", "mentalmodeler": ".mmp",
          "loopy": ".json", "prsm": ".prsm"}
TOKENS = [b"(", b")", b"[", b"]", b"{", b"}", b"<", b">", b"/>", b'"', b"'", b",", b"|", b"~", b"=", b"-", b"+",
          b"^", b"*", b"/", b"\n", b"\t", b" ", b"\\", b"\\\\\\---///", b"///---\\\\\\", b"INTEG(", b"A FUNCTION OF(",
          b"WITH LOOKUP(", b"IF THEN ELSE(", b"1e999", b"-0", b"NaN", b"null", b"true", b"[]", b"{}", b"0", b"-1",
          b"43", b"45", b"79", b"83", b"10,", b"1,", b"11,", b"<eqn>", b"</eqn>", b"<connector>", b"<alias uid=\"9\"/>",
          b"&amp;", b"&#0;", b"\xff", b"\x00", b"\xed\xa0\x80", b"\\ud800", b"%22", b"%", b"label", b"from", b"to"]


def seeds(name: str) -> list[bytes]:
    """The valid seed files of an importer (the spreadsheet is made by its exporter)."""
    if name == "kumu-xlsx":
        from gmb.formats import kumu, kumu_xlsx

        with tempfile.TemporaryDirectory() as folder:
            source, target = Path(folder) / "k.json", Path(folder) / "k.xlsx"
            source.write_text(SEEDS["kumu"][0], encoding="utf-8")
            kumu_xlsx.write_map(kumu.read_map(source)[0], target)
            return [target.read_bytes()]
    out = [s.encode("utf-8") if isinstance(s, str) else s for s in SEEDS[name]]
    out += [(SHARED / sample).read_bytes() for sample in SAMPLES.get(name, []) if (SHARED / sample).is_file()]
    return out


_OPERATION = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 64)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.one_of(st.sampled_from(TOKENS), st.binary(max_size=16))),
    st.tuples(st.just("duplicate"), st.floats(0, 1), st.integers(1, 400)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0)),
)


def mutate(data: bytes, operations) -> bytes:
    """``data`` changed by each operation (``(kind, where 0…1, argument)``) in turn."""
    buffer = bytearray(data)
    for kind, where, argument in operations:
        at = min(int(where * len(buffer)), max(len(buffer) - 1, 0))
        if kind == "flip" and buffer:
            buffer[at] = argument
        elif kind == "delete":
            del buffer[at:at + argument]
        elif kind == "insert":
            buffer[at:at] = argument
        elif kind == "duplicate":
            buffer[at:at] = buffer[at:at + argument]
        elif kind == "truncate":
            del buffer[at:]
    return bytes(buffer)


def mutate_zip(data: bytes, member: float, operations) -> bytes:
    """A zip archive with one of its members mutated (the archive itself stays readable)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        items = [(info.filename, archive.read(info)) for info in archive.infolist()]
    pick = min(int(member * len(items)), len(items) - 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for index, (filename, content) in enumerate(items):
            archive.writestr(filename, mutate(content, operations) if index == pick else content)
    return out.getvalue()


def mutate_xml(data: bytes, where: float, operations) -> bytes:
    """Well-formed XML whose texts and attributes (from ``where`` on) are mutated: reaches past the parser."""
    root = ElementTree.fromstring(data)
    elements = list(root.iter())
    for element in elements[int(where * len(elements)):][:len(operations)]:
        if element.text:
            element.text = mutate(element.text.encode(), operations).decode("utf-8", "replace")
        for key, value in element.attrib.items():
            element.set(key, mutate(value.encode(), operations).decode("utf-8", "replace"))
    return ElementTree.tostring(root, encoding="utf-8")


_VALUES = [None, True, False, 0, -1, 1, 0.5, -1e308, 1e308, "", "-", "+", "?", "x|y", [], {}, [[]], {"ops": 1}]


def mutate_json(data: bytes, where: float, operations) -> bytes:
    """Valid JSON whose values (from ``where`` on) are mutated, swapped for odd values, or dropped."""
    tree = json.loads(data)
    leaves: list[tuple[object, object]] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        for key in (range(len(node)) if isinstance(node, list) else list(node) if isinstance(node, dict) else []):
            leaves.append((node, key))
            stack.append(node[key])
    for number, (kind, _, argument) in enumerate(operations):
        if not leaves:
            break
        parent, key = leaves[int((where + number / 7) % 1 * len(leaves))]
        if isinstance(parent, dict) and key not in parent:
            continue  # dropped by an earlier operation
        if kind == "delete" and isinstance(parent, dict):
            parent.pop(key, None)
        elif kind == "insert":
            parent[key] = mutate(str(parent[key]).encode(), [("insert", where, argument)]).decode("utf-8", "replace")
        else:
            parent[key] = _VALUES[(argument if isinstance(argument, int) else number) % len(_VALUES)]
    return json.dumps(tree).encode()


_INPUT = st.tuples(st.integers(0, 99), st.floats(0, 1), st.lists(_OPERATION, min_size=1, max_size=8),
                   st.binary(max_size=512))


def make_input(name: str, seed_files: list[bytes], drawn) -> bytes:
    """An input for an importer: random bytes (1 in 10), else a mutated seed (in its zip, for xlsx)."""
    roll, choice, operations, random_bytes = drawn
    if roll < 10:
        return random_bytes
    seed = seed_files[min(int(choice * len(seed_files)), len(seed_files) - 1)]
    if name == "kumu-xlsx" and roll < 70:
        return mutate_zip(seed, choice, operations)
    if roll < 60 and seed.lstrip()[:1] == b"<" and name in ("xmile", "mentalmodeler"):
        return mutate_xml(seed, choice, operations)
    if roll < 60 and seed.lstrip()[:1] in (b"{", b"[") and name in ("kumu", "loopy", "prsm", "mentalmodeler"):
        return mutate_json(seed, choice, operations)
    return mutate(seed, operations)


def check_one(name: str, path: Path, content: bytes) -> str:
    """Import one input: ``imported`` or ``rejected`` (a GmbError); anything else propagates as a failure."""
    path.write_bytes(content)
    module = importlib.import_module(f"gmb.formats.{MODULES[name]}")
    try:
        cmap, warnings = module.read_map(path)
    except GmbError as exc:
        assert "\n" not in str(exc), f"a multi-line error: {exc!r}"
        assert str(exc).startswith(str(path)), f"an error that does not name the file: {exc}"
        return "rejected"
    errors = validate(cmap).errors
    assert not errors, f"an invalid map: {[p.message for p in errors[:3]]}"
    assert all(isinstance(w, str) for w in warnings)
    dump_text(cmap.to_data())
    return "imported"


def fuzz(name: str, examples: int) -> Counter:
    """Run ``examples`` inputs through one importer; the counts of outcomes (a crash fails)."""
    counts: Counter = Counter()
    seed_files = seeds(name)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{SUFFIX[name]}"

        @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(_INPUT)
        def run(drawn):
            counts[check_one(name, path, make_input(name, seed_files, drawn))] += 1

        run()
    return counts


@pytest.mark.parametrize("name", list(MODULES))
def test_importer_survives_random_and_mutated_files(name):
    counts = fuzz(name, EXAMPLES)
    assert sum(counts.values()) >= EXAMPLES
    assert counts["rejected"] > 0 and counts["imported"] > 0, counts


@pytest.mark.parametrize("name", list(MODULES))
def test_seeds_import_cleanly(name, tmp_path):
    for number, content in enumerate(seeds(name)):
        assert check_one(name, tmp_path / f"seed{number}{SUFFIX[name]}", content) == "imported"
