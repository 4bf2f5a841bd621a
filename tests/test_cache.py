"""The on-disk check cache: results come back only for the same content, settings and pmkb."""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import shutil
from pathlib import Path

import pytest
from conftest import REPO, VALID, pmkb
from pmkb.check import cache as cache_module
from pmkb.check.cache import CACHE_DIR, ResultCache
from pmkb.check.knowledge_base import CheckResult, KnowledgeBase
from pmkb.settings import Settings

BROKEN = VALID.replace("severity: SEV2", "severity: SEV9").replace("## Impact", "## Effects")


@pytest.fixture
def docs(kb_dir: Path) -> Path:
    (kb_dir / "2026").mkdir()
    (kb_dir / "2026" / "a.md").write_text(VALID)
    (kb_dir / "2026" / "b.md").write_text(BROKEN.replace("PM-2026-014", "PM-2026-015"))
    (kb_dir / "2026" / "c.md").write_text(VALID.replace("PM-2026-014", "PM-2026-016"))
    return kb_dir


def check(docs: Path, settings: Settings | None = None) -> CheckResult:
    """A check in a fresh cache object, as a new process would make, reading from disk."""
    cache = ResultCache(docs.parent / CACHE_DIR)
    return KnowledgeBase(docs, settings or Settings(), display_root=docs, cache=cache, slim=True).check()


def cache_files(docs: Path) -> list[Path]:
    return sorted((docs.parent / CACHE_DIR).glob("*.pickle"))


def test_a_second_check_parses_nothing_and_reports_the_same(docs: Path) -> None:
    first = check(docs)
    assert first.parsed == 3 and len(cache_files(docs)) == 1
    second = check(docs)
    assert second.parsed == 0
    assert second.diagnostics == first.diagnostics and second.diagnostics
    assert [p.meta.id for p in second.postmortems] == [p.meta.id for p in first.postmortems]
    assert second.postmortems[0].summary == first.postmortems[0].summary


def test_an_edited_file_is_checked_again(docs: Path) -> None:
    check(docs)
    (docs / "2026" / "a.md").write_text(VALID.replace("severity: SEV2", "severity: SEV7"))
    result = check(docs)
    assert result.parsed == 1
    assert any(d.path == "2026/a.md" and "SEV7" in d.message for d in result.diagnostics)


def test_a_settings_change_invalidates_every_entry(docs: Path) -> None:
    before = check(docs)
    assert "PM108" in {d.code for d in before.diagnostics}  # unknown severity
    relaxed = Settings(severities=["SEV1", "SEV2", "SEV3", "SEV4", "SEV9"])
    after = check(docs, relaxed)
    assert after.parsed == 3
    assert "PM108" not in {d.code for d in after.diagnostics}
    assert len(cache_files(docs)) == 1, "the entries for the old settings are removed"


def test_a_new_pmkb_version_invalidates_every_entry(docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check(docs)
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    assert check(docs).parsed == 3


def test_a_changed_build_date_invalidates_every_entry(docs: Path) -> None:
    # Overdue action items (PM311) depend on the date.
    cache = ResultCache(docs.parent / CACHE_DIR)
    knowledge_base = KnowledgeBase(docs, Settings(), display_root=docs, cache=cache)
    knowledge_base.check(today=dt.date(2026, 7, 1))
    assert knowledge_base.check(today=dt.date(2026, 7, 1)).parsed == 0
    assert knowledge_base.check(today=dt.date(2026, 7, 2)).parsed == 3


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:-10] + bytes(b ^ 0xFF for b in data[-10:]), id="flipped"),
        pytest.param(lambda data: b"not a cache at all", id="garbage"),
        pytest.param(lambda data: b"", id="empty"),
    ],
)
def test_a_corrupt_cache_file_is_never_trusted(docs: Path, damage) -> None:
    expected = check(docs).diagnostics
    (path,) = cache_files(docs)
    path.write_bytes(damage(path.read_bytes()))
    result = check(docs)
    assert result.parsed == 3
    assert result.diagnostics == expected
    assert check(docs).parsed == 0, "the damaged file is replaced by a good one"


def test_a_well_formed_file_of_the_wrong_shape_is_ignored(docs: Path) -> None:
    check(docs)
    (path,) = cache_files(docs)
    payload = pickle.dumps({"2026/a.md": "not a result", 3: None})
    digest = hashlib.blake2b(payload, digest_size=32).digest()
    path.write_bytes(cache_module._MAGIC + digest + payload)
    assert check(docs).parsed == 3


def test_the_cache_directory_can_be_deleted_at_any_time(docs: Path) -> None:
    expected = check(docs).diagnostics
    shutil.rmtree(docs.parent / ".cache")
    result = check(docs)
    assert result.parsed == 3 and result.diagnostics == expected
    assert len(cache_files(docs)) == 1


def test_an_unwritable_cache_directory_only_costs_speed(docs: Path) -> None:
    (docs.parent / ".cache").write_text("a file where the directory would be")
    first = check(docs)
    assert first.parsed == 3 and check(docs).diagnostics == first.diagnostics


def test_deleted_files_leave_the_cache(docs: Path) -> None:
    check(docs)
    (docs / "2026" / "c.md").unlink()
    result = check(docs)
    assert result.parsed == 0 and len(result.postmortems) == 2
    reread = ResultCache(docs.parent / CACHE_DIR)
    KnowledgeBase(docs, Settings(), display_root=docs, cache=reread).check()
    assert len(reread) == 2


def test_pmkb_check_keeps_its_cache_beside_mkdocs_yml(site: Path) -> None:
    first = pmkb(site, "check")
    assert list((site / ".cache" / "pmkb").glob("check-*.pickle")), first.stderr
    assert pmkb(site, "check").stdout == first.stdout


def test_the_repository_ignores_the_cache() -> None:
    assert ".cache/" in (REPO / ".gitignore").read_text().split()


def test_a_check_served_from_the_cache_finds_the_cross_file_problems(docs: Path) -> None:
    # Duplicate IDs and dangling `related` links are recomputed from the cached IDs,
    # also when the cached postmortems stay pickled (what `pmkb check` does).
    (docs / "2026" / "d.md").write_text(VALID.replace("related: []", "related: [PM-2026-015, PM-2026-999]"))
    first = check(docs)
    assert {"PM601", "PM602"} <= {d.code for d in first.diagnostics}
    cache = ResultCache(docs.parent / CACHE_DIR)
    light = KnowledgeBase(docs, Settings(), display_root=docs, cache=cache, whole_postmortems=False).check()
    assert light.parsed == 0
    assert light.diagnostics == first.diagnostics


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from pmkb.check import knowledge_base as corpus
    from pmkb.check import parallel

    reads: list[str] = []
    original = parallel.read_bytes

    def counting(path: str) -> bytes:
        reads.append(Path(path).name)
        return original(path)

    monkeypatch.setattr(parallel, "read_bytes", counting)
    monkeypatch.setattr(corpus, "read_bytes", counting)
    return reads


def test_files_whose_stat_is_unchanged_are_not_read_again(
    docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "RACY_NS", 0)  # trust stamps of files written just now
    expected = check(docs).diagnostics
    reads = _count_reads(monkeypatch)
    again = check(docs)
    assert reads == [] and again.parsed == 0 and again.diagnostics == expected


def test_a_file_changed_within_the_same_second_is_read_again(docs: Path) -> None:
    # Written just now: its times cannot tell this version from a later edit, so its stamp
    # is not kept and it is hashed again (git's "racy" files).
    check(docs)
    target = docs / "2026" / "a.md"
    before = target.stat()
    target.write_text(VALID.replace("severity: SEV2", "severity: SEV7"))
    import os

    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same mtime
    result = check(docs)
    assert result.parsed == 1
    assert any("SEV7" in d.message for d in result.diagnostics)


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    check(docs)
    target = docs / "2026" / "a.md"
    before = target.stat()
    target.write_text(VALID.replace("severity: SEV2", "severity: SEV7"))
    import os

    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # the change time moves on
    result = check(docs)
    assert result.parsed == 1
    assert any("SEV7" in d.message for d in result.diagnostics)


def test_a_touched_but_unchanged_file_is_hashed_not_parsed(
    docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    check(docs)
    (docs / "2026" / "b.md").touch()
    reads = _count_reads(monkeypatch)
    result = check(docs)
    assert reads == ["b.md"] and result.parsed == 0


def test_one_edit_rewrites_the_index_and_one_shard(docs: Path) -> None:
    check(docs)
    shards = sorted((docs.parent / CACHE_DIR).glob("*.blobs"))
    assert shards and len(cache_files(docs)) == 1
    times = {path.name: path.stat().st_mtime_ns for path in shards}
    (docs / "2026" / "a.md").write_text(VALID.replace("severity: SEV2", "severity: SEV7"))
    check(docs)
    rewritten = [p.name for p in shards if p.stat().st_mtime_ns != times[p.name]]
    assert rewritten == [f"{cache_files(docs)[0].stem}.{cache_module.shard_of('2026/a.md')}.blobs"]


@pytest.mark.parametrize("whole", [True, False])
def test_a_corrupt_shard_costs_only_its_files(docs: Path, whole: bool) -> None:
    first = check(docs)
    for shard in (docs.parent / CACHE_DIR).glob("*.blobs"):
        shard.write_bytes(shard.read_bytes()[:-5])
    cache = ResultCache(docs.parent / CACHE_DIR)
    result = KnowledgeBase(
        docs, Settings(), display_root=docs, cache=cache, slim=True, whole_postmortems=whole
    ).check()
    assert result.diagnostics == first.diagnostics
    # a build needs the postmortems: those in a damaged shard are checked again
    assert result.parsed == (3 if whole else 0)
    if whole:
        assert [p.summary for p in result.postmortems] == [p.summary for p in first.postmortems]
    if not whole:  # `pmkb check` does not read the shards; the next build does
        assert check(docs).parsed == 3
    assert check(docs).parsed == 0, "the shards are whole again"
