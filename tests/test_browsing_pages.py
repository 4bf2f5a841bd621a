"""The generated pages of a small real site: indexes, related both ways, links, escaping."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import VALID
from test_site_build import mkdocs_build, tiny_site


def variant(incident_id: str, **replacements: str) -> str:
    text = VALID.replace("PM-2026-014", incident_id)
    for old, new in replacements.items():
        text = text.replace(old.replace("_", " ") if old.startswith("_") else old, new)
    return text


A = variant("PM-2026-001")
B = (
    VALID.replace("PM-2026-014", "PM-2026-002")
    .replace("related: []", "related: [PM-2026-001]")
    .replace("services: [checkout-api, payments-db]", "services: [payments-db]")
    .replace("The rollback runbook worked", "As in PM-2026-001, the rollback runbook worked")
)
C = (
    VALID.replace("PM-2026-014", "PM-2026-003")
    .replace("services: [checkout-api, payments-db]", "services: [search-service]")
    .replace("tags: [database, deploy]", "tags: [disk]")
    .replace("severity: SEV2", "severity: SEV4")
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tiny_site(
        tmp_path_factory.mktemp("browse"),
        {"2026/a.md": A, "2026/b.md": B, "2026/c.md": C},
        "search: false\n",
    )
    (root / "postmortems" / "services.yml").write_text(
        "- name: checkout-api\n  owner: checkout-team\n  tier: 1\n  description: Takes orders.\n"
        "- name: payments-db\n  owner: payments-team\n  tier: 1\n"
        "- name: search-service\n  owner: search-team\n  tier: 2\n"
    )
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    return root / "site"


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_catalog_lists_every_incident_with_filter_data(built: Path) -> None:
    html = page(built, "incidents")
    rows = re.findall(r'<tr data-severity="(SEV\d)"', html)
    assert sorted(rows) == ["SEV2", "SEV2", "SEV4"]
    for incident_id in ("PM-2026-001", "PM-2026-002", "PM-2026-003"):
        assert incident_id in html
    assert 'data-pmkb-filters data-pmkb-total="3" hidden' in html  # shown only with JavaScript
    assert 'href="../severity/sev2/"' in html  # and the pages work without it


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("severity/sev2", ["PM-2026-001", "PM-2026-002", "2 incidents"]),
        ("severity/sev4", ["PM-2026-003", "1 incident"]),
        ("services/payments-db", ["PM-2026-001", "PM-2026-002", "payments-team"]),
        ("services/checkout-api", ["Takes orders.", "checkout-team", "1 incident"]),
        ("factors/technical", ["The pool library did not release connections", "PM-2026-003"]),
        ("tags/disk", ["PM-2026-003"]),
        ("years/2026", ["PM-2026-001", "PM-2026-002", "PM-2026-003"]),
        ("services", ["checkout-api", "payments-db", "search-service"]),
        ("factors", ["technical", "detection"]),
    ],
)
def test_index_pages(built: Path, url: str, expected: list[str]) -> None:
    html = page(built, url)
    for text in expected:
        assert text in html, f"{text!r} missing from /{url}/"


def test_related_incidents_show_both_ways(built: Path) -> None:
    a = page(built, "postmortems/2026/a")
    b = page(built, "postmortems/2026/b")
    related_a = a.split('id="related-incidents"')[1].split("</ul>")[0]
    related_b = b.split('id="related-incidents"')[1].split("</ul>")[0]
    assert 'href="../b/"' in related_a  # A does not list B, but B lists A
    assert 'href="../a/"' in related_b


def test_similar_incidents_exclude_related_ones(built: Path) -> None:
    b = page(built, "postmortems/2026/b")
    similar = b.split('id="similar-incidents"')[1].split("</ul>")[0]
    assert "PM-2026-003" in similar and "PM-2026-001" not in similar


def test_header_shows_severity_services_durations_and_authors(built: Path) -> None:
    a = page(built, "postmortems/2026/a")
    header = a.split('class="pmkb-header pmkb-header--final"')[1].split("</dl>")[0]
    for text in (
        "SEV2",
        "Final",
        "checkout-api",
        "5 min",
        "15 min",
        "22 min",
        "Sarah Chen",
        "Incident commander",
        "Authors",
    ):
        assert text in header
    # the clock: four times of day, and the gap from each step to the next
    for text in ("14:00 UTC", "14:05 UTC", "14:15 UTC", "14:22 UTC", "+5 min", "+10 min", "+7 min"):
        assert text in header
    assert 'data-pagefind-filter="severity:SEV2"' in a
    assert "data-pagefind-body" in a
    assert "<title>PM-2026-001: Checkout errors after payments deploy - " in a


def test_similar_incidents_say_what_they_share(built: Path) -> None:
    b = page(built, "postmortems/2026/b")
    similar = b.split('id="similar-incidents"')[1].split("</ul>")[0]
    assert "Shares" in similar and "technical factors" in similar and "#database" not in similar
    footer = b.split('class="pmkb-related"')[1]
    assert "Contributing factors</dt>" in footer and "Tags</dt>" in footer


def test_fields_that_hold_markdown_are_rendered_and_nothing_else_is(built: Path) -> None:
    rules = page(built, "rules")
    assert "`" not in rules.split("<article")[1].split("</article>")[0].replace("<pre", "\0").split("\0")[0]
    assert "<code>" in rules.split('id="pm101"')[1]


def test_incident_ids_in_prose_become_links(built: Path) -> None:
    b = page(built, "postmortems/2026/b")
    assert '<a href="../a/">PM-2026-001</a>, the rollback runbook worked' in b


def test_nav_does_not_list_postmortems(built: Path) -> None:
    home = page(built, "")
    nav = home.split('class="md-nav md-nav--primary"')[1].split("</nav>")[0]
    assert "Incidents" in nav and "Checkout errors after payments deploy" not in nav
    assert "Recent incidents" in home and "PM-2026-003" in home


def test_listing_pages_are_left_out_of_the_search_index(built: Path) -> None:
    assert "data-pagefind-body" not in page(built, "incidents")
    assert "data-pagefind-body" not in page(built, "services/payments-db")


SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


class _Executable(HTMLParser):
    """Collects markup that would run: scripts mentioning alert, on* handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        self.found += [f"<{tag} {k}=...>" for k, _v in attrs if k.startswith("on")]
        self.found += [
            f"<{tag} {k}=javascript:>" for k, v in attrs if v and v.strip().lower().startswith("javascript:")
        ]

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert(1)" in data:
            self.found.append("<script>alert(1)</script>")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def test_user_values_are_escaped_in_every_generated_page(tmp_path: Path) -> None:
    hostile = (
        VALID.replace("title: Checkout errors after payments deploy", f"title: '{SCRIPT}{IMG}'")
        .replace("services: [checkout-api, payments-db]", f"services: ['{SCRIPT}', '{IMG}']")
        .replace("tags: [database, deploy]", f"tags: ['{SCRIPT}', '{IMG}']")
        .replace("authors: [Sarah Chen]", f"authors: ['{IMG}']")
        .replace("| Sarah Chen | P1 |", f"| {SCRIPT} | P1 |")
        .replace("| payments-team | P2 |", f"| {IMG} | P2 |")
        .replace("The rollback runbook worked", f"{SCRIPT} The rollback runbook worked")
        .replace(
            "  - category: detection\n    description: No alert on pool usage before exhaustion.",
            f"  - category: detection\n    description: '{IMG}'",
        )
    )
    root = tiny_site(tmp_path, {"hostile.md": hostile}, "search: false\nrules:\n  PM303: 'off'\n")
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    pages = list((root / "site").rglob("*.html"))
    assert len(pages) > 10
    for html_file in pages:
        parser = _Executable()
        parser.feed(html_file.read_text(encoding="utf-8"))
        assert parser.found == [], f"{html_file.relative_to(root)}: {parser.found}"
    shown = page(root / "site", "postmortems/hostile")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown  # the title is shown, as text


def test_rule_reference_documents_every_rule_with_examples(built: Path) -> None:
    from pmkb.check.rules import RULES

    html = page(built, "rules")
    for code, rule in RULES.items():
        entry = html.split(f'<h3 id="{code.lower()}">')[1].split("</section>")[0]
        assert rule.name in entry and "Why it matters." in entry
        assert "pmkb-example--bad" in entry and "pmkb-example--good" in entry
