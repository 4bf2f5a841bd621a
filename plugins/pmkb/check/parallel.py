"""Reading and checking postmortem files, on every core when there are many.

The per-file work (parse, read as a postmortem, run the per-file rules) is the same
function serially and in the pool, and the pool returns results in the order of the
jobs, so a parallel check reports exactly what a serial one does, in the same order.
Workers are spawned, not forked: the build may have threads running (Pagefind's
indexer, `mkdocs serve`'s watcher), and forking a threaded process can deadlock.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from pmkb.check.cache import FileResult, Stamp, content_digest
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
    jobs: list[Job], inputs: Inputs, workers: int | None = None, minimum: int = PARALLEL_MIN
) -> list[FileResult]:
    """Results for `jobs`, in their order; over `workers` processes (default: one per
    core, this one included) when there are at least `minimum` jobs.

    This process checks chunks too, from the last one back, while the pool's workers take
    them from the first one on: a spawned worker spends half a second importing pmkb
    before its first chunk, and this process would otherwise only wait.
    """
    workers = workers or available_cores()
    if workers < 2 or len(jobs) < max(minimum, 1):
        return [check_file(job, inputs) for job in jobs]
    chunks = [jobs[start : start + CHUNK] for start in range(0, len(jobs), CHUNK)]
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        min(workers - 1, len(chunks)), mp_context=context, initializer=_start_worker, initargs=(inputs,)
    )
    try:
        futures = [pool.submit(_check_chunk, chunk) for chunk in chunks]
        here: dict[int, list[FileResult]] = {}
        for number in reversed(range(len(chunks))):
            if not futures[number].cancel():
                break  # a worker has this chunk, so it has had every one before it
            here[number] = [check_file(job, inputs) for job in chunks[number]]
        return [
            result
            for number, future in enumerate(futures)
            for result in (here[number] if number in here else future.result())
        ]
    finally:
        pool.shutdown(cancel_futures=True)


_inputs: Inputs | None = None
"""A worker's inputs, sent once when it starts rather than with every task."""


def _start_worker(inputs: Inputs) -> None:
    global _inputs
    _inputs = inputs


def _check_chunk(jobs: list[Job]) -> list[FileResult]:
    assert _inputs is not None, "the pool's initializer sets the inputs"
    return [check_file(job, _inputs) for job in jobs]
