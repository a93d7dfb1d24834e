"""The share of links imported with polarity ``?`` over the SD corpus, and the import time of its largest file.

Imports every Vensim/XMILE/Stella model under ../shared/data (the SDXorg samples and test models,
see its SOURCES.md) and prints, for all of them and for those whose equations gmb's evaluator can
run (no unknown function, every equation read), the links and the share with polarity ``?``, then
the time to import the largest file (best of 3).

    .venv/bin/python bench/bench_import_corpus.py [FOLDER]
"""

from __future__ import annotations

import sys
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


def _timed(path: Path) -> float:
    start = time.perf_counter()
    import_map(path)
    return time.perf_counter() - start


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER)
