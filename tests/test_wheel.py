"""pmkb as a team gets it: a wheel installed into a fresh virtual environment, used in a
directory that has nothing of this repository but a three-line mkdocs.yml."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import REPO, VALID

pytestmark = pytest.mark.skipif(
    os.environ.get("PMKB_SKIP_WHEEL") == "1", reason="PMKB_SKIP_WHEEL=1 (offline runs)"
)


def run(command: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(NO_MKDOCS_2_WARNING="1", NO_COLOR="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh venv with pmkb installed from a freshly built wheel."""
    work = tmp_path_factory.mktemp("wheel")
    built = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work), str(REPO)], cwd=work
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = work.glob("pmkb-*.whl")
    venv.create(work / "venv", with_pip=True)
    bin_dir = work / "venv" / "bin"
    installed = run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], cwd=work)
    assert installed.returncode == 0, installed.stderr
    return bin_dir


@pytest.fixture(scope="module")
def knowledge_base(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("team-kb")
    (root / "mkdocs.yml").write_text("site_name: Team postmortems\ntheme: material\nplugins: [postmortems]\n")
    docs = root / "docs" / "2026"
    docs.mkdir(parents=True)
    (docs / "checkout.md").write_text(VALID.replace("related: []", "related: [PM-2026-015]"))
    (docs / "payments.md").write_text(
        VALID.replace("PM-2026-014", "PM-2026-015").replace(
            "title: Checkout errors after payments deploy",
            "title: Payments timeouts during card processor failover",
        )
    )
    result = run([str(installed / "mkdocs"), "build", "--strict"], cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def test_the_postmortem_page_has_pmkb_header_footer_search_and_styles(
    knowledge_base: Path,
) -> None:
    page = (knowledge_base / "site" / "postmortems" / "2026" / "checkout" / "index.html").read_text()
    for text in ("SEV2", "Time to detect", "Time to mitigate", "Time to resolve"):
        assert text in page, text
    assert 'class="pmkb-related"' in page and "Payments timeouts during card processor" in page
    assert 'id="pmkb-search"' in page and "pagefind-ui.js" in page
    assert 'href="../../../assets/pmkb/pmkb.css"' in page
    assert (knowledge_base / "site" / "assets" / "pmkb" / "pmkb.css").is_file()
    assert (knowledge_base / "site" / "pagefind" / "pagefind-ui.js").is_file()


def test_the_generated_pages_exist(knowledge_base: Path) -> None:
    for page in (
        "incidents",
        "severity/sev2",
        "services",
        "factors",
        "action-items",
        "metrics",
        "rules",
        "tags",
        "years",
    ):
        assert (knowledge_base / "site" / page / "index.html").is_file(), page


def test_pmkb_new_creates_a_postmortem_from_the_packaged_template(
    installed: Path, knowledge_base: Path
) -> None:
    result = run(
        [
            str(installed / "pmkb"),
            "new",
            "Search results stale",
            "--severity",
            "SEV3",
            "--service",
            "search-api",
            "--date",
            "2026-07-04",
            "--author",
            "Ana Ito",
        ],
        cwd=knowledge_base,
    )
    assert result.returncode == 0, result.stderr
    created = knowledge_base / result.stdout.strip()
    assert created.parent == knowledge_base / "docs" / "2026"
    assert "id: PM-2026-016" in created.read_text()
    check = run([str(installed / "pmkb"), "check", str(created)], cwd=knowledge_base)
    assert check.returncode == 0, check.stdout + check.stderr
