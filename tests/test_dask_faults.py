"""Faults while chunks run: a Dask worker that dies or freezes, a frozen scheduler, an address that does
not answer, a stuck local worker, a killed ``gmb leverage``. Each ends in the same results or in a
one-line error within its timeout, and leaves no process behind. Every test has its own hard bound."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from gmb.cli import main
from gmb.errors import GmbError
from gmb.leverage.distributed import ChunkTimeout, run_chunks
from gmb.leverage.ranking import leverage
from gmb.maps.store import load_map

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "models" / "havndal.yaml"
DASK = Path(sys.executable).with_name("dask")
QUIET = {"dashboard_address": None, "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int, trackers: bool = True) -> set[int]:
    """The live (not zombie) child processes of ``pid``, from /proc; with ``trackers=False`` not
    multiprocessing's resource tracker (one per process that uses a pool, for its whole life)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                state, ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
                tracker = b"resource_tracker" in (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(ppid) == pid and state != "Z" and (trackers or not tracker):
                found.add(int(entry.name))
    return found


def within(seconds: float, function, *args, **kwargs):
    """``function(*args, **kwargs)`` in a daemon thread: the test fails, never hangs, if it takes longer."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - raised again in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{function.__name__} still runs after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def invoke(*args: str):
    """``gmb ARGS`` in this process, bounded to 30 s."""
    return within(30, CliRunner().invoke, main, list(args))


def alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@contextlib.contextmanager
def dask_processes(workers: int = 1):
    """A ``dask scheduler`` and ``workers`` × ``dask worker --no-nanny`` (no restarts) on loopback, as
    processes of their own (to be frozen or killed); yields the address and the processes."""
    address = f"tcp://127.0.0.1:{free_port()}"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), str(ROOT)]))
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    processes = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                                   "--dashboard-address", "127.0.0.1:0"], **quiet)]
    try:
        processes += [subprocess.Popen([str(DASK), "worker", address, "--no-nanny", "--nthreads", "1",
                                        "--no-dashboard"], **quiet) for _ in range(workers)]
        with distributed.Client(address, timeout="30s", set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=30)
        yield address, processes
    finally:
        for process in processes:
            process.kill()
            process.wait(10)


# -- chunk functions: the workers import them from this module ---------------------------------------
def _exits(payload, index):
    os._exit(1)


def _sleeps(seconds, index):
    time.sleep(seconds)
    return index


# -- Dask workers ------------------------------------------------------------------------------------
def test_workers_killed_mid_run_leave_their_chunks_to_the_others_and_the_results_unchanged():
    """Both workers (the only holders of the payload) are killed when the first chunk is in; their
    nannies start new ones, which get the payload again and finish the run: the same bytes."""
    cmap = load_map(EXAMPLE)
    here = leverage(cmap, samples=1000, seed=3, horizon=24, workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  **QUIET) as cluster:
        with distributed.Client(cluster, set_as_default=False) as client:
            first = set(client.run(os.getpid).values())
            killed = []

            def kill_once(samples):
                if not killed:
                    killed.extend(first)
                    for pid in first:
                        os.kill(pid, signal.SIGKILL)

            started = time.monotonic()
            there = within(60, leverage, cmap, samples=1000, seed=3, horizon=24,
                           scheduler=cluster.scheduler_address, progress=kill_once, timeout=60)
            assert time.monotonic() - started < 60
            assert killed and not first & set(client.run(os.getpid).values())  # new worker processes
    assert here.effects.final.tobytes() == there.effects.final.tobytes()
    assert here.effects.auc.tobytes() == there.effects.auc.tobytes()


def test_a_chunk_that_kills_every_worker_that_runs_it_is_one_line():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  **QUIET) as cluster:
        started = time.monotonic()
        with pytest.raises(GmbError, match=r"^chunk 0 stopped each Dask worker that ran it \(it may need more "
                                           r"memory than a worker has\); give the workers of tcp://127\.0\.0\.1"):
            within(60, run_chunks, _exits, None, 1, scheduler=cluster.scheduler_address, timeout=60)
        assert time.monotonic() - started < 60


def test_when_the_last_worker_dies_the_run_is_one_line_not_a_hang():
    with dask_processes(workers=1) as (address, _):
        started = time.monotonic()
        with pytest.raises(GmbError) as error:
            within(30, run_chunks, _exits, None, 3, scheduler=address, timeout=60)
        assert time.monotonic() - started < 20
    assert str(error.value) == f"every worker of the Dask scheduler at {address} has stopped, and none joined " \
                               f"within 5 s; start some with 'dask worker {address}', or leave out --scheduler " \
                               "to use this machine's cores"


def test_a_frozen_worker_ends_the_run_at_the_timeout(tmp_path):
    with dask_processes(workers=1) as (address, (_, worker)):
        os.kill(worker.pid, signal.SIGSTOP)
        started = time.monotonic()
        result = invoke("leverage", str(EXAMPLE), "--samples", "10", "--scheduler", address,
                        "--timeout", "2", "-o", str(tmp_path / "out"))
        assert time.monotonic() - started < 2 + 5
    assert result.exit_code == 2 and not (tmp_path / "out").exists()
    assert result.stderr == f"error: no chunk finished within 2 s on the Dask cluster of {address}: a worker or " \
                            "the scheduler is frozen, or a chunk needs longer; check them, or raise --timeout " \
                            "(now 2 s)\n"


def test_a_scheduler_frozen_mid_run_ends_the_run_at_the_timeout():
    with dask_processes(workers=1) as (address, (scheduler, _)):
        freeze = threading.Timer(1.0, os.kill, (scheduler.pid, signal.SIGSTOP))
        freeze.start()
        started = time.monotonic()
        try:
            with pytest.raises(ChunkTimeout, match="no chunk finished within 3 s on the Dask cluster"):
                within(20, run_chunks, _sleeps, 0.5, 40, scheduler=address, timeout=3)
            assert time.monotonic() - started < 1 + 3 + 3 + 3  # the freeze, the timeout, closing the client, slack
        finally:
            freeze.join()
            os.kill(scheduler.pid, signal.SIGCONT)


# -- addresses -----------------------------------------------------------------------------------------
def gmb_leverage(*options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gmb", "leverage", str(EXAMPLE), "--samples", "10", *options],
                          capture_output=True, text=True, timeout=60)


def test_an_address_outside_loopback_that_does_not_answer_cannot_be_reached():
    started = time.monotonic()
    result = gmb_leverage("--scheduler", "tcp://192.0.2.1:8786", "--timeout", "1")    # TEST-NET: never answers
    assert time.monotonic() - started < 1 + 10                                         # + starting Python
    assert result.returncode == 2 and result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("error: cannot reach tcp://192.0.2.1:8786 (")
    assert "check the address, that 'dask scheduler' runs there" in result.stderr


def test_an_address_that_drops_the_connection_cannot_be_reached_within_the_timeout():
    """A blackholed address, on loopback: a listening socket whose one-place queue is full drops
    further connection requests, as a firewall does."""
    with socket.socket() as server, socket.socket() as first:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        first.connect(server.getsockname())
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        started = time.monotonic()
        result = invoke("leverage", str(EXAMPLE), "--samples", "10", "--scheduler", address,
                        "--timeout", "1")
        assert time.monotonic() - started < 1 + 3
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: cannot reach {address} (no answer within 1 s); check the address")


def test_a_server_that_answers_but_not_as_dask_is_not_a_dask_scheduler():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"

        def answer_http():
            server.settimeout(10)
            with contextlib.suppress(OSError):
                for _ in range(2):  # the reachability check, then the identity question
                    connection, _ = server.accept()
                    with connection:
                        connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 4)

        talker = threading.Thread(target=answer_http, daemon=True)
        talker.start()
        result = invoke("leverage", str(EXAMPLE), "--samples", "10", "--scheduler", address,
                        "--timeout", "2")
        talker.join(5)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {address} does not answer as a Dask scheduler (it answered, but "
                                    "not as one); check the port")


def test_the_timeout_must_be_a_positive_number():
    result = invoke("ideas", "rank", str(EXAMPLE), "--ideas", "x.yaml", "--timeout", "0")
    assert result.exit_code == 2 and "--timeout: 0 is not a positive, finite number" in result.stderr
    with pytest.raises(GmbError, match="timeout must be a positive number of seconds"):
        run_chunks(pow, 2, 3, workers=2, timeout=float("nan"))


# -- the local process pool ---------------------------------------------------------------------------
def test_a_stuck_local_worker_ends_the_run_at_the_timeout_and_is_stopped():
    before = children(os.getpid(), trackers=False)
    started = time.monotonic()
    with pytest.raises(ChunkTimeout) as error:
        within(20, run_chunks, _sleeps, 3600, 4, workers=2, timeout=1.5)
    assert time.monotonic() - started < 1.5 + 8                                        # + starting two Pythons
    assert str(error.value) == "no chunk finished within 1.5 s in the 2 local worker processes: one is stuck, " \
                               "or a chunk needs longer; check them, or allow more time"
    deadline = time.monotonic() + 5
    while children(os.getpid(), trackers=False) - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not children(os.getpid(), trackers=False) - before


def test_a_killed_gmb_leverage_leaves_no_worker_processes():
    run = subprocess.Popen([sys.executable, "-m", "gmb", "leverage", str(EXAMPLE), "--samples", "100000",
                            "--seed", "1", "--horizon", "24", "--workers", "2"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while len(children(run.pid, trackers=False)) < 2 and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.1)
        time.sleep(0.5)  # the workers have started, and hold their chunks
        assert len(children(run.pid, trackers=False)) >= 2 and run.poll() is None, "no worker processes started"
        workers = children(run.pid)  # and the resource tracker, which ends when they have
    finally:
        run.kill()
        run.wait(10)
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:  # tidy up before failing
        os.kill(pid, signal.SIGKILL)
    assert not left, f"worker processes {left} outlived the killed gmb leverage"
