"""The site in real Chromium, page type by page type: precise search, a phone layout
without horizontal scrolling, badges at AA contrast in both schemes, no accessibility
violation that axe-core calls serious or critical, no raw Markdown, and the incident
clock in the postmortem header.

The demo site and the browser come from browser_kit (built and started once per session).
"""

# ruff: noqa: F811  (pytest fixtures imported from browser_kit are used as parameters)
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser_kit import (  # noqa: F401 (fixtures are used by name)
    base_url,
    by_id,
    catalog,
    driver,
    load_all_results,
    open_page,
    search,
    site_dir,
    wait,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

axe_selenium = pytest.importorskip(
    "axe_core_python.selenium", reason="accessibility tests need axe-core-python"
)

PHONE = 390
DESKTOP = 1400
SCHEMES = {"light": "default", "dark": "slate"}


def page_types(by_id: dict) -> dict[str, str]:
    """One URL path of every kind of page the site has."""
    postmortem = by_id["PM-2025-010"].path  # in a reading list, with related and similar
    draft = next(row.path for row in by_id.values() if row.status == "draft")
    return {
        "home": "/",
        "catalog": "/incidents/",
        "postmortem": postmortem,
        "draft postmortem": draft,
        "severity": "/severity/sev1/",
        "service": "/services/checkout-api/",
        "services": "/services/",
        "factor": "/factors/technical/",
        "factors": "/factors/",
        "tag": "/tags/database/",
        "year": "/years/2025/",
        "action items": "/action-items/",
        "metrics": "/metrics/",
        "reading list": "/reading-lists/new-on-call/",
        "reading lists": "/reading-lists/",
        "rules": "/rules/",
        "not found": "/404.html",
    }


def set_viewport(driver: WebDriver, width: int, height: int = 900) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": width,
            "height": height,
            "deviceScaleFactor": 1,
            "mobile": width < 600,
        },
    )


def set_scheme(driver: WebDriver, scheme: str) -> None:
    """Material's palette: the body's colour-scheme attribute (what its toggle sets),
    read once the colour transitions it starts have finished."""
    driver.execute_script("document.body.setAttribute('data-md-color-scheme', arguments[0])", SCHEMES[scheme])
    driver.execute_async_script("""
      const done = arguments[arguments.length - 1];
      Promise.all(document.getAnimations().map(a => a.finished)).then(() => done(), () => done());
    """)


@pytest.fixture
def phone(driver: WebDriver) -> Iterator[WebDriver]:
    set_viewport(driver, PHONE, 844)
    yield driver
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# --------------------------------------------------------------------------------------
# Search


class _OwnText(HTMLParser):
    """The text Pagefind should index: inside data-pagefind-body, outside any
    data-pagefind-ignore (the footer's related and similar incidents)."""

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[bool, bool]] = []  # (in body, ignored)
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        body, ignored = self.stack[-1] if self.stack else (False, False)
        state = (body or "data-pagefind-body" in names, ignored or "data-pagefind-ignore" in names)
        if tag not in self.VOID:
            self.stack.append(state)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == (True, False):
            self.text.append(data)


def own_text(site_dir: Path, path: str) -> str:
    parser = _OwnText()
    parser.feed((site_dir / path.strip("/") / "index.html").read_text(encoding="utf-8"))
    return " ".join(parser.text)


@pytest.mark.parametrize("word", ["stampede", "pgbouncer", "watermark"])
def test_a_word_finds_only_the_pages_whose_own_content_has_it(driver, base_url, site_dir, word):
    open_page(driver, base_url + "/incidents/")
    search(driver, word)
    paths = load_all_results(driver, word)
    assert paths, f"nothing found for {word!r}"
    for path in paths:
        assert word in own_text(site_dir, path).casefold(), (
            f"{path} is a result for {word!r} but only other incidents' text has the word"
        )


@pytest.mark.parametrize("term", ["PM-2026-005", "2026-005", "PM-2025-010", "2025-010"])
def test_an_id_or_a_partial_id_ranks_its_incident_first(driver, base_url, by_id, term):
    row = by_id[term if term.startswith("PM-") else "PM-" + term]
    open_page(driver, base_url + "/")
    paths = search(driver, term)
    assert paths and paths[0] == row.path, f"results for {term!r}: {paths[:3]}"


# --------------------------------------------------------------------------------------
# Layout and wayfinding


def test_no_page_type_overflows_horizontally_on_a_phone(phone, base_url, by_id):
    wide = {}
    for name, path in page_types(by_id).items():
        open_page(phone, base_url + path)
        width = phone.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            wide[name] = width
    assert not wide, f"wider than the {PHONE} px screen (scroll width, screen): {wide}"


def test_no_stray_scrollbar_under_a_table_on_a_desktop(driver, base_url, by_id):
    """A table that fits shows no horizontal scrollbar (scrollers nested in scrollers did)."""
    stray = {}
    for name, path in page_types(by_id).items():
        open_page(driver, base_url + path)
        scrolling = driver.execute_script("""
          return [...document.querySelectorAll('article *')].filter(e =>
            ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)
            && e.scrollWidth > e.clientWidth
            && e.querySelector('table') && e.querySelector('table').offsetWidth <= e.clientWidth
          ).map(e => e.className);""")
        if scrolling:
            stray[name] = scrolling
    assert not stray, f"scrollbars under tables that fit: {stray}"


def test_catalog_rows_are_cards_on_a_phone(phone, base_url):
    open_page(phone, base_url + "/incidents/")
    row = phone.find_element(By.CSS_SELECTOR, "[data-pmkb-catalog] tbody tr")
    title = row.find_element(By.CSS_SELECTOR, "td.pmkb-card__title")
    assert title.size["width"] > PHONE * 0.75, "the title should span the card"
    assert not phone.find_element(By.CSS_SELECTOR, "[data-pmkb-catalog] thead").is_displayed()


def test_postmortem_pages_say_where_they_are(driver, base_url, by_id):
    row = by_id["PM-2025-010"]
    open_page(driver, base_url + row.path)
    assert driver.title.startswith(f"{row.id}: {row.title}")
    crumbs = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".pmkb-breadcrumb li")]
    assert crumbs == ["Home", "Incidents", "2025", row.id]
    active = driver.find_elements(By.CSS_SELECTOR, ".md-tabs__item--active")
    assert [tab.text.strip() for tab in active] == ["Incidents"]
    open_page(driver, base_url + "/services/checkout-api/")
    active = driver.find_elements(By.CSS_SELECTOR, ".md-tabs__item--active")
    assert [tab.text.strip() for tab in active] == ["Services"]


def test_long_generated_pages_have_a_table_of_contents_and_lists_have_no_empty_column(driver, base_url):
    open_page(driver, base_url + "/action-items/")
    toc = driver.find_elements(By.CSS_SELECTOR, ".md-sidebar--secondary .md-nav__link")
    assert {"Overdue", "Open, not yet due", "By owner"} <= {
        link.get_attribute("textContent").strip() for link in toc
    }
    open_page(driver, base_url + "/incidents/")
    sidebars = driver.find_elements(By.CSS_SELECTOR, ".md-sidebar--secondary")
    assert not [s for s in sidebars if s.is_displayed()], "an empty table-of-contents column"


def test_the_404_page_offers_a_way_on(driver, base_url):
    open_page(driver, base_url + "/404.html")
    links = {a.text.strip() for a in driver.find_elements(By.CSS_SELECTOR, "article a")}
    assert {"Incidents", "Home"} <= links, links


# --------------------------------------------------------------------------------------
# The postmortem header


def test_postmortem_header_shows_the_four_clock_times(driver, base_url, site_dir, by_id):
    exported = json.loads((site_dir / "postmortems.json").read_text(encoding="utf-8"))
    meta = next(p for p in exported["postmortems"] if p["id"] == "PM-2025-010")
    open_page(driver, base_url + by_id["PM-2025-010"].path)
    stages = driver.find_elements(By.CSS_SELECTOR, ".pmkb-header .pmkb-clock li")
    shown = {
        stage.find_element(By.CSS_SELECTOR, ".pmkb-clock__label").text.strip().casefold(): stage.find_element(
            By.CSS_SELECTOR, "time"
        ).text.strip()
        for stage in stages
    }
    for key in ("started", "detected", "mitigated", "resolved"):
        moment = dt.datetime.fromisoformat(meta[f"{key}_at"].replace("Z", "+00:00"))
        assert shown.get(key, "").endswith(moment.astimezone(dt.UTC).strftime("%H:%M UTC")), shown
    facts = driver.find_element(By.CSS_SELECTOR, ".pmkb-header__facts").text
    for label in ("Time to detect", "Time to mitigate", "Time to resolve", "Incident commander"):
        assert label.casefold() in facts.casefold()


# --------------------------------------------------------------------------------------
# Contrast, accessibility, raw Markdown

# For each element: its text colour, the first opaque background behind it, the
# contrast ratio between them (WCAG 2), and its font size in px.
CONTRAST_JS = """
function rgba(value) {
  const m = value.match(/rgba?\\(([^)]+)\\)/);
  if (!m) return [0, 0, 0, 0];
  const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
}
function over(top, bottom) {
  const a = top[3];
  return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
}
function background(element) {
  const layers = [];
  for (let e = element; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c[3] > 0) layers.push(c);
    if (c[3] >= 1) break;
  }
  let colour = [255, 255, 255, 1];
  for (const layer of layers.reverse()) colour = over(layer, colour);
  return colour;
}
function luminance(c) {
  const [r, g, b] = c.slice(0, 3).map(v => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
return Array.from(document.querySelectorAll(arguments[0])).filter(
  e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden'
).map(e => {
  const back = background(e);
  const fore = over(rgba(getComputedStyle(e).color), back);
  const [l1, l2] = [luminance(fore), luminance(back)].sort((a, b) => b - a);
  return {text: e.textContent.trim(), cls: e.className, ratio: (l1 + 0.05) / (l2 + 0.05),
          size: parseFloat(getComputedStyle(e).fontSize)};
});
"""
BADGES = ".pmkb-sev, .pmkb-status, .pmkb-chip, .pmkb-state, [data-pmkb-filters] button"


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_badges_and_controls_meet_aa_contrast_and_12px(driver, base_url, by_id, scheme):
    failures = []
    checked = 0
    for path in ("/incidents/", by_id["PM-2025-010"].path, "/action-items/", "/"):
        open_page(driver, base_url + path)
        set_scheme(driver, scheme)
        for badge in driver.execute_script(CONTRAST_JS, BADGES):
            checked += 1
            if badge["ratio"] < 4.5 or badge["size"] < 12:
                failures.append((path, badge["text"], badge["cls"], round(badge["ratio"], 2), badge["size"]))
    assert checked > 20
    assert not failures, f"{scheme}: below 4.5:1 or 12 px: {sorted(set(failures))[:15]}"


def _axe_violations(driver: WebDriver) -> list[dict]:
    results = axe_selenium.Axe().run(driver, options={"resultTypes": ["violations"]})
    return [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_axe_finds_no_serious_or_critical_violation_on_any_page_type(driver, base_url, by_id, scheme):
    found = {}
    for name, path in page_types(by_id).items():
        open_page(driver, base_url + path)
        set_scheme(driver, scheme)
        violations = _axe_violations(driver)
        if violations:
            found[name] = [
                (v["id"], v["impact"], [node["target"] for node in v["nodes"][:3]]) for v in violations
            ]
    assert not found, json.dumps(found, indent=1)


def test_generated_pages_show_no_raw_markdown(driver, base_url, by_id):
    """Backticks outside code mean a field's Markdown was printed as text."""
    raw = {}
    for name, path in page_types(by_id).items():
        open_page(driver, base_url + path)
        text = driver.execute_script("""
          const article = document.querySelector('article').cloneNode(true);
          article.querySelectorAll('pre, code').forEach(e => e.remove());
          return article.innerText;""")
        ticks = re.findall(r".{0,30}`.{0,30}", text)
        if ticks:
            raw[name] = ticks[:3]
    assert not raw, raw


def test_the_sitemap_material_fetches_on_each_view_is_a_small_index(driver, base_url, by_id, site_dir):
    """Material asks for sitemap.xml on every view of a page with a rel=alternate link
    (the feed): what it gets must not grow with the number of postmortems."""
    open_page(driver, base_url + by_id["PM-2025-010"].path)
    fetched = wait(driver).until(
        lambda d: d.execute_script(
            "return performance.getEntriesByType('resource')"
            ".filter(e => e.name.endsWith('/sitemap.xml')).map(e => e.encodedBodySize)"
        )
    )
    assert fetched and max(fetched) < 1000, fetched
    assert "<sitemapindex" in (site_dir / "sitemap.xml").read_text(encoding="utf-8")
