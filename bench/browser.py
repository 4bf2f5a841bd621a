"""What a reader's browser transfers: a first page view and a first search, in Chromium.

Serves a built site on localhost, opens a postmortem page in a fresh headless Chromium
(empty cache), then types a query into the Pagefind box, and sums the bytes the server
sent for each step (counted by the server: Pagefind fetches from a web worker, which
the page's DevTools log does not see; the server does not compress, so these are
uncompressed sizes).
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
QUERY = "checkout"


_SENT: list[tuple[str, int]] = []
_LOCK = threading.Lock()


class _Counting(http.server.SimpleHTTPRequestHandler):
    """Serves files and records the path and bytes of every response body."""

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        outputfile.write(data)
        with _LOCK:
            _SENT.append((self.path, len(data)))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def _transfers() -> dict[str, int]:
    """Bytes per path served since the last call."""
    with _LOCK:
        sent = list(_SENT)
        _SENT.clear()
    result: dict[str, int] = {}
    for path, size in sent:
        result[path] = result.get(path, 0) + size
    return result


def _describe(name: str, transfers: dict[str, int]) -> Iterator[str]:
    total = sum(transfers.values())
    yield f"{name}: {total / 1e3:,.0f} KB in {len(transfers)} requests; largest:"
    for path, size in sorted(transfers.items(), key=lambda item: -item[1])[:6]:
        yield f"    {size / 1e3:>8,.1f} KB  {path}"


def first_view_and_search(site: Path) -> Iterator[str]:
    """Lines describing the transfers of a first page view and a first search."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError:
        yield "browser: selenium is not installed (pip install -e '.[test]')"
        return
    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        yield f"browser: no {CHROMIUM} / {CHROMEDRIVER}; skipped"
        return
    handler = functools.partial(_Counting, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    page = sorted(site.glob("postmortems/*/*/index.html"))[0].relative_to(site).parent
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    _transfers()
    try:
        driver.get(f"{origin}/{page.as_posix()}/")
        WebDriverWait(driver, 30).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )
        time.sleep(2)  # scripts that fetch after load (Material's sitemap, Pagefind's UI)
        yield from _describe(f"first view of /{page.as_posix()}/", _transfers())
        box = WebDriverWait(driver, 30).until(
            lambda d: d.find_element(By.CSS_SELECTOR, ".pagefind-ui__search-input")
        )
        box.send_keys(QUERY)
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result"))
        time.sleep(2)  # the result fragments load after the first results show
        yield from _describe(f"first search for {QUERY!r}", _transfers())
    finally:
        driver.quit()
        server.shutdown()
