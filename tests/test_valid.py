"""The reference postmortem passes; the accepted variants from DESIGN.md pass too."""

from __future__ import annotations

from pathlib import Path

from conftest import VALID, check_files


def test_reference_postmortem_is_clean(kb_dir: Path) -> None:
    result = check_files(kb_dir, {"2026/checkout.md": VALID})
    assert result.diagnostics == []
    assert result.files_checked == 1


def test_crlf_and_bom_are_accepted(kb_dir: Path) -> None:
    raw = b"\xef\xbb\xbf" + VALID.replace("\n", "\r\n").encode()
    result = check_files(kb_dir, {"crlf.md": raw})
    assert result.diagnostics == []


def test_emoji_statuses_deadline_column_and_executive_summary(kb_dir: Path) -> None:
    text = (
        VALID.replace("## Summary", "## Executive Summary")
        .replace("| Due |", "| Deadline |")
        .replace("| 2026-07-01 | Done |", "| 2026-07-01 | ✅ Completed |")
        .replace("| 2026-07-15 | Open |", "| 2026-07-15 | 🔄 In Progress |")
    )
    text = text.replace(
        "| payments-team | P2 | 2026-07-15 | 🔄 In Progress | |",
        "| payments-team | P2 | 2026-07-15 | 🔄 In Progress | |\n"
        "| Run a game day that exhausts the pool in staging | Sarah Chen | P3 | 2026-09-01 "
        "| ⏳ Pending | |",
    )
    result = check_files(kb_dir, {"variants.md": text})
    assert result.diagnostics == []
    states = [item.state for item in result.postmortems[0].action_items]
    assert states == ["done", "in-progress", "open"]
    assert result.postmortems[0].action_items[0].due is not None


def test_aliases_for_sections(kb_dir: Path) -> None:
    text = VALID.replace("## Contributing Factors", "## Root Cause").replace(
        "## Action Items", "## Follow-ups"
    )
    assert check_files(kb_dir, {"aliases.md": text}).diagnostics == []
