"""Issue 15 item 5: ``gmb validate --scenarios/--ideas`` reports the scenarios and ideas that lean on a
link of polarity ``?`` (left out of the model), grouped by link, with the scenario file's line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from gmb.cli import main
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import save_map

ROOT = Path(__file__).resolve().parent.parent


def trail_map(tmp_path: Path, polarity: str = "?") -> Path:
    cmap = CausalMap.new("trail", ["en"])
    for var in ("trail", "walks", "club", "mood"):
        cmap.add_variable(var, var.title(), kind="action" if var == "club" else "index")
    cmap.add_link("trail", "walks", polarity)
    cmap.add_link("walks", "mood", "+")
    cmap.add_link("club", "mood", "+")
    cmap.add_link("club", "walks", "?")
    cmap.set_outcome(["mood"])
    path = tmp_path / "trail.yaml"
    save_map(cmap, path)
    return path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


SCENARIOS = """horizon: 24
scenarios:
  paths:
    - {push: trail, by: 0.1}
  club:
    - {action: club, level: 1}
"""


def test_a_scenario_cut_off_by_a_question_mark_link_has_no_effect_and_one_that_leans_misses_part(tmp_path):
    map_path = trail_map(tmp_path)
    scenarios = write(tmp_path / "s.yaml", SCENARIOS)
    result = CliRunner().invoke(main, ["validate", str(map_path), "--scenarios", str(scenarios)])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith(str(scenarios))]
    assert len(lines) == 2
    assert lines[0].startswith(f"{scenarios}:3: warning: scenario 'paths' has no effect on mood")
    assert "trail → walks" in lines[0] and f"gmb link set {map_path} trail walks polarity=+ or -" in lines[0]
    assert lines[1].startswith(f"{scenarios}:5: warning: club → walks has polarity ?")
    assert "scenario miss part of their way to mood: club" in lines[1]


def test_agreed_links_leave_nothing_to_report(tmp_path):
    map_path = trail_map(tmp_path, "+")
    scenarios = write(tmp_path / "s.yaml", SCENARIOS.replace("  club:\n    - {action: club, level: 1}\n", ""))
    cmap_text = map_path.read_text("utf-8").replace('polarity: "?"', 'polarity: "+"')
    map_path.write_text(cmap_text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(map_path), "--scenarios", str(scenarios)])
    assert "0 errors, 1 warnings" in result.output  # the map's own: nothing causes the trail
    assert str(scenarios) not in result.output


def test_ideas_that_lean_on_a_question_mark_link_or_copy_an_action_without_it(tmp_path):
    map_path = trail_map(tmp_path)
    ideas = write(tmp_path / "ideas.yaml", """ideas:
  walk_club:
    title: Walking club
    acts_on: [{from_map: club}]
    feasibility: 3
  signs:
    title: Signposts
    acts_on: [{variable: trail, polarity: "+", strength: weak}]
    feasibility: 5
""")
    result = CliRunner().invoke(main, ["validate", str(map_path), "--ideas", str(ideas), "--json"])
    assert result.exit_code == 1, result.output
    found = [w for w in json.loads(result.output)["warnings"] if w.get("file") == str(ideas)]
    messages = [w["message"] for w in found]
    assert any(m.startswith("idea 'signs' has no effect on mood") for m in messages)
    assert any(m.startswith("idea 'walk_club' copies the links of club from the map but skips club → walks")
               for m in messages)
    assert {w["line"] for w in found} == {2, 6}


def test_the_example_reports_its_two_disputed_links_once_each_for_its_scenarios():
    result = CliRunner().invoke(main, ["validate", str(ROOT / "models/havndal.yaml"), "--scenarios",
                                       str(ROOT / "workshops/havndal/scenarios.yaml")])
    assert result.exit_code == 1
    leaning = [line for line in result.output.splitlines() if "scenarios.yaml" in line]
    assert len(leaning) == 2
    assert all("has polarity ? (left out of the model)" in line for line in leaning)
