"""PM4xx timeline, PM5xx blameless language, PM6xx rules across files."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import VALID, check_files, codes, line_of, replace
from pmkb.check.knowledge_base import KnowledgeBase
from pmkb.settings import DraftPolicy, Settings

TIMELINE_ROWS = (
    "| 14:00 | Deploy of payments 2026.06.3 finishes | Deploy log |\n"
    "| 14:05 | Checkout error-rate alert fires | PagerDuty |\n"
    "| 14:15 | Rollback completes; errors stop | Grafana |\n"
)
TIMELINE = "| Time (UTC) | Event | Source |\n|---|---|---|\n" + TIMELINE_ROWS
FACTOR_PROSE = (
    "The pool library did not release connections when a query timed out, and nothing alerted on pool usage."
)
LESSON = "Canaries must exercise error paths, not only the happy path."


def only(result, code: str):
    found = [d for d in result.diagnostics if d.code == code]
    assert len(found) == 1, [str(d) for d in result.diagnostics]
    return found[0]


def column_of(text: str, line: int, needle: str) -> int:
    return text.split("\n")[line - 1].index(needle) + 1


# === PM401 timeline-table ===================================================================


@pytest.mark.parametrize(
    "body",
    [
        "- 14:00 deploy finishes\n- 14:05 alert fires\n",
        "Around 2pm the alerts fired and we rolled back.\n",
        "```\n14:00 deploy\n14:05 alert\n```\n",
    ],
    ids=["bullets", "prose", "code-block"],
)
def test_pm401_timeline_is_not_a_table(kb_dir: Path, body: str) -> None:
    text = replace(VALID, TIMELINE, body)
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM401", line_of(text, "## Timeline"))]
    assert "timeline must be a table: | Time (UTC) | Event | Source |" in result.diagnostics[0].message
    assert result.diagnostics[0].level == "error"


def test_pm401_empty_timeline_is_pm202_only(kb_dir: Path) -> None:
    text = replace(VALID, TIMELINE, "")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM202", line_of(text, "## Timeline"))]


def test_pm401_relaxed_for_drafts(kb_dir: Path) -> None:
    text = replace(replace(VALID, TIMELINE, "- 14:00 deploy\n"), "status: final", "status: draft")
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []
    strict = Settings(drafts=DraftPolicy(relaxed_rules=[]))
    assert codes(check_files(kb_dir, {"pm.md": text}, strict)) == [("PM401", line_of(text, "## Timeline"))]


# === PM402 timeline-time-format ==============================================================


@pytest.mark.parametrize("time", ["about 2pm", "2pm", "24:60", "14h05", "", "yesterday 14:05"])
def test_pm402_time_does_not_parse(kb_dir: Path, time: str) -> None:
    row = f"| {time} | Checkout error-rate alert fires | PagerDuty |"
    text = replace(VALID, "| 14:05 | Checkout error-rate alert fires | PagerDuty |", row)
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM402", line_of(text, row))]
    assert f"timeline time `{time}` does not parse" in result.diagnostics[0].message
    assert "use HH:MM or YYYY-MM-DD HH:MM (UTC)" in result.diagnostics[0].message


@pytest.mark.parametrize(
    "time",
    [
        "14:05:30",
        "14:05 UTC",
        "14:05 (UTC)",
        "2026-06-20 14:05",
        "2026-06-20T14:05:00Z",
        "2026-06-20T16:05:00+02:00",
    ],
)
def test_pm402_accepted_time_formats(kb_dir: Path, time: str) -> None:
    text = replace(VALID, "| 14:05 | Checkout", f"| {time} | Checkout")
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


def test_pm402_time_column_found_by_header(kb_dir: Path) -> None:
    timeline = (
        "| Event | When (time, UTC) |\n|---|---|\n| Deploy finishes | 14:00 |\n| Alert fires | soon after |\n"
    )
    text = replace(VALID, TIMELINE, timeline)
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM402", line_of(text, "| Alert fires | soon after |"))]


# === PM403 timeline-order =================================================================


def test_pm403_row_earlier_than_the_previous_one(kb_dir: Path) -> None:
    text = replace(VALID, "| 14:15 | Rollback", "| 13:15 | Rollback")
    result = check_files(kb_dir, {"pm.md": text})
    line = line_of(text, "| 13:15 |")
    assert codes(result) == [("PM403", line)]
    assert f"earlier than the row on line {line_of(text, '| 14:05 |')}" in result.diagnostics[0].message
    assert "order rows by time" in result.diagnostics[0].message


def test_pm403_each_backwards_step_is_reported(kb_dir: Path) -> None:
    rows = "| 14:00 | a | x |\n| 13:00 | b | x |\n| 14:30 | c | x |\n| 14:10 | d | x |\n"
    text = replace(VALID, TIMELINE_ROWS, rows)
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM403", line_of(text, "| 13:00 |")), ("PM403", line_of(text, "| 14:10 |"))]


def test_pm403_unparsable_rows_are_skipped_for_ordering(kb_dir: Path) -> None:
    text = replace(VALID, "| 14:05 | Checkout", "| soon | Checkout")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM402", line_of(text, "| soon |"))]


@pytest.mark.parametrize(
    "rows",
    [
        "| 2026-06-20 23:50 | a | x |\n| 2026-06-21 00:10 | b | x |\n",
        "| 2026-06-20T23:50:00Z | a | x |\n| 2026-06-21T01:10:00+01:00 | b | x |\n",
        "| 14:00 | a | x |\n| 14:00 | b | x |\n",
    ],
    ids=["crosses-midnight", "offsets", "equal-times"],
)
def test_pm403_ordered_timelines_pass(kb_dir: Path, rows: str) -> None:
    text = replace(VALID, TIMELINE_ROWS, rows)
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


def test_pm403_offsets_are_compared_in_utc(kb_dir: Path) -> None:
    rows = "| 2026-06-20T14:00:00Z | a | x |\n| 2026-06-20T15:30:00+02:00 | b | x |\n"
    text = replace(VALID, TIMELINE_ROWS, rows)
    assert codes(check_files(kb_dir, {"pm.md": text})) == [("PM403", line_of(text, "+02:00"))]


def test_timeline_rules_levels(kb_dir: Path) -> None:
    text = replace(VALID, "| 14:15 | Rollback", "| 13:15 | Rollback")
    result = check_files(kb_dir, {"pm.md": text}, Settings(rules={"PM4": "warning"}))
    assert [(d.code, d.level) for d in result.diagnostics] == [("PM403", "warning")]
    assert check_files(kb_dir, {"pm.md": text}, Settings(rules={"PM403": "off"})).diagnostics == []


# === PM501 blameless-phrasing =================================================================


@pytest.mark.parametrize(
    "phrase",
    [
        "human error",
        "Operator error",
        "careless",
        "should have known",
        "SLOPPY",
        "failed to notice",
        "was to blame",
    ],
)
def test_pm501_blame_phrase_is_a_warning_at_line_and_column(kb_dir: Path, phrase: str) -> None:
    sentence = f"In short it was {phrase} on the deploy."
    text = replace(VALID, LESSON, f"{LESSON} {sentence}")
    result = check_files(kb_dir, {"pm.md": text})
    line = line_of(text, sentence)
    diagnostic = only(result, "PM501")
    assert (diagnostic.line, diagnostic.col) == (line, column_of(text, line, phrase))
    assert diagnostic.level == "warning"
    assert f'"{phrase}" assigns blame; describe what in the system allowed it' in diagnostic.message
    assert str(diagnostic).endswith(" [warning]")


def test_pm501_in_front_matter_title(kb_dir: Path) -> None:
    text = replace(
        VALID, "title: Checkout errors after payments deploy", "title: Careless deploy broke checkout"
    )
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM501", line_of(text, "title:"))]


def test_pm501_one_finding_per_line_but_every_line(kb_dir: Path) -> None:
    text = replace(VALID, LESSON, "Human error and negligence.\n\nAlso careless.")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [
        ("PM501", line_of(text, "Human error")),
        ("PM501", line_of(text, "Also careless")),
    ]


@pytest.mark.parametrize(
    "words",
    ["carefully", "errors by humans were impossible", "lazyload", "dumbbell"],
)
def test_pm501_whole_phrases_only(kb_dir: Path, words: str) -> None:
    text = replace(VALID, LESSON, f"{LESSON} The {words} case is covered now.")
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


@pytest.mark.parametrize(
    "block",
    [
        "```\nlog: human error detected by classifier\n```",
        "~~~text\nthe careless flag\n~~~",
        "<!-- reviewer: was this human error? -->",
        "<!--\nreviewer note:\nhuman error?\n-->",
        "Before <!-- careless --> after, 12 minutes.",
    ],
    ids=["backtick-fence", "tilde-fence", "comment", "multi-line-comment", "inline-comment"],
)
def test_pm501_ignores_code_fences_and_html_comments(kb_dir: Path, block: str) -> None:
    text = replace(VALID, LESSON, f"{LESSON}\n\n{block}\n")
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


def test_pm501_text_after_a_fence_is_checked_again(kb_dir: Path) -> None:
    text = replace(VALID, LESSON, f"{LESSON}\n\n```\ncode\n```\n\nIt was human error.\n")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM501", line_of(text, "It was human error."))]


def test_pm501_fence_closes_only_with_its_own_marker(kb_dir: Path) -> None:
    # Inside the ~~~ fence, "```python" is literal text; the fence ends at the second ~~~.
    block = "~~~markdown\n```python\n~~~\n\nIt was human error."
    text = replace(VALID, LESSON, f"{LESSON}\n\n{block}\n")
    assert codes(check_files(kb_dir, {"pm.md": text})) == [("PM501", line_of(text, "It was human error."))]


def test_pm501_levels_and_prefix_override(kb_dir: Path) -> None:
    text = replace(VALID, LESSON, f"{LESSON} It was human error.")
    line = line_of(text, "human error")
    as_error = check_files(kb_dir, {"pm.md": text}, Settings(rules={"PM501": "error"}))
    assert [(d.code, d.line, d.level) for d in as_error.diagnostics] == [("PM501", line, "error")]
    assert as_error.errors and not as_error.warnings
    assert check_files(kb_dir, {"pm.md": text}, Settings(rules={"PM501": "off"})).diagnostics == []
    assert check_files(kb_dir, {"pm.md": text}, Settings(rules={"PM5": "off"})).diagnostics == []
    specific = check_files(kb_dir, {"pm.md": text}, Settings(rules={"PM5": "off", "PM501": "warning"}))
    assert [(d.code, d.level) for d in specific.diagnostics] == [("PM501", "warning")]


def test_pm501_configured_phrases(kb_dir: Path) -> None:
    settings = Settings(blame_phrases=["happy path"])
    result = check_files(kb_dir, {"pm.md": VALID}, settings)
    assert codes(result) == [("PM501", line_of(VALID, "happy path"))]


def test_pm501_not_relaxed_for_drafts(kb_dir: Path) -> None:
    text = replace(replace(VALID, LESSON, "Human error."), "status: final", "status: draft")
    assert codes(check_files(kb_dir, {"pm.md": text})) == [("PM501", line_of(text, "Human error."))]


# === PM502 no-person-as-cause ===============================================================


@pytest.mark.parametrize(
    ("prose", "name"),
    [
        ("Sarah deployed without running the migration check.", "Sarah"),
        ("Sarah Chen deployed without running the migration check.", "Sarah Chen"),
        ("Marcus forgot to run the migration check.", "Marcus"),
        ("Marcus Okafor ignored the pool alert.", "Marcus Okafor"),
    ],
)
def test_pm502_person_named_as_a_cause(kb_dir: Path, prose: str, name: str) -> None:
    text = replace(VALID, FACTOR_PROSE, prose)
    result = check_files(kb_dir, {"pm.md": text})
    line = line_of(text, prose)
    diagnostic = only(result, "PM502")
    assert (diagnostic.line, diagnostic.col) == (line, column_of(text, line, name))
    assert diagnostic.level == "warning"
    assert (
        f'names a person ("{name}") as the cause; describe the condition in the system instead →'
        in diagnostic.message
    )
    assert diagnostic.message.startswith(f'"{name}')  # the words are quoted


def test_pm502_person_in_front_matter_factor(kb_dir: Path) -> None:
    text = replace(
        VALID,
        "description: No alert on pool usage before exhaustion.",
        "description: Sarah did not add an alert on pool usage.",
    )
    result = check_files(kb_dir, {"pm.md": text})
    line = line_of(text, "Sarah did not")
    assert [(d.code, d.line, d.col) for d in result.diagnostics] == [
        ("PM502", line, column_of(text, line, "Sarah"))
    ]


def test_pm502_sarah_chen_as_owner_and_author_is_fine(kb_dir: Path) -> None:
    # VALID names Sarah Chen as author, commander and owner: none of that is a cause.
    result = check_files(kb_dir, {"pm.md": VALID})
    assert result.diagnostics == []
    assert result.postmortems[0].action_items[0].owner == "Sarah Chen"


@pytest.mark.parametrize(
    "prose",
    [
        "The engineer on call forgot nothing; the runbook lacked the pool step.",
        "Engineers forgot the flag because the deploy tool did not show it.",
        "Someone forgot the flag because the deploy tool did not show it.",
        "The deploy pipeline ignored the failed canary check.",
    ],
)
def test_pm502_roles_and_systems_are_not_people(kb_dir: Path, prose: str) -> None:
    text = replace(VALID, FACTOR_PROSE, prose)
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


def test_pm502_only_in_contributing_factors(kb_dir: Path) -> None:
    text = replace(VALID, "The rollback runbook worked", "Sarah ran the rollback runbook; it worked")
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


def test_pm502_can_be_turned_off(kb_dir: Path) -> None:
    text = replace(VALID, FACTOR_PROSE, "Marcus forgot to run the migration check.")
    assert check_files(kb_dir, {"pm.md": text}, Settings(rules={"PM502": "off"})).diagnostics == []


# === PM601 unique-id ============================================================================


def test_pm601_duplicate_id_reported_on_every_file_that_shares_it(kb_dir: Path) -> None:
    other = replace(VALID, "title: Checkout errors after payments deploy", "title: Another one")
    result = check_files(kb_dir, {"2026/a.md": VALID, "2026/b.md": other})
    line = line_of(VALID, "id:")
    assert [(d.path, d.code, d.line) for d in result.diagnostics] == [
        ("2026/a.md", "PM601", line),
        ("2026/b.md", "PM601", line),
    ]
    assert f"is also used by 2026/b.md:{line}" in result.diagnostics[0].message
    assert f"is also used by 2026/a.md:{line}" in result.diagnostics[1].message
    assert "the next free ID" in result.diagnostics[1].message
    assert result.diagnostics[0].level == "error"


def test_pm601_every_copy_is_reported(kb_dir: Path) -> None:
    result = check_files(kb_dir, {"a.md": VALID, "b.md": VALID, "c.md": VALID})
    assert [(d.path, d.code) for d in result.diagnostics] == [
        ("a.md", "PM601"),
        ("b.md", "PM601"),
        ("c.md", "PM601"),
    ]
    assert "is also used by b.md:2, c.md:2" in result.diagnostics[0].message


def test_pm601_distinct_ids_pass(kb_dir: Path) -> None:
    other = replace(VALID, "id: PM-2026-014", "id: PM-2026-015")
    assert check_files(kb_dir, {"a.md": VALID, "b.md": other}).diagnostics == []


def test_pm601_applies_to_drafts(kb_dir: Path) -> None:
    draft = replace(VALID, "status: final", "status: draft")
    result = check_files(kb_dir, {"a.md": VALID, "b.md": draft})
    assert [(d.path, d.code) for d in result.diagnostics] == [("a.md", "PM601"), ("b.md", "PM601")]


def test_pm601_when_checking_one_file_the_others_are_still_read(kb_dir: Path) -> None:
    check_files(kb_dir, {"a.md": VALID, "b.md": VALID})
    knowledge_base = KnowledgeBase(kb_dir, Settings(), display_root=kb_dir)
    only_b = knowledge_base.check(report_on=[kb_dir / "b.md"])
    assert [(d.path, d.code) for d in only_b.diagnostics] == [("b.md", "PM601")]
    only_a = knowledge_base.check(report_on=[kb_dir / "a.md"])
    assert [(d.path, d.code) for d in only_a.diagnostics] == [("a.md", "PM601")]


# === PM602 related-exists / PM603 related-not-self =============================================


def test_pm602_related_id_that_does_not_exist(kb_dir: Path) -> None:
    text = replace(VALID, "related: []", "related: [PM-2025-101, PM-2024-999]")
    other = replace(VALID, "id: PM-2026-014", "id: PM-2025-101")
    result = check_files(kb_dir, {"a.md": text, "b.md": other})
    line = line_of(text, "related:")
    assert [(d.path, d.code, d.line, d.col) for d in result.diagnostics] == [
        ("a.md", "PM602", line, column_of(text, line, "PM-2024-999"))
    ]
    assert "related incident `PM-2024-999` does not exist" in result.diagnostics[0].message


def test_pm602_did_you_mean(kb_dir: Path) -> None:
    text = replace(VALID, "related: []", "related:\n  - PM-2025-1O1")
    other = replace(VALID, "id: PM-2026-014", "id: PM-2025-101")
    result = check_files(kb_dir, {"a.md": text, "b.md": other})
    assert codes(result) == [("PM602", line_of(text, "- PM-2025-1O1"))]
    assert "did you mean `PM-2025-101`?" in result.diagnostics[0].message


def test_pm602_existing_related_ids_pass_both_ways(kb_dir: Path) -> None:
    first = replace(VALID, "related: []", "related: [PM-2025-101]")
    second = replace(
        replace(VALID, "id: PM-2026-014", "id: PM-2025-101"), "related: []", "related: [PM-2026-014]"
    )
    assert check_files(kb_dir, {"a.md": first, "b.md": second}).diagnostics == []


def test_pm603_related_lists_itself(kb_dir: Path) -> None:
    text = replace(VALID, "related: []", "related: [PM-2026-014]")
    result = check_files(kb_dir, {"a.md": text})
    line = line_of(text, "related:")
    assert [(d.code, d.line, d.col) for d in result.diagnostics] == [
        ("PM603", line, column_of(text, line, "PM-2026-014"))
    ]
    assert "lists this postmortem's own ID PM-2026-014" in result.diagnostics[0].message


@pytest.mark.parametrize("code", ["PM601", "PM602", "PM603", "PM6"])
def test_cross_file_rules_can_be_turned_off(kb_dir: Path, code: str) -> None:
    self_ref = replace(VALID, "related: []", "related: [PM-2026-014, PM-1999-001]")
    result = check_files(kb_dir, {"a.md": self_ref, "b.md": VALID}, Settings(rules={code: "off"}))
    remaining = {d.code for d in result.diagnostics}
    if code == "PM6":
        assert remaining == set()
    else:
        assert code not in remaining and remaining == {"PM601", "PM602", "PM603"} - {code}
