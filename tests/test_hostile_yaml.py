"""Hostile YAML: alias bombs, deep nesting and huge node counts are refused in one line, fast and small.

Every reader of a user's YAML file (map, scenarios, idea bank, workshop record, synonyms) goes
through :func:`gmb.maps.yamltext.parse_text`; so does a KEY=VALUE value on the command line.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import yaml
from click.testing import CliRunner

from gmb.cli import main
from gmb.cli.common import parse_assignments
from gmb.errors import MapFileError
from gmb.leverage.ideas import load_ideas
from gmb.maps.causalmap import CausalMap
from gmb.maps.limits import MAX_DEPTH, MAX_NODES, YAMLRefused, check_nesting
from gmb.maps.store import load_map, read_yaml, save_map
from gmb.maps.yamltext import Loader, parse_text
from gmb.sd.scenarios import load_scenarios
from gmb.workshops.records import load_workshop
from gmb.workshops.synonyms import load_synonyms

MAP = "title: T\nlanguages: [en]\nvariables:\n  a: {label: {en: A}}\n  b: {label: {en: B}}\nlinks: []\n"


def bomb(levels: int = 9, width: int = 9) -> str:
    """A "billion laughs": ``width ** levels`` strings from a few hundred bytes."""
    lines = ["title: T", "a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\nvariables: {}\n"


def gmb(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr


def measure(code: str) -> dict:
    """Run ``code`` in a fresh Python; its printed JSON plus the peak memory (MB) and CPU seconds."""
    script = textwrap.dedent(code) + textwrap.dedent("""
        import re, resource
        usage = resource.getrusage(resource.RUSAGE_SELF)   # its ru_maxrss may be the parent's (fork)
        peak = int(re.search(r"VmHWM:\\s*(\\d+)", open("/proc/self/status").read()).group(1))
        print(json.dumps({**result, "mb": peak / 1024, "cpu": usage.ru_utime + usage.ru_stime}))
    """)
    done = subprocess.run([sys.executable, "-c", "import json\n" + script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


# -- anchors and aliases ---------------------------------------------------------------------

@pytest.mark.parametrize("levels", [9, 12])   # 456 and ~620 bytes: 17 s / 505 MB, and a hang, before
def test_an_alias_bomb_map_is_one_line_error_and_the_file_unchanged(tmp_path, levels):
    path = tmp_path / "map.yaml"
    path.write_text(bomb(levels), encoding="utf-8")
    before = path.read_bytes()
    for args in (["validate", path], ["show", path], ["var", "set", path, "a", "notes=hi"],
                 ["link", "add", path, "a", "b", "--polarity", "+"]):
        assert_one_line_error(gmb(*args), f"{path}:2: YAML anchors and aliases (&name / *name) are not allowed",
                              "write the value out")
    assert path.read_bytes() == before


def test_an_alias_bomb_costs_milliseconds_and_little_memory(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text(bomb(12), encoding="utf-8")   # 9 ** 12 strings if expanded
    result = measure(f"""
        import time
        from gmb.errors import MapFileError
        from gmb.maps.store import load_map
        start = time.perf_counter()
        try:
            load_map({str(path)!r})
            result = {{"error": None}}
        except MapFileError as exc:
            result = {{"error": str(exc)}}
        result["seconds"] = time.perf_counter() - start
    """)
    assert "anchors and aliases" in result["error"]
    assert result["seconds"] < 0.5 and result["mb"] < 200, result


def test_every_yaml_reader_refuses_an_anchor_naming_file_and_line(tmp_path):
    cmap = CausalMap.from_data({"title": "T", "variables": {"a": {}}})
    bad = "# x\nfirst: &w {a: 1}\nsecond: *w\n"
    readers = [lambda p: load_scenarios(p, cmap, None), lambda p: load_ideas(p, cmap), load_workshop,
               load_synonyms, load_map, read_yaml]
    for number, read in enumerate(readers):
        path = tmp_path / f"file{number}.yaml"
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(MapFileError) as info:
            read(path)
        assert str(info.value) == (f"{path}:2: YAML anchors and aliases (&name / *name) are not allowed in gmb "
                                   "files; write the value out")


def test_a_merge_key_with_an_alias_and_a_scalar_alias_are_refused_too():
    for text in ("base: &b {x: 1}\nitem: {<<: *b, y: 2}\n", "a: &n 5\nb: *n\n", "a: &unused 5\n"):
        with pytest.raises(YAMLRefused, match="anchors and aliases"):
            parse_text(text)


def test_text_that_only_looks_like_an_anchor_is_read():
    text = 'title: "R&D *vigtigt*"\nnotes: R &D and a *star*\nx: "&a *b"\ny: a&b*c\n'
    assert parse_text(text)[1] == {"title": "R&D *vigtigt*", "notes": "R &D and a *star*", "x": "&a *b",
                                   "y": "a&b*c"}


def test_check_nesting_refuses_a_shared_node_without_expanding_it():
    root = Loader(bomb(30)).get_single_node()   # composed: 30 nodes sharing children, 9 ** 30 if expanded
    with pytest.raises(YAMLRefused, match="anchors and aliases") as info:
        check_nesting(root)
    assert 2 <= info.value.line <= 31   # the line of an anchored node


def test_a_key_value_with_an_alias_bomb_stays_text():
    value = "[" + ", ".join(f"&a{i} [" + ", ".join([f"*a{i - 1}" if i else "1"] * 9) + "]" for i in range(12)) + "]"
    assert parse_assignments([f"adjust_time={value}"]) == {"adjust_time": value}
    assert parse_assignments(["adjust_time=&x 6", "delay=*x"]) == {"adjust_time": "&x 6", "delay": "*x"}
    assert parse_assignments(["adjust_time=6"]) == {"adjust_time": 6}


# -- nesting ---------------------------------------------------------------------------------

@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 490, 600, 998, 1200, 100_000])
@pytest.mark.parametrize("shape", ["list", "flow map", "block map", "block list"])
def test_deep_nesting_is_a_one_line_error_not_a_recursion_error(tmp_path, levels, shape):
    if shape == "list":
        text = "title: T\nx: " + "[" * levels + "]" * levels + "\n"
    elif shape == "flow map":
        text = "title: T\nx: " + "{a: " * levels + "1" + "}" * levels + "\n"
    elif shape == "block map":
        text = "title: T\n" + "".join(" " * i + "a:\n" for i in range(min(levels, 1200))) + " " * levels + "b: 1\n"
    else:
        text = "title: T\nx:\n" + "".join(" " * i + "-\n" for i in range(1, min(levels, 1200))) + "  - 1\n"
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    result = gmb("validate", path)
    assert_one_line_error(result, f"{path}:", f"nested too deeply (more than {MAX_DEPTH} levels")
    assert path.read_text(encoding="utf-8") == text


def test_nesting_up_to_the_cap_is_read_even_with_merge_keys_and_typed_values():
    levels = MAX_DEPTH - 2   # the root mapping and 'x:' hold the first two levels
    text = "x: " + "{<<: {m: 1}, c: " * (levels - 1) + "{n: 2.5}" + "}" * (levels - 1) + "\n"
    data = parse_text(text)[1]["x"]
    for _ in range(levels - 1):
        assert data["m"] == 1
        data = data["c"]
    assert data == {"n": 2.5}
    assert parse_text("x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))[1]["x"] is not None
    with pytest.raises(YAMLRefused, match="nested too deeply"):
        parse_text("x: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH)


# -- many nodes ------------------------------------------------------------------------------

def test_a_file_of_millions_of_tiny_values_is_refused_before_composing(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text("title: T\nvariables:\n  a: {notes: [" + "[]," * 3_000_000 + "]}\n", encoding="utf-8")
    result = measure(f"""
        from gmb.errors import MapFileError
        from gmb.maps.store import load_map
        try:
            load_map({str(path)!r})
            result = {{"error": None}}
        except MapFileError as exc:
            result = {{"error": str(exc)}}
    """)
    assert result["error"] == (f"{path}:3: holds more than {MAX_NODES:,} values, more than gmb reads from a "
                               "YAML file; check that it is the right file, or split it")
    assert result["mb"] < 300 and result["cpu"] < 10, result   # composed: some 1.2 GB


def test_a_large_ordinary_map_is_still_read(tmp_path):
    cmap = CausalMap.new("big", ["en"])
    for i in range(6000):
        cmap.add_variable(f"v{i}", f"Variable {i} & R&D *x*", notes="a, b: c")
    path = tmp_path / "big.yaml"
    save_map(cmap, path)
    assert path.stat().st_size > 256 * 1024   # large enough to be scanned first
    assert load_map(path).label("v5999", "en") == "Variable 5999 & R&D *x*"


def test_yaml_syntax_errors_still_name_their_line():
    with pytest.raises(yaml.YAMLError):
        parse_text("a: [1, 2\nb: 3\n")
