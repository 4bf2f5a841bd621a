"""`pmkb export`: the site's exports without MkDocs, identical to the ones a build writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import pmkb

EXPORTED = ("postmortems.json", "action-items.csv", "feed.xml", "schema/postmortem.schema.json")


def test_export_equals_the_build_byte_for_byte(site: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1790000000", "NO_MKDOCS_2_WARNING": "1"}
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=site,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr
    export = subprocess.run(
        [sys.executable, "-m", "pmkb", "export", "--out", "out"],
        cwd=site,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert export.returncode == 0, export.stderr
    assert export.stdout.split() == [f"out/{name}" for name in EXPORTED]
    for name in EXPORTED:
        assert (site / "out" / name).read_bytes() == (site / "site" / name).read_bytes(), name
    assert (
        "https://postmortems.northwind.example/postmortems/"
        in (site / "out" / "postmortems.json").read_text()
    )


def test_export_refuses_a_knowledge_base_with_errors(site: Path) -> None:
    broken = next((site / "postmortems" / "2026").glob("*.md"))
    broken.write_text(broken.read_text().replace("severity: SEV", "severity: XSEV", 1))
    result = pmkb(site, "export", "--out", "out")
    assert result.returncode == 1
    assert "PM108" in result.stderr and "Not exported" in result.stderr
    assert not (site / "out").exists()
