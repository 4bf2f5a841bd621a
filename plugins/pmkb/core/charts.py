"""Charts of the metrics, drawn at build time by matplotlib as inline SVG.

Text and axes are drawn in `currentColor`, so a chart follows the page's light or dark
text colour; the bar colours are mid-tones readable on both backgrounds. Each chart
carries a text alternative; the page puts the numbers in a table beside it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .metrics import Metrics

_INK = "#010203"
"""A colour no chart uses, replaced by `currentColor` in the SVG."""
SEVERITY_COLOURS = ["#e53935", "#fb8c00", "#c9a400", "#1e88e5", "#8e8e8e", "#8e24aa"]
SERIES_COLOURS = ["#1e88e5", "#43a047", "#fb8c00"]


@dataclass(frozen=True)
class Chart:
    name: str
    svg: str
    """Inline SVG markup, with role="img" and the text alternative as its label."""
    alt: str


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.fonttype": "none",
            "font.family": "sans-serif",
            "font.size": 10,
            "text.color": _INK,
            "axes.labelcolor": _INK,
            "axes.edgecolor": _INK,
            "xtick.color": _INK,
            "ytick.color": _INK,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.facecolor": "none",
            "figure.facecolor": "none",
            "savefig.facecolor": "none",
            "legend.frameon": False,
        }
    )
    return plt


def _finish(plt, figure, name: str, alt: str) -> Chart:
    plt.rcParams["svg.hashsalt"] = f"pmkb-{name}"  # stable, distinct ids per chart
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :].replace(_INK, "currentColor")
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    label = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    svg = svg.replace(
        "<svg", f'<svg role="img" aria-label="{label}" class="pmkb-chart__svg"', 1
    )
    return Chart(name, svg, alt)


def incidents_per_quarter(metrics: Metrics) -> Chart:
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7.5, 3.2))
    bottoms = [0] * len(metrics.quarters)
    for position, severity in enumerate(metrics.severities):
        counts = [metrics.per_quarter[q].get(severity, 0) for q in metrics.quarters]
        axes.bar(metrics.quarters, counts, bottom=bottoms, label=severity,
                 color=SEVERITY_COLOURS[position % len(SEVERITY_COLOURS)])
        bottoms = [b + c for b, c in zip(bottoms, counts, strict=False)]
    axes.set_ylabel("Incidents")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.tick_params(axis="x", labelrotation=45)
    axes.legend(ncols=len(metrics.severities), loc="upper left", bbox_to_anchor=(0, 1.15))
    busiest = max(metrics.quarters, key=lambda q: sum(metrics.per_quarter[q].values()), default="")
    alt = (
        f"Stacked bar chart of incidents per quarter by severity, {metrics.quarters[0]} to "
        f"{metrics.quarters[-1]}; the busiest quarter was {busiest} with "
        f"{sum(metrics.per_quarter[busiest].values())} incidents."
        if metrics.quarters
        else "No incidents yet."
    )
    return _finish(plt, figure, "per-quarter", alt)


def _grouped_bars(axes, categories: list[str], series: list[tuple[str, list[float]]]) -> None:
    """One group of bars per category, one bar per series, with a legend on top."""
    width = 0.8 / len(series)
    positions = range(len(categories))
    for offset, (label, values) in enumerate(series):
        shift = (offset - (len(series) - 1) / 2) * width
        axes.bar([x + shift for x in positions], values, width, label=label,
                 color=SERIES_COLOURS[offset % len(SERIES_COLOURS)])
    axes.set_xticks(list(positions), categories)
    axes.legend(ncols=len(series), loc="upper left", bbox_to_anchor=(0, 1.15))


def times_by_severity(metrics: Metrics) -> Chart:
    from .metrics import DURATION_KINDS, DURATION_LABELS

    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7.5, 3.2))
    series = [
        (f"{DURATION_LABELS[kind]} (median)",
         [metrics.times[s][kind].median or 0 for s in metrics.severities])
        for kind in DURATION_KINDS
    ]
    _grouped_bars(axes, metrics.severities, series)
    axes.set_yscale("log")
    axes.set_ylabel("Minutes (log scale)")
    parts = [
        f"{s}: detect {_minutes(metrics.times[s]['to_detect'].median)}, "
        f"resolve {_minutes(metrics.times[s]['to_resolve'].median)}"
        for s in metrics.severities
    ]
    alt = "Grouped bar chart of median time to detect, mitigate and resolve by severity. " + (
        "; ".join(parts) + "."
    )
    return _finish(plt, figure, "times", alt)


def completion_by_priority(metrics: Metrics) -> Chart:
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7.5, 3.0))
    priorities = list(metrics.completion_by_priority)
    series = [
        ("Completed", [metrics.completion_by_priority[p].percent or 0 for p in priorities]),
        ("Done by due date", [metrics.on_time_by_priority[p].percent or 0 for p in priorities]),
    ]
    _grouped_bars(axes, priorities, series)
    axes.set_ylim(0, 100)
    axes.set_ylabel("% of action items")
    parts = [
        f"{p} {metrics.completion_by_priority[p].percent or 0:.0f}% completed"
        for p in priorities
    ]
    alt = "Bar chart of action-item completion and on-time rates by priority: " + (
        ", ".join(parts) + "."
    )
    return _finish(plt, figure, "completion", alt)


def recurrence_by_year(metrics: Metrics) -> Chart:
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7.5, 2.6))
    years = sorted({q[:4] for q in metrics.quarters})
    recurrent_ids = {p.meta.id for p in metrics.recurrent}
    totals = {y: sum(sum(metrics.per_quarter[q].values()) for q in metrics.quarters
                     if q.startswith(y)) for y in years}
    repeats = {y: sum(1 for p in metrics.recurrent if p.meta.date and str(p.meta.date.year) == y)
               for y in years}
    axes.bar(years, [totals[y] - repeats[y] for y in years], label="New", color=SERIES_COLOURS[0])
    axes.bar(years, [repeats[y] for y in years], bottom=[totals[y] - repeats[y] for y in years],
             label="Linked to an earlier incident", color=SERIES_COLOURS[2])
    axes.set_ylabel("Incidents")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(ncols=2, loc="upper left", bbox_to_anchor=(0, 1.2))
    alt = (
        f"Stacked bar chart of incidents per year, new versus linked to an earlier related "
        f"incident; overall {len(recurrent_ids)} of {metrics.recurrence.total} incidents "
        f"({metrics.recurrence.percent or 0:.0f}%) recurred."
    )
    return _finish(plt, figure, "recurrence", alt)


def _minutes(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0f} min" if value < 120 else f"{value / 60:.1f} h"


def all_charts(metrics: Metrics) -> list[Chart]:
    if not metrics.quarters:
        return []
    return [
        incidents_per_quarter(metrics),
        times_by_severity(metrics),
        completion_by_priority(metrics),
        recurrence_by_year(metrics),
    ]
