"""The prose of a postmortem, as passages that remember where each character came from.

A passage is a paragraph, a list item, a table cell or a front-matter text value,
joined into one string (a sentence may wrap over lines) with a map back to file lines
and columns. Text the author did not write as their own judgement is left out or
blanked: code fences and spans, HTML comments, block quotes, quoted words, links' URLs,
timeline rows whose source is a chat transcript, and the owner, time and status cells.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pmkb.read.names import normalise_heading

if TYPE_CHECKING:
    from pmkb.read.postmortem import Postmortem
    from pmkb.settings import Settings

Context = Literal["factor", "prose"]
"""`factor`: a contributing factor (section or front-matter), where any change a person made
is stated as a cause; `prose`: everything else."""

FACTOR_SECTIONS = frozenset({"Contributing Factors"})
CHAT_SOURCES = (
    "slack",
    "chat",
    "irc",
    "teams",
    "mattermost",
    "discord",
    "zoom",
    "transcript",
    "channel",
    "#",
)
"""A timeline row whose Source cell names one of these quotes people talking."""


def is_chat(source: str) -> bool:
    lowered = source.lower()
    return any(word in lowered for word in CHAT_SOURCES)


_NOT_PROSE_COLUMNS = ("owner", "priority", "due", "status", "ticket")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^(\s*(?:[-*+]|\d{1,3}[.)])\s+)")
_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{2,}")
_MASKS = re.compile(
    r"`+[^`]*`+"  # code spans
    r"|\"[^\"\n]{1,300}\"|“[^”]{1,300}”|‘[^’]{1,300}’"  # quoted words
    r"|\]\([^)\s]*\)"  # link targets
    r"|https?://\S+"  # bare URLs
    r"|<[^>\n]{1,200}>"  # HTML tags
)


_MAYBE_MASKED = re.compile(r"[`\"“‘<]|\]\(|https?:")


@dataclass(frozen=True)
class Passage:
    """Text to judge, with where it is in the file."""

    text: str
    """Masked text: code, quotations and URLs are blanked to spaces, offsets unchanged."""
    context: Context
    offsets: tuple[int, ...]
    """Where each source piece (a line's text) starts in `text`."""
    places: tuple[tuple[int, int], ...]
    """The file line and column of each piece's first character."""

    def position(self, offset: int) -> tuple[int, int]:
        """The file line and column of a character of `text`."""
        index = max(0, bisect.bisect_right(self.offsets, offset) - 1)
        line, col = self.places[index]
        return line, col + offset - self.offsets[index]


def mask(text: str) -> str:
    """Blank code spans, quotations, URLs and tags, keeping every offset."""
    return _MASKS.sub(lambda match: " " * len(match.group(0)), text)


Wanted = Callable[[str], bool]
"""A cheap test on a passage's raw text: only passages it accepts are masked and built."""


def _everything(_text: str) -> bool:
    return True


def passage(
    pieces: list[tuple[int, int, str]], context: Context, wanted: Wanted = _everything
) -> Passage | None:
    """A passage from (line, column, text) pieces, joined with spaces."""
    raw = " ".join([text for _line, _col, text in pieces])
    if not wanted(raw):
        return None
    joined = mask(raw) if _MAYBE_MASKED.search(raw) else raw
    if not joined.strip():
        return None
    offsets: list[int] = []
    length = 0
    for _line, _col, text in pieces:
        offsets.append(length)
        length += len(text) + 1
    places = tuple([(line, col) for line, col, _text in pieces])
    return Passage(joined, context, tuple(offsets), places)


def passages(postmortem: Postmortem, settings: Settings, wanted: Wanted = _everything) -> Iterator[Passage]:
    """Every passage of a postmortem (front-matter title and factors, then the body) whose
    raw text `wanted` accepts."""
    document = postmortem.document
    lines = document.source.split("\n")
    yield from _front_matter_passages(postmortem, lines, wanted)
    body = lines[document.body_first_line - 1 :]
    yield from body_passages(body, document.body_first_line, settings, wanted)


def _front_matter_passages(postmortem: Postmortem, lines: list[str], wanted: Wanted) -> Iterator[Passage]:
    """`lines`: the file's."""
    if postmortem.document.front_matter is None:
        return
    positions = postmortem.document.front_matter.key_positions
    found = passage(_yaml_value_pieces(lines, positions.get(("title",))), "prose", wanted)
    if found is not None:
        yield found
    for index in range(len(postmortem.meta.contributing_factors)):
        where = positions.get(("contributing_factors", index, "description"))
        found = passage(_yaml_value_pieces(lines, where), "factor", wanted)
        if found is not None:
            yield found


def _yaml_value_pieces(lines: list[str], where: tuple[int, int] | None) -> list[tuple[int, int, str]]:
    """The text of a YAML scalar whose key is at `where`: inline, plain over several
    lines, quoted, or a `>-`/`|` block, each piece at its own line and column."""
    if where is None or not 0 < where[0] <= len(lines):
        return []
    line_number, col = where
    first = lines[line_number - 1]
    colon = first.find(":", col - 1)
    if colon < 0:
        return []
    rest = first[colon + 1 :]
    pieces: list[tuple[int, int, str]] = []
    inline = rest.strip()
    if inline and inline[0] not in ">|":
        start = colon + 1 + (len(rest) - len(rest.lstrip()))
        pieces.append((line_number, start + 1, inline))
    for number in range(line_number + 1, len(lines) + 1):
        text = lines[number - 1]
        indent = len(text) - len(text.lstrip())
        if text.strip() and indent < col:
            break  # back at the key's own indentation: the next key
        if text.strip():
            pieces.append((number, indent + 1, text.strip()))
    if pieces:  # quotes around a flow scalar are YAML, not the author's quotation marks
        line, start, text = pieces[0]
        if text[:1] in "\"'":
            pieces[0] = (line, start + 1, text[1:])
        line, start, text = pieces[-1]
        if text[-1:] in "\"'":
            pieces[-1] = (line, start, text[:-1])
    return pieces


def body_passages(
    lines: list[str], first_line: int, settings: Settings, wanted: Wanted = _everything
) -> Iterator[Passage]:
    """Paragraphs, list items and table cells of Markdown lines starting at `first_line`."""
    reader = _BodyReader(settings, wanted)
    for number, line in enumerate(lines, start=first_line):
        reader.feed(number, line)
    reader.flush()
    return iter(reader.found)


class _BodyReader:
    """A line-by-line Markdown reader: cheaper than a parse, and all the checks need."""

    def __init__(self, settings: Settings, wanted: Wanted) -> None:
        self._settings = settings
        self._wanted = wanted
        self.found: list[Passage] = []
        """The passages read so far, in order."""
        self._fence: str | None = None
        self._in_comment = False
        self._in_quote = False
        self._context: Context = "prose"
        self._paragraph: list[tuple[int, int, str]] = []
        self._columns: list[str] | None = None
        """The current table's column keys; None outside a table."""
        self._source = -1
        """The index of the current table's Source column, or -1."""

    def feed(self, number: int, raw: str) -> None:
        stripped = raw.strip()
        first = stripped[:1]
        if self._fence is not None:
            marker = _FENCE.match(raw) if first in ("`", "~") else None
            if marker and marker.group(1)[0] == self._fence[0] and len(marker.group(1)) >= len(self._fence):
                self._fence = None
            return
        if first in ("`", "~"):
            marker = _FENCE.match(raw)
            if marker:
                self.flush()
                self._fence = marker.group(1)
                return
        line = raw
        if self._in_comment or "<!--" in raw:
            line = self._strip_comments(raw)
            stripped = line.strip()
            first = stripped[:1]
        if not stripped:
            self.flush()
            self._in_quote = False
            return
        if first == ">" or self._in_quote:
            self.flush()
            self._in_quote = True
            return
        if first == "#":
            heading = _HEADING.match(line)
            if heading:
                self.flush()
                if len(heading.group(1)) == 2:
                    name = normalise_heading(heading.group(2))
                    section = self._settings.section_lookup.get(name)
                    self._context = "factor" if section in FACTOR_SECTIONS else "prose"
                return
        if first == "|":
            self._flush_paragraph()
            self._table_row(number, line)
            return
        self._columns = None
        if first in "-*+0123456789":
            item = _LIST_ITEM.match(line)
            if item:
                self._flush_paragraph()
                line = " " * len(item.group(1)) + line[len(item.group(1)) :]
                stripped = line.strip()
        # `stripped` is the line's text from its first non-blank character
        self._paragraph.append((number, len(line) - len(line.lstrip()) + 1, stripped))

    def flush(self) -> None:
        self._flush_paragraph()
        self._columns = None

    def _flush_paragraph(self) -> None:
        if self._paragraph:
            found = passage(self._paragraph, self._context, self._wanted)
            self._paragraph = []
            if found is not None:
                self.found.append(found)

    def _strip_comments(self, line: str) -> str:
        """The line with HTML comments blanked (same length), tracking multi-line ones."""
        out: list[str] = []
        rest = line
        while rest:
            if self._in_comment:
                end = rest.find("-->")
                if end < 0:
                    out.append(" " * len(rest))
                    break
                out.append(" " * (end + 3))
                rest, self._in_comment = rest[end + 3 :], False
            else:
                start = rest.find("<!--")
                if start < 0:
                    out.append(rest)
                    break
                out.append(rest[:start])
                rest, self._in_comment = rest[start:], True
        return "".join(out)

    def _table_row(self, number: int, line: str) -> None:
        if self._columns is None:
            self._columns = [self._column_key(text) for _col, text in _cells(line)]
            self._source = self._columns.index("source") if "source" in self._columns else -1
            return
        if _SEPARATOR_ROW.match(line):
            return
        cells = _cells(line)
        if 0 <= self._source < len(cells) and is_chat(cells[self._source][1]):
            return
        for key, (col, text) in zip(self._columns, cells, strict=False):
            # a one-piece passage's raw text is the cell's: ask `wanted` before building it
            if key == "text" and text and self._wanted(text):
                found = passage([(number, col, text)], self._context)
                if found is not None:
                    self.found.append(found)

    def _column_key(self, header: str) -> str:
        name = normalise_heading(header)
        if "source" in name:
            return "source"
        if "time" in name or "date" in name:
            return "time"
        key = self._settings.column_lookup.get(name)
        return key if key in _NOT_PROSE_COLUMNS else "text"


def _cells(line: str) -> list[tuple[int, str]]:
    """A table row's cells with the 1-based column where each cell's text starts."""
    parts = line.split("|")
    if "\\|" in line:  # an escaped pipe is text: join the pieces it split
        merged: list[str] = []
        for part in parts:
            if merged and merged[-1].endswith("\\"):
                merged[-1] += "|" + part
            else:
                merged.append(part)
        parts = merged
    cells: list[tuple[int, str]] = []
    offset = len(parts[0]) + 1
    last = len(parts) - 1
    for index, raw in enumerate(parts[1:], start=1):
        if not (index == last and not raw.strip()):
            lead = len(raw) - len(raw.lstrip())
            cells.append((offset + lead + 1, raw.strip()))
        offset += len(raw) + 1
    return cells
