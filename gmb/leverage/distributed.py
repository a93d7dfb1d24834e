"""Running numbered chunks of work: in this process, in a local process pool, or on a Dask cluster.

:func:`run_chunks` calls ``function(payload, i)`` for ``i = 0 … count-1`` and returns the results in
that order. Which way it runs changes nothing in the results, only the time:

- ``scheduler="tcp://HOST:PORT"`` (or a ``distributed.Client``) sends the chunks to a Dask
  distributed cluster (``pip install 'gmb[distributed]'``; the workers need gmb installed too). The
  payload is sent once to every worker. An address that does not answer as a Dask scheduler within
  :data:`SCHEDULER_TIMEOUT` seconds, or a scheduler without workers, is a one-line error, never a hang.
- otherwise, with more than one worker (default: the machine's cores) and more than one chunk, a
  local process pool (each process started fresh, the payload sent once to each; a script that
  uses it must run its main code under ``if __name__ == "__main__":``, as for any process pool);
- otherwise, in this process.

Example
-------
>>> run_chunks(pow, 2, 4, workers=1)
[1, 2, 4, 8]
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import os
import socket
from typing import Any, Callable

from gmb.errors import GmbError

__all__ = ["run_chunks", "available_cores", "connect_scheduler", "SCHEDULER_TIMEOUT"]

SCHEDULER_TIMEOUT = 5.0
"""Seconds to wait for a Dask scheduler to answer before giving up."""


def available_cores() -> int:
    """The number of CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_chunks(function: Callable[[Any, int], Any], payload: Any, count: int, scheduler=None,
               workers: int | None = None, on_done: Callable[[int], None] | None = None) -> list:
    """``[function(payload, i) for i in range(count)]``, run as the module notes say.

    ``function`` must be importable by name (a module-level function) and ``payload`` picklable;
    ``on_done(i)`` is called in this process as each chunk finishes (for a progress bar).
    """
    if workers is not None and workers < 1:
        raise GmbError(f"the number of workers must be at least 1, not {workers}")
    if scheduler:
        return _on_dask(function, payload, count, scheduler, on_done)
    workers = min(available_cores() if workers is None else workers, count)
    if workers > 1:
        return _in_pool(function, payload, count, workers, on_done)
    results = []
    for index in range(count):
        results.append(function(payload, index))
        if on_done:
            on_done(index)
    return results


# -- local process pool ----------------------------------------------------------------------------
_PAYLOAD: Any = None


def _install(payload: Any) -> None:
    global _PAYLOAD
    _PAYLOAD = payload


def _call(function: Callable[[Any, int], Any], index: int) -> Any:
    return function(_PAYLOAD, index)


def _in_pool(function, payload, count: int, workers: int, on_done) -> list:
    # "spawn": a fresh interpreter per worker, safe whatever threads this process runs (e.g. a Dask client).
    context = multiprocessing.get_context("spawn")
    results: list = [None] * count
    pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_install,
                                                  initargs=(payload,))
    try:
        futures = {pool.submit(_call, function, index): index for index in range(count)}
        for future in concurrent.futures.as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            if on_done:
                on_done(index)
    except concurrent.futures.process.BrokenProcessPool as exc:
        raise GmbError(f"a worker process stopped unexpectedly ({exc}); in a script, run the main code under "
                       "'if __name__ == \"__main__\":' (worker processes import it), or use one worker "
                       "(--workers 1)") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results


# -- Dask ------------------------------------------------------------------------------------------
def connect_scheduler(address: str, timeout: float = SCHEDULER_TIMEOUT):
    """A ``distributed.Client`` of the Dask scheduler at ``address``; a one-line :class:`GmbError`
    if Dask is not installed or nothing answers there as a scheduler within ``timeout`` seconds."""
    try:
        import distributed
    except ImportError:
        raise GmbError("--scheduler needs Dask: pip install 'gmb[distributed]' (or leave out --scheduler "
                       "to use this machine's cores)") from None
    reason = _probe(address, timeout)
    if reason is None:
        try:
            return distributed.Client(address, timeout=f"{timeout}s", set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - whatever Dask raises, the user gets one line
            reason = _one_line(exc)
    raise GmbError(f"cannot reach a Dask scheduler at {address} ({reason}); check the address and that "
                   "'dask scheduler' runs there, or leave out --scheduler to use this machine's cores")


def _probe(address: str, timeout: float) -> str | None:
    """None if ``address`` answers as a Dask scheduler, else why not.

    ``distributed.Client`` alone can wait for ever on a port where something else listens; this
    asks the identity of the server with a hard deadline, in a thread with its own event loop (so
    it works inside Jupyter too).
    """
    from distributed.comm import connect, parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme == "tcp":  # a closed port or an unknown host is known at once: no need to wait
            socket.create_connection(parse_host_port(location), timeout=timeout).close()
    except OSError as exc:
        return f"no answer within {timeout:g} s" if isinstance(exc, TimeoutError) else _one_line(exc)
    except ValueError as exc:
        return _one_line(exc)

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
        return f"no answer within {timeout:g} s"
    except (OSError, ValueError) as exc:  # refused, unreachable, a bad scheme
        return _one_line(exc)
    except Exception:  # noqa: BLE001 - whatever a server that is not Dask's made the protocol raise
        return "the server there does not answer as a Dask scheduler"
    finally:
        thread.shutdown(wait=False)
    if not isinstance(info, dict) or info.get("type") != "Scheduler":
        return "the server there does not answer as a Dask scheduler"
    return None


def _on_dask(function, payload, count: int, scheduler, on_done) -> list:
    import distributed

    client = connect_scheduler(scheduler) if isinstance(scheduler, str) else scheduler
    try:
        try:
            client.wait_for_workers(1, timeout=SCHEDULER_TIMEOUT)
        except (TimeoutError, asyncio.TimeoutError):
            address = client.scheduler.address
            raise GmbError(f"the Dask scheduler at {address} has no workers (none joined within "
                           f"{SCHEDULER_TIMEOUT:g} s); start some with 'dask worker {address}', or leave out "
                           "--scheduler to use this machine's cores") from None
        shared = client.scatter(payload, broadcast=True)
        futures = [client.submit(function, shared, index, pure=False) for index in range(count)]
        position = {future.key: index for index, future in enumerate(futures)}
        with client.as_current():
            for future in distributed.as_completed(futures):
                future.result()  # a chunk's error is raised here, as it was raised on the worker
                if on_done:
                    on_done(position[future.key])
        return client.gather(futures)
    finally:
        if client is not scheduler:
            client.close()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."
