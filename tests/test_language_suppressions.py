"""Suppression comments: a code and a reason silence a rule on a block or a line; PM801
reports one without either; `pmkb check --list-suppressions` audits them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROW1, VALID, check_files, codes, line_of, pmkb, replace

LESSON = "Canaries must exercise error paths, not only the happy path."
DESCRIPTION = "    description: No alert on pool usage before exhaustion.\n"
QUOTE = "Bob forgot to drain the node."


def test_block_suppression_with_a_reason(kb_dir: Path) -> None:
    block = f"<!-- pmkb-disable PM502: the responder's own words -->\n{QUOTE}\nHe ignored the alert."
    text = replace(VALID, LESSON, f"{LESSON}\n\n{block}\n\nAlice forgot the flag.")
    assert codes(check_files(kb_dir, {"pm.md": text})) == [
        ("PM502", line_of(text, "Alice forgot"))  # the next block is checked again
    ]


def test_line_suppression_on_its_own_line_and_the_next(kb_dir: Path) -> None:
    same = f"{QUOTE} <!-- pmkb-disable-line PM502: quoted from the incident channel -->"
    next_line = "<!-- pmkb-disable-line PM5: quoted -->\nHe ignored the alert.\nShe forgot the flag."
    text = replace(VALID, LESSON, f"{LESSON}\n\n{same}\n\n{next_line}\n")
    assert codes(check_files(kb_dir, {"pm.md": text})) == [("PM502", line_of(text, "She forgot"))]


def test_only_the_named_rule_is_silenced(kb_dir: Path) -> None:
    text = replace(VALID, LESSON, f"<!-- pmkb-disable PM501: quoted -->\n{QUOTE}")
    assert codes(check_files(kb_dir, {"pm.md": text})) == [("PM502", line_of(text, QUOTE))]


def test_front_matter_suppression(kb_dir: Path) -> None:
    block = (
        "    # pmkb-disable PM502: the commander's words, kept on purpose\n"
        "    description: >-\n"
        "      Nothing alerted on pool usage, and\n"
        "      Marcus forgot the dashboard.\n"
    )
    text = replace(VALID, DESCRIPTION, block)
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


def test_action_item_suppression_in_the_row(kb_dir: Path) -> None:
    cell = "Improve monitoring <!-- pmkb-disable-line PM309: umbrella item, split in NW-88 -->"
    text = replace(VALID, ROW1, ROW1.replace("Release pool connections on the query-timeout path", cell))
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


@pytest.mark.parametrize(
    ("comment", "problem"),
    [
        ("<!-- pmkb-disable -->", "names no rule code"),
        ("<!-- pmkb-disable: quoted -->", "names no rule code"),
        ("<!-- pmkb-disable PM502 -->", "gives no reason"),
        ("<!-- pmkb-disable PM502: -->", "gives no reason"),
    ],
)
def test_pm801_suppression_without_code_or_reason(kb_dir: Path, comment: str, problem: str) -> None:
    text = replace(VALID, LESSON, f"{comment}\n{LESSON}")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM801", line_of(text, "pmkb-disable"))]
    assert f"suppression {problem}" in result.diagnostics[0].message
    assert result.diagnostics[0].level == "warning"


def test_list_suppressions(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: postmortems\ntheme:\n  name: material\nplugins:\n  - postmortems\n"
    )
    docs = tmp_path / "postmortems" / "2026"
    docs.mkdir(parents=True)
    text = replace(
        VALID,
        LESSON,
        f"<!-- pmkb-disable PM502: quoted from the incident channel -->\n{QUOTE}\n\n"
        f"<!-- pmkb-disable PM501 -->\n{LESSON}",
    )
    (docs / "pm.md").write_text(text)
    result = pmkb(tmp_path, "check", "--list-suppressions")
    assert result.returncode == 0, result.stderr
    first = line_of(text, "incident channel")
    second = line_of(text, "PM501 -->")
    path = "postmortems/2026/pm.md"
    assert result.stdout.splitlines() == [
        f"{path}:{first}: PM502 on line {first + 1}, silences 1: quoted from the incident channel",
        f"{path}:{second}: PM501 on line {second + 1}, silences 0: (no reason) [gives no reason]",
        "2 suppressions in 1 file; 1 without a code or reason, 1 silencing nothing.",
    ]
    as_json = json.loads(pmkb(tmp_path, "check", "--list-suppressions", "--format", "json").stdout)
    assert as_json[0] | {"path": path} == {
        "path": path,
        "line": first,
        "codes": ["PM502"],
        "reason": "quoted from the incident channel",
        "lines": [first + 1, first + 1],
        "silenced": 1,
        "problem": None,
    }
