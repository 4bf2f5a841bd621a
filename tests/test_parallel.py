"""A check in worker processes reports exactly what a serial check does, in the same order,
leaves no process behind, and falls back to this process when a worker cannot start or dies."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from conftest import VALID
from pmkb.check import child, parallel
from pmkb.check.knowledge_base import CheckResult, KnowledgeBase
from pmkb.settings import Settings
from processes import cannot_start, child_processes, dying_child, needs_proc

BREAKAGES = [
    lambda t: t,
    lambda t: t.replace("severity: SEV2", "severity: SEV9"),
    lambda t: t.replace("## Impact", "## Effects"),
    lambda t: t.replace("related: []", "related: [PM-2020-0001, PM-1999-999]"),
    lambda t: t.replace("| Sarah Chen | P1 |", "| Sarah Chen, Bob | P7 |"),
    lambda t: t.replace("The canary did not", "Bob forgot to check; the canary did not"),
    lambda t: t.replace("started_at: 2026-06-20T14:00:00Z", "started_at: 2026-06-20T14:00:00"),
    lambda t: t.replace("title: Checkout", "title: [Checkout"),
    lambda t: t.replace("---\n", "", 1),
    lambda t: t.replace("| 14:05 |", "| 13:05 |"),
]


@pytest.fixture
def docs(kb_dir: Path) -> Path:
    for number in range(60):
        text = BREAKAGES[number % len(BREAKAGES)](VALID)
        # Every fifth file shares an ID with the one before: cross-file findings too.
        text = text.replace("PM-2026-014", f"PM-2026-{100 + number - (number % 5 == 4):03d}")
        folder = kb_dir / str(2020 + number % 3)
        folder.mkdir(exist_ok=True)
        (folder / f"{number:03d}.md").write_text(text)
    (kb_dir / "2020" / "binary.md").write_bytes(b"---\x00\xff")
    return kb_dir


def check(docs: Path, workers: int) -> CheckResult:
    knowledge_base = KnowledgeBase(docs, Settings(), display_root=docs, workers=workers, parallel_min=1)
    return knowledge_base.check()


def test_parallel_and_serial_checks_report_identically(docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "CHUNK", 7)  # several tasks per worker, out-of-order finishes
    serial = check(docs, workers=1)
    pooled = check(docs, workers=2)
    assert len(serial.diagnostics) > 60
    assert {d.code[:3] for d in serial.diagnostics} >= {"PM1", "PM2", "PM6"}
    assert pooled.diagnostics == serial.diagnostics
    assert [(p.path, p.meta.id, p.summary) for p in pooled.postmortems] == [
        (p.path, p.meta.id, p.summary) for p in serial.postmortems
    ]


def test_results_keep_the_order_of_the_jobs_before_any_sorting(
    docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "CHUNK", 5)
    paths = sorted(docs.rglob("*.md"))
    # Half the jobs come read (as when the cache compared their content), half are read
    # by the worker that checks them.
    jobs = [
        parallel.Job(
            p.relative_to(docs).as_posix(),
            p.relative_to(docs).as_posix(),
            str(p),
            p.read_bytes() if i % 2 else None,
        )
        for i, p in enumerate(paths)
    ]
    inputs = parallel.Inputs(Settings(), None, __import__("datetime").date(2026, 7, 1))
    serial = parallel.check_files(jobs, inputs, workers=1)
    pooled = parallel.check_files(jobs, inputs, workers=2, minimum=1)
    assert [r.postmortem.path for r in pooled] == [job.display for job in jobs]
    assert [r.digest for r in pooled] == [r.digest for r in serial]
    assert [r.diagnostics for r in pooled] == [r.diagnostics for r in serial]


def test_this_process_and_the_workers_share_the_chunks_and_agree(
    docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This process takes chunks from the back while the workers take them from the front;
    slowed here (the spawned workers are not), it leaves most of them to a worker."""
    monkeypatch.setattr(parallel, "CHUNK", 4)
    jobs = [
        parallel.Job(p.relative_to(docs).as_posix(), p.relative_to(docs).as_posix(), str(p))
        for p in sorted(docs.rglob("*.md"))
    ]
    inputs = parallel.Inputs(Settings(), None, __import__("datetime").date(2026, 7, 1))
    serial = parallel.check_files(jobs, inputs, workers=1)
    checked_here: list[str] = []
    check_file = parallel.check_file

    def slow_check_file(job: parallel.Job, inputs: parallel.Inputs) -> parallel.FileResult:
        checked_here.append(job.display)
        __import__("time").sleep(0.2)
        return check_file(job, inputs)

    monkeypatch.setattr(parallel, "check_file", slow_check_file)
    pooled = parallel.check_files(jobs, inputs, workers=2, minimum=1)
    assert 0 < len(checked_here) < len(jobs)
    assert checked_here[0] == jobs[(len(jobs) - 1) // 4 * 4].display  # the last chunk, first
    assert [r.postmortem.path for r in pooled] == [job.display for job in jobs]
    assert [r.diagnostics for r in pooled] == [r.diagnostics for r in serial]


def test_results_to_be_saved_are_pickled_while_the_workers_check(
    docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "CHUNK", 4)
    jobs = jobs_of(docs)
    serial = parallel.check_files(jobs, INPUTS, workers=1)
    pickled_when_back: list[bool] = []
    check_file = parallel.check_file

    def checked_here(job: parallel.Job, inputs: parallel.Inputs) -> parallel.FileResult:
        result = check_file(job, inputs)
        pickled_when_back.append(result._blob is not None)
        return result

    monkeypatch.setattr(parallel, "check_file", checked_here)
    pooled = parallel.check_files(jobs, INPUTS, workers=2, minimum=1, pickled=True)
    assert pickled_when_back and not any(pickled_when_back)  # pickled by the loop, not by check_file
    assert all(result._blob is not None for result in pooled)  # this process's and the workers'
    assert [r.diagnostics for r in pooled] == [r.diagnostics for r in serial]
    assert [r.postmortem.meta for r in pooled] == [r.postmortem.meta for r in serial]


def jobs_of(docs: Path) -> list[parallel.Job]:
    return [
        parallel.Job(p.relative_to(docs).as_posix(), p.relative_to(docs).as_posix(), str(p))
        for p in sorted(docs.rglob("*.md"))
    ]


INPUTS = parallel.Inputs(Settings(), None, __import__("datetime").date(2026, 7, 1))


@needs_proc
def test_no_process_remains_once_the_check_returns(
    docs: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(parallel, "CHUNK", 5)
    jobs = jobs_of(docs)
    serial = parallel.check_files(jobs, INPUTS, workers=1)
    before = child_processes()
    for workers in (2, 3):
        pooled = parallel.check_files(jobs, INPUTS, workers=workers, minimum=1)
        assert child_processes() == before  # neither the workers nor a resource tracker
        assert [r.diagnostics for r in pooled] == [r.diagnostics for r in serial]
    assert capfd.readouterr().err == ""


@needs_proc
@pytest.mark.parametrize(
    ("command", "held"),
    [
        (cannot_start, 0),
        (dying_child(), 0),
        (dying_child("receive", "receive"), 0),
        (dying_child("receive", "receive", "send", "receive"), parallel.AHEAD),
    ],
    ids=["cannot start", "dies at once", "dies having the inputs", "dies having taken chunks"],
)
def test_this_process_checks_what_a_worker_that_cannot_start_or_dies_would_have(
    docs: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    command: object,
    held: int,
) -> None:
    """Every file is checked here: the chunks from the back first, then those the worker
    took (from the front) before it died."""
    monkeypatch.setattr(parallel, "CHUNK", 4)
    jobs = jobs_of(docs)
    serial = parallel.check_files(jobs, INPUTS, workers=1)
    checked_here: list[str] = []
    check_file = parallel.check_file
    taken = threading.Event()
    from_front = parallel._Order.from_front

    def counted_from_front(self: parallel._Order) -> int | None:
        number = from_front(self)
        if number == held - 1:
            taken.set()
        return number

    def waiting_check_file(job: parallel.Job, inputs: parallel.Inputs) -> parallel.FileResult:
        if held:
            assert taken.wait(60), "the worker took no chunk"
        checked_here.append(job.display)
        return check_file(job, inputs)

    monkeypatch.setattr(parallel._Order, "from_front", counted_from_front)
    monkeypatch.setattr(parallel, "check_file", waiting_check_file)
    monkeypatch.setattr(child, "command", command)
    before = child_processes()
    pooled = parallel.check_files(jobs, INPUTS, workers=2, minimum=1)
    chunks = [jobs[start : start + 4] for start in range(0, len(jobs), 4)]
    order = [*reversed(range(held, len(chunks))), *range(held)]
    assert checked_here == [job.display for number in order for job in chunks[number]]
    assert [r.postmortem.path for r in pooled] == [job.display for job in jobs]
    assert [r.diagnostics for r in pooled] == [r.diagnostics for r in serial]
    assert child_processes() == before
    assert capfd.readouterr().err == ""
