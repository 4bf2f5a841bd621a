"""PM2xx: required sections present and filled in, a short Summary, a quantified Impact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import VALID, check_files, codes, line_of, replace
from pmkb.settings import DraftPolicy, Settings

SUMMARY = (
    "For 15 minutes, 4% of checkouts failed because the payments database connection pool "
    "was exhausted after a deploy."
)
IMPACT = "1,240 checkout attempts failed over 15 minutes; about 300 customers retried successfully."
WENT_WELL = "The rollback runbook worked and took eight minutes."


def body_first_line(text: str) -> int:
    """The line after the closing `---` of the front-matter."""
    lines = text.split("\n")
    return lines.index("---", 1) + 2


def drop_section(text: str, heading: str) -> str:
    """`text` without the `## heading` section (up to the next `## `)."""
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    assert pattern.search(text), heading
    return pattern.sub("", text, count=1)


def only(result, code: str):
    found = [d for d in result.diagnostics if d.code == code]
    assert len(found) == 1, [str(d) for d in result.diagnostics]
    return found[0]


def as_draft(text: str) -> str:
    return replace(text, "status: final", "status: draft")


# --- PM201 required-sections -----------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "Summary",
        "Impact",
        "Timeline",
        "Contributing Factors",
        "What Went Well",
        "What Went Wrong",
        "Lessons Learned",
    ],
)
def test_pm201_missing_section_is_reported_at_body_start(kb_dir: Path, heading: str) -> None:
    text = drop_section(VALID, heading)
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM201", body_first_line(text))]
    assert f"missing section `## {heading}`" in result.diagnostics[0].message
    assert "required for SEV2" in result.diagnostics[0].message
    assert result.diagnostics[0].level == "error"


def test_pm201_missing_section_names_aliases(kb_dir: Path) -> None:
    result = check_files(kb_dir, {"pm.md": drop_section(VALID, "Contributing Factors")})
    assert "(or Root Cause, Root Causes, Causes)" in only(result, "PM201").message


@pytest.mark.parametrize("hashes", ["#", "###", "####"])
def test_pm201_required_section_at_wrong_heading_level(kb_dir: Path, hashes: str) -> None:
    text = replace(VALID, "## Impact", f"{hashes} Impact")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM201", line_of(text, f"{hashes} Impact"))]
    assert "must be a level-2 heading: write `## Impact`" in result.diagnostics[0].message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("## Summary", "## Executive Summary"),
        ("## Summary", "## TL;DR"),
        ("## Summary", "## 1. Summary"),
        ("## Summary", "## summary:"),
        ("## Impact", "## Customer Impact"),
        ("## Timeline", "## Timeline of Events"),
        ("## Contributing Factors", "## Root Cause Analysis"),
        ("## Action Items", "## Remediation"),
        ("## Lessons Learned", "## Takeaways"),
    ],
)
def test_pm201_aliases_and_spellings_count(kb_dir: Path, old: str, new: str) -> None:
    assert check_files(kb_dir, {"pm.md": replace(VALID, old, new)}).diagnostics == []


def test_pm201_setext_heading_counts_as_level_two(kb_dir: Path) -> None:
    text = replace(VALID, "## Impact\n", "Impact\n------\n")
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


def test_pm201_incident_brief_for_sev3(kb_dir: Path) -> None:
    text = replace(VALID, "severity: SEV2", "severity: SEV3")
    for heading in ("What Went Well", "What Went Wrong", "Lessons Learned"):
        text = drop_section(text, heading)
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []
    sev2 = replace(text, "severity: SEV3", "severity: SEV2")
    result = check_files(kb_dir, {"pm.md": sev2})
    assert codes(result) == [("PM201", body_first_line(sev2))] * 3


def test_pm201_unknown_severity_requires_only_common_sections(kb_dir: Path) -> None:
    text = drop_section(replace(VALID, "severity: SEV2", "severity: SEV9"), "Lessons Learned")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM108", line_of(text, "severity:"))]
    text = drop_section(text, "Impact")
    result = check_files(kb_dir, {"pm.md": text})
    assert ("PM201", body_first_line(text)) in codes(result)
    assert "required for every severity" in only(result, "PM201").message


def test_pm201_configured_required_sections(kb_dir: Path) -> None:
    settings = Settings(required_sections={"SEV2": ["Summary", "Impact", "Postmortem Meeting"]})
    result = check_files(kb_dir, {"pm.md": VALID}, settings)
    assert codes(result) == [("PM201", body_first_line(VALID))]
    assert "`## Postmortem Meeting`" in result.diagnostics[0].message


def test_pm201_relaxed_for_drafts_by_default(kb_dir: Path) -> None:
    text = as_draft(drop_section(drop_section(VALID, "Impact"), "Lessons Learned"))
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


def test_pm201_not_relaxed_when_draft_policy_is_empty(kb_dir: Path) -> None:
    text = as_draft(drop_section(VALID, "Impact"))
    settings = Settings(drafts=DraftPolicy(relaxed_rules=[]))
    result = check_files(kb_dir, {"pm.md": text}, settings)
    assert codes(result) == [("PM201", body_first_line(text))]


def test_pm201_in_review_is_not_relaxed(kb_dir: Path) -> None:
    text = replace(drop_section(VALID, "Impact"), "status: final", "status: in-review")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM201", body_first_line(text))]


# --- PM202 non-empty-sections ------------------------------------------------------------


@pytest.mark.parametrize(
    "filler",
    ["", "<!-- What went well? -->", "<!--\nmulti-line\ncomment\n-->", "   \n\n  "],
    ids=["blank", "comment", "multi-line-comment", "whitespace"],
)
def test_pm202_empty_section(kb_dir: Path, filler: str) -> None:
    text = replace(VALID, WENT_WELL, filler)
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM202", line_of(text, "## What Went Well"))]
    assert "`What Went Well` is empty; fill it in" in result.diagnostics[0].message


def test_pm202_relaxed_for_drafts(kb_dir: Path) -> None:
    text = as_draft(replace(VALID, WENT_WELL, "<!-- TODO -->"))
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


def test_pm202_only_for_required_sections(kb_dir: Path) -> None:
    text = VALID + "\n## Appendix\n"
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


# --- PM203 summary-length ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("summary", "count"),
    [
        (SUMMARY + " The pool leaked. Alerts were late. We rolled back. It recovered.", 5),
        (SUMMARY + " The pool leaked. Alerts were late! Did we roll back?", 4),
    ],
)
def test_pm203_summary_too_long(kb_dir: Path, summary: str, count: int) -> None:
    text = replace(VALID, SUMMARY, summary)
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM203", line_of(text, "## Summary"))]
    assert f"summary has {count} sentences; write 1 to 3" in result.diagnostics[0].message


@pytest.mark.parametrize(
    "summary",
    [
        "Checkout failed for 4.5% of users, e.g. those paying by card. The pool leaked. It recovered.",
        "Checkout failed for 15 minutes, i.e. until the rollback finished, etc. Nothing else broke.",
        "The U.S. region lost 2.5% of orders during the deploy",
        "One sentence with no final stop",
    ],
    ids=["eg-and-decimal", "ie-and-etc", "initials", "no-stop"],
)
def test_pm203_abbreviations_and_decimals_do_not_end_sentences(kb_dir: Path, summary: str) -> None:
    text = replace(VALID, SUMMARY, summary)
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


def test_pm203_relaxed_for_drafts_and_level_configurable(kb_dir: Path) -> None:
    long_summary = SUMMARY + " The pool leaked. Alerts were late. We rolled back."
    text = replace(VALID, SUMMARY, long_summary)
    assert check_files(kb_dir, {"pm.md": as_draft(text)}).diagnostics == []
    result = check_files(kb_dir, {"pm.md": text}, Settings(rules={"PM203": "warning"}))
    assert codes(result) == [("PM203", line_of(text, "## Summary"))]
    assert result.diagnostics[0].level == "warning"
    assert str(result.diagnostics[0]).endswith("[warning]")


# --- PM204 impact-quantified ---------------------------------------------------------------


@pytest.mark.parametrize(
    "impact",
    ["Some customers could not check out.", "Many checkouts failed for about a quarter hour."],
)
def test_pm204_impact_without_a_number(kb_dir: Path, impact: str) -> None:
    text = replace(VALID, IMPACT, impact)
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM204", line_of(text, "## Impact"))]
    assert "quantify it" in result.diagnostics[0].message


@pytest.mark.parametrize("impact", ["4% of checkouts failed.", "Checkouts failed for 15 minutes."])
def test_pm204_any_number_quantifies(kb_dir: Path, impact: str) -> None:
    assert check_files(kb_dir, {"pm.md": replace(VALID, IMPACT, impact)}).diagnostics == []


def test_pm204_number_in_a_comment_does_not_count(kb_dir: Path) -> None:
    text = replace(VALID, IMPACT, "Some customers could not check out. <!-- 1,240 -->")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM204", line_of(text, "## Impact"))]


def test_pm204_off(kb_dir: Path) -> None:
    text = replace(VALID, IMPACT, "Some customers could not check out.")
    assert check_files(kb_dir, {"pm.md": text}, Settings(rules={"PM2": "off"})).diagnostics == []


def test_pm203_summary_ending_in_a_single_letter_is_one_sentence(kb_dir: Path) -> None:
    text = replace(VALID, SUMMARY, "Checkout failed for 15 minutes for 4% of users in region A.")
    assert codes(check_files(kb_dir, {"pm.md": text})) == []
