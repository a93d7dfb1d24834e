"""The interactive HTML page in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

The page must open from a file with no network request and no console error, draw exactly the
map's variables and links, highlight exactly a loop's arrows, switch language, and show hostile
labels as text without running them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gmb.analysis.loops import name_loop
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map
from gmb.render.html import write_html

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
EXAMPLE = Path(__file__).resolve().parent.parent / "models" / "havndal.yaml"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "</script><script>alert(1)</script>"
HOSTILE_FLAG = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install -y chromium)")


def loop_map() -> CausalMap:
    """Two loops worked out by hand: R = screen_time → sleep → tired (−, −, +) and B = tired ⇄ rest (+, −)."""
    cmap = CausalMap.new("Trivsel")
    cmap.add_theme("everyday", {"da": "Hverdag", "en": "Everyday life"}, color="#2a9d8f")
    for var, da, en in [("screen_time", "Skærmtid", "Screen time"), ("sleep", "Søvn", "Sleep"),
                        ("tired", "Træthed", "Tiredness"), ("rest", "Hvile", "Rest"),
                        ("rules", "Skærmregler", "Screen rules")]:
        cmap.add_variable(var, {"da": da, "en": en}, theme="everyday")
    cmap.add_link("screen_time", "sleep", "-")      # e1
    cmap.add_link("sleep", "tired", "-", delay=True)  # e2
    cmap.add_link("tired", "screen_time", "+")      # e3
    cmap.add_link("tired", "rest", "+")             # e4
    cmap.add_link("rest", "tired", "-")             # e5
    cmap.add_link("rules", "screen_time", "-")      # e6
    cmap.set_outcome(["sleep"])
    return cmap


def hostile_map() -> CausalMap:
    cmap = CausalMap.new(HOSTILE_SCRIPT)
    cmap.add_theme("bad", {"da": HOSTILE_IMG, "en": HOSTILE_FLAG})
    cmap.add_variable("img", {"da": HOSTILE_IMG, "en": HOSTILE_FLAG}, theme="bad", notes=HOSTILE_SCRIPT)
    cmap.add_variable("script", {"da": HOSTILE_SCRIPT, "en": "safe\u2028line"}, notes={"da": HOSTILE_FLAG})
    cmap.add_link("img", "script", "+", source={"quote": HOSTILE_FLAG})
    cmap.add_link("script", "img", "-", notes=HOSTILE_IMG)
    return cmap


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A page opened from a file, with everything it logged and requested."""

    def __init__(self, browser, path: Path, width: int = 1200, height: int = 800):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.add_init_script("window.__alerts = []; window.alert = function (m) { window.__alerts.push(String(m)); };")
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_selector("body[data-ready='1']", timeout=20_000)

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, tmp_path):
    opened = []

    def open_map(cmap: CausalMap, **options) -> Visit:
        path = tmp_path / f"page{len(opened)}.html"
        write_html(cmap, path, **options)
        opened.append(Visit(browser, path))
        return opened[-1]

    yield open_map
    for page in opened:
        page.close()


def drawn_edges(page: Visit) -> dict[tuple[str, str], dict]:
    return {(e["from"], e["to"]): e for e in page.js("window.gmb.edges.get()")}


def test_page_loads_offline_without_errors_and_draws_every_variable_and_link(visit):
    cmap = loop_map()
    page = visit(cmap)
    assert page.errors == []
    assert page.requests == [page.url]  # the page itself, nothing else
    assert page.js("window.gmb.nodes.length") == cmap.graph.number_of_nodes() == 5
    assert page.js("window.gmb.edges.length") == cmap.graph.number_of_edges() == 6
    assert sorted(page.js("window.gmb.nodes.getIds()")) == sorted(cmap.variables)
    assert set(drawn_edges(page)) == {(u, v) for u, v, _ in cmap.links()}
    # physics is off: the positions drawn are the ones in the file
    positions = page.js("window.gmb.network.getPositions()")
    data_positions = {n["id"]: (n["x"], n["y"]) for n in page.js("window.gmb.data.network.nodes")}
    assert {k: (round(p["x"]), round(p["y"])) for k, p in positions.items()} == \
        {k: (round(x), round(y)) for k, (x, y) in data_positions.items()}


def test_choosing_a_loop_highlights_exactly_its_arrows_and_variables_and_tells_its_story(visit):
    page = visit(loop_map(), language="en")
    loops = {tuple(sorted(loop["variables"])): loop for loop in page.js("window.gmb.data.loops")}
    assert set(loops) == {("screen_time", "sleep", "tired"), ("rest", "tired")}
    balancing = loops[("rest", "tired")]
    assert balancing["kind"] == "B"
    page.page.click("#all-loops summary")  # every loop is behind "Vis alle løkker"
    page.page.click(f"#loop-list button[data-loop='{balancing['id']}']")
    edges = drawn_edges(page)
    assert {pair for pair, e in edges.items() if e["gmb"] == "on"} == {("tired", "rest"), ("rest", "tired")}
    assert all(e["gmb"] == "dim" and e["color"]["color"] == "#e4e7eb" for pair, e in edges.items()
               if pair not in {("tired", "rest"), ("rest", "tired")})
    nodes = {n["id"]: n for n in page.js("window.gmb.nodes.get()")}
    assert {n for n, node in nodes.items() if node["gmb"] == "on"} == {"tired", "rest"}
    story = page.page.inner_text("#details .story")
    assert story in ("More tiredness → more rest → less tiredness — a balancing loop",
                     "More rest → less tiredness → less rest — a balancing loop")
    assert page.page.get_attribute(f"#loop-list button[data-loop='{balancing['id']}']", "aria-pressed") == "true"

    reinforcing = loops[("screen_time", "sleep", "tired")]
    page.page.click(f"#loop-list button[data-loop='{reinforcing['id']}']")
    edges = drawn_edges(page)
    assert {pair for pair, e in edges.items() if e["gmb"] == "on"} == \
        {("screen_time", "sleep"), ("sleep", "tired"), ("tired", "screen_time")}
    assert "a reinforcing loop" in page.page.inner_text("#details .story")
    # closing the story restores every arrow as drawn at first
    page.page.click("#details .close")
    base = {(e["from"], e["to"]): e["color"]["color"] for e in page.js("window.gmb.data.network.edges")}
    assert {pair: e["color"]["color"] for pair, e in drawn_edges(page).items()} == base
    assert page.errors == []


def test_language_switch_changes_labels_and_interface(visit):
    cmap = loop_map()
    page = visit(cmap)
    assert page.js("document.documentElement.lang") == "da"
    assert {n["id"]: n["label"] for n in page.js("window.gmb.nodes.get()")} == \
        {v: cmap.label(v, "da") for v in cmap.variables}
    assert page.page.inner_text("#loops-heading") == "Feedback-løkker"
    page.page.click("#languages button[data-lang='en']")
    assert page.js("document.documentElement.lang") == "en"
    assert {n["id"]: n["label"] for n in page.js("window.gmb.nodes.get()")} == \
        {v: cmap.label(v, "en") for v in cmap.variables}
    assert page.page.inner_text("#loops-heading") == "Feedback loops"
    assert "Screen time → Sleep: opposite direction (−)" in page.page.inner_text("#text-body")
    assert page.page.get_attribute("#languages button[data-lang='en']", "aria-pressed") == "true"


def test_one_loop_is_counted_in_the_singular_and_a_named_loop_says_its_kind(visit):
    cmap = loop_map()
    cmap.remove_link("tired", "rest")
    loop = name_loop(cmap, "screen_time > sleep > tired", "Skærmen holder dig vågen", "da")
    page = visit(cmap)
    assert page.page.inner_text("#loops-summary") == "1 feedback-løkke: 1 forstærkende, 0 balancerende."
    page.page.click("#all-loops summary")
    page.page.click(f"#loop-list button[data-loop='{loop.id}']")
    assert page.page.inner_text("#details h3") == "R Skærmen holder dig vågen"
    assert page.page.inner_text("#details .kind") == "Forstærkende løkke"
    page.page.click("#languages button[data-lang='en']")
    assert page.page.inner_text("#loops-summary") == "1 feedback loop: 1 reinforcing, 0 balancing."
    assert page.page.inner_text("#details .kind") == "Reinforcing loop"


def test_search_finds_a_variable_and_shows_its_causes_and_effects(visit):
    page = visit(loop_map())
    page.page.fill("#search", "søv")
    assert page.page.inner_text("#search-results") == "Søvn"
    page.page.click("#search-results button")
    assert page.page.inner_text("#details h3") == "Søvn"
    assert {n["id"] for n in page.js("window.gmb.nodes.get()") if n["gmb"] == "on"} == {"sleep", "screen_time", "tired"}
    page.page.fill("#search", "zzz")
    assert page.page.inner_text("#search-results") == "Ingen variabel passer"


def test_text_version_lists_every_variable_and_link_for_screen_readers(visit):
    cmap = loop_map()
    page = visit(cmap, language="en")
    items = page.js("Array.from(document.querySelectorAll('#text-body ul li')).map(li => li.textContent)")
    assert len(items) == 5 + 6
    assert "Sleep → Tiredness: opposite direction (−), after a while" in items
    assert page.page.get_attribute("#network", "aria-label").startswith("Causal loop diagram with 5 variables and 6 arrows")


def test_hostile_labels_show_as_text_and_run_nothing(visit):
    cmap = hostile_map()
    page = visit(cmap)
    page.page.click("#languages button[data-lang='en']")
    page.page.click("#languages button[data-lang='da']")
    page.page.fill("#search", "img")
    page.js("window.gmb.select({type: 'variable', id: 'img'})")
    page.js("window.gmb.select({type: 'link', id: 'e1'})")
    page.page.click("#all-loops summary")
    page.page.click("#loop-list button >> nth=0")
    assert page.js("window.__alerts") == []
    assert page.js("window.__pwned === undefined")
    assert page.js("document.querySelectorAll('img').length") == 0
    assert page.js("document.querySelectorAll('script').length") == 3  # data, vis-network, explorer
    assert page.js("document.title") == HOSTILE_SCRIPT
    text = page.page.inner_text("body")
    assert HOSTILE_IMG in text and HOSTILE_SCRIPT in text and HOSTILE_FLAG in text
    assert {n["label"] for n in page.js("window.gmb.nodes.get()")} == {HOSTILE_IMG, HOSTILE_SCRIPT}
    assert page.errors == []
    assert page.requests == [page.url]


def test_results_add_one_chart_line_per_scenario(visit, tmp_path):
    cmap = loop_map()
    results = tmp_path / "sim"
    results.mkdir()
    (results / "results.csv").write_text("scenario,time,variable,value\n"
                                         "<b>rules</b>,0,sleep,1\n<b>rules</b>,6,sleep,1.1\n<b>rules</b>,12,sleep,1.2\n"
                                         "baseline,0,sleep,1\nbaseline,6,sleep,1\nbaseline,12,sleep,1\n"
                                         "baseline,12,tired,5\n", encoding="utf-8")
    page = visit(cmap, results=results, language="en")
    assert page.js("document.getElementById('charts').hidden") is False
    assert page.js("document.querySelectorAll('#chart-list svg polyline').length") == 2
    # the key lists the scenarios in the order their lines end, highest first, each with its end value
    keys = ("Array.from(document.querySelectorAll('#chart-list .key li'))"
            ".map(li => [li.querySelector('.name').textContent, li.querySelector('.value').textContent])")
    assert page.js(keys) == [["<b>rules</b>", "1.2"], ["As now (no new actions)", "1"]]
    assert page.page.inner_text("#chart-list figcaption") == "At the end (time 12), highest first:"
    # the baseline's line and its key are dashed grey; the scenario's key has its line's colour
    lines = page.js("Array.from(document.querySelectorAll('#chart-list polyline'))"
                    ".map(l => [l.getAttribute('stroke'), l.getAttribute('stroke-dasharray')])")
    assert lines == [["#8b929c", "5 4"], ["#0072b2", None]]
    swatches = page.js("Array.from(document.querySelectorAll('#chart-list .key .line'))"
                       ".map(s => [s.className, getComputedStyle(s).backgroundColor])")
    assert swatches[0] == ["line", "rgb(0, 114, 178)"] and swatches[1][0] == "line dashed"

    scenarios = tmp_path / "scenarios.yaml"
    scenarios.write_text("time_unit: month\nscenarios:\n  <b>rules</b>: {label: {da: Skærmregler, en: "
                         "'<img src=x onerror=alert(1)>'}}\n", encoding="utf-8")
    page = visit(cmap, results=results, scenarios=scenarios, language="da")
    assert page.js(keys) == [["Skærmregler", "1,2"], ["Som nu (ingen nye tiltag)", "1"]]   # a decimal comma
    assert page.page.inner_text("#chart-list figcaption") == "Ved slutningen (efter 12 måneder), højeste først:"
    page.page.click("#languages button[data-lang='en']")
    assert page.js(keys) == [["<img src=x onerror=alert(1)>", "1.2"], ["As now (no new actions)", "1"]]
    assert page.js("window.__alerts") == [] and page.errors == []


def test_a_band_from_simulate_band_is_shaded_under_its_line_and_labelled(visit, tmp_path):
    cmap = loop_map()
    results = tmp_path / "sim"
    results.mkdir()
    (results / "results.csv").write_text("scenario,time,variable,value\nbaseline,0,sleep,1\nbaseline,12,sleep,1\n"
                                         "rules,0,sleep,1\nrules,12,sleep,1.2\n", encoding="utf-8")
    (results / "bands.csv").write_text("scenario,time,variable,p05,p95,draws\nbaseline,0,sleep,1,1,180\n"
                                       "baseline,12,sleep,1,1,180\nrules,0,sleep,1,1,180\nrules,12,sleep,1.05,1.5,180\n",
                                       encoding="utf-8")
    page = visit(cmap, results=results, language="da")
    bands = ("Array.from(document.querySelectorAll('#chart-list svg g.bands polygon.band'))"
             ".map(p => [p.getAttribute('fill'), p.querySelector('title').textContent])")
    assert page.js(bands) == [["#8b929c", "Som nu (ingen nye tiltag): 5–95 % af 180 udgaver af kortet"],
                              ["#0072b2", "rules: 5–95 % af 180 udgaver af kortet"]]
    # the band lies under the lines, reaches 1.5 at the end (the chart's top), and is said in words
    assert page.js("document.querySelector('#chart-list svg g.bands').nextElementSibling.tagName") == "polyline"
    top = page.js("Math.min(...document.querySelectorAll('#chart-list polygon.band')[1].getAttribute('points')"
                  ".split(' ').map(p => +p.split(',')[1]))")
    assert top == 10                                             # T, the top margin: max = 1.5
    assert page.page.inner_text("#chart-list .band-note") == "Skraveret: 5–95 % af 180 udgaver af kortet"
    assert page.page.inner_text("#chart-list .key .range") == "5–95 %: 1,05 … 1,5"
    page.page.click("#languages button[data-lang='en']")
    assert page.page.inner_text("#chart-list .band-note") == "Shaded: 5–95% of 180 versions of the map"
    assert page.errors == []


@pytest.mark.skipif(not EXAMPLE.exists(), reason="the example map models/havndal.yaml is not there yet")
def test_example_map_opens_on_a_phone_and_a_laptop(browser, tmp_path):
    cmap = load_map(EXAMPLE)
    path = tmp_path / "havndal.html"
    write_html(cmap, path)
    for width, height in ((1366, 850), (390, 844)):
        page = Visit(browser, path, width, height)
        try:
            assert page.errors == []
            assert page.requests == [page.url]
            assert page.js("window.gmb.nodes.length") == cmap.graph.number_of_nodes()
            assert page.js("window.gmb.edges.length") == cmap.graph.number_of_edges()
            assert page.js("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
            # how to use the drawing is told on a phone too, below the drawing rather than over it
            hint = page.js("(() => { const h = document.querySelector('.hint').getBoundingClientRect(), "
                           "n = document.getElementById('network').getBoundingClientRect(); "
                           "return [h.height > 0, h.top >= n.bottom - 1 || getComputedStyle("
                           "document.querySelector('.hint')).position === 'absolute']; })()")
            assert hint == [True, True]
            # no word of a label is broken across two lines, in either language (Danish words are long)
            for lang in cmap.languages:
                # the whole map in view (a phone opens on the outcome), so that every label is laid out
                page.js(f"window.gmb.setLanguage('{lang}'); window.gmb.network.fit(); window.gmb.network.redraw()")
                drawn = page.js("Object.fromEntries(window.gmb.nodes.getIds().map(id => [id, "
                                "window.gmb.network.body.nodes[id].labelModule.lines"
                                ".map(line => line.blocks.map(b => b.text).join('')).join(' ')]))")
                assert drawn == {v: " ".join(cmap.label(v, lang).split()) for v in cmap.variables}
        finally:
            page.close()


def test_a_theme_symbol_is_dark_on_a_light_dot_and_white_on_a_dark_one(visit):
    cmap = loop_map()
    cmap.add_theme("light", {"da": "Lys", "en": "Light"}, color="#e69f00")
    cmap.add_theme("dark", {"da": "Mørk", "en": "Dark"}, color="#0072b2")
    cmap.graph.nodes["rules"]["theme"] = "light"
    cmap.graph.nodes["rest"]["theme"] = "dark"
    page = visit(cmap)
    swatches = page.js("Object.fromEntries(Array.from(document.querySelectorAll('#legend .swatch'))"
                       ".map(s => [s.textContent, [getComputedStyle(s).color, getComputedStyle(s).backgroundColor]]))")
    marks = page.js("Object.fromEntries(window.gmb.data.themes.map((th, i) => [th.id, "
                    "['●', '▲', '■', '◆', '★', '⬢', '▼', '⬟', '✖', '◐'][i]]))")
    assert swatches[marks["light"]] == ["rgb(31, 41, 51)", "rgb(230, 159, 0)"]
    assert swatches[marks["dark"]] == ["rgb(255, 255, 255)", "rgb(0, 114, 178)"]
    assert page.errors == []
