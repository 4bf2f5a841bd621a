"""Short user text on generated pages: inline Markdown rendered safely, and excerpts.

Fields such as a rule's summary, a reading-list note, an action or a contributing factor
may hold inline Markdown (`code`, *emphasis*, links). They are rendered with
markdown-it-py (CommonMark, raw HTML off) and then sanitised like a postmortem body, so
nothing a field holds can run in a reader's browser.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

from pmkb.publish.sanitize import sanitize_body

_INLINE = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(`*_])")


def inline_markdown(text: object) -> Markup:
    """One line of Markdown as safe inline HTML (no paragraph around it)."""
    if text is None:
        return Markup("")
    return Markup(_inline_html(str(text)))  # noqa: S704 (sanitised there)


@lru_cache(maxsize=65536)
def _inline_html(text: str) -> str:
    """Cached: one action item is drawn in several listings."""
    return sanitize_body(_INLINE.renderInline(text))


@lru_cache(maxsize=65536)  # one incident's summary is drawn in several listings
def excerpt(text: str, limit: int = 260) -> str:
    """Whole sentences of `text` up to about `limit` characters.

    The first sentence is kept even when longer (cut at a word, with an ellipsis):
    a listing never shows half a sentence without saying so.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    kept = ""
    for match in _SENTENCE_END.finditer(text):
        if match.start() > limit:
            break
        kept = text[: match.start()]
    if kept:
        return kept
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    if cut.count("`") % 2:  # never leave a code span open
        cut = cut[: cut.rindex("`")].rstrip()
    return cut + " …"
