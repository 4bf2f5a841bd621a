"""Malformed files: every one is a diagnostic at the right place, never a traceback."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FACTORS, ROW1, ROW2, VALID, check_files, line_of, replace
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pmkb.check.engine import check_across, check_postmortem
from pmkb.read.document import read_document
from pmkb.read.postmortem import read_postmortem
from pmkb.settings import Settings

PATH = "2026/broken.md"
"""Where each case is written, relative to the docs directory (and the display root)."""

ACTION_TABLE = "| Action | Owner | Priority | Due | Status | Ticket |\n|---|---|---|---|---|---|\n"
TIMELINE_ROWS = (
    "| 14:00 | Deploy of payments 2026.06.3 finishes | Deploy log |\n"
    "| 14:05 | Checkout error-rate alert fires | PagerDuty |\n"
    "| 14:15 | Rollback completes; errors stop | Grafana |\n"
)


def last_line_of(text: str, needle: str) -> int:
    return max(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


Content = str | bytes | Callable[[], bytes]
CASES: list = []


def case(case_id: str, content: Content, code: str, line: int, *, bug: str | None = None) -> None:
    """Register a malformed file, the code it must produce, and the line it must point at."""
    marks = [pytest.mark.xfail(reason=f"BUG: {bug}", strict=True)] if bug else []
    CASES.append(pytest.param(content, code, line, id=case_id, marks=marks))


def fm(yaml_text: str, body: str = "\n## Summary\n\nIt broke.\n") -> str:
    """A file with the given front-matter text."""
    return f"---\n{yaml_text}\n---\n{body}"


# --- bytes and encodings ---------------------------------------------------------------------

case("empty-file", b"", "PM101", 1)
case("only-whitespace", "  \n\n\t \n   ", "PM101", 1)
_nul = "---\nid: PM-2026-001\ntitle: bin\x00ary\n---\n"
case("binary-nul-bytes", _nul.encode(), "PM100", line_of(_nul, "title:"))
case("binary-blob", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PM100", 3)  # two line ends before NUL
_latin = replace(VALID, "title: Checkout errors", "title: Café errors")
case("invalid-utf8-latin1", _latin.encode("latin-1"), "PM100", line_of(_latin, "Café"))
case("utf16-with-bom", VALID.encode("utf-16"), "PM100", 1)
case("ten-megabytes", lambda: b"x" * 10_000_000, "PM100", 1)
_smart = replace(VALID, "Canaries must", "\u201cCanaries\u201d must")
case("windows-1252-smart-quotes", _smart.encode("cp1252"), "PM100", line_of(_smart, "Canaries"))
_crlf = replace(VALID, "severity: SEV2", "severity: SEV9")
case("crlf-line-ends", _crlf.replace("\n", "\r\n").encode(), "PM108", line_of(_crlf, "severity:"))
_cr = replace(VALID, "| 14:15 | Rollback", "| 13:15 | Rollback")
case("cr-only-line-ends", _cr.replace("\n", "\r").encode(), "PM403", line_of(_cr, "| 13:15 |"))
_bom_crlf = replace(VALID, "status: final", "status: finished")
case(
    "bom-and-crlf",
    b"\xef\xbb\xbf" + _bom_crlf.replace("\n", "\r\n").encode(),
    "PM109",
    line_of(_bom_crlf, "status:"),
)

# --- front-matter block ----------------------------------------------------------------------

_unclosed = replace(VALID, "tags: [database, deploy]\n---\n", "tags: [database, deploy]\n")
case("unclosed-front-matter", _unclosed, "PM101", 1)
case("only-opening-dashes", "---", "PM101", 1)
case("front-matter-not-at-start", "# Checkout outage\n\n" + VALID, "PM101", 1)
case("blank-line-before-front-matter", "\n" + VALID, "PM101", 1)
case("empty-front-matter", "---\n---\n\n## Summary\n\nIt broke.\n", "PM103", 1)
_list = fm("- PM-2026-014\n- Checkout outage")
case("yaml-is-a-list", _list, "PM103", line_of(_list, "- PM-2026-014"))
_scalar = fm("Checkout outage on the 20th")
case("yaml-is-a-scalar", _scalar, "PM103", line_of(_scalar, "Checkout outage"))
_bomb = fm(
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]"
)
case("billion-laughs", _bomb, "PM115", line_of(_bomb, "*a"))
_tabs = replace(VALID, "severity: SEV2", "\tseverity: SEV2")
case("tab-indented-yaml", _tabs, "PM102", line_of(_tabs, "\tseverity"))
_tag = replace(
    VALID,
    "title: Checkout errors after payments deploy",
    "title: !!python/object/apply:os.system ['echo pwned']",
)
case("python-tag", _tag, "PM102", line_of(_tag, "title:"))
_dup = replace(VALID, "tags: [database, deploy]", "tags: [database, deploy]\nseverity: SEV1")
case("duplicate-keys", _dup, "PM114", last_line_of(_dup, "severity:"))
_unhashable = replace(VALID, "tags: [database, deploy]", "tags: [database, deploy]\n? [a, b]\n: c")
case("unhashable-key", _unhashable, "PM102", line_of(_unhashable, "? [a, b]"))
_deep = replace(VALID, "tags: [database, deploy]", "tags: " + "[" * 1000 + "]" * 1000)
case("deeply-nested-yaml", _deep, "PM106", line_of(_deep, "tags:"))  # tags.0 is not text
_ctrl = replace(VALID, "severity: SEV2", "severity: SEV\x072")
case("control-character-in-yaml", _ctrl, "PM102", line_of(_ctrl, "severity:"))
_ls = replace(
    replace(VALID, "title: Checkout errors after payments deploy", 'title: "Checkout\u2028errors"'),
    "severity: SEV2",
    "severity: SEV9",
)
case("unicode-line-separator-in-yaml", _ls, "PM108", line_of(_ls, "severity:"))

# --- front-matter values ---------------------------------------------------------------------

_huge = replace(VALID, "severity: SEV2", "severity: " + "9" * 5000)
case("huge-number", _huge, "PM102", line_of(_huge, "severity:"))
_big = replace(VALID, "severity: SEV2", "severity: " + "9" * 40)
case("big-number-as-severity", _big, "PM106", line_of(_big, "severity:"))
_date = replace(VALID, "date: 2026-06-20", "date: 2026-13-45")
case("impossible-date", _date, "PM102", line_of(_date, "date:"))
_hour = replace(VALID, "started_at: 2026-06-20T14:00:00Z", "started_at: 2026-06-20T25:00:00Z")
case("impossible-timestamp", _hour, "PM102", line_of(_hour, "started_at:"))
_words = replace(VALID, "date: 2026-06-20", "date: next week")
case("date-in-words", _words, "PM106", line_of(_words, "date:"))
_sevlist = replace(VALID, "severity: SEV2", "severity: [SEV1, SEV2]")
case("severity-as-list", _sevlist, "PM106", line_of(_sevlist, "severity:"))
_svcstr = replace(VALID, "services: [checkout-api, payments-db]", "services: checkout-api")
case("services-as-string", _svcstr, "PM106", line_of(_svcstr, "services:"))
_svcempty = replace(VALID, "services: [checkout-api, payments-db]", "services: []")
case("services-empty-list", _svcempty, "PM106", line_of(_svcempty, "services:"))
case("authors-missing", replace(VALID, "authors: [Sarah Chen]\n", ""), "PM105", 1)
_cfstr = replace(VALID, FACTORS, "contributing_factors: the pool leaked\n")
case("factors-as-string", _cfstr, "PM106", line_of(_cfstr, "contributing_factors:"))
_nodesc = replace(VALID, "    description: No alert on pool usage before exhaustion.\n", "")
case("factor-missing-description", _nodesc, "PM106", line_of(_nodesc, "category: detection"))
_unknown = replace(VALID, "severity: SEV2", "severty: SEV2")
case("unknown-key-did-you-mean", _unknown, "PM104", line_of(_unknown, "severty:"))
_id = replace(VALID, "id: PM-2026-014", "id: checkout-outage-june")
case("id-wrong-pattern", _id, "PM107", line_of(_id, "id:"))
_naive = replace(VALID, "detected_at: 2026-06-20T14:05:00Z", "detected_at: 2026-06-20T14:05:00")
case("naive-timestamp", _naive, "PM111", line_of(_naive, "detected_at:"))
_order = replace(VALID, "resolved_at: 2026-06-20T14:22:00Z", "resolved_at: 2026-06-20T13:22:00Z")
case("timestamps-out-of-order", _order, "PM112", line_of(_order, "resolved_at:"))

# --- sections -------------------------------------------------------------------------------

_summary = replace(
    VALID,
    "after a deploy.",
    "after a deploy. The pool leaked. Alerts were late. We rolled back. It recovered.",
)
case("summary-five-sentences", _summary, "PM203", line_of(_summary, "## Summary"))
_impact = replace(
    VALID,
    "1,240 checkout attempts failed over 15 minutes; about 300 customers retried successfully.",
    "Many checkouts failed and some customers were unhappy.",
)
case("impact-without-numbers", _impact, "PM204", line_of(_impact, "## Impact"))
_h3 = replace(VALID, "## Impact", "### Impact")
case("required-section-at-level-3", _h3, "PM201", line_of(_h3, "### Impact"))
_long = replace(VALID, "Canaries must", "Canaries " + "really " * 20_000 + "human error must")
case("very-long-line", _long, "PM501", line_of(_long, "human error"))

# --- timeline -------------------------------------------------------------------------------

_tl_bullets = replace(
    VALID,
    "| Time (UTC) | Event | Source |\n|---|---|---|\n" + TIMELINE_ROWS,
    "- 14:00 deploy finishes\n- 14:05 alert fires\n",
)
case("timeline-bullet-list", _tl_bullets, "PM401", line_of(_tl_bullets, "## Timeline"))
_about = replace(VALID, "| 14:05 | Checkout", "| about 2pm | Checkout")
case("timeline-about-2pm", _about, "PM402", line_of(_about, "about 2pm"))
_tl_order = replace(VALID, "| 14:15 | Rollback", "| 13:15 | Rollback")
case("timeline-out-of-order", _tl_order, "PM403", line_of(_tl_order, "| 13:15 |"))

# --- action items ---------------------------------------------------------------------------

_ai_bullets = replace(
    VALID, ACTION_TABLE + ROW1 + "\n" + ROW2, "- Add an alert on pool usage (Sarah)\n- Fix the leak (Marcus)"
)
case("action-items-bullet-list", _ai_bullets, "PM302", line_of(_ai_bullets, "## Action Items"))
_no_owner = replace(
    replace(
        replace(VALID, "| Action | Owner | Priority |", "| Action | Priority |"),
        "|---|---|---|---|---|---|",
        "|---|---|---|---|---|",
    ),
    "| Sarah Chen | P1 |",
    "| P1 |",
).replace("| payments-team | P2 |", "| P2 |")
case("action-table-without-owner", _no_owner, "PM302", line_of(_no_owner, "| Action | Priority |"))


def _row1_case(case_id: str, old: str, new: str, code: str) -> None:
    """A case that changes one cell of the first action-item row; the row's line is expected."""
    row = replace(ROW1, old, new)
    text = replace(VALID, ROW1, row)
    case(case_id, text, code, line_of(text, row))


_row1_case("owner-a-and-b", "| Sarah Chen |", "| Sarah Chen and Marcus Okafor |", "PM303")
_row1_case("priority-urgent", "| P1 |", "| urgent |", "PM304")
_row1_case("due-next-week", "| 2026-07-01 |", "| next week |", "PM305")
_row1_case("due-before-incident", "| 2026-07-01 |", "| 2026-06-01 |", "PM306")
_row1_case("status-almost", "| Done |", "| almost |", "PM307")
_row1_case("p1-without-ticket", "| NW-1432 |", "| |", "PM308")
_row1_case(
    "improve-monitoring", "Release pool connections on the query-timeout path", "Improve monitoring", "PM309"
)


# --- the table-driven test ------------------------------------------------------------------


@pytest.mark.parametrize(("content", "code", "line"), CASES)
def test_malformed_file_is_a_diagnostic(kb_dir: Path, content: Content, code: str, line: int) -> None:
    raw = content() if callable(content) else content
    result = check_files(kb_dir, {PATH: raw})  # must not raise
    assert result.files_checked == 1
    shown = [str(d) for d in result.diagnostics]
    assert any(d.code == code and d.line == line for d in result.diagnostics), shown
    for diagnostic in result.diagnostics:
        assert diagnostic.path == PATH
        assert diagnostic.line >= 1 and diagnostic.col >= 1
        assert re.match(
            rf"^{re.escape(PATH)}:{diagnostic.line}:{diagnostic.col}: PM\d{{3}} ", str(diagnostic)
        ), str(diagnostic)
        assert "\n" not in str(diagnostic)
    matching = next(d for d in result.diagnostics if d.code == code and d.line == line)
    assert re.match(rf"^{re.escape(PATH)}:{line}:\d+: {code} \S", str(matching))


def test_there_are_enough_malformed_cases() -> None:
    assert len(CASES) >= 35
    assert len({param.id for param in CASES}) == len(CASES)


def test_all_malformed_files_in_one_run(kb_dir: Path) -> None:
    """Every broken file is reported in a single check, none hides another."""
    files = {}
    for index, param in enumerate(CASES):
        content, _code, _line = param.values
        if callable(content) or param.marks:
            continue
        files[f"many/{index:02d}-{param.id}.md"] = content
    result = check_files(kb_dir, files)
    assert result.files_checked == len(files)
    assert {d.path for d in result.diagnostics} == set(files)


def test_unclosed_html_comments_are_checked_in_linear_time(kb_dir: Path) -> None:
    text = replace(VALID, "Canaries must", "<!--" * 8_000)  # 32 kB
    started = time.perf_counter()
    check_files(kb_dir, {PATH: text})
    assert time.perf_counter() - started < 1.5


# --- fuzzing ---------------------------------------------------------------------------------

FUZZ_SETTINGS = Settings()
TODAY = dt.date(2026, 7, 1)


def full_check(raw: bytes) -> None:
    """Read and check one file in memory, as KnowledgeBase.check does."""
    document = read_document(PATH, raw)
    postmortem = read_postmortem(document, FUZZ_SETTINGS)
    diagnostics = check_postmortem(postmortem, FUZZ_SETTINGS, None, TODAY)
    diagnostics += check_across([postmortem], FUZZ_SETTINGS)
    for diagnostic in diagnostics:
        assert diagnostic.line >= 1, diagnostic
        assert str(diagnostic).startswith(f"{PATH}:{diagnostic.line}:")


FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(st.binary(max_size=4000))
@example(b"id: a\x07b\n---\n")  # control characters once crashed the YAML reader
def test_fuzz_random_bytes_after_front_matter_marker(data: bytes) -> None:
    full_check(b"---\n" + data)


@FUZZ
@given(st.text(max_size=4000))
@example("title: \x1b[31mred\n---\n")
def test_fuzz_random_text_after_front_matter_marker(text: str) -> None:
    full_check(("---\n" + text).encode("utf-8"))


_PRINTABLE = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029")
    | st.sampled_from(["\n", "\t", "|", "[", "]", "&", "*", "#", "-", ":", "`", "<"]),
    max_size=4000,
)


@FUZZ
@given(_PRINTABLE)
def test_fuzz_printable_text_after_front_matter_marker(text: str) -> None:
    full_check(("---\n" + text).encode("utf-8"))


@FUZZ
@given(st.integers(min_value=0, max_value=len(VALID)), st.text(max_size=200))
def test_fuzz_text_spliced_into_the_valid_postmortem(position: int, text: str) -> None:
    full_check((VALID[:position] + text + VALID[position:]).encode("utf-8"))
