"""The MkDocs plugin: a thin adapter from MkDocs events to pmkb's core."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger

from ..core.corpus import CheckResult, KnowledgeBase, ParseCache, is_postmortem_path
from ..core.settings import Settings
from ..site_config import ConfigError, settings_from_options
from .layout import place_postmortems

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from ..core.postmortem import Postmortem

log = get_plugin_logger(__name__)


class PostmortemsPlugin(BasePlugin):
    """Validates every postmortem on each build and fails the build on errors."""

    # Every core setting is an option; the core's pydantic model validates them.
    config_scheme = tuple((name, c.Optional(c.Type(object))) for name in Settings.model_fields)

    def __init__(self) -> None:
        self.cache = ParseCache()
        self.command: str = "build"
        self.result = CheckResult()
        self.settings = Settings()
        self.by_path: dict[str, Postmortem] = {}

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # Defining on_startup keeps this instance across `mkdocs serve` rebuilds, and with it
        # the parse cache: only edited files are parsed again.
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        options = {key: value for key, value in self.config.items() if value is not None}
        try:
            self.settings = settings_from_options(options, config.config_file_path or "mkdocs.yml")
        except ConfigError as exc:
            raise PluginError(str(exc)) from exc
        return config

    # Run before other plugins see the files, so they only see published postmortems.
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        config_dir = Path(config.config_file_path or ".").resolve().parent
        knowledge_base = KnowledgeBase(
            Path(config.docs_dir), self.settings, display_root=config_dir, cache=self.cache
        )
        self.result = knowledge_base.check()
        self.by_path = {p.rel_path: p for p in self.result.postmortems}
        self._report(self.result)
        drafts = {p.rel_path for p in self.result.postmortems if p.is_draft}
        unpublished = drafts if not self.settings.drafts.publish else set()
        return place_postmortems(
            files,
            is_postmortem=lambda uri: is_postmortem_path(uri, self.settings),
            unpublished=unpublished,
            private={self.settings.services_file},
        )

    def _report(self, result: CheckResult) -> None:
        for diagnostic in result.diagnostics:
            (log.error if diagnostic.level == "error" else log.warning)(str(diagnostic))
        errors = len(result.errors)
        if errors and self.command != "serve":
            raise PluginError(
                f"{errors} postmortem error{'s' if errors != 1 else ''} (listed above); "
                "fix them or run `pmkb check` for details"
            )

    def on_page_markdown(self, markdown: str, *, page: Page, **_: Any) -> str:
        postmortem = self._postmortem_for(page)
        if postmortem is not None and postmortem.is_draft:
            banner = (
                '<div class="pmkb-draft-banner" role="note"><strong>Draft.</strong> '
                "This postmortem is still being written; facts and action items may change."
                "</div>\n\n"
            )
            return banner + markdown
        return markdown

    def _postmortem_for(self, page: Page) -> Postmortem | None:
        return self.by_path.get(page.file.src_uri)
