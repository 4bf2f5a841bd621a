"""`pmkb import`: postmortems of other templates become drafts of ours, losing no line.

The samples under tests/import_samples/ are written in nine different shapes: Google
SRE book, PagerDuty, Atlassian, Etsy-like setext headings, Hugo TOML front-matter, CRLF
line ends (converted here, so git cannot normalise them away), headings all at level 3
with code fences of `#` lines, H1 sections with a checklist, and "Issue Summary" /
"Timeline of events" / "Follow-up improvements" / "Takeaways" / "Lessons learnt".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import VALID, check_files, pmkb
from markdown_it import MarkdownIt
from pmkb.importer import ImportResult, convert
from pmkb.read.document import read_document
from pmkb.read.postmortem import read_postmortem
from pmkb.settings import Settings
from pmkb.starter.scaffold import file_slug

SAMPLES = Path(__file__).parent / "import_samples"
TODAY = dt.date(2025, 6, 1)
CF, AI, LL = "Contributing Factors", "Action Items", "Lessons Learned"

MAPPINGS: dict[str, dict[str, str | None]] = {
    "google_sre.md": {
        "Summary": "Summary",
        "Impact": "Impact",
        "Root Causes": CF,
        "Trigger": CF,
        "Resolution": None,
        "Detection": None,
        "Action Items": AI,
        "Lessons Learned": LL,
        "What went well": "What Went Well",
        "What went wrong": "What Went Wrong",
        "Where we got lucky": "What Went Wrong",
        "Timeline": "Timeline",
        "Supporting information": None,
    },
    "pagerduty.md": {
        "Overview": "Summary",
        "What Happened": None,
        "Resolution": None,
        "Root Cause": CF,
        "Impact": "Impact",
        "Responders": None,
        "Timeline": "Timeline",
        "How'd We Do?": None,
        "What Went Well": "What Went Well",
        "What Didn't Go So Well": "What Went Wrong",
        "Action Items": AI,
        "Messaging": None,
    },
    "atlassian.md": {
        "Overview": "Summary",
        "Leadup": CF,
        "Fault": CF,
        "Impact": "Impact",
        "Detection": None,
        "Response": None,
        "Recovery": None,
        "Timeline": "Timeline",
        "Five whys": None,
        "Root cause": CF,
        "Corrective actions": AI,
    },
    "2023-11-02-photo-upload-queue.md": {
        "Summary": "Summary",
        "Timeline": "Timeline",
        CF: CF,
        "Remediation": AI,
        LL: LL,
    },
    "hugo_toml.md": {
        "Summary": "Summary",
        CF: CF,
        "Follow-up Actions": AI,
        "Notes": None,
    },
    "crlf_checkout.md": {
        "Incident Summary": "Summary",
        "Impact": "Impact",
        "Root Cause(s)": CF,
        "Review actions": AI,
    },
    "cron-cleanup-deleted-uploads.md": {
        "Summary": "Summary",
        "Timeline": "Timeline",
        "Trigger": CF,
        "Corrective actions": AI,
        "Appendix": None,
    },
    "cache-eviction-storm.md": {
        "Summary": "Summary",
        "Trigger": CF,
        "Action items": AI,
        LL: LL,
    },
    "api_timeouts_lb_health_checks.md": {
        "Issue Summary": "Summary",
        "Timeline of events": "Timeline",
        "Root cause": CF,
        "Follow-up improvements": AI,
        "Takeaways": LL,
        "Lessons learnt": LL,
    },
}
"""Each sample's headings → the canonical section (None: kept under its own name)."""


def sample_text(name: str) -> str:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    return text.replace("\n", "\r\n") if name.startswith("crlf") else text


def do_convert(name: str, severity: str | None = None) -> ImportResult:
    return convert(
        sample_text(name),
        name,
        Settings(),
        severity=severity,
        next_id=lambda year: f"PM-{year}-001",
        today=TODAY,
    )


def original_lines(text: str) -> tuple[list[str], list[str]]:
    """(body lines that must be kept, front-matter lines): non-empty, without headings or
    front-matter delimiters. Headings are found independently of pmkb, by markdown-it."""
    lines = text.replace("\r\n", "\n").split("\n")
    front: list[str] = []
    if lines[0] in ("---", "+++"):
        end = lines.index(lines[0], 1)
        front, lines = lines[1:end], lines[end + 1 :]
    headings = set()
    for token in MarkdownIt("commonmark").parse("\n".join(lines)):
        if token.type == "heading_open" and token.level == 0 and token.map:
            headings.update(range(*token.map))
    body = [line for i, line in enumerate(lines) if line.strip() and i not in headings]
    return body, [line for line in front if line.strip()]


@pytest.mark.parametrize("name", sorted(MAPPINGS))
def test_every_original_line_is_kept(name: str) -> None:
    result = do_convert(name)
    output = result.text.split("\n")
    body, front = original_lines(sample_text(name))
    assert body, "the sample has a body"
    assert [line for line in body if line not in output] == []
    assert [line for line in front if f"# {line}" not in output] == []


@pytest.mark.parametrize("name", sorted(MAPPINGS))
def test_headings_map_to_our_sections(name: str) -> None:
    assert do_convert(name).mapping == MAPPINGS[name]


@pytest.mark.parametrize("name", sorted(MAPPINGS))
def test_output_is_a_draft_that_pmkb_reads(name: str, kb_dir: Path) -> None:
    result = do_convert(name)
    checked = check_files(kb_dir, {"2024/imported.md": result.text})
    front_matter_problems = [d for d in checked.diagnostics if d.code in {f"PM10{n}" for n in range(6)}]
    assert front_matter_problems == []
    postmortem = checked.postmortems[0]
    assert postmortem.is_draft and postmortem.meta.title == result.title
    assert not [d for d in checked.diagnostics if d.code.startswith(("PM2", "PM301", "PM302"))]
    required = Settings().sections_for(postmortem.meta.severity)
    assert set(required) <= set(postmortem.sections)
    for original, section in MAPPINGS[name].items():
        assert (section or original) in {s.title for s in postmortem.document.sections} | {
            h.title for h in postmortem.document.headings
        }


@pytest.mark.parametrize(
    ("name", "title", "date", "severity"),
    [
        ("google_sre.md", "Shakespeare Sonnet++ Postmortem (incident #465)", "2015-10-21", None),
        ("pagerduty.md", "Payment webhooks delayed by queue consumer crash loop", "2024-02-11", "SEV1"),
        ("atlassian.md", "Repository pushes rejected after storage migration", "2024-05-02", "SEV3"),
        ("2023-11-02-photo-upload-queue.md", "Photo uploads stuck in queue", "2023-11-02", None),
        ("hugo_toml.md", "DNS resolution failures in eu-west", "2024-07-18", "SEV3"),
        ("crlf_checkout.md", "Checkout outage after config push", "2024-09-12", "SEV2"),
        ("cache-eviction-storm.md", "Cache eviction storm", None, None),
        ("api_timeouts_lb_health_checks.md", "Api timeouts lb health checks", None, "SEV1"),
    ],
)
def test_front_matter_is_inferred_or_todo(
    name: str, title: str, date: str | None, severity: str | None
) -> None:
    result = do_convert(name)
    data = read_document(name, result.text.encode()).front_matter.data  # type: ignore[union-attr]
    assert (data["title"], data["status"]) == (title, "draft")
    assert data["date"] == (dt.date.fromisoformat(date) if date else "TODO")
    assert data["severity"] == (severity or "TODO")
    assert data["id"] == f"PM-{date[:4] if date else TODAY.year}-001"
    for key in ("started_at", "detected_at", "mitigated_at", "resolved_at"):
        assert data[key] == "TODO"
    assert result.file_name == (f"{date}-" if date else "") + file_slug(result.title) + ".md"


def test_due_dates_of_action_items_are_not_taken_for_the_incident_date() -> None:
    assert do_convert("cron-cleanup-deleted-uploads.md").date is None


def test_severity_option_wins_over_the_text() -> None:
    result = do_convert("pagerduty.md", severity="SEV3")
    assert "\nseverity: SEV3\n" in result.text


def test_original_front_matter_is_kept_as_yaml_comments() -> None:
    text = do_convert("hugo_toml.md").text
    assert "# The original TOML front-matter:\n# +++\n# title = " in text
    assert "# draft = false\n# +++\n---\n" in text
    yaml_text = do_convert("pagerduty.md").text
    assert "# owner: Dana Whitfield\n" in yaml_text


def test_unreadable_front_matter_is_kept_and_reported() -> None:
    source = "---\ntitle: [unclosed\n---\n\n## Summary\n\nText.\n"
    result = convert(source, "x.md", Settings(), severity=None, next_id=lambda y: "PM-2024-001")
    assert "# title: [unclosed" in result.text
    assert any("could not be read" in item for item in result.todo)


def action_rows(name: str) -> list[tuple[str, str, str, str | None, str | None]]:
    document = read_document(name, do_convert(name).text.encode())
    items = read_postmortem(document, Settings()).action_items
    return [(i.action, i.owner, i.priority, str(i.due) if i.due else None, i.state) for i in items]


def test_action_item_checklist_becomes_our_table() -> None:
    assert action_rows("cache-eviction-storm.md") == [
        (
            "Add an alert on the eviction rate above 1,000 keys per second",
            "@sam",
            "TODO",
            "2024-03-01",
            "open",
        ),
        ("Restore the previous memory limit", "@kai", "TODO", None, "done"),
        ("Document memory sizing for the cache cluster", "TODO", "P2", None, "open"),
    ]


def test_action_item_table_columns_are_found_by_name() -> None:
    assert action_rows("pagerduty.md") == [
        (
            "Send unknown event types to a dead-letter queue instead of crashing",
            "Luis Ortega",
            "P1",
            "2024-03-01",
            "in-progress",
        ),
        (
            "Add a runbook step for skipping a poison message",
            "Dana Whitfield",
            "TODO",
            None,
            "open",
        ),  # a TODO status reads as open
    ]
    google = action_rows("google_sre.md")
    assert [(row[0], row[1]) for row in google][:1] == [
        ("Update playbook with instructions for responding to cascading failure", "jennifer")
    ]


def test_original_action_items_stay_below_our_table() -> None:
    text = do_convert("crlf_checkout.md").text
    ours = text.index("| Validate config pushes against a schema before applying them | @lee |")
    original = text.index("### Original action items")
    assert ours < original < text.index("1. Validate config pushes against a schema")


def test_time_lines_become_a_timeline_table() -> None:
    document = read_document("x.md", do_convert("api_timeouts_lb_health_checks.md").text.encode())
    timeline = read_postmortem(document, Settings()).timeline
    assert [(str(e.time), e.event) for e in timeline] == [
        ("10:02:00", "Error rate rises above 5%"),
        ("10:11:00", "On-call engineer paged"),
        ("10:48:00", "Load balancer config reverted"),
    ]


def test_several_headings_for_one_section_are_gathered_under_it() -> None:
    text = do_convert("atlassian.md").text
    positions = [
        text.index(f"#{heading}\n")
        for heading in ("# Contributing Factors", "## Leadup", "## Fault", "## Root cause")
    ]
    assert positions == sorted(positions)
    assert text.count("## Contributing Factors") == 1


def test_code_fences_and_quotes_hide_hash_lines_and_setext_headings_count() -> None:
    result = do_convert("cron-cleanup-deleted-uploads.md")
    for line in (
        "# not a heading",
        "## not a heading either",
        "### Action Items",
        "> # a heading inside a quote is content",
    ):
        assert f"\n{line}\n" in result.text
    assert "#### Script diff" not in result.text and "### Script diff" in result.text
    setext = do_convert("2023-11-02-photo-upload-queue.md").text
    assert "=====" not in setext and "-----" not in setext and "\n* * *\n" in setext


def test_crlf_becomes_lf() -> None:
    assert "\r" not in do_convert("crlf_checkout.md").text


def test_missing_sections_are_added_empty_with_a_todo_comment() -> None:
    result = do_convert("hugo_toml.md")  # SEV3: an incident brief
    assert "## Impact\n\n<!-- TODO: " in result.text
    assert "## Timeline\n\n<!-- TODO: " in result.text and "## What Went Well" not in result.text
    assert "sections to write (added empty): Impact, Timeline" in result.todo


def test_the_todo_list_names_what_the_author_must_supply() -> None:
    todo = do_convert("google_sre.md").todo
    assert "severity: one of SEV1, SEV2, SEV3, SEV4" in todo
    assert "services: the affected services" in todo
    assert not any(item.startswith(("title", "date", "authors")) for item in todo)
    assert any(item.startswith("Action Items: check the 3 row(s)") for item in todo)
    assert "sections with no text yet: Lessons Learned" in todo


# --- the command ------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A site with one postmortem, PM-2024-007, and the samples to import."""
    (tmp_path / "mkdocs.yml").write_text("site_name: T\ndocs_dir: postmortems\nplugins:\n  - postmortems\n")
    docs = tmp_path / "postmortems" / "2024"
    docs.mkdir(parents=True)
    (docs / "existing.md").write_text(VALID.replace("PM-2026-014", "PM-2024-007"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in MAPPINGS:
        (inbox / name).write_text(sample_text(name), newline="")
    return tmp_path


def test_import_writes_drafts_with_the_next_free_ids(repo: Path) -> None:
    result = pmkb(
        repo,
        "import",
        "inbox/atlassian.md",
        "inbox/pagerduty.md",
        "inbox/crlf_checkout.md",
        "inbox/google_sre.md",
    )
    assert result.returncode == 0, result.stderr
    written = {
        "postmortems/2024/2024-05-02-repository-pushes-rejected-after-storage-migration.md": "PM-2024-008",
        "postmortems/2024/2024-02-11-payment-webhooks-delayed-by-queue-consumer-crash-loop.md": "PM-2024-009",
        "postmortems/2024/2024-09-12-checkout-outage-after-config-push.md": "PM-2024-010",
        "postmortems/2015/2015-10-21-shakespeare-sonnet-postmortem-incident-465.md": "PM-2015-001",
    }
    for path, incident_id in written.items():
        assert f"id: {incident_id}\n" in (repo / path).read_text()
        assert f"{path}: {incident_id} (status: draft)" in result.stdout
    assert "Leadup → Contributing Factors" in result.stdout
    assert "Five whys → kept as is" in result.stdout
    assert result.stdout.count("still to supply:") == 4
    assert "  - [ ] services: the affected services\n" in result.stdout
    check = pmkb(repo, "check", "--format", "json")
    assert '"PM105"' not in check.stdout and '"PM104"' not in check.stdout


def test_import_never_overwrites_and_goes_on_with_the_other_files(repo: Path) -> None:
    assert pmkb(repo, "import", "inbox/hugo_toml.md").returncode == 0
    target = repo / "postmortems/2024/2024-07-18-dns-resolution-failures-in-eu-west.md"
    edited = target.read_text() + "Edited by hand.\n"
    target.write_text(edited)
    result = pmkb(repo, "import", "inbox/hugo_toml.md", "inbox/atlassian.md")
    assert result.returncode == 1
    assert "postmortems/2024/2024-07-18-dns-resolution-failures-in-eu-west.md already exists" in (
        result.stderr
    )
    assert "never overwrites" in result.stderr
    assert target.read_text() == edited
    assert "PM-2024-009 (status: draft), imported from inbox/atlassian.md" in result.stdout


def test_import_options_severity_and_out_dir(repo: Path) -> None:
    result = pmkb(
        repo, "import", "--severity", "SEV4", "--out-dir", "drafts", "inbox/cache-eviction-storm.md"
    )
    assert result.returncode == 0, result.stderr
    written = (repo / "drafts/cache-eviction-storm.md").read_text()
    assert "\nseverity: SEV4\n" in written and '\ndate: "TODO"\n' in written


def test_import_usage_errors_exit_two(repo: Path) -> None:
    bad = pmkb(repo, "import", "--severity", "SEV9", "inbox/atlassian.md")
    assert bad.returncode == 2
    assert "SEV9" in bad.stderr and "SEV1, SEV2, SEV3, SEV4" in bad.stderr
    assert (
        not (repo / "postmortems/2024")
        .joinpath("2024-05-02-repository-pushes-rejected-after-storage-migration.md")
        .exists()
    )
    assert pmkb(repo, "import", "inbox/nope.md").returncode == 2
    assert pmkb(repo, "import").returncode == 2
    (repo / "mkdocs.yml").unlink()
    assert pmkb(repo, "import", "inbox/atlassian.md").returncode == 2


def test_a_fence_left_open_at_the_end_does_not_swallow_added_sections() -> None:
    source = "## Summary\n\nShort.\n\n## Trigger\n\n```\nunclosed\n## Action Items\n"
    result = convert(source, "x.md", Settings(), severity="SEV3", next_id=lambda y: "PM-2024-001")
    postmortem = read_postmortem(read_document("x.md", result.text.encode()), Settings())
    assert set(Settings().sections_for("SEV3")) <= set(postmortem.sections)
    assert "## Action Items\n" in result.text  # the original line, still inside its code block


def test_import_reports_a_file_it_cannot_read_and_goes_on(repo: Path) -> None:
    (repo / "inbox/latin1.md").write_bytes("## Résumé\n".encode("latin-1"))
    result = pmkb(repo, "import", "inbox/latin1.md", "inbox/hugo_toml.md")
    assert result.returncode == 1
    assert (
        "inbox/latin1.md:1:5: not imported: file is not valid UTF-8 (byte 0xe9); save it as UTF-8"
        in result.stderr
    )
    assert "imported from inbox/hugo_toml.md" in result.stdout
