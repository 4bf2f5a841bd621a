"""The block parse (markdown-it.rs) finds exactly what markdown-it-py's block pass found.

`reference_sections` below is the markdown-it-py reading that pmkb used before; every
located diagnostic derives from headings, sections, tables and their lines, so the two
must agree on every Markdown file of the repository and on generated documents full of
the constructs where parsers differ (escaped pipes, ragged tables, setext headings,
fences, HTML, indented code, lists and quotes read as paragraphs, non-ASCII text).
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pmkb.read.document import Document, Heading, Section, Table, TableRow, read_document

REPO = Path(__file__).resolve().parent.parent

_reference = MarkdownIt("commonmark").enable("table").disable(["inline", "list", "blockquote"])
_INLINE_MARKUP = re.compile(r"\*\*|__|`+|<[^>\n]+>")


def reference_sections(body: str, offset: int) -> tuple[list[Heading], list[Section]]:
    """The markdown-it-py token walk pmkb used before (kept here as the oracle)."""
    tokens = _reference.parse(body)
    lines = body.split("\n")
    headings: list[Heading] = []
    sections: list[Section] = []
    open_section: tuple[Heading, int] | None = None
    section_tokens: list[Token] = []

    def close(end_index: int) -> None:
        if open_section is None:
            return
        heading, start_index = open_section
        sections.append(
            Section(
                heading.title,
                heading.line,
                _plain_text(section_tokens),
                _tables(section_tokens, offset),
                start_index + offset + 1,
                lines[start_index:end_index],
            )
        )

    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open" and token.map:
            raw_title = tokens[index + 1].content if index + 1 < len(tokens) else ""
            title = _INLINE_MARKUP.sub("", raw_title).strip("*_ \t")
            heading = Heading(title, int(token.tag[1]), token.map[0] + offset + 1)
            headings.append(heading)
            if token.tag == "h2":
                close(token.map[0])
                open_section = (heading, token.map[1])
                section_tokens = []
                index += 3
                continue
        if open_section is not None:
            section_tokens.append(token)
        index += 1
    close(len(lines))
    return headings, sections


def _plain_text(tokens: list[Token]) -> str:
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline":
            parts.append(_INLINE_MARKUP.sub("", token.content))
        elif token.type in ("fence", "code_block"):
            parts.append(token.content)
    return "\n".join(part for part in parts if part.strip())


def _tables(tokens: list[Token], offset: int) -> list[Table]:
    tables: list[Table] = []
    current: Table | None = None
    row: list[str] | None = None
    row_line = 0
    in_head = False
    for token in tokens:
        if token.type == "table_open":
            current = Table(header=[], line=(token.map[0] if token.map else 0) + offset + 1, rows=[])
        elif token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row = []
            row_line = (token.map[0] if token.map else 0) + offset + 1
        elif token.type == "inline" and row is not None:
            row.append(token.content.strip())
        elif token.type == "tr_close" and current is not None and row is not None:
            if in_head:
                current.header = row
            else:
                current.rows.append(TableRow(row, row_line))
            row = None
        elif token.type == "table_close" and current is not None:
            tables.append(current)
            current = None
    return tables


def assert_same_as_reference(text: str) -> None:
    document: Document = read_document("x.md", text.encode())
    if document.problems and not document.sections and not document.headings:
        if any(p.kind == "unreadable" for p in document.problems):
            return
    lines = document.source.split("\n")
    offset = document.body_first_line - 1
    headings, sections = reference_sections("\n".join(lines[offset:]), offset)
    assert document.headings == headings
    assert document.sections == sections


def _markdown_files() -> list[Path]:
    skip = {".venv", "site", ".git", "node_modules", ".cache"}
    return sorted(path for path in REPO.rglob("*.md") if not skip & set(path.relative_to(REPO).parts))


def test_every_markdown_file_of_the_repository_reads_the_same() -> None:
    files = _markdown_files()
    assert len(files) > 20
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert_same_as_reference(text)
        # and as a body without front-matter
        assert_same_as_reference("---\nid: PM-1\n---\n" + text)


_cell = st.sampled_from(
    [
        "a",
        " b ",
        "x \\| y",
        "`code | pipe`",
        "**bold**",
        "",
        "  ",
        "é ü",
        "—",
        "a\\",
        "\\|",
        "<b>x</b>",
        "14:05",
        "2026-01-01",
        "✅ Done",
        "[link](http://x)",
        "a|b",
    ]
)


@st.composite
def _table(draw: st.DrawFn) -> str:
    columns = draw(st.integers(1, 4))
    lead = draw(st.sampled_from(["|", "", " |", "   |"]))
    trail = draw(st.sampled_from(["|", "", " | "]))
    header = lead + " | ".join(draw(st.lists(_cell, min_size=columns, max_size=columns))) + trail
    delimiter = (
        lead
        + "|".join(draw(st.sampled_from(["---", ":--", "--:", ":-:", " --- ", "-"])) for _ in range(columns))
        + trail
    )
    if draw(st.booleans()):
        delimiter = draw(st.sampled_from(["|--|", "---", "| - | - | - | - | - |", "|:-|-:|"]))
    rows = [
        draw(st.sampled_from(["|", "", "  "]))
        + " | ".join(draw(st.lists(_cell, min_size=0, max_size=columns + 2)))
        + draw(st.sampled_from(["|", "", " "]))
        for _ in range(draw(st.integers(0, 4)))
    ]
    return "\n".join([header, delimiter, *rows])


_line = st.one_of(
    st.sampled_from(
        [
            "",
            "",
            "## Summary",
            "## Action Items ##",
            "##",
            "## ",
            "#  Title",
            "### Sub **x**",
            "Heading",
            "-------",
            "=====",
            "   ## Indented",
            "    code line",
            "\tcode tab",
            "```",
            "```py",
            "~~~",
            "- item",
            "* item",
            "1. first",
            "> quoted",
            "> ## quoted heading",
            "<!-- pmkb-disable PM501: reason -->",
            "<div>",
            "</div>",
            "<details>",
            "---",
            "***",
            "Plain text with `code` and **bold** <span>x</span>.",
            "  leading spaces",
            "trailing  ",
            "[ref]: http://example.com",
            "Ünïcödé — “quotes” 日本語",
            "| not | a table",
            "|",
            "a | b",
            "--- | ---",
            "| x |",
            "\\## escaped",
            "## Timeline\t",
            "#\tTab heading",
            " ",
            "\t",
            "   ",
            "<!--",
            "-->",
            "<!-- a\nb -->",
            "## Title #",
            "## Title \\#",
            "&amp; &#35;",
            "  - nested",
            "> | a | b |",
            "🔥 on fire 🚒",
            "| 🔥 | ✅ |",
            "|---|---|",
            "| a | b |",
            "<pre>",
            "</pre>",
            "<script>",
            "</script>",
            "    ## indented heading",
            "## **Impact**",
        ]
    ),
    _table(),
    st.text(alphabet="#|-=`~> *_\\:abc é\t", max_size=12),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_line, max_size=25))
def test_generated_documents_read_the_same(lines: list[str]) -> None:
    body = "\n".join(lines)
    assert_same_as_reference(body)
    assert_same_as_reference("---\nid: PM-1\n---\n" + body)
