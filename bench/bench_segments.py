"""Benchmark: what two segments (groups of children) cost ``gmb leverage``.

    python bench/bench_segments.py                 # 1,000 samples × 99 candidates: 100,000 runs each way
    python bench/bench_segments.py --samples 200   # a quicker look

The generated 100-variable / 250-link map of ``bench_simulate.py`` runs once as it is and once with two
segments (20 % and 80 %, every index variable and action per segment, one link stronger in the first
group), each in a fresh Python process on this process alone (``--workers 1``) and on a 2-core pool, with
the per-sample checks on. The state doubles with two segments; nothing else should, so the target
(issue 14) is at most 2.2 × the unsegmented time.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_leverage import measure  # noqa: E402
from bench_simulate import generated_map  # noqa: E402

from gmb.maps.store import load_map, save_map  # noqa: E402


def segmented(plain: Path, path: Path) -> Path:
    """The map at ``plain`` with two segments: exposed (20 %, starts lower, one link stronger) and others."""
    cmap = load_map(plain)
    cmap.meta["segments"] = {"exposed": {"label": "Exposed", "share": 0.2}, "others": {"label": "Others", "share": 0.8}}
    first = next(var for var, attrs in cmap.graph.nodes(data=True) if attrs.get("kind", "index") == "index")
    cmap.graph.nodes[first]["by_segment"] = {"exposed": {"initial": 0.85}}
    u, v, _ = next((u, v, a) for u, v, a in cmap.links() if cmap.graph.nodes[v].get("kind", "index") == "index")
    cmap.graph.edges[u, v]["by_segment"] = {"exposed": {"strength": "medium"}}
    save_map(cmap, path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        plain = generated_map(Path(folder) / "generated.yaml")
        split = segmented(plain, Path(folder) / "segmented.yaml")
        print(f"generated map (100 variables, 250 links, seed 1), with and without two segments; {args.samples} "
              f"samples, 10 years in monthly steps; {os.cpu_count()} cores on this machine")
        for workers, name in ((1, "in this process"), (2, "2-core process pool")):
            one, two = measure(plain, args.samples, workers), measure(split, args.samples, workers)
            runs = args.samples * (one["candidates"] + 1)
            print(f"  {name:20s}: {runs:,} runs without segments {one['run']:6.2f} s, with two segments "
                  f"{two['run']:6.2f} s: ×{two['run'] / one['run']:.2f} (target ≤ ×2.2); peak memory "
                  f"{max(one['memory'], one['workers_memory']):.0f} → {max(two['memory'], two['workers_memory']):.0f} "
                  f"MB per process; {two['unstable']} + {two['not_at_rest']} samples left out with segments")


if __name__ == "__main__":
    main()
