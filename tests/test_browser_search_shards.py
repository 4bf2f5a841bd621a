"""In Chromium, Pagefind's own search finds the same pages, with the same scores and
excerpts, in a bundle merged from shards as in a single index's bundle."""

# ruff: noqa: F811  (pytest fixtures imported from browser_kit are used as parameters)
from __future__ import annotations

from pathlib import Path
from typing import Any

from browser_kit import driver, serve  # noqa: F401 (fixtures are used by name)
from selenium.webdriver.remote.webdriver import WebDriver
from test_search_index import Page, demo_pages, index_pages  # noqa: F401 (a fixture, used by name)

QUERIES = ["checkout", "database connection pool", "PM-2025", "deploy rollback", "tomás", "cache"]

SEARCH = """
const [queries, done] = [arguments[0], arguments[arguments.length - 1]];
(async () => {
  const pagefind = await import("/pagefind/pagefind.js");
  await pagefind.init();
  const answers = {};
  for (const query of queries) {
    const found = await pagefind.search(query);
    const data = await Promise.all(found.results.map((result) => result.data()));
    answers[query] = found.results.map((result, n) => [result.score, data[n].url, data[n].excerpt]);
  }
  const severe = await pagefind.search(null, {filters: {severity: "SEV1"}});
  answers["filter severity SEV1"] = severe.results.length;
  return answers;
})().then(done, (error) => done("error: " + error));
"""


def searched(driver: WebDriver, site: Path) -> dict[str, Any]:
    (site / "index.html").write_text("<!doctype html><html lang='en'><body></body></html>", encoding="utf-8")
    server, url = serve(site)
    try:
        driver.get(url + "/")
        driver.set_script_timeout(60)
        answers = driver.execute_async_script(SEARCH, QUERIES)
    finally:
        server.shutdown()
        server.server_close()
    assert not isinstance(answers, str), answers
    return dict(answers)


def test_search_in_a_merged_bundle_finds_what_one_index_finds(
    driver: WebDriver,
    demo_pages: list[Page],
    tmp_path: Path,
) -> None:
    one = index_pages(demo_pages, tmp_path / "one", shard_pages=10_000)
    one.finish()
    sharded = index_pages(demo_pages, tmp_path / "sharded", shard_pages=25)
    sharded.finish()
    expected = searched(driver, tmp_path / "one")
    assert len(expected["checkout"]) > 10 and expected["tomás"], expected
    assert expected["filter severity SEV1"] > 0
    assert searched(driver, tmp_path / "sharded") == expected
