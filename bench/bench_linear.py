"""Benchmark: the model's linearisation (gmb.sd.linear) and its eigenvalues, once and per Monte Carlo sample.

    python bench/bench_linear.py

On bench/bench_simulate.py's generated 100-variable / 250-link map (20 % of links delayed, so
about 150 states): the time to compile the linearisation, one Jacobian with its eigenvalues (the
stability check of ``gmb build``/``simulate``), and a batch of 1,000 samples (link weights and
adjust times drawn as ``gmb leverage`` draws them): the stack of Jacobians in one pass, then the
largest growth rate of each, block by block (:func:`gmb.sd.stability.spectral_blocks`) and, for
comparison, from the eigenvalues of the whole matrices. Also ``gmb press`` with 1,000 samples.
"""

from __future__ import annotations

import os
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

from gmb.analysis.press import press_response  # noqa: E402
from gmb.leverage.uncertainty import MapUncertainty  # noqa: E402
from gmb.maps.store import load_map  # noqa: E402
from gmb.sd.linear import LinearModel  # noqa: E402
from gmb.sd.spec import build_spec  # noqa: E402
from gmb.sd.stability import block_growth, spectral_blocks  # noqa: E402

SAMPLES = 1000


def best(action, repeat: int = 5) -> float:
    """The median wall time of ``repeat`` calls, in ms."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        cmap = load_map(generated_map(Path(folder) / "generated.yaml"))
    spec = build_spec(cmap)
    compile_ms = best(lambda: LinearModel(spec))
    model = LinearModel(spec)
    lin = model.at()
    print(f"generated map: {len(spec.variables)} variables, {len(spec.links)} links, {len(lin.states)} states")
    print(f"  compile:                          {compile_ms:8.1f} ms (once per map)")
    jacobian_ms = best(lambda: model.at())
    eig_ms = best(lambda: np.linalg.eigvals(model.at().A))
    print(f"  one Jacobian:                     {jacobian_ms:8.1f} ms")
    print(f"  one Jacobian + eigenvalues:       {eig_ms:8.1f} ms")

    draws = MapUncertainty(cmap, build_spec(cmap, unknown_links="include")).draw(1, 0, SAMPLES)
    stack_ms = best(lambda: model.at(draws.settings, draws.adjust_times), repeat=3)
    a = model.at(draws.settings, draws.adjust_times).A
    blocks = spectral_blocks(a)
    block_ms = best(lambda: block_growth(a, spectral_blocks(a)).max(axis=-1), repeat=1)
    whole_ms = best(lambda: np.linalg.eigvals(a).real.max(axis=-1), repeat=1)
    same = np.allclose(block_growth(a, blocks).max(axis=-1), np.linalg.eigvals(a).real.max(axis=-1), atol=1e-9)
    print(f"{SAMPLES:,} samples (weights and adjust times drawn), largest block {max(map(len, blocks))} states:")
    print(f"  stack of Jacobians, one pass:     {stack_ms:8.1f} ms ({stack_ms / SAMPLES * 1000:.0f} µs per sample)")
    print(f"  growth rates, block by block:     {block_ms:8.1f} ms ({block_ms / SAMPLES:.2f} ms per sample)")
    print(f"  growth rates, whole matrices:     {whole_ms:8.1f} ms ({whole_ms / SAMPLES:.2f} ms per sample)"
          f"; the same: {same}")
    print(f"  Jacobians + growth rates:         {stack_ms + block_ms:8.1f} ms "
          f"({(stack_ms + block_ms) / SAMPLES:.2f} ms per sample)")
    press_ms = best(lambda: press_response(cmap, "v50", samples=SAMPLES, seed=1, weights="strengths"), repeat=1)
    print(f"gmb press, {SAMPLES:,} samples:              {press_ms:8.1f} ms")


if __name__ == "__main__":
    main()
