"""Benchmark: map → PySD model (first time and cached) and the time of one PySD scenario run.

    python bench/bench_simulate.py            # the example map and a generated 100-variable / 250-link map

Each timing of build-and-translate runs in a fresh Python process (so PySD's import counts, as it
does for ``gmb simulate``), with an empty cache for "first" and the same cache for "cached".
Targets (issue 4): under 5 s first, under 0.5 s cached. A run is 10 years in monthly steps.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gmb.maps.causalmap import CausalMap  # noqa: E402
from gmb.maps.store import load_map, save_map  # noqa: E402

_CHILD = """
import json, sys, time
start = time.perf_counter()
from gmb.maps.store import load_map
from gmb.sd.spec import build_spec
from gmb.sd.scenarios import load_scenarios
from gmb.sd.pysd_engine import PySDEngine
cmap = load_map(sys.argv[1])
spec = build_spec(cmap)
plan = load_scenarios(sys.argv[2], cmap, spec)
tunable = None if sys.argv[3] == "all" else plan.tunable()
ready = time.perf_counter()
engine = PySDEngine(spec, tunable=tunable)
loaded = time.perf_counter()
again = PySDEngine(build_spec(load_map(sys.argv[1])), tunable=tunable)
warm = time.perf_counter() - loaded
runs = []
for scenario in plan.scenarios * int(sys.argv[4]):
    t = time.perf_counter()
    engine.run(scenario.settings, final_time=120, dt=1.0)
    runs.append(time.perf_counter() - t)
print(json.dumps({"build": ready - start, "engine": loaded - ready, "total": loaded - start, "warm": warm,
                  "runs": runs}))
"""


def generated_map(path: Path, variables: int = 100, links: int = 250, seed: int = 1) -> Path:
    """A random map: 5 actions, the rest index variables, weak links (20 % delayed)."""
    rng = random.Random(seed)
    cmap = CausalMap.new("generated")
    for i in range(variables):
        cmap.add_variable(f"v{i}", f"Variabel {i}", kind="action" if i < 5 else None,
                          adjust_time=rng.choice([3, 6, 12]) if i >= 5 else None)
    while cmap.graph.number_of_edges() < links:
        a, b = rng.randrange(variables), rng.randrange(5, variables)
        if a != b and not cmap.graph.has_edge(f"v{a}", f"v{b}"):
            cmap.add_link(f"v{a}", f"v{b}", rng.choice("+-"), strength="weak", delay=rng.random() < 0.2)
    cmap.set_outcome(["v50"])
    save_map(cmap, path)
    return path


def measure(map_path: Path, scenarios: Path, cache: Path, tunable: str, repeat: int = 0) -> dict:
    env = {"GMB_CACHE_DIR": str(cache), "PATH": "", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(map_path), str(scenarios), tunable, str(repeat)],
                          env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout)


def report(name: str, map_path: Path, scenarios: Path) -> None:
    with tempfile.TemporaryDirectory() as cache:
        first = measure(map_path, scenarios, Path(cache), "scenarios")
        cached = measure(map_path, scenarios, Path(cache), "scenarios", repeat=3)
    with tempfile.TemporaryDirectory() as cache:
        full = measure(map_path, scenarios, Path(cache), "all")
    runs = cached["runs"]
    print(f"{name}:")
    print(f"  build + translate, first time : {first['total']:6.2f} s  (spec {first['build']:.2f} s, "
          f"PySD import + translate + load {first['engine']:.2f} s)   target < 5 s")
    print(f"  build + load, cached          : {cached['total']:6.2f} s  (spec {cached['build']:.2f} s, "
          f"PySD import + load {cached['engine']:.2f} s)   target < 0.5 s")
    print(f"  build + load, cached, PySD already imported: {cached['warm']:6.2f} s")
    print(f"  every input tunable, first    : {full['total']:6.2f} s  (the model 'gmb build' writes)")
    print(f"  one scenario run, 120 monthly steps: median {statistics.median(runs) * 1000:.0f} ms, "
          f"max {max(runs) * 1000:.0f} ms over {len(runs)} runs")


def main() -> None:
    started = time.perf_counter()
    report("example map (models/havndal.yaml, workshops/havndal/scenarios.yaml)",
           ROOT / "models" / "havndal.yaml", ROOT / "workshops" / "havndal" / "scenarios.yaml")
    with tempfile.TemporaryDirectory() as folder:
        big = generated_map(Path(folder) / "generated.yaml")
        scenarios = Path(folder) / "scenarios.yaml"
        source, target = next(iter(load_map(big).graph.edges))
        scenarios.write_text("scenarios:\n"
                             "  a: [{action: v0, level: 1, start: 12, ramp: 12}]\n"
                             "  b: [{push: v10, by: 0.1}, {push: v20, by: -0.1, start: 6}]\n"
                             f"  c: [{{action: v1}}, {{action: v2, level: 0.5}}, {{link: [{source}, {target}], "
                             "strength: medium}]\n", encoding="utf-8")
        report("generated map (100 variables, 250 links, seed 1)", big, scenarios)
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
