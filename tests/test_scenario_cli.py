"""``gmb scenario new|add|remove|list``: edits checked as ``gmb simulate`` reads the file, comments kept,
a refused edit leaves the file byte-identical, and every --help example runs on the shipped example."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.maps.store import load_map
from gmb.sd.scenarios import load_scenarios
from gmb.sd.spec import build_spec

ROOT = Path(__file__).resolve().parent.parent
MAP = ROOT / "models" / "havndal.yaml"
SCENARIOS = ROOT / "workshops" / "havndal" / "scenarios.yaml"


@pytest.fixture
def plans(tmp_path) -> Path:
    return Path(shutil.copy(SCENARIOS, tmp_path / "scenarios.yaml"))


def gmb(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def plan_of(path: Path):
    cmap = load_map(MAP)
    return load_scenarios(path, cmap, build_spec(cmap))


def help_examples(group: str) -> list[tuple[str, list[str]]]:
    """Each subcommand of ``group`` and the argument list of the example its --help shows."""
    found = []
    for name in main.get_command(None, group).commands:
        text = gmb(group, name, "--help").output
        example = text.split("Example:", 1)[1].split("\n\n")[0]
        found.append((name, shlex.split(example.replace("\\\n", " "))[1:]))
    return found


def test_new_add_list_and_remove_through_the_command_line(plans):
    result = gmb("scenario", "new", MAP, plans, "trail_only", "--label", "Søsti", "--label-en", "Lake trail",
                 "--action", "Genetableret søsti", "--start", 6, "--ramp", 12)
    assert result.exit_code == 0, result.output
    assert result.output == f"added scenario trail_only to {plans}: {{action: lake_trail, level: 1, start: 6, ramp: 12}}\n"
    assert gmb("scenario", "add", MAP, plans, "trail_only", "--push", "screen_limits", "--by", 0.1).exit_code == 0
    assert gmb("scenario", "add", MAP, plans, "trail_only", "--link", "community_participation", "volunteer_energy",
               "--strength", "weak").exit_code == 0
    trail = next(s for s in plan_of(plans).scenarios if s.name == "trail_only")
    assert trail.label == {"da": "Søsti", "en": "Lake trail"}
    assert trail.settings["level_lake_trail"] == 1 and trail.settings["start_lake_trail"] == 6
    assert trail.settings["push_screen_limits_exposed"] == trail.settings["push_screen_limits_others"] == 0.1

    listed = gmb("scenario", "list", MAP, plans, "--lang", "en")
    assert listed.exit_code == 0
    assert "trail_only  Lake trail\n  1. {action: lake_trail, level: 1, start: 6, ramp: 12}\n" \
           "  2. {push: screen_limits, by: 0.1}\n" in listed.output

    removed = gmb("scenario", "remove", MAP, plans, "trail_only", "--at", 2)
    assert removed.output == "removed {push: screen_limits, by: 0.1} from scenario trail_only\n"
    assert gmb("scenario", "remove", MAP, plans, "lan_party").output == "removed scenario lan_party\n"
    rows = json.loads(gmb("scenario", "list", MAP, plans, "--json").output)["scenarios"]
    assert [r["name"] for r in rows][-1] == "trail_only" and "lan_party" not in [r["name"] for r in rows]
    assert rows[-1]["interventions"] == [{"action": "lake_trail", "level": 1, "start": 6, "ramp": 12},
                                         {"link": ["community_participation", "volunteer_energy"], "strength": "weak"}]


def test_an_edit_keeps_the_comments_and_the_rest_of_the_file(plans):
    before = plans.read_text(encoding="utf-8")
    assert gmb("scenario", "add", MAP, plans, "lan_party", "--push", "screen_limits", "--by", 0.1).exit_code == 0
    after = plans.read_text(encoding="utf-8")
    added = "      - {push: screen_limits, by: 0.1}\n"
    assert after.replace(added, "", 1) == before
    assert after.index(added) > after.index("  lan_party:")
    assert "# ILLUSTRATIVE SCENARIOS" in after and "horizon: 120          # ten years" in after


@pytest.mark.parametrize("args, message", [
    (["add", "playgrounds", "--action", "lake_trai"], "unknown variable 'lake_trai'; did you mean 'lake_trail'?"),
    (["add", "playground", "--action", "lake_trail"], "no scenario 'playground'; did you mean 'playgrounds'?"),
    (["add", "playgrounds", "--push", "lake_trail", "--by", "0.1"], "'lake_trail' cannot be pushed: it is an action"),
    (["add", "playgrounds", "--action", "better_playgrounds"], "sets the same thing as line"),
    (["add", "playgrounds", "--action", "lake_trail", "--by", "2"], "an action intervention takes level, start, ramp"),
    (["add", "playgrounds", "--push", "screen_limits"], "a push intervention needs by:"),
    (["add", "playgrounds", "--push", "screen_limits", "--by", "0.1", "--start", "-1"], "start -1 must be at least 0"),
    (["add", "playgrounds", "--link", "screen_time", "lake_trail", "--strength", "weak"], "has no such link"),
    (["add", "playgrounds"], "give one intervention"),
    (["new", "baseline", "--action", "lake_trail"], "'baseline' is the run without interventions"),
    (["new", "playgrounds", "--action", "lake_trail"], "scenario 'playgrounds' exists already"),
    (["remove", "lan_party", "--at", "1"], "the only intervention of scenario 'lan_party'"),
    (["remove", "safe_routes", "--at", "3"], "has 2 intervention(s); give a number from 1 to 2"),
])
def test_a_refused_edit_leaves_the_file_byte_identical(plans, args, message):
    before = plans.read_bytes()
    result = gmb("scenario", args[0], MAP, plans, *args[1:])
    assert result.exit_code == 2
    assert message in result.output and result.output.startswith("error: ") and result.output.count("\n") == 1
    assert plans.read_bytes() == before
    assert sorted(p.name for p in plans.parent.iterdir()) == ["scenarios.yaml"]  # no temporary file left


def test_a_broken_file_is_not_edited(plans):
    plans.write_text(plans.read_text(encoding="utf-8").replace("horizon: 120", "horizon: -1"), encoding="utf-8")
    before = plans.read_bytes()
    result = gmb("scenario", "add", MAP, plans, "lan_party", "--push", "screen_limits", "--by", 0.1)
    assert result.exit_code == 2 and "fix this by hand before editing" in result.output
    assert plans.read_bytes() == before


def test_new_makes_a_missing_file_and_keeps_windows_line_endings(tmp_path):
    fresh = tmp_path / "fresh.yaml"
    assert gmb("scenario", "new", MAP, fresh, "walk", "--action", "lake_trail").exit_code == 0
    assert [s.name for s in plan_of(fresh).scenarios] == ["walk"]
    crlf = tmp_path / "crlf.yaml"
    crlf.write_bytes(SCENARIOS.read_bytes().replace(b"\n", b"\r\n"))
    assert gmb("scenario", "new", MAP, crlf, "walk", "--label", "Gå", "--action", "lake_trail").exit_code == 0
    assert b"\n" not in crlf.read_bytes().replace(b"\r\n", b"")
    assert [s.name for s in plan_of(crlf).scenarios][-1] == "walk"


@pytest.mark.parametrize("name, args", help_examples("scenario"))
def test_every_help_example_runs_on_a_copy_of_the_shipped_example(tmp_path, name, args):
    copy = str(shutil.copy(SCENARIOS, tmp_path / "scenarios.yaml"))
    args = [str(MAP) if a == "models/havndal.yaml" else copy if a == "workshops/havndal/scenarios.yaml" else a
            for a in args]
    assert copy in args and str(MAP) in args
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, (name, result.output)


def test_scenario_list_as_a_real_process():
    done = subprocess.run([sys.executable, "-m", "gmb", "scenario", "list", str(MAP), str(SCENARIOS), "--lang", "en"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].endswith(f"10 scenarios, checked against {MAP}")
    assert "safe_routes  Safe bike paths and the lake trail" in lines
    assert "  1. {action: safe_bike_paths, level: 1, start: 12, ramp: 24}" in lines
