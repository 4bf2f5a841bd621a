"""`pmkb import`, one capability at a time: action items, dates, IDs, timelines, headings,
severity, the report, assets, refusals, `--split`, encodings and `TODO` in `pmkb check`."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from conftest import VALID, check_files, pmkb
from pmkb.importer import ImportResult, convert
from pmkb.read.document import decode_text, read_document
from pmkb.read.postmortem import read_postmortem
from pmkb.settings import Settings


def do(text: str, name: str = "x.md", settings: Settings | None = None, **options: object) -> ImportResult:
    return convert(
        textwrap.dedent(text),
        name,
        settings or Settings(),
        severity=options.pop("severity", None),  # type: ignore[arg-type]
        next_id=lambda year: f"PM-{year}-001",
        **options,  # type: ignore[arg-type]
    )


def rows(result: ImportResult) -> list[tuple[str, str, str, str | None, str | None, str]]:
    items = read_postmortem(read_document("x.md", result.text.encode()), Settings()).action_items
    return [(i.action, i.owner, i.priority, str(i.due) if i.due else None, i.state, i.ticket) for i in items]


# --- action items -----------------------------------------------------------------------


def test_action_items_take_owner_due_ticket_and_status_and_nested_bullets_stay_sub_points() -> None:
    result = do("""\
        ## Action items
        - [x] Add an alert on queue depth above 1,000 messages (owner: @sam, due 2024-03-01, P1)
          - covers the EU cluster too
          - and the US one
        - [ ] Rotate the webhook signing key by March 5, 2024 [Issue](https://github.com/o/r/issues/12)
        - ~~Page the storage team directly on disk alerts~~
        - **DONE** Restore the previous memory limit, assigned to Kai
        ### Completed
        - Remove the stale DNS record from the zone file
        """)
    assert rows(result) == [
        ("Add an alert on queue depth above 1,000 messages", "@sam", "P1", "2024-03-01", "done", "TODO"),
        (
            "Rotate the webhook signing key by March 5, 2024",
            "TODO",
            "TODO",
            "2024-03-05",
            "open",
            "https://github.com/o/r/issues/12",
        ),
        ("Page the storage team directly on disk alerts", "TODO", "TODO", None, "done", "TODO"),
        ("Restore the previous memory limit, assigned to Kai", "Kai", "TODO", None, "done", "TODO"),
        ("Remove the stale DNS record from the zone file", "TODO", "TODO", None, "done", "TODO"),
    ]
    assert "  - covers the EU cluster too" in result.text  # kept, below our table


def test_action_item_tables_read_status_marks_in_any_cell() -> None:
    result = do("""\
        ## Action Items
        | Action Item | Type | Owner | Bug |
        |---|---|---|---|
        | Update the playbook for cascading failure | mitigate | jennifer | n/a **DONE** |
        """)
    assert rows(result) == [
        ("Update the playbook for cascading failure", "jennifer", "TODO", None, "done", "TODO")
    ]


# --- dates and IDs -----------------------------------------------------------------------

EVIDENCE = """\
    ---
    {front}
    ---
    # Outage of the API on {title}

    ## Timeline
    - 2021-06-05 10:00 first alert

    ## Summary
    Date: 2021-06-06. We saw errors on 2021-06-07.
    """


@pytest.mark.parametrize(
    ("front", "title", "name", "expected", "where"),
    [
        ("date: 2021-06-01", "June 2nd, 2021", "postmortem_2021-06-03.md", "2021-06-01", "front-matter"),
        ("layout: post", "June 2nd, 2021", "postmortem_2021-06-03.md", "2021-06-02", "title"),
        ("layout: post", "a Tuesday", "postmortem_2021-06-03.md", "2021-06-03", "file name"),
        ("layout: post", "a Tuesday", "postmortem.md", "2021-06-05", "timeline"),
    ],
)
def test_the_date_comes_from_the_strongest_evidence(
    front: str, title: str, name: str, expected: str, where: str
) -> None:
    result = do(EVIDENCE.format(front=front, title=title), name)
    assert result.date == dt.date.fromisoformat(expected)
    assert result.id == "PM-2021-001"
    assert any(item.startswith(f"date {expected} ← ") and where in item for item in result.mapped)


def test_a_date_line_then_the_prose_then_date_option() -> None:
    assert do("## Summary\nDate: 28 Feb 2017 (~1738)\nOn 2017-03-01 it ended.\n").date == dt.date(2017, 2, 28)
    assert do("## Summary\nIn the morning of Sept. 18th, 2017, sites went down.\n").date == dt.date(
        2017, 9, 18
    )
    assert (
        do("# Outage\n\n## Action Items\n- fix by 2024-01-01\n").date is None
    )  # a due date is not the incident's
    forced = do("## Summary\nOn 2017-03-01.\n", date=dt.date(2016, 1, 2))
    assert forced.date == dt.date(2016, 1, 2) and "date 2016-01-02 ← the --date option" in forced.mapped


def test_a_title_date_without_a_year_takes_the_file_names_year() -> None:
    result = do("---\ntitle: Connectivity issues on August 10th\n---\n\nText.\n", "2015-08-13-postmortem.md")
    assert result.date == dt.date(2015, 8, 10)
    assert result.file_name == "2015-08-10-connectivity-issues-on-august-10th.md"


def test_a_date_leading_the_title_is_not_repeated_in_the_slug() -> None:
    result = do("# 2018-02-12 - Queue outage\n\n## Summary\nText.\n")
    assert result.title == "Queue outage" and result.file_name == "2018-02-12-queue-outage.md"


# --- timelines -----------------------------------------------------------------------------


def timeline(result: ImportResult) -> list[tuple[str, str]]:
    postmortem = read_postmortem(read_document("x.md", result.text.encode()), Settings())
    return [(entry.time_text, entry.event) for entry in postmortem.timeline]


def test_day_headed_timelines_keep_full_timestamps_and_cross_midnight(kb_dir: Path) -> None:
    result = do("""\
        # Queue outage

        ## Timeline
        ### 2024-03-17
        - 23:40 Queue depth alert fires
        - 23:55 **On-call** paged
        - 00:20 Consumers restarted
        ### March 19, 2024
        - 09:00 Review held
        """)
    assert timeline(result) == [
        ("2024-03-17 23:40", "Queue depth alert fires"),
        ("2024-03-17 23:55", "**On-call** paged"),
        ("2024-03-18 00:20", "Consumers restarted"),
        ("2024-03-19 09:00", "Review held"),
    ]
    assert (
        "timeline: 4 row(s) from the original timeline; the day moves on at midnight (line 7)"
        in result.mapped
    )
    assert "| 2024-03-17 23:40 | Queue depth alert fires | original line 5 |" in result.text
    checked = check_files(kb_dir, {"2024/x.md": result.text})
    assert not [d for d in checked.diagnostics if d.code.startswith("PM4")]


def test_timelines_from_paragraphs_am_pm_and_out_of_order_tables_are_sorted() -> None:
    prose = do(
        "## Timeline\n\n2018-08-22, 03:26pm: first noticed the\nerror.\n\n2018-08-23, 10:08am: fixed.\n"
    )
    assert timeline(prose) == [
        ("2018-08-22 15:26", "first noticed the error."),
        ("2018-08-23 10:08", "fixed."),
    ]
    table = do("## Timeline\n| Date | Event |\n|---|---|\n| 2021-05-08 | merged |\n| 2021-01-28 | report |\n")
    assert timeline(table) == [("2021-01-28", "report"), ("2021-05-08", "merged")]
    assert any("rows sorted by time" in item for item in table.mapped)


def test_a_missing_timeline_is_built_from_timed_lines_elsewhere() -> None:
    result = do(
        "# Outage on 2016-02-11\n\n## What happened\n - 10.42: down\n - 10.46: paged\n - 10.56: healed\n"
    )
    assert timeline(result) == [
        ("2016-02-11 10:42", "down"),
        ("2016-02-11 10:46", "paged"),
        ("2016-02-11 10:56", "healed"),
    ]


# --- headings and severity -------------------------------------------------------------------


def test_headings_map_by_meaning_and_no_empty_duplicate_is_added() -> None:
    result = do(
        """\
        ## Incident Impact
        Text.
        ## Impact on users
        More.
        ## Corrective and Preventative Measures
        - Add an alert on the eviction rate above 1,000 keys per second
        ## What could have gone better?
        Paging.
        """,
        severity="SEV3",
    )
    assert result.mapping == {
        "Incident Impact": "Impact",
        "Impact on users": "Impact",
        "Corrective and Preventative Measures": "Action Items",
        "What could have gone better?": "What Went Wrong",
    }
    assert result.text.count("## Impact\n") == 1 and "## Action Items\n" in result.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\nseverity: Critical\n---\nText.\n", "SEV1"),
        ("**Severity:** Major (High)\n\nText.\n", "SEV2"),
        ("* **Severity:**&#x20;\n  * SEV-1 – full chain halt\n", "SEV1"),
        ("# Outage (SEV3)\n\nText.\n", "SEV3"),
        ("## Summary\n" + "Text.\n\n" * 12 + "It delayed other severity 1 work.\n", "TODO"),
    ],
)
def test_severity_only_from_explicit_statements(text: str, expected: str) -> None:
    assert f"\nseverity: {expected if expected != 'TODO' else chr(34) + 'TODO' + chr(34)}\n" in do(text).text


def test_severity_words_map_through_the_configured_aliases() -> None:
    settings = Settings(
        severities=["critical", "major", "minor"], severity_aliases={"critical": ["P1", "blocker"]}
    )
    assert "\nseverity: critical\n" in do("Severity: P1\n", settings=settings).text
    unknown = do("Severity: Huge\n")
    assert any("“Huge” (line 1) is not on the scale" in item for item in unknown.mapped)


# --- the command -----------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "mkdocs.yml").write_text("site_name: T\ndocs_dir: postmortems\nplugins:\n  - postmortems\n")
    (tmp_path / "postmortems" / "2024").mkdir(parents=True)
    (tmp_path / "postmortems/2024/existing.md").write_text(VALID.replace("PM-2026-014", "PM-2024-007"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.md").write_text(
        "# Queue outage on 2024-03-17\n\n## Summary\nQueue down.\n\n![graph](img/graph.png)\n"
        "See [the runbook](../runbooks/queue.md).\n"
    )
    (inbox / "img").mkdir()
    (inbox / "img/graph.png").write_bytes(b"\x89PNG")
    return tmp_path


def test_ids_stay_unique_across_runs_and_output_folders(site: Path) -> None:
    assert pmkb(site, "import", "--out-dir", "drafts", "inbox/a.md").returncode == 0
    (site / "inbox/b.md").write_text("# Cache outage on 2024-04-01\n\nText.\n")
    assert pmkb(site, "import", "--out-dir", "drafts", "inbox/b.md").returncode == 0  # scans drafts/
    for draft in (site / "drafts").iterdir():  # the team moves them in, then imports more
        draft.rename(site / "postmortems/2024" / draft.name)
    assert pmkb(site, "import", "--out-dir", "more", "inbox/a.md").returncode == 0  # scans the KB
    ids = sorted(
        read_document(str(p), p.read_bytes()).front_matter.data["id"]  # type: ignore[union-attr]
        for p in [*(site / "postmortems/2024").glob("2024-*.md"), *(site / "more").glob("*.md")]
    )
    assert ids == ["PM-2024-008", "PM-2024-009", "PM-2024-010"]


def test_the_report_lists_evidence_links_and_a_checklist_and_copies_assets(site: Path) -> None:
    plain = pmkb(site, "import", "--out-dir", "one", "inbox/a.md")
    assert "  date 2024-03-17 ← the title (line 1)" in plain.stdout
    assert "    line 6: img/graph.png (not copied: pass --copy-assets, or fix the link)" in plain.stdout
    assert "    line 7: ../runbooks/queue.md (not copied" in plain.stdout
    assert "  - [ ] severity: one of SEV1, SEV2, SEV3, SEV4" in plain.stdout
    copied = pmkb(site, "import", "--out-dir", "two", "--copy-assets", "inbox/a.md")
    assert (site / "two/img/graph.png").read_bytes() == b"\x89PNG"
    assert "img/graph.png (copied to " in copied.stdout
    assert "../runbooks/queue.md (not copied: ../runbooks/queue.md points outside" in copied.stdout


def test_empty_oversized_directory_and_other_encodings(site: Path) -> None:
    inbox = site / "inbox"
    (inbox / "empty.md").write_bytes(b"")
    (inbox / "big.md").write_bytes(b"x" * 2_100_000)
    (inbox / "x.md").mkdir()
    (inbox / "utf16.md").write_bytes("# Outage on 2024-05-01\n\n## Summary\nDown.\n".encode("utf-16"))
    result = pmkb(
        site, "import", "--out-dir", "out", "inbox/empty.md", "inbox/big.md", "inbox/x.md", "inbox/utf16.md"
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "inbox/empty.md:1:1: not imported: the file is empty" in result.stderr
    assert "inbox/big.md:1:1: not imported: file is 2.1 MB, over the 2 MB limit" in result.stderr
    assert (
        "inbox/x.md:1:1: not imported: inbox/x.md is a directory named like a Markdown file" in result.stderr
    )
    assert (site / "out/2024-05-01-outage-on-2024-05-01.md").is_file()
    assert sorted(p.name for p in (site / "out").iterdir()) == ["2024-05-01-outage-on-2024-05-01.md"]


def test_the_checker_says_utf16_is_not_utf8_rather_than_binary() -> None:
    _, problem = decode_text("# x\n".encode("utf-16"))
    assert problem is not None and problem.message.startswith(
        "file is UTF-16 LE text (it starts with a byte-order mark), not UTF-8"
    )
    _, bare = decode_text("# x\n".encode("utf-16-le"))
    assert bare is not None and "UTF-16 text without a byte-order mark" in bare.message
    text, none = decode_text("# x\n".encode("utf-32"), other_unicode=True)
    assert (text, none) == ("# x\n", None)


def test_split_makes_one_draft_per_incident(site: Path) -> None:
    (site / "inbox/many.md").write_text(
        "Intro.\n\n# DNS outage on 2024-01-02\n\n## Summary\nA.\n\n"
        "# Queue outage on 2024-02-03\n\n## Summary\nB.\n"
    )
    result = pmkb(site, "import", "--split", "--out-dir", "split", "inbox/many.md")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (site / "split").iterdir()) == [
        "2024-01-02-dns-outage-on-2024-01-02.md",
        "2024-02-03-queue-outage-on-2024-02-03.md",
    ]
    assert (
        "imported from inbox/many.md:1\n" in result.stdout
        and "imported from inbox/many.md:8\n" in result.stdout
    )


def test_check_names_todo_left_by_import_and_reads_spaced_times(site: Path) -> None:
    assert pmkb(site, "import", "inbox/a.md").returncode == 0
    check = pmkb(site, "check")
    assert "`started_at`: `TODO` left by import; expected a timestamp" in check.stdout
    assert "severity `TODO` left by import; use one of: SEV1, SEV2, SEV3, SEV4" in check.stdout
    spaced = VALID.replace("| 14:05 |", "| 2026-06-20   14:05 |")
    checked = check_files(site / "postmortems", {"2026/x.md": spaced})
    assert not [d for d in checked.diagnostics if d.path.endswith("2026/x.md")]
