"""`pmkb new` and `pmkb schema`: success and refusal paths, as an author runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, pmkb


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the demo knowledge base (config, template, catalog, postmortems)."""
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "postmortems", tmp_path / "postmortems")
    return tmp_path


def test_new_writes_a_draft_with_the_next_free_id_that_passes_check(repo: Path) -> None:
    result = pmkb(
        repo,
        "new",
        'Cart totals wrong after a "currency" flag flip',
        "--severity",
        "SEV3",
        "--service",
        "checkout-api",
        "--service",
        "payments-db",
        "--date",
        "2026-11-20",
        "--author",
        "Aiko Tanaka",
    )
    assert result.returncode == 0, result.stderr
    path = result.stdout.strip()
    assert path == "postmortems/2026/2026-11-20-cart-totals-wrong-after-a-currency-flag-flip.md"
    text = (repo / path).read_text()
    assert "id: PM-2026-010\n" in text  # the demo's 2026 IDs end at PM-2026-009
    assert 'title: "Cart totals wrong after a \\"currency\\" flag flip"' in text
    assert "status: draft" in text and "severity: SEV3" in text
    assert 'services: ["checkout-api", "payments-db"]' in text
    checked = pmkb(repo, "check", path)
    assert checked.returncode == 0, checked.stdout
    again = pmkb(
        repo,
        "new",
        "Another one",
        "--severity",
        "SEV4",
        "--service",
        "cdn-edge",
        "--date",
        "2026-11-21",
        "--author",
        "Aiko Tanaka",
    )
    assert "PM-2026-011" in (repo / again.stdout.strip()).read_text()


def test_new_never_overwrites(repo: Path) -> None:
    args = (
        "new",
        "Same title",
        "--severity",
        "SEV2",
        "--service",
        "cdn-edge",
        "--date",
        "2026-01-02",
        "--author",
        "A Person",
    )
    first = pmkb(repo, *args)
    path = repo / first.stdout.strip()
    path.write_text(path.read_text() + "\nmy notes\n")
    second = pmkb(repo, *args)
    assert second.returncode == 1
    assert "already exists; pmkb new never overwrites" in second.stderr
    assert path.read_text().endswith("my notes\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--severity", "SEV9", "--service", "cdn-edge"],
            "unknown severity 'SEV9'; use one of: SEV1, SEV2, SEV3, SEV4",
        ),
        (
            ["--severity", "SEV2", "--service", "checkout"],
            "unknown service(s) `checkout` (did you mean `checkout-api`?)",
        ),
        (
            ["--severity", "SEV2", "--service", "cdn-edge", "--date", "next week"],
            "Invalid value for '--date'",
        ),
        (["--service", "cdn-edge"], "Missing option '--severity'"),
    ],
)
def test_new_refuses_bad_input_with_the_allowed_values(repo: Path, args: list[str], message: str) -> None:
    result = pmkb(repo, "new", "Title", "--author", "A Person", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert not list((repo / "postmortems").glob("*/*-title.md"))


def test_committed_schema_is_current() -> None:
    result = pmkb(REPO, "schema", "--check")
    assert result.returncode == 0, result.stderr + " (run `pmkb schema` and commit the file)"


def test_schema_writes_configured_enums_and_check_detects_staleness(repo: Path) -> None:
    config = (
        (repo / "mkdocs.yml")
        .read_text()
        .replace("  - postmortems", "  - postmortems:\n      severities: [S1, S2, S3]", 1)
    )
    (repo / "mkdocs.yml").write_text(config)
    stale = pmkb(repo, "schema", "--check")
    assert stale.returncode == 1 and "stale" in stale.stderr
    written = pmkb(repo, "schema")
    assert written.returncode == 0
    schema = json.loads((repo / written.stdout.strip()).read_text())
    assert schema["properties"]["severity"]["enum"] == ["S1", "S2", "S3"]
    assert "checkout-api" in schema["properties"]["services"]["items"]["enum"]
    assert pmkb(repo, "schema", "--check").returncode == 0
