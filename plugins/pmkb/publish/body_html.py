"""Postmortem bodies to HTML with markdown-it.rs, the parser pmkb's checks read them with.

Python-Markdown takes about 5 ms a postmortem, more than the rest of a build's work on
the page; markdown-it.rs takes 0.2 ms. The HTML is made to match what MkDocs' Markdown
gives with the extensions this renders (toc with permalinks, tables, fenced code):
heading ids from the same slugify and de-duplication, the same ¶ permalinks, the same
table of contents, and every link and image passed to the caller to resolve (MkDocs
resolves and validates them). Syntax that CommonMark reads differently or not at all
(admonitions, attribute lists, a `[TOC]` marker, raw HTML headings, links and images)
makes `renders_alike` false, and such a page goes through MkDocs' Markdown as before.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown.extensions.toc import nest_toc_tokens, slugify, strip_tags, unique
from markdown_it_pyrs import MarkdownIt

_PARSER = MarkdownIt("commonmark").enable("table")
"""CommonMark and GFM tables: what Python-Markdown's `tables` and `fenced_code` cover."""

_NOT_COMMONMARK = re.compile(
    r"^ {0,3}(?:!!!|\?\?\?)"  # admonitions (and pymdownx details)
    r"|\{:?[ \t]*[#.:][\w-]"  # attribute lists
    r"|\{:"
    r"|^[ \t]*\[TOC\][ \t]*$"  # the table-of-contents marker
    r"|<(?:h[1-6]|a|img)\b",  # raw HTML that Python-Markdown would leave alone
    re.MULTILINE | re.IGNORECASE,
)
_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.DOTALL)
_LINK = re.compile(r'(<a href|<img src)="([^"]*)"')
_ID = re.compile(r'\sid="([^"]*)"')


@dataclass(frozen=True)
class HeadingOptions:
    """The `toc` extension's options that shape headings (MkDocs' defaults)."""

    permalink: bool | str = False
    permalink_title: str = "Permanent link"
    permalink_class: str = "headerlink"
    slugify: Callable[[str, str], str] = slugify
    separator: str = "-"
    toc_depth: int = 6


@dataclass
class RenderedBody:
    html: str
    toc_tokens: list[Any]
    """Nested like Python-Markdown's `md.toc_tokens`: level, id, name, html, children."""
    title: str | None
    """The text of a leading h1, as MkDocs takes a page title from it."""
    anchor_ids: set[str] = field(default_factory=set)
    safe: bool = False
    """Nothing to sanitise: the text had no raw HTML (no `<` at all), and markdown-it
    leaves `javascript:`, `vbscript:`, `file:` and non-image `data:` links as text."""


def renders_alike(markdown: str) -> bool:
    """Whether markdown-it gives this text the HTML Python-Markdown would."""
    return _NOT_COMMONMARK.search(markdown) is None


def render_body(markdown: str, options: HeadingOptions, resolve_link: Callable[[str], str]) -> RenderedBody:
    """The HTML of a Markdown body, with heading ids, permalinks and resolved links."""
    used_ids: set[str] = set()
    counters: dict[str, int] = {}
    tokens: list[Any] = []  # Markdown's typed dicts lack its "html" and "data-toc-label" keys
    title: str | None = None
    rendered = _LINK.sub(lambda m: _resolved(m, resolve_link), _PARSER.render(markdown))

    def heading(match: re.Match[str]) -> str:
        nonlocal title
        level, inner = int(match[1]), match[2].strip()
        name = strip_tags(inner)
        anchor = unique(options.slugify(html.unescape(name), options.separator), used_ids, counters)
        if level == 1 and match.start() == 0:
            title = html.unescape(name)
        if level <= options.toc_depth:
            tokens.append({"level": level, "id": anchor, "name": name, "html": inner, "data-toc-label": ""})
        permalink = ""
        if options.permalink not in (False, None):
            text = "&para;" if options.permalink is True else html.escape(str(options.permalink))
            link_title = f' title="{html.escape(options.permalink_title)}"' if options.permalink_title else ""
            permalink = (
                f'<a class="{html.escape(options.permalink_class)}" href="#{html.escape(anchor)}"'
                f"{link_title}>{text}</a>"
            )
        return f'<h{level} id="{html.escape(anchor)}">{inner}{permalink}</h{level}>'

    body = _HEADING.sub(heading, rendered)
    anchors = {html.unescape(i) for i in _ID.findall(body)}
    return RenderedBody(body, nest_toc_tokens(tokens), title, anchors, safe="<" not in markdown)


def _resolved(match: re.Match[str], resolve_link: Callable[[str], str]) -> str:
    url = resolve_link(html.unescape(match[2]))
    return f'{match[1]}="{html.escape(url)}"'
