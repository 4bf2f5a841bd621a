"""pygal's charts made into SVG to inline in a page: one image with a text alternative,
the same bytes on every build, nothing but the picture.

pygal writes an SVG for a browser that runs its tooltip script: a `<script>` with the
chart's whole configuration, a `<desc>` per value for the tooltips, a `<title>` per
axis label, ids from a random uuid and a comment with the day's date. What is kept here
is what is drawn, and the CSS that draws it (`chart.css`, scoped by an id made from the
chart's name, so two charts on a page do not style each other).

Every text pygal writes (names of severities and priorities, from the user's config and
postmortems) is escaped by the XML serialiser; this module reads the SVG back with the
standard library's parser, whichever pygal used (lxml when installed), and writes it
without namespace prefixes, as HTML inlines it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CSS = "file://" + str(Path(__file__).with_name("chart.css"))
"""The charts' pygal CSS template, in place of pygal's own (tooltips, hover, transitions)."""

RENDER_OPTIONS: dict[str, Any] = {
    "css": [CSS],
    "js": [],  # pygal's default links its tooltip script from a CDN
    "disable_xml_declaration": True,
    "explicit_size": False,  # the viewBox only: the page's CSS sizes the chart
    "classes": [],
}
"""pygal options every chart is drawn with."""

_DROPPED_TAGS = {"script", "desc", "title"}
"""The tooltip script and its data, and the tooltips' texts (every label is drawn)."""
_DROPPED_CLASSES = {"tooltip-overlay", "background"}
"""The tooltip itself; backgrounds (the page's shows through)."""
_UNUSED_CLASSES = {"reactive", "tooltip-trigger", "activate-serie"}
"""Classes for the script's hover effects."""
_NUMBERED = ("x", "y", "width", "height", "d", "transform", "cx", "cy", "r", "viewBox")
"""Attributes whose numbers are rounded: a tenth of a unit is under a pixel's width."""
_NUMBER = re.compile(r"-?\d+\.\d+")


@dataclass(frozen=True)
class Panel:
    """One pygal chart, and where it goes in the image (in the panels' units)."""

    chart: Any
    """A pygal chart, configured with `RENDER_OPTIONS` and its series."""
    x: float = 0
    y: float = 0


def inline_svg(name: str, alt: str, panels: list[Panel]) -> str:
    """The panels as one `<svg role="img">` labelled `alt`, sized by its viewBox.

    `name` makes the image's id, `chart-pmkb-<name>`, which scopes its CSS: distinct per
    chart and width. A single panel is the image itself; several are nested in one, each
    at its place, and share one copy of their CSS (they must be styled alike: the same
    Style, the same number of series)."""
    ident = f"pmkb-{name}"
    drawn = [_drawn(panel.chart, ident) for panel in panels]
    if len(drawn) == 1:
        root = drawn[0]
    else:
        styles = [_style_of(svg) for svg in drawn]
        if any(ET.tostring(style) != ET.tostring(styles[0]) for style in styles):
            raise ValueError(f"the panels of chart {name!r} are not styled alike")
        width = max(panel.x + float(svg.get("width", 0)) for panel, svg in zip(panels, drawn, strict=True))
        height = max(panel.y + float(svg.get("height", 0)) for panel, svg in zip(panels, drawn, strict=True))
        root = ET.Element("svg", id=f"chart-{ident}", viewBox=f"0 0 {width:g} {height:g}")
        root.append(styles[0])
        for panel, svg, style in zip(panels, drawn, styles, strict=True):
            svg.remove(style)  # the image's copy styles it: its id is the panels'
            del svg.attrib["id"]
            svg.set("x", f"{panel.x:g}")
            svg.set("y", f"{panel.y:g}")
            root.append(svg)
    attributes = {"role": "img", "aria-label": alt, "class": "pmkb-chart__svg"}
    attributes |= {key: value for key, value in root.attrib.items() if key not in ("width", "height")}
    root.attrib = attributes  # role first: the page's markup starts `<svg role="img"`
    return ET.tostring(root, encoding="unicode")


def _style_of(svg: ET.Element) -> ET.Element:
    """A drawn chart's `<defs>`: pygal's holds only the chart's `<style>`."""
    defs = svg.find("defs")
    if defs is None:
        raise ValueError("a pygal chart without its <defs>")
    return defs


def _drawn(chart: Any, ident: str) -> ET.Element:
    """The chart's SVG tree, its id `chart-<ident>`, without what is not drawn; its
    size, in its own units, as width and height (for placing it among panels)."""
    chart.uuid = ident  # pygal's id for the chart is `chart-<uuid>`, in its CSS too
    root = ET.fromstring(chart.render(is_unicode=True))
    root.tag = "svg"
    _strip(root)
    view_box = root.get("viewBox", "0 0 0 0").split()
    root.attrib = {"id": root.get("id", ""), "viewBox": " ".join(view_box)}
    root.set("width", view_box[2])
    root.set("height", view_box[3])
    return root


def _strip(element: ET.Element) -> None:
    """Below `element`: namespaces off the tags; scripts, tooltips, comments, backgrounds
    and empty groups out; the ids pygal gives legends (for its script, the same in every
    chart) out, and its hover classes; numbers rounded."""
    kept = []
    for child in element:
        tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else None  # None: a comment
        if tag is None or tag in _DROPPED_TAGS or _classes(child) & _DROPPED_CLASSES:
            continue
        child.tag = tag
        _strip(child)
        if tag == "g" and len(child) == 0:
            continue
        if tag == "g" and len(child) == 1 and _classes(child) in ({"dots"}, {"bar"}):
            child = child[0]  # a dot's or bar's own group held its tooltip
        _tidy(child)
        kept.append(child)
    element[:] = kept


def _classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def _tidy(element: ET.Element) -> None:
    if element.tag != "svg":
        element.attrib.pop("id", None)
    for corner in ("rx", "ry"):
        if element.get(corner) == "0":
            del element.attrib[corner]
    classes = [name for name in element.get("class", "").split() if name not in _UNUSED_CLASSES]
    if classes:
        element.set("class", " ".join(classes))
    else:
        element.attrib.pop("class", None)
    for key in _NUMBERED:
        value = element.get(key)
        if value is not None:
            element.set(key, _NUMBER.sub(_rounded, value))


def _rounded(number: re.Match[str]) -> str:
    text = f"{float(number.group()):.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
