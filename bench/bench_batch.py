"""Benchmark: the numpy batch engine against PySD, and its throughput on a large sweep.

    python bench/bench_batch.py                 # both parts
    python bench/bench_batch.py --chunks 2000 5000 10000 20000   # compare chunk sizes (default 5000)

1. The example map (models/havndal.yaml) and its scenarios, 120 monthly steps: the time of one PySD
   run (translation cached, median) against the numpy engine's time per run in a batch of 1,000
   runs (the scenarios repeated); target ≥ 500× faster.
2. A generated 100-variable / 250-link map (bench/bench_simulate.py's): 100,000 runs of 120 monthly
   steps, each with its own sampled link weights and one candidate intervention (a push or an
   action), in chunks over a pool of 2 worker processes; total time (target < 10 s, pool start and
   compile included), the workers' CPU time per run and step, and peak memory (target < 2 GB).
   The machine should be otherwise idle: another busy process inflates the total time.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import numpy as np  # noqa: E402
from bench_simulate import generated_map  # noqa: E402

from gmb.maps.store import load_map  # noqa: E402
from gmb.sd.batch import BatchModel  # noqa: E402
from gmb.sd.pysd_engine import PySDEngine  # noqa: E402
from gmb.sd.scenarios import load_scenarios  # noqa: E402
from gmb.sd.spec import build_spec  # noqa: E402

RUNS, STEPS, WORKERS = 100_000, 120, 2


def example(cache: str) -> None:
    cmap = load_map(ROOT / "models" / "havndal.yaml")
    spec = build_spec(cmap)
    plan = load_scenarios(ROOT / "workshops" / "havndal" / "scenarios.yaml", cmap, spec)
    engine = PySDEngine(spec, tunable=plan.tunable(), cache=cache)
    times = []
    for scenario in plan.scenarios * 2:
        start = time.perf_counter()
        engine.run(scenario.settings, final_time=120, dt=1.0)
        times.append(time.perf_counter() - start)
    pysd = statistics.median(times)
    defaults, k = spec.parameters(), 1000
    picks = [plan.scenarios[i % len(plan.scenarios)].settings for i in range(k)]
    settings = {name: np.array([s.get(name, defaults[name]) for s in picks]) for name in plan.tunable()}
    start = time.perf_counter()
    model = BatchModel(spec)
    compiled = time.perf_counter() - start
    best = min(_timed(lambda: model.run(settings, final_time=120, dt=1.0)) for _ in range(3))
    print(f"example map ({len(spec.variables)} variables, {len(spec.links)} links), 120 monthly steps:")
    print(f"  PySD, one run (cached translation, median of {len(times)}): {pysd * 1000:8.1f} ms")
    print(f"  numpy, per run in a batch of {k:,}:                 {best / k * 1000:8.3f} ms   "
          f"(batch {best:.2f} s; compile {compiled * 1000:.0f} ms)")
    print(f"  ratio: {pysd / (best / k):,.0f}×   target ≥ 500×")


# -- the sweep: one model per worker process, chunks of runs with sampled settings ----------------

_MODEL: BatchModel | None = None


def _start_worker(map_path: str) -> None:
    global _MODEL
    _MODEL = BatchModel(build_spec(load_map(map_path)))


def _chunk(seed: int, runs: int) -> tuple[float, float]:
    """``runs`` runs with weights × U(0.5, 1.5) and one candidate each; the outcome's mean at the horizon."""
    spec, rng = _MODEL.spec, np.random.default_rng(seed)
    settings = {link.param: link.weight * rng.uniform(0.5, 1.5, runs) for link in spec.links}
    index = [v for v in spec.variables.values() if v.kind == "index"]
    actions = [v for v in spec.variables.values() if v.kind == "action"]
    candidate = rng.integers(0, len(index) + len(actions), runs)
    for i, var in enumerate(index):
        settings[var.params["push"]] = np.where(candidate == i, 0.1, 0.0)
    for i, var in enumerate(actions):
        settings[var.params["level"]] = np.where(candidate == len(index) + i, 1.0, 0.0)
        settings[var.params["ramp"]] = 12.0
    start = time.process_time()
    batch = _MODEL.run(settings, final_time=STEPS, dt=1.0, outputs=["v50"])
    return time.process_time() - start, float(batch.values["v50"][:, -1].mean())


def sweep(map_path: Path, chunk: int) -> None:
    start = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(WORKERS, initializer=_start_worker, initargs=(str(map_path),)) as pool:
        sizes = [min(chunk, RUNS - i) for i in range(0, RUNS, chunk)]
        results = list(pool.map(_chunk, range(len(sizes)), sizes))
    total = time.perf_counter() - start
    busy = sum(seconds for seconds, _ in results)
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  chunks of {chunk:>6,}: {total:5.2f} s total, {busy / (RUNS * STEPS) * 1e9:,.0f} ns CPU per run and step "
          f"in the workers; peak memory {child:,.0f} MB per worker, {parent:,.0f} MB parent   targets < 10 s, < 2 GB")


def _timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, nargs="+", default=[5_000], help="chunk sizes to try")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        example(folder)
        big = generated_map(Path(folder) / "generated.yaml")
        spec = build_spec(load_map(big))
        print(f"generated map ({len(spec.variables)} variables, {len(spec.links)} links, "
              f"{sum(1 for link in spec.links if link.delay)} delayed): {RUNS:,} runs × {STEPS} monthly steps, "
              f"sampled weights and a candidate per run, {WORKERS} worker processes on {os.cpu_count()} CPUs")
        for chunk in args.chunks:
            sweep(big, chunk)


if __name__ == "__main__":
    main()
