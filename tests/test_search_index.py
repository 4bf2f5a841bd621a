"""Pagefind is sent only the searchable part of a postmortem page, in shards, and the
bundle the browser gets is exactly the one a single index of every page writes."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import cbor2
import pytest
from conftest import VALID, build_demo
from pmkb.mkdocs import search
from pmkb.mkdocs.search import BODY_END, StreamingIndex, searchable_part
from pmkb.publish import pagefind_merge
from pmkb.publish.pagefind_merge import MergeError, _prefixes, read_file, settle
from pmkb.publish.pagefind_merge import main as merge_main
from test_site_build import mkdocs_build, tiny_site

REPO = Path(__file__).resolve().parent.parent

Page = tuple[str, str]
"""A page's URL and its HTML."""


def marked_pages(site: Path) -> list[Page]:
    return [
        ("/" + page.relative_to(site).parent.as_posix() + "/", page.read_text(encoding="utf-8"))
        for page in sorted(site.rglob("index.html"))
        if "data-pagefind-body" in page.read_text(encoding="utf-8")
    ]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    root = tmp_path_factory.mktemp("search")
    other = VALID.replace("PM-2026-014", "PM-2026-015").replace("Checkout errors", "Search lag")
    tiny_site(root, {"2026/checkout.md": VALID, "2026/search.md": other})
    build = mkdocs_build(root)
    assert build.returncode == 0, build.stderr
    return marked_pages(root / "site")


@pytest.fixture(scope="module")
def demo_pages(tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    """The demo's postmortem pages, eight times over under other URLs: 160 pages, enough
    words for several index chunks (and a word with an accented variant)."""
    out = tmp_path_factory.mktemp("demo")
    build = build_demo(out)
    assert build.returncode == 0, build.stderr
    found = marked_pages(out)
    assert len(found) >= 15
    return [(f"/copy-{copy}{url}", html) for copy in range(8) for url, html in found]


def index_pages(pages: list[Page], site: Path, *, shard_pages: int, expected: int = 0) -> StreamingIndex:
    """`pages` indexed as a build does (each page's file written as MkDocs writes it)."""
    index = StreamingIndex(site / "pagefind", expected)
    index._shard_pages = shard_pages
    for url, html in pages:
        output = site / url.strip("/") / "index.html"
        index.add(html, url, output)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(html, encoding="utf-8")
    return index


def built(pages: list[Page], site: Path, *, shard_pages: int) -> dict[str, Any]:
    index = index_pages(pages, site, shard_pages=shard_pages)
    index.finish()
    return bundle_view(site / "pagefind")


def bundle_view(folder: Path) -> dict[str, Any]:
    """What a browser can get from a bundle, decoded: the file names that are content
    hashes are kept, Pagefind's own order of filters (a hash map's) is not."""
    entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
    view: dict[str, Any] = {
        "files": sorted(p.name for p in folder.iterdir() if not p.name.endswith(".pf_meta"))
    }
    for language, info in entry["languages"].items():
        meta = cbor2.loads(read_file(folder / f"pagefind.{info['hash']}.pf_meta"))
        view[language] = {
            "page_count": info["page_count"],
            "pages": meta[1],
            "chunks": meta[2],
            "sorts": meta[4],
            "meta_fields": meta[5],
            "filters": {
                name: dict(cbor2.loads(read_file(folder / "filter" / f"{name_hash}.pf_filter"))[1])
                for name, name_hash in meta[3]
            },
        }
    for kind in ("index", "fragment"):
        view[kind] = {path.name: read_file(path) for path in sorted((folder / kind).iterdir())}
    return view


def test_the_searchable_part_is_the_marked_element_in_the_pages_html_tag(pages: list[Page]) -> None:
    assert len(pages) == 2
    for _, html in pages:
        part = searchable_part(html)
        assert part.startswith('<!doctype html><html lang="en"')
        assert "data-pagefind-body" in part and "data-pagefind-filter" in part
        assert 'class="md-nav' not in part  # Material's navigation is left out
        assert len(part) < len(html) / 2


def test_pagefind_indexes_the_part_exactly_as_the_whole_page(pages: list[Page], tmp_path: Path) -> None:
    whole = StreamingIndex(tmp_path / "whole" / "pagefind")
    for url, html in pages:
        whole._send(html, url, tmp_path / "unused.html")
    whole.finish()
    part = built(pages, tmp_path / "part", shard_pages=100)
    assert len(part["fragment"]) == 2
    assert bundle_view(tmp_path / "whole" / "pagefind") == part


def test_a_page_without_pmkbs_end_mark_is_sent_whole(pages: list[Page]) -> None:
    html = pages[0][1].replace(BODY_END, "")
    assert searchable_part(html) == html


def test_shards_merge_into_exactly_the_bundle_of_one_index(demo_pages: list[Page], tmp_path: Path) -> None:
    one = built(demo_pages, tmp_path / "one", shard_pages=10_000)
    index = index_pages(demo_pages, tmp_path / "sharded", shard_pages=25)
    shards = len(index._shards) + 1
    index.finish()
    sharded = bundle_view(tmp_path / "sharded" / "pagefind")
    assert shards == 7
    assert len(one["index"]) >= 3, "several word chunks, so their bounds are merged too"
    assert any(b"\xc3\xa1" in chunk for chunk in one["index"].values()), "a word with an accented variant"
    assert sharded == one
    assert not list((tmp_path / "sharded").glob(".pmkb-search-*")), "the shards are deleted"


def test_shards_with_different_meta_fields_merge_as_one_index(demo_pages: list[Page], tmp_path: Path) -> None:
    # The first shard's pages have no `severity` meta field: the others' field numbers move.
    pages = [
        (url, html.replace('data-pagefind-meta="severity', 'data-x="severity') if number < 20 else html)
        for number, (url, html) in enumerate(demo_pages[:60])
    ]
    assert pages[0][1] != demo_pages[0][1]
    one = built(pages, tmp_path / "one", shard_pages=10_000)
    assert built(pages, tmp_path / "sharded", shard_pages=20) == one


def test_pages_after_the_merge_started_are_merged_in(demo_pages: list[Page], tmp_path: Path) -> None:
    pages = demo_pages[:50]
    index = index_pages(pages[:45], tmp_path / "sharded", shard_pages=20, expected=45)
    assert index._merge is not None, "the merge starts once the expected pages are in"
    for url, html in pages[45:]:  # a page the site's own theme marked too
        index.add(html, url, tmp_path / "late.html")
    index.finish()
    assert bundle_view(tmp_path / "sharded" / "pagefind") == built(
        pages, tmp_path / "one", shard_pages=10_000
    )


def test_pagefind_is_stopped_once_the_shards_are_written_before_the_merge_starts(
    demo_pages: list[Page], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = demo_pages[:45]
    index = StreamingIndex(tmp_path / "site" / "pagefind", len(pages))
    index._shard_pages = 20
    service = index._service
    assert service is not None
    pagefind_running_at_merge: list[bool] = []
    popen = subprocess.Popen

    def merge_process(command: list[str], **options: Any) -> subprocess.Popen[bytes]:
        if "pmkb.publish.pagefind_merge" in command:
            pagefind_running_at_merge.append(service.process.poll() is None)
        return popen(command, **options)

    monkeypatch.setattr(search.subprocess, "Popen", merge_process)
    for url, html in pages:
        index.add(html, url, tmp_path / "unused.html")
    index.finish()
    assert pagefind_running_at_merge == [False]  # its memory let go before the merge's is taken
    assert bundle_view(tmp_path / "site" / "pagefind") == built(pages, tmp_path / "one", shard_pages=10_000)


def test_a_file_pagefind_is_still_writing_is_waited_for_and_one_never_finished_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shard = tmp_path / "shard"
    (shard / "fragment").mkdir(parents=True)
    (shard / "pagefind-entry.json").write_text('{"languages": {}}')
    whole = gzip.compress(b"pagefind_dcd" + bytes(range(256)) * 20)
    fragment = shard / "fragment" / "en_1234567.pf_fragment"
    fragment.write_bytes(whole[:100])  # Pagefind has answered; the rest lands a moment later
    threading.Timer(0.2, fragment.write_bytes, [whole]).start()
    settle([shard])
    assert fragment.read_bytes() == whole

    fragment.write_bytes(whole[:100])
    monkeypatch.setattr(pagefind_merge, "SETTLE_SECONDS", 0.1)
    with pytest.raises(MergeError, match="en_1234567.pf_fragment is incomplete"):
        settle([shard])


def test_a_site_that_sorts_results_gets_one_index_of_every_page(
    demo_pages: list[Page], tmp_path: Path
) -> None:
    pages = list(demo_pages[:30])
    url, html = pages[25]
    pages[25] = (
        url,
        html.replace("<div data-pagefind-body>", '<div data-pagefind-body data-pagefind-sort="rank:1">'),
    )
    sharded = built(pages, tmp_path / "sharded", shard_pages=10)
    assert sharded["en"]["sorts"], "Pagefind's sort order is kept"
    assert sharded == built(pages, tmp_path / "one", shard_pages=10_000)


def test_a_pagefind_whose_files_the_merge_does_not_know_writes_one_index(
    demo_pages: list[Page], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "MERGEABLE", "0.")
    monkeypatch.setattr(search, "SHARD_MIN_PAGES", 10)
    index = StreamingIndex(tmp_path / "site" / "pagefind", 30)
    for url, html in demo_pages[:30]:
        index.add(html, url, tmp_path / "unused.html")
    assert len(index._shards) == 1, "not cut into shards of 10"
    index.finish()
    assert len(bundle_view(tmp_path / "site" / "pagefind")["fragment"]) == 30


def test_the_merge_says_what_it_cannot_read_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "shard").mkdir()
    (tmp_path / "shard" / "pagefind-entry.json").write_text('{"languages": {"en": {"hash": "en_0"}}}')
    assert merge_main([str(tmp_path / "out"), str(tmp_path / "shard")]) == 1
    error = capsys.readouterr().err
    assert error.startswith("cannot merge the search index: ") and "Traceback" not in error


@pytest.mark.parametrize(
    ("before", "after", "bounds"),
    [
        (["prio", "privat"], ["quarter", "reason"], ("privat", "q")),  # "p" would sort before "prio"
        (["att", "hypothesi"], ["i", "impact"], ("h", "i")),
        (["pm2025007", "prioriti"], ["privat", "push"], ("prio", "priv")),
        (["1005", "1310"], ["13101329", "1513"], ("1310", "13101")),
    ],
)
def test_chunk_bounds_are_shortened_as_pagefind_shortens_them(
    before: list[str], after: list[str], bounds: tuple[str, str]
) -> None:
    # Seen in Pagefind 1.5's own bundles: a chunk's last word and the next one's first.
    assert _prefixes(before, after) == bounds


def test_a_merge_that_fails_leaves_one_index_of_every_page(
    demo_pages: list[Page], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    pages = demo_pages[:30]
    one = built(pages, tmp_path / "one", shard_pages=10_000)
    monkeypatch.setattr(sys, "executable", "/bin/false")  # the merge's process ends at once, failing
    with caplog.at_level("INFO"):
        assert built(pages, tmp_path / "sharded", shard_pages=10) == one
    assert "the merge of the search index ended with 1" in caplog.text
    assert "indexing the site in one piece" in caplog.text


def test_pagefinds_binary_is_found_without_loading_its_asyncio_client() -> None:
    code = (
        "import sys; from pmkb.mkdocs.pagefind_service import executable; path = executable(); "
        "print(path, 'pagefind.service' in sys.modules, 'asyncio' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    path, service_loaded, asyncio_loaded = result.stdout.split()
    assert Path(path).is_file() and "pagefind" in Path(path).name
    assert (service_loaded, asyncio_loaded) == ("False", "False")


def test_pagefinds_binary_path_from_the_environment_wins_and_none_found_is_said(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mkdocs.exceptions import PluginError
    from pmkb.mkdocs import pagefind_service

    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/opt/pagefind/pagefind_extended")
    assert pagefind_service.executable() == "/opt/pagefind/pagefind_extended"
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    monkeypatch.setattr(pagefind_service, "_packaged_binary", lambda: None)
    monkeypatch.setattr(pagefind_service.shutil, "which", lambda name: None)
    with pytest.raises(PluginError, match=r"no Pagefind binary found: pip install 'pagefind\[extended\]'"):
        pagefind_service.executable()
