"""The metrics charts, drawn in a second process while the pages render.

matplotlib costs a build about 1.3 s of one core (0.4 s to import, then eight figures),
and a build is otherwise serial: drawn in a child process started as soon as the
metrics are known, the charts are ready by the time the metrics page renders, and
matplotlib's memory is never part of the build process. Should the process fail to
start or die, the charts are drawn here, as before.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING, cast

from pmkb.check.child import Channel, Child, Disconnected
from pmkb.publish.charts import Chart, all_charts

if TYPE_CHECKING:
    from pmkb.know.metrics import Metrics

CHART_TIMEOUT = 300


class BackgroundCharts:
    """`charts_of(metrics)`, computed ahead in another process for one `Metrics`."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics
        self._charts: Future[list[Chart]] | None = None
        self._child: Child | None = None
        try:
            self._child = Child(_draw, "pmkb-charts")
        except Disconnected:  # no processes here (a sandbox, an interpreter shutting down)
            return
        self._charts = Future()
        threading.Thread(
            target=self._receive, args=(self._child, self._charts), name="pmkb-charts", daemon=True
        ).start()

    def _receive(self, child: Child, charts: Future[list[Chart]]) -> None:
        """Send the metrics, keep the charts; the child has ended when they are kept."""
        try:
            child.channel.send(self._metrics)
            drawn = cast("list[Chart]", child.channel.receive())
        except Disconnected as exc:
            child.stop()
            child.close()
            charts.set_exception(exc)
            return
        child.close()
        charts.set_result(drawn)

    def charts_of(self, metrics: Metrics) -> list[Chart]:
        if metrics is self._metrics and self._charts is not None:
            try:
                return self._charts.result(timeout=CHART_TIMEOUT)
            except (Disconnected, TimeoutError):  # draw them here
                self.close()
                self._charts = None
        return all_charts(metrics)

    def close(self) -> None:
        """Stop the work if nothing will ask for it (a failed build)."""
        if self._child is not None:
            self._child.stop()


def _draw(channel: Channel) -> None:
    """The child's work: the metrics in, the charts out."""
    channel.send(all_charts(cast("Metrics", channel.receive())))
