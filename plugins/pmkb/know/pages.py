"""The generated pages: what each one is, where it lives, and which template draws it.

A view is data only: the site model lists them, a face (the MkDocs plugin) turns each
into a page and renders it with its template. Where each lives is `know/urls.py`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pmkb.check.rules import RULES
from pmkb.know import urls
from pmkb.know.pagination import paginate
from pmkb.read.names import slugify

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pmkb.know.follow_through import FollowThrough
    from pmkb.know.index import Group, KnowledgeIndex
    from pmkb.know.metrics import Metrics
    from pmkb.read.reading_lists import LoadedReadingList

RULE_FAMILIES = [
    ("PM1", "Front-matter"),
    ("PM2", "Sections"),
    ("PM3", "Action items"),
    ("PM4", "Timeline"),
    ("PM5", "Blameless language"),
    ("PM6", "Across files"),
    ("PM7", "Reading lists"),
    ("PM8", "Suppressions"),
]
CATALOG_RECENT = 200
"""How many of the newest incidents the catalog lists; older ones are on the year pages."""
ACTION_ITEMS_PREVIEW = 50
"""How many overdue and open items the action-items page shows before "all N"."""


@dataclass
class View:
    """One generated page."""

    src_uri: str
    """The virtual source path, e.g. `services/checkout-api/index.md` → `/services/checkout-api/`."""
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    section: str | None = None
    """The nav entry this page belongs under (its tab is highlighted); None: itself."""
    crumb: str | None = None
    """Its own short name in the breadcrumb (the title when None)."""

    def breadcrumb(self) -> list[tuple[str, str | None]]:
        """(label, src_uri) from the home page down to this page (whose uri is None)."""
        trail: list[tuple[str, str | None]] = [("Home", urls.HOME)]
        if self.section is not None and self.section != self.src_uri:
            trail.append((section_label(self.section), self.section))
        return [*trail, (self.crumb or self.title, None)]


def _rules_view(levels: dict[str, str]) -> View:
    """The rule reference, generated from the rule registry."""
    return View(
        urls.RULES,
        "Rule reference",
        "rules.html",
        {
            "rules": sorted(RULES.values(), key=lambda rule: rule.code),
            "levels": levels,
            "families": RULE_FAMILIES,
        },
    )


def default_nav() -> list[dict[str, str]]:
    """The nav when mkdocs.yml has none: the way in is the catalog and the indexes."""
    return [{label: uri} for label, uri in _NAV]


def section_label(src_uri: str) -> str:
    """The short name of a top-level page, as the default nav calls it."""
    return dict((uri, label) for label, uri in _NAV).get(src_uri, src_uri)


def build_views(
    index: KnowledgeIndex,
    tracking: FollowThrough,
    metrics: Metrics,
    *,
    reading_lists: list[LoadedReadingList],
    levels: dict[str, str],
) -> list[View]:
    """Every generated page of the knowledge base."""
    views = [
        _rules_view(levels),
        View(urls.READING_LISTS, "Reading lists", "reading_lists.html", {"reading_lists": reading_lists}),
        View(
            urls.CATALOG,
            "Incidents",
            "catalog.html",
            {"index": index, "recent": index.postmortems[:CATALOG_RECENT]},
        ),
        *_action_item_views(index, tracking),
        View(
            urls.METRICS,
            "Metrics",
            "metrics.html",
            {"index": index, "metrics": metrics, "today": tracking.today},
        ),
    ]
    grouped = {
        "severity": index.by_severity,
        "service": index.by_service,
        "tag": index.by_tag,
        "year": dict(sorted(index.by_year.items(), reverse=True)),
    }
    for kind, groups in grouped.items():
        views.append(_overview(kind, list(groups.values()), index))
        for group in groups.values():
            views += _group_views(kind, group, index)
    views.append(View(urls.overview("factor"), urls.KINDS["factor"][1], "factors.html", {"index": index}))
    for category, entries in index.by_category.items():
        views += _paged(
            urls.factor(category),
            f"Contributing factor: {category}",
            "factor.html",
            entries,
            {"index": index, "category": category, "entries": entries},
            section=urls.overview("factor"),
            crumb=category,
        )
    return views


def _paged(
    first_uri: str,
    title: str,
    template: str,
    items: Sequence[Any],
    context: dict[str, Any],
    *,
    section: str | None,
    crumb: str | None = None,
) -> list[View]:
    """A list's views, PAGE_SIZE items each; the template gets `page_items` and `pager`."""
    views = []
    for pager, chunk in paginate(first_uri, items):
        later = pager.number > 1
        views.append(
            View(
                pager.uris[pager.number - 1],
                f"{title} (page {pager.number} of {pager.count})" if later else title,
                template,
                {**context, "page_items": chunk, "pager": pager},
                section=section,
                crumb=f"{crumb or title}, page {pager.number}" if later else crumb,
            )
        )
    return views


def _action_item_views(index: KnowledgeIndex, tracking: FollowThrough) -> list[View]:
    """The action-items page (counts, rates, the most urgent items, owners, priorities)
    and the paged lists it leads to: overdue, open, per owner, per priority."""
    overdue, still_open = tracking.overdue, tracking.open
    owner_pages = _slugged(urls.ACTION_ITEMS_BY_OWNER, tracking.by_owner)
    priority_pages = _slugged(urls.ACTION_ITEMS_BY_PRIORITY, tracking.by_priority)
    base = {"index": index, "tracking": tracking}
    views = [
        View(
            urls.ACTION_ITEMS,
            "Action items",
            "action_items.html",
            {
                **base,
                "overdue": overdue,
                "open": still_open,
                "preview": ACTION_ITEMS_PREVIEW,
                "owner_pages": owner_pages,
                "priority_pages": priority_pages,
            },
        )
    ]
    lists: list[tuple[str, str, Sequence[Any], str]] = [
        (urls.ACTION_ITEMS_OVERDUE, "Overdue action items", overdue, "Overdue"),
        (urls.ACTION_ITEMS_OPEN, "Open action items", still_open, "Open"),
        *(
            (uri, f"Action items: {owner}", tracking.by_owner[owner], owner)
            for owner, uri in owner_pages.items()
        ),
        *(
            (uri, f"Action items: {priority}", tracking.by_priority[priority], priority)
            for priority, uri in priority_pages.items()
        ),
    ]
    for uri, title, items, crumb in lists:
        views += _paged(
            uri, title, "action_item_list.html", items, base, section=urls.ACTION_ITEMS, crumb=crumb
        )
    return views


def _slugged(folder: str, names: dict[str, Any]) -> dict[str, str]:
    """name → `<folder>/<slug>/index.md`, slugs made unique."""
    uris: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        slug = slugify(name)
        while slug in used:
            slug += "-x"
        used.add(slug)
        uris[name] = f"{folder}/{slug}/index.md"
    return uris


def _overview(kind: str, groups: list[Group], index: KnowledgeIndex) -> View:
    return View(
        urls.overview(kind),
        urls.KINDS[kind][1],
        "overview.html",
        {"index": index, "kind": kind, "groups": groups},
    )


def _group_views(kind: str, group: Group, index: KnowledgeIndex) -> list[View]:
    label = urls.KINDS[kind][2]
    context: dict[str, Any] = {"index": index, "kind": kind, "group": group}
    if kind == "service" and index.catalog is not None:
        context["service"] = index.catalog.services.get(group.name)
    return _paged(
        urls.group(kind, group.slug),
        f"{label}: {group.name}",
        "group.html",
        group.postmortems,
        context,
        section=urls.overview(kind),
        crumb=group.name,
    )


_NAV = [
    ("Home", urls.HOME),
    ("Incidents", urls.CATALOG),
    ("Services", urls.overview("service")),
    ("Severity", urls.overview("severity")),
    ("Factors", urls.overview("factor")),
    ("Action items", urls.ACTION_ITEMS),
    ("Metrics", urls.METRICS),
    ("Reading lists", urls.READING_LISTS),
    ("Rules", urls.RULES),
    ("Tags", urls.overview("tag")),
    ("Years", urls.overview("year")),
]
