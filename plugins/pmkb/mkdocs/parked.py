"""Postmortem pages' HTML, Markdown and front matter, held compressed between MkDocs
reading them and writing them.

MkDocs converts every page before it writes any, so at the start of writing it holds
every page's source and HTML: 27 MB at 1,000 postmortems, most of a build's memory above
plain Material's (a text with one non-ASCII character takes two bytes a character), and
its front matter as YAML made it (4.6 MB more). Compressed, they take a tenth of that,
for about 0.1 ms a page each way. All is back on the page before any template or plugin
sees it again; meanwhile its front matter keeps the keys MkDocs and Material read of
other pages, or before a page's events (`template`, which MkDocs reads first).
"""

from __future__ import annotations

import pickle
import zlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import MutableMapping

    from mkdocs.structure.pages import Page

LEVEL = 1
"""zlib's fastest level: a quarter of the time of its default, nearly its size."""
KEPT_META = frozenset(
    {"title", "template", "hide", "description", "icon", "status", "subtitle", "tags", "search"}
)
"""Front-matter keys that stay on a parked page."""


class ParkedPages:
    def __init__(self) -> None:
        self._texts: dict[str, tuple[bytes, bytes, bytes | None]] = {}

    def park(self, content: str, page: Page) -> str:
        """Keep `page`'s converted `content`, its Markdown and its front matter here,
        compressed; the content returned goes on the page, its Markdown becomes "" (not
        None: MkDocs reads a None Markdown as a page not read yet), its front matter the
        `KEPT_META` keys."""
        meta = _pack_meta(page.meta) if set(page.meta) - KEPT_META else None
        self._texts[page.file.src_uri] = (_pack(content), _pack(page.markdown or ""), meta)
        page.markdown = ""
        if meta is not None:
            page.meta = kept_meta(page.meta)
        return ""

    def restore(self, page: Page) -> None:
        """Put back what `park` took from `page`, if it took anything."""
        texts = self._texts.pop(page.file.src_uri, None)
        if texts is not None:
            page.content, page.markdown = _unpack(texts[0]), _unpack(texts[1])
            if texts[2] is not None:
                page.meta = pickle.loads(zlib.decompress(texts[2]))  # noqa: S301  # made by `park`

    def __len__(self) -> int:
        return len(self._texts)


def kept_meta(meta: MutableMapping[str, Any]) -> dict[str, Any]:
    """The `KEPT_META` keys of a page's front matter."""
    return {key: value for key, value in meta.items() if key in KEPT_META}


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode(), LEVEL)


def _unpack(packed: bytes) -> str:
    return zlib.decompress(packed).decode()


def _pack_meta(meta: MutableMapping[str, Any]) -> bytes | None:
    """None for front matter a plugin filled with what cannot be pickled: it stays."""
    try:
        return zlib.compress(pickle.dumps(meta, protocol=pickle.HIGHEST_PROTOCOL), LEVEL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
