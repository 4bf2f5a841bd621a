"""Real-browser end-to-end tests of the demo site: catalog filters and sorting, postmortem
pages and their cross-links, and the Pagefind search box in Material's header.

The demo site is built once with `mkdocs build --strict`, served on 127.0.0.1 and driven
with headless Debian Chromium through Selenium. What the tests expect (which rows are SEV1,
which page an ID belongs to) is read from the built catalog HTML, not hard-coded.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Chromium at {CHROMIUM}", allow_module_level=True)
if not CHROMEDRIVER.exists():
    pytest.skip(f"browser tests need chromedriver at {CHROMEDRIVER}", allow_module_level=True)
pytest.importorskip("selenium", reason="browser tests need selenium (pip install selenium)")

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import (  # noqa: E402
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
BUILD_TIMEOUT = 180
WAIT = 10  # seconds for any one condition in the browser
SUBPATH = "/kb/"  # a path prefix to serve the site below, like a GitHub project page

SEARCH_INPUT = "#pmkb-search .pagefind-ui__search-input"
SEARCH_MESSAGE = "#pmkb-search .pagefind-ui__message"
RESULT_COUNT = re.compile(r"^(\d+) results? for (.*)$")

# Runs before any page script: records uncaught errors and unhandled rejections, so that a
# wait can stop as soon as the page has failed instead of running into its timeout.
RECORD_ERRORS_JS = """
window.__pmkbErrors = [];
window.addEventListener('error', e => window.__pmkbErrors.push('uncaught: ' + e.message));
window.addEventListener('unhandledrejection', e => window.__pmkbErrors.push(
  'unhandled rejection: ' + (e.reason && e.reason.message || e.reason)));
"""

# Related both ways in the demo content (`related:` in PM-2026-005's front matter).
RELATED_PAIR = ("PM-2025-004", "PM-2026-005")


# --------------------------------------------------------------------------------------
# What the built HTML says (the expectations)


@dataclass(frozen=True)
class Row:
    """One catalog row, as built."""

    id: str
    path: str  # site-absolute URL path of the postmortem, e.g. /postmortems/2025/x/
    title: str
    severity: str
    services: tuple[str, ...]
    status: str
    year: str


class _CatalogParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_catalog = False
        self.in_body = False
        self.rows: list[dict] = []
        self.row: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and "data-pmkb-catalog" in a:
            self.in_catalog = True
        elif self.in_catalog and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.row = {"attrs": a, "values": [], "hrefs": []}
        elif self.row is not None and tag == "td":
            self.row["values"].append(a.get("data-value", ""))
        elif self.row is not None and tag == "a" and len(self.row["values"]) == 1:
            self.row["hrefs"].append(a.get("href", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.in_catalog = False


def parse_catalog(html: str) -> list[Row]:
    parser = _CatalogParser()
    parser.feed(html)
    rows = []
    for raw in parser.rows:
        attrs, values = raw["attrs"], raw["values"]
        rows.append(Row(
            id=values[0],
            path=urlsplit(urljoin("/incidents/", raw["hrefs"][0])).path,
            title=values[2],
            severity=attrs["data-severity"],
            services=tuple(json.loads(attrs["data-service"])),
            status=attrs["data-status"],
            year=attrs["data-year"],
        ))
    return rows


# --------------------------------------------------------------------------------------
# Fixtures: build and serve the site once, start one browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site below `prefix` (404 elsewhere) and logs nothing."""

    prefix = "/"

    def send_head(self):
        if not self.path.startswith(self.prefix):
            self.send_error(404, "Not below " + self.prefix)
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(directory: Path, prefix: str = "/"):
    """Start a server for `directory` at http://127.0.0.1:<free port><prefix>."""
    handler_class = type("Handler", (_QuietHandler,), {"prefix": prefix})
    handler = functools.partial(handler_class, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=BUILD_TIMEOUT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stderr}"
    assert (out / "pagefind" / "pagefind-ui.js").is_file(), "Pagefind did not index the site"
    return out


@pytest.fixture(scope="module")
def base_url(site_dir: Path):
    """The site served at the root of an origin."""
    server, url = serve(site_dir)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def subpath_url(site_dir: Path):
    """The same site served only below SUBPATH, as on a GitHub project page."""
    server, url = serve(site_dir, SUBPATH)
    yield url + SUBPATH.rstrip("/")
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def catalog(site_dir: Path) -> list[Row]:
    rows = parse_catalog((site_dir / "incidents" / "index.html").read_text(encoding="utf-8"))
    assert len(rows) >= 10, "the demo catalog should list the demo postmortems"
    return rows


@pytest.fixture(scope="module")
def by_id(catalog: list[Row]) -> dict[str, Row]:
    return {row.id: row for row in catalog}


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory):
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                # Hermetic: no request leaves the machine (Material links Google Fonts).
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        browser = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    except WebDriverException as exc:  # e.g. a chromedriver/chromium version mismatch
        pytest.skip(f"could not start headless Chromium: {exc.msg}")
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                            {"source": RECORD_ERRORS_JS})
    browser.set_page_load_timeout(15)
    browser.set_script_timeout(15)
    yield browser
    browser.quit()


# --------------------------------------------------------------------------------------
# Helpers: what a user does and sees


def wait(driver: WebDriver, timeout: float = WAIT) -> WebDriverWait:
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,))


def path_of(driver: WebDriver) -> str:
    return urlsplit(driver.current_url).path


def open_page(driver: WebDriver, url: str) -> None:
    driver.get(url)
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def click(driver: WebDriver, element: WebElement) -> None:
    """Click like a user: scrolled into the middle of the viewport, clear of the sticky header."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    wait(driver).until(EC.element_to_be_clickable(element))
    element.click()


def follow(driver: WebDriver, link: WebElement, expected_path: str) -> None:
    """Click a link and wait for the page at `expected_path` to have loaded."""
    click(driver, link)
    wait(driver).until(lambda d: path_of(d) == expected_path)
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def h1(driver: WebDriver) -> str:
    return wait(driver).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, "article h1"))
    ).text.strip()


def visible_rows(driver: WebDriver) -> list[WebElement]:
    rows = driver.find_elements(By.CSS_SELECTOR, "[data-pmkb-catalog] tbody tr")
    return [row for row in rows if row.is_displayed()]


def open_catalog(driver: WebDriver, base_url: str) -> None:
    open_page(driver, f"{base_url}/incidents/")
    # pmkb.js unhides the filter form and writes the count once it has run.
    wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-pmkb-filters]")))
    wait(driver).until(lambda d: count_text(d).startswith("Showing"))


def count_text(driver: WebDriver) -> str:
    return driver.find_element(By.CSS_SELECTOR, "[data-pmkb-filters] output").text.strip()


def choose(driver: WebDriver, name: str, value: str) -> None:
    select = driver.find_element(By.CSS_SELECTOR, f"[data-pmkb-filters] select[name={name}]")
    Select(select).select_by_value(value)


def search_input(driver: WebDriver) -> WebElement:
    return wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, SEARCH_INPUT)))


def result_summary(driver: WebDriver) -> tuple[int, str] | None:
    """(count, term) from Pagefind's "N results for term", or None while it searches."""
    for message in driver.find_elements(By.CSS_SELECTOR, SEARCH_MESSAGE):
        text = message.text.strip()
        if text.startswith("No results for"):
            return 0, text.removeprefix("No results for").strip()
        match = RESULT_COUNT.match(text)
        if match:
            return int(match.group(1)), match.group(2)
    return None


_RESULT_URLS_JS = """
return Array.from(document.querySelectorAll('#pmkb-search .pagefind-ui__result')).map(li => {
  if (li.querySelector('.pagefind-ui__loading')) return null;
  const a = li.querySelector('.pagefind-ui__result-link');
  return a ? a.href : null;
});
"""


def result_paths(driver: WebDriver) -> list[str] | None:
    """The URL path of every listed result (sub-results aside), or None while one loads."""
    hrefs = driver.execute_script(_RESULT_URLS_JS)
    if any(href is None for href in hrefs):
        return None
    return [urlsplit(href).path for href in hrefs]


def settled_results(driver: WebDriver, term: str, count: int | None = None) -> list[str]:
    """Wait until the results for `term` (and, if given, `count` of them) are all listed."""
    seen: dict[str, object] = {}

    def ready(d: WebDriver) -> bool:
        fail_on_page_errors(d, f"while searching for {term!r}")
        summary = seen["summary"] = result_summary(d)
        if summary is None or summary[1] != term or (count is not None and summary[0] != count):
            return False
        paths = seen["paths"] = result_paths(d)
        if paths is None:
            return False
        return not paths if summary[0] == 0 else 0 < len(paths) <= summary[0]

    try:
        wait(driver).until(ready)
        return seen["paths"]  # type: ignore[return-value]
    except TimeoutException:
        messages = [m.text for m in driver.find_elements(By.CSS_SELECTOR, SEARCH_MESSAGE)]
        raise AssertionError(
            f"Pagefind did not list results for {term!r}"
            + (f" ({count} expected)" if count is not None else "")
            + f"; message {messages!r}, last seen {seen!r}, on {driver.current_url}"
        ) from None


def page_errors(driver: WebDriver) -> list[str]:
    return driver.execute_script("return window.__pmkbErrors || []")


def fail_on_page_errors(driver: WebDriver, doing: str) -> None:
    errors = page_errors(driver)
    if errors:
        split = urlsplit(driver.current_url)
        origin = f"{split.scheme}://{split.netloc}"
        console = [entry["message"] for entry in browser_errors(driver, origin)]
        raise AssertionError(f"JavaScript errors on {driver.current_url} {doing}:\n"
                             + "\n".join(errors) + "\nconsole:\n" + "\n".join(console))


def search(driver: WebDriver, term: str) -> list[str]:
    """Type `term` into the header search box; the paths of the first page of results."""
    box = search_input(driver)
    click(driver, box)
    box.send_keys(term)
    return settled_results(driver, term)


def load_all_results(driver: WebDriver, term: str) -> list[str]:
    """Press "Load more results" until every result is listed; their paths, deduplicated."""
    total, _ = result_summary(driver) or (0, term)
    for _ in range(20):
        paths = settled_results(driver, term)
        buttons = driver.find_elements(By.CSS_SELECTOR, "#pmkb-search .pagefind-ui__button")
        buttons = [button for button in buttons if button.is_displayed()]
        if len(paths) >= total or not buttons:
            break
        click(driver, buttons[0])
        wait(driver).until(lambda d: len(d.execute_script(_RESULT_URLS_JS)) > len(paths))  # noqa: B023
    paths = settled_results(driver, term)
    assert len(paths) == total, f"{total} results announced for {term!r}, {len(paths)} listed"
    return list(dict.fromkeys(paths))


def browser_errors(driver: WebDriver, base_url: str) -> list[dict]:
    """Severe console entries, except favicon 404s and failed loads of off-site resources
    (the browser resolves no outside host, so Material's Google Fonts stylesheet fails)."""
    errors = []
    for entry in driver.get_log("browser"):
        message = entry.get("message", "")
        if entry.get("level") != "SEVERE" or "favicon" in message:
            continue
        if entry.get("source") == "network" and not message.startswith(base_url):
            continue
        errors.append(entry)
    return errors


# --------------------------------------------------------------------------------------
# 1-2. The catalog


def test_catalog_filters_by_severity_and_by_service(driver, base_url, catalog):
    open_catalog(driver, base_url)
    total = len(catalog)
    assert len(visible_rows(driver)) == total
    assert count_text(driver) == f"Showing {total} of {total} incidents"

    sev1 = [row for row in catalog if row.severity == "SEV1"]
    assert 0 < len(sev1) < total
    choose(driver, "severity", "SEV1")
    wait(driver).until(lambda d: count_text(d) == f"Showing {len(sev1)} of {total} incidents")
    rows = visible_rows(driver)
    assert len(rows) == len(sev1)
    assert {row.get_attribute("data-severity") for row in rows} == {"SEV1"}
    assert {row.find_element(By.CSS_SELECTOR, "td:nth-child(4)").text for row in rows} == {"SEV1"}
    assert {row.find_element(By.CSS_SELECTOR, "td:first-child").text for row in rows} == {
        row.id for row in sev1
    }
    # The filter is in the address, so the filtered view can be shared and reloaded.
    assert "severity=SEV1" in driver.current_url
    driver.refresh()
    wait(driver).until(lambda d: count_text(d) == f"Showing {len(sev1)} of {total} incidents")
    assert len(visible_rows(driver)) == len(sev1)

    # Clear, then filter by one service instead.
    click(driver, driver.find_element(By.CSS_SELECTOR, "[data-pmkb-filters] button[type=reset]"))
    wait(driver).until(lambda d: count_text(d) == f"Showing {total} of {total} incidents")
    service = "search-service"
    expected = [row for row in catalog if service in row.services]
    assert 0 < len(expected) < total
    choose(driver, "service", service)
    wait(driver).until(lambda d: count_text(d) == f"Showing {len(expected)} of {total} incidents")
    rows = visible_rows(driver)
    assert len(rows) == len(expected)
    for row in rows:
        listed = row.find_element(By.CSS_SELECTOR, "td:nth-child(5)").text.split()
        assert service in listed, f"row {row.text!r} does not list {service}"


def test_catalog_sorts_by_severity_when_its_header_is_clicked(driver, base_url, catalog):
    open_catalog(driver, base_url)

    def header() -> WebElement:
        return driver.find_element(
            By.XPATH, "//table[@data-pmkb-catalog]//th[.//button[normalize-space()='Severity']]"
        )

    def severities() -> list[str]:
        return [row.find_element(By.CSS_SELECTOR, "td:nth-child(4)").text
                for row in visible_rows(driver)]

    ranked = sorted(row.severity for row in catalog)
    click(driver, header().find_element(By.TAG_NAME, "button"))
    wait(driver).until(lambda d: header().get_attribute("aria-sort") == "ascending")
    assert severities() == ranked
    first = severities()[: ranked.count("SEV1")]
    assert first and set(first) == {"SEV1"}

    click(driver, header().find_element(By.TAG_NAME, "button"))
    wait(driver).until(lambda d: header().get_attribute("aria-sort") == "descending")
    assert severities() == ranked[::-1]


# --------------------------------------------------------------------------------------
# 3-4. Postmortem pages


def assert_on_postmortem(driver: WebDriver, row: Row) -> None:
    assert path_of(driver) == row.path
    assert h1(driver) == row.title
    header = driver.find_element(By.CSS_SELECTOR, ".pmkb-header")
    assert header.find_element(By.CSS_SELECTOR, ".pmkb-id").text == row.id
    assert header.find_element(By.CSS_SELECTOR, ".pmkb-sev").text == row.severity


def test_catalog_title_link_opens_the_postmortem(driver, base_url, by_id):
    row = by_id["PM-2025-007"]
    open_catalog(driver, base_url)
    link = driver.find_element(
        By.XPATH, f"//table[@data-pmkb-catalog]//tr[td[1]='{row.id}']/td[3]/a"
    )
    assert link.text == row.title
    follow(driver, link, row.path)
    assert_on_postmortem(driver, row)


def related_link(driver: WebDriver, incident_id: str) -> WebElement:
    """The link to `incident_id` in the "Related incidents" list of the page's footer."""
    block = driver.find_element(By.CSS_SELECTOR, "aside.pmkb-related")
    heading = block.find_element(By.XPATH, "./h2[normalize-space()='Related incidents']")
    assert heading.is_displayed()
    links = heading.find_elements(By.XPATH, (
        "./following-sibling::ul[1]//a"
        f"[.//*[contains(@class,'pmkb-id')][normalize-space()='{incident_id}']]"
    ))
    assert links, f"no Related incidents link to {incident_id} on {driver.current_url}"
    return links[0]


def test_related_incidents_link_both_ways(driver, base_url, by_id):
    first, second = (by_id[i] for i in RELATED_PAIR)
    open_page(driver, base_url + first.path)
    assert_on_postmortem(driver, first)

    follow(driver, related_link(driver, second.id), second.path)
    assert_on_postmortem(driver, second)

    back = related_link(driver, first.id)
    assert first.title in back.text
    follow(driver, back, first.path)
    assert_on_postmortem(driver, first)


# --------------------------------------------------------------------------------------
# 5-7. Pagefind search in the header


def start_path(start: str, by_id: dict[str, Row]) -> str:
    """A page to start from: a URL path, or the page of an incident ID."""
    return by_id[start].path if start.startswith("PM-") else start


@pytest.mark.parametrize("start", ["/incidents/", "PM-2026-005", "/"],
                         ids=["from-catalog", "from-postmortem", "from-home"])
def test_search_for_an_incident_id_finds_and_opens_its_page(driver, base_url, by_id, start):
    row = by_id["PM-2025-007"]
    open_page(driver, base_url + start_path(start, by_id))
    paths = search(driver, row.id)
    assert paths and paths[0] == row.path, f"first result for {row.id}: {paths[:3]}"
    first = driver.find_element(
        By.CSS_SELECTOR, "#pmkb-search .pagefind-ui__result .pagefind-ui__result-link"
    )
    assert first.text.strip() == row.title
    follow(driver, first, row.path)
    assert_on_postmortem(driver, row)


def test_search_by_service_and_by_phrase_finds_the_right_postmortems(driver, base_url, catalog,
                                                                     by_id):
    open_page(driver, base_url + "/services/")
    service = "search-service"
    search(driver, service)
    paths = load_all_results(driver, service)
    expected = {row.path for row in catalog if service in row.services}
    assert expected and expected <= set(paths), f"{service}: {paths}"

    # A phrase that occurs only in the body (Summary) of PM-2025-008.
    row = by_id["PM-2025-008"]
    open_page(driver, base_url + "/incidents/")
    paths = search(driver, "product-variant mapping")
    assert paths and paths[0] == row.path, paths


def test_search_filtered_by_severity_lists_only_sev1_postmortems(driver, base_url, catalog):
    sev1 = {row.path for row in catalog if row.severity == "SEV1"}
    term = "checkout"
    open_catalog(driver, base_url)
    search(driver, term)
    unfiltered = load_all_results(driver, term)
    assert set(unfiltered) - sev1, "the term should also find non-SEV1 postmortems"
    assert set(unfiltered) & sev1, "the term should find some SEV1 postmortems"

    panel = wait(driver).until(EC.visibility_of_element_located(
        (By.CSS_SELECTOR, "#pmkb-search .pagefind-ui__filter-panel")))
    names = panel.find_elements(By.CSS_SELECTOR, ".pagefind-ui__filter-name")
    assert {n.text.strip() for n in names} >= {"Severity", "Service", "Status", "Year", "Category"}
    severity = next(n for n in names if n.text.strip() == "Severity")
    click(driver, severity)
    label = wait(driver).until(EC.visibility_of_element_located(
        (By.CSS_SELECTOR, "#pmkb-search label[for='severity-SEV1']")))
    match = re.fullmatch(r"SEV1 \((\d+)\)", label.text.strip())
    assert match, label.text
    announced = int(match.group(1))
    assert announced == len(set(unfiltered) & sev1)

    click(driver, label)
    assert driver.find_element(By.ID, "severity-SEV1").is_selected()
    settled_results(driver, term, count=announced)
    filtered = load_all_results(driver, term)
    not_sev1 = [path for path in filtered if path not in sev1]
    assert not not_sev1, f"SEV1 filter lists non-SEV1 postmortems: {not_sev1}"
    assert set(filtered) == set(unfiltered) & sev1


def test_search_works_when_the_site_is_served_below_a_path(driver, subpath_url, by_id):
    """The site's links are relative, so it works from any folder; so should its search."""
    row = by_id["PM-2025-007"]
    for start in ("/incidents/", by_id["PM-2026-005"].path):
        open_page(driver, subpath_url + start)
        assert h1(driver)
        paths = search(driver, row.id)
        assert paths and paths[0] == SUBPATH.rstrip("/") + row.path, (start, paths[:3])


# --------------------------------------------------------------------------------------
# 8. No JavaScript errors


@pytest.mark.parametrize("page", ["/", "/incidents/", "PM-2025-004"],
                         ids=["home", "catalog", "postmortem"])
def test_no_javascript_errors_while_loading_and_searching(driver, base_url, by_id, page):
    page = start_path(page, by_id)
    driver.get_log("browser")  # drop what earlier tests logged
    open_page(driver, base_url + page)
    assert h1(driver)
    if page == "/incidents/":
        wait(driver).until(lambda d: count_text(d).startswith("Showing"))
    # Pagefind loads its index on first use: type into the box so that loading runs too.
    box = search_input(driver)
    click(driver, box)
    box.send_keys("checkout")
    # Until Pagefind answers, or fails: then its errors are in the log checked below.
    wait(driver).until(lambda d: result_summary(d) is not None or page_errors(d))
    errors = browser_errors(driver, base_url)
    assert not errors, "\n".join(f"{e['source']}: {e['message']}" for e in errors)


def test_metrics_page_renders_the_charts(driver: WebDriver, base_url: str) -> None:
    open_page(driver, base_url + "/metrics/")
    charts = wait(driver).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "figure.pmkb-chart svg[role='img']")
    )
    assert len(charts) == 4
    for chart in charts:
        size = chart.size
        assert size["width"] > 300 and size["height"] > 100, size
        assert chart.get_attribute("aria-label")
        assert chart.find_elements(By.CSS_SELECTOR, "path, rect, use")  # bars were drawn
    # the text is drawn in the page's text colour, so it changes with the scheme
    label = charts[0].find_element(By.CSS_SELECTOR, "text")
    light = label.value_of_css_property("fill")
    driver.execute_script("document.body.setAttribute('data-md-color-scheme', 'slate')")
    assert label.value_of_css_property("fill") != light
    driver.execute_script("document.body.setAttribute('data-md-color-scheme', 'default')")
