"""``gmb ideas add|set|list|check`` and ``{from_map: ACTION}``: an idea's effects read from the map's links,
hand copies that drift reported, refused edits leaving the bank byte-identical, --help examples that run."""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.errors import MapFileError
from gmb.leverage.ideas import Effect, load_ideas
from gmb.maps.store import edit_map, load_map

ROOT = Path(__file__).resolve().parent.parent
MAP = ROOT / "models" / "havndal.yaml"
IDEAS = ROOT / "workshops" / "havndal" / "ideas.yaml"
LAN_PARTY = ('      - {variable: friendships, polarity: "+", strength: medium}\n'
             '      - {variable: community_participation, polarity: "+", strength: medium}\n'
             '      - {variable: meeting_places, polarity: "+", strength: weak}\n')


@pytest.fixture
def bank(tmp_path) -> Path:
    return Path(shutil.copy(IDEAS, tmp_path / "ideas.yaml"))


def gmb(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_from_map_reads_the_actions_links_from_the_map(bank):
    text = bank.read_text(encoding="utf-8")
    assert LAN_PARTY in text
    bank.write_text(text.replace(LAN_PARTY, "      - {from_map: LAN-party for 15–20-årige}\n"), encoding="utf-8")
    cmap = load_map(MAP)
    effects = load_ideas(bank, cmap).idea("lan_party").effects
    assert effects == (Effect("friendships", 1, "medium", from_map="lan_party"),
                       Effect("community_participation", 1, "medium", from_map="lan_party"),
                       Effect("meeting_places", 1, "weak", from_map="lan_party"))  # the ? link is left out
    cmap.set_link("lan_party", "meeting_places", {"strength": "strong"})   # the map changes: the idea follows
    assert load_ideas(bank, cmap).idea("lan_party").effects[2] == Effect("meeting_places", 1, "strong",
                                                                         from_map="lan_party")


@pytest.mark.parametrize("entry, message", [
    ("{from_map: screen_time}", "from_map copies the links of an action of the map, and 'screen_time' is not one"),
    ("{from_map: lan_prty}", "unknown variable 'lan_prty'; did you mean 'lan_party'?"),
    ("{from_map: lan_party, level: 1}", "unknown key 'level' in a from_map entry"),
    ("{from_map: lan_party}\n      - {variable: friendships, polarity: '+', strength: weak}",
     "acts on 'friendships' twice"),
])
def test_a_wrong_from_map_names_the_line(bank, entry, message):
    text = bank.read_text(encoding="utf-8")
    first = text[:text.index(LAN_PARTY)].count("\n") + 1   # the line of the entry put in LAN_PARTY's place
    bank.write_text(text.replace(LAN_PARTY, f"      - {entry}\n"), encoding="utf-8")
    with pytest.raises(MapFileError, match=message) as caught:
        load_ideas(bank, load_map(MAP))
    assert caught.value.line in (first, first + 1)


def test_from_map_refuses_an_action_whose_links_an_idea_cannot_push(tmp_path, bank):
    copy = Path(shutil.copy(MAP, tmp_path / "map.yaml"))
    with edit_map(copy) as cmap:
        for target in ("friendships", "community_participation", "meeting_places"):
            cmap.remove_link("lan_party", target)
    bank.write_text(bank.read_text(encoding="utf-8").replace(LAN_PARTY, "      - {from_map: lan_party}\n"),
                    encoding="utf-8")
    with pytest.raises(MapFileError, match="no link out of 'lan_party' with polarity"):
        load_ideas(bank, load_map(copy))


def test_check_passes_on_the_shipped_bank_and_finds_a_drifted_idea(bank):
    clean = gmb("ideas", "check", MAP, bank, "--lang", "en")
    assert clean.exit_code == 0, clean.output
    assert "  Safe bike paths to and from school: copies the map's links of safe_bike_paths, unchanged" in clean.output
    assert "its own effects" in clean.output and "DRIFTED" not in clean.output
    assert gmb("ideas", "check", MAP, "--ideas", bank).exit_code == 0          # the --ideas form of 'ideas rank'

    text = bank.read_text(encoding="utf-8")
    text = text.replace('{variable: parental_worry, polarity: "-", strength: weak}',
                        '{variable: parental_worry, polarity: "+", strength: weak}')
    text = text.replace('{variable: meeting_places, polarity: "+", strength: weak}\n    feasibility: 4\n    cost: low\n'
                        '    working_group: {da: Unge',
                        '{variable: screen_time, polarity: "+", strength: weak}\n    feasibility: 4\n    cost: low\n'
                        '    working_group: {da: Unge')
    text = text.replace('{variable: outdoor_play, polarity: "+", strength: medium}\n      - {variable: meeting',
                        '{variable: outdoor_play, polarity: "+", strength: 0.7}\n      - {variable: meeting')
    bank.write_text(text, encoding="utf-8")
    drifted = gmb("ideas", "check", MAP, bank, "--lang", "en")
    assert drifted.exit_code == 1
    line = text[:text.index("  safe_bike_paths:")].count("\n") + 1
    assert f"  Safe bike paths to and from school: DRIFTED from the map's links of safe_bike_paths (line {line}):\n" \
           "    - parental_worry: polarity +, the map says -\n" in drifted.output
    assert "    - outdoor_play: strength 0.7, the map says medium\n" in drifted.output
    assert "    - lacks the map's link lan_party → meeting_places (+, weak)\n" \
           "    - pushes screen_time, but the map's link lan_party → screen_time is undecided (?)\n" in drifted.output
    assert drifted.output.endswith("3 of 9 ideas differ from the map: give them "
                                   "'gmb ideas set MAP IDEAS ID --from-map ACTION' to follow it\n")
    rows = json.loads(gmb("ideas", "check", MAP, bank, "--json").stdout)["ideas"]
    assert [r["status"] for r in rows][:3] == ["drifted", "drifted", "matches"]

    fixed = gmb("ideas", "set", MAP, bank, "safe_bike_paths", "--from-map", "safe_bike_paths")
    assert fixed.output == "updated idea safe_bike_paths: acts_on\n"
    rows = json.loads(gmb("ideas", "check", MAP, bank, "--json").stdout)["ideas"]
    assert rows[0]["status"] == "from_map" and rows[0]["differences"] == []


def test_leverage_ranks_a_from_map_idea_as_its_hand_copy(bank):
    assert gmb("ideas", "set", MAP, bank, "lan_party", "--from-map", "lan_party").exit_code == 0
    assert "      - {from_map: lan_party}\n" in bank.read_text(encoding="utf-8")
    args = ["--samples", 20, "--seed", 3, "--json", "--workers", 1]
    mapped = gmb("leverage", MAP, "--ideas", bank, *args)
    copied = gmb("leverage", MAP, "--ideas", IDEAS, *args)
    assert mapped.exit_code == 0, mapped.output
    assert json.loads(mapped.stdout)["candidates"] == json.loads(copied.stdout)["candidates"]


def test_add_set_and_list(bank):
    before = bank.read_text(encoding="utf-8")
    added = gmb("ideas", "add", MAP, bank, "sports_day", "--title", "Idrætsdag", "--title-en", "Sports day",
                "--feasibility", 4, "--cost", 2000, "--acts-on", "Fritidsaktiviteter", "+", "weak",
                "--acts-on", "screen_time", "-", 0.2, "--switch-on", "lake_trail")
    assert added.exit_code == 0, added.output
    after = bank.read_text(encoding="utf-8")
    assert after.startswith(before) and after[len(before):] == (
        "  sports_day:\n"
        "    title: {da: Idrætsdag, en: Sports day}\n"
        "    acts_on:\n"
        '      - {variable: leisure_activities, polarity: "+", strength: weak}\n'
        '      - {variable: screen_time, polarity: "-", strength: 0.2}\n'
        "      - {variable: lake_trail, level: 1}\n"
        "    feasibility: 4\n"
        "    cost: 2000\n")
    assert gmb("ideas", "set", MAP, bank, "sports_day", "title.en=No", "working_group=Unge", "cost=null").exit_code == 0
    idea = load_ideas(bank, load_map(MAP)).idea("sports_day")
    assert idea.title == {"da": "Idrætsdag", "en": "No"} and idea.working_group == "Unge" and idea.cost is None
    listed = gmb("ideas", "list", MAP, bank, "--lang", "en")
    assert listed.exit_code == 0
    assert ("  sports_day: No  [feasibility 4]  → Leisure activities (+weak), Screen time (-0.2), "
            "Re-established lake trail (level 1)") in listed.output
    rows = json.loads(gmb("ideas", "list", MAP, bank, "--json").stdout)["ideas"]
    assert len(rows) == 10 and rows[0]["acts_on"][0] == {"variable": "active_transport", "polarity": "+",
                                                          "strength": "strong"}


def test_a_bank_made_from_nothing(tmp_path):
    fresh = tmp_path / "ideas.yaml"
    assert gmb("ideas", "add", MAP, fresh, "lan", "--title", "LAN", "--feasibility", 3, "--from-map",
               "lan_party").exit_code == 0
    assert load_ideas(fresh, load_map(MAP)).idea("lan").effects[0].from_map == "lan_party"


@pytest.mark.parametrize("args, message", [
    (["set", "lan_prty", "feasibility=3"], "no idea 'lan_prty'; did you mean 'lan_party'?"),
    (["set", "lan_party", "feasability=3"], "an idea has no key 'feasability'; did you mean 'feasibility'?"),
    (["set", "lan_party", "feasibility=9"], "feasibility 9 must be a whole number from 1"),
    (["set", "lan_party", "title=null"], "every idea has a title"),
    (["set", "lan_party", "--from-map", "screen_time"], "'screen_time' is not one"),
    (["set", "lan_party", "--acts-on", "lake_trail", "+", "weak"], "is an action of the map"),
    (["set", "lan_party", "--acts-on", "screen_time", "up", "weak"], "polarity 'up' must be + or -"),
    (["set", "lan_party"], "give KEY=VALUE pairs or effect options"),
    (["add", "lan_party", "--title", "X", "--feasibility", "3", "--from-map", "lan_party"], "exists already"),
    (["add", "cafe", "--title", "X", "--feasibility", "3"], "say what the idea acts on"),
    (["add", "cafe", "--title", "X", "--feasibility", "3", "--acts-on", "screen_tme", "+", "weak"],
     "did you mean 'screen_time'"),
])
def test_a_refused_edit_leaves_the_bank_byte_identical(bank, args, message):
    before = bank.read_bytes()
    result = gmb("ideas", args[0], MAP, bank, *args[1:])
    assert result.exit_code == 2
    assert message in result.output and result.output.startswith("error: ") and result.output.count("\n") == 1
    assert bank.read_bytes() == before
    assert sorted(p.name for p in bank.parent.iterdir()) == ["ideas.yaml"]


def test_an_edit_keeps_comments_and_the_check_needs_the_bank_once(bank):
    assert gmb("ideas", "set", MAP, bank, "leisure_pass", "feasibility=3").exit_code == 0
    before, after = IDEAS.read_text(encoding="utf-8"), bank.read_text(encoding="utf-8")
    assert after == before.replace("    feasibility: 2\n    cost: 40000", "    feasibility: 3\n    cost: 40000")
    both = gmb("ideas", "check", MAP, bank, "--ideas", bank)
    assert both.exit_code == 2 and "give the idea bank once" in both.output


@pytest.mark.parametrize("name", ["add", "set", "list", "check"])
def test_every_help_example_runs_on_a_copy_of_the_shipped_example(tmp_path, name):
    text = gmb("ideas", name, "--help").output
    args = shlex.split(text.split("Example:", 1)[1].split("\n\n")[0].replace("\\\n", " "))[1:]
    copy = str(shutil.copy(IDEAS, tmp_path / "ideas.yaml"))
    args = [str(MAP) if a == "models/havndal.yaml" else copy if a == "workshops/havndal/ideas.yaml" else a
            for a in args]
    assert copy in args and str(MAP) in args
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, (name, result.output)
