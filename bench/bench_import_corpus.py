"""The share of links imported with polarity ``?`` over the SD corpus, and the import time of its largest file.

Imports every Vensim/XMILE/Stella model under ../shared/data (the SDXorg samples and test models,
see its SOURCES.md) and prints, for all of them and for those whose equations gmb's evaluator can
run (no unknown function, every equation read), the links and the share with polarity ``?``, then
the time to import the largest file (best of 3). The corpus has no World3-size model, so it also
writes a generated Vensim file of about 150 kB (sectors of stocks with inflows and outflows, lookups,
IF THEN ELSE, SMOOTH and MAX, every variable named in the sketch) and times its import (target < 2 s).

    .venv/bin/python bench/bench_import_corpus.py [FOLDER]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from gmb.errors import GmbError
from gmb.formats import import_map

FOLDER = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SUFFIXES = (".mdl", ".xmile", ".stmx", ".itmx")
UNRUNNABLE = ("cannot evaluate", "could not be read", "not read")


def main(folder: Path) -> None:
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES)
    if not files:
        sys.exit(f"no models under {folder}")
    totals = {"all": [0, 0], "runnable": [0, 0]}
    refused = []
    for path in files:
        try:
            cmap, warnings = import_map(path)
        except GmbError as exc:
            refused.append(f"{path.relative_to(folder)}: {exc}")
            continue
        signs = [a["polarity"] for _, _, a in cmap.links()]
        notes = " ".join(str(a.get("notes", "")) for _, _, a in cmap.links()) + " ".join(warnings)
        for group in ("all",) + (("runnable",) if not any(w in notes for w in UNRUNNABLE) else ()):
            totals[group][0] += len(signs)
            totals[group][1] += signs.count("?")
    print(f"{len(files)} model files, {len(refused)} refused")
    for line in refused:
        print("  refused:", line)
    for group, (links, unknown) in totals.items():
        print(f"{group:9s} {links:5d} links, {unknown:4d} with polarity ? ({unknown / max(links, 1):.1%})")
    largest = max(files, key=lambda p: p.stat().st_size)
    best = min(_timed(largest) for _ in range(3))
    print(f"largest: {largest.relative_to(folder)} ({largest.stat().st_size / 1000:.0f} kB) imports in {best:.3f} s")
    with tempfile.TemporaryDirectory() as scratch:
        big = generated_mdl(Path(scratch) / "world_size.mdl")
        best = min(_timed(big) for _ in range(3))
        cmap, _ = import_map(big)
        print(f"generated World3-size model ({big.stat().st_size / 1000:.0f} kB, {cmap.graph.number_of_nodes()} "
              f"variables, {cmap.graph.number_of_edges()} links) imports in {best:.2f} s (target < 2 s)")


def generated_mdl(path: Path, sectors: int = 105) -> Path:
    """A Vensim model of about 150 kB: per sector a stock with an inflow and an outflow, a lookup, an
    IF THEN ELSE, a SMOOTH and links to the previous sector (a chain of coupled sectors, like World3)."""
    blocks = []

    def eq(name: str, text: str, units: str = "", note: str = "") -> None:
        blocks.append(f"{name}=\n\t{text}\n\t~\t{units}\n\t~\t{note or 'generated for the import benchmark'}\n\t|\n")

    for i in range(sectors):
        prev = f"Stock {i - 1}" if i else "Stock 0"
        eq(f"Stock {i}", f"INTEG(Inflow {i} - Outflow {i}, 100)", "people")
        eq(f"Inflow {i}", f"Stock {i} * Birth rate {i} * Effect of crowding {i}", "people/Year")
        eq(f"Outflow {i}", f"Stock {i} / Lifetime {i}", "people/Year")
        eq(f"Birth rate {i}", "0.03", "1/Year")
        eq(f"Lifetime {i}", f"IF THEN ELSE(Smoothed ratio {i} > 1, 40, 50)", "Year")
        eq(f"Crowding ratio {i}", f"{prev} / Capacity {i}", "Dmnl")
        eq(f"Smoothed ratio {i}", f"SMOOTH(Crowding ratio {i}, 5)", "Dmnl")
        eq(f"Capacity {i}", f"MAX(100, Stock {i} * 1.1)", "people")
        eq(f"Effect of crowding {i}", f"Crowding lookup {i}(Smoothed ratio {i})", "Dmnl")
        blocks.append(f"Crowding lookup {i}(\n\t[(0,0)-(2,2)],(0,1.2),(0.5,1.1),(1,1),(1.5,0.8),(2,0.5))\n"
                      "\t~\tDmnl\n\t~\tgenerated lookup\n\t|\n")
    for name, value in (("FINAL TIME", "200"), ("INITIAL TIME", "0"), ("SAVEPER", "1"), ("TIME STEP", "0.25")):
        eq(name, value, "Year")
    text = "{UTF-8}\n" + "\n".join(blocks) + "\\\\\\---/// Sketch information - do not modify anything except names\n"
    text += "V300  Do not put anything below this section - it will be ignored\n*View 1\n$192-192-192,0,Times New Roman|12||0-0-0|0-0-0|0-0-255|-1--1--1|-1--1--1|72,72,100,0\n"
    n = 1
    for i in range(sectors):
        for name in (f"Stock {i}", f"Inflow {i}", f"Outflow {i}", f"Birth rate {i}", f"Lifetime {i}",
                     f"Crowding ratio {i}", f"Smoothed ratio {i}", f"Capacity {i}", f"Effect of crowding {i}"):
            text += f"10,{n},{name},{100 + 40 * (n % 20)},{100 + 30 * (n // 20)},40,20,8,3,0,0,0,0,0,0\n"
            n += 1
    text += "///---\\\\\\\n"
    path.write_text(text, encoding="utf-8")
    return path


def _timed(path: Path) -> float:
    start = time.perf_counter()
    import_map(path)
    return time.perf_counter() - start


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER)
