"""A Markdown file read once: front-matter with key positions, sections, tables.

Everything here records where it came from (1-based file lines), so that a rule can
point at the YAML key, the heading or the table row it is talking about. Parsing never
raises: problems with the file itself become `ReadProblem`s for the rules to report.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from markdown_it_pyrs import MarkdownIt as FastMarkdownIt
from markdown_it_pyrs import Node

from pmkb.read.yaml_reader import Path, ReadProblem, nearest_position, read_yaml

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

MAX_BYTES = 2_000_000
"""Larger files are refused: no postmortem is this long, and parsing would be slow."""

SECTION_LEVEL = "h2"
_SECTION_DEPTH = int(SECTION_LEVEL[1])

_block_parser = FastMarkdownIt("zero").enable_many(
    ["code", "fence", "hr", "reference", "html_block", "heading", "lheading", "paragraph", "table"]
)
"""Block structure only: headings, tables, fences and paragraphs are all the rules need.
markdown-it.rs (the Rust port of markdown-it, through markdown-it-pyrs) with CommonMark's
block rules and GFM tables, no inline rules, lists or blockquotes: a list reads as a
paragraph, and a heading quoted in a blockquote is not a section. About five times faster
than markdown-it-py's block pass, which was half of a cold check; `tests/test_block_parse.py`
holds it to markdown-it-py's headings, sections, tables and lines."""


@functools.cache
def _reference_parser() -> MarkdownIt:
    """markdown-it-py with the same rules, for the bodies `_ambiguous_table` picks out.
    Made (and markdown-it-py imported) on first use: most checks never need it, and each
    process of a parallel check would import it for nothing."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").disable(["inline", "list", "blockquote"])


@functools.cache
def _full_markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def markdown_tokens(text: str) -> list[Token]:
    """The full CommonMark parse (lists, quotes, inline), for readers that need nesting:
    `pmkb import` reads other teams' lists and headings at any level with it."""
    return _full_markdown().parse(text)


@dataclass
class FrontMatter:
    """The YAML front-matter: its data and where each key and value is."""

    data: dict[str, Any]
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    """Line and column of each mapping key (and each sequence item), by path."""
    first_line: int = 1
    """The line of the opening `---`."""

    def position(self, path: Path) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that has one."""
        return nearest_position(self.key_positions, path, (self.first_line, 1))


@dataclass
class Table:
    """A Markdown table: header cells and rows of cells, each row with its line."""

    header: list[str]
    line: int
    rows: list[TableRow]


@dataclass
class TableRow:
    cells: list[str]
    line: int


@dataclass
class Section:
    """A `##` heading and everything up to the next one."""

    title: str
    line: int
    text: str
    """Plain text of the section's paragraphs, lists and tables (no markup, no comments)."""
    tables: list[Table]
    first_body_line: int
    """The line after the heading."""
    body_lines: list[str]
    """The raw source lines of the section's body."""


@dataclass
class Heading:
    title: str
    level: int
    line: int


@dataclass
class Document:
    """One Markdown file, parsed."""

    path: str
    source: str = ""
    front_matter: FrontMatter | None = None
    sections: list[Section] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    body_first_line: int = 1
    """The file line where the Markdown body starts (after the front-matter)."""
    problems: list[ReadProblem] = field(default_factory=list)

    @property
    def body_lines(self) -> list[str]:
        return self.source.split("\n")[self.body_first_line - 1 :]


_ID_LINE = re.compile(r"^id:[ \t]*['\"]?([^'\"#\s]+)['\"]?[ \t]*(?:#.*)?$")


def read_id(path: str, raw: bytes) -> Document:
    """Only the `id` key of the front-matter, found by a line scan: what cross-file rules
    need of the files that are not being reported on, at a fraction of a full parse."""
    document = Document(path=path)
    lines = raw.decode("utf-8-sig", errors="replace").splitlines()
    if not lines or lines[0].rstrip() != "---":
        return document
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() in ("---", "..."):
            break
        match = _ID_LINE.match(line)
        if match:
            document.front_matter = FrontMatter({"id": match.group(1)}, {("id",): (number, 1)})
            break
    return document


def read_document(path: str, raw: bytes, *, other_unicode: bool = False) -> Document:
    """Parse a file's bytes into a Document; never raises. `other_unicode`: see decode_text."""
    document = Document(path=path)
    text, problem = decode_text(raw, other_unicode=other_unicode)
    if problem is not None:
        document.problems.append(problem)
        return document
    document.source = text
    lines = text.split("\n")
    body_start = _split_front_matter(lines, document)
    document.body_first_line = body_start + 1
    _parse_body("\n".join(lines[body_start:]), body_start, document)
    return document


_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32 LE"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32 BE"),
    (b"\xff\xfe", "utf-16-le", "UTF-16 LE"),
    (b"\xfe\xff", "utf-16-be", "UTF-16 BE"),
)


def decode_text(raw: bytes, *, other_unicode: bool = False) -> tuple[str, ReadProblem | None]:
    """Bytes to text with `\n` line ends; a BOM is dropped. Refuses binary and non-UTF-8.

    A UTF-16 or UTF-32 file with a byte-order mark is text in another encoding: it is
    decoded when `other_unicode` is set (`pmkb import` writes UTF-8 anyway), else reported
    as "not UTF-8" (MkDocs reads UTF-8 only), never as binary.
    """
    if len(raw) > MAX_BYTES:
        size = f"{len(raw) / 1_000_000:.1f} MB"
        return "", ReadProblem("unreadable", f"file is {size}, over the 2 MB limit", 1)
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            if not other_unicode:
                message = (
                    f"file is {name} text (it starts with a byte-order mark), not UTF-8; save it as UTF-8"
                )
                return "", ReadProblem("unreadable", message, 1)
            try:
                text = raw[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                return "", ReadProblem("unreadable", f"file is not valid {name} ({exc.reason})", 1)
            return _unix_lines(text), None
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        head = raw[:200]
        if head.count(b"\x00") * 3 >= len(head):  # every other byte: UTF-16 without its mark
            message = "file looks like UTF-16 text without a byte-order mark, not UTF-8; save it as UTF-8"
            return "", ReadProblem("unreadable", message, line)
        return "", ReadProblem("unreadable", "file is binary (it has a NUL byte), not text", line)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8"
        return "", ReadProblem("unreadable", message, line, col)
    return _unix_lines(text), None


def _unix_lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_front_matter(lines: list[str], document: Document) -> int:
    """Read the front-matter block; return the index of the first body line."""
    if not lines or lines[0].rstrip() != "---":
        document.problems.append(
            ReadProblem("no-front-matter", "file does not start with a `---` front-matter block", 1)
        )
        return 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:index])
            document.front_matter = _parse_front_matter(yaml_text, document)
            return index + 1
    document.problems.append(
        ReadProblem("no-front-matter", "front-matter opened with `---` on line 1 is never closed", 1)
    )
    return len(lines)


def _parse_front_matter(text: str, document: Document) -> FrontMatter:
    result = read_yaml(text, first_line=2)
    document.problems.extend(result.problems)
    front_matter = FrontMatter(data={}, key_positions=result.positions, first_line=1)
    if result.failed:
        return front_matter
    if result.value is None:
        document.problems.append(ReadProblem("not-a-mapping", "front-matter is empty", 1))
    elif not isinstance(result.value, dict):
        kind = type(result.value).__name__
        document.problems.append(
            ReadProblem("not-a-mapping", f"front-matter must be a mapping of keys, not a {kind}", 2)
        )
    else:
        front_matter.data = {str(key): value for key, value in result.value.items()}
    return front_matter


def _parse_body(body: str, offset: int, document: Document) -> None:
    """Find headings, `##` sections and their tables."""
    if _TABLE_WITHOUT_PIPES.search(body) is not None and _ambiguous_table(body):
        _parse_body_tokens(body, offset, document)
    else:
        _parse_body_tree(body, offset, document)


_TABLE_WITHOUT_PIPES = re.compile(r"^[ \t]*[-:|][-:| \t]*$", re.MULTILINE)
"""A line that could be a table's delimiter row."""


def _ambiguous_table(body: str) -> bool:
    """Whether a delimiter-like line follows text with a pipe missing from one of the two:
    `a | b` over `---`, `a` over `:--`. markdown-it.rs and markdown-it-py read such a pair
    differently (a table or a setext heading); tables as people write them have pipes."""
    for match in _TABLE_WITHOUT_PIPES.finditer(body):
        line = match.group()  # the whole line: the pattern runs from ^ to $
        start = match.start()
        if start == 0 or "-" not in line:
            continue
        previous = body[body.rfind("\n", 0, start - 1) + 1 : start - 1]
        if previous.strip() and ("|" not in line or "|" not in previous):
            return True
    return False


def _new_section(
    heading: Heading,
    start_index: int,
    end_index: int,
    lines: list[str],
    offset: int,
    text: list[str],
    tables: list[Table],
) -> Section:
    return Section(
        title=heading.title,
        line=heading.line,
        text="\n".join(part for part in text if part.strip()),
        tables=tables,
        first_body_line=start_index + offset + 1,
        body_lines=lines[start_index:end_index],
    )


def _parse_body_tree(body: str, offset: int, document: Document) -> None:
    """The sections from markdown-it.rs's block tree: its top-level nodes are the blocks
    (lists and blockquotes are off); its source maps, byte offsets into the UTF-8 body,
    become lines through `_Lines`."""
    lines = body.split("\n")
    where = _Lines(body, lines, offset)
    open_section: tuple[Heading, int] | None = None
    section_nodes: list[Node] = []

    def close(end_index: int) -> None:
        if open_section is None:
            return
        heading, start_index = open_section
        text: list[str] = []
        tables: list[Table] = []
        for node in section_nodes:
            _collect(node, where, text, tables, body)
        document.sections.append(_new_section(heading, start_index, end_index, lines, offset, text, tables))

    for node in _block_parser.tree(body).children:
        name = node.name
        if name == "heading" or name == "lheading":
            children = node.children
            raw_title = children[0].meta["content"] if children else ""
            title = _INLINE_MARKUP.sub("", raw_title).strip("*_ \t")
            start, end = _span(node)
            first = where.index(start)
            level = node.meta["level"]
            heading = Heading(title, level, first + offset + 1)
            document.headings.append(heading)
            if level == _SECTION_DEPTH:
                close(first)
                open_section = (heading, where.index(max(end - 1, start)) + 1)
                section_nodes = []
                continue
        if open_section is not None:
            section_nodes.append(node)
    close(len(lines))


class _Lines:
    """Body line indexes (0-based) of byte offsets into the UTF-8 encoded body."""

    __slots__ = ("_starts", "offset", "size")

    def __init__(self, body: str, lines: list[str], offset: int) -> None:
        self.offset = offset
        if body.isascii():
            starts = list(accumulate([len(line) + 1 for line in lines], initial=0))
        else:
            starts = list(accumulate([len(line.encode()) + 1 for line in lines], initial=0))
        self._starts = starts
        self.size = starts[-1] - 1
        """The body's length in bytes."""

    def index(self, byte: int) -> int:
        return bisect_right(self._starts, byte) - 1

    def line(self, byte: int) -> int:
        """The file line (1-based) of a byte offset."""
        return bisect_right(self._starts, byte) + self.offset


_INLINE_MARKUP = re.compile(r"\*\*|__|`+|<[^>\n]+>")


def _collect(node: Node, where: _Lines, text: list[str], tables: list[Table], body: str) -> None:
    """A block's readable text (inline text and code, one block per line; no markup) and
    its table, in document order."""
    name = node.name
    if name == "paragraph" or name == "heading" or name == "lheading":
        children = node.children
        text.append(_without_markup(children[0].meta["content"]) if children else "")
    elif name == "fence" or name == "code_block":
        content: str = node.meta["content"]
        if name == "fence" and _span(node)[1] >= where.size and not body.endswith("\n"):
            content = _unclosed_at_end(content, body, node.meta)
        text.append(content)
    elif name == "table":
        table = Table(header=[], line=where.line(_span(node)[0]), rows=[])
        for part in node.children:
            head = part.name == "thead"
            for row in part.children:
                cells = [_cell_text(cell) for cell in row.children]
                text.extend(map(_without_markup, cells))
                if head:
                    table.header = cells
                else:
                    table.rows.append(TableRow(cells, where.line(_span(row)[0])))
        tables.append(table)


def _without_markup(text: str) -> str:
    """`_INLINE_MARKUP` taken out; most cells have none, and `in` is cheaper than `sub`."""
    if "*" in text or "_" in text or "`" in text or "<" in text:
        return _INLINE_MARKUP.sub("", text)
    return text


def _unclosed_at_end(content: str, body: str, meta: Mapping[str, Any]) -> str:
    """A fence left open at the end of a body that has no final newline: markdown-it-py's
    content has no newline after the last line either, and no blanks if that line is blank."""
    last_line = body[body.rfind("\n") + 1 :]
    last = last_line.strip(" \t")
    indent = len(last_line) - len(last_line.lstrip(" "))
    marker = meta["marker"] * meta["marker_len"]
    closed = indent < 4 and last.startswith(marker) and not last.strip(meta["marker"])
    if closed or not content.endswith("\n"):
        return content
    # and a last line of only blanks (markdown-it-py's last line ends at its text) is empty
    return content[:-1] if last else content[:-1].rstrip(" \t")


def _span(node: Node) -> tuple[int, int]:
    """A node's source map (byte offsets); every block node has one."""
    return node.srcmap or (0, 0)


def _cell_text(cell: Node) -> str:
    children = cell.children
    return children[0].meta["content"].strip() if children else ""


def _parse_body_tokens(body: str, offset: int, document: Document) -> None:
    """The sections from markdown-it-py's block tokens, for the rare body whose tables
    markdown-it.rs reads differently (see `_ambiguous_table`)."""
    tokens = _reference_parser().parse(body)
    lines = body.split("\n")
    open_section: tuple[Heading, int] | None = None
    section_tokens: list[Token] = []

    def close(end_index: int) -> None:
        if open_section is None:
            return
        heading, start_index = open_section
        text, tables = _token_text_and_tables(section_tokens, offset)
        document.sections.append(_new_section(heading, start_index, end_index, lines, offset, text, tables))

    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open" and token.map:
            raw_title = tokens[index + 1].content if index + 1 < len(tokens) else ""
            title = _INLINE_MARKUP.sub("", raw_title).strip("*_ \t")
            heading = Heading(title, int(token.tag[1]), token.map[0] + offset + 1)
            document.headings.append(heading)
            if token.tag == SECTION_LEVEL:
                close(token.map[0])
                open_section = (heading, token.map[1])
                section_tokens = []
                index += 3
                continue
        if open_section is not None:
            section_tokens.append(token)
        index += 1
    close(len(lines))


def _token_text_and_tables(tokens: list[Token], offset: int) -> tuple[list[str], list[Table]]:
    text: list[str] = []
    tables: list[Table] = []
    current: Table | None = None
    row: list[str] | None = None
    row_line = 0
    in_head = False
    for token in tokens:
        if token.type == "inline":
            text.append(_INLINE_MARKUP.sub("", token.content))
        elif token.type in ("fence", "code_block"):
            text.append(token.content)
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
    return text, tables
