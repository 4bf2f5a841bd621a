"""The MkDocs plugin: a thin adapter from MkDocs events to pmkb's core."""

from __future__ import annotations

import html
import logging
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urljoin

from markupsafe import Markup
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from pmkb.check.cache import ResultCache, cache_dir_for
from pmkb.check.engine import rule_level
from pmkb.check.knowledge_base import CheckResult, KnowledgeBase, is_postmortem_path
from pmkb.check.rules import RULES
from pmkb.clock import build_date
from pmkb.know.follow_through import follow_through
from pmkb.know.index import KnowledgeIndex, build_index
from pmkb.know.metrics import compute_metrics
from pmkb.know.pages import (
    CATALOG_URI,
    HOME_URI,
    READING_LISTS_URI,
    View,
    build_views,
    default_nav,
    group_uri,
    section_label,
)
from pmkb.mkdocs.layout import place_postmortems
from pmkb.mkdocs.page_toc import toc_of
from pmkb.mkdocs.render import Links, Renderer
from pmkb.mkdocs.search import StreamingIndex
from pmkb.mkdocs.theming import install_theme, with_document_title, with_feed_link
from pmkb.publish.charts import all_charts
from pmkb.publish.crosslinks import id_regex, link_incident_ids
from pmkb.publish.files import EXPORTS, write_exports
from pmkb.publish.sanitize import sanitize_body
from pmkb.publish.sitemap import index_sitemap
from pmkb.read.reading_lists import LoadedReadingList, positions_in_lists
from pmkb.settings import Settings
from pmkb.site_config import RULES_PAGE, ConfigError, settings_from_options

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from pmkb.read.postmortem import Postmortem

log = get_plugin_logger(__name__)

HOME_RECENT = 8
"""How many recent incidents the home page lists."""


class PostmortemsPlugin(BasePlugin):
    """Validates every postmortem on each build, fails on errors, generates the indexes."""

    # Every core setting is an option, validated by the core's pydantic model; `search`
    # is the plugin's own (Pagefind after the build).
    config_scheme = (
        *((name, c.Optional(c.Type(object))) for name in Settings.model_fields),
        ("search", c.Type(bool, default=True)),
    )

    def __init__(self) -> None:
        self.cache = ResultCache()
        self.command: str = "build"
        self.result = CheckResult()
        self.settings = Settings()
        self.by_path: dict[str, Postmortem] = {}
        self.views: dict[str, View] = {}
        self.urls: dict[str, str] = {}
        self.index: KnowledgeIndex = build_index([], self.settings)
        self.renderer: Renderer | None = None
        self.id_regex = id_regex(self.settings.id_pattern)
        self.reading_lists: dict[str, LoadedReadingList] = {}
        self.rules_url: str | None = None
        self.memberships: dict[str, list[tuple[LoadedReadingList, int]]] = {}
        self.search: StreamingIndex | None = None
        self.section_page: Page | None = None
        """The nav page marked active while a page below it renders (its tab lights up)."""

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # Defining on_startup keeps this instance across `mkdocs serve` rebuilds, and with it
        # the parse cache: only edited files are parsed again.
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        options = {
            key: value
            for key, value in self.config.items()
            if value is not None and key in Settings.model_fields
        }
        try:
            self.settings = settings_from_options(options, config.config_file_path or "mkdocs.yml")
        except ConfigError as exc:
            raise PluginError(str(exc)) from exc
        self.id_regex = id_regex(self.settings.id_pattern)
        # Shared with `pmkb check` and across `mkdocs serve` rebuilds.
        self.cache.directory = cache_dir_for(Path(config.config_file_path or "mkdocs.yml"))
        self.rules_url = (
            f"{config.site_url.rstrip('/')}/{RULES_PAGE}" if config.site_url else None
        )
        if config.nav is None:
            # MkDocs' automatic nav would list every postmortem, and render that whole list
            # into every page: the build grows with the square of the page count.
            config.nav = default_nav()
            config.validation.nav.omitted_files = logging.DEBUG  # by design, see above
        install_theme(config, search=self.config["search"])
        custom_dir = config.theme.custom_dir
        self.renderer = Renderer(self.settings, Path(custom_dir) if custom_dir else None)
        return config

    # Before other plugins see the files, so that they only see what is published.
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        config_dir = Path(config.config_file_path or ".").resolve().parent
        knowledge_base = KnowledgeBase(
            Path(config.docs_dir), self.settings, display_root=config_dir, cache=self.cache,
            slim=True,
        )
        self.result = knowledge_base.check()
        count = len(self.result.postmortems)
        log.info(
            "Checked %d postmortems: %d parsed, %d unchanged since the last build",
            count, self.result.parsed, count - self.result.parsed,
        )
        self._report(self.result)
        self.index = build_index(self.result.postmortems, self.settings, self.result.catalog)
        self.by_path = {p.rel_path: p for p in self.index.postmortems}
        unpublished = {
            p.rel_path for p in self.result.postmortems if p.rel_path not in self.by_path
        }
        files = place_postmortems(
            files,
            is_postmortem=lambda uri: is_postmortem_path(uri, self.settings),
            unpublished=unpublished,
            private={self.settings.services_file},
        )
        self.reading_lists = {
            loaded.rel_path: loaded for loaded in self.result.reading_lists if loaded.model
        }
        self.memberships = positions_in_lists(self.reading_lists.values())
        tracking = follow_through(self.index, self.settings, build_date())
        metrics = compute_metrics(self.index, tracking)
        views = build_views(
            self.index,
            tracking,
            metrics,
            all_charts(metrics),
            reading_lists=list(self.reading_lists.values()),
            levels={code: rule_level(code, self.settings) for code in RULES},
        )
        self.views = {view.src_uri: view for view in views}
        if files.get_file_from_path(HOME_URI) is None:
            self.views[HOME_URI] = View(HOME_URI, config.site_name, "home.html", {})
        for view in self.views.values():
            if files.get_file_from_path(view.src_uri) is not None:
                raise PluginError(
                    f"{view.src_uri} in the docs directory collides with a page pmkb generates"
                )
            files.append(File.generated(config, view.src_uri, content=""))
        self.urls = {file.src_uri: file.url for file in files}
        return files

    def _report(self, result: CheckResult) -> None:
        for diagnostic in result.diagnostics:
            line = diagnostic.explained(self.rules_url)
            (log.error if diagnostic.level == "error" else log.warning)(line)
        errors = len(result.errors)
        if errors and self.command != "serve":
            raise PluginError(
                f"{errors} postmortem error{'s' if errors != 1 else ''} (listed above); "
                "fix them or run `pmkb check` for details"
            )

    def on_page_markdown(self, markdown: str, *, page: Page, **_: Any) -> str:
        # Material prints page titles unescaped; every title that reaches a template is
        # escaped here, once.
        src = page.file.src_uri
        view = self.views.get(src)
        postmortem = self.by_path.get(src)
        if view is not None or postmortem is not None or src in self.reading_lists:
            # These pages have no section nav of their own; give the content the width.
            page.meta.setdefault("hide", ["navigation"])
        if view is not None:
            page.meta["title"] = html.escape(view.title)
        elif postmortem is not None:
            page.meta["title"] = html.escape(postmortem.meta.title or "")
        elif isinstance(page.meta.get("title"), str):
            page.meta["title"] = html.escape(page.meta["title"])
        if view is not None:
            return markdown
        return link_incident_ids(markdown, self.id_regex, lambda i: self._link_to(i, page))

    def _link_to(self, incident_id: str, page: Page) -> str | None:
        """A Markdown link target (source-relative, so MkDocs validates it) for an ID."""
        target = self.index.by_id.get(incident_id)
        if target is None or target.rel_path == page.file.src_uri:
            return None
        return posixpath.relpath(target.rel_path, posixpath.dirname(page.file.src_uri) or ".")

    def on_page_content(self, content: str, *, page: Page, **_: Any) -> str:
        links = Links(page.url, self.urls, self.index)
        view = self.views.get(page.file.src_uri)
        if view is not None:
            home = {"index": self.index, "recent": HOME_RECENT} if view.src_uri == HOME_URI else {}
            html = self._render(view.template, links=links, **view.context, **home)
            page.toc = toc_of(html)
            if not page.toc.items:  # no empty side column
                page.meta["hide"] = [*page.meta.get("hide", []), "toc"]
            return html
        if page.file.src_uri in self.by_path:
            return sanitize_body(content)
        reading_list = self.reading_lists.get(page.file.src_uri)
        if reading_list is not None:
            return sanitize_body(content) + self._render(
                "reading_list.html", links=links, index=self.index, reading_list=reading_list
            )
        if page.is_homepage:
            return content + self._render(
                "home.html", links=links, index=self.index, recent=HOME_RECENT
            )
        return content

    def on_page_context(
        self, context: dict[str, Any], *, page: Page, nav: Navigation, **_: Any
    ) -> dict[str, Any]:
        src = page.file.src_uri
        postmortem = self.by_path.get(src)
        links = Links(page.url, self.urls, self.index)
        trail = self._breadcrumb(src)
        if trail:
            self._light_up_section(nav, trail[1][1] if len(trail) > 2 else None)
            context["pmkb_breadcrumb"] = Markup(self._render(
                "breadcrumb.html",
                crumbs=[(label, links.page(uri) if uri else None) for label, uri in trail],
            ))
        if postmortem is not None:
            context["pmkb_postmortem"] = True
            context["pmkb_header"] = Markup(
                self._render(
                    "postmortem_header.html",
                    links=links,
                    postmortem=postmortem,
                    index=self.index,
                    memberships=self.memberships.get(postmortem.meta.id or "", []),
                )
            )
            context["pmkb_footer"] = Markup(
                self._render(
                    "postmortem_footer.html",
                    links=links,
                    postmortem=postmortem,
                    related=self.index.related(postmortem),
                    similar=self.index.similar(postmortem),
                    index=self.index,
                )
            )
        return context

    def _breadcrumb(self, src: str) -> list[tuple[str, str | None]]:
        """Home › section › page for pmkb's pages; empty for the home page and others."""
        view = self.views.get(src)
        if view is not None:
            return view.breadcrumb() if src != HOME_URI else []
        postmortem = self.by_path.get(src)
        if postmortem is not None and postmortem.meta.date is not None:
            year = str(postmortem.meta.date.year)
            year_group = self.index.by_year.get(year)
            return [
                ("Home", HOME_URI),
                (section_label(CATALOG_URI), CATALOG_URI),
                *([(year, group_uri("year", year_group.slug))] if year_group else []),
                (postmortem.meta.id or "", None),
            ]
        reading_list = self.reading_lists.get(src)
        if reading_list is not None:
            return [
                ("Home", HOME_URI),
                (section_label(READING_LISTS_URI), READING_LISTS_URI),
                (reading_list.title, None),
            ]
        return []

    def _light_up_section(self, nav: Navigation, section_uri: str | None) -> None:
        """Mark the nav entry of the page's section active, for this page only."""
        if section_uri is None:
            return
        for nav_page in nav.pages:
            if nav_page.file.src_uri == section_uri:
                nav_page.active = True
                self.section_page = nav_page
                return

    def _render(self, template: str, **context: Any) -> str:
        assert self.renderer is not None, "on_config creates the renderer"
        return self.renderer.render(template, **context)

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        env.globals["pmkb_search"] = self.config["search"]
        return env

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        index_sitemap(Path(config.site_dir), config.site_url or "")
        write_exports(
            Path(config.site_dir),
            self.index,
            self.settings,
            url_of=lambda p: urljoin(config.site_url or "", self.urls[p.rel_path]),
            site_url=config.site_url or "",
            site_name=config.site_name,
        )
        if self.search is not None:
            search, self.search = self.search, None
            search.finish(Path(config.site_dir) / "pagefind")

    # Search: Pagefind indexes each page in its own process while MkDocs renders the next.
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.on_build_error(error=None)  # a previous `mkdocs serve` build that failed
        if self.config["search"]:
            self.search = StreamingIndex()

    @event_priority(-100)  # after other plugins have changed the page
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if self.section_page is not None:
            self.section_page.active = False
            self.section_page = None
        postmortem = self.by_path.get(page.file.src_uri)
        if postmortem is not None and postmortem.meta.id:
            title = f"{postmortem.meta.id}: {postmortem.meta.title} - {config.site_name}"
            output = with_document_title(output, title)
        feed_url = get_relative_url(EXPORTS["feed"], page.url)
        output = with_feed_link(output, feed_url=feed_url, site_name=config.site_name)
        if self.search is not None:
            destination = Path(config.site_dir) / page.file.dest_uri
            self.search.add(output, "/" + page.url, destination)
        if page.file.src_uri in self.views:
            # A generated listing is written now; MkDocs would keep its HTML (megabytes at
            # thousands of postmortems) until the end of the build.
            page.content = None
        return output

    def on_build_error(self, *, error: Exception | None) -> None:
        if self.search is not None:
            search, self.search = self.search, None
            search.close()
