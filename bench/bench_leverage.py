"""Benchmark: ``gmb leverage`` on a generated 100-variable / 250-link map.

    python bench/bench_leverage.py                 # 1,000 samples × 99 candidates, in-process and 2-core pool
    python bench/bench_leverage.py --samples 200   # a quicker look

Each configuration runs in a fresh Python process, so that its peak memory (``ru_maxrss`` of the
process, and of its worker processes for the pool) is its own and the pool's start-up counts.
A run is 10 years in monthly steps (dt = 1 month); every candidate is pushed by 0.1 from time 0.
Target (issue 5): 1,000 samples × 100 candidates (100,000 runs) under 10 s on 2 cores, memory under 2 GB.
Each configuration runs with and without the per-sample stability and rest checks (issue 13: the
checks may add at most 20 %); the effects are the same bytes either way when no sample is excluded.
The generated map has 5 actions and 95 index variables; pushing every one but the outcome gives 99
candidates, so 1,000 samples are 100,000 runs with the baselines.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_simulate import generated_map  # noqa: E402

_CHILD = """
import hashlib, json, resource, sys, time
if __name__ == "__main__":
    start = time.perf_counter()
    from gmb.leverage.ranking import leverage
    from gmb.maps.store import load_map
    cmap = load_map(sys.argv[1])
    ready = time.perf_counter()
    result = leverage(cmap, samples=int(sys.argv[2]), seed=1, horizon=120, dt=1.0, workers=int(sys.argv[3]),
                      check=sys.argv[4] == "1")
    done = time.perf_counter()
    mine = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"load": ready - start, "run": done - ready, "candidates": len(result.candidates),
                      "unstable": result.unstable, "not_at_rest": result.not_at_rest,
                      "memory": mine, "workers_memory": children,
                      "checksum": hashlib.sha256(result.effects.final.tobytes()).hexdigest()}))
"""


def measure(map_path: Path, samples: int, workers: int, check: bool = True) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", _CHILD, str(map_path), str(samples), str(workers), str(int(check))],
                          env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        big = generated_map(Path(folder) / "generated.yaml")
        print(f"generated map (100 variables, 250 links, seed 1); {args.samples} samples, 10 years in monthly steps; "
              f"{os.cpu_count()} cores on this machine")
        checksums = set()
        for workers, name in ((1, "in this process"), (2, "2-core process pool")):
            plain = measure(big, args.samples, workers, check=False)
            figures = measure(big, args.samples, workers)
            runs = args.samples * (figures["candidates"] + 1)
            checksums.add(figures["checksum"])
            memory = max(figures["memory"], figures["workers_memory"])
            print(f"  {name:20s}: {figures['run']:6.2f} s for {runs:,} runs ({figures['candidates']} candidates "
                  f"+ baseline; {figures['run'] / runs * 1e6:.0f} µs per run), map loaded in {figures['load']:.2f} s, "
                  f"peak memory {memory:.0f} MB per process   target < 10 s on 2 cores, < 2 GB")
            print(f"  {'':20s}  without the sample checks {plain['run']:6.2f} s: the checks add "
                  f"{figures['run'] / plain['run'] - 1:+.0%} (target ≤ +20 %); {figures['unstable']} samples unstable, "
                  f"{figures['not_at_rest']} not at rest")
            if not figures["unstable"] + figures["not_at_rest"]:
                checksums.add(plain["checksum"])
        print(f"  byte-identical effects in every run: {len(checksums) == 1}")


if __name__ == "__main__":
    main()
