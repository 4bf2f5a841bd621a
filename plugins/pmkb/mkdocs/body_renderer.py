"""Postmortem pages rendered with markdown-it (see `publish/body_html.py`), in MkDocs' place.

MkDocs renders a page in `Page.render`, which no event can skip; for a postmortem whose
Markdown renders alike in both parsers, this page's `render` is replaced with one that
fills in what MkDocs' own fills in (content, table of contents, title, anchors, links to
other pages' anchors), resolving and validating links with MkDocs' own link resolver.
Only a site whose Markdown extensions this can match uses it: anything else (pymdownx,
custom slugify-free toc options, ...) keeps Python-Markdown for every page.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from mkdocs.structure.pages import Page, _RelativePathTreeprocessor
from mkdocs.structure.toc import get_toc

from pmkb.publish.body_html import HeadingOptions, render_body, renders_alike
from pmkb.publish.sanitize import sanitize_body

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

_EXTENSIONS = {"toc", "tables", "fenced_code", "admonition", "attr_list"}
"""Extensions this renders like Python-Markdown: the first three always; admonitions and
attribute lists have syntax of their own, and a page that uses it falls back."""
_TOC_OPTIONS = {
    *("permalink", "permalink_title", "permalink_class", "slugify", "separator", "toc_depth", "title")
}
_MKDOCS_PAGES_LOG = logging.getLogger("mkdocs.structure.pages")


def heading_options(config: MkDocsConfig) -> HeadingOptions | None:
    """How headings are drawn, or None when the site's Markdown needs Python-Markdown."""
    names: list[str] = []
    for extension in config.markdown_extensions:
        if not isinstance(extension, str):
            return None
        names.append(extension.removeprefix("markdown.extensions."))
    if not set(names) <= _EXTENSIONS:
        return None
    configs: dict[str, dict[str, Any]] = config.mdx_configs or {}
    if any(configs.get(name) for name in ("tables", "fenced_code", "markdown.extensions.tables")):
        return None
    toc: dict[str, Any] = {**configs.get("markdown.extensions.toc", {}), **configs.get("toc", {})}
    if not set(toc) <= _TOC_OPTIONS or not isinstance(toc.get("toc_depth", 6), int):
        return None
    toc.pop("title", None)  # drawn only where a [TOC] marker is, and such a page falls back
    return HeadingOptions(**toc)


def render_with_markdown_it(page: Page, options: HeadingOptions, sanitized: set[str]) -> None:
    """Have MkDocs render this page's Markdown with markdown-it, if it renders alike.

    The HTML is sanitised here, and the page's source path added to `sanitized`.
    """

    def render(config: MkDocsConfig, files: Files) -> None:
        if page.markdown is None or not renders_alike(page.markdown):
            Page.render(page, config, files)
            return
        links = _RelativePathTreeprocessor(page.file, files, config)
        body = render_body(page.markdown, options, links.path_to_url)
        page.content = body.html if body.safe else sanitize_body(body.html)
        sanitized.add(page.file.src_uri)
        page.toc = get_toc(body.toc_tokens)
        page._title_from_render = body.title
        page.present_anchor_ids = body.anchor_ids
        if _MKDOCS_PAGES_LOG.getEffectiveLevel() > logging.DEBUG:  # as MkDocs does
            page.links_to_anchors = links.links_to_anchors

    page.render = render  # type: ignore[method-assign]
