"""Where the runs of a sweep execute: this process, local worker processes, or a Dask cluster.

Each backend takes batches of runs and yields ``(run, rows, error)`` triples as batches finish;
a batch that is lost (a dead worker, a Dask task that failed) comes back as one error per run, so
a sweep always accounts for every run it was asked for.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from lpmsim.scenario import Scenario
from lpmsim.sweep.worker import Run, run_batch

Batch = list[Run]
Outcome = tuple[int, list[dict] | None, str]

#: Seconds to wait for a Dask scheduler before calling the address unreachable.
DASK_CONNECT_TIMEOUT = 5
#: Times the batches of a dead local worker run again on a fresh pool before they count as lost.
LOCAL_RETRIES = 2


class BackendError(ValueError):
    """A backend that cannot start (an unreachable Dask address, a bad backend name)."""


def batches(runs: list[Run], jobs: int, max_size: int = 50) -> list[Batch]:
    """Cut the runs into batches: about 4 per worker (for load balance), at most ``max_size``."""
    size = max(1, min(max_size, -(-len(runs) // (4 * max(jobs, 1)))))
    return [runs[i:i + size] for i in range(0, len(runs), size)]


def _subset(batch: Batch, scenarios: dict[int, Scenario]) -> dict[int, Scenario]:
    return {p: scenarios[p] for p in {point for _, point, _ in batch}}


def _lost(batch: Batch, exc: BaseException) -> list[Outcome]:
    return [(run, None, f"lost with its batch: {type(exc).__name__}: {exc}") for run, _, _ in batch]


def run_inline(work: list[Batch], scenarios) -> Iterator[list[Outcome]]:
    for batch in work:
        yield run_batch(batch, _subset(batch, scenarios))


def run_local(work: list[Batch], scenarios, jobs: int, retries: int = LOCAL_RETRIES,
              task: Callable[..., list[Outcome]] = run_batch) -> Iterator[list[Outcome]]:
    """Worker processes started with ``spawn`` (same behaviour on Linux, macOS and Windows).

    A worker that dies (killed, out of memory) breaks the whole pool, and every batch not yet
    done fails with BrokenProcessPool: those batches run again on a fresh pool, up to
    ``retries`` times; only what still fails is reported lost. A run's result does not depend
    on the process it runs in (same seed, same result), so a re-run is the same run."""
    ctx = multiprocessing.get_context("spawn")
    pending = list(work)
    for attempt in range(retries + 1):
        broken: list[tuple[Batch, BaseException]] = []
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            futures = {pool.submit(task, b, _subset(b, scenarios)): b for b in pending}
            try:
                for fut in as_completed(futures):
                    try:
                        yield fut.result()
                    except BrokenProcessPool as exc:
                        broken.append((futures[fut], exc))
                    except Exception as exc:  # noqa: BLE001 - pickling errors
                        yield _lost(futures[fut], exc)
            except BaseException:
                for fut in futures:
                    fut.cancel()
                raise
        if not broken:
            return
        if attempt == retries:
            for batch, why in broken:
                yield _lost(batch, why)
            return
        pending = [batch for batch, _ in broken]


def dask_client(address: str | None, jobs: int, processes: bool = True):
    """A Client for ``address`` ("local" or None: a LocalCluster of ``jobs`` workers).
    Raises BackendError naming the address when it cannot be reached."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise BackendError("the Dask backend needs dask[distributed]: pip install 'lpmsim[dask]'") from None
    if address in (None, "", "local"):
        try:
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=processes,
                                   dashboard_address=None)
            return Client(cluster, set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - "Nanny failed to start", a worker killed early
            raise BackendError(f"the local Dask cluster did not start ({type(exc).__name__}: "
                               f"{exc}); try again, or use the local backend") from None
    from distributed.comm.addressing import get_address_host_port
    try:
        host, port = get_address_host_port(address)
    except ValueError as exc:
        # checked before Client(): a Client half-made from a bad address times out later in
        # its __del__ with a traceback
        raise BackendError(f"--dask {address!r} is not a scheduler address such as "
                           f"tcp://host:8786 ({exc})") from None
    try:  # likewise a port nobody listens on: a half-made Client leaves an unretrieved future
        socket.create_connection((host, port), timeout=DASK_CONNECT_TIMEOUT).close()
    except OSError as exc:
        raise BackendError(f"cannot reach the Dask scheduler at {address!r} within "
                           f"{DASK_CONNECT_TIMEOUT} s ({type(exc).__name__}: {exc})") from None
    try:
        return Client(address, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, ValueError for a bad URL
        raise BackendError(f"cannot reach the Dask scheduler at {address!r} within "
                           f"{DASK_CONNECT_TIMEOUT} s ({type(exc).__name__}: {exc})") from None


def run_dask(work: list[Batch], scenarios, client) -> Iterator[list[Outcome]]:
    from dask.distributed import as_completed as dask_completed

    with client.as_current():   # our client is not the process-wide default
        futures = [client.submit(run_batch, b, _subset(b, scenarios), pure=False) for b in work]
        batch_of = {f.key: b for f, b in zip(futures, work)}
        try:
            for fut in dask_completed(futures):
                try:
                    yield fut.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker, a failed task
                    yield _lost(batch_of[fut.key], exc)
        finally:
            for fut in futures:
                fut.release()


def default_jobs() -> int:
    return os.cpu_count() or 1
