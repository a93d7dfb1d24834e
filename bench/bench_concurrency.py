"""Concurrent edits and kill -9 during saves: no update lost, never a torn file, nothing left behind.

    python bench/bench_concurrency.py                 # 20 and 50 writers, 200 kill trials
    python bench/bench_concurrency.py --kills 430     # more trials

Writers are real ``gmb`` processes editing one map at the same time, each with its own sequence of
adds, links, renames and merges; afterwards every writer's result must be in the map. Kill trials
start ``gmb var set`` on a 300-variable map and ``kill -9`` it at a random moment; afterwards the
map must parse and be the old or the new version, no temporary file may be left once the next
command has run, and that command must not wait on a lock.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map, save_map

GMB = [sys.executable, "-m", "gmb"]


def gmb(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*GMB, *args], capture_output=True, text=True, timeout=120)


def writer(path: str, i: int) -> list[str]:
    """One writer's edits; returns the variables it expects to remain."""
    steps = [("var", "add", path, f"a{i}", "--label", f"A {i}"), ("var", "add", path, f"b{i}", "--label", f"B {i}"),
             ("link", "add", path, f"a{i}", f"b{i}", "--polarity", "+")]
    expected = [f"a{i}", f"b{i}"]
    if i % 3 == 0:
        steps.append(("var", "rename", path, f"a{i}", f"r{i}"))
        expected = [f"r{i}", f"b{i}"]
    elif i % 3 == 1:
        steps.append(("var", "merge", path, f"b{i}", f"a{i}"))
        expected = [f"b{i}"]
    for step in steps:
        result = gmb(*step)
        if result.returncode:
            raise SystemExit(f"writer {i}: gmb {' '.join(step)} failed: {result.stderr.strip()}")
    return expected


def concurrent_writers(count: int) -> tuple[int, int, float]:
    with tempfile.TemporaryDirectory() as directory:
        path = str(Path(directory) / "m.yaml")
        save_map(CausalMap.new("Samtidige redigeringer"), path)
        start = time.perf_counter()
        with ThreadPoolExecutor(count) as pool:
            expected = [v for vs in pool.map(lambda i: writer(path, i), range(count)) for v in vs]
        seconds = time.perf_counter() - start
        present = set(load_map(path).variables)
        lost = [v for v in expected if v not in present]
        leftovers = [p.name for p in Path(directory).iterdir() if p.name != "m.yaml"]
        return len(lost) + len(leftovers), len(expected), seconds


def kill_trials(trials: int, seed: int = 1) -> dict[str, int]:
    rng = random.Random(seed)
    counts = {"old": 0, "new": 0, "torn": 0, "temp left after next command": 0, "next command blocked": 0}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "m.yaml"
        cmap = CausalMap.new("Kill -9")
        for i in range(300):
            cmap.add_variable(f"v{i}", f"Variabel {i}")
        for i in range(299):
            cmap.add_link(f"v{i}", f"v{i + 1}", "+")
        save_map(cmap, path)
        for trial in range(trials):
            before = path.read_bytes()
            process = subprocess.Popen([*GMB, "var", "set", str(path), "v0", f"notes=trial {trial}"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.05, 0.6))
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            after = path.read_bytes()
            try:
                notes = load_map(path).graph.nodes["v0"].get("notes")
                counts["old" if after == before else "new" if notes == f"trial {trial}" else "torn"] += 1
            except Exception:  # noqa: BLE001 - any failure to read is a torn file
                counts["torn"] += 1
            start = time.perf_counter()
            gmb("var", "set", str(path), "v1", f"notes=after {trial}")
            if time.perf_counter() - start > 10:
                counts["next command blocked"] += 1
            if [p for p in Path(directory).iterdir() if p.name != "m.yaml"]:
                counts["temp left after next command"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    args = parser.parse_args()
    for count in (20, 50):
        problems, edits, seconds = concurrent_writers(count)
        print(f"{count} concurrent writers (adds, links, renames, merges): {edits} variables expected, "
              f"{problems} lost or left over, {seconds:.1f} s")
    counts = kill_trials(args.kills)
    print(f"kill -9 during 'gmb var set' x {args.kills}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
