"""The site model: everything a face publishes, built once from a checked knowledge base.

The MkDocs plugin adapts it to MkDocs' events; `pmkb export` writes its exports without
MkDocs. It holds no presentation (charts, HTML): templates draw it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

from pmkb.check.engine import rule_level
from pmkb.check.knowledge_base import CheckResult
from pmkb.check.rules import RULES
from pmkb.know import urls
from pmkb.know.follow_through import FollowThrough, follow_through
from pmkb.know.index import KnowledgeIndex, build_index
from pmkb.know.metrics import Metrics, compute_metrics
from pmkb.know.pages import View, build_views, section_label
from pmkb.read.postmortem import Postmortem
from pmkb.read.reading_lists import LoadedReadingList, positions_in_lists
from pmkb.settings import Settings

HOME_RECENT = 8
"""How many recent incidents the home page lists."""

Breadcrumb = list[tuple[str, str | None]]
"""(label, source path) from the home page down to the page itself (whose path is None)."""


@dataclass(frozen=True)
class SiteModel:
    """A checked knowledge base, indexed, with the list of pages to generate."""

    settings: Settings
    checked: CheckResult
    """Every postmortem read (drafts left out of the site included) and every diagnostic."""
    index: KnowledgeIndex
    """The published postmortems and their indexes."""
    postmortems: Mapping[str, Postmortem]
    """The published postmortems by source path."""
    tracking: FollowThrough
    metrics: Metrics
    reading_lists: Mapping[str, LoadedReadingList]
    """The valid reading lists, by source path."""
    memberships: Mapping[str, list[tuple[LoadedReadingList, int]]]
    """For each incident ID, the lists it is in and its position there."""
    pages: Mapping[str, View]
    """Every generated page, by source path."""
    today: dt.date

    @cached_property  # asked for each page
    def unpublished(self) -> frozenset[str]:
        """Postmortems read but not published (drafts, when drafts are not published)."""
        return frozenset(p.rel_path for p in self.checked.postmortems) - set(self.postmortems)

    def breadcrumb(self, src_uri: str) -> Breadcrumb:
        """Home › section › page for pmkb's pages; empty for the home page and others."""
        view = self.pages.get(src_uri)
        if view is not None:
            return view.breadcrumb() if src_uri != urls.HOME else []
        postmortem = self.postmortems.get(src_uri)
        if postmortem is not None and postmortem.meta.date is not None:
            year = str(postmortem.meta.date.year)
            year_group = self.index.by_year.get(year)
            return [
                ("Home", urls.HOME),
                (section_label(urls.CATALOG), urls.CATALOG),
                *([(year, urls.group("year", year_group.slug))] if year_group else []),
                (postmortem.meta.id or "", None),
            ]
        reading_list = self.reading_lists.get(src_uri)
        if reading_list is not None:
            return [
                ("Home", urls.HOME),
                (section_label(urls.READING_LISTS), urls.READING_LISTS),
                (reading_list.title, None),
            ]
        return []


def build_site(
    checked: CheckResult,
    settings: Settings,
    today: dt.date,
    *,
    site_name: str,
    own_pages: frozenset[str] = frozenset(),
) -> SiteModel:
    """The site of a checked knowledge base as of `today`.

    `own_pages` are the knowledge base's own Markdown pages: with its own `index.md`,
    pmkb adds its home-page block to that page instead of generating one.
    """
    index = build_index(checked.postmortems, settings, checked.catalog)
    lists = {loaded.rel_path: loaded for loaded in checked.reading_lists if loaded.model}
    tracking = follow_through(index, settings, today)
    metrics = compute_metrics(index, tracking)
    views = build_views(
        index,
        tracking,
        metrics,
        reading_lists=list(lists.values()),
        levels={code: rule_level(code, settings) for code in RULES},
    )
    pages = {view.src_uri: view for view in views}
    if urls.HOME not in own_pages:
        pages[urls.HOME] = View(urls.HOME, site_name, "home.html", {"index": index, "recent": HOME_RECENT})
    return SiteModel(
        settings=settings,
        checked=checked,
        index=index,
        postmortems=MappingProxyType({p.rel_path: p for p in index.postmortems}),
        tracking=tracking,
        metrics=metrics,
        reading_lists=MappingProxyType(lists),
        memberships=MappingProxyType(positions_in_lists(lists.values())),
        pages=MappingProxyType(pages),
        today=today,
    )
