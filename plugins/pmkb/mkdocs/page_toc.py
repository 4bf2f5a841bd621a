"""A table of contents for generated pages, read from the headings their templates draw.

MkDocs builds a page's table of contents from its Markdown; a generated page has none,
so without this a long page (action items, rules, metrics) would show an empty column.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from mkdocs.structure.toc import get_toc

if TYPE_CHECKING:
    from mkdocs.structure.toc import TableOfContents

_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def toc_of(content: str) -> TableOfContents:
    """The h2 headings of rendered HTML, with their h3 headings nested below them."""
    tokens: list[Any] = []
    for level, anchor, inner in _HEADING.findall(content):
        title = html.escape(html.unescape(_TAG.sub("", inner)).strip())
        entry = {"level": int(level), "id": html.unescape(anchor), "name": title, "children": []}
        if level == "2":
            tokens.append(entry)
        elif tokens:
            tokens[-1]["children"].append(entry)
    return get_toc(tokens)
