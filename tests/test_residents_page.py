"""The residents' page as a resident meets it, in a real headless Chromium (issue 16, issue 14 item 6).

At phone size (390×844, touch) and laptop size: the first-visit guide is there and grammatical, labels
are legible, a one-finger swipe scrolls the page without moving the map, story mode steps through every
named loop, play mode colours the map over time, the URL fragment restores where a reader was, the
print is a few A4 pages with the legend, axe-core finds nothing, and on a map with segments the charts
show each group of children and say in words whether the gap grows. Screenshots go to ``tmp_path`` (or
``$GMB_SCREENSHOTS``) for review.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_html_browser import CHROMIUM, CHROMIUM_ARGS, EXAMPLE, HOSTILE_FLAG, HOSTILE_SCRIPT, loop_map

from gmb.analysis.loops import name_loop
from gmb.cli import main
from gmb.maps.store import load_map
from gmb.render.html import write_html

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "workshops" / "havndal" / "scenarios.yaml"
RECORD = ROOT / "workshops" / "havndal"
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
LAPTOP = {"viewport": {"width": 1366, "height": 850}}

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() or not EXAMPLE.exists(),
                                reason="needs /usr/bin/chromium and the example map")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """The example page as the README makes it: simulated scenarios, the workshop record, play mode."""
    folder = tmp_path_factory.mktemp("havndal")
    run = CliRunner().invoke(main, ["simulate", str(EXAMPLE), "--scenarios", str(SCENARIOS), "-o", str(folder)])
    assert run.exit_code == 0, run.output
    page = folder / "havndal.html"
    write_html(load_map(EXAMPLE), page, results=folder, scenarios=SCENARIOS, workshop=RECORD)
    return page


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("GMB_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(browser, path: Path, device: dict, fragment: str = "", **extra):
    context = browser.new_context(**device, **extra)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri() + fragment)
    page.wait_for_selector("body[data-ready='1']", timeout=20_000)
    return context, page, errors


def test_first_visit_guide_is_visible_and_grammatical_on_a_phone(browser, example, shots):
    context, page, errors = open_page(browser, example, PHONE)
    try:
        page.screenshot(path=str(shots / "phone_first_view.png"))
        guide = page.locator("#guide")
        assert guide.is_visible() and guide.bounding_box()["y"] < 844
        assert page.locator("#start-story").is_visible() and page.locator("#start-story").bounding_box()["y"] < 844
        text = page.inner_text("#guide")
        assert "Kortet er et årsagsdiagram" in text and "variabel" in text and "feedback-løkke" in text
        # how to read an arrow, from arrows of the map itself, and a loop told with the verb after the noun
        assert "Når selvværd stiger, stiger børns mentale sundhed." in text
        assert "Når ensomhed stiger, falder børns mentale sundhed." in text
        assert re.search(r"R1\s+Børns mentale sundhed stiger → .* — en forstærkende løkke", text)
        assert not re.search(r"\b(mere|mindre) (venskaber|fritidsaktiviteter)", page.inner_text("body"))
        page.click("#guide .sessions-box summary")
        assert "24. januar 2023: 25 deltagere (11 beboere, 6 lokale ledere" in page.inner_text("#guide")
        # the map opens on the outcome with labels of at least 12 CSS px
        page.locator(".stage").scroll_into_view_if_needed()
        assert page.evaluate("window.gmb.smallestLabelPx()") >= 12
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # the legend is one tap away, as a sheet on the screen
        page.click("#legend-button")
        box = page.locator("#legend-box").bounding_box()
        assert box and box["y"] + box["height"] <= 844 + 1 and page.locator("#legend").is_visible()
        page.screenshot(path=str(shots / "phone_legend.png"))
        page.click("#languages button[data-lang='en']")
        assert "When self-esteem goes up, children's mental health goes up." in page.inner_text("#guide")
        assert errors == []
    finally:
        context.close()


def swipe(page, x: float, y0: float, y1: float, steps: int = 8) -> None:
    """A one-finger swipe as the touch screen sends it (Chromium scrolls the page from it)."""
    cdp = page.context.new_cdp_session(page)
    point = lambda y: [{"x": x, "y": y, "id": 1}]  # noqa: E731
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": point(y0)})
    for i in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": point(y0 + (y1 - y0) * i / steps)})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(400)


def test_a_one_finger_swipe_on_the_map_scrolls_the_page_and_moves_nothing(browser, example):
    context, page, errors = open_page(browser, example, PHONE)
    try:
        top = page.evaluate("document.getElementById('network').getBoundingClientRect().top + window.scrollY")
        page.evaluate(f"window.scrollTo(0, {top} - 60)")
        page.wait_for_timeout(200)
        before = page.evaluate("[window.scrollY, window.gmb.network.getPositions(), window.gmb.network.getViewPosition()]")
        # start on the outcome itself: a drag there must not move it
        at = page.evaluate("(() => { const id = window.gmb.data.outcome[0], p = window.gmb.network.canvasToDOM("
                           "window.gmb.network.getPositions([id])[id]), r = document.getElementById('network')"
                           ".getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; })()")
        swipe(page, at[0], at[1], at[1] - 300)
        after = page.evaluate("[window.scrollY, window.gmb.network.getPositions(), window.gmb.network.getViewPosition()]")
        assert after[0] > before[0] + 100          # the page scrolled
        assert after[1] == before[1]               # no variable moved
        assert after[2] == before[2]               # nor did the view
        # in full screen the map is free to move with a finger
        page.evaluate("window.scrollTo(0, 0)")
        page.click("#fullscreen")
        assert page.evaluate("getComputedStyle(document.querySelector('#network canvas')).touchAction") == "none"
        page.click("#fullscreen")
        assert errors == []
    finally:
        context.close()


def test_story_mode_steps_through_every_named_loop_and_highlights_it(browser, tmp_path, shots):
    cmap = loop_map()
    names = {name_loop(cmap, "screen_time > sleep > tired", "Skærmen holder dig vågen", "da").id: "R1",
             name_loop(cmap, "tired > rest", "Hvile hjælper", "da").id: "B1"}
    path = tmp_path / "story.html"
    write_html(cmap, path)
    for device, name in ((LAPTOP, "laptop"), (PHONE, "phone")):
        context, page, errors = open_page(browser, path, device)
        try:
            page.click("#start-story")
            seen = []
            for step in range(len(names)):
                loop = page.evaluate("window.gmb.data.loops.find(l => l.id === window.gmb.story.ids[window.gmb.story.step])")
                on = {e["id"] for e in page.evaluate("window.gmb.edges.get()") if e["gmb"] == "on"}
                assert on == set(loop["links"])
                assert page.inner_text("#story-title").startswith(names[loop["id"]] + " ")
                assert page.inner_text("#story-count") == f"Løkke {step + 1} af 2"
                seen.append(loop["id"])
                page.screenshot(path=str(shots / f"{name}_story_{step + 1}.png"))
                if step < len(names) - 1:
                    page.click("#story-next")
            assert seen == list(names) and page.is_disabled("#story-next")
            page.click("#story-prev")
            assert page.evaluate("window.gmb.story.step") == 0 and "story=1" in page.evaluate("location.hash")
            assert errors == []
        finally:
            context.close()


def test_play_mode_colours_the_map_over_time_for_an_action(browser, example, shots):
    for device, name in ((LAPTOP, "laptop"), (PHONE, "phone")):
        context, page, errors = open_page(browser, example, device)
        try:
            page.click("#mode-play")
            page.select_option("#play-choice", "craft_cafe")
            colour = "window.gmb.nodes.get('{v}').color.background"
            page.evaluate("window.gmb.showFrame(0)")
            start = {v: page.evaluate(colour.format(v=v)) for v in ("intergenerational_contact", "children_mental_health")}
            page.evaluate("window.gmb.showFrame(window.gmb.data.play.times.length - 1)")
            end = {v: page.evaluate(colour.format(v=v)) for v in ("intergenerational_contact", "children_mental_health")}
            assert all(start[v] != end[v] for v in start)
            assert page.evaluate("window.gmb.nodes.get('children_mental_health').gmb") == "up"
            assert re.match(r"Efter 10 år: Børns mentale sundhed stiger 0,\d+ i forhold til uden skub\.",
                            page.inner_text("#play-now"))
            if device is PHONE:  # the outcome above the sheet, not the whole map at a few pixels
                assert page.evaluate("window.gmb.smallestLabelPx()") >= 12
                at = page.evaluate("window.gmb.network.canvasToDOM(window.gmb.network.getPositions("
                                   "['children_mental_health'])['children_mental_health'])")
                stage, sheet = page.locator("#network").bounding_box(), page.locator("#play").bounding_box()
                assert 0 <= at["x"] <= stage["width"] and 0 <= stage["y"] + at["y"] <= sheet["y"]
            page.screenshot(path=str(shots / f"{name}_play.png"))
            # the numbers are the numpy engine's, precomputed when the page was built
            assert page.evaluate("window.gmb.data.play.runs.craft_cafe.kind") == "action"
            assert errors == []
        finally:
            context.close()


def test_on_a_phone_the_story_buttons_stay_in_reach_however_long_the_loop(browser, example, shots):
    """The example's loops are long: the sheet scrolls, its Forrige/Næste row stays on the screen (a
    small phone, 667 px high)."""
    small = {**PHONE, "viewport": {"width": 375, "height": 667}}
    context, page, errors = open_page(browser, example, small)
    try:
        page.click("#start-story")
        steps = page.evaluate("window.gmb.story.ids.length")
        assert steps > 1
        for step in range(steps):
            box = page.locator("#story-next").bounding_box()
            assert 0 <= box["y"] and box["y"] + box["height"] <= small["viewport"]["height"], (step, box)
            page.screenshot(path=str(shots / f"phone_example_story_{step + 1}.png"))
            if step < steps - 1:
                page.locator("#story-next").click()
        # the sentence that says the loops were chosen by gmb is said once, on the first step
        assert page.inner_text("#story-count") == f"Løkke {steps} af {steps}"
        assert errors == []
    finally:
        context.close()


def test_the_url_fragment_opens_the_page_where_it_was_left(browser, example):
    context, page, errors = open_page(browser, example, LAPTOP)
    try:
        page.click("#start-story")
        page.click("#story-next")
        page.click("#languages button[data-lang='en']")
        link = page.evaluate("location.hash")
        assert "lang=en" in link and "story=2" in link
    finally:
        context.close()
    context, page, errors = open_page(browser, example, PHONE, link)
    try:
        assert page.evaluate("[document.documentElement.lang, window.gmb.story.active, window.gmb.story.step]") == \
            ["en", True, 1]
        assert page.inner_text("#story-count").startswith("Loop 2 of 5")
    finally:
        context.close()
    context, page, errors = open_page(browser, example, LAPTOP, "#lang=da&var=sleep&guide=0")
    try:
        assert page.inner_text("#details h3") == "Søvn" and page.is_hidden("#guide")
        assert errors == []
    finally:
        context.close()


def test_print_is_at_most_four_a4_pages_with_the_map_legend_stories_and_charts(browser, example, shots):
    context, page, errors = open_page(browser, example, LAPTOP)
    try:
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # what the browser does on Ctrl+P
        page.emulate_media(media="print")
        for shown in ("#print-map", "#legend", "#print-stories", "#chart-list", "#gap-charts"):
            assert page.locator(shown).is_visible(), shown
        assert page.evaluate("getComputedStyle(document.getElementById('print-map')).backgroundImage").startswith(
            'url("data:image/png')
        for hidden in ("#guide", ".toolbar", "#text-version", "#all-loops"):
            assert not page.locator(hidden).is_visible(), hidden
        pdf = page.pdf(format="A4", print_background=True)
        (shots / "print.pdf").write_bytes(pdf)
        pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
        assert 1 <= pages <= 4
    finally:
        context.close()


def test_axe_core_finds_no_violations_and_focus_and_inputs_contrast(browser, example):
    axe = pytest.importorskip("axe_playwright_python")
    source = (Path(axe.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    for device in (LAPTOP, PHONE):
        context, page, errors = open_page(browser, example, device, bypass_csp=True)
        try:
            page.evaluate(source)
            for action in ("", "#start-story", "#mode-play"):
                if action:
                    page.click(action)
                found = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                                      ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))")
                assert found == [], (action, found)
            ratios = page.evaluate("""(() => {
                const rgb = s => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
                const lum = c => { const v = c.map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
                                   return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
                const ratio = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
                const search = document.getElementById('search');
                search.focus({focusVisible: true});
                const focus = getComputedStyle(search).outlineColor;
                return {input: ratio(getComputedStyle(search).borderTopColor, 'rgb(255,255,255)'),
                        focusOnCard: ratio(focus, 'rgb(255,255,255)'), focusOnPage: ratio(focus, 'rgb(246,245,241)')};
            })()""")
            assert min(ratios.values()) >= 3, ratios
        finally:
            context.close()


def test_charts_show_each_group_of_children_and_the_gap_in_words(browser, example, shots):
    context, page, errors = open_page(browser, example, LAPTOP)
    try:
        chart = page.locator("#gap-charts figure.gap-chart")
        assert chart.count() == 1 and chart.is_visible()
        lines = page.evaluate("Array.from(document.querySelectorAll('#gap-charts polyline.segment-line'))"
                              ".map(l => [l.dataset.segment, l.getAttribute('stroke'), l.getAttribute('stroke-dasharray')])")
        assert sorted(lines, key=str) == [["exposed", "#d55e00", "4 4"], ["exposed", "#d55e00", None],
                                          ["others", "#0072b2", "4 4"], ["others", "#0072b2", None]]
        sentences = page.evaluate("Array.from(document.querySelectorAll('#gap-charts .gap-list .sentence'))"
                                  ".map(s => s.textContent)")
        assert len(sentences) == 10
        assert all(re.fullmatch(r"Forskellen mellem børn i socialt udsatte familier og øvrige børn bliver "
                                r"(mindre|større|uændret)\.", s) for s in sentences)
        assert {"mindre", "større"} <= {s.split()[-1].rstrip(".") for s in sentences}
        keys = page.inner_text("#gap-charts .key")
        assert "Børn i socialt udsatte familier" in keys and "Øvrige børn" in keys
        # the outcome chart: no forecast, "1 = i dag", years, Danish numbers
        assert "ikke en prognose" in page.inner_text("#chart-list")
        assert page.inner_text("#chart-list figcaption") == "Ved slutningen (efter 10 år), højeste først:"
        assert "1 = i dag" in page.evaluate("document.querySelector('#chart-list svg').textContent")
        chart.scroll_into_view_if_needed()
        chart.screenshot(path=str(shots / "laptop_gap_chart.png"))
        page.click("#languages button[data-lang='en']")
        english = page.inner_text("#gap-charts .gap-list")
        assert "The gap between children in socially exposed families and other children becomes" in english
        assert errors == []
    finally:
        context.close()


def test_a_map_without_segments_has_no_group_charts_and_hostile_text_stays_inert(browser, tmp_path):
    cmap = loop_map()
    loop = name_loop(cmap, "screen_time > sleep > tired", HOSTILE_SCRIPT, "da")
    cmap.set_link("tired", "screen_time", {"source": {"workshop": HOSTILE_FLAG, "group": HOSTILE_SCRIPT,
                                                      "quote": HOSTILE_FLAG}})
    results = tmp_path / "sim"
    results.mkdir()
    (results / "results.csv").write_text("scenario,time,variable,value\nbaseline,0,sleep,1\nbaseline,12,sleep,1\n"
                                         "rules,0,sleep,1\nrules,12,sleep,1.2\n", encoding="utf-8")
    path = tmp_path / "page.html"
    write_html(cmap, path, results=results)
    context, page, errors = open_page(browser, path, LAPTOP, "#loop=" + loop.id)
    try:
        page.add_init_script("window.__pwned = undefined")
        assert page.is_hidden("#gap-charts") and page.locator("#chart-list figure").count() == 1
        page.click("#start-story")
        page.evaluate("window.gmb.select({type: 'variable', id: 'tired'})")
        page.click("#mode-play")
        assert page.evaluate("window.__pwned === undefined && document.querySelectorAll('img').length === 0")
        body = page.inner_text("body")
        assert HOSTILE_SCRIPT in body and HOSTILE_FLAG in body
        assert errors == []
    finally:
        context.close()
