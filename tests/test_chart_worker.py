"""The metrics charts drawn in a child process are the ones drawn here; when no child can
start, or it dies, they are drawn here, with no traceback and no process left behind."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from conftest import check_files
from pmkb.check import child
from pmkb.know.follow_through import follow_through
from pmkb.know.index import build_index
from pmkb.know.metrics import Metrics, compute_metrics
from pmkb.publish import chart_worker
from pmkb.publish.chart_worker import BackgroundCharts
from pmkb.publish.charts import Chart, all_charts
from pmkb.settings import Settings
from processes import cannot_start, child_processes, dying_child, needs_proc
from test_follow_through import CORPUS, TODAY

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def metrics(kb_dir: Path) -> Metrics:
    result = check_files(kb_dir, CORPUS, today=TODAY)
    index = build_index(result.postmortems, Settings())
    return compute_metrics(index, follow_through(index, Settings(), TODAY))


@needs_proc
def test_the_child_draws_the_charts_drawn_here_and_is_gone_once_they_are_received(
    metrics: Metrics, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    drawn_here = all_charts(metrics)
    before = child_processes()

    def cannot_draw(metrics: Metrics) -> list[Chart]:
        raise AssertionError("drawn in this process")

    monkeypatch.setattr(chart_worker, "all_charts", cannot_draw)  # in this process only
    charts = BackgroundCharts(metrics).charts_of(metrics)
    assert child_processes() == before
    assert charts == drawn_here
    assert [c.name for c in charts] == ["per-quarter", "times", "completion", "recurrence"]
    assert capfd.readouterr().err == ""


@needs_proc
@pytest.mark.parametrize(
    "command",
    [cannot_start, dying_child(), dying_child("receive"), dying_child("receive", "receive")],
    ids=["cannot start", "dies at once", "dies having the function", "dies having the metrics"],
)
def test_the_charts_are_drawn_here_when_the_child_cannot_start_or_dies(
    metrics: Metrics, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], command: object
) -> None:
    before = child_processes()
    monkeypatch.setattr(child, "command", command)
    assert BackgroundCharts(metrics).charts_of(metrics) == all_charts(metrics)
    assert child_processes() == before
    assert capfd.readouterr().err == ""
