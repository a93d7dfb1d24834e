"""Time the map file and the editing commands on a generated 300-variable / 1,000-link map.

    python bench/bench_store.py            # prints one line per figure

Targets (issue 2): ``gmb show`` and ``gmb link add`` under 0.5 s wall each (real processes, so
Python's start-up and imports count), ``load_map`` + ``save_map`` under 0.3 s, and no pysd,
matplotlib or pyvis imported by an editing command. Each figure is the median of 5 runs. For the
commands the CPU time (user + system) is printed too: on a busy machine wall time includes waiting
for a core, CPU time does not. The last lines say which imports cost the most start-up time.
"""

from __future__ import annotations

import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gmb.maps.causalmap import CausalMap
from gmb.maps.store import load_map, save_map

HEAVY = ("pysd", "matplotlib", "pyvis", "pandas")
THEMES = {"mental": ("Mental sundhed", "Mental health"), "community": ("Fællesskaber", "Community"),
          "screens": ("Skærme og medier", "Screens and media"), "food": ("Mad og måltider", "Food and meals"),
          "movement": ("Bevægelse", "Movement"), "family": ("Familie og hverdag", "Family life")}
WORDS = ["skærmtid", "søvn", "trivsel", "fællesskab", "motion", "kost", "ensomhed", "forældre", "skole",
         "cykelsti", "legeplads", "fritid", "forening", "stress", "mobning", "venskaber", "måltider",
         "reklamer", "sukker", "idræt", "søen", "håb", "tillid", "ældre", "bål"]


def generate(n_variables: int = 300, n_links: int = 1000, seed: int = 2) -> CausalMap:
    """A map of workshop style but large: Danish/English labels, themes, kinds, sources, quotes."""
    rng = random.Random(seed)
    cmap = CausalMap.new("Børns mentale sundhed — genereret", ["da", "en"])
    for theme, (da, en) in THEMES.items():
        cmap.add_theme(theme, {"da": da, "en": en}, color=f"#{rng.randrange(16 ** 6):06x}")
    for i in range(n_variables):
        words = rng.sample(WORDS, 2)
        cmap.add_variable(f"v{i:03d}_{words[0]}", {"da": f"{words[0].capitalize()} og {words[1]} {i}",
                                                   "en": f"Factor {i}"},
                          theme=rng.choice(list(THEMES)), kind="action" if rng.random() < 0.1 else None,
                          adjust_time=rng.choice([3, 6, 12]), source={"workshop": "w1", "group": rng.choice("ABC")},
                          notes=f"Sagt i gruppe {rng.choice('ABC')}: \"{words[1]} betyder noget\"" if i % 7 == 0 else None)
    ids = cmap.variables
    while cmap.graph.number_of_edges() < n_links:
        u, v = rng.sample(ids, 2)
        if not cmap.graph.has_edge(u, v):
            cmap.add_link(u, v, rng.choice("+-+-?"), strength=rng.choice(["weak", "medium", "strong"]),
                          delay=rng.random() < 0.2, confidence=rng.choice(["low", "medium", "high"]),
                          source={"workshop": "w1", "group": rng.choice("ABC"), "quote": f"Det hænger sammen ({u})"})
    cmap.set_outcome([ids[0]])
    return cmap


def gmb(*args: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one real ``gmb`` process; fails loudly if the command fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gmb", *args], check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_of(runs: int, measure):
    """The median of each figure ``measure(i)`` returns (a number, or a tuple of numbers)."""
    results = [measure(i) for i in range(runs)]
    if isinstance(results[0], tuple):
        return tuple(statistics.median(r[k] for r in results) for k in range(len(results[0])))
    return statistics.median(results)


def unlinked_pairs(cmap: CausalMap, count: int) -> list[tuple[str, str]]:
    ids = cmap.variables
    pairs = [(u, v) for u in ids for v in reversed(ids) if u != v and not cmap.graph.has_edge(u, v)]
    return pairs[:count]


def link_add_imports(map_path: Path) -> dict[str, float]:
    """Cumulative import time (s) of each module ``gmb link add`` imports, from ``python -X importtime``."""
    cmap = load_map(map_path)
    u, v = unlinked_pairs(cmap, 1)[0]
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "gmb", "link", "add", str(map_path), u, v,
                          "--polarity", "+"], check=True, capture_output=True, text=True)
    times = {}
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = line.split("|")
            times.setdefault(name.strip(), int(cumulative) / 1e6)
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        path = folder / "big.yaml"
        cmap = generate()
        save_map(cmap, path)
        size = path.stat().st_size
        print(f"map: {cmap.graph.number_of_nodes()} variables, {cmap.graph.number_of_edges()} links, "
              f"{size / 1024:.0f} KiB")

        show, show_cpu = median_of(5, lambda i: gmb("show", str(path)))
        print(f"gmb show (subprocess, median of 5):        {show:.3f} s wall, {show_cpu:.3f} s CPU   target < 0.5 s")

        pairs = unlinked_pairs(cmap, 5)

        def link_add(i: int) -> float:
            copy = folder / f"copy{i}.yaml"
            shutil.copyfile(path, copy)
            return gmb("link", "add", str(copy), *pairs[i], "--polarity", "-", "--strength", "weak")

        add, add_cpu = median_of(5, link_add)
        print(f"gmb link add (subprocess, median of 5):    {add:.3f} s wall, {add_cpu:.3f} s CPU   target < 0.5 s")

        text = path.read_text(encoding="utf-8")

        def load_save(i: int) -> float:
            target = folder / f"saved{i}.yaml"   # a file not read before: nothing parsed is reused
            target.write_text(f"{text}# run {i}\n", encoding="utf-8")
            start = time.perf_counter()
            loaded = load_map(target)
            loaded.add_variable(f"new_{i}", "Ny")
            save_map(loaded, target)
            return time.perf_counter() - start

        both = median_of(5, load_save)
        print(f"load_map + add a variable + save_map (in process, median of 5): {both:.3f} s   target < 0.3 s")

        start_wall, start_cpu = median_of(5, lambda i: gmb("--version"))
        print(f"(for scale: 'gmb --version', start-up and imports alone: {start_wall:.3f} s wall, {start_cpu:.3f} s CPU)")

        imports = link_add_imports(folder / "copy0.yaml")
        heavy = sorted(m for m in imports if m.split(".")[0] in HEAVY)
        print(f"gmb link add imports {', '.join(HEAVY)}: {', '.join(heavy) if heavy else 'none of them'}")
        costly = ["gmb", "gmb.cli", "networkx", "yaml", "click", "numpy"] + sorted(
            (m for m in imports if m.startswith("gmb.cli.")), key=imports.get, reverse=True)[:3]
        print("import time (cumulative, one run, with -X importtime's overhead): "
              + ", ".join(f"{m} {imports[m]:.3f} s" for m in costly if m in imports))


if __name__ == "__main__":
    main()
