"""Issue 13 item 4: leverage ranked by the size of the effect, with the way to push, actions apart from states.

A map where less loneliness helps: loneliness must rank by how much pushing it *down* helps ("mindsk"),
not last; the workshop's actions are listed first, on their own; the analysts' files keep the signed
numbers beside the new columns; the picture shows bars by size with the way to push.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.leverage.ideas import load_ideas, rank_ideas
from gmb.leverage.ranking import leverage
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import save_map
from gmb.outputs.leverage_files import COLUMNS
from gmb.render.leverage_plots import effects_figure, figure_texts
from gmb.render.wording import CAVEAT


def lonely_map() -> CausalMap:
    """wellbeing ← loneliness (−, strong), ← friends (+, weak); a club (action) makes friends (+, medium);
    adverts (action) raise loneliness (+, weak), so doing them hurts."""
    cmap = CausalMap.new("Trivsel", ["da", "en"])
    for var, da, en in (("loneliness", "Ensomhed", "Loneliness"), ("friends", "Venner", "Friends"),
                        ("wellbeing", "Trivsel", "Well-being")):
        cmap.add_variable(var, {"da": da, "en": en}, adjust_time=2)
    cmap.add_variable("club", {"da": "Klub", "en": "Club"}, kind="action")
    cmap.add_variable("adverts", {"da": "Reklamer", "en": "Adverts"}, kind="action")
    cmap.add_link("loneliness", "wellbeing", "-", strength="strong")
    cmap.add_link("friends", "wellbeing", "+", strength="weak")
    cmap.add_link("club", "friends", "+", strength="medium")
    cmap.add_link("adverts", "loneliness", "+", strength="weak")
    cmap.set_outcome(["wellbeing"])
    return cmap


@pytest.fixture(scope="module")
def table():
    return leverage(lonely_map(), samples=60, seed=1, horizon=36, workers=1).table()


def test_pushing_down_what_hurts_is_ranked_by_size_with_decrease(table):
    states = [row for row in table if row["group"] == "state"]
    assert [row["id"] for row in states] == ["loneliness", "friends"]        # not last because it hurts
    lonely = states[0]
    assert lonely["direction"] == "decrease" and lonely["rank"] == 1 and lonely["magnitude_rank"] == 1
    assert lonely["median"] < 0 < lonely["effect"] == -lonely["median"]      # signed kept, effect the way to push
    assert lonely["effect_p05"] == pytest.approx(-lonely["p95"]) and lonely["effect_p95"] == pytest.approx(-lonely["p05"])
    assert lonely["p_direction"] == 1.0 and lonely["p_positive"] == 0.0


def test_actions_come_first_as_their_own_ranking(table):
    assert [(row["group"], row["rank"]) for row in table] == [("action", 1), ("action", 2), ("state", 1), ("state", 2)]
    actions = {row["id"]: row for row in table if row["group"] == "action"}
    assert set(actions) == {"club", "adverts"} and {row["kind"] for row in actions.values()} == {"action"}
    assert actions["adverts"]["direction"] == "decrease" and actions["club"]["direction"] == "increase"
    # magnitude_rank is over every candidate; the actions here are smaller than loneliness
    assert all(row["magnitude_rank"] > 1 for row in actions.values())


def test_the_danish_table_says_mindsk_and_undgå_with_decimal_commas(tmp_path):
    save_map(lonely_map(), tmp_path / "m.yaml")
    result = CliRunner().invoke(main, ["leverage", str(tmp_path / "m.yaml"), "--samples", "40", "--seed", "2",
                                       "--horizon", "36", "--workers", "1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == CAVEAT["da"]
    assert lines.index("Tiltag — hvad en arbejdsgruppe kan gøre") < lines.index(
        "Tilstande — betyder noget, hvis noget kan flytte dem")
    lonely = next(line for line in lines if "Ensomhed" in line)
    assert "mindsk" in lonely and "+0,0" in lonely and "100 %" in lonely
    assert "undgå" in next(line for line in lines if "Reklamer" in line)
    assert "P(rigtig retning)" in result.output and "P(>0)" not in result.output
    english = CliRunner().invoke(main, ["leverage", str(tmp_path / "m.yaml"), "--samples", "40", "--seed", "2",
                                        "--horizon", "36", "--workers", "1", "--lang", "en"])
    lonely = next(line for line in english.output.splitlines() if "Loneliness" in line)
    assert "decrease" in lonely and "+0.0" in lonely and CAVEAT["en"] in english.output
    assert "P(right direction)" in english.output


def test_files_keep_signed_full_precision_numbers_beside_the_new_columns(tmp_path):
    save_map(lonely_map(), tmp_path / "m.yaml")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["leverage", str(tmp_path / "m.yaml"), "--samples", "40", "--seed", "2",
                                       "--horizon", "36", "--workers", "1", "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    text = (out / "leverage.json").read_text(encoding="utf-8")
    report = json.loads(text)
    assert tuple(report["candidates"][0])[:len(COLUMNS)] == COLUMNS
    lonely = next(row for row in report["candidates"] if row["id"] == "loneliness")
    assert lonely["direction"] == "decrease" and lonely["kind"] == "index" and lonely["group"] == "state"
    assert lonely["median"] < 0 < lonely["effect"] and f'"median": {lonely["median"]!r},' in text   # repr, not rounded
    assert len(repr(lonely["median"])) > 8
    # the table for people: the same row in Danish words, the effect to two significant figures
    people = list(csv.DictReader(io.StringIO((out / "leverage.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    row = next(row for row in people if row["id"] == "loneliness")
    assert (row["gruppe"], row["retning"], row["navn"]) == ("tilstand", "mindsk", lonely["label"])
    assert float(row["effekt"].replace(",", ".")) == float(f"{lonely['effect']:.2g}")
    assert report["caveat"] == CAVEAT["da"] and report["language"] == "da"
    assert {c["id"] for c in report["candidates"][:2]} == {"club", "adverts"}         # the actions first


def test_the_picture_shows_bars_by_size_with_the_way_to_push_and_the_caveat(table, tmp_path):
    cmap = lonely_map()
    rows = [row | {"label": cmap.text(row["label"], "da")} for row in table]
    shown = figure_texts(effects_figure(rows, "Trivsel", horizon=36, samples=60, lang="da"))
    assert "Ensomhed (mindsk)" in shown and "Venner (øg)" in shown and "Reklamer (undgå)" in shown
    assert "Tiltag — hvad en arbejdsgruppe kan gøre" in shown and CAVEAT["da"] in shown
    effects = [t for t in shown if t.startswith("+0,")]
    assert len(effects) == len(rows)                                  # each bar's size, two figures, a comma
    figure = effects_figure(rows, "Trivsel", horizon=36, samples=60, lang="da")
    bars = [patch.get_width() for patch in figure.axes[0].patches]
    assert bars == [row["effect"] for row in rows] and all(width >= 0 for width in bars)
    english = figure_texts(effects_figure([row | {"label": cmap.text(row["label"], "en")} for row in table],
                                          "Well-being", horizon=36, samples=60, lang="en"))
    assert "Loneliness (decrease)" in english and "Adverts (avoid)" in english and CAVEAT["en"] in english


def test_ideas_are_actions_to_do_or_avoid(tmp_path):
    cmap = lonely_map()
    (tmp_path / "ideas.yaml").write_text(
        "ideas:\n"
        "  cafe: {title: Café, acts_on: [{variable: friends, polarity: '+', strength: medium}], feasibility: 3}\n"
        "  ads: {title: Reklamekampagne, acts_on: [{variable: loneliness, polarity: '+', strength: strong}],"
        " feasibility: 5}\n", encoding="utf-8")
    ranking = rank_ideas(cmap, load_ideas(tmp_path / "ideas.yaml", cmap), samples=30, seed=1, horizon=36,
                         pairs=False, workers=1)
    rows = {row["id"]: row for row in ranking.table()}
    assert {row["kind"] for row in rows.values()} == {"idea"} and {row["group"] for row in rows.values()} == {"action"}
    assert rows["ads"]["direction"] == "decrease" and rows["ads"]["rank"] == 1          # the largest, to avoid
    assert not rows["ads"]["pareto"] and rows["cafe"]["pareto"]           # easiest, but it hurts: not on the front
    save_map(cmap, tmp_path / "m.yaml")
    result = CliRunner().invoke(main, ["ideas", "rank", str(tmp_path / "m.yaml"), "--ideas",
                                       str(tmp_path / "ideas.yaml"), "--samples", "30", "--seed", "1",
                                       "--horizon", "36", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "undgå" in next(line for line in result.output.splitlines() if "Reklamekampagne" in line)
    assert "gennemfør" in next(line for line in result.output.splitlines() if "Café" in line)
