"""Pages that stay light as the knowledge base grows: long lists are paged, the catalog
lists the newest incidents, and the sitemap Material fetches on each view is an index."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

from pmkb.know.pagination import Pager, paginate
from pmkb.know.urls import paged as page_uri
from pmkb.publish.sitemap import NS, index_sitemap


def test_lists_are_split_into_pages_with_stable_addresses() -> None:
    pages = paginate("severity/sev2/index.md", list(range(450)), size=200)
    assert [pager.uris[pager.number - 1] for pager, _ in pages] == [
        "severity/sev2/index.md",
        "severity/sev2/page/2/index.md",
        "severity/sev2/page/3/index.md",
    ]
    assert [len(chunk) for _, chunk in pages] == [200, 200, 50]
    last, chunk = pages[-1]
    assert (last.first, last.last, last.total) == (401, 450, 450)
    assert list(chunk) == list(range(400, 450))


def test_an_empty_list_still_has_its_page() -> None:
    [(pager, chunk)] = paginate("tags/x/index.md", [], size=200)
    assert pager.count == 1 and list(chunk) == []


def test_pager_links_the_ends_and_the_neighbours() -> None:
    uris = [page_uri("years/2025/index.md", n) for n in range(1, 21)]
    assert Pager(10, uris, 4000).nearby() == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert Pager(1, uris, 4000).nearby() == [1, 2, 3, None, 20]
    assert Pager(2, uris[:3], 500).nearby() == [1, 2, 3]


def _sitemap(site: Path, count: int) -> None:
    urls = "".join(
        f"<url><loc>https://kb.example/p/{n}/</loc><lastmod>2026-01-01</lastmod></url>" for n in range(count)
    )
    (site / "sitemap.xml").write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{NS}">{urls}</urlset>'
    )
    (site / "sitemap.xml.gz").write_bytes(b"old")


def test_sitemap_becomes_a_small_index_over_every_url(tmp_path: Path) -> None:
    _sitemap(tmp_path, 25_000)
    index_sitemap(tmp_path, "https://kb.example/")
    root = ET.parse(tmp_path / "sitemap.xml").getroot()
    locs = [loc.text for loc in root.iter(f"{{{NS}}}loc")]
    assert root.tag == f"{{{NS}}}sitemapindex"
    assert locs == [f"https://kb.example/sitemaps/sitemap-{n}.xml" for n in (1, 2, 3)]
    assert (tmp_path / "sitemap.xml").stat().st_size < 1000
    listed = [
        loc.text
        for n in (1, 2, 3)
        for loc in ET.parse(tmp_path / "sitemaps" / f"sitemap-{n}.xml").getroot().iter(f"{{{NS}}}loc")
    ]
    assert listed == [f"https://kb.example/p/{n}/" for n in range(25_000)]
    assert (
        gzip.decompress((tmp_path / "sitemap.xml.gz").read_bytes()) == (tmp_path / "sitemap.xml").read_bytes()
    )
