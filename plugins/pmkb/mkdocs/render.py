"""Rendering generated HTML with Jinja, autoescaped: every user value is escaped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs.utils import get_relative_url

from pmkb.know import urls
from pmkb.know.index import durations, format_duration
from pmkb.publish.charts import all_charts
from pmkb.publish.text import excerpt, inline_markdown
from pmkb.read.names import slugify

if TYPE_CHECKING:
    from pmkb.know.index import KnowledgeIndex
    from pmkb.read.postmortem import Postmortem
    from pmkb.settings import Settings

OVERRIDES_DIR = "pmkb"
"""Templates in `<custom_dir>/pmkb/` override the packaged ones of the same name."""


class Links:
    """URLs relative to the page being rendered, so the site works from any base path."""

    def __init__(self, page_url: str, page_urls: dict[str, str], index: KnowledgeIndex) -> None:
        self._page_url = page_url
        self._page_urls = page_urls
        self._index = index
        self._relative: dict[str, str] = {}
        """Each URL once: a listing links the same severities and services on every row."""

    def page(self, src_uri: str) -> str:
        """A page by its source path (see `know/urls.py`), or a file by its site path."""
        url = self._relative.get(src_uri)
        if url is None:
            url = get_relative_url(self._page_urls.get(src_uri, src_uri), self._page_url)
            self._relative[src_uri] = url
        return url

    def postmortem(self, postmortem: Postmortem) -> str:
        return self.page(postmortem.rel_path)

    def group(self, kind: str, name: str) -> str:
        groups = {
            "severity": self._index.by_severity,
            "service": self._index.by_service,
            "tag": self._index.by_tag,
            "year": self._index.by_year,
        }.get(kind, {})
        slug = groups[name].slug if name in groups else slugify(name)
        return self.page(urls.group(kind, slug))

    def overview(self, kind: str) -> str:
        return self.page(urls.overview(kind))

    def factor(self, category: str) -> str:
        return self.page(urls.factor(category))

    def catalog(self) -> str:
        return self.page(urls.CATALOG)

    def export(self, kind: str) -> str:
        """`json`, `csv`, `feed` or `schema`: a machine-readable export."""
        return self.page(urls.EXPORTS[kind])


def _utc_time(moment: dt.datetime) -> str:
    """`14:05 UTC` for an aware timestamp; naive ones are shown as written."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime("%H:%M UTC")


@dataclass(frozen=True)
class Stage:
    """One step of an incident's clock: started, detected, mitigated, resolved."""

    label: str
    moment: dt.datetime
    clock: str
    """`14:05 UTC`, with the day (`21 Jun 14:05 UTC`) when it is not the start's day."""
    since_previous: dt.timedelta | None


STAGE_LABELS = (
    ("started_at", "Started"),
    ("detected_at", "Detected"),
    ("mitigated_at", "Mitigated"),
    ("resolved_at", "Resolved"),
)


def stages(postmortem: Postmortem) -> list[Stage]:
    """The incident's four clock times in order, each with the gap since the one before."""
    meta = postmortem.meta
    found: list[Stage] = []
    first_day: dt.date | None = None
    previous: dt.datetime | None = None
    for key, label in STAGE_LABELS:
        moment: dt.datetime | None = getattr(meta, key)
        if moment is None:
            continue
        utc = moment.astimezone(dt.UTC) if moment.tzinfo is not None else moment
        first_day = first_day or utc.date()
        clock = _utc_time(moment)
        if utc.date() != first_day:
            clock = f"{utc.day} {utc:%b} {clock}"
        gap = None
        if previous is not None and (previous.tzinfo is None) == (moment.tzinfo is None):
            gap = moment - previous if moment >= previous else None
        found.append(Stage(label, moment, clock, gap))
        previous = moment
    return found


class Renderer:
    """The Jinja environment for pmkb's generated HTML."""

    def __init__(self, settings: Settings, custom_dir: Path | None) -> None:
        loaders: list[jinja2.BaseLoader] = []
        if custom_dir is not None and (custom_dir / OVERRIDES_DIR).is_dir():
            loaders.append(jinja2.FileSystemLoader(custom_dir / OVERRIDES_DIR))
        loaders.append(jinja2.PackageLoader("pmkb.mkdocs", "templates"))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # a Renderer lasts one build: no need to check each template's file per page
        )
        self.env.filters["duration"] = format_duration
        self.env.filters["utc_time"] = _utc_time
        self.env.filters["markdown"] = inline_markdown
        self.env.filters["excerpt"] = excerpt
        self.env.tests["overdue_on"] = lambda tracked, today: tracked.is_overdue(today)
        ranks = {name: rank for rank, name in enumerate(settings.severities, start=1)}
        self.env.globals.update(
            charts_of=all_charts,
            durations=durations,
            kinds=urls.KINDS,
            urls=urls,
            severity_rank=lambda name: ranks.get(name, 0),
            settings=settings,
            slugify=slugify,
            stages=stages,
            ticket_url=settings.ticket_link,
        )
        self._templates: dict[str, jinja2.Template] = {}

    def render(self, template: str, **context: Any) -> str:
        """Each template looked up once a build (Jinja's own cache costs more per call
        than a small template's rendering)."""
        found = self._templates.get(template)
        if found is None:
            found = self._templates[template] = self.env.get_template(template)
        return found.render(**context)
