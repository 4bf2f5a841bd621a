"""`pmkb check` as a user and as CI run it: output, formats and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import VALID, line_of, pmkb


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: postmortems\ntheme:\n  name: material\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n  - search\n  - postmortems:\n      max_action_items: 5\n"
    )
    docs = tmp_path / "postmortems" / "2026"
    docs.mkdir(parents=True)
    (docs / "good.md").write_text(VALID)
    return tmp_path


BROKEN = VALID.replace("PM-2026-014", "PM-2026-015").replace(
    "| Release pool connections on the query-timeout path |", "| Improve monitoring |"
)
BROKEN_PATH = "postmortems/2026/broken.md"


def test_clean_knowledge_base_exits_zero(repo: Path) -> None:
    result = pmkb(repo, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All good: 1 file checked" in result.stdout


def test_errors_exit_one_with_located_messages(repo: Path) -> None:
    (repo / BROKEN_PATH).write_text(BROKEN)
    result = pmkb(repo, "check")
    assert result.returncode == 1
    row = line_of(BROKEN, "Improve monitoring")
    assert f"{BROKEN_PATH}:{row}:1: PM309 action `Improve monitoring` is vague" in result.stdout
    assert "Found 1 error and 0 warnings in 1 of 2 files." in result.stdout


def test_github_format_annotates_file_and_line(repo: Path) -> None:
    (repo / BROKEN_PATH).write_text(BROKEN)
    result = pmkb(repo, "check", "--format", "github")
    row = line_of(BROKEN, "Improve monitoring")
    assert result.stdout.startswith(
        f"::error file={BROKEN_PATH},line={row},col=1,title=PM309 specific-action::"
    )


def test_json_format_is_machine_readable(repo: Path) -> None:
    (repo / BROKEN_PATH).write_text(BROKEN)
    result = pmkb(repo, "check", "--format", "json")
    data = json.loads(result.stdout)
    assert [(d["path"], d["code"], d["level"]) for d in data] == [(BROKEN_PATH, "PM309", "error")]


def test_paths_limit_the_report_but_related_ids_resolve_against_all(repo: Path) -> None:
    other = VALID.replace("PM-2026-014", "PM-2026-016").replace("related: []", "related: [PM-2026-014]")
    (repo / "postmortems/2026/other.md").write_text(other)
    (repo / BROKEN_PATH).write_text(BROKEN)
    (repo / "postmortems/_template.md").write_text("---\nid: {{id}}\n---\n")
    result = pmkb(repo, "check", "postmortems/2026/other.md", "postmortems/_template.md")
    assert result.returncode == 0, result.stdout
    assert "1 file checked" in result.stdout


def test_warnings_exit_zero_unless_strict(repo: Path) -> None:
    text = VALID.replace("The rollback runbook worked", "Human error aside, the runbook worked")
    (repo / "postmortems/2026/good.md").write_text(text)
    assert pmkb(repo, "check").returncode == 0
    assert pmkb(repo, "check", "--strict").returncode == 1


def test_plugin_options_from_mkdocs_yml_apply(repo: Path) -> None:
    rows = "\n".join(
        f"| Add a dedicated pool alert for shard {n} of payments | payments-team | P2 | 2026-07-15 | Open | |"
        for n in range(6)
    )
    last_row = "| payments-team | P2 | 2026-07-15 | Open | |"
    text = VALID.replace(last_row, last_row + "\n" + rows)
    (repo / "postmortems/2026/good.md").write_text(text)
    result = pmkb(repo, "check")
    assert "PM310 8 action items (more than 5)" in result.stdout


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        (["check", "--format", "xml"], None, "Invalid value for '--format'"),
        (["check", "missing.md"], None, "does not exist"),
        (["check", "--config", "nope.yml"], None, "no nope.yml here"),
        (["check"], "plugins:\n  - postmortems:\n      severities: 3\n", "plugins.postmortems.severities"),
        (["check"], "plugins: [postmortems\n", "invalid YAML"),
    ],
)
def test_usage_errors_exit_two(repo: Path, args: list[str], config: str | None, message: str) -> None:
    if config is not None:
        (repo / "mkdocs.yml").write_text(config)
    result = pmkb(repo, *args)
    assert result.returncode == 2
    assert message in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_demo_content_is_clean() -> None:
    root = Path(__file__).resolve().parent.parent
    result = pmkb(root, "check")
    assert result.returncode == 0, result.stdout


def test_every_diagnostic_points_at_its_rule(repo: Path) -> None:
    (repo / BROKEN_PATH).write_text(BROKEN)
    text = pmkb(repo, "check").stdout.splitlines()[0]
    assert text.endswith("(see `pmkb rule PM309`)")
    config = (repo / "mkdocs.yml").read_text()
    (repo / "mkdocs.yml").write_text("site_url: https://kb.example.com/\n" + config)
    text = pmkb(repo, "check").stdout.splitlines()[0]
    assert text.endswith("(see https://kb.example.com/rules/#pm309)")
    explained = pmkb(repo, "rule", "pm309")
    assert explained.returncode == 0
    assert "Why it matters: Vague actions cannot be finished" in explained.stdout
    assert "Bad:\n    | Improve monitoring |" in explained.stdout
    assert pmkb(repo, "rule", "PM999").returncode == 2


def test_an_absolute_path_is_the_same_file_not_a_duplicate_id(repo: Path) -> None:
    absolute = (repo / "postmortems/2026/good.md").resolve()
    result = pmkb(repo, "check", str(absolute))
    assert result.returncode == 0, result.stdout
    assert "PM601" not in result.stdout


def test_checking_one_file_still_finds_an_id_used_by_another(repo: Path) -> None:
    (repo / "postmortems/2026/copy.md").write_text(VALID.replace("related: []", "related: []\n"))
    result = pmkb(repo, "check", "postmortems/2026/copy.md")
    assert result.returncode == 1
    assert "PM601 id `PM-2026-014` is also used by postmortems/2026/good.md:2" in result.stdout


def test_a_directory_named_like_a_markdown_file_is_reported(repo: Path) -> None:
    folder = repo / "postmortems" / "2026" / "drafts.md"
    folder.mkdir()
    result = pmkb(repo, "check", "postmortems/2026/drafts.md")
    assert result.returncode == 2
    assert "postmortems/2026/drafts.md: a directory, not a Markdown file" in result.stderr
    whole = pmkb(repo, "check")  # found while walking the knowledge base: skipped, not read
    assert whole.returncode == 0, whole.stdout + whole.stderr
