"""File size of 'gmb html' pages and their time to a stable drawing in headless Chromium.

    python bench/bench_html.py            # one line per map: the example map, and 300 variables / 1,000 links

For each map: seconds to build the page in Python, the file size, and in Debian's headless
Chromium (/usr/bin/chromium, driven by Playwright) the milliseconds from navigation start to the
first finished drawing of the network (the page's ``afterDrawing`` event; physics is off, every
position comes from the file, so that first drawing is the stable one), median of 3 loads.
Target: stable in under 5 s. For the example page as residents get it (simulated scenarios, the workshop
record and play mode): its size (target ≤ 1.2 MB), its first drawing at 4× CPU slowdown (target < 1.5 s)
and a language switch (target < 0.3 s).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map
from gmb.render.html import write_html

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def generated_map(variables: int = 300, links: int = 1000, seed: int = 0) -> CausalMap:
    """A random map of workshop-like text: six themes, Danish/English labels, a fifth of links delayed."""
    rng = random.Random(seed)
    cmap = CausalMap.new(f"Genereret kort ({variables} variabler)")
    themes = [f"theme{i}" for i in range(6)]
    for theme in themes:
        cmap.add_theme(theme, {"da": f"Tema {theme[-1]}", "en": f"Theme {theme[-1]}"})
    for i in range(variables):
        cmap.add_variable(f"v{i}", {"da": f"Faktor nummer {i} i byen", "en": f"Factor number {i} in town"},
                          theme=themes[i % len(themes)])
    ids = cmap.variables
    while cmap.graph.number_of_edges() < links:
        u, v = rng.sample(ids, 2)
        if not cmap.graph.has_edge(u, v):
            cmap.add_link(u, v, rng.choice("++-"), strength=rng.choice(["weak", "medium", "strong"]),
                          delay=rng.random() < 0.2)
    cmap.set_outcome(["v0"])
    return cmap


def time_to_stable_drawing(browser, path: Path, loads: int = 3) -> float:
    times = []
    for _ in range(loads):
        page = browser.new_page(viewport={"width": 1366, "height": 850})
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        times.append(page.evaluate("window.gmbReadyAt"))
        page.close()
    return statistics.median(times)


def residents_page(browser, folder: Path) -> str:
    """The example page with results, record and play mode: size, drawing at 4× CPU slowdown, language switch."""
    from click.testing import CliRunner

    from gmb.cli import main as gmb

    scenarios = ROOT / "workshops" / "havndal" / "scenarios.yaml"
    CliRunner().invoke(gmb, ["simulate", str(ROOT / "models" / "havndal.yaml"), "--scenarios", str(scenarios),
                             "-o", str(folder)])
    path = folder / "residents.html"
    write_html(load_map(ROOT / "models" / "havndal.yaml"), path, results=folder, scenarios=scenarios,
               workshop=ROOT / "workshops" / "havndal")
    drawn, switched = [], []
    for _ in range(3):
        page = browser.new_page(viewport={"width": 1366, "height": 850})
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        drawn.append(page.evaluate("window.gmbReadyAt"))
        switched.append(page.evaluate("(() => { const t = performance.now(); window.gmb.setLanguage('en'); "
                                      "return performance.now() - t; })()"))
        page.close()
    return (f"residents' page: file {path.stat().st_size / 1e6:.2f} MB (target ≤ 1.2); drawn after "
            f"{statistics.median(drawn) / 1000:.2f} s at 4× CPU slowdown (target < 1.5); language switch "
            f"{statistics.median(switched) / 1000:.2f} s (target < 0.3)")


def main() -> None:
    from playwright.sync_api import sync_playwright

    maps = [("models/havndal.yaml", load_map(ROOT / "models" / "havndal.yaml")),
            ("generated 300 variables / 1000 links", generated_map())]
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for name, cmap in maps:
            path = Path(folder) / "page.html"
            start = time.perf_counter()
            write_html(cmap, path)
            build = time.perf_counter() - start
            size = path.stat().st_size
            stable = time_to_stable_drawing(browser, path)
            print(f"{name}: {cmap.graph.number_of_nodes()} variables, {cmap.graph.number_of_edges()} links; "
                  f"build {build:.2f} s; file {size / 1024:.0f} KiB; stable drawing after {stable / 1000:.2f} s "
                  f"(target < 5 s)")
        print(residents_page(browser, Path(folder)))
        browser.close()


if __name__ == "__main__":
    main()
