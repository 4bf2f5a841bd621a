"""Build real sites with `mkdocs build` and look at what a user sees: exit code and log."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REPO, VALID, line_of, pmkb

PLUGIN_TIMEOUT = 120


def mkdocs_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=PLUGIN_TIMEOUT,
    )


def tiny_site(root: Path, files: dict[str, str], plugin_options: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    config = "site_name: Tiny\ndocs_dir: postmortems\ntheme:\n  name: material\nplugins:\n"
    config += (
        "  - postmortems"
        + (":\n" + textwrap.indent(plugin_options, "      ") if plugin_options else "")
        + "\n"
    )
    (root / "mkdocs.yml").write_text(config)
    for name, text in {"index.md": "# Home\n", **files}.items():
        path = root / "postmortems" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_clean_site_builds_strict_with_postmortem_under_postmortems_url(tmp_path: Path) -> None:
    root = tiny_site(tmp_path, {"2026/checkout.md": VALID})
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    page = root / "site" / "postmortems" / "2026" / "checkout" / "index.html"
    assert "Checkout errors after payments deploy" in page.read_text()


def test_errors_fail_the_build_and_every_one_is_listed(tmp_path: Path) -> None:
    broken = VALID.replace("severity: SEV2", "severity: SEV9").replace("| Sarah Chen | P1 |", "|  | P1 |")
    root = tiny_site(
        tmp_path, {"2026/broken.md": broken, "2026/ok.md": VALID.replace("PM-2026-014", "PM-2026-015")}
    )
    result = mkdocs_build(root)
    assert result.returncode != 0
    path = "postmortems/2026/broken.md"
    assert f"{path}:{line_of(broken, 'severity:')}:1: PM108 unknown severity `SEV9`" in result.stderr
    assert f"{path}:{line_of(broken, '|  | P1 |')}:1: PM303" in result.stderr
    assert "Traceback" not in result.stderr
    assert "2 postmortem errors" in result.stderr


def test_warnings_pass_a_build_but_fail_strict(tmp_path: Path) -> None:
    blaming = VALID.replace(
        "The rollback runbook worked", "Despite the human error, the rollback runbook worked"
    )
    root = tiny_site(tmp_path, {"blame.md": blaming})
    assert mkdocs_build(root).returncode == 0
    strict = mkdocs_build(root, "--strict")
    assert strict.returncode != 0
    assert f"blame.md:{line_of(blaming, 'human error')}:" in strict.stderr
    assert "PM501" in strict.stderr


def test_rule_levels_are_set_in_mkdocs_yml(tmp_path: Path) -> None:
    blaming = VALID.replace("The rollback runbook worked", "Human error aside, it worked")
    root = tiny_site(tmp_path, {"blame.md": blaming}, "rules:\n  PM501: error\n")
    result = mkdocs_build(root)
    assert result.returncode != 0
    assert "PM501" in result.stderr
    root2 = tiny_site(tmp_path / "b", {"blame.md": blaming}, "rules:\n  PM501: 'off'\n")
    assert mkdocs_build(root2, "--strict").returncode == 0


def test_invalid_plugin_options_are_a_clear_error(tmp_path: Path) -> None:
    root = tiny_site(tmp_path, {"a.md": VALID}, "severites: [SEV1]\nmax_action_items: many\n")
    result = mkdocs_build(root)
    assert result.returncode != 0
    assert "'postmortems' option 'severites': Unrecognised configuration name" in result.stderr
    assert "plugins.postmortems.max_action_items" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_front_matter_is_reported_not_silently_dropped(tmp_path: Path) -> None:
    broken = VALID.replace("services: [checkout-api, payments-db]", "services: [checkout-api")
    root = tiny_site(tmp_path, {"bad-yaml.md": broken})
    result = mkdocs_build(root)
    assert result.returncode != 0
    assert "bad-yaml.md:" in result.stderr and "PM102 invalid YAML" in result.stderr


def test_drafts_get_a_banner_or_can_be_left_unpublished(tmp_path: Path) -> None:
    draft = VALID.replace("status: final", "status: draft").replace("## What Went Well", "## Notes")
    root = tiny_site(tmp_path, {"draft.md": draft})
    assert mkdocs_build(root, "--strict").returncode == 0
    html = (root / "site" / "postmortems" / "draft" / "index.html").read_text()
    assert "pmkb-draft-banner" in html
    hidden = tiny_site(tmp_path / "h", {"draft.md": draft}, "drafts:\n  publish: false\n")
    assert mkdocs_build(hidden, "--strict").returncode == 0
    assert not (hidden / "site" / "postmortems" / "draft").exists()


def test_template_and_service_catalog_are_not_published(tmp_path: Path) -> None:
    root = tiny_site(tmp_path, {"a.md": VALID, "_template.md": "---\nid: {{id}}\n---\n"})
    (root / "postmortems" / "services.yml").write_text("- name: checkout-api\n- name: payments-db\n")
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    assert not (root / "site" / "_template").exists()
    assert not (root / "site" / "services.yml").exists()


def test_demo_site_builds_strict(site: Path) -> None:
    result = mkdocs_build(site, "--strict")
    assert result.returncode == 0, result.stderr
    assert (site / "site" / "postmortems").is_dir()


def test_unknown_id_in_a_reading_list_fails_the_build_with_file_and_line(tmp_path: Path) -> None:
    reading_list = (
        "---\ntitle: Start here\nitems:\n  - id: PM-2026-014\n    note: The pool leak.\n"
        "  - id: PM-2026-999\n    note: Does not exist.\n---\nRead these first.\n"
    )
    root = tiny_site(tmp_path, {"a.md": VALID, "reading-lists/start.md": reading_list})
    result = mkdocs_build(root)
    assert result.returncode != 0
    assert "postmortems/reading-lists/start.md:6:" in result.stderr
    assert "PM703" in result.stderr and "PM-2026-999" in result.stderr


def test_demo_site_has_pages_and_exports_for_follow_through(site: Path) -> None:
    import csv
    import json
    import xml.etree.ElementTree as ET

    result = mkdocs_build(site, "--strict")
    assert result.returncode == 0, result.stderr
    out = site / "site"
    items = list(csv.DictReader((out / "action-items.csv").open(encoding="utf-8", newline="")))
    assert {"open", "in-progress", "done"} <= {row["status"] for row in items}
    actions = (out / "action-items" / "index.html").read_text()
    assert "days overdue" in actions
    data = json.loads((out / "postmortems.json").read_text())
    assert data["count"] == len(list((site / "postmortems").glob("20*/*.md")))
    feed = ET.parse(out / "feed.xml").getroot()
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 20
    schema = json.loads((out / "schema" / "postmortem.schema.json").read_text())
    assert schema["properties"]["severity"]["enum"] == ["SEV1", "SEV2", "SEV3", "SEV4"]
    metrics = (out / "metrics" / "index.html").read_text()
    assert metrics.count('<svg role="img"') == 8  # each chart at desktop and phone width
    lists = (out / "reading-lists" / "index.html").read_text()
    assert "Start here" in lists or "on-call" in lists.lower()
    member = next(out.glob("postmortems/2025/2025-01-14-*/index.html")).read_text()
    assert "Reading list:" in member and "of 5)" in member


DEMO = REPO / "postmortems" / "2025" / "2025-04-08-pgbouncer-client-limit-spring-sale.md"


def _break(old: str, new: str) -> tuple[str, str]:
    text = DEMO.read_text(encoding="utf-8")
    assert old in text, old
    broken = text.replace(old, new, 1)
    return broken, new.split("\n")[0]


BREAKAGES = {
    "unknown severity": ("severity: SEV2", "severity: SEV5", "PM108"),
    "naive timestamp": ("started_at: 2025-04-08T16:07:00Z", "started_at: 2025-04-08T16:07:00", "PM111"),
    "missing timeline": ("## Timeline", "## Chronology", "PM201"),
    "no owner": ("| Sarah Chen | P1 | 2025-04-18 |", "|  | P1 | 2025-04-18 |", "PM303"),
    "due next week": ("| P1 | 2025-04-22 |", "| P1 | next week |", "PM305"),
    "vague action": (
        "| Add a database connectivity check to the checkout-api readiness probe |",
        "| Improve monitoring |",
        "PM309",
    ),
}


@pytest.mark.parametrize("case", list(BREAKAGES), ids=list(BREAKAGES))
def test_breaking_a_demo_postmortem_fails_check_and_build_at_the_line(site: Path, case: str) -> None:
    old, new, code = BREAKAGES[case]
    broken, marker = _break(old, new)
    target = site / "postmortems" / "2025" / DEMO.name
    target.write_text(broken, encoding="utf-8")
    # the line the problem is on: the changed line, or the first body line (after the
    # front-matter) for a missing section
    expected = broken.split("\n").index("---", 1) + 2 if code == "PM201" else line_of(broken, marker)
    where = f"postmortems/2025/{DEMO.name}:{expected}:"
    checked = pmkb(site, "check")
    assert checked.returncode == 1
    assert any(line.startswith(where) and f" {code} " in line for line in checked.stdout.splitlines()), (
        checked.stdout
    )
    config = (
        (site / "mkdocs.yml")
        .read_text()
        .replace("  - postmortems\n", "  - postmortems:\n      search: false\n")
    )
    (site / "mkdocs.yml").write_text(config)
    built = mkdocs_build(site)
    assert built.returncode != 0
    assert f"{where}" in built.stderr and code in built.stderr
    assert "Traceback" not in built.stderr


def test_bare_config_gets_pmkb_header_footer_search_and_styles(tmp_path: Path) -> None:
    """No custom_dir: the templates and assets come from the pmkb package itself."""
    root = tiny_site(tmp_path, {"2026/checkout.md": VALID})
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    page = (root / "site" / "postmortems" / "2026" / "checkout" / "index.html").read_text()
    assert 'class="pmkb-header' in page
    assert 'id="pmkb-search"' in page
    assert 'href="../../../assets/pmkb/pmkb.css"' in page
    assert 'src="../../../pagefind/pagefind-ui.js"' in page
    assert 'type="application/atom+xml"' in page and 'href="../../../feed.xml"' in page
    assert (root / "site" / "assets" / "pmkb" / "pmkb.css").is_file()
    assert (root / "site" / "assets" / "pmkb" / "pmkb.js").is_file()


def test_custom_dir_overrides_a_packaged_template(tmp_path: Path) -> None:
    root = tiny_site(tmp_path, {"2026/checkout.md": VALID})
    (root / "overrides" / "partials").mkdir(parents=True)
    (root / "overrides" / "partials" / "pmkb-search.html").write_text(
        '<div id="team-search">our own search</div>\n'
    )
    config = (root / "mkdocs.yml").read_text()
    (root / "mkdocs.yml").write_text(
        config.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    )
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    page = (root / "site" / "postmortems" / "2026" / "checkout" / "index.html").read_text()
    assert '<div id="team-search">our own search</div>' in page
    assert 'class="pmkb-header' in page  # the rest still comes from the package


def test_search_off_leaves_out_pagefind_box_and_assets(tmp_path: Path) -> None:
    root = tiny_site(tmp_path, {"2026/checkout.md": VALID}, plugin_options="search: false\n")
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    page = (root / "site" / "postmortems" / "2026" / "checkout" / "index.html").read_text()
    assert "pagefind-ui" not in page and 'id="pmkb-search"' not in page
    assert 'href="../../../assets/pmkb/pmkb.css"' in page
    assert not (root / "site" / "pagefind").exists()
