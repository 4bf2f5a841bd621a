"""Postmortem pages' HTML and Markdown, held compressed between MkDocs reading them and
writing them.

MkDocs converts every page before it writes any, so at the start of writing it holds
every page's source and HTML: 27 MB at 1,000 postmortems, most of a build's memory above
plain Material's (a text with one non-ASCII character takes two bytes a character).
Compressed, they take a tenth of that, for about 0.1 ms a page each way. Each text is
back on its page before any template or plugin sees the page again.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.structure.pages import Page

LEVEL = 1
"""zlib's fastest level: a quarter of the time of its default, nearly its size."""


class ParkedPages:
    def __init__(self) -> None:
        self._texts: dict[str, tuple[bytes, bytes]] = {}

    def park(self, content: str, page: Page) -> str:
        """Keep `page`'s converted `content` and its Markdown here, compressed, and blank
        them: the content returned goes on the page, and its Markdown becomes "" (not None:
        MkDocs reads a None Markdown as a page not read yet)."""
        self._texts[page.file.src_uri] = (_pack(content), _pack(page.markdown or ""))
        page.markdown = ""
        return ""

    def restore(self, page: Page) -> None:
        """Put back what `park` took from `page`, if it took anything."""
        texts = self._texts.pop(page.file.src_uri, None)
        if texts is not None:
            page.content, page.markdown = _unpack(texts[0]), _unpack(texts[1])

    def __len__(self) -> int:
        return len(self._texts)


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode(), LEVEL)


def _unpack(packed: bytes) -> str:
    return zlib.decompress(packed).decode()
