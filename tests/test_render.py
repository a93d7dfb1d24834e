"""Pictures of a map without a browser: the HTML file's content, stories, layout, charts, static pictures, CLI."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.errors import GmbError, MapFileError
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import save_map
from gmb.render.charts import outcome_charts
from gmb.render.circle import circle_positions
from gmb.render.html import page_data, render_html, script_json
from gmb.render.layout import LABEL_BOX, layout_positions
from gmb.render.static import bezier_point
from gmb.render.stories import chain_text, loop_story
from gmb.render.style import THEME_PALETTE

HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "</script><script>alert(1)</script>"


def loop_map() -> CausalMap:
    """Loops by hand: R = screen_time → sleep → tired (−, −, +), B = tired ⇄ rest (+, −); rules → screen_time."""
    cmap = CausalMap.new("Trivsel")
    cmap.add_theme("everyday", {"da": "Hverdag", "en": "Everyday life"})
    cmap.add_theme("rules", {"da": "Regler", "en": "Rules"}, color="#d1495b")
    for var, da, en in [("screen_time", "Skærmtid", "Screen time"), ("sleep", "Søvn", "Sleep"),
                        ("tired", "Træthed", "Tiredness"), ("rest", "Hvile", "Rest")]:
        cmap.add_variable(var, {"da": da, "en": en}, theme="everyday")
    cmap.add_variable("rules", {"da": "Skærmregler", "en": "Screen rules"}, theme="rules", kind="action")
    cmap.add_link("screen_time", "sleep", "-", strength="strong")
    cmap.add_link("sleep", "tired", "-", delay=True)
    cmap.add_link("tired", "screen_time", "+")
    cmap.add_link("tired", "rest", "+")
    cmap.add_link("rest", "tired", "-")
    cmap.add_link("rules", "screen_time", "?")
    cmap.set_outcome(["sleep"])
    return cmap


def json_block(page: str) -> dict:
    blocks = re.findall(r'<script type="application/json" id="gmb-data">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


# -- the HTML file -------------------------------------------------------------------------------

def test_html_is_the_same_bytes_every_time_even_in_another_process(tmp_path):
    cmap = loop_map()
    path = tmp_path / "map.yaml"
    save_map(cmap, path)
    page = render_html(cmap)
    assert page == render_html(cmap)
    code = ("import sys; from gmb.maps.store import load_map; from gmb.render.html import render_html; "
            "sys.stdout.buffer.write(render_html(load_map(sys.argv[1])).encode())")
    others = [subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, check=True,
                             env=os.environ | {"PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")]
    assert others[0] == others[1] == page.encode()


def test_hostile_text_only_travels_escaped_in_the_json_block():
    cmap = CausalMap.new(HOSTILE_SCRIPT)
    cmap.add_theme("bad", {"da": HOSTILE_IMG})
    cmap.add_variable("a", {"da": HOSTILE_IMG, "en": HOSTILE_SCRIPT}, theme="bad", notes="x\u2028y & <z>")
    cmap.add_variable("b", "B")
    cmap.add_link("a", "b", "+", source={"quote": HOSTILE_SCRIPT})
    cmap.add_link("b", "a", "+")
    cmap.meta["description"] = HOSTILE_IMG
    page = render_html(cmap)
    assert "<img" not in page
    block = re.search(r'<script type="application/json" id="gmb-data">(.*?)</script>', page, re.S).group(1)
    assert not set("<>&") & set(block)
    assert "alert(1)" not in page.replace(block, "")
    assert page.count("</script>") == 3  # data, vis-network, explorer
    assert "\u2028" not in page and "\u2029" not in page
    data = json_block(page)
    assert data["variables"]["a"]["label"] == {"da": HOSTILE_IMG, "en": HOSTILE_SCRIPT}
    assert data["variables"]["a"]["notes"]["da"] == "x\u2028y & <z>"
    assert data["links"][0]["quote"] == HOSTILE_SCRIPT
    assert data["title"]["da"] == HOSTILE_SCRIPT


def test_no_user_text_outside_the_json_block():
    cmap = loop_map()
    page = render_html(cmap)
    outside = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.S)
    texts = [cmap.title] + [cmap.label(v, lang) for v in cmap.variables for lang in ("da", "en")]
    assert [text for text in texts if text in outside] == []
    assert all(text in json.dumps(json_block(page), ensure_ascii=False) for text in texts)


def test_script_json_escapes_the_five_dangerous_characters():
    text = script_json({"k": "<&>\u2028\u2029"})
    assert text == '{"k":"\\u003c\\u0026\\u003e\\u2028\\u2029"}'
    assert json.loads(text) == {"k": "<&>\u2028\u2029"}


def test_page_makes_no_network_request_and_carries_vis_network_inline():
    page = render_html(loop_map())
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert not re.search(r"""url\(\s*["']?(?!data:)""", page)
    assert "@import" not in page
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy
    assert policy.count("'sha256-") == 2 and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "vis-network" in page and "@version 9.1.2" in page


def test_page_data_matches_the_map_arrows_loops_and_sizes():
    cmap = loop_map()
    data = page_data(cmap, "en")
    edges = data["network"]["edges"]
    assert [(e["id"], e["from"], e["to"]) for e in edges] == [
        ("e1", "screen_time", "sleep"), ("e2", "sleep", "tired"), ("e3", "tired", "screen_time"),
        ("e4", "tired", "rest"), ("e5", "rest", "tired"), ("e6", "rules", "screen_time")]
    # the sign travels as data: the page draws it as a badge near the arrowhead, not as a label mid-arrow
    assert [e["polarity"] for e in edges] == ["-", "-", "+", "+", "-", "?"] and all("label" not in e for e in edges)
    assert [e["dashes"] for e in edges] == [False, [7, 5], False, False, False, False]
    assert {e["color"]["color"] for e in edges if e["polarity"] == "-"} == {"#c8562b"}
    assert {e["color"]["color"] for e in edges if e["polarity"] == "+"} == {"#2f6db5"}
    assert edges[0]["width"] == 3.5 and edges[2]["width"] == 2.0
    loops = {tuple(sorted(loop["variables"])): loop for loop in data["loops"]}
    assert loops[("screen_time", "sleep", "tired")]["kind"] == "R"
    assert sorted(loops[("screen_time", "sleep", "tired")]["links"]) == ["e1", "e2", "e3"]
    assert loops[("rest", "tired")]["kind"] == "B" and sorted(loops[("rest", "tired")]["links"]) == ["e4", "e5"]
    nodes = {n["id"]: n for n in data["network"]["nodes"]}
    assert nodes["rules"]["shape"] == "diamond" and nodes["sleep"]["shape"] == "dot"
    assert nodes["sleep"]["borderWidth"] == 4  # the outcome
    # a theme's own colour is kept; a theme without one takes the first colour of the colour-blind-safe palette
    assert nodes["rules"]["color"]["background"] == "#d1495b"
    assert nodes["sleep"]["color"]["background"] == THEME_PALETTE[0] == "#0072b2"
    # sized by the number of loops: tired is in both, rules in none
    assert nodes["tired"]["size"] > nodes["sleep"]["size"] > nodes["rules"]["size"] == 14


def test_named_loop_keeps_the_facilitators_name_and_story():
    cmap = loop_map()
    found = page_data(cmap)["loops"]
    balancing = next(loop for loop in found if loop["kind"] == "B")
    cmap.meta["loops"] = {balancing["id"]: {"name": {"da": "Hvile hjælper", "en": "Rest helps"},
                                            "story": {"da": "Når man er træt, hviler man."}}}
    loops = page_data(cmap)["loops"]
    assert loops[0]["id"] == balancing["id"]  # named loops first
    assert loops[0]["name"] == {"da": "Hvile hjælper", "en": "Rest helps"}
    assert loops[0]["story"]["da"] == "Når man er træt, hviler man."
    assert loops[0]["story"]["en"].endswith("— a balancing loop")  # generated where none was written
    assert all(loop["name"] is None for loop in loops[1:])


def test_unknown_language_or_size_measure_is_refused():
    with pytest.raises(GmbError, match="language 'fr' is not one of the map's languages"):
        render_html(loop_map(), language="fr")
    with pytest.raises(GmbError, match="cannot size variables by 'colour'"):
        render_html(loop_map(), size_by="colour")


# -- stories, layout ----------------------------------------------------------------------------

def test_stories_follow_the_chain_in_both_languages():
    cmap = loop_map()
    chain = ("screen_time", "sleep", "tired")
    assert loop_story(cmap, chain, "en") == \
        "More screen time → less sleep → (after a while) more tiredness → more screen time — a reinforcing loop"
    # neutral verbs keep the Danish grammatical for every noun ("venskaber stiger", never "mere venskaber")
    assert loop_story(cmap, chain, "da") == \
        "Skærmtid stiger → søvn falder → (efter et stykke tid) træthed stiger → skærmtid stiger — en forstærkende løkke"
    assert loop_story(cmap, ("rest", "tired"), "da") == "Hvile stiger → træthed falder → hvile falder — en balancerende løkke"
    cmap.set_link("tired", "rest", {"polarity": "?"})
    assert loop_story(cmap, ("tired", "rest"), "en") == \
        "More tiredness → a change in rest → a change in tiredness — a loop with an arrow whose sign is not agreed"
    assert chain_text(cmap, chain, "en") == "Screen time → Sleep → Tiredness → Screen time"
    assert chain_text(cmap, chain, "en", limit=2) == "Screen time → Sleep → …"


def test_acronyms_keep_their_capitals_in_stories():
    cmap = CausalMap.new("x")
    cmap.add_variable("lan", {"en": "LAN party"})
    cmap.add_variable("friends", {"en": "Friends"})
    cmap.add_link("lan", "friends", "+")
    cmap.add_link("friends", "lan", "+")
    assert loop_story(cmap, ("lan", "friends"), "en") == "More LAN party → more friends → more LAN party — a reinforcing loop"


def test_layout_keeps_saved_positions_and_places_the_rest_apart():
    cmap = loop_map()
    cmap.meta["layout"] = {"sleep": [500, -200], "nowhere": [1, 1], "rest": ["a", 2]}
    positions = layout_positions(cmap)
    assert list(positions) == cmap.variables
    assert positions["sleep"] == (500, -200)
    assert positions == layout_positions(cmap)
    assert all(isinstance(c, int) for v, xy in positions.items() if v != "sleep" for c in xy)
    width, height = LABEL_BOX
    points = list(positions.values())
    for i, (x1, y1) in enumerate(points):
        for x2, y2 in points[i + 1:]:
            assert abs(x1 - x2) >= width - 1 or abs(y1 - y2) >= height - 1


def test_automatic_layout_of_a_larger_map_has_no_overlapping_labels_and_fits_the_aspect():
    cmap = CausalMap.new("ring")
    for i in range(30):
        cmap.add_variable(f"v{i}", f"V{i}")
    for i in range(30):
        cmap.add_link(f"v{i}", f"v{(i + 1) % 30}", "+")
        cmap.add_link(f"v{i}", f"v{(i + 7) % 30}", "-")
    for aspect in (1.4, 1 / 1.4):
        positions = list(layout_positions(cmap, aspect=aspect).values())
        overlaps = sum(1 for i, (x1, y1) in enumerate(positions) for x2, y2 in positions[i + 1:]
                       if abs(x1 - x2) < LABEL_BOX[0] - 1 and abs(y1 - y2) < LABEL_BOX[1] - 1)
        assert overlaps == 0
        xs, ys = [p[0] for p in positions], [p[1] for p in positions]
        assert (max(xs) - min(xs) > max(ys) - min(ys)) == (aspect > 1)


# -- charts ---------------------------------------------------------------------------------------

def test_charts_read_the_tidy_results_table(tmp_path):
    cmap = loop_map()
    (tmp_path / "results.csv").write_text("scenario,time,variable,value\n"
                                          "base,12,sleep,1\nbase,0,sleep,1\npush,0,sleep,1\npush,12,sleep,0.8\n"
                                          "push,12,tired,3\n", encoding="utf-8")
    [chart] = outcome_charts(cmap, tmp_path, ["da", "en"])
    assert chart["variable"] == "sleep" and chart["label"] == {"da": "Søvn", "en": "Sleep"}
    assert (chart["min"], chart["max"]) == (0.8, 1.0)
    assert chart["unit"] is None
    assert chart["series"] == [{"scenario": "base", "label": None, "times": [0.0, 12.0], "values": [1.0, 1.0]},
                               {"scenario": "push", "label": None, "times": [0.0, 12.0], "values": [1.0, 0.8]}]


def test_charts_explain_missing_or_broken_results(tmp_path):
    cmap = loop_map()
    with pytest.raises(MapFileError, match=r"results\.csv: no such file; run 'gmb simulate"):
        outcome_charts(cmap, tmp_path, ["da"])
    (tmp_path / "results.csv").write_text("scenario,time,value\nbase,0,1\n", encoding="utf-8")
    with pytest.raises(MapFileError, match=r"results\.csv:1: missing column\(s\) variable"):
        outcome_charts(cmap, tmp_path, ["da"])
    (tmp_path / "results.csv").write_text("scenario,time,variable,value\nbase,0,sleep,high\n", encoding="utf-8")
    with pytest.raises(MapFileError, match=r"results\.csv:2: time and value must be numbers"):
        outcome_charts(cmap, tmp_path, ["da"])
    (tmp_path / "results.csv").write_text("scenario,time,variable,value\nbase,0,tired,1\n", encoding="utf-8")
    with pytest.raises(MapFileError, match="has no rows for the outcome sleep"):
        outcome_charts(cmap, tmp_path, ["da"])


def test_charts_read_the_file_gmb_simulate_writes_and_name_scenarios_from_their_file(tmp_path):
    from gmb.outputs.simulation_files import RESULTS_FILE as SIMULATE_WRITES
    from gmb.render.charts import RESULTS_FILE, scenario_names

    assert RESULTS_FILE == SIMULATE_WRITES
    path = tmp_path / "scenarios.yaml"
    path.write_text("time_unit: year\nscenarios:\n  a: {label: {da: Cykelstier}}\n  b: {label: Plain}\n  c: {}\n",
                    encoding="utf-8")
    assert scenario_names(path, ["da", "en"]) == (
        {"a": {"da": "Cykelstier", "en": "Cykelstier"}, "b": {"da": "Plain", "en": "Plain"}}, "year")
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(MapFileError, match="is not a scenario file"):
        scenario_names(path, ["da"])
    with pytest.raises(MapFileError, match=r"missing\.yaml: no such file; give the scenario file 'gmb simulate"):
        scenario_names(tmp_path / "missing.yaml", ["da"])


# -- static pictures and the connection circle -----------------------------------------------------

def test_bezier_point_follows_matplotlibs_arc3_curve():
    assert bezier_point((0, 0), (10, 0), 0.15, 0.0) == (0, 0)
    assert bezier_point((0, 0), (10, 0), 0.15, 1.0) == (10, 0)
    x, y = bezier_point((0, 0), (10, 0), 0.2, 0.5)  # control point (5, -2): halfway is (5, -1)
    assert (x, y) == pytest.approx((5, -1))


def test_connection_circle_groups_variables_by_theme_clockwise_from_the_top():
    cmap = loop_map()
    placed = circle_positions(cmap)
    assert [v for v, _ in placed] == ["screen_time", "sleep", "tired", "rest", "rules"]
    assert [round(math.degrees(a)) for _, a in placed] == [90, 18, -54, -126, -198]


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_export_draws_a_picture_that_is_the_same_every_time(tmp_path, suffix, magic):
    map_path = tmp_path / "map.yaml"
    save_map(loop_map(), map_path)
    out = tmp_path / f"picture{suffix}"
    result = CliRunner().invoke(main, ["export", str(map_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    first = out.read_bytes()
    assert first.startswith(magic)
    CliRunner().invoke(main, ["export", str(map_path), "-o", str(out)])
    assert out.read_bytes() == first
    if suffix == ".svg":
        text = first.decode()
        assert "Date" not in text and text.count("<path") > 20


def test_long_words_stay_whole_in_the_picture_and_the_circle():
    from matplotlib.figure import Figure

    from gmb.render.circle import draw_circle
    from gmb.render.static import draw_map

    cmap = loop_map()
    cmap.set_variable("rest", {"label.da": "Fastfoodrestauranter som mødested",
                               "label.en": "Byfornyelsesprogrammetsudvalg"})
    figure = Figure(figsize=(8, 5))
    draw_map(cmap, figure, "da")
    picture = [t.get_text() for t in figure.axes[0].texts]
    assert "Fastfoodrestauranter\nsom mødested" in picture
    figure = Figure(figsize=(8, 8))
    draw_circle(cmap, figure.add_subplot(), "en")
    assert "Byfornyelsesprogrammetsudvalg" in [t.get_text() for t in figure.axes[0].texts]


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc, where no file can be made")
@pytest.mark.parametrize("command, name", [("html", "x.html"), ("export", "x.png"), ("circle", "x.pdf")])
def test_a_directory_that_cannot_be_written_is_a_one_line_error(tmp_path, command, name):
    map_path = tmp_path / "map.yaml"
    save_map(loop_map(), map_path)
    result = CliRunner().invoke(main, [command, str(map_path), "-o", f"/proc/{name}"])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: /proc/{name}: cannot write there (No such file or directory); give a file " \
                            "name in a directory you can write to\n"


@pytest.mark.parametrize("blank", [False, True])
def test_circle_command_writes_a_printable_page(tmp_path, blank):
    map_path = tmp_path / "map.yaml"
    save_map(loop_map(), map_path)
    out = tmp_path / "circle.svg"
    result = CliRunner().invoke(main, ["circle", str(map_path), "-o", str(out)] + (["--blank"] if blank else []))
    assert result.exit_code == 0, result.output
    svg = out.read_text()
    assert 'width="595.44pt" height="841.68pt"' in svg  # A4
    arrows = svg.count('id="patch_')
    assert arrows == 2 + (0 if blank else 6)  # the page, the circle, and one chord per link


def test_html_command_writes_the_page_and_reports_bad_input_in_one_line(tmp_path):
    map_path = tmp_path / "map.yaml"
    save_map(loop_map(), map_path)
    out = tmp_path / "map.html"
    runner = CliRunner()
    result = runner.invoke(main, ["html", str(map_path), "-o", str(out), "--language", "en"])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out}\n"
    assert json_block(out.read_text())["language"] == "en"
    result = runner.invoke(main, ["html", str(map_path), "-o", str(tmp_path / "x.html"), "--language", "fr"])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert result.output == f"error: {map_path} has no language 'fr'; its languages are da, en (use --lang da or --lang en)\n"
    assert not (tmp_path / "x.html").exists()
    result = runner.invoke(main, ["html", str(map_path), "-o", str(out), "--results", str(tmp_path / "none")])
    assert result.exit_code == 2 and "is not a directory" in result.output
    result = runner.invoke(main, ["html", str(map_path), "-o", str(out), "--scenarios", str(map_path)])
    assert result.exit_code == 2 and "give --results DIR too" in result.output
    result = runner.invoke(main, ["circle", str(map_path), "-o", str(tmp_path / "c.docx")])
    assert result.exit_code == 2 and "use .pdf, .png or .svg" in result.output
    result = runner.invoke(main, ["html", str(tmp_path / "missing.yaml"), "-o", str(out)])
    assert result.exit_code == 2 and "no such file" in result.output


def test_editing_commands_do_not_load_the_drawing_libraries():
    code = ("import sys; from click.testing import CliRunner; from gmb.cli import main; "
            "CliRunner().invoke(main, ['--help']); "
            "print(sorted(m for m in ('matplotlib', 'pyvis') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
