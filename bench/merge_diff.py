"""Time 'gmb merge' and 'gmb diff' on generated breakout maps of workshop-like size and larger.

    python bench/merge_diff.py            # prints one line per size

Each size merges three maps of N variables (half shared ids, a quarter matched by label, a quarter
new) and ~2.5 N links, then diffs the first map against the merged one with loops of at most
6 variables. Figures are wall-clock seconds on this machine.
"""

from __future__ import annotations

import random
import time

from gmb.maps.causalmap import CausalMap
from gmb.workshops.diff import diff_maps
from gmb.workshops.merge import merge_maps


def breakout(group: int, n: int, rng: random.Random) -> CausalMap:
    cmap = CausalMap.new(f"group {group}")
    for i in range(n):
        if i < n // 2:
            cmap.add_variable(f"v{i}", {"da": f"Variabel {i}"})
        elif i < 3 * n // 4:
            cmap.add_variable(f"g{group}_{i}", {"da": f"variabel {i}"})   # same label, other id
        else:
            cmap.add_variable(f"g{group}_{i}", {"da": f"Gruppe {group} faktor {i}"})
    ids = cmap.variables
    while cmap.graph.number_of_edges() < int(2.5 * n):
        u, v = rng.sample(ids, 2)
        if not cmap.graph.has_edge(u, v):
            cmap.add_link(u, v, rng.choice("+-"), source={"workshop": "w1", "group": str(group)})
    return cmap


def main() -> None:
    for n in (20, 60, 200):
        rng = random.Random(n)
        maps = [breakout(g, n, rng) for g in (1, 2, 3)]
        start = time.perf_counter()
        merged, report = merge_maps(maps)
        merge_s = time.perf_counter() - start
        start = time.perf_counter()
        diff = diff_maps(maps[0], merged, max_length=6, limit=100_000)
        diff_s = time.perf_counter() - start
        print(f"3 maps x {n} variables: merge {merge_s:.3f} s ({report.variables} variables, {report.links} links, "
              f"{len(report.conflicts)} conflicts, {len(report.proposals)} proposals); "
              f"diff {diff_s:.3f} s ({len(diff.loops_created)} loops created, complete={diff.loops_complete})")


if __name__ == "__main__":
    main()
