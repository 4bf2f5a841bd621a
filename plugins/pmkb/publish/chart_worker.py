"""The metrics charts, drawn in a second process while the pages render.

matplotlib costs a build about 1.3 s of one core (0.45 s to import, then eight figures),
and a build is otherwise serial: drawn in a spawned process started as soon as the
metrics are known, the charts are ready by the time the metrics page renders, and
matplotlib's memory is never part of the build process. Should the process fail to
start or die, the charts are drawn here, as before.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING

from pmkb.publish.charts import Chart, all_charts

if TYPE_CHECKING:
    from pmkb.know.metrics import Metrics

CHART_TIMEOUT = 300


class BackgroundCharts:
    """`charts_of(metrics)`, computed ahead in another process for one `Metrics`."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics
        self._future: Future[list[Chart]] | None = None
        try:
            pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            self._future = pool.submit(all_charts, metrics)
            pool.shutdown(wait=False)  # the worker exits once the charts are sent
        except (OSError, RuntimeError):  # no processes here (a sandbox, an interpreter shutting down)
            self._future = None

    def charts_of(self, metrics: Metrics) -> list[Chart]:
        if metrics is self._metrics and self._future is not None:
            try:
                return self._future.result(timeout=CHART_TIMEOUT)
            except Exception:  # noqa: BLE001  # a broken pool or an unpicklable value: draw them here
                self._future = None
        return all_charts(metrics)

    def close(self) -> None:
        """Stop the work if nothing will ask for it (a failed build)."""
        if self._future is not None:
            self._future.cancel()
