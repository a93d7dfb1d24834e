"""Time the structural analysis (issue 3) on generated maps and print the figures.

    python bench/bench_analysis.py            # about half a minute

Targets from the issue:
  * 100 variables / 250 links: all loops of up to 10 variables in under 1 s;
  * 300 variables / 1,000 links: loops of up to 8 variables with a limit of 100,000 in under
    10 s, with a progress indicator; 'gmb analyze' under 2 s;
  * memory stays flat while streaming loops.
Each random map is seeded (networkx.gnm_random_graph; polarities 60 % +, 30 % -, 10 % ?).
Times are wall-clock seconds, with CPU seconds of this process in brackets: the machine may be
shared, and then CPU time is the fairer figure.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import networkx as nx
from click.testing import CliRunner

from gmb.analysis.centrality import DEFAULT_LOOP_LIMIT, centrality_table, map_summary
from gmb.analysis.loops import count_loops, find_loops
from gmb.analysis.paths import pathways
from gmb.analysis.press import press_response
from gmb.cli import main as gmb_main
from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map, save_map

SEEDS = range(5)
HAVNDAL = Path(__file__).resolve().parent.parent / "models" / "havndal.yaml"


def random_map(n: int, m: int, seed: int) -> CausalMap:
    """A seeded random map of ``n`` variables and ``m`` links."""
    rng = random.Random(seed)
    graph = nx.gnm_random_graph(n, m, directed=True, seed=seed)
    cmap = CausalMap.new(f"random {n}/{m} seed {seed}", ["en"])
    for v in graph:
        cmap.add_variable(f"v{v:03d}", f"Variable {v}")
    for u, v in graph.edges:
        cmap.add_link(f"v{u:03d}", f"v{v:03d}", rng.choices("+-?", weights=(6, 3, 1))[0])
    return cmap


def timed(call):
    """``(result, wall seconds, cpu seconds)``."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def seconds(wall: float, cpu: float) -> str:
    return f"{wall:.3f} s [{cpu:.3f}]"


def analyze(cmap: CausalMap) -> tuple[list, dict]:
    """What 'gmb analyze' computes: loops counted with the default limit, the table, the summary."""
    loops = count_loops(cmap, limit=DEFAULT_LOOP_LIMIT)
    return centrality_table(cmap, loops), map_summary(cmap, loops)


def progress(count: int, shortest: bool) -> None:
    doing = "over the limit, keeping the shortest" if shortest else "looking for loops"
    print(f"\r    progress: {doing}: {count:,} found…", end="", file=sys.stderr, flush=True)


def main() -> None:
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    print("\n1. 100 variables / 250 links: all loops of up to 10 variables (target < 1 s)")
    for seed in SEEDS:
        cmap = random_map(100, 250, seed)
        listing, wall, cpu = timed(lambda: find_loops(cmap, max_length=10))
        counts = listing.by_polarity()
        print(f"   seed {seed}: {len(listing.loops):6,} loops (R {counts['R']}, B {counts['B']}, ? {counts['?']}) "
              f"in {seconds(wall, cpu)}; complete={listing.complete}")
    cmap = random_map(100, 250, 0)
    print("   how the count grows with the length bound (seed 0, counted, not listed):")
    for length in (12, 14, 16, 18):
        counts, wall, cpu = timed(lambda: count_loops(cmap, max_length=length))
        print(f"     up to {length}: {counts.total:9,} loops in {seconds(wall, cpu)}")
    listing, wall, cpu = timed(lambda: find_loops(cmap, limit=1000))
    print(f"   no bound, default CLI limit of 1,000: {len(listing.loops):,} loops in {seconds(wall, cpu)} "
          f"({listing.reason})")

    print("\n2. 300 variables / 1,000 links: loops of up to 8 variables, limit 100,000 (target < 10 s)")
    for seed in SEEDS:
        cmap = random_map(300, 1000, seed)
        listing, wall, cpu = timed(lambda: find_loops(cmap, max_length=8, limit=100_000, progress=progress))
        print(f"   seed {seed}: {len(listing.loops):6,} loops in {seconds(wall, cpu)}; complete={listing.complete}")
    cmap = random_map(300, 1000, 0)
    print("   a bigger listing, to show the progress indicator (up to 12 variables, limit 100,000):")
    listing, wall, cpu = timed(lambda: find_loops(cmap, max_length=12, limit=100_000, progress=progress))
    print(f"\n   {len(listing.loops):,} loops in {seconds(wall, cpu)}; {listing.reason}")

    print("\n3. 'gmb analyze' on 300 variables / 1,000 links (target < 2 s)")
    with tempfile.TemporaryDirectory() as tmp:
        for seed in SEEDS:
            path = Path(tmp) / f"map{seed}.yaml"
            save_map(random_map(300, 1000, seed), path)
            cmap = load_map(path)
            _, lib_wall, lib_cpu = timed(lambda: analyze(cmap))
            result, cli_wall, cli_cpu = timed(lambda: CliRunner().invoke(gmb_main, ["analyze", str(path), "--json"]))
            assert result.exit_code == 0, result.output
            wall, children = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([sys.executable, "-m", "gmb", "analyze", str(path)], check=True, capture_output=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            proc_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
            print(f"   seed {seed}: library {seconds(lib_wall, lib_cpu)}; command in-process (reads the file) "
                  f"{seconds(cli_wall, cli_cpu)}; as a new process {seconds(time.perf_counter() - wall, proc_cpu)}")

    print("\n4. memory while streaming loops (100 / 250, seed 0, loops of up to 16 variables)")
    cmap = random_map(100, 250, 0)
    tracemalloc.start()
    counts = count_loops(cmap, max_length=16)
    counting = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    listing = find_loops(cmap, max_length=16)
    listed = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"   counting {counts.total:,} loops: peak {counting / 1e6:.2f} MB; "
          f"listing them: peak {listed / 1e6:.1f} MB ({len(listing.loops):,} Loop objects)")

    print("\n5. the other analyses")
    cmap = random_map(100, 250, 0)
    result, wall, cpu = timed(lambda: pathways(cmap, "v000", "v050", limit=1000))
    print(f"   paths on 100 / 250: {len(result.paths):,} paths in {seconds(wall, cpu)} (verdict {result.verdict})")
    if HAVNDAL.exists():
        havndal = load_map(HAVNDAL)
        counts, wall, cpu = timed(lambda: count_loops(havndal))
        print(f"   models/havndal.yaml: all {counts.total:,} loops counted in {seconds(wall, cpu)}")
        result, wall, cpu = timed(lambda: press_response(havndal, samples=1000, seed=1))
        print(f"   models/havndal.yaml: press response, 1,000 samples ({result.stable} stable) in {seconds(wall, cpu)}")
    small = random_map(60, 120, 3)
    outcome = max(small.variables, key=small.graph.in_degree)
    result, wall, cpu = timed(lambda: press_response(small, outcome, samples=1000, seed=1))
    print(f"   press response on 60 / 120: 1,000 samples ({result.stable} stable) in {seconds(wall, cpu)}")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
