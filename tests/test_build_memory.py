"""The build's memory at its peak, Pagefind writing its bundle: postmortem pages hold their
HTML and source compressed between conversion and writing, and let go of them once
written, Pagefind's allocator hands freed memory back, and the
build process returns its free heap first."""

from __future__ import annotations

import json
import os
import platform
import threading
from pathlib import Path

import pytest
from conftest import VALID
from pmkb.mkdocs.pagefind_service import ALLOCATOR, PIPE_BYTES
from pmkb.mkdocs.parked import ParkedPages
from pmkb.mkdocs.search import StreamingIndex, release_free_memory
from test_serve import Server
from test_site_build import mkdocs_build, tiny_site

linux = pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads /proc")

HOOK = """
import json
from mkdocs.plugins import event_priority

seen = {}

def on_files(files, config):
    seen["files"] = files

def _texts(page):
    return [page.content, page.markdown, sorted(page.meta)]

def on_page_content(content, page, config, files):
    seen.setdefault("converted", {})[page.file.src_uri] = [content, page.markdown, sorted(page.meta)]
    return content

def on_env(env, config, files):  # every page converted, none written
    seen["parked"] = {f.src_uri: _texts(f.page) for f in files.documentation_pages()}

def on_page_context(context, page, config, nav):
    seen.setdefault("writing", {})[page.file.src_uri] = _texts(page)
    return context

@event_priority(-200)  # after every plugin
def on_post_build(config):
    pages = [f.page for f in seen["files"].documentation_pages() if f.page is not None]
    held = {p.file.src_uri: [p.title, p.content is not None, bool(p.markdown), sorted(p.meta)] for p in pages}
    with open("held.json", "w") as handle:
        json.dump(held, handle)
    with open("seen.json", "w") as handle:
        json.dump({k: v for k, v in seen.items() if k != "files"}, handle)
"""


def test_written_postmortem_pages_let_go_of_their_html_source_and_front_matter(tmp_path: Path) -> None:
    root = tiny_site(tmp_path, {"2026/checkout.md": VALID})
    (root / "hook.py").write_text(HOOK)
    with (root / "mkdocs.yml").open("a") as config:
        config.write("hooks:\n  - hook.py\n")
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    held = json.loads((root / "held.json").read_text())
    kept = ["hide", "status", "tags", "title"]  # of its front matter: what MkDocs and Material read
    assert held["2026/checkout.md"] == ["Checkout errors after payments deploy", False, False, kept]
    assert held["index.md"][:3] == ["Home", True, True]  # not a postmortem: left as MkDocs keeps it
    page = (root / "site" / "postmortems" / "2026" / "checkout" / "index.html").read_text()
    assert "connection pool" in page.lower()


def test_between_conversion_and_writing_a_postmortem_page_is_held_compressed_and_every_plugin_sees_it_whole(
    tmp_path: Path,
) -> None:
    root = tiny_site(tmp_path, {"2026/checkout.md": VALID})
    (root / "hook.py").write_text(HOOK)
    with (root / "mkdocs.yml").open("a") as config:
        config.write("hooks:\n  - hook.py\n")
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    seen = json.loads((root / "seen.json").read_text())
    converted, writing = seen["converted"]["2026/checkout.md"], seen["writing"]["2026/checkout.md"]
    assert "connection pool" in converted[0].lower() and "## Impact" in converted[1]
    assert {"severity", "services", "contributing_factors", "title", "hide"} <= set(converted[2])
    # Held by pmkb meanwhile; the front matter keeps what MkDocs and Material read of it.
    assert seen["parked"]["2026/checkout.md"] == ["", "", ["hide", "status", "tags", "title"]]
    assert writing == converted  # back, whole, before any template or plugin sees it
    assert seen["parked"]["index.md"][0]  # not a postmortem: left as MkDocs keeps it


class _Page:
    def __init__(self, src_uri: str, meta: dict[str, object]) -> None:
        self.file = type("File", (), {"src_uri": src_uri})()
        self.markdown: str | None = "# A postmortem\n"
        self.content: str | None = None
        self.meta = meta


def test_a_parked_page_keeps_the_front_matter_mkdocs_reads_first_and_gets_all_of_it_back() -> None:
    parked = ParkedPages()
    page = _Page("2026/a.md", {"template": "incident.html", "title": "A", "severity": "SEV1"})
    page.content = parked.park("<p>Body</p>", page)  # type: ignore[arg-type]
    assert page.meta == {
        "template": "incident.html",
        "title": "A",
    }  # MkDocs picks the template before any event
    parked.restore(page)  # type: ignore[arg-type]
    assert (page.content, page.markdown) == ("<p>Body</p>", "# A postmortem\n")
    assert page.meta == {"template": "incident.html", "title": "A", "severity": "SEV1"}

    odd = _Page("2026/b.md", {"title": "B", "handle": threading.Lock()})  # a plugin's own object
    odd.content = parked.park("<p>B</p>", odd)  # type: ignore[arg-type]
    assert set(odd.meta) == {"title", "handle"}  # cannot be pickled: stays on the page


def _environment(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
    return dict(entry.split("=", 1) for entry in raw.split("\0") if "=" in entry)


@linux
def test_pagefind_runs_with_its_allocator_told_to_return_memory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(ALLOCATOR[0], raising=False)
    index = StreamingIndex(tmp_path)
    try:
        setting = _environment(index._service.process.pid).get(ALLOCATOR[0])
        assert setting == "narenas:1,muzzy_decay_ms:0,tcache_max:1024"
    finally:
        index.close()


@linux
def test_a_users_own_allocator_setting_is_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ALLOCATOR[0], "narenas:4")
    index = StreamingIndex(tmp_path)
    try:
        assert _environment(index._service.process.pid).get(ALLOCATOR[0]) == "narenas:4"
    finally:
        index.close()


@linux
def test_pagefinds_input_pipe_holds_many_pages_so_a_busy_core_does_not_stall_the_build(
    tmp_path: Path,
) -> None:
    fcntl = pytest.importorskip("fcntl")
    if int(Path("/proc/sys/fs/pipe-max-size").read_text()) < PIPE_BYTES:
        pytest.skip("this system caps pipes below the size asked for")
    index = StreamingIndex(tmp_path)
    try:
        stdin = index._service.process.stdin if index._service is not None else None
        assert stdin is not None
        assert fcntl.fcntl(stdin.fileno(), fcntl.F_GETPIPE_SZ) == PIPE_BYTES == 1 << 20
    finally:
        index.close()


def _rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
@linux
def test_free_heap_goes_back_to_the_system() -> None:
    # 100 MB of blocks with a small live block after each one: once the large ones are
    # freed the heap is full of holes that malloc keeps unless told to give them back.
    blocks, pins = [], []
    for _ in range(5_000):
        blocks.append(bytearray(20_000))
        pins.append(bytearray(1_000))
    del blocks
    before = _rss()
    release_free_memory()
    assert before - _rss() > 50_000_000
    assert len(pins) == 5_000


FREEZE_HOOK = """
import gc, json, pathlib
from mkdocs.plugins import event_priority

frozen = {}

def on_page_context(context, page, config, nav):  # once pmkb has made the site model
    frozen.setdefault("writing", gc.get_freeze_count())
    return context

@event_priority(-200)  # after pmkb's
def on_post_build(config):
    frozen["built"] = gc.get_freeze_count()
    pathlib.Path("frozen.json").write_text(json.dumps(frozen))
"""


def _site_with_freeze_hook(root: Path) -> Path:
    tiny_site(root, {"2026/checkout.md": VALID})
    (root / "hook.py").write_text(FREEZE_HOOK)
    with (root / "mkdocs.yml").open("a") as config:
        config.write("hooks:\n  - hook.py\n")
    return root


def test_a_build_that_ends_the_process_keeps_the_site_model_out_of_the_garbage_collector(
    tmp_path: Path,
) -> None:
    root = _site_with_freeze_hook(tmp_path)
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    frozen = json.loads((root / "frozen.json").read_text())
    assert 10_000 < frozen["writing"] < frozen["built"]


def test_serve_keeps_every_build_collectable(tmp_path: Path) -> None:
    root = _site_with_freeze_hook(tmp_path)
    server = Server(root)
    try:
        server.wait_for("Serving on")
        frozen = json.loads((root / "frozen.json").read_text())
        assert frozen == {"writing": 0, "built": 0}  # rebuilt many times: nothing held back
    finally:
        server.stop()
