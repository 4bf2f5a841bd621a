"""The MkDocs plugin: a thin adapter from MkDocs events to pmkb's engine."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from pmkb.check.cache import ResultCache, cache_dir_for
from pmkb.check.knowledge_base import KnowledgeBase
from pmkb.clock import build_date
from pmkb.know.site import build_site
from pmkb.mkdocs.body_renderer import heading_options
from pmkb.mkdocs.files import own_pages, place_site
from pmkb.mkdocs.pages import SitePages
from pmkb.mkdocs.render import Renderer
from pmkb.mkdocs.report import report
from pmkb.mkdocs.search import StreamingIndex
from pmkb.mkdocs.theming import install_globals, install_theme
from pmkb.settings import Settings
from pmkb.site_config import ConfigError, rules_url, settings_from_options

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page


class PostmortemsPlugin(BasePlugin):  # type: ignore[type-arg,no-untyped-call]  # legacy config_scheme
    """Validates every postmortem on each build, fails on errors, generates the indexes."""

    # Every setting is an option (validated by pydantic); `search` and `fast_markdown` are the plugin's own.
    config_scheme = (
        *((name, c.Optional(c.Type(object))) for name in Settings.model_fields),
        ("search", c.Type(bool, default=True)),
        ("fast_markdown", c.Type(bool, default=True)),
    )

    def __init__(self) -> None:
        self.cache, self.command, self.settings = ResultCache(), "build", Settings()
        self.renderer: Renderer | None = None
        self.pages: SitePages | None = None
        self.search: StreamingIndex | None = None

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command  # defining on_startup keeps this instance across rebuilds

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        options = {k: v for k, v in self.config.items() if v is not None and k in Settings.model_fields}
        try:
            self.settings = settings_from_options(options, config.config_file_path or "mkdocs.yml")
        except ConfigError as exc:
            raise PluginError(str(exc)) from exc
        self.cache.directory = cache_dir_for(Path(config.config_file_path or "mkdocs.yml"))
        install_theme(config, search=self.config["search"])
        custom_dir = config.theme.custom_dir
        self.renderer = Renderer(self.settings, Path(custom_dir) if custom_dir else None)
        return config

    @event_priority(50)  # before other plugins, so that they see only what is published
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        config_dir = Path(config.config_file_path or ".").resolve().parent
        checked = KnowledgeBase(
            Path(config.docs_dir), self.settings, display_root=config_dir, cache=self.cache, slim=True
        ).check()
        report(checked, rules_url(config.site_url or ""), fail_on_errors=self.command != "serve")
        site = build_site(
            checked, self.settings, build_date(), site_name=config.site_name, own_pages=own_pages(files)
        )
        files = place_site(files, config, site)
        assert self.renderer is not None, "on_config made it"
        headings = heading_options(config) if self.config["fast_markdown"] else None
        self.pages = SitePages(site, self.renderer, files, headings, process_ends=self.command != "serve")
        if self.config["search"]:  # Pagefind, in parallel; the bundle is written once the postmortems are
            self.search = StreamingIndex(Path(config.site_dir) / "pagefind", len(site.postmortems))
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, **_: Any) -> str:
        return self.pages.markdown(markdown, page) if self.pages else markdown

    def _content(self, /, content: str, *, page: Page, **_: Any) -> str:
        return self.pages.content(content, page) if self.pages else content

    @event_priority(-100)  # once every plugin has converted the page: held compressed until written
    def _park(self, /, content: str, *, page: Page, **_: Any) -> str:
        return self.pages.park(content, page) if self.pages else content

    @event_priority(100)  # back on the page before any plugin sees it again
    def _restore(self, /, context: dict[str, Any], *, page: Page, **_: Any) -> dict[str, Any]:
        return self.pages.restore(context, page) if self.pages else context

    def _context(
        self, /, context: dict[str, Any], *, page: Page, nav: Navigation, **_: Any
    ) -> dict[str, Any]:
        return self.pages.context(context, page, nav) if self.pages else context

    on_page_content, on_page_context = CombinedEvent(_content, _park), CombinedEvent(_restore, _context)

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        install_globals(env, config, search=self.config["search"])
        return env

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.on_build_error(error=None)  # a previous `mkdocs serve` build that failed

    @event_priority(-100)  # after other plugins have changed the page
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        output = self.pages.finish(output, page, config.site_name) if self.pages else output
        if self.search is not None:
            self.search.add(output, "/" + page.url, Path(config.site_dir) / page.file.dest_uri)
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.search is not None:  # Pagefind writes its bundle while pmkb writes its files
            self.search.write()
        if self.pages is not None:
            self.pages.write_files(config)
        if self.search is not None:
            search, self.search = self.search, None
            search.finish()

    def on_build_error(self, *, error: Exception | None) -> None:
        if self.search is not None:
            search, self.search = self.search, None
            search.close()
