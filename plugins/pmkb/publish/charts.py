"""Charts of the metrics, drawn at build time by matplotlib as inline SVG, each at a
desktop and a phone width.

Text and axes are drawn in `currentColor`, so a chart follows the page's light or dark
text colour; the bar colours are mid-tones readable on both backgrounds. Each chart
carries a text alternative; the page puts the numbers in a table beside it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from matplotlib.figure import Figure

    from pmkb.know.metrics import Metrics

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
    narrow_svg: str = ""
    """The same chart drawn for a phone's width (taller, fewer columns); the page shows
    one or the other, so its text stays readable at 390 px."""


WIDE = 7.5
NARROW = 4.0
"""Figure widths in inches: desktop content column, phone screen."""


def _figure(width: float, height: float) -> Figure:
    """A figure outside pyplot (no backend to choose, no figure registry to close it in):
    the process that draws imports less. Its canvas is Agg's, as pyplot's was, because
    `tight_layout` measures text with it (the SVG canvas's measures differ by a fraction
    of a point); `savefig(format="svg")` then draws it with the SVG backend."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    matplotlib.rcParams.update(
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
    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    return figure


def _both(draw: Callable[[bool], tuple[Figure, str]], name: str) -> Chart:
    """Draw a chart at both widths; `draw(narrow)` returns the figure and the alt text."""
    figure, alt = draw(False)
    wide = _svg(figure, name, alt)
    figure, alt = draw(True)
    narrow = _svg(figure, f"{name}-narrow", alt)
    return Chart(name, wide, alt, narrow)


def _svg(figure: Figure, name: str, alt: str) -> str:
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = f"pmkb-{name}"  # stable, distinct ids per chart
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :].replace(_INK, "currentColor")
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    # Smaller, same picture: no metadata, coordinates to 1/100 pt, no indentation.
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = re.sub(r"(\d\.\d\d)\d+", r"\1", svg)
    svg = re.sub(r"\s*\n\s*", " ", svg)
    svg = re.sub(r"font-family: [^;\"]*;? ?", "", svg)  # the page's font, from the CSS
    label = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return svg.replace("<svg", f'<svg role="img" aria-label="{label}" class="pmkb-chart__svg"', 1)


def quarters_caption(metrics: Metrics) -> str:
    """The per-quarter chart's text: its range and the busiest quarter(s), ties named."""
    if not metrics.quarters:
        return "No incidents yet."
    busiest, most = metrics.busiest_quarters
    if len(busiest) == 1:
        peak = f"the busiest quarter was {busiest[0]} with {most} incidents"
    elif len(busiest) <= 3:
        peak = f"the busiest quarters were {_and(busiest)}, with {most} incidents each"
    else:
        peak = f"{len(busiest)} quarters tie for the most incidents, {most} each"
    return (
        f"Stacked bar chart of incidents per quarter by severity, {metrics.quarters[0]} to "
        f"{metrics.quarters[-1]}; {peak}."
    )


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def incidents_per_quarter(metrics: Metrics) -> Chart:
    def draw(narrow: bool) -> tuple[Figure, str]:
        figure = _figure(*((NARROW, 3.4) if narrow else (WIDE, 3.2)))
        axes: Any = figure.subplots()
        bottoms = [0] * len(metrics.quarters)
        for position, severity in enumerate(metrics.severities):
            counts = [metrics.per_quarter[q].get(severity, 0) for q in metrics.quarters]
            axes.bar(
                metrics.quarters,
                counts,
                bottom=bottoms,
                label=severity,
                color=SEVERITY_COLOURS[position % len(SEVERITY_COLOURS)],
            )
            bottoms = [b + c for b, c in zip(bottoms, counts, strict=False)]
        axes.set_ylabel("Incidents")
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.tick_params(axis="x", labelrotation=90 if narrow else 45)
        axes.legend(ncols=len(metrics.severities), loc="lower left", bbox_to_anchor=(0, 1.0))
        return figure, quarters_caption(metrics)

    return _both(draw, "per-quarter")


def _unit(minutes: list[float]) -> tuple[float, str]:
    """Minutes or hours, whichever reads better for these values."""
    return (60.0, "hours") if minutes and max(minutes) > 180 else (1.0, "minutes")


def times_by_severity(metrics: Metrics) -> Chart:
    """Per severity, the spread of each duration: a box (quartiles, median) and a dot per
    incident, on a linear axis in minutes or hours."""
    from pmkb.know.metrics import DURATION_KINDS, DURATION_LABELS

    severities = [s for s in metrics.severities if metrics.times[s]["to_resolve"].count]

    def draw(narrow: bool) -> tuple[Figure, str]:
        height = 0.9 + 0.45 * len(severities)
        figure = _figure(*((NARROW, 3 * height + 0.6) if narrow else (WIDE + 1.5, height + 0.5)))
        panels = figure.subplots(*((3, 1) if narrow else (1, 3)), squeeze=False)
        for axes, kind in zip(panels.flat, DURATION_KINDS, strict=True):
            data = [list(metrics.times[s][kind].values) for s in severities]
            scale, unit = _unit([v for values in data for v in values])
            data = [[v / scale for v in values] for values in data]
            positions = list(range(len(severities), 0, -1))
            axes.boxplot(
                [values or [float("nan")] for values in data],
                positions=positions,
                orientation="horizontal",
                widths=0.55,
                whis=(0, 100),
                showfliers=False,
                medianprops={"color": _INK, "linewidth": 2},
                boxprops={"color": _INK},
                whiskerprops={"color": _INK},
                capprops={"color": _INK},
            )
            for row, (severity, all_values) in enumerate(zip(severities, data, strict=True)):
                colour = SEVERITY_COLOURS[metrics.severities.index(severity) % len(SEVERITY_COLOURS)]
                values = by_rank(all_values, DOTS)
                jitter = [((i * 37) % 11 - 5) / 40 for i in range(len(values))]
                axes.scatter(
                    values,
                    [positions[row] + j for j in jitter],
                    s=14,
                    color=colour,
                    alpha=0.8,
                    zorder=3,
                    linewidths=0,
                )
            axes.set_yticks(positions, severities)
            axes.set_xlim(left=0)
            axes.set_xlabel(f"{DURATION_LABELS[kind]} ({unit})")
        figure.tight_layout()
        parts = [
            f"{s}: median time to detect {_minutes(metrics.times[s]['to_detect'].median)}, "
            f"to resolve {_minutes(metrics.times[s]['to_resolve'].median)}"
            for s in severities
        ]
        dots = (
            f"one dot per incident (up to {DOTS} per severity, evenly spaced by rank)"
            if any(len(v) > DOTS for v in data)
            else "one dot per incident"
        )
        alt = (
            f"Box plots of time to detect, mitigate and resolve by severity, {dots}, "
            "on linear axes. " + "; ".join(parts) + "."
        )
        return figure, alt

    return _both(draw, "times")


DOTS = 40
"""At most this many dots per severity and duration: beyond it, dots at evenly spaced
ranks stand for the rest (the box is always computed from every incident), so the page
stays small at any size of knowledge base."""


def by_rank(values: list[float], limit: int) -> list[float]:
    """`values` (sorted), or `limit` of them at evenly spaced ranks, the ends included."""
    if len(values) <= limit:
        return values
    step = (len(values) - 1) / (limit - 1)
    return [values[round(i * step)] for i in range(limit)]


def _grouped_bars(axes: Any, categories: list[str], series: list[tuple[str, list[float]]]) -> None:
    """One group of bars per category, one bar per series, with a legend on top."""
    width = 0.8 / len(series)
    positions = range(len(categories))
    for offset, (label, values) in enumerate(series):
        shift = (offset - (len(series) - 1) / 2) * width
        axes.bar(
            [x + shift for x in positions],
            values,
            width,
            label=label,
            color=SERIES_COLOURS[offset % len(SERIES_COLOURS)],
        )
    axes.set_xticks(list(positions), categories)
    axes.legend(ncols=len(series), loc="lower left", bbox_to_anchor=(0, 1.0))


def completion_by_priority(metrics: Metrics) -> Chart:
    priorities = list(metrics.completion_by_priority)

    def draw(narrow: bool) -> tuple[Figure, str]:
        figure = _figure(*((NARROW, 3.0) if narrow else (WIDE, 3.0)))
        axes: Any = figure.subplots()
        series = [
            ("Completed", [metrics.completion_by_priority[p].percent or 0 for p in priorities]),
            ("Done by due date", [metrics.on_time_by_priority[p].percent or 0 for p in priorities]),
        ]
        _grouped_bars(axes, priorities, series)
        axes.set_ylim(0, 100)
        axes.set_ylabel("% of action items")
        parts = [f"{p} {metrics.completion_by_priority[p].percent or 0:.0f}% completed" for p in priorities]
        alt = "Bar chart of action-item completion and on-time rates by priority: " + (", ".join(parts) + ".")
        return figure, alt

    return _both(draw, "completion")


def recurrence_by_year(metrics: Metrics) -> Chart:
    years = sorted({q[:4] for q in metrics.quarters})
    recurrent_ids = {p.meta.id for p in metrics.recurrent}
    totals = {
        y: sum(sum(metrics.per_quarter[q].values()) for q in metrics.quarters if q.startswith(y))
        for y in years
    }
    repeats = {
        y: sum(1 for p in metrics.recurrent if p.meta.date and str(p.meta.date.year) == y) for y in years
    }

    def draw(narrow: bool) -> tuple[Figure, str]:
        figure = _figure(*((NARROW, 2.8) if narrow else (WIDE, 2.6)))
        axes: Any = figure.subplots()
        new = [totals[y] - repeats[y] for y in years]
        axes.bar(years, new, label="New", color=SERIES_COLOURS[0])
        axes.bar(
            years,
            [repeats[y] for y in years],
            bottom=new,
            label="Linked to an earlier incident",
            color=SERIES_COLOURS[2],
        )
        axes.set_ylabel("Incidents")
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.legend(ncols=1 if narrow else 2, loc="lower left", bbox_to_anchor=(0, 1.0))
        alt = (
            f"Stacked bar chart of incidents per year, new versus linked to an earlier related "
            f"incident; overall {len(recurrent_ids)} of {metrics.recurrence.total} incidents "
            f"({metrics.recurrence.percent or 0:.0f}%) recurred."
        )
        return figure, alt

    return _both(draw, "recurrence")


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
