"""A postmortem written in another team's template, read: front-matter, title, sections.

The bytes are decoded by the reader the checks use (`core.document`, which also reads
UTF-16/UTF-32 with a byte-order mark here, and refuses binary and oversized files); YAML
front-matter is read by it too, TOML `+++` front-matter with the standard `tomllib`.
Headings come from markdown-it tokens, so setext headings and headings at any level
count, and `#` lines inside code fences, HTML blocks, lists or quotes do not. Every body
line is kept in exactly one section, with its line number in the source file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token

from pmkb.importer.headings import canonical_for
from pmkb.read.document import MAX_BYTES, markdown_tokens, read_document
from pmkb.settings import Settings


class ImportRefused(Exception):
    """The file cannot be imported; the message says why, `line` and `col` where (1-based)."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.line, self.col = line, col


@dataclass(frozen=True)
class Line:
    """A body line as written, and its line number in the source file."""

    text: str
    number: int


@dataclass
class OriginalFrontMatter:
    """The source's front-matter: its lines as written (delimiters included) and data."""

    kind: str
    lines: list[str]
    data: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None
    """Why the data could not be read (the lines are kept all the same)."""


@dataclass
class SourceHeading:
    """A heading of the source. `start`/`end`: its body line range (setext: 2+ lines)."""

    title: str
    """The heading's inline Markdown as written (on one line)."""
    plain: str
    """Its text without markup, for matching."""
    level: int
    start: int
    end: int
    line: int
    """1-based line in the source file."""


@dataclass
class SourceSection:
    """A heading that starts a section (None: the text before the first one) and its
    body: source lines, and the deeper headings that stay inside it."""

    heading: SourceHeading | None
    canonical: str | None
    body: list[Line | SourceHeading] = field(default_factory=list)

    def lines(self) -> list[Line]:
        """The body as lines, deeper headings included as written."""
        return [
            entry if isinstance(entry, Line) else Line("#" * entry.level + " " + entry.title, entry.line)
            for entry in self.body
        ]


@dataclass
class Source:
    """A source file, read."""

    name: str
    front_matter: OriginalFrontMatter | None
    title_heading: SourceHeading | None
    sections: list[SourceSection]
    section_level: int
    body: list[Line]

    def members(self, canonical: str) -> list[SourceSection]:
        """The sections that stand for a canonical section, in source order."""
        return [section for section in self.sections if section.canonical == canonical]

    def lines_outside(self, *canonical: str) -> list[Line]:
        """The body's lines and headings, except those of the sections for `canonical`."""
        lines: list[Line] = []
        for section in self.sections:
            if section.canonical in canonical:
                continue
            if section.heading is not None:
                lines.append(
                    Line("#" * section.heading.level + " " + section.heading.title, section.heading.line)
                )
            lines += section.lines()
        return lines


def decode(name: str, raw: bytes) -> str:
    """The text of a source file (`\\n` line ends), or ImportRefused saying why not."""
    if not raw.strip():
        raise ImportRefused("the file is empty; there is nothing to import")
    document = read_document(name, raw, other_unicode=True)
    for problem in document.problems:
        if problem.kind == "unreadable":
            limit = f" (pmkb check refuses files over {MAX_BYTES // 1_000_000} MB too)"
            extra = limit if "limit" in problem.message else ""
            raise ImportRefused(problem.message + extra, problem.line, problem.col)
    if not document.source.strip():
        raise ImportRefused("the file holds only white space; there is nothing to import")
    return document.source


def read_source(name: str, text: str, settings: Settings) -> Source:
    """Split a source text (`\\n` line ends) into front-matter, title and sections."""
    lines = text.split("\n")
    front_matter, body_start = _front_matter(name, text, lines)
    body = [Line(line, number) for number, line in enumerate(lines[body_start:], body_start + 1)]
    tokens = markdown_tokens("\n".join(line.text for line in body))
    headings = _headings(tokens, body_start)
    named_title = front_matter.data.get("title") if front_matter else None
    title = _title_heading(headings, body, settings, named_title)
    if title is not None:
        headings.remove(title)
    named = [h.level for h in headings if canonical_for(h.plain, settings, by_meaning=False)]
    section_level = min(named or [h.level for h in headings] or [2])
    sections = [SourceSection(None, None)]
    by_start = {h.start: h for h in headings}
    index = 0
    while index < len(body):
        heading = by_start.get(index)
        if title is not None and index == title.start:
            index = title.end
            continue
        if heading is None:
            sections[-1].body.append(body[index])
            index += 1
            continue
        # Deeper headings are named by meaning only by their name: "23:00 UTC: Root cause
        # found" under a Timeline is an event, not the Contributing Factors.
        canonical = canonical_for(heading.plain, settings, by_meaning=heading.level <= section_level)
        # Known headings always start a section; others unless deeper than the one they are in.
        parent = sections[-1].heading
        if canonical is not None or heading.level <= (parent.level if parent else section_level):
            sections.append(SourceSection(heading, canonical))
        else:
            sections[-1].body.append(heading)
        index = heading.end
    closing = _unclosed_fence(tokens, [line.text for line in body])
    if closing:  # the section may move, and text added after it must not land in the code
        sections[-1].body.append(Line(closing, 0))
    return Source(name, front_matter, title, sections, section_level, body)


def _unclosed_fence(tokens: list[Token], body: list[str]) -> str | None:
    """The line that closes a code fence left open at the end of the file, if there is one."""
    fences = [t for t in tokens if t.type == "fence" and t.level == 0 and t.map]
    if not fences:
        return None
    fence = fences[-1]
    start, end = fence.map or (0, 0)
    if any(line.strip() for line in body[end:]):
        return None
    closer = re.compile(rf"^ {{0,3}}{re.escape(fence.markup[0])}{{{len(fence.markup)},}}\s*$")
    closed = end - start >= 2 and closer.match(body[end - 1])
    return None if closed else fence.markup


def _front_matter(name: str, text: str, lines: list[str]) -> tuple[OriginalFrontMatter | None, int]:
    """The front-matter block, if the file opens with one that is closed; the body start."""
    opener = lines[0].rstrip()
    if opener == "+++":
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "+++"), None)
        if end is None:
            return None, 0
        original = OriginalFrontMatter("TOML", lines[: end + 1])
        try:
            original.data = tomllib.loads("\n".join(lines[1:end]))
        except tomllib.TOMLDecodeError as exc:
            original.problem = f"its TOML front-matter could not be read ({exc})"
        return original, end + 1
    if opener != "---":
        return None, 0
    document = read_document(name, text.encode())
    if document.front_matter is None:  # never closed: it is body text
        return None, 0
    end = document.body_first_line - 1
    original = OriginalFrontMatter("YAML", lines[:end], document.front_matter.data)
    problems = [p for p in document.problems if p.kind != "no-front-matter"]
    if problems:
        first = problems[0]
        original.problem = f"its YAML front-matter could not be read (line {first.line}: {first.message})"
    return original, end


def _headings(tokens: list[Token], offset: int) -> list[SourceHeading]:
    """Top-level headings (not in quotes or lists) with their line ranges."""
    found = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.level != 0 or not token.map:
            continue
        inline = tokens[index + 1]
        start, end = token.map
        found.append(
            SourceHeading(
                title=" ".join(inline.content.split()),
                plain=" ".join(_plain(inline).split()),
                level=int(token.tag[1]),
                start=start,
                end=end,
                line=start + offset + 1,
            )
        )
    return found


def _plain(inline: Token) -> str:
    return "".join(
        child.content if child.type in ("text", "code_inline") else " " if "break" in child.type else ""
        for child in inline.children or []
    )


def _title_heading(
    headings: list[SourceHeading], body: list[Line], settings: Settings, named_title: object
) -> SourceHeading | None:
    """The document title: a first heading that is no known section and either an H1,
    above every other heading, or the first line of the body and no `Label: value`.
    When the front-matter names the title, only a heading that says the same."""
    if not headings or canonical_for(headings[0].plain, settings) is not None:
        return None
    first, rest = headings[0], headings[1:]
    if isinstance(named_title, str) and named_title.strip():
        return first if " ".join(named_title.split()) == first.plain else None
    at_top = not any(line.text.strip() for line in body[: first.start])
    if first.level == 1 or (rest and all(h.level > first.level for h in rest)):
        return first
    return first if at_top and ":" not in first.plain else None
