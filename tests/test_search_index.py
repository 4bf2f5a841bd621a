"""Pagefind is sent only the searchable part of a postmortem page, and indexes it exactly
as it indexes the whole page."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import VALID
from pmkb.mkdocs.search import BODY_END, StreamingIndex, searchable_part
from test_site_build import mkdocs_build, tiny_site


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    root = tmp_path_factory.mktemp("search")
    other = VALID.replace("PM-2026-014", "PM-2026-015").replace("Checkout errors", "Search lag")
    tiny_site(root, {"2026/checkout.md": VALID, "2026/search.md": other})
    build = mkdocs_build(root)
    assert build.returncode == 0, build.stderr
    site = root / "site"
    return [
        ("/" + page.relative_to(site).parent.as_posix() + "/", page.read_text(encoding="utf-8"))
        for page in sorted((site / "postmortems").rglob("index.html"))
        if "data-pagefind-body" in page.read_text(encoding="utf-8")
    ]


def bundle(pages: list[tuple[str, str]], folder: Path, *, trim: bool) -> dict[str, bytes]:
    index = StreamingIndex(folder)
    for url, html in pages:
        index._send_file(searchable_part(html) if trim else html, url)
        index._marked = True
    index.finish()
    return fragments_and_index(folder)


def fragments_and_index(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.parent.name in ("fragment", "index")
    }


def test_the_searchable_part_is_the_marked_element_in_the_pages_html_tag(
    pages: list[tuple[str, str]],
) -> None:
    assert len(pages) == 2
    for _, html in pages:
        part = searchable_part(html)
        assert part.startswith('<!doctype html><html lang="en"')
        assert "data-pagefind-body" in part and "data-pagefind-filter" in part
        assert 'class="md-nav' not in part  # Material's navigation is left out
        assert len(part) < len(html) / 2


def test_pagefind_indexes_the_part_exactly_as_the_whole_page(
    pages: list[tuple[str, str]], tmp_path: Path
) -> None:
    whole = bundle(pages, tmp_path / "whole", trim=False)
    part = bundle(pages, tmp_path / "part", trim=True)
    assert len([name for name in whole if name.startswith("fragment/")]) == 2
    assert part == whole


def test_a_page_without_pmkbs_end_mark_is_sent_whole(pages: list[tuple[str, str]]) -> None:
    html = pages[0][1].replace(BODY_END, "")
    assert searchable_part(html) == html


def test_the_bundle_is_written_once_the_expected_pages_are_in_and_again_for_a_late_one(
    pages: list[tuple[str, str]], tmp_path: Path
) -> None:
    index = StreamingIndex(tmp_path / "bundle", expected_pages=1)
    first, second = pages
    index.add(first[1], first[0], tmp_path / "first.html")
    assert index._writing is not None  # started while the rest of the site renders
    index.add(second[1], second[0], tmp_path / "second.html")  # a page the theme marked too
    index.finish()
    late = fragments_and_index(tmp_path / "bundle")
    assert len([name for name in late if name.startswith("fragment/")]) == 2
    assert late == bundle(pages, tmp_path / "at-once", trim=True)
