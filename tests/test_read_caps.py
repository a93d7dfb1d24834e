"""Size caps on every reader, zip bombs posing as spreadsheets, and warnings that stay short.

Each bomb is generated here (small on disk), refused with one line naming the file, the size and
the cap, through the CLI with exit code 2; where it is cheap, time and memory are measured in a
fresh process.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.errors import MapFileError
from gmb.formats import import_map
from gmb.formats.builder import MapBuilder
from gmb.maps.limits import (
    MAX_CELLS,
    MAX_ENTRIES,
    MAX_EQUATIONS,
    MAX_FILE_BYTES,
    MAX_ITEMS,
    MAX_ROWS,
    MAX_WARNING_CHARS,
    MAX_WARNINGS,
)
from gmb.maps.store import read_bytes
from gmb.render.charts import read_results

MAP = "title: T\nlanguages: [en]\nvariables:\n  a: {label: {en: A}}\nlinks: []\n"


def gmb(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def sparse(path, size: int):
    """A file of ``size`` bytes that takes no room on disk (all zero bytes)."""
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


def measure(code: str) -> dict:
    """Run ``code`` (which sets ``result``) in a fresh Python; adds peak memory (MB) and CPU seconds."""
    script = "import json\n" + textwrap.dedent(code) + textwrap.dedent("""
        import resource, re
        usage = resource.getrusage(resource.RUSAGE_SELF)   # its ru_maxrss may be the parent's (fork)
        peak = int(re.search(r"VmHWM:\\s*(\\d+)", open("/proc/self/status").read()).group(1))
        print(json.dumps({**result, "mb": peak / 1024, "cpu": usage.ru_utime + usage.ru_stime}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def import_in_subprocess(path) -> dict:
    return measure(f"""
        from gmb.errors import MapFileError
        from gmb.formats import import_map
        try:
            import_map({str(path)!r})
            result = {{"error": None}}
        except MapFileError as exc:
            result = {{"error": str(exc)}}
    """)


# -- file size -------------------------------------------------------------------------------

def test_read_bytes_refuses_a_file_over_the_cap_without_reading_it(tmp_path):
    path = sparse(tmp_path / "map.yaml", 30 * 2 ** 20)
    with pytest.raises(MapFileError) as info:
        read_bytes(path)
    assert str(info.value) == (f"{path}: is 30.0 MB, more than the 20 MB gmb reads from one file; "
                               "check that it is the right file, or split it")
    just_over = sparse(tmp_path / "b.yaml", MAX_FILE_BYTES + 1)
    with pytest.raises(MapFileError, match=f"is {MAX_FILE_BYTES + 1:,} bytes, more than the 20 MB"):
        read_bytes(just_over)
    (tmp_path / "c.txt").write_bytes(b"x" * 10)
    assert read_bytes(tmp_path / "c.txt", limit=10) == b"x" * 10
    with pytest.raises(MapFileError, match="is 10 bytes, more than the "):
        read_bytes(tmp_path / "c.txt", limit=5)


@pytest.mark.parametrize("command", [["validate"], ["show"], ["var", "set", "{}", "a", "notes=hi"]])
def test_a_huge_map_is_refused_through_the_cli_and_left_unchanged(tmp_path, command):
    path = tmp_path / "map.yaml"
    path.write_text(MAP + "# " + "x" * (MAX_FILE_BYTES + 2 ** 20) + "\n", encoding="utf-8")
    before = path.read_bytes()
    args = [str(path) if a == "{}" else a for a in command] if "{}" in command else command + [path]
    result = gmb(*args)
    assert_one_line_error(result, f"{path}: is 21.0 MB, more than the 20 MB gmb reads from one file")
    assert path.read_bytes() == before


@pytest.mark.parametrize("name", ["e.csv", "m.graphml", "m.json", "m.xlsx", "m.mdl", "m.xmile", "m.mmp",
                                  "m.loopy", "m.prsm"])
def test_every_importer_refuses_a_file_over_the_cap(tmp_path, name):
    path = sparse(tmp_path / name, MAX_FILE_BYTES + 2 ** 20)
    result = gmb("import", path, "-o", tmp_path / "out.yaml")
    assert_one_line_error(result, f"{path}: is 21.0 MB, more than the 20 MB gmb reads from one file")
    assert not (tmp_path / "out.yaml").exists()


def test_a_results_table_may_be_larger_than_a_map(tmp_path):
    rows = "".join(f"baseline,{t},a,{t}.5\n" for t in range(MAX_FILE_BYTES // 20))
    (tmp_path / "results.csv").write_text("scenario,time,variable,value\n" + rows)
    assert (tmp_path / "results.csv").stat().st_size > MAX_FILE_BYTES
    assert len(read_results(tmp_path)["a"]["baseline"]) == MAX_FILE_BYTES // 20


# -- tables, JSON and XML --------------------------------------------------------------------

def test_a_csv_with_more_rows_than_the_cap_is_refused_fast(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("from,to,polarity\n" + "a,b,+\n" * 2_000_000, encoding="utf-8")   # 12 MB
    result = import_in_subprocess(path)
    assert result["error"] == (f"{path}:{MAX_ROWS + 3}: has more than {MAX_ROWS:,} rows, more than gmb reads "
                               "from a table; check that it is the right file, or split it")
    assert result["cpu"] < 10 and result["mb"] < 300, result   # before: 8 s and 540 MB for 1,000,000 rows


@pytest.mark.parametrize("name, text", [
    ("m.json", '{"directed": true, "graph": {}, "nodes": [' + "{}," * 3_000_000 + '{}], "links": []}'),
    ("k.json", '{"elements": [' + "[]," * 3_000_000 + '[]], "connections": []}'),
    ("m.graphml", '<graphml><graph edgedefault="directed">' + "<node/>" * 2_000_000 + "</graph></graphml>"),
    ("m.xmile", '<xmile><model><variables>' + "<aux/>" * 2_000_000 + "</variables></model></xmile>"),
])
def test_json_and_xml_of_millions_of_tiny_items_are_refused_before_parsing(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = import_in_subprocess(path)
    assert result["error"].startswith(f"{path}: holds about "), result
    assert f"more than the {MAX_ITEMS:,} gmb reads" in result["error"]
    assert result["cpu"] < 5 and result["mb"] < 200, result   # parsed: 0.5 to 1 GB


def test_an_import_of_more_variables_and_links_than_the_cap_is_refused(tmp_path):
    path = tmp_path / "m.graphml"
    nodes = "".join(f'<node id="{i}"/>' for i in range(MAX_ENTRIES + 1))
    path.write_text(f'<graphml><graph edgedefault="directed">{nodes}</graph></graphml>', encoding="utf-8")
    with pytest.raises(MapFileError, match=f"has more than {MAX_ENTRIES:,} variables and links, more than gmb "
                                           "reads; check that it is the right file, or split it"):
        import_map(path)


@pytest.mark.parametrize("name, text", [
    ("m.mdl", "".join(f"v{i} = v{i + 1} + 1\n~\n~|\n" for i in range(MAX_EQUATIONS + 1))),
    ("m.xmile", "<xmile><model><variables>" + "".join(f'<aux name="v{i}"><eqn>v{i + 1}+1</eqn></aux>'
                                                      for i in range(MAX_EQUATIONS + 1)) + "</variables></model></xmile>"),
])
def test_a_model_of_more_equations_than_the_cap_is_refused_before_parsing(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert_one_line_error(gmb("import", path, "-o", tmp_path / "o.yaml"),
                          f"{path}: holds about {MAX_EQUATIONS + 1:,} equations, more than the {MAX_EQUATIONS:,}")


def test_xml_entities_are_refused_in_graphml_too(tmp_path):
    path = tmp_path / "m.graphml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                    '<graphml><graph edgedefault="directed"><node id="&b;"/></graph></graphml>', encoding="utf-8")
    assert_one_line_error(gmb("import", path, "-o", tmp_path / "o.yaml"), "declares XML entities")


# -- spreadsheets ----------------------------------------------------------------------------

def xlsx_parts() -> dict[str, bytes]:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Elements"
    sheet.append(["Label"])
    sheet.append(["a"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_xlsx(path, parts: dict):
    """A zip archive of ``parts``: bytes, or ``(head, piece, count, tail)`` written piece by piece."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            if isinstance(data, bytes):
                archive.writestr(name, data)
                continue
            head, piece, count, tail = data
            with archive.open(name, "w", force_zip64=True) as part:
                part.write(head)
                for done in range(0, count, 10_000):
                    part.write(piece * min(10_000, count - done))
                part.write(tail)
    return path


SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def strings_bomb(path, count: int):
    parts = xlsx_parts()
    parts["xl/sharedStrings.xml"] = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
                                     b"<si><t>a</t></si>", count, b"</sst>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
                             b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    return write_xlsx(path, parts)


def cells_bomb(path, rows: int, columns: int = 60):
    parts = xlsx_parts()
    row = b"<row>" + b'<c t="n"><v>1</v></c>' * columns + b"</row>"
    parts["xl/worksheets/sheet1.xml"] = (SHEET + b"<sheetData>", row, rows, b"</sheetData></worksheet>")
    return write_xlsx(path, parts)


def wide_sheet(path):
    parts = xlsx_parts()
    parts["xl/worksheets/sheet1.xml"] = (SHEET + b'<dimension ref="A1:XFD1048576"/><sheetData>'
                                         b'<row r="1"><c r="A1" t="inlineStr"><is><t>Label</t></is></c></row>'
                                         b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
                                         b"</sheetData></worksheet>")
    return write_xlsx(path, parts)


@pytest.mark.parametrize("make, message", [
    (lambda p: strings_bomb(p, 30_000_000), "unpacks to 486.4 MB, more than the 50 MB gmb reads from a spreadsheet"),
    (lambda p: cells_bomb(p, 100_000), "unpacks to 121.2 MB, more than the 50 MB gmb reads from a spreadsheet"),
    (lambda p: strings_bomb(p, 2_900_000), f"cells and texts, more than the {MAX_CELLS:,} gmb reads"),
    (lambda p: cells_bomb(p, 40_000), f"holds 2,400,000 cells and texts, more than the {MAX_CELLS:,}"),
    (wide_sheet, f"sheet Elements has more than {MAX_ROWS:,} rows or {MAX_CELLS:,} cells"),
], ids=["486 MB of strings", "121 MB of cells", "2.9 million strings", "2.4 million cells", "XFD1048576"])
def test_an_xlsx_bomb_is_refused_fast_and_small(tmp_path, make, message):
    path = make(tmp_path / "m.xlsx")
    assert path.stat().st_size < 3 * 2 ** 20
    result = import_in_subprocess(path)
    assert message in result["error"] and result["error"].startswith(f"{path}: "), result
    assert result["cpu"] < 10 and result["mb"] < 300, result   # before: minutes and gigabytes
    assert_one_line_error(gmb("import", path, "-o", tmp_path / "o.yaml"), message)
    assert not (tmp_path / "o.yaml").exists()


def test_an_xlsx_just_under_the_caps_is_read(tmp_path):
    cmap, _ = import_map(strings_bomb(tmp_path / "m.xlsx", MAX_CELLS - 1000))
    assert cmap.variables == ["a"]


# -- warnings --------------------------------------------------------------------------------

def test_a_link_given_many_times_is_one_short_warning(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("from,to,polarity\n" + "a,b,+\na,b,-\n" * 40_000, encoding="utf-8")
    _, warnings = import_map(path)
    assert warnings == [f"{path}: link a → b is given 80,000 times (lines 2, 3, 4, 5, 6 and 79,995 more) with "
                        "polarities +, -; merged into one link with polarity ? for the group to decide"]


def test_many_repeated_links_variables_and_self_links_are_summarised(tmp_path):
    builder = MapBuilder("e.csv")
    for n in range(3):
        for i in range(5000):
            builder.add_variable(f"v{i}", {}, where=n * 5000 + i + 2)
            builder.add_link(f"v{i}", f"w{i}", {"polarity": "+-"[n % 2]}, where=n * 5000 + i + 2)
            builder.add_link(f"s{i}", f"s{i}", {}, where=i + 2)
    builder.known({f"column{i}": 1 for i in range(1000)}, ())
    _, warnings = builder.finish()
    assert len(warnings) == 4, warnings
    assert warnings[0].startswith("e.csv: 15,000 links join a variable to itself, e.g. s0 → s0 (lines 2), ")
    assert warnings[1].startswith("e.csv: 5,000 variables are given more than once (15,000 entries), e.g. 'v0' "
                                  "(lines 2, 5002, 10002), ")
    assert "and 4,997 more; each merged into one" in warnings[1]
    assert warnings[2].startswith("e.csv: 5,000 links are given more than once (15,000 entries), e.g. v0 → w0")
    assert warnings[2].endswith("each merged into one, 5,000 with polarity ? for the group to decide "
                                "(their polarities differ)")
    assert warnings[3].endswith("column8, column9 and 990 more")
    assert all(len(w) <= MAX_WARNING_CHARS for w in warnings)


def test_importer_warnings_are_at_most_a_screenful_of_short_lines(tmp_path):
    connections = ",".join(f'{{"from": "{"x" * 400}{i}", "to": "b{i}", "direction": "undirected"}}'
                           for i in range(500))
    path = tmp_path / "k.json"
    path.write_text(f'{{"elements": [], "connections": [{connections}]}}', encoding="utf-8")
    _, warnings = import_map(path, "kumu")
    assert len(warnings) == MAX_WARNINGS
    assert warnings[-1] == f"... and {500 - MAX_WARNINGS + 1} more warnings like these"
    assert all(len(w) <= MAX_WARNING_CHARS for w in warnings)
    builder = MapBuilder("e.csv")
    builder.warnings.append("e.csv: " + "x" * 1000)
    assert builder.finish()[1] == ["e.csv: " + "x" * (MAX_WARNING_CHARS - 10) + "..."]
