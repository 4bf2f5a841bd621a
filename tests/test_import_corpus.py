"""`pmkb import` on real postmortems of other organisations (see tests/real_corpus.py).

Every file of the corpus is imported and checked: no traceback, no lost line, the date
and ID of the incident, no action row from a nested bullet, no timeline-order error in
the fresh draft, no empty section added beside a heading that already stands for it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import check_files
from markdown_it import MarkdownIt
from pmkb.importer import ImportResult, convert, decode
from pmkb.importer.actions import action_rows
from pmkb.importer.source import read_source
from pmkb.read.document import read_document
from pmkb.read.postmortem import read_postmortem
from pmkb.settings import Settings
from real_corpus import EXPECTED_DATES, REAL_CORPUS, corpus_files

pytestmark = pytest.mark.skipif(
    not corpus_files(), reason=f"the real corpus is not at {REAL_CORPUS} (it is not part of the project)"
)
NAMES = [path.name for path in corpus_files()] or ["absent"]


def imported(name: str) -> tuple[str, ImportResult]:
    text = decode(name, (REAL_CORPUS / name).read_bytes())
    return text, convert(text, name, Settings(), severity=None, next_id=lambda year: f"PM-{year}-001")


def test_the_table_of_dates_covers_the_corpus() -> None:
    assert sorted(EXPECTED_DATES) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_no_line_is_lost(name: str) -> None:
    text, result = imported(name)
    output = set(result.text.split("\n"))
    lines = text.split("\n")
    front = 0
    if lines[0].rstrip() in ("---", "+++"):
        front = next(i for i in range(1, len(lines)) if lines[i].rstrip() in (lines[0].rstrip(), "...")) + 1
    headings: set[int] = set()
    for token in MarkdownIt("commonmark").parse("\n".join(lines[front:])):
        if token.type == "heading_open" and token.level == 0 and token.map:
            headings.update(range(token.map[0] + front, token.map[1] + front))
    lost = [
        line
        for i, line in enumerate(lines)
        if line.strip() and i not in headings and (line if i >= front else f"# {line}".rstrip()) not in output
    ]
    assert lost == []


@pytest.mark.parametrize("name", NAMES)
def test_date_and_id_are_the_incidents(name: str) -> None:
    _, result = imported(name)
    expected = EXPECTED_DATES[name]
    assert result.date == expected
    assert result.id == f"PM-{expected.year}-001"
    assert result.file_name.startswith(f"{expected}-")
    assert not result.file_name.startswith(f"{expected}-{expected}")
    assert any(item.startswith(f"date {expected} ← ") for item in result.mapped)


@pytest.mark.parametrize("name", NAMES)
def test_no_action_row_comes_from_a_nested_bullet(name: str) -> None:
    text, result = imported(name)
    lines = text.split("\n")
    nested_lines = set()
    depth = 0
    for token in MarkdownIt("commonmark").parse(text):
        depth += {
            "bullet_list_open": 1,
            "ordered_list_open": 1,
            "bullet_list_close": -1,
            "ordered_list_close": -1,
        }.get(token.type, 0)
        if token.type == "list_item_open" and depth > 1 and token.map:
            nested_lines.add(token.map[0] + 1)
    rows = [line for line in result.mapped if line.startswith("action items:")]
    postmortem = read_postmortem(read_document(name, result.text.encode()), Settings())
    assert len(postmortem.action_items) == (int(rows[0].split()[2]) if rows else 0)
    source = read_source(name, text, Settings())
    for row in action_rows(source.members("Action Items"), Settings()):
        assert row.line not in nested_lines, lines[row.line - 1]


@pytest.mark.parametrize("name", NAMES)
def test_a_fresh_draft_has_no_timeline_order_or_read_errors(name: str, kb_dir: Path) -> None:
    _, result = imported(name)
    checked = check_files(kb_dir, {f"{result.year}/{result.file_name}": result.text})
    codes = {d.code for d in checked.diagnostics}
    assert not codes & {"PM100", "PM101", "PM102", "PM103", "PM104", "PM105", "PM401", "PM402", "PM403"}


@pytest.mark.parametrize("name", NAMES)
def test_no_empty_section_is_added_beside_one_that_stands_for_it(name: str) -> None:
    _, result = imported(name)
    added = next(
        (
            item.split(": ", 1)[1].split(", ")
            for item in result.todo
            if item.startswith("sections to write (added empty)")
        ),
        [],
    )
    for section in added:
        key = section.split()[-1].casefold()  # Impact, Timeline, Items, Summary, Factors, …
        similar = [
            h.original
            for h in result.headings
            if h.section is None and re.search(rf"\b{re.escape(key)}\b", h.original.casefold())
        ]
        assert similar == [], f"{section} added while the source has {similar}"
