"""The metrics charts as the page inlines them: one labelled image per chart and width,
the same bytes on every build, no script and no link out, every user-provided name
escaped, and drawn in the build's own process."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import pytest
from conftest import check_files
from pmkb.check import child
from pmkb.know.follow_through import follow_through
from pmkb.know.index import build_index
from pmkb.know.metrics import Metrics, compute_metrics
from pmkb.publish.charts import all_charts
from pmkb.settings import Settings
from processes import cannot_start
from test_follow_through import CORPUS, TODAY
from test_site_build import tiny_site

if TYPE_CHECKING:
    from pathlib import Path

NAMES = ["per-quarter", "times", "completion", "recurrence"]


@pytest.fixture
def metrics(kb_dir: Path) -> Metrics:
    result = check_files(kb_dir, CORPUS, today=TODAY)
    index = build_index(result.postmortems, Settings())
    return compute_metrics(index, follow_through(index, Settings(), TODAY))


def svgs_of(metrics: Metrics) -> list[str]:
    return [svg for chart in all_charts(metrics) for svg in (chart.svg, chart.narrow_svg)]


def test_every_drawing_is_byte_identical_with_stable_ids_distinct_per_chart_and_width(
    metrics: Metrics,
) -> None:
    first = svgs_of(metrics)
    assert svgs_of(metrics) == first  # pygal's ids come from a random uuid
    ids = [found for svg in first for found in re.findall(r' id="([^"]*)"', svg)]
    assert ids == [f"chart-pmkb-{name}{width}" for name in NAMES for width in ("", "-narrow")]
    assert not any("<!--" in svg for svg in first)  # pygal's comment carries the day's date


def test_each_chart_is_one_labelled_image_scaled_by_its_view_box(metrics: Metrics) -> None:
    for chart in all_charts(metrics):
        for svg in (chart.svg, chart.narrow_svg):
            root = ET.fromstring(svg)  # well-formed: inlined as written
            assert svg.startswith('<svg role="img" aria-label="')
            assert root.get("aria-label") == chart.alt
            assert root.get("class") == "pmkb-chart__svg"
            assert root.get("viewBox") and root.get("width") is None and root.get("height") is None
            assert svg.count('role="img"') == 1
            assert root.find(".//text") is not None
            assert [shape for shape in root.iter() if shape.tag in ("rect", "path", "circle")]


def test_the_svg_runs_nothing_links_nowhere_and_takes_the_page_font_and_colour(metrics: Metrics) -> None:
    for svg in svgs_of(metrics):
        assert "<script" not in svg and "://" not in svg and "href" not in svg
        assert not re.search(r"\son\w+=", svg)  # no event handler
        assert "<title" not in svg and "<desc" not in svg  # the aria-label is the only text alternative
        assert set(re.findall(r"font-family:\s*([^;}]*)", svg)) == {"inherit"}
        assert "fill:currentColor" in svg and "stroke:currentColor" in svg


def test_times_chart_draws_a_box_median_whiskers_and_a_dot_per_incident(metrics: Metrics) -> None:
    times = ET.fromstring(all_charts(metrics)[1].svg)
    panels = times.findall("svg")
    assert len(panels) == 3  # detect, mitigate, resolve
    for panel in panels:
        labels = [text.text for text in panel.iter("text")]
        assert "SEV1" in labels and "SEV3" in labels
        assert len(panel.findall(".//circle")) == 3  # one per incident: SEV1 has 2, SEV3 1
        boxes, medians, whiskers = (
            panel.findall(f".//g[@class='series serie-{n} color-{n}']/path") for n in range(3)
        )
        assert (len(boxes), len(medians), len(whiskers)) == (2, 2, 8)


HOSTILE = '<script>&"'


def renamed(metrics: Metrics, severity: str, priority: str) -> Metrics:
    """The metrics with one severity and one priority called `HOSTILE`."""

    def name(key: str) -> str:
        return HOSTILE if key in (severity, priority) else key

    return dataclasses.replace(
        metrics,
        severities=[name(s) for s in metrics.severities],
        per_quarter={q: {name(s): n for s, n in counts.items()} for q, counts in metrics.per_quarter.items()},
        times={name(s): kinds for s, kinds in metrics.times.items()},
        completion_by_priority={name(p): r for p, r in metrics.completion_by_priority.items()},
        on_time_by_priority={name(p): r for p, r in metrics.on_time_by_priority.items()},
    )


def test_user_provided_names_are_escaped_text_never_markup(metrics: Metrics) -> None:
    charts = all_charts(renamed(metrics, "SEV1", "P1"))
    for chart in charts:
        for svg in (chart.svg, chart.narrow_svg):
            assert "<script" not in svg
            root = ET.fromstring(svg)
            assert root.get("aria-label") == chart.alt
            if chart.name != "recurrence":  # severities: a legend, row labels; priorities: bar labels
                assert HOSTILE in [text.text for text in root.iter("text")], chart.name
    assert HOSTILE in charts[1].alt


def test_a_build_draws_the_charts_in_its_own_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    started: list[str] = []

    def command(name: str) -> list[str]:
        started.append(name)
        return cannot_start(name)

    monkeypatch.setattr(child, "command", command)
    root = tiny_site(tmp_path, CORPUS)
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    metrics = (root / "site" / "metrics" / "index.html").read_text(encoding="utf-8")
    assert metrics.count('<svg role="img"') == 8
    assert started == []  # no process of pmkb's: not for the charts, nor the check of 3 files
