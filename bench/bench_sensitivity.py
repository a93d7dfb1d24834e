"""Benchmark: the sensitivity screening of ``gmb leverage`` on the example map ``models/havndal.yaml``.

    python bench/bench_sensitivity.py            # Morris (the default screening) and Sobol (--sobol)
    python bench/bench_sensitivity.py --morris   # Morris only

Times :func:`gmb.leverage.sensitivity.sensitivity` alone, after a 1,000-sample leverage run has
given the ranking (its top five actions are screened), in this process (the screening runs in one
process, on the numpy batch engine). Target (issue 13): Morris on the example in under 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gmb.leverage.ranking import leverage, prepare, variable_candidates  # noqa: E402
from gmb.leverage.sensitivity import sensitivity  # noqa: E402
from gmb.maps.store import load_map  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--morris", action="store_true", help="time Morris only")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    cmap = load_map(ROOT / "models" / "havndal.yaml")
    result = leverage(cmap, samples=1000, seed=args.seed)
    setup = prepare(cmap)
    candidates = variable_candidates(setup)
    for method in ("morris",) if args.morris else ("morris", "sobol"):
        start = time.perf_counter()
        found = sensitivity(setup, candidates, result, method, seed=args.seed)
        seconds = time.perf_counter() - start
        print(f"{method}: {seconds:.2f} s for {found.versions:,} versions of the map × {len(found.ids) + 1} runs, "
              f"{len(found.factors)} factors, {found.dropped} trajectories/blocks left out"
              + (f" (target < 30 s: {'met' if seconds < 30 else 'MISSED'})" if method == "morris" else ""))


if __name__ == "__main__":
    main()
