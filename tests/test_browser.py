"""Real-browser end-to-end tests of the demo site: catalog filters and sorting, postmortem
pages and their cross-links, and the Pagefind search box in Material's header.

The site, the server, the browser and the helpers are in browser_kit (shared by every
browser test module, so the demo is built once per session).
"""

# ruff: noqa: F811  (pytest fixtures imported from browser_kit are used as parameters)
from __future__ import annotations

import re

import pytest
from browser_kit import (  # noqa: F401 (fixtures are used by name)
    RELATED_PAIR,
    SUBPATH,
    Row,
    base_url,
    browser_errors,
    by_id,
    catalog,
    choose,
    click,
    count_text,
    driver,
    follow,
    h1,
    load_all_results,
    open_catalog,
    open_page,
    page_errors,
    path_of,
    result_summary,
    search,
    search_input,
    settled_results,
    site_dir,
    subpath_url,
    visible_rows,
    wait,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC

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
        return [row.find_element(By.CSS_SELECTOR, "td:nth-child(4)").text for row in visible_rows(driver)]

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
    link = driver.find_element(By.XPATH, f"//table[@data-pmkb-catalog]//tr[td[1]='{row.id}']/td[3]/a")
    assert link.text == row.title
    follow(driver, link, row.path)
    assert_on_postmortem(driver, row)


def related_link(driver: WebDriver, incident_id: str) -> WebElement:
    """The link to `incident_id` in the "Related incidents" list of the page's footer."""
    block = driver.find_element(By.CSS_SELECTOR, "aside.pmkb-related")
    heading = block.find_element(By.XPATH, "./h2[normalize-space()='Related incidents']")
    assert heading.is_displayed()
    links = heading.find_elements(
        By.XPATH,
        (
            "./following-sibling::ul[1]//a"
            f"[.//*[contains(@class,'pmkb-id')][normalize-space()='{incident_id}']]"
        ),
    )
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


@pytest.mark.parametrize(
    "start", ["/incidents/", "PM-2026-005", "/"], ids=["from-catalog", "from-postmortem", "from-home"]
)
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


def test_search_by_service_and_by_phrase_finds_the_right_postmortems(driver, base_url, catalog, by_id):
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

    panel = wait(driver).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, "#pmkb-search .pagefind-ui__filter-panel"))
    )
    names = panel.find_elements(By.CSS_SELECTOR, ".pagefind-ui__filter-name")
    assert {n.text.strip() for n in names} >= {"Severity", "Service", "Status", "Year", "Category"}
    severity = next(n for n in names if n.text.strip() == "Severity")
    click(driver, severity)
    label = wait(driver).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, "#pmkb-search label[for='severity-SEV1']"))
    )
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


@pytest.mark.parametrize("page", ["/", "/incidents/", "PM-2025-004"], ids=["home", "catalog", "postmortem"])
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
    charts = [chart for chart in charts if chart.is_displayed()]  # wide or narrow, not both
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
