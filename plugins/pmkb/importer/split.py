"""`--split`: a file that holds several incidents, one `#` heading each, cut into parts."""

from __future__ import annotations

from pmkb.importer.headings import canonical_for
from pmkb.read.document import markdown_tokens
from pmkb.settings import Settings


def split_incidents(text: str, settings: Settings) -> list[tuple[int, str]]:
    """(first line, text) of each incident: the file cut before each top-level `#`
    heading that is no section name. Anything before the first one (front-matter, an
    introduction) goes with the first; one part when there are fewer than two."""
    lines = text.split("\n")
    tokens = markdown_tokens(text)
    starts = [
        token.map[0]
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
        and token.tag == "h1"
        and token.level == 0
        and token.map
        and canonical_for(tokens[index + 1].content, settings, by_meaning=False) is None
    ]
    if len(starts) < 2:
        return [(1, text)]
    bounds = [0, *starts[1:], len(lines)]
    return [(start + 1, "\n".join(lines[start:end])) for start, end in zip(bounds, bounds[1:], strict=False)]
