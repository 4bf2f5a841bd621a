"""PM7xx: reading lists are read with positions, checked, and placed for previous/next links."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import REPO, VALID, check_files, line_of, replace
from pmkb.check.engine import to_diagnostics
from pmkb.check.knowledge_base import KnowledgeBase
from pmkb.check.rules import RULES, Finding
from pmkb.check.rules.reading_lists import list_findings, reading_list_findings, unknown_id_findings
from pmkb.read.reading_lists import (
    LoadedReadingList,
    ReadingList,
    positions_in_lists,
    read_reading_list,
    read_reading_lists,
    reading_list_files,
)
from pmkb.settings import Settings

LIST = textwrap.dedent(
    """\
    ---
    title: "Start here: payments"
    audience: New payments engineers
    items:
      - id: PM-2026-014
        note: The pool leak that only shows on error paths.
      - id: PM-2026-015
        note: >-
          What the fix for the first one broke.
    ---

    Read these before your first payments on-call shift.

    They are short.
    """
)
"""A valid reading list. Line numbers below refer to it."""

PATH = "reading-lists/payments.md"


def read_list(display_path: str, rel_path: str, raw: bytes) -> tuple[LoadedReadingList, list[Finding]]:
    """Read one list (the reader) and check it on its own (its rules)."""
    loaded = read_reading_list(display_path, rel_path, raw)
    return loaded, list_findings(loaded)


def load_lists(docs_dir: Path, display=Path.as_posix) -> tuple[list[LoadedReadingList], list]:
    """Read every list of a docs directory and check each on its own."""
    lists = read_reading_lists(docs_dir, display)
    return lists, reading_list_findings(lists)


def read(text: str | bytes) -> tuple[LoadedReadingList, list[tuple[str, int, int]]]:
    """Read a list; (code, line, col) of every finding."""
    raw = text.encode() if isinstance(text, str) else text
    loaded, findings = read_list(PATH, PATH, raw)
    return loaded, [(f.code, f.line, f.col) for f in findings]


def codes_and_lines(findings: list[tuple[str, int, int]]) -> list[tuple[str, int]]:
    return [(code, line) for code, line, _col in findings]


# --- reading a valid list ------------------------------------------------------------------


def test_valid_list_is_read_with_its_items_lines_and_intro() -> None:
    loaded, findings = read(LIST)
    assert findings == []
    assert loaded.model == ReadingList(
        title="Start here: payments",
        audience="New payments engineers",
        items=[
            {"id": "PM-2026-014", "note": "The pool leak that only shows on error paths."},
            {"id": "PM-2026-015", "note": "What the fix for the first one broke."},
        ],
    )
    assert loaded.rel_path == PATH and loaded.slug == "payments" and loaded.path == PATH
    assert loaded.item_lines == [line_of(LIST, "PM-2026-014"), line_of(LIST, "PM-2026-015")]
    assert loaded.item_columns == [5, 5]
    assert loaded.intro == "Read these before your first payments on-call shift.\n\nThey are short."


def test_audience_is_optional() -> None:
    loaded, findings = read(replace(LIST, "audience: New payments engineers\n", ""))
    assert findings == [] and loaded.model is not None and loaded.model.audience is None


# --- PM701 reading-list-valid --------------------------------------------------------------


def test_pm701_bad_yaml_is_reported_where_it_breaks() -> None:
    text = replace(LIST, 'title: "Start here: payments"', "title: [Start here")
    loaded, findings = read(text)
    assert [code for code, _line, _col in findings] == ["PM701"]
    assert findings[0][1] >= line_of(text, "title:")
    assert loaded.model is None and loaded.items == []


def test_pm701_no_front_matter_is_line_1() -> None:
    loaded, findings = read("# Start here\n\nJust prose.\n")
    assert codes_and_lines(findings) == [("PM701", 1)]
    assert loaded.model is None


@pytest.mark.parametrize("raw", [b"---\ntitle: x\x00\n---\n", b"---\ntitle: caf\xe9\n---\n"])
def test_pm701_unreadable_bytes_never_raise(raw: bytes) -> None:
    loaded, findings = read(raw)
    assert codes_and_lines(findings) == [("PM701", 2)]
    assert loaded.model is None


def test_pm701_unknown_key_is_located_at_the_key_with_a_suggestion() -> None:
    text = replace(LIST, "audience:", "audiense:")
    loaded, findings = read(text)
    assert findings == [("PM701", line_of(text, "audiense:"), 1)]
    _loaded, raw_findings = read_list(PATH, PATH, text.encode())
    assert "did you mean `audience`" in raw_findings[0].message
    assert loaded.model is not None and len(loaded.items) == 2  # the list still works


def test_pm701_missing_title_makes_the_list_unusable() -> None:
    text = replace(LIST, 'title: "Start here: payments"\n', "")
    loaded, findings = read(text)
    assert codes_and_lines(findings) == [("PM701", 1)]
    assert loaded.model is None


def test_pm701_missing_items_key() -> None:
    text = LIST.split("items:")[0] + "---\n"
    _loaded, findings = read(text)
    assert codes_and_lines(findings) == [("PM701", 1)]


def test_pm701_empty_note_is_located_at_the_note_and_other_items_are_kept() -> None:
    text = replace(LIST, "note: The pool leak that only shows on error paths.", 'note: "  "')
    loaded, findings = read(text)
    assert findings == [("PM701", line_of(text, 'note: "  "'), 5)]
    assert [item.id for item in loaded.items] == ["PM-2026-015"]
    assert loaded.item_lines == [line_of(text, "PM-2026-015")]


def test_pm701_item_that_is_not_a_mapping_is_located_on_its_line() -> None:
    text = replace(
        LIST,
        "  - id: PM-2026-014\n    note: The pool leak that only shows on error paths.\n",
        "  - PM-2026-014\n",
    )
    loaded, findings = read(text)
    assert codes_and_lines(findings) == [("PM701", line_of(text, "- PM-2026-014"))]
    _loaded, raw_findings = read_list(PATH, PATH, text.encode())
    assert "item 1 must be a mapping with `id` and `note`" in raw_findings[0].message
    assert [item.id for item in loaded.items] == ["PM-2026-015"]


def test_pm701_item_without_id_and_unknown_item_key() -> None:
    text = replace(LIST, "  - id: PM-2026-014\n", "  - ref: PM-2026-014\n")
    _loaded, findings = read(text)
    line = line_of(text, "ref: PM-2026-014")
    assert sorted(codes_and_lines(findings)) == [("PM701", line), ("PM701", line)]


def test_pm701_items_not_a_list() -> None:
    text = LIST.split("items:")[0] + "items: PM-2026-014\n---\n"
    _loaded, findings = read(text)
    assert codes_and_lines(findings) == [("PM701", line_of(text, "items:"))]


def test_pm701_duplicate_key_is_reported_and_the_list_still_read() -> None:
    text = replace(
        LIST, "audience: New payments engineers\n", "audience: New payments engineers\naudience: Everyone\n"
    )
    loaded, findings = read(text)
    assert codes_and_lines(findings) == [("PM701", line_of(text, "audience: Everyone"))]
    assert loaded.model is not None


# --- PM702 reading-list-not-empty ----------------------------------------------------------


@pytest.mark.parametrize("empty", ["items: []\n", "items:\n"])
def test_pm702_empty_list_is_located_at_items(empty: str) -> None:
    text = LIST.split("items:")[0] + empty + "---\n\nIntro.\n"
    loaded, findings = read(text)
    assert findings == [("PM702", line_of(text, "items:"), 1)]
    assert loaded.model is not None and loaded.items == []


# --- PM703 reading-list-known-id -----------------------------------------------------------


def test_pm703_unknown_id_is_reported_on_the_item_line_with_a_suggestion(kb_dir: Path) -> None:
    result = check_files(kb_dir, {"2026/a.md": VALID})
    known = {p.meta.id for p in result.postmortems}
    text = replace(LIST, "id: PM-2026-015", "id: PM-2026-041")
    loaded, findings = read(text)
    assert findings == []
    found = unknown_id_findings([loaded], known)
    assert [(path, f.code, f.line, f.col) for path, f in found] == [
        (PATH, "PM703", line_of(text, "PM-2026-041"), 5)
    ]
    assert "did you mean `PM-2026-014`?" in found[0][1].message
    diagnostics = to_diagnostics(PATH, [found[0][1]], Settings())
    assert str(diagnostics[0]).startswith(
        f"{PATH}:{line_of(text, 'PM-2026-041')}:5: PM703 `PM-2026-041` is not a postmortem"
    )
    assert diagnostics[0].level == "error"


def test_pm703_known_ids_pass_and_unusable_lists_are_skipped() -> None:
    loaded, _ = read(LIST)
    broken, _ = read("no front-matter")
    assert unknown_id_findings([loaded, broken], {"PM-2026-014", "PM-2026-015"}) == []


def test_pm703_far_off_id_gets_no_suggestion() -> None:
    loaded, _ = read(replace(LIST, "id: PM-2026-015", "id: INC-42"))
    [(_path, finding)] = unknown_id_findings([loaded], {"PM-2026-014", "PM-2026-015"})
    assert "did you mean" not in finding.message


# --- PM704 reading-list-no-duplicates ------------------------------------------------------


def test_pm704_second_occurrence_is_reported_naming_the_first() -> None:
    text = replace(LIST, "id: PM-2026-015", "id: PM-2026-014")
    loaded, findings = read(text)
    second = text.split("\n").index("  - id: PM-2026-014", line_of(text, "PM-2026-014")) + 1
    assert findings == [("PM704", second, 5)]
    _loaded, raw = read_list(PATH, PATH, text.encode())
    assert f"already item 1 of this list (line {line_of(text, 'PM-2026-014')})" in raw[0].message
    assert positions_in_lists([loaded]) == {"PM-2026-014": [(loaded, 0)]}


def test_rule_levels_apply_to_reading_list_findings() -> None:
    text = replace(LIST, "id: PM-2026-015", "id: PM-2026-014")
    _loaded, findings = read_list(PATH, PATH, text.encode())
    assert [d.level for d in to_diagnostics(PATH, findings, Settings())] == ["error"]
    lenient = Settings(rules={"PM704": "warning"})
    assert [d.level for d in to_diagnostics(PATH, findings, lenient)] == ["warning"]
    assert to_diagnostics(PATH, findings, Settings(rules={"PM7": "off"})) == []


def test_rules_are_registered_with_documentation() -> None:
    for code, name in [
        ("PM701", "reading-list-valid"),
        ("PM702", "reading-list-not-empty"),
        ("PM703", "reading-list-known-id"),
        ("PM704", "reading-list-no-duplicates"),
    ]:
        rule = RULES[code]
        assert rule.name == name and rule.level == "error"
        assert rule.summary and rule.why and rule.bad and rule.good


# --- files and positions -------------------------------------------------------------------


def test_reading_list_files_are_sorted_and_skip_private_names(kb_dir: Path) -> None:
    assert reading_list_files(kb_dir) == []
    folder = kb_dir / "reading-lists"
    folder.mkdir()
    for name in ("b.md", "a.md", "_draft.md", ".hidden.md", "notes.txt", "C.MD"):
        (folder / name).write_text(LIST)
    (folder / "sub").mkdir()
    (folder / "sub" / "d.md").write_text(LIST)
    assert [p.name for p in reading_list_files(kb_dir)] == ["C.MD", "a.md", "b.md"]


def test_load_reading_lists_uses_display_paths_and_relative_paths(kb_dir: Path) -> None:
    folder = kb_dir / "reading-lists"
    folder.mkdir()
    (folder / "good.md").write_text(LIST)
    (folder / "empty.md").write_text("---\ntitle: Empty\nitems: []\n---\n")
    knowledge_base = KnowledgeBase(kb_dir, Settings(), display_root=kb_dir.parent)
    lists, findings = load_lists(kb_dir, knowledge_base.display)
    assert [(item.rel_path, item.slug, item.path) for item in lists] == [
        ("reading-lists/empty.md", "empty", "postmortems/reading-lists/empty.md"),
        ("reading-lists/good.md", "good", "postmortems/reading-lists/good.md"),
    ]
    assert [(path, f.code, f.line) for path, f in findings] == [
        ("postmortems/reading-lists/empty.md", "PM702", 3)
    ]


def _list(slug: str, ids: list[str]) -> LoadedReadingList:
    items = "".join(f"  - id: {i}\n    note: Why {i}.\n" for i in ids)
    loaded, findings = read_list(
        slug, f"reading-lists/{slug}.md", f"---\ntitle: {slug}\nitems:\n{items}---\n".encode()
    )
    assert [f.code for f in findings] == []
    return loaded


def test_positions_in_lists_give_number_total_previous_and_next() -> None:
    first = _list("onboarding", ["PM-2025-001", "PM-2025-004", "PM-2026-005"])
    second = _list("databases", ["PM-2026-005", "PM-2025-004"])
    positions = positions_in_lists([first, second])
    assert {key: [(lst.slug, at) for lst, at in found] for key, found in positions.items()} == {
        "PM-2025-001": [("onboarding", 0)],
        "PM-2025-004": [("onboarding", 1), ("databases", 1)],
        "PM-2026-005": [("onboarding", 2), ("databases", 0)],
    }
    reading_list, at = positions["PM-2025-004"][0]
    assert (at + 1, len(reading_list.items)) == (2, 3)  # "2 of 3"
    assert reading_list.items[at - 1].id == "PM-2025-001"
    assert reading_list.items[at + 1].id == "PM-2026-005"
    broken, _ = read("no front-matter")
    assert positions_in_lists([broken]) == {}


# --- the demo lists ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> tuple[list[LoadedReadingList], list, dict]:
    docs = REPO / "postmortems"
    lists, findings = load_lists(docs)
    result = KnowledgeBase(docs, Settings(), display_root=REPO).check()
    return lists, findings, {p.meta.id: p for p in result.postmortems}


def test_demo_lists_are_valid_and_name_real_postmortems(demo) -> None:
    lists, findings, by_id = demo
    assert [item.slug for item in lists] == ["database-incidents", "new-on-call"]
    assert findings == []
    assert unknown_id_findings(lists, set(by_id)) == []
    for reading_list in lists:
        assert reading_list.model is not None and reading_list.model.audience
        assert reading_list.intro.count("\n\n") >= 1  # at least two paragraphs
        assert all(len(item.note.split()) >= 10 for item in reading_list.items)


def test_demo_database_list_is_the_payments_db_chain_in_order(demo) -> None:
    lists, _findings, by_id = demo
    database = next(item for item in lists if item.slug == "database-incidents")
    ids = [item.id for item in database.items]
    assert ids == ["PM-2025-001", "PM-2025-004", "PM-2025-007", "PM-2026-005", "PM-2026-007"]
    assert all("payments-db" in (by_id[i].meta.services or []) for i in ids)


def test_demo_on_call_list_spans_services(demo) -> None:
    lists, _findings, by_id = demo
    on_call = next(item for item in lists if item.slug == "new-on-call")
    assert 5 <= len(on_call.items) <= 7
    services = {s for item in on_call.items for s in by_id[item.id].meta.services or []}
    assert len(services) >= 6
