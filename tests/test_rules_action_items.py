"""PM3xx: action items are a table of specific, owned, prioritised, dated, tracked work."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import ROW1, ROW2, VALID, check_files, codes, line_of, replace
from pmkb.settings import DraftPolicy, Settings

HEADER = "| Action | Owner | Priority | Due | Status | Ticket |\n|---|---|---|---|---|---|\n"
ACTION1 = "Release pool connections on the query-timeout path"
TABLE = HEADER + ROW1 + "\n" + ROW2 + "\n"


def with_row1(old: str, new: str) -> tuple[str, int]:
    """VALID with a change in the first action row, and that row's line."""
    row = replace(ROW1, old, new)
    text = replace(VALID, ROW1, row)
    return text, line_of(text, row)


def only(result, code: str):
    found = [d for d in result.diagnostics if d.code == code]
    assert len(found) == 1, [str(d) for d in result.diagnostics]
    return found[0]


def drop_action_section(text: str) -> str:
    head, _, tail = text.partition("## Action Items\n")
    return head + "## Lessons Learned\n" + tail.partition("## Lessons Learned\n")[2]


# --- PM301 action-items-present ----------------------------------------------------------


def test_pm301_final_postmortem_with_empty_table(kb_dir: Path) -> None:
    text = replace(VALID, TABLE, HEADER)
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM301", line_of(text, "| Action | Owner |"))]
    assert "needs at least one action item" in result.diagnostics[0].message
    assert result.diagnostics[0].level == "error"


def test_pm301_not_for_in_review(kb_dir: Path) -> None:
    text = replace(replace(VALID, TABLE, HEADER), "status: final", "status: in-review")
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


def test_pm301_only_for_final_even_when_drafts_are_strict(kb_dir: Path) -> None:
    text = replace(replace(VALID, TABLE, HEADER), "status: final", "status: draft")
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []
    strict = Settings(drafts=DraftPolicy(relaxed_rules=[]))
    assert check_files(kb_dir, {"pm.md": text}, strict).diagnostics == []


def test_pm301_missing_section_when_not_required_points_at_status(kb_dir: Path) -> None:
    settings = Settings(required_sections={"SEV2": ["Summary", "Impact", "Timeline"]})
    text = drop_action_section(VALID)
    result = check_files(kb_dir, {"pm.md": text}, settings)
    assert codes(result) == [("PM301", line_of(text, "status:"))]
    assert "add `## Action Items`" in result.diagnostics[0].message


# --- PM302 action-items-table ------------------------------------------------------------


def test_pm302_bullet_list_instead_of_table(kb_dir: Path) -> None:
    text = replace(VALID, TABLE, "- Add an alert on pool usage (Sarah)\n- Fix the leak (Marcus)\n")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM302", line_of(text, "## Action Items"))]
    assert "| Action | Owner | Priority | Due | Status | Ticket |" in result.diagnostics[0].message


@pytest.mark.parametrize(
    ("column", "name"),
    [("Owner", "Owner"), ("Priority", "Priority"), ("Due", "Due"), ("Status", "Status")],
)
def test_pm302_table_missing_a_required_column(kb_dir: Path, column: str, name: str) -> None:
    headers = ["Action", "Owner", "Priority", "Due", "Status", "Ticket"]
    index = headers.index(column)

    def drop(line: str) -> str:
        cells = line.strip("|").split("|")
        del cells[index]
        return "|" + "|".join(cells) + "|"

    lines = TABLE.rstrip("\n").split("\n")
    table = "\n".join(drop(line) for line in lines) + "\n"
    text = replace(VALID, TABLE, table)
    result = check_files(kb_dir, {"pm.md": text})
    diagnostic = only(result, "PM302")
    assert diagnostic.line == line_of(text, "| Action |")
    assert f"lacks column(s) {name}" in diagnostic.message
    assert "headers found:" in diagnostic.message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("| Action |", "| Task |"),
        ("| Owner |", "| Assignee |"),
        ("| Due |", "| Due Date |"),
        ("| Priority |", "| Prio |"),
        ("| Status |", "| State |"),
        ("| Ticket |", "| Jira |"),
    ],
)
def test_pm302_column_aliases(kb_dir: Path, old: str, new: str) -> None:
    assert check_files(kb_dir, {"pm.md": replace(VALID, old, new)}).diagnostics == []


def test_pm302_relaxed_for_drafts(kb_dir: Path) -> None:
    text = replace(replace(VALID, TABLE, "- Add an alert on pool usage\n"), "status: final", "status: draft")
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


# --- PM303 single-owner ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "owner",
    [
        "Sarah Chen and Marcus Okafor",
        "Sarah Chen, Marcus Okafor",
        "Sarah / Marcus",
        "Sarah & Marcus",
        "Sarah or Marcus",
        "sre; payments-team",
    ],
)
def test_pm303_more_than_one_owner(kb_dir: Path, owner: str) -> None:
    text, line = with_row1("| Sarah Chen |", f"| {owner} |")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM303", line)]
    assert f"more than one owner (`{owner}`); name exactly one" in result.diagnostics[0].message


@pytest.mark.parametrize("owner", ["", "-", "TBD", "n/a"])
def test_pm303_no_owner(kb_dir: Path, owner: str) -> None:
    text, line = with_row1("| Sarah Chen |", f"| {owner} |")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM303", line)]
    assert "no owner; name one person or team" in result.diagnostics[0].message


@pytest.mark.parametrize("owner", ["Taylor Andrews", "Orla Doran", "payments-team", "@sarah.chen"])
def test_pm303_single_owners_that_contain_separator_words(kb_dir: Path, owner: str) -> None:
    text, _ = with_row1("| Sarah Chen |", f"| {owner} |")
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


# --- PM304 known-priority -----------------------------------------------------------------


@pytest.mark.parametrize("priority", ["urgent", "High", "p1", "P5", ""])
def test_pm304_unknown_priority(kb_dir: Path, priority: str) -> None:
    text, line = with_row1("| P1 |", f"| {priority} |")
    result = check_files(kb_dir, {"pm.md": text})
    diagnostic = only(result, "PM304")
    assert diagnostic.line == line
    assert f"unknown priority `{priority or '(empty)'}`" in diagnostic.message
    assert "use one of: P0, P1, P2, P3" in diagnostic.message


def test_pm304_configured_priorities(kb_dir: Path) -> None:
    settings = Settings(priorities=["high", "low"], ticket_required_for=["high"])
    result = check_files(kb_dir, {"pm.md": VALID}, settings)
    assert codes(result) == [("PM304", line_of(VALID, ROW1)), ("PM304", line_of(VALID, ROW2))]


# --- PM305 iso-due-date / PM306 due-after-incident ------------------------------------------


@pytest.mark.parametrize("due", ["next week", "2026-7-1", "07/01/2026", "2026-02-30", "Q3", ""])
def test_pm305_due_date_not_iso(kb_dir: Path, due: str) -> None:
    text, line = with_row1("| 2026-07-01 |", f"| {due} |")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM305", line)]
    assert f"due date `{due or '(empty)'}` is not a date; write it as YYYY-MM-DD" in (
        result.diagnostics[0].message
    )


@pytest.mark.parametrize("due", ["2026-06-01", "2026-06-20", "2025-12-31"])
def test_pm306_due_date_not_after_incident(kb_dir: Path, due: str) -> None:
    text, line = with_row1("| 2026-07-01 |", f"| {due} |")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM306", line)]
    assert f"due date {due} is not after the incident date 2026-06-20" in (result.diagnostics[0].message)


def test_pm306_day_after_incident_is_fine(kb_dir: Path) -> None:
    text, _ = with_row1("| 2026-07-01 |", "| 2026-06-21 |")
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


# --- PM307 known-item-status ----------------------------------------------------------------


@pytest.mark.parametrize("status", ["almost", "90%", "shipped?", ""])
def test_pm307_unknown_status(kb_dir: Path, status: str) -> None:
    text, line = with_row1("| Done |", f"| {status} |")
    result = check_files(kb_dir, {"pm.md": text})
    diagnostic = only(result, "PM307")
    assert diagnostic.line == line
    assert f"unknown status `{status or '(empty)'}`" in diagnostic.message
    assert "Open, In progress, Done or Won't do" in diagnostic.message


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("✅ Completed", "done"),
        ("🔄 In Progress", "in-progress"),
        ("⏳ Pending", "open"),
        ("DONE", "done"),
        ("Won’t do", "wont-do"),
        ("won't do", "wont-do"),
        ("To do", "open"),
        ("Cancelled", "wont-do"),
    ],
)
def test_pm307_known_status_words(kb_dir: Path, status: str, state: str) -> None:
    text, _ = with_row1("| Done |", f"| {status} |")
    result = check_files(kb_dir, {"pm.md": text})
    assert result.diagnostics == []
    assert result.postmortems[0].action_items[0].state == state


# --- PM308 ticket-required ------------------------------------------------------------------


@pytest.mark.parametrize(("priority", "ticket"), [("P1", ""), ("P0", ""), ("P1", "n/a"), ("P1", "-")])
def test_pm308_urgent_item_without_ticket(kb_dir: Path, priority: str, ticket: str) -> None:
    row = ROW1.replace("| P1 |", f"| {priority} |").replace("| NW-1432 |", f"| {ticket} |")
    text = replace(VALID, ROW1, row)
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM308", line_of(text, row))]
    assert f"{priority} action items need a ticket" in result.diagnostics[0].message


def test_pm308_not_for_lower_priorities(kb_dir: Path) -> None:
    # ROW2 is P2 without a ticket, and VALID is clean.
    assert check_files(kb_dir, {"pm.md": VALID}).diagnostics == []


def test_pm308_configured_priorities(kb_dir: Path) -> None:
    settings = Settings(ticket_required_for=["P1", "P2"])
    result = check_files(kb_dir, {"pm.md": VALID}, settings)
    assert codes(result) == [("PM308", line_of(VALID, ROW2))]


# --- PM309 specific-action ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "phrase"),
    [
        ("Improve monitoring", "improve monitoring"),
        ("Improve monitoring.", "improve monitoring"),
        ("**Be more careful** during deploys", "be more careful"),
        ("Add more tests", "add more tests"),
        ("Investigate", "investigate"),
        ("Follow up on this", "follow up"),
    ],
)
def test_pm309_vague_action(kb_dir: Path, action: str, phrase: str) -> None:
    text, line = with_row1(ACTION1, action)
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM309", line)]
    assert f'is vague ("{phrase}"); say what exactly changes' in result.diagnostics[0].message


@pytest.mark.parametrize("action", ["Fix pool", "Add alert", "Rollback faster"])
def test_pm309_action_too_short(kb_dir: Path, action: str) -> None:
    text, line = with_row1(ACTION1, action)
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM309", line)]
    assert "too short" in result.diagnostics[0].message and "at least 4" in result.diagnostics[0].message


def test_pm309_empty_action(kb_dir: Path) -> None:
    text, line = with_row1(ACTION1, " ")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM309", line)]
    assert "has no action" in result.diagnostics[0].message


@pytest.mark.parametrize(
    "action",
    [
        "Add monitoring for payments-db pool usage above 80 percent",
        "Improve monitoring of pool usage: page at 80% for 5 minutes on payments-db",
        "Investigate and fix the connection leak in the pool library's timeout path",
        "Write an integration test that times out a query and checks the pool",
    ],
)
def test_pm309_specific_actions_mentioning_vague_words_pass(kb_dir: Path, action: str) -> None:
    text, _ = with_row1(ACTION1, action)
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


def test_pm309_configured_phrases_and_minimum(kb_dir: Path) -> None:
    settings = Settings(vague_phrases=["release pool connections"], min_action_words=2)
    result = check_files(kb_dir, {"pm.md": VALID}, settings)
    assert codes(result) == []  # the phrase has more than two other words around it
    text, line = with_row1(ACTION1, "Release pool connections")
    assert codes(check_files(kb_dir, {"pm.md": text}, settings)) == [("PM309", line)]


# --- PM310 action-item-count ----------------------------------------------------------------


def extra_rows(count: int) -> str:
    return "".join(
        f"| Add pool usage alert number {i} for payments-db | payments-team | P2 | 2026-07-15 | Open | |\n"
        for i in range(count)
    )


def test_pm310_too_many_action_items_is_a_warning(kb_dir: Path) -> None:
    text = replace(VALID, ROW2 + "\n", ROW2 + "\n" + extra_rows(9))  # 11 items
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM310", line_of(text, "## Action Items"))]
    assert result.diagnostics[0].level == "warning"
    assert "11 action items (more than 10)" in result.diagnostics[0].message


def test_pm310_exactly_the_maximum_is_fine(kb_dir: Path) -> None:
    text = replace(VALID, ROW2 + "\n", ROW2 + "\n" + extra_rows(8))  # 10 items
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


def test_pm310_configured_maximum_and_level(kb_dir: Path) -> None:
    result = check_files(kb_dir, {"pm.md": VALID}, Settings(max_action_items=1))
    assert codes(result) == [("PM310", line_of(VALID, "## Action Items"))]
    result = check_files(kb_dir, {"pm.md": VALID}, Settings(max_action_items=1, rules={"PM310": "error"}))
    assert [d.level for d in result.diagnostics] == ["error"]


# --- PM311 overdue-action-item ----------------------------------------------------------------


def test_pm311_is_off_by_default(kb_dir: Path) -> None:
    assert check_files(kb_dir, {"pm.md": VALID}, today=dt.date(2030, 1, 1)).diagnostics == []


def test_pm311_open_item_past_due(kb_dir: Path) -> None:
    settings = Settings(rules={"PM311": "warning"})
    result = check_files(kb_dir, {"pm.md": VALID}, settings, today=dt.date(2026, 8, 1))
    # ROW1 is Done (never overdue); ROW2 is Open and was due 2026-07-15.
    assert codes(result) == [("PM311", line_of(VALID, ROW2))]
    assert result.diagnostics[0].level == "warning"
    assert "was due 2026-07-15 and is still open" in result.diagnostics[0].message


@pytest.mark.parametrize("today", [dt.date(2026, 7, 14), dt.date(2026, 7, 15)])
def test_pm311_not_before_or_on_the_due_date(kb_dir: Path, today: dt.date) -> None:
    settings = Settings(rules={"PM311": "warning"})
    assert check_files(kb_dir, {"pm.md": VALID}, settings, today=today).diagnostics == []


def test_pm311_in_progress_counts_wont_do_does_not(kb_dir: Path) -> None:
    settings = Settings(rules={"PM311": "error"})
    text = replace(VALID, "| 2026-07-15 | Open |", "| 2026-07-15 | 🔄 In Progress |")
    result = check_files(kb_dir, {"pm.md": text}, settings, today=dt.date(2026, 8, 1))
    assert codes(result) == [("PM311", line_of(text, "In Progress"))]
    assert "still in-progress" in result.diagnostics[0].message
    assert result.diagnostics[0].level == "error"
    text = replace(VALID, "| 2026-07-15 | Open |", "| 2026-07-15 | Won't do |")
    assert check_files(kb_dir, {"pm.md": text}, settings, today=dt.date(2026, 8, 1)).diagnostics == []


# --- several problems at once ------------------------------------------------------------------


def test_every_problem_of_every_row_is_reported(kb_dir: Path) -> None:
    bad1 = "| Improve monitoring | Sarah and Marcus | urgent | next week | almost | |"
    bad2 = "| Be careful | - | P0 | 2026-01-01 | Open | |"
    text = replace(replace(VALID, ROW1, bad1), ROW2, bad2)
    result = check_files(kb_dir, {"pm.md": text})
    line1, line2 = line_of(text, bad1), line_of(text, bad2)
    assert sorted(codes(result)) == sorted(
        [
            ("PM309", line1),
            ("PM303", line1),
            ("PM304", line1),
            ("PM305", line1),
            ("PM307", line1),
            ("PM309", line2),
            ("PM303", line2),
            ("PM306", line2),
            ("PM308", line2),
        ]
    )


def test_prefix_override_turns_the_family_into_warnings(kb_dir: Path) -> None:
    text, line = with_row1("| P1 |", "| urgent |")
    result = check_files(
        kb_dir, {"pm.md": text}, Settings(rules={"PM3": "warning"}), today=dt.date(2026, 7, 1)
    )
    assert codes(result) == [("PM304", line)]
    assert result.diagnostics[0].level == "warning"


def test_prefix_override_off_silences_the_family(kb_dir: Path) -> None:
    text, _ = with_row1("| P1 |", "| urgent |")
    assert check_files(kb_dir, {"pm.md": text}, Settings(rules={"PM3": "off"})).diagnostics == []


def test_prefix_override_does_not_switch_on_an_off_by_default_rule(kb_dir: Path) -> None:
    result = check_files(
        kb_dir, {"pm.md": VALID}, Settings(rules={"PM3": "warning"}), today=dt.date(2030, 1, 1)
    )
    assert result.diagnostics == []
