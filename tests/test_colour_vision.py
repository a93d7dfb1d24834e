"""Theme colours stay apart for readers with protanopia and deuteranopia (issue 16, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.maps.store import load_map
from gmb.render.colour_vision import APART, VISIONS, distance, look_alike
from gmb.render.style import NO_THEME_COLOR, THEME_PALETTE, theme_colors

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "models" / "havndal.yaml"


def test_the_simulation_keeps_grey_grey_and_folds_red_onto_green():
    # a grey is seen as the same grey in every vision; pure red and green, far apart for most readers,
    # come close with either red-green blindness
    for vision in VISIONS:
        assert distance("#808080", "#808080", vision) == 0
    assert distance("#ff0000", "#00aa00") > 80
    assert distance("#cc3311", "#777700", "protanopia") < distance("#cc3311", "#777700") / 3


def test_the_palette_and_the_grey_of_no_theme_stay_apart_in_every_vision():
    colors = {color: color for color in (*THEME_PALETTE, NO_THEME_COLOR)}
    assert look_alike(colors) == []
    assert min(distance(a, b, v) for a in colors for b in colors if a != b for v in VISIONS) >= APART


def test_the_example_map_uses_colours_every_reader_tells_apart():
    assert look_alike(theme_colors(load_map(EXAMPLE))) == []


def test_a_pair_that_only_normal_vision_tells_apart_is_named_with_the_vision():
    found = look_alike({"food": "#d1495b", "family": "#8d6e63", "sport": "#0072b2"})
    assert found == [("food", "family", "protanopia")]
    assert distance("#d1495b", "#8d6e63") > 2 * APART  # far apart for most readers


@pytest.mark.parametrize("color, warned", [("#8d6e63", True), ("#332288", False)])
def test_gmb_html_warns_when_two_themes_look_alike(tmp_path, color, warned):
    text = EXAMPLE.read_text(encoding="utf-8")
    food = next(line for line in text.splitlines() if line.startswith("  food: "))
    family = next(line for line in text.splitlines() if line.startswith("  family_everyday: "))
    changed = text.replace(food, food.replace(theme_colors(load_map(EXAMPLE))["food"], "#d1495b")).replace(
        family, family.replace(theme_colors(load_map(EXAMPLE))["family_everyday"], color))
    (tmp_path / "map.yaml").write_text(changed, encoding="utf-8")
    result = CliRunner().invoke(main, ["html", str(tmp_path / "map.yaml"), "-o", str(tmp_path / "map.html")])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    if warned:
        expected = (f"warning: {tmp_path / 'map.yaml'}: the colours of themes 'food' and 'family_everyday' look "
                    "alike with protanopia; the symbols in the dots still tell them apart; to keep the colours apart "
                    "too, set the color: of theme 'family_everyday' in the map to one of " + ", ".join(THEME_PALETTE[:6]))
        assert expected in warnings
        assert all("'family_everyday'" in line for line in warnings)  # brown also nears the map's green
    else:
        assert warnings == []
    assert (tmp_path / "map.html").exists()
