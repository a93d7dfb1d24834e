"""Issue 13 item 6: results say what they are, and Danish results use Danish numbers.

The ``gmb simulate`` table, ``summary.csv``, the outcome PNG and the HTML charts (in a real headless
Chromium, both languages) carry the caveat in the map's language (or ``--lang``); effects are shown
with two significant figures, Danish with a decimal comma and "12 %"; ``results.csv`` stays tidy.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map, save_map
from gmb.render.leverage_plots import figure_texts
from gmb.render.numbers import fixed, percent, plain, share, significant
from gmb.render.plots import outcome_figure
from gmb.render.wording import CAVEAT
from gmb.sd.scenarios import load_scenarios
from gmb.sd.simulate import simulate
from gmb.sd.spec import build_spec

SCENARIOS = """\
horizon: 24
scenarios:
  sleep: {label: {da: Mere søvn, en: More sleep}, interventions: [{push: sleep, by: 0.1}]}
"""


def sleep_map(path: Path, languages=("da", "en")) -> Path:
    cmap = CausalMap.new("Trivsel", list(languages))
    cmap.add_variable("sleep", {"da": "Søvn", "en": "Sleep"}, adjust_time=1)
    cmap.add_variable("mood", {"da": "Humør", "en": "Mood"}, adjust_time=1)
    cmap.add_link("sleep", "mood", "+", strength="strong")
    cmap.set_outcome(["mood"])
    save_map(cmap, path)
    (path.parent / "s.yaml").write_text(SCENARIOS, encoding="utf-8")
    return path


def simulate_cli(folder: Path, *args):
    return CliRunner().invoke(main, ["simulate", str(folder / "m.yaml"), "--scenarios", str(folder / "s.yaml"),
                                     *map(str, args)])


# -- numbers ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("call, danish, english", [
    (lambda lang: significant(0.04712, lang, sign=True), "+0,047", "+0.047"),
    (lambda lang: significant(-0.000123456, lang), "-0,00012", "-0.00012"),
    (lambda lang: significant(1234567, lang), "1.200.000", "1,200,000"),
    (lambda lang: percent(12.3, lang), "12 %", "12%"),
    (lambda lang: percent(-0.456, lang, sign=True), "-0,46 %", "-0.46%"),
    (lambda lang: fixed(1234.5678, 2, lang), "1.234,57", "1,234.57"),
    (lambda lang: fixed(-0.0001, 2, lang, sign=True), "0,00", "0.00"),          # no "-0,00"
    (lambda lang: plain(0.025, lang), "0,025", "0.025"),
    (lambda lang: share(0.004, lang), "<1 %", "<1%"),
], ids=["effect", "small negative", "thousands", "percent", "signed percent", "fixed", "minus zero", "tick",
        "share"])
def test_danish_numbers_use_a_decimal_comma_a_thousands_point_and_a_spaced_percent(call, danish, english):
    assert call("da") == danish and call("en") == english


# -- the simulate table and its files --------------------------------------------------------------
def test_the_table_carries_the_caveat_and_two_figure_effects_in_the_map_s_language(tmp_path):
    sleep_map(tmp_path / "m.yaml")
    danish = simulate_cli(tmp_path)
    assert danish.exit_code == 0, danish.output
    title, caveat, header, row = danish.stdout.splitlines()[:4]     # then how to read it (tests/test_simulate_band.py)
    assert title.startswith("Humør efter 24 måneder (udgangspunkt 1;") and caveat == CAVEAT["da"]
    assert header.split() == ["scenarie", "værdi", "ændring", "ændring", "%"]
    # long run: 1 + 0.75 × 0.1 (almost there after 24 months with τ = 1)
    assert row.split() == ["Mere", "søvn", "1,075", "+0,075", "+7,5", "%"]
    english = simulate_cli(tmp_path, "--lang", "en")
    assert CAVEAT["en"] in english.stdout.splitlines()
    assert english.stdout.splitlines()[3].split() == ["More", "sleep", "1.075", "+0.075", "+7.5%"]


def test_an_english_map_gets_the_english_caveat_whatever_it_contains(tmp_path):
    sleep_map(tmp_path / "m.yaml", languages=("en",))
    result = simulate_cli(tmp_path)
    assert result.exit_code == 0 and result.stdout.splitlines()[1] == CAVEAT["en"]


def test_summary_csv_carries_a_note_column_and_results_csv_stays_tidy(tmp_path):
    sleep_map(tmp_path / "m.yaml")
    assert simulate_cli(tmp_path, "-o", tmp_path / "out").exit_code == 0
    text = (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8-sig")
    summary = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert list(summary[0]) == ["udfald-id", "udfald", "scenarie-id", "scenarie", "udgangspunkt", "værdi", "ændring",
                                "ændring %", "note"]
    assert [row["note"] for row in summary] == [CAVEAT["da"]]
    assert summary[0]["ændring"] == "+0,075"                                      # as the table shows it
    results = (tmp_path / "out" / "results.csv").read_text(encoding="utf-8-sig")
    assert results.startswith("scenario,time,variable,value\n") and "prognose" not in results
    # a second run into the same folder replaces the files (the header is gmb's own, in another language)
    assert simulate_cli(tmp_path, "-o", tmp_path / "out", "--lang", "en").exit_code == 0
    english = list(csv.DictReader(io.StringIO((tmp_path / "out" / "summary.csv").read_text(encoding="utf-8-sig"))))
    assert [row["note"] for row in english] == [CAVEAT["en"]] and english[0]["change"] == "+0.075"


def test_the_outcome_picture_says_what_it_is_with_danish_ticks(tmp_path):
    path = sleep_map(tmp_path / "m.yaml")
    cmap = load_map(path)
    spec = build_spec(cmap)
    results = simulate(spec, load_scenarios(tmp_path / "s.yaml", cmap, spec), ["mood"], engine="numpy")
    danish = figure_texts(outcome_figure(results, cmap, "mood", "da"))
    assert CAVEAT["da"] in danish and CAVEAT["en"] not in danish
    assert any("," in text and text.replace(",", "").isdigit() for text in danish)       # e.g. 1,02 on the axis
    assert not any("." in text and text.replace(".", "").isdigit() for text in danish)
    english = figure_texts(outcome_figure(results, cmap, "mood", "en"))
    assert CAVEAT["en"] in english


# -- the page, in Chromium -------------------------------------------------------------------------
def test_the_page_s_charts_carry_the_caveat_and_danish_numbers_in_both_languages(tmp_path):
    pytest.importorskip("playwright")
    from test_html_browser import CHROMIUM, CHROMIUM_ARGS, Visit

    if not CHROMIUM.exists():
        pytest.skip("needs Debian's Chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    from gmb.render.html import write_html

    path = sleep_map(tmp_path / "m.yaml")
    assert simulate_cli(tmp_path, "-o", tmp_path / "out").exit_code == 0
    write_html(load_map(path), tmp_path / "page.html", results=tmp_path / "out", scenarios=tmp_path / "s.yaml")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = Visit(browser, tmp_path / "page.html")
        try:
            caveat = "document.querySelector('#chart-list .caveat').textContent"
            changes = "Array.from(document.querySelectorAll('#chart-list .key .change')).map(s => s.textContent)"
            values = "Array.from(document.querySelectorAll('#chart-list .key .value')).map(s => s.textContent)"
            assert page.js(caveat) == CAVEAT["da"]
            assert page.js(changes) == ["(+0,075)"] and page.js(values) == ["1,07", "1"]
            ticks = page.js("Array.from(document.querySelectorAll('#chart-list svg text')).map(t => t.textContent)")
            assert any("," in tick for tick in ticks) and not any("." in tick for tick in ticks)
            page.page.click("#languages button[data-lang='en']")
            assert page.js(caveat) == CAVEAT["en"]
            assert page.js(changes) == ["(+0.075)"] and page.js(values) == ["1.07", "1"]
            assert page.errors == [] and page.requests == [page.url]
        finally:
            page.close()
            browser.close()
