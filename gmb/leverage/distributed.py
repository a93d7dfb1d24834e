"""Running numbered chunks of work: in this process, in a local process pool, or on a Dask cluster.

:func:`run_chunks` calls ``function(payload, i)`` for ``i = 0 … count-1`` and returns the results in
that order. Which way it runs changes nothing in the results, only the time:

- ``scheduler="tcp://HOST:PORT"`` (or a ``distributed.Client``) sends the chunks to a Dask
  distributed cluster (``pip install 'gmb[distributed]'``; the workers need gmb installed too). The
  payload is a task of its own: the scheduler sends it to each worker once and, should every worker
  holding it die, computes it again. A chunk whose worker dies runs again on another. An address
  that cannot be reached, or does not answer as a Dask scheduler, within :data:`SCHEDULER_TIMEOUT`
  seconds, a scheduler without workers, and one whose last worker has gone are one-line errors.
- otherwise, with more than one worker (default: the machine's cores) and more than one chunk, a
  local process pool (each process started fresh, the payload sent once to each; a script that
  uses it must run its main code under ``if __name__ == "__main__":``, as for any process pool).
  The worker processes die with this process (at once on Linux, within a second elsewhere), so
  a killed run leaves none behind;
- otherwise, in this process.

With workers or a cluster, a run in which no chunk finishes for ``timeout`` seconds (default
:data:`DEFAULT_TIMEOUT`: a frozen worker or scheduler) stops with :class:`ChunkTimeout`, never hangs.

Example
-------
>>> run_chunks(pow, 2, 4, workers=1)
[1, 2, 4, 8]
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import math
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from typing import Any, Callable

from gmb.errors import GmbError

__all__ = ["run_chunks", "available_cores", "connect_scheduler", "ChunkTimeout", "SCHEDULER_TIMEOUT",
           "DEFAULT_TIMEOUT"]

SCHEDULER_TIMEOUT = 5.0
"""Seconds to wait for a Dask scheduler to answer, or for its first worker, before giving up."""

DEFAULT_TIMEOUT = 600.0
"""Seconds to wait for the next chunk to finish before giving up (a chunk takes seconds)."""


class ChunkTimeout(GmbError):
    """No chunk finished within the timeout; ``what`` says where, without the suggestion."""

    def __init__(self, what: str, timeout: float):
        self.what, self.timeout = what, timeout
        super().__init__(f"{what}; check them, or allow more time")


def available_cores() -> int:
    """The number of CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_chunks(function: Callable[[Any, int], Any], payload: Any, count: int, scheduler=None,
               workers: int | None = None, on_done: Callable[[int], None] | None = None,
               timeout: float | None = None) -> list:
    """``[function(payload, i) for i in range(count)]``, run as the module notes say.

    ``function`` must be importable by name (a module-level function) and ``payload`` picklable;
    ``on_done(i)`` is called in this process as each chunk finishes (for a progress bar);
    ``timeout`` is the longest wait for the next chunk (None: :data:`DEFAULT_TIMEOUT`) and caps
    the wait for a scheduler's answer (:data:`SCHEDULER_TIMEOUT`).
    """
    if workers is not None and workers < 1:
        raise GmbError(f"the number of workers must be at least 1, not {workers}")
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not (0 < timeout < math.inf):
        raise GmbError(f"the timeout must be a positive number of seconds, not {timeout!r}")
    if scheduler:
        return _on_dask(function, payload, count, scheduler, on_done, float(timeout))
    workers = min(available_cores() if workers is None else workers, count)
    if workers > 1:
        return _in_pool(function, payload, count, workers, on_done, float(timeout))
    results = []
    for index in range(count):
        results.append(function(payload, index))
        if on_done:
            on_done(index)
    return results


# -- local process pool ----------------------------------------------------------------------------
_PAYLOAD: Any = None


def _install(payload: Any, parent: int) -> None:
    global _PAYLOAD
    _PAYLOAD = payload
    _die_with(parent)


def _die_with(parent: int) -> None:
    """End this worker process when ``parent`` (the process that started it) ends."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:  # prctl(PR_SET_PDEATHSIG, SIGKILL): the kernel kills this process when its parent dies
            if ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before that was set
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="gmb-parent-watch", daemon=True).start()


def _call(function: Callable[[Any, int], Any], index: int) -> Any:
    return function(_PAYLOAD, index)


@contextlib.contextmanager
def _one_blas_thread():
    """Worker processes started inside get one BLAS/OpenMP thread each (several per worker would
    compete for the same cores, e.g. in the eigenvalues of the sample checks)."""
    saved = {name: os.environ.get(name) for name in _BLAS_THREADS}
    os.environ.update(dict.fromkeys(_BLAS_THREADS, "1"))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _in_pool(function, payload, count: int, workers: int, on_done, timeout: float) -> list:
    # "spawn": a fresh interpreter per worker, safe whatever threads this process runs (e.g. a Dask client).
    context = multiprocessing.get_context("spawn")
    results: list = [None] * count
    pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_install,
                                                  initargs=(payload, os.getpid()))
    finished = False
    try:
        with _one_blas_thread():  # the workers start here: each is one core's worth of work
            pending = {pool.submit(_call, function, index): index for index in range(count)}
        while pending:
            done, _ = concurrent.futures.wait(pending, timeout, concurrent.futures.FIRST_COMPLETED)
            if not done:
                raise ChunkTimeout(f"no chunk finished within {timeout:g} s in the {workers} local worker "
                                   "processes: one is stuck, or a chunk needs longer", timeout)
            for future in sorted(done, key=pending.get):
                index = pending.pop(future)
                results[index] = future.result()
                if on_done:
                    on_done(index)
        finished = True
    except concurrent.futures.process.BrokenProcessPool as exc:
        raise GmbError(f"a worker process stopped unexpectedly ({exc}); in a script, run the main code under "
                       "'if __name__ == \"__main__\":' (worker processes import it), or use one worker "
                       "(--workers 1)") from None
    finally:
        if not finished:  # an error, a timeout, Ctrl-C: no waiting for the chunks still running
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.kill()
        pool.shutdown(wait=True, cancel_futures=True)
    return results


# -- Dask ------------------------------------------------------------------------------------------
_OR_HERE = "or leave out --scheduler to use this machine's cores"
_POLL = 1.0  # seconds between looks at a cluster that has finished no chunk


def connect_scheduler(address: str, timeout: float = SCHEDULER_TIMEOUT):
    """A ``distributed.Client`` of the Dask scheduler at ``address``; a one-line :class:`GmbError` if Dask
    is not installed, nothing can be reached there, or what answers is not a Dask scheduler, within
    ``timeout`` seconds."""
    try:
        import distributed
    except ImportError:
        raise GmbError("--scheduler needs Dask: pip install 'gmb[distributed]' (or leave out --scheduler "
                       "to use this machine's cores)") from None
    _probe(address, timeout)
    try:
        return distributed.Client(address, timeout=f"{timeout}s", set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - whatever Dask raises, the user gets one line
        raise GmbError(_unreachable(address, _one_line(exc))) from None


def _unreachable(address: str, why: str) -> str:
    return (f"cannot reach {address} ({why}); check the address, that 'dask scheduler' runs there and that "
            f"no firewall blocks the port, {_OR_HERE}")


def _not_dask(address: str, why: str) -> str:
    return (f"{address} does not answer as a Dask scheduler ({why}); check the port ('dask scheduler' "
            f"listens on 8786 unless told otherwise) and that the scheduler is not frozen, {_OR_HERE}")


def _probe(address: str, timeout: float) -> None:
    """Return if ``address`` answers as a Dask scheduler; else a one-line :class:`GmbError` saying why.

    A TCP connection first tells "cannot reach" (refused, no route, no answer) from "not a Dask
    scheduler"; then the server's identity is asked with a hard deadline (``distributed.Client``
    alone can wait for ever where something else listens), in a thread with its own event loop (so
    it works inside Jupyter too).
    """
    from distributed.comm import connect, parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme in ("tcp", "tls"):
            socket.create_connection(parse_host_port(location), timeout=timeout).close()
    except OSError as exc:
        raise GmbError(_unreachable(address, _why(exc, timeout))) from None
    except ValueError as exc:
        raise GmbError(f"{address} is not a scheduler address ({_one_line(exc)}); write tcp://HOST:PORT, "
                       f"{_OR_HERE}") from None

    async def identity() -> dict:
        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    thread = concurrent.futures.ThreadPoolExecutor(1)
    try:
        info = thread.submit(asyncio.run, asyncio.wait_for(identity(), timeout)).result(timeout + 2)
    except (TimeoutError, asyncio.TimeoutError, concurrent.futures.TimeoutError):
        raise GmbError(_not_dask(address, f"it took the connection, then said nothing for {timeout:g} s")) from None
    except OSError as exc:  # another scheme than TCP: refused, unreachable
        raise GmbError(_unreachable(address, _why(exc, timeout))) from None
    except Exception:  # noqa: BLE001 - whatever a server that is not Dask's made the protocol raise
        info = None
    finally:
        thread.shutdown(wait=False)
    if not isinstance(info, dict) or info.get("type") != "Scheduler":
        raise GmbError(_not_dask(address, "it answered, but not as one"))


def _why(exc: OSError, timeout: float) -> str:
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, socket.gaierror):
        return f"unknown host: {exc.strerror or exc}"
    return exc.strerror.lower() if exc.strerror else _one_line(exc)


def _on_dask(function, payload, count: int, scheduler, on_done, timeout: float) -> list:
    import distributed

    answer = min(timeout, SCHEDULER_TIMEOUT)
    client = connect_scheduler(scheduler, answer) if isinstance(scheduler, str) else scheduler
    address = client.scheduler.address
    futures: list = []
    try:
        try:
            client.wait_for_workers(1, timeout=answer)
        except (TimeoutError, asyncio.TimeoutError):
            raise GmbError(f"the Dask scheduler at {address} has no workers (none joined within "
                           f"{answer:g} s); start some with 'dask worker {address}', {_OR_HERE}") from None
        # A task, not client.scatter: should every worker holding the payload die, the scheduler
        # computes it again for the workers left or joining.
        shared = client.submit(_hold, payload, pure=False)
        futures = [shared] + [client.submit(function, shared, index, pure=False) for index in range(count)]
        pending = {future: index for index, future in enumerate(futures[1:])}
        results: list = [None] * count
        progress = time.monotonic()
        workerless = None  # since when the scheduler has had no worker
        while pending:
            left = progress + timeout - time.monotonic()  # until the run times out
            try:
                with client.as_current():
                    done = distributed.wait(list(pending), timeout=max(0.01, min(_POLL, left)),
                                            return_when="FIRST_COMPLETED").done
            except (TimeoutError, asyncio.TimeoutError):
                done = set()
            now = time.monotonic()
            if done:
                progress = now  # chunks finished; fetching each result asks the scheduler where it is,
                for future in sorted(done, key=pending.get):  # and a frozen one never answers
                    index = pending.pop(future)
                    results[index] = _result(future, index, address, timeout, progress + timeout - time.monotonic())
                    if on_done:
                        on_done(index)
                    progress = time.monotonic()
                workerless = None
            elif now - progress >= timeout:
                raise _stalled(timeout, address)
            elif _has_workers(client, min(answer, progress + timeout - now)):
                workerless = None
            elif workerless is None:
                workerless = now
            elif now - workerless >= answer:
                raise GmbError(f"every worker of the Dask scheduler at {address} has stopped, and none joined "
                               f"within {answer:g} s; start some with 'dask worker {address}', {_OR_HERE}")
        return results
    finally:
        for future in futures:  # the cluster forgets them (and stops chunks still waiting to run)
            future.release()
        if client is not scheduler:
            client.close(timeout=answer)


def _hold(payload: Any) -> Any:
    return payload


def _stalled(timeout: float, address: str) -> ChunkTimeout:
    return ChunkTimeout(f"no chunk finished within {timeout:g} s on the Dask cluster of {address}: "
                        "a worker or the scheduler is frozen, or a chunk needs longer", timeout)


def _result(future, index: int, address: str, timeout: float, left: float) -> Any:
    """The chunk's result, fetched within ``left`` seconds (else the run has stalled: no chunk within
    ``timeout``); its own error as it was raised on the worker; a lost chunk as one line."""
    import distributed

    try:
        return future.result(timeout=max(0.01, left))
    except (TimeoutError, asyncio.TimeoutError):
        raise _stalled(timeout, address) from None
    except distributed.KilledWorker:
        raise GmbError(f"chunk {index} stopped each Dask worker that ran it (it may need more memory than a "
                       f"worker has); give the workers of {address} more memory, {_OR_HERE}") from None
    except concurrent.futures.CancelledError:
        raise GmbError(f"the Dask scheduler at {address} dropped chunk {index} (it stopped, or lost the "
                       f"connection to this process); check it and run again, {_OR_HERE}") from None


def _has_workers(client, timeout: float) -> bool:
    """False if the scheduler says it has no worker; True if it has, or does not say within ``timeout``."""
    try:
        return bool(client.nthreads(callback_timeout=timeout))
    except Exception:  # noqa: BLE001 - a frozen or lost scheduler: the timeout of the run decides
        return True


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."
