"""`sitemap.xml` as a small sitemap index over `sitemaps/sitemap-<n>.xml`.

Material's script fetches `sitemap.xml` on every page view of a page with a
`<link rel="alternate">` (it looks for translations there), and every page has one: the
Atom feed link. MkDocs' single sitemap lists every page (1.8 MB at 10,000 postmortems),
so each view would download it. An index of a few lines keeps that request small and
constant, and search engines still find every page through it (sitemaps.org protocol).
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
URLS_PER_FILE = 10_000
"""Well under the protocol's 50,000 URLs and 50 MB per file."""
FOLDER = "sitemaps"


def index_sitemap(site_dir: Path, site_url: str) -> None:
    """Move the URLs of `site_dir/sitemap.xml` into numbered files and index them."""
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.is_file():
        return
    ET.register_namespace("", NS)
    urls = ET.parse(sitemap).getroot().findall(f"{{{NS}}}url")
    folder = site_dir / FOLDER
    folder.mkdir(exist_ok=True)
    index = ET.Element(f"{{{NS}}}sitemapindex")
    base = site_url.rstrip("/") + "/" if site_url else ""
    for number, start in enumerate(range(0, len(urls), URLS_PER_FILE), start=1):
        part = ET.Element(f"{{{NS}}}urlset")
        part.extend(urls[start : start + URLS_PER_FILE])
        name = f"sitemap-{number}.xml"
        ET.ElementTree(part).write(folder / name, encoding="utf-8", xml_declaration=True)
        entry = ET.SubElement(index, f"{{{NS}}}sitemap")
        ET.SubElement(entry, f"{{{NS}}}loc").text = f"{base}{FOLDER}/{name}"
    ET.ElementTree(index).write(sitemap, encoding="utf-8", xml_declaration=True)
    packed = site_dir / "sitemap.xml.gz"
    if packed.exists():
        packed.write_bytes(gzip.compress(sitemap.read_bytes(), mtime=0))
