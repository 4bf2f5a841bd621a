"""What the real-browser tests share: the demo site, built once per test session with
`mkdocs build --strict` and served on 127.0.0.1, one headless Debian Chromium driven
through Selenium, and the helpers that act like a user.

What the tests expect (which rows are SEV1, which page an ID belongs to) is read from the
built catalog HTML, not hard-coded. Test modules import the fixtures they use by name.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import build_demo

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
WAIT = 20  # seconds for any one condition in the browser (generous: CI machines are busy)
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
        rows.append(
            Row(
                id=values[0],
                path=urlsplit(urljoin("/incidents/", raw["hrefs"][0])).path,
                title=values[2],
                severity=attrs["data-severity"],
                services=tuple(json.loads(attrs["data-service"])),
                status=attrs["data-status"],
                year=attrs["data-year"],
            )
        )
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
        return super().translate_path("/" + path[len(self.prefix) :])

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


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = build_demo(out, BUILD_TIMEOUT)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stderr}"
    assert (out / "pagefind" / "pagefind-ui.js").is_file(), "Pagefind did not index the site"
    return out


@pytest.fixture(scope="session")
def base_url(site_dir: Path):
    """The site served at the root of an origin."""
    server, url = serve(site_dir)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def subpath_url(site_dir: Path):
    """The same site served only below SUBPATH, as on a GitHub project page."""
    server, url = serve(site_dir, SUBPATH)
    yield url + SUBPATH.rstrip("/")
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def catalog(site_dir: Path) -> list[Row]:
    rows = parse_catalog((site_dir / "incidents" / "index.html").read_text(encoding="utf-8"))
    assert len(rows) >= 10, "the demo catalog should list the demo postmortems"
    return rows


@pytest.fixture(scope="session")
def by_id(catalog: list[Row]) -> dict[str, Row]:
    return {row.id: row for row in catalog}


@pytest.fixture(scope="session")
def driver(tmp_path_factory: pytest.TempPathFactory):
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        # Hermetic: no request leaves the machine (Material links Google Fonts).
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ):
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        browser = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    except WebDriverException as exc:  # e.g. a chromedriver/chromium version mismatch
        pytest.skip(f"could not start headless Chromium: {exc.msg}")
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_ERRORS_JS})
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
    return wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "article h1"))).text.strip()


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
        raise AssertionError(
            f"JavaScript errors on {driver.current_url} {doing}:\n"
            + "\n".join(errors)
            + "\nconsole:\n"
            + "\n".join(console)
        )


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
