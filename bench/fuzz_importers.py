"""Fuzz every importer with 10,000 random and mutated files; print the outcomes and the time.

    python bench/fuzz_importers.py            # 10,000 inputs per importer
    python bench/fuzz_importers.py 2000 xmile # fewer, or some importers only

An input either becomes a valid map ("imported") or is refused with gmb's one-line error
("rejected"); anything else (an uncaught exception, an invalid map, a multi-line error) stops the
run with hypothesis's report of the smallest failing input. Uses the engine of
tests/test_importers_fuzz.py.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_importers_fuzz import MODULES, fuzz  # noqa: E402


def main(argv: list[str]) -> None:
    count = int(argv[0]) if argv else 10_000
    names = argv[1:] or list(MODULES)
    print(f"{'importer':<14}{'inputs':>8}{'imported':>10}{'rejected':>10}{'seconds':>9}{'ms/input':>10}")
    total_start = time.perf_counter()
    for name in names:
        start = time.perf_counter()
        counts = fuzz(name, count)
        seconds = time.perf_counter() - start
        runs = sum(counts.values())
        print(f"{name:<14}{runs:>8}{counts['imported']:>10}{counts['rejected']:>10}{seconds:>9.1f}"
              f"{1000 * seconds / runs:>10.2f}", flush=True)
    print(f"all importers: {time.perf_counter() - total_start:.1f} s, no uncaught exception")


if __name__ == "__main__":
    main(sys.argv[1:])
