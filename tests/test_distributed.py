"""Where the samples run — this process, a local process pool, a real Dask cluster — changes no byte of
the results; a scheduler address that does not answer is a quick one-line error."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.errors import GmbError
from gmb.leverage.distributed import SCHEDULER_TIMEOUT, available_cores, run_chunks
from gmb.leverage.ideas import load_ideas, rank_ideas
from gmb.leverage.ranking import leverage
from gmb.maps.store import load_map

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "models" / "havndal.yaml"
EXAMPLE_IDEAS = ROOT / "workshops" / "havndal" / "ideas.yaml"
# 150 samples of the example's 40 candidates are 6,150 runs: two chunks, so the pool and the cluster share them out.
SAMPLES = 150
# No dashboard, and the scheduler's HTTP (metrics) server on a free port: not Dask's 8787, which another
# scheduler on the machine may hold.
QUIET = {"dashboard_address": None, "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"}}


@pytest.fixture(scope="module")
def cluster():
    """A real Dask cluster on loopback: a scheduler and two worker processes."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  **QUIET) as local:
        yield local


@pytest.fixture(scope="module")
def in_process():
    return leverage(load_map(EXAMPLE), samples=SAMPLES, seed=21, horizon=36, structure=True, workers=1)


def same(a, b) -> bool:
    return a.effects.final.tobytes() == b.effects.final.tobytes() and a.effects.auc.tobytes() == b.effects.auc.tobytes()


def test_a_local_pool_gives_the_same_bytes(in_process):
    pooled = leverage(load_map(EXAMPLE), samples=SAMPLES, seed=21, horizon=36, structure=True, workers=2)
    assert same(in_process, pooled)


def test_a_dask_cluster_gives_the_same_bytes(cluster, in_process):
    on_dask = leverage(load_map(EXAMPLE), samples=SAMPLES, seed=21, horizon=36, structure=True,
                       scheduler=cluster.scheduler_address)
    assert same(in_process, on_dask)
    with distributed.Client(cluster) as client:     # the chunks really ran on the workers
        assert len(client.scheduler_info()["workers"]) == 2


def test_the_idea_bank_on_the_cluster_matches_this_process(cluster):
    cmap = load_map(EXAMPLE)
    bank = load_ideas(EXAMPLE_IDEAS, cmap)
    here = rank_ideas(cmap, bank, samples=40, seed=5, horizon=24, workers=1)
    there = rank_ideas(cmap, bank, samples=40, seed=5, horizon=24, scheduler=cluster.scheduler_address)
    assert np.array_equal(here.combined.final, there.combined.final)
    assert here.table() == there.table()


def test_leverage_command_on_the_cluster_writes_the_same_files(cluster, tmp_path):
    common = ["leverage", str(EXAMPLE), "--samples", str(SAMPLES), "--seed", "8", "--horizon", "24"]
    for name, extra in (("here", ["--workers", "1"]), ("dask", ["--scheduler", cluster.scheduler_address])):
        result = CliRunner().invoke(main, [*common, *extra, "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    for file in ("leverage.csv", "leverage.json", "leverage.png"):
        assert (tmp_path / "here" / file).read_bytes() == (tmp_path / "dask" / file).read_bytes(), file


def test_a_chunk_error_on_a_worker_comes_back_as_the_same_error(cluster):
    with pytest.raises(GmbError, match="chunk 1 failed"):
        run_chunks(_failing, None, 3, scheduler=cluster.scheduler_address)
    with pytest.raises(GmbError, match="chunk 1 failed"):
        run_chunks(_failing, None, 3, workers=2)


def test_a_scheduler_without_workers_is_one_line_not_a_hang(tmp_path):
    with distributed.LocalCluster(n_workers=0, host="127.0.0.1", **QUIET) as empty:
        started = time.monotonic()
        result = CliRunner().invoke(main, ["leverage", str(EXAMPLE), "--samples", "10", "--scheduler",
                                           empty.scheduler_address, "-o", str(tmp_path / "out")])
        assert time.monotonic() - started < SCHEDULER_TIMEOUT + 10
    assert result.exit_code == 2 and not (tmp_path / "out").exists()
    assert result.stderr == f"error: the Dask scheduler at {empty.scheduler_address} has no workers (none joined " \
                            f"within {SCHEDULER_TIMEOUT:g} s); start some with 'dask worker " \
                            f"{empty.scheduler_address}', or leave out --scheduler to use this machine's cores\n"


def _failing(payload, index):
    if index == 1:
        raise GmbError("chunk 1 failed")
    return index


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_scheduler_is_one_line_exit_2_quickly(tmp_path):
    out = tmp_path / "out"
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "gmb", "leverage", str(EXAMPLE), "--samples", "10",
                             "--scheduler", f"tcp://127.0.0.1:{closed_port()}", "-o", str(out)],
                            capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < SCHEDULER_TIMEOUT + 10
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: cannot reach tcp://127.0.0.1:")
    assert "(connection refused)" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and not out.exists()


def test_a_port_where_something_else_listens_is_an_error_not_a_hang():
    with socket.socket() as server:       # accepts connections, never says a word
        server.bind(("127.0.0.1", 0))
        server.listen()
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        started = time.monotonic()
        result = CliRunner().invoke(main, ["leverage", str(EXAMPLE), "--samples", "10", "--scheduler", address])
        assert time.monotonic() - started < SCHEDULER_TIMEOUT + 5
    assert result.exit_code == 2
    assert result.stderr == f"error: {address} does not answer as a Dask scheduler (it took the connection, then " \
                            f"said nothing for {SCHEDULER_TIMEOUT:g} s); check the port ('dask scheduler' listens " \
                            "on 8786 unless told otherwise) and that the scheduler is not frozen, or leave out " \
                            "--scheduler to use this machine's cores\n"


def test_run_chunks_keeps_the_order_and_checks_workers():
    assert run_chunks(pow, 3, 5, workers=2) == [1, 3, 9, 27, 81]
    done = []
    assert run_chunks(pow, 2, 3, workers=1, on_done=done.append) == [1, 2, 4] and done == [0, 1, 2]
    with pytest.raises(GmbError, match="at least 1"):
        run_chunks(pow, 2, 3, workers=0)
    assert available_cores() >= 1


def test_without_dask_the_scheduler_option_says_how_to_install_it(tmp_path):
    """Dask made unimportable in a real process (``sys.modules[name] = None`` makes ``import`` fail)."""
    code = ("import sys; sys.modules['distributed'] = None; from gmb.cli import main; "
            "main(sys.argv[1:], prog_name='gmb')")
    result = subprocess.run([sys.executable, "-c", code, "leverage", str(EXAMPLE), "--samples", "5",
                             "--scheduler", "tcp://127.0.0.1:8786", "-o", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and not (tmp_path / "out").exists()
    assert result.stderr == "error: --scheduler needs Dask: pip install 'gmb[distributed]' (or leave out " \
                            "--scheduler to use this machine's cores)\n"
