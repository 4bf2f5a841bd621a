"""Adopting pmkb in another repository: `pmkb init`, `pmkb new` from the package's own
template, the pre-commit hooks in any layout, and the generated workflow."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO, VALID, line_of, pmkb

BIN = Path(sys.executable).parent
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def run(cwd: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "NO_COLOR": "1",
        "NO_MKDOCS_2_WARNING": "1",
        "PRE_COMMIT_HOME": str(cwd.parent / "pre-commit-home"),
    }
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


def git_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    run(path, "git", "init", "-q", "-b", "main")
    run(path, "git", "config", "user.name", "Dana Ruiz")
    run(path, "git", "config", "user.email", "dana@example.com")
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def test_init_makes_a_knowledge_base_that_checks_and_builds_and_never_overwrites(
    tmp_path: Path,
) -> None:
    root = git_repo(tmp_path / "incident-reviews")
    first = pmkb(root, "init")
    assert first.returncode == 0, first.stderr
    for name in (
        "mkdocs.yml",
        "postmortems/index.md",
        "postmortems/services.yml",
        "postmortems/_template.md",
        "postmortems/_schema/postmortem.schema.json",
        "requirements.txt",
        ".pre-commit-config.yaml",
        ".gitignore",
        ".github/workflows/postmortems.yml",
    ):
        assert f"created  {name}" in first.stdout, name
    config = yaml.safe_load((root / "mkdocs.yml").read_text())
    assert config["site_name"] == "Incident Reviews postmortems"
    assert config["plugins"] == ["postmortems"] and config["theme"]["name"] == "material"

    assert run(root, "pmkb", "check").returncode == 0
    assert run(root, "pmkb", "schema", "--check").returncode == 0
    build = run(root, "mkdocs", "build", "--strict")
    assert build.returncode == 0, build.stderr
    assert (root / "site" / "incidents" / "index.html").is_file()

    # A new postmortem from the template it wrote, in the same run of tools.
    new = run(
        root,
        "pmkb",
        "new",
        "Orders stuck after a schema change",
        "--severity",
        "SEV3",
        "--service",
        "orders-db",
        "--date",
        "2026-03-02",
    )
    assert new.returncode == 0, new.stderr
    assert new.stdout.strip() == "postmortems/2026/2026-03-02-orders-stuck-after-a-schema-change.md"

    (root / "postmortems" / "index.md").write_text("# Ours now\n")
    before = snapshot(root)
    again = pmkb(root, "init")
    assert again.returncode == 0, again.stderr
    assert "created" not in again.stdout
    assert "skipped  postmortems/index.md (exists; left as it is)" in again.stdout
    assert snapshot(root) == before


def test_init_in_a_repository_with_mkdocs_yml_keeps_it_and_prints_the_lines_to_add(
    tmp_path: Path,
) -> None:
    root = git_repo(tmp_path / "handbook")
    (root / "mkdocs.yml").write_text("site_name: Handbook\ndocs_dir: pages\n")
    result = pmkb(root, "init")
    assert result.returncode == 0, result.stderr
    assert (root / "mkdocs.yml").read_text() == "site_name: Handbook\ndocs_dir: pages\n"
    assert "skipped  mkdocs.yml" in result.stdout
    assert (
        "Add to mkdocs.yml:\n\n    theme:\n      name: material\n    plugins:\n      - postmortems\n"
    ) in result.stdout
    assert (root / "pages" / "services.yml").is_file()  # the docs_dir of their mkdocs.yml


def test_generated_workflow_is_pinned_least_privileged_and_never_cancels_a_deploy(
    tmp_path: Path,
) -> None:
    root = git_repo(tmp_path / "kb")
    assert pmkb(root, "init").returncode == 0
    path = root / ".github" / "workflows" / "postmortems.yml"
    workflow = yaml.safe_load(path.read_text())
    assert workflow["permissions"] == {}
    steps = [s for job in workflow["jobs"].values() for s in job.get("steps", [])]
    for step in steps:
        if "uses" in step:
            assert SHA_PIN.match(step["uses"]), step["uses"]
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
    runs = [s.get("run", "") for s in steps]
    for command in (
        "python -m pip install -r requirements.txt",
        "pmkb check --format github",
        "pmkb schema --check",
        "mkdocs build --strict",
    ):
        assert command in runs, command
    assert not any("-e ." in r or "pytest" in r or "make test" in r for r in runs)
    deploy = workflow["jobs"]["deploy"]
    assert deploy["concurrency"]["cancel-in-progress"] is False
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "# v4.2.2" in path.read_text()  # the version beside each pin
    audit = run(root, "zizmor", "--offline", "--persona=pedantic", str(path))
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_pre_commit_blocks_a_broken_postmortem_under_docs_and_passes_a_valid_one(
    tmp_path: Path,
) -> None:
    root = git_repo(tmp_path / "kb")
    assert pmkb(root, "init", "--docs-dir", "docs").returncode == 0
    (root / "docs" / "services.yml").unlink()  # any service name is fine here
    run(root, "git", "add", "-A")
    assert run(root, "git", "commit", "-qm", "Start the knowledge base").returncode == 0
    assert run(root, "pre-commit", "install").returncode == 0

    broken = VALID.replace("severity: SEV2", "severity: SEV9")
    (root / "docs" / "2026").mkdir()
    (root / "docs" / "2026" / "checkout.md").write_text(broken)
    (root / "README.md").write_text("# Our incident reviews\n")
    run(root, "git", "add", "-A")
    blocked = run(root, "git", "commit", "-m", "Add the checkout postmortem")
    assert blocked.returncode != 0
    output = blocked.stdout + blocked.stderr
    assert f"docs/2026/checkout.md:{line_of(broken, 'severity: SEV9')}:" in output
    assert "PM1" in output
    assert "not checked, outside the knowledge base" in output and "README.md" in output

    (root / "docs" / "2026" / "checkout.md").write_text(VALID)
    run(root, "git", "add", "-A")
    passed = run(root, "git", "commit", "-m", "Add the checkout postmortem")
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_new_uses_the_packaged_template_and_a_custom_id_format(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(
        "site_name: KB\ntheme: material\nplugins:\n  - postmortems:\n      id_pattern: '^INC-\\d{4}$'\n"
    )
    (root / "docs" / "old.md").write_text(VALID.replace("PM-2026-014", "INC-0041"))
    result = pmkb(
        root,
        "new",
        "Search index lag",
        "--severity",
        "SEV4",
        "--service",
        "search",
        "--date",
        "2026-05-01",
        "--author",
        "Lee Park",
    )
    assert result.returncode == 0, result.stderr
    text = (root / result.stdout.strip()).read_text()
    assert "id: INC-0042\n" in text and "## Action Items" in text
    assert pmkb(root, "check", result.stdout.strip()).returncode == 0


def test_action_items_csv_neutralises_formulas() -> None:
    from pmkb.publish.exports import spreadsheet_safe

    assert spreadsheet_safe('=HYPERLINK("https://evil.example","x")') == (
        '\'=HYPERLINK("https://evil.example","x")'
    )
    for cell in ("+1", "-rf", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_safe(cell) == "'" + cell
    assert spreadsheet_safe("Add a pool alert") == "Add a pool alert"


def test_built_csv_carries_no_formula_and_absolute_urls(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    docs = root / "docs" / "2026"
    docs.mkdir(parents=True)
    evil = VALID.replace(
        "| Release pool connections on the query-timeout path |",
        '| =HYPERLINK("https://evil.example","Release pool connections on timeout") |',
    )
    assert evil != VALID
    (docs / "checkout.md").write_text(evil)
    (root / "mkdocs.yml").write_text(
        "site_name: KB\nsite_url: https://kb.example.com/reviews/\ntheme: material\n"
        "plugins:\n  - postmortems:\n      search: false\n"
    )
    result = run(root, sys.executable, "-m", "mkdocs", "build")
    assert result.returncode == 0, result.stderr
    csv_text = (root / "site" / "action-items.csv").read_text()
    assert '"\'=HYPERLINK(""https://evil.example"",""Release pool' in csv_text
    assert not re.search(r'(^|,)"?=', csv_text, re.M)
    assert "https://kb.example.com/reviews/postmortems/2026/checkout/" in csv_text
    postmortems_json = (root / "site" / "postmortems.json").read_text()
    assert '"url": "https://kb.example.com/reviews/postmortems/2026/checkout/"' in postmortems_json


@pytest.mark.skipif(
    shutil.which("properdocs", path=str(BIN)) is None,
    reason="ProperDocs is not installed (pip install properdocs)",
)
def test_properdocs_builds_the_demo_with_the_full_pages(site: Path) -> None:
    result = run(site, str(BIN / "properdocs"), "build", "--strict")
    assert result.returncode == 0, result.stderr
    page = next((site / "site" / "postmortems").rglob("index.html")).read_text()
    assert 'class="pmkb-header' in page and 'id="pmkb-search"' in page
    assert (site / "site" / "incidents" / "index.html").is_file()
    assert (site / "site" / "assets" / "pmkb" / "pmkb.css").is_file()


def test_the_demo_uses_the_template_pmkb_ships() -> None:
    """The demo's `_template.md` is what `pmkb init` writes; they must not drift apart."""
    from pmkb.starter import TEMPLATE, kit_text

    assert (REPO / "postmortems" / TEMPLATE).read_text() == kit_text(TEMPLATE)
