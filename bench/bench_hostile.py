"""The hostile-input table: every command on every input of tests/hostile_corpus.py, as real processes.

    python bench/bench_hostile.py             # one line per input and command, then the worst figures

Each line: the input, the command, its exit code, wall time, peak memory (the process's maximum
resident set) and the first line it printed on stderr. Targets (issue 12): exit 0 or 2 (validate
may exit 1), at most one stderr line besides warnings, peak memory < 1 GB, wall time < 30 s.
"""

from __future__ import annotations

import concurrent.futures
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hostile_corpus import execute, runs, write_corpus  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        pairs = runs(write_corpus(directory))
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(lambda run: execute(run, directory), pairs))
    print(f"{'input':28} {'command':44} {'exit':>4} {'time':>7} {'memory':>8}  first stderr line")
    for run, outcome in zip(pairs, outcomes):
        command = " ".join(run.args).replace("{input}", "IN")
        first = (outcome.errors or outcome.warnings or [""])[0]
        print(f"{run.input:28} {command[:44]:44} {outcome.code:>4} {outcome.seconds:6.2f}s {outcome.peak_mb:6.0f}MB"
              f"  {first[:110]}")
    worst_time = max(zip(outcomes, pairs), key=lambda pair: pair[0].seconds)
    worst_memory = max(zip(outcomes, pairs), key=lambda pair: pair[0].peak_mb)
    print(f"\n{len(pairs)} runs; exit codes {sorted({o.code for o in outcomes})}; "
          f"most stderr lines {max(len(o.errors) for o in outcomes)}; code ran: {any(o.ran_code for o in outcomes)}")
    print(f"slowest: {worst_time[0].seconds:.2f} s ({worst_time[1].name()})")
    print(f"most memory: {worst_memory[0].peak_mb:.0f} MB ({worst_memory[1].name()})")


if __name__ == "__main__":
    main()
