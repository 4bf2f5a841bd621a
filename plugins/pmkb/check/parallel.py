"""Reading and checking postmortem files, on every core when there are many.

The per-file work (parse, read as a postmortem, run the per-file rules) is the same
function in this process and in the workers, and results are put back in the order of
the jobs, so a parallel check reports exactly what a serial one does, in the same order.
Workers are new Python processes (`child.Child`), not forks: the build may have threads
running (Pagefind's indexer, `mkdocs serve`'s watcher), and forking a threaded process
can deadlock. They are gone when `check_files` returns.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections import deque
from dataclasses import dataclass
from typing import cast

from pmkb.check.cache import FileResult, Stamp, content_digest
from pmkb.check.child import Channel, Child, Disconnected
from pmkb.check.engine import check_postmortem
from pmkb.read.document import Document, read_document
from pmkb.read.postmortem import read_postmortem
from pmkb.read.services import ServiceCatalog
from pmkb.read.yaml_reader import ReadProblem
from pmkb.settings import Settings

PARALLEL_MIN = 400
"""Fewer files than this are checked in this process: starting workers costs more."""
CHUNK = 100
"""Files per task: large enough that sending a task costs little next to checking it."""


@dataclass(frozen=True)
class Job:
    """One file to check: read already (when its content had to be compared with the
    cache's), else read by the process that checks it."""

    display: str
    rel_path: str
    path: str
    raw: bytes | None = None
    stamp: Stamp | None = None
    """The file's stat stamp, taken before it was read (see `cache.stamp_of`)."""


@dataclass(frozen=True)
class Inputs:
    """What every per-file check needs besides the file."""

    settings: Settings
    catalog: ServiceCatalog | None
    today: dt.date
    slim: bool = True
    """Keep only what pages need of each postmortem (see `for_pages`)."""


def check_file(job: Job, inputs: Inputs) -> FileResult:
    """Read, parse and check one file."""
    raw = job.raw
    if raw is None:
        try:
            raw = read_bytes(job.path)
        except OSError as exc:
            return unreadable_result(job.display, job.rel_path, exc, inputs)
    postmortem = read_postmortem(read_document(job.display, raw), inputs.settings)
    postmortem.rel_path = job.rel_path
    diagnostics = check_postmortem(postmortem, inputs.settings, inputs.catalog, inputs.today)
    return FileResult(content_digest(raw), postmortem, tuple(diagnostics), slim=inputs.slim, stamp=job.stamp)


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def unreadable_result(display: str, rel_path: str, exc: OSError, inputs: Inputs) -> FileResult:
    """The result for a file that cannot be read (its digest is empty: never cached)."""
    document = Document(path=display)
    reason = exc.strerror or str(exc)
    document.problems.append(ReadProblem("unreadable", f"cannot read file: {reason}", 1))
    postmortem = read_postmortem(document, inputs.settings)
    postmortem.rel_path = rel_path
    diagnostics = check_postmortem(postmortem, inputs.settings, inputs.catalog, inputs.today)
    return FileResult("", postmortem, tuple(diagnostics), slim=inputs.slim)


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def check_files(
    jobs: list[Job],
    inputs: Inputs,
    workers: int | None = None,
    minimum: int = PARALLEL_MIN,
    *,
    pickled: bool = False,
) -> list[FileResult]:
    """Results for `jobs`, in their order; over `workers` processes (default: one per
    core, this one included) when there are at least `minimum` jobs. `pickled`: the
    results are to be saved, so this process pickles its own while the workers still
    check (theirs come pickled), not after: the chunks are shared out by time taken.

    This process checks chunks too, from the last one back, while the worker processes take
    them from the first one on: a worker spends a quarter of a second importing pmkb
    before its first chunk, and this process would otherwise only wait. A chunk whose
    worker could not start or died is checked here.
    """
    workers = workers or available_cores()
    if workers < 2 or len(jobs) < max(minimum, 1):
        return [check_file(job, inputs) for job in jobs]
    chunks = [jobs[start : start + CHUNK] for start in range(0, len(jobs), CHUNK)]
    done: list[list[FileResult] | None] = [None] * len(chunks)
    order = _Order(len(chunks))
    started: list[_Worker] = []
    try:
        for _ in range(min(workers - 1, len(chunks))):
            with contextlib.suppress(Disconnected):  # none can start: all are checked here
                started.append(_Worker(order, chunks, done, inputs))
        while (number := order.from_back()) is not None:
            results = [check_file(job, inputs) for job in chunks[number]]
            for result in results if pickled else []:
                result.blob()
            done[number] = results
        for worker in started:
            worker.finish()
    finally:
        for worker in started:
            worker.stop()
    return [
        result
        for number, chunk in enumerate(chunks)
        for result in (done[number] or [check_file(job, inputs) for job in chunk])
    ]


class _Order:
    """Which chunk is checked next: the workers take them from the front, this process
    from the back, until they meet."""

    def __init__(self, count: int) -> None:
        self._front = 0
        self._back = count
        self._lock = threading.Lock()

    def from_front(self) -> int | None:
        with self._lock:
            if self._front == self._back:
                return None
            self._front += 1
            return self._front - 1

    def from_back(self) -> int | None:
        with self._lock:
            if self._front == self._back:
                return None
            self._back -= 1
            return self._back


AHEAD = 2
"""Chunks a worker holds at once: it has the next one when it sends back a result, instead
of waiting for this process (busy checking, holding the GIL) to send it one."""


class _Worker:
    """A worker process checking chunks from the front, and the thread of this process
    that sends it chunks and stores its results."""

    def __init__(
        self, order: _Order, chunks: list[list[Job]], done: list[list[FileResult] | None], inputs: Inputs
    ) -> None:
        self._order = order
        self._chunks = chunks
        self._done = done
        self._lock = threading.Lock()
        self._held: deque[int] = deque()
        """Chunks sent to the worker whose results have not come back, oldest first."""
        self._child = Child(_serve, "pmkb-check-worker")
        self._thread = threading.Thread(
            target=self._talk, args=(inputs,), name="pmkb-check-worker", daemon=True
        )
        self._thread.start()

    def _talk(self, inputs: Inputs) -> None:
        channel = self._child.channel
        try:
            channel.send(inputs)
            channel.receive()  # ready: it has imported pmkb
            for _ in range(AHEAD):
                self._send_next()
            while self._held:
                results = channel.receive()
                with self._lock:
                    self._done[self._held.popleft()] = cast("list[FileResult]", results)
                self._send_next()
        except Disconnected:  # what it held is checked by the caller
            self._child.stop()
        finally:
            self._child.close()

    def _send_next(self) -> None:
        with self._lock:
            number = self._order.from_front()
            if number is None:
                return
            self._held.append(number)
        self._child.channel.send(self._chunks[number])

    def finish(self) -> None:
        """Wait for the results of the chunks it holds; if it holds none, as every chunk
        has been taken, it is not waited for (it may still be starting): it is ended."""
        with self._lock:
            idle = not self._held
        if idle:
            self._child.stop()
        self._thread.join()

    def stop(self) -> None:
        """End it now (once finished, it has ended already)."""
        self._child.stop()
        self._thread.join()


def _serve(channel: Channel) -> None:
    """A worker process's work: the inputs, then chunks until this process closes the pipe."""
    inputs = channel.receive()
    assert isinstance(inputs, Inputs)
    channel.send(None)  # ready
    for chunk in channel.read_ahead():
        channel.send([check_file(job, inputs) for job in cast("list[Job]", chunk)])
