"""A postmortem written in another team's template, read for `pmkb import`.

The source is split into its front-matter (YAML `---` or TOML `+++`, read with
python-frontmatter's handlers), an optional title heading and sections. Headings are
found with markdown-it tokens, so setext headings and headings at any level count, and
`#` lines inside code fences, HTML blocks or block quotes do not. Every body line is kept
in exactly one section; only heading lines are left for the importer to rewrite.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from frontmatter.default_handlers import BaseHandler, YAMLHandler
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .names import normalise_heading
from .settings import Settings

markdown = MarkdownIt("commonmark").enable("table")

IMPORT_ALIASES: dict[str, list[str]] = {
    "Summary": ["Summary", "Incident Summary", "Issue Summary", "Overview", "Executive Summary"],
    "Impact": ["Impact", "Customer Impact", "User Impact"],
    "Timeline": ["Timeline", "Timeline of Events", "Incident Timeline"],
    "Contributing Factors": [
        "Root Cause", "Root Causes", "Root Cause(s)", "Contributing Factors",
        "Leadup", "Lead-up", "Fault", "Trigger", "Triggers",
    ],
    "What Went Well": ["What Went Well", "Things That Went Well", "What Went Right"],
    "What Went Wrong": ["What Went Wrong", "What Didn't Go So Well", "What Went Poorly"],
    "Action Items": [
        "Action Items", "Corrective Actions", "Remediation", "Remediations",
        "Follow-up Improvements", "Follow-up Actions", "Follow-ups", "Review Actions",
    ],
    "Lessons Learned": ["Lessons Learned", "Lessons Learnt", "Takeaways", "Key Takeaways"],
}
"""Headings of common templates (Google SRE, PagerDuty, Atlassian, Etsy) per canonical
section, used by `pmkb import` only and on top of the configured `section_aliases`."""

_PUNCTUATION = re.compile(r"[\s?!.]+$")


class TomlHandler(BaseHandler):
    """TOML `+++` front-matter. python-frontmatter's own TOMLHandler exists only when the
    third-party `toml` package is installed; this one uses the standard `tomllib`."""

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)


_HANDLERS: dict[str, tuple[str, BaseHandler]] = {
    "---": ("YAML", YAMLHandler()),
    "+++": ("TOML", TomlHandler()),
}


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
    """A heading of the source; `start`/`end` are its body line range (setext: 2+ lines)."""

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
    body: list[str | SourceHeading] = field(default_factory=list)


@dataclass
class Source:
    """A source file, read."""

    front_matter: OriginalFrontMatter | None
    title_heading: SourceHeading | None
    sections: list[SourceSection]
    section_level: int
    body_text: str

    def text_outside(self, canonical: str) -> str:
        """The body's lines, except those of the sections that stand for `canonical`."""
        return "\n".join(
            line for section in self.sections if section.canonical != canonical
            for line in section.body if isinstance(line, str)
        )


def canonical_for(title: str, settings: Settings) -> str | None:
    """The canonical section a heading of another template stands for, or None."""
    key = normalise_heading(_PUNCTUATION.sub("", title))
    found = settings.section_lookup.get(key)
    if found is not None:
        return found
    for canonical, aliases in IMPORT_ALIASES.items():
        if any(normalise_heading(alias) == key for alias in aliases):
            return canonical
    return None


def read_source(text: str, settings: Settings) -> Source:
    """Split a source text (`\\n` line ends) into front-matter, title and sections."""
    lines = text.split("\n")
    front_matter, body_start = _front_matter(lines)
    body = lines[body_start:]
    tokens = markdown.parse("\n".join(body))
    headings = _headings(tokens, body_start)
    title = _title_heading(headings, settings)
    if title is not None:
        headings.remove(title)
    mapped = [h.level for h in headings if canonical_for(h.plain, settings)]
    section_level = min(mapped or [h.level for h in headings] or [2])
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
        canonical = canonical_for(heading.plain, settings)
        # Known headings always start a section; others unless deeper than the one they are in.
        parent = sections[-1].heading
        if canonical is not None or heading.level <= (parent.level if parent else section_level):
            sections.append(SourceSection(heading, canonical))
        else:
            sections[-1].body.append(heading)
        index = heading.end
    closing = _unclosed_fence(tokens, body)
    if closing:  # the section may move, and text added after it must not land in the code
        sections[-1].body.append(closing)
    return Source(front_matter, title, sections, section_level, "\n".join(body))


def _unclosed_fence(tokens: list[Token], body: list[str]) -> str | None:
    """The line that closes a code fence left open at the end of the file, if there is one."""
    fences = [t for t in tokens if t.type == "fence" and t.level == 0 and t.map]
    if not fences:
        return None
    fence = fences[-1]
    start, end = fence.map  # type: ignore[misc]
    if any(line.strip() for line in body[end:]):
        return None
    closer = re.compile(rf"^ {{0,3}}{re.escape(fence.markup[0])}{{{len(fence.markup)},}}\s*$")
    closed = end - start >= 2 and closer.match(body[end - 1])
    return None if closed else fence.markup


def _front_matter(lines: list[str]) -> tuple[OriginalFrontMatter | None, int]:
    """The front-matter block, if the file opens with one that is closed; the body start."""
    opener = lines[0].rstrip() if lines else ""
    if opener not in _HANDLERS:
        return None, 0
    kind, handler = _HANDLERS[opener]
    closers = {opener, "..."} if kind == "YAML" else {opener}
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in closers), None)
    if end is None:
        return None, 0
    original = OriginalFrontMatter(kind, lines[: end + 1])
    try:
        data = handler.load("\n".join(lines[1:end]))
    except Exception as exc:  # noqa: BLE001 - any YAML/TOML error: keep the lines, note why
        original.problem = f"its {kind} front-matter could not be read ({type(exc).__name__})"
        return original, end + 1
    if isinstance(data, dict):
        original.data = {str(key): value for key, value in data.items()}
    elif data is not None:
        original.problem = f"its {kind} front-matter is not a mapping of keys"
    return original, end + 1


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
        child.content if child.type in ("text", "code_inline") else " " if "break" in child.type
        else ""
        for child in inline.children or []
    )


def _title_heading(headings: list[SourceHeading], settings: Settings) -> SourceHeading | None:
    """The document title: a first heading that is no known section and either an H1 or
    above every other heading."""
    if not headings or canonical_for(headings[0].plain, settings) is not None:
        return None
    first, rest = headings[0], headings[1:]
    if first.level == 1 or (rest and all(h.level > first.level for h in rest)):
        return first
    return None
