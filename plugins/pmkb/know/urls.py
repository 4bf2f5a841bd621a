"""Where every page pmkb publishes lives: the one map the plugin, the templates, the
exports and `pmkb export` all ask.

Pages are named by their source path in the docs directory (`services/checkout-api/index.md`),
as MkDocs names files; `url_of` turns a source path into the page's URL the way MkDocs
does, so the map also serves builds without MkDocs.
"""

from __future__ import annotations

import posixpath

from pmkb.read.names import slugify

HOME = "index.md"
CATALOG = "incidents/index.md"
ACTION_ITEMS = "action-items/index.md"
ACTION_ITEMS_OVERDUE = "action-items/overdue/index.md"
ACTION_ITEMS_OPEN = "action-items/open/index.md"
ACTION_ITEMS_BY_OWNER = "action-items/owners"
ACTION_ITEMS_BY_PRIORITY = "action-items/priorities"
METRICS = "metrics/index.md"
READING_LISTS = "reading-lists/index.md"
RULES = "rules/index.md"
POSTMORTEMS = "postmortems"
"""The URL folder of the postmortem pages: `postmortems/2026/x.md` → `/postmortems/2026/x/`."""

KINDS = {
    # kind: (URL segment, page title of the overview, singular label)
    "severity": ("severity", "Incidents by severity", "Severity"),
    "service": ("services", "Incidents by service", "Service"),
    "factor": ("factors", "Contributing factors", "Contributing factor"),
    "tag": ("tags", "Incidents by tag", "Tag"),
    "year": ("years", "Incidents by year", "Year"),
}

EXPORTS = {
    "json": "postmortems.json",
    "csv": "action-items.csv",
    "feed": "feed.xml",
    "schema": "schema/postmortem.schema.json",
}
"""The machine-readable exports, by kind, at the site's root."""


def overview(kind: str) -> str:
    """`severity/index.md`: every group of a kind."""
    return f"{KINDS[kind][0]}/index.md"


def group(kind: str, slug: str) -> str:
    """`severity/sev2/index.md`: the incidents of one group."""
    return f"{KINDS[kind][0]}/{slug}/index.md"


def factor(category: str) -> str:
    """The page of a contributing-factor category."""
    return group("factor", slugify(category))


def paged(first: str, number: int) -> str:
    """`x/index.md` for page 1, `x/page/<n>/index.md` after it."""
    if number == 1:
        return first
    return first.removesuffix("index.md") + f"page/{number}/index.md"


def url_of(src_uri: str, *, directory_urls: bool = True) -> str:
    """The URL (relative to the site root) MkDocs gives the page at `src_uri`."""
    folder, name = posixpath.split(src_uri)
    stem = posixpath.splitext(name)[0]
    prefix = f"{folder}/" if folder else ""
    if stem.lower() in ("index", "readme"):
        return prefix if directory_urls else f"{prefix}index.html"
    return f"{prefix}{stem}/" if directory_urls else f"{prefix}{stem}.html"


def postmortem_url(rel_path: str, *, directory_urls: bool = True) -> str:
    """The URL of a postmortem page, from its path in the docs directory."""
    return f"{POSTMORTEMS}/{url_of(rel_path, directory_urls=directory_urls)}"
