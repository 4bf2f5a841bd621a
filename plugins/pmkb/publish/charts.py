"""Charts of the metrics, drawn at build time by pygal as inline SVG, each at a desktop
and a phone width.

Text and axes are drawn in `currentColor`, so a chart follows the page's light or dark
text colour; the bar colours are mid-tones readable on both backgrounds. Each chart
carries a text alternative; the page puts the numbers in a table beside it. What makes
pygal's SVG fit to inline (ids, no script, escaping) is `chart_svg`'s job.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pmkb.publish.chart_svg import RENDER_OPTIONS, Panel, inline_svg

if TYPE_CHECKING:
    from collections.abc import Callable

    from pmkb.know.metrics import DurationStats, Metrics

SEVERITY_COLOURS = ["#e53935", "#fb8c00", "#c9a400", "#1e88e5", "#8e8e8e", "#8e24aa"]
SERIES_COLOURS = ["#1e88e5", "#43a047", "#fb8c00"]
INK = "currentColor"
"""The page's text colour: text, axes, and the box plots' lines."""


@dataclass(frozen=True)
class Chart:
    name: str
    svg: str
    """Inline SVG markup, with role="img" and the text alternative as its label."""
    alt: str
    narrow_svg: str = ""
    """The same chart drawn for a phone's width (taller, fewer columns); the page shows
    one or the other, so its text stays readable at 390 px."""


WIDE = 720
NARROW = 360
"""Chart widths in SVG units, about the CSS pixels each is shown at (the desktop content
column, a phone's screen), so the font sizes below are about the page's."""
LABEL_SIZE = 12
TITLE_SIZE = 13
"""Font sizes: axis labels; axis titles and legends."""


def _style(colours: list[str]) -> Any:
    """pygal's Style: the page's text colour and font, no backgrounds, these series colours."""
    from pygal.style import Style

    return Style(
        background="transparent",
        plot_background="transparent",
        foreground=INK,
        foreground_strong=INK,
        foreground_subtle=INK,
        font_family="inherit",
        label_font_size=LABEL_SIZE,
        major_label_font_size=LABEL_SIZE,
        title_font_size=TITLE_SIZE,
        legend_font_size=TITLE_SIZE,
        no_data_font_size=TITLE_SIZE,
        dot_opacity=".8",
        colors=tuple(colours),
        value_colors=tuple("black" for _ in colours),  # unused; given, pygal parses no `currentColor`
    )


def _options(width: int, height: int, colours: list[str], **options: Any) -> dict[str, Any]:
    return {
        **RENDER_OPTIONS,
        "width": width,
        "height": height,
        "style": _style(colours),
        "margin": 6,
        "spacing": 8,
        "truncate_label": -1,  # names in full: the chart is laid out for them
        "truncate_legend": -1,
        "legend_box_size": TITLE_SIZE - 2,
        **options,
    }


def _both(draw: Callable[[bool], tuple[list[Panel], str]], name: str) -> Chart:
    """Draw a chart at both widths; `draw(narrow)` returns the panels and the alt text."""
    panels, alt = draw(False)
    wide = inline_svg(name, alt, panels)
    panels, alt = draw(True)
    narrow = inline_svg(f"{name}-narrow", alt, panels)
    return Chart(name, wide, alt, narrow)


def _ticks(top: float, most: int, *, whole: bool = False) -> list[float]:
    """Axis ticks from 0 to at least `top`, at most `most` steps of 1, 2 or 5 times a power
    of ten apart; steps of whole numbers when `whole` (counts)."""
    power = 0 if whole or top <= 0 else math.floor(math.log10(top / most))
    while True:
        for factor in (1, 2, 5):
            step = factor * 10.0**power
            if top <= most * step:
                steps = max(1, math.ceil(top / step - 1e-9))
                return [round(n * step, 9) for n in range(steps + 1)]
        power += 1


def _counts(top: int) -> list[int]:
    """Ticks of a count axis: whole numbers, 0 to at least `top`."""
    return [int(tick) for tick in _ticks(top, 8, whole=True)]


def _legend_columns(names: list[str], width: int) -> int:
    """As many legend columns as fit `width`, each as wide as the longest name needs."""
    needed = TITLE_SIZE + 10 + 0.6 * TITLE_SIZE * max(map(len, names), default=0)
    return max(1, min(len(names), int(width // needed)))


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
    import pygal

    totals = [sum(metrics.per_quarter[q].values()) for q in metrics.quarters]
    colours = [SEVERITY_COLOURS[n % len(SEVERITY_COLOURS)] for n in range(len(metrics.severities))]

    def draw(narrow: bool) -> tuple[list[Panel], str]:
        chart = pygal.StackedBar(
            **_bars(
                narrow,
                320 if narrow else 300,
                colours,
                metrics.quarters,
                metrics.severities,
                turned=True,
                y_labels=_counts(max(totals, default=0)),
                y_title="Incidents",
            )
        )
        for severity in metrics.severities:
            chart.add(severity, [metrics.per_quarter[q].get(severity, 0) for q in metrics.quarters])
        return [Panel(chart)], quarters_caption(metrics)

    return _both(draw, "per-quarter")


def _unit(minutes: list[float]) -> tuple[float, str]:
    """Minutes or hours, whichever reads better for these values."""
    return (60.0, "hours") if minutes and max(minutes) > 180 else (1.0, "minutes")


BOX = 0.275
"""Half a box's height, in rows: the boxes are a little over half a row tall."""
Point = tuple[float | None, float | None]
BREAK: Point = (None, None)
"""Between two lines of one series (pygal's `allow_interruptions`)."""


def _box_lines(stats: DurationStats, scale: float, row: float) -> dict[str, list[Point]]:
    """A horizontal box plot at `row` as lines, in units of `scale` minutes: the box (first
    to third quartile), the median across it, whiskers to the lowest and highest values
    with short caps; none for a duration no incident has."""
    if not stats.values or stats.q1 is None or stats.median is None or stats.q3 is None:
        return {}
    low, q1, median, q3, high = (
        v / scale for v in (stats.values[0], stats.q1, stats.median, stats.q3, stats.values[-1])
    )
    top, bottom, cap = row + BOX, row - BOX, BOX / 2
    return {
        "box": [(q1, bottom), (q3, bottom), (q3, top), (q1, top), (q1, bottom), BREAK],
        "median": [(median, bottom), (median, top), BREAK],
        "whiskers": [
            *[(low, row), (q1, row), BREAK, (q3, row), (high, row), BREAK],
            *[(low, row - cap), (low, row + cap), BREAK, (high, row - cap), (high, row + cap), BREAK],
        ],
    }


def times_by_severity(metrics: Metrics) -> Chart:
    """Per severity, the spread of each duration: a box (quartiles, median) and a dot per
    incident, on a linear axis in minutes or hours; one panel per duration."""
    import pygal

    from pmkb.know.metrics import DURATION_KINDS, DURATION_LABELS

    severities = [s for s in metrics.severities if metrics.times[s]["to_resolve"].count]
    rows = {s: float(len(severities) - n) for n, s in enumerate(severities)}  # first on top
    dot_colours = [SEVERITY_COLOURS[metrics.severities.index(s) % len(SEVERITY_COLOURS)] for s in severities]

    def panel(kind: str, width: int, height: int) -> Any:
        stats = {s: metrics.times[s][kind] for s in severities}
        scale, unit = _unit([v for s in severities for v in stats[s].values])
        chart = pygal.XY(
            **_options(
                width,
                height,
                [INK, INK, INK, *dot_colours],
                show_legend=False,
                allow_interruptions=True,
                range=(0.4, len(severities) + 0.6),
                x_labels=_ticks(max((v / scale for s in severities for v in stats[s].values), default=1), 5),
                y_labels=[{"label": s, "value": rows[s]} for s in severities],
                show_y_labels=bool(severities),  # else pygal makes up numbers
                show_y_guides=False,
                show_x_guides=True,
                x_title=f"{DURATION_LABELS[kind]} ({unit})",
                x_value_formatter=lambda value: f"{value:g}",
                dots_size=3,
            )
        )
        lines: dict[str, list[Point]] = {"box": [], "median": [], "whiskers": []}
        for severity in severities:
            for part, points in _box_lines(stats[severity], scale, rows[severity]).items():
                lines[part] += points
        for part, points in lines.items():
            chart.add(part, points, show_dots=False, stroke_style={"width": 2 if part == "median" else 1})
        for severity in severities:
            values = by_rank([v / scale for v in stats[severity].values], DOTS)
            jitter = [((i * 37) % 11 - 5) / 40 for i in range(len(values))]
            chart.add(
                severity, [(v, rows[severity] + j) for v, j in zip(values, jitter, strict=True)], stroke=False
            )
        return chart

    def draw(narrow: bool) -> tuple[list[Panel], str]:
        height = 70 + 34 * max(1, len(severities))
        if narrow:
            panels = [
                Panel(panel(kind, NARROW, height), 0, n * height) for n, kind in enumerate(DURATION_KINDS)
            ]
        else:
            width = WIDE // 3
            panels = [
                Panel(panel(kind, width, height), n * width, 0) for n, kind in enumerate(DURATION_KINDS)
            ]
        parts = [
            f"{s}: median time to detect {_minutes(metrics.times[s]['to_detect'].median)}, "
            f"to resolve {_minutes(metrics.times[s]['to_resolve'].median)}"
            for s in severities
        ]
        dots = (
            f"one dot per incident (up to {DOTS} per severity, evenly spaced by rank)"
            if any(len(metrics.times[s][k].values) > DOTS for s in severities for k in DURATION_KINDS)
            else "one dot per incident"
        )
        alt = (
            f"Box plots of time to detect, mitigate and resolve by severity, {dots}, "
            "on linear axes. " + "; ".join(parts) + "."
        )
        return panels, alt

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


def _bars(
    narrow: bool,
    height: int,
    colours: list[str],
    labels: list[str],
    names: list[str],
    *,
    turned: bool = False,
    **options: Any,
) -> dict[str, Any]:
    """Options of a bar chart: a bar or group of bars per label, a legend of the series'
    `names` below. The labels are upright if they fit side by side (and not `turned`),
    else turned to read upwards, ending at their bar; one in every few is shown when
    even turned they would overlap."""
    width = NARROW if narrow else WIDE
    room = width - 80
    longest = max(map(len, labels), default=0)
    if turned or len(labels) * (0.6 * LABEL_SIZE * longest + 8) > room:
        options["x_label_rotation"] = 270 if narrow else 315
        every = math.ceil(len(labels) * (LABEL_SIZE + 4) / room)
        if every > 1:
            options |= {"x_labels_major_every": every, "show_minor_x_labels": False}
    return _options(
        width,
        height,
        colours,
        x_labels=labels,
        legend_at_bottom=True,
        legend_at_bottom_columns=_legend_columns(names, width),
        **options,
    )


def completion_by_priority(metrics: Metrics) -> Chart:
    import pygal

    priorities = list(metrics.completion_by_priority)
    series = [
        ("Completed", [metrics.completion_by_priority[p].percent or 0 for p in priorities]),
        ("Done by due date", [metrics.on_time_by_priority[p].percent or 0 for p in priorities]),
    ]

    def draw(narrow: bool) -> tuple[list[Panel], str]:
        chart = pygal.Bar(
            **_bars(
                narrow,
                300,
                SERIES_COLOURS[:2],
                priorities,
                [label for label, _ in series],
                range=(0, 100),
                y_labels=list(range(0, 101, 20)),
                y_title="% of action items",
            )
        )
        for label, values in series:
            chart.add(label, values)
        parts = [f"{p} {metrics.completion_by_priority[p].percent or 0:.0f}% completed" for p in priorities]
        alt = "Bar chart of action-item completion and on-time rates by priority: " + (", ".join(parts) + ".")
        return [Panel(chart)], alt

    return _both(draw, "completion")


def recurrence_by_year(metrics: Metrics) -> Chart:
    import pygal

    years = sorted({q[:4] for q in metrics.quarters})
    recurrent_ids = {p.meta.id for p in metrics.recurrent}
    totals = {
        y: sum(sum(metrics.per_quarter[q].values()) for q in metrics.quarters if q.startswith(y))
        for y in years
    }
    repeats = {
        y: sum(1 for p in metrics.recurrent if p.meta.date and str(p.meta.date.year) == y) for y in years
    }
    series = [
        ("New", [totals[y] - repeats[y] for y in years]),
        ("Linked to an earlier incident", [repeats[y] for y in years]),
    ]

    def draw(narrow: bool) -> tuple[list[Panel], str]:
        chart = pygal.StackedBar(
            **_bars(
                narrow,
                280 if narrow else 260,
                [SERIES_COLOURS[0], SERIES_COLOURS[2]],
                years,
                [label for label, _ in series],
                y_labels=_counts(max(totals.values(), default=0)),
                y_title="Incidents",
            )
        )
        for label, values in series:
            chart.add(label, values)
        alt = (
            f"Stacked bar chart of incidents per year, new versus linked to an earlier related "
            f"incident; overall {len(recurrent_ids)} of {metrics.recurrence.total} incidents "
            f"({metrics.recurrence.percent or 0:.0f}%) recurred."
        )
        return [Panel(chart)], alt

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
