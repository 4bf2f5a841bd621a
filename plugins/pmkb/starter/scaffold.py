"""A new postmortem from the template: the next free ID, the file name, the filled-in text."""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from pmkb.read.names import slugify

SLUG_LENGTH = 60


class ScaffoldError(Exception):
    """The new postmortem cannot be made as asked; the message says why and what to do."""


DEFAULT_ID_FORMAT = "PM-{year}-{number:03d}"


def next_free_id(existing: Iterable[str], year: int, id_pattern: str, id_format: str | None = None) -> str:
    """One above the highest number used (that year, when the IDs hold the year).

    Without an `id_format`, the default shape is tried, then the shapes of the IDs the
    knowledge base already has (`INC-2026-0042` teaches `INC-{year}-{number:04d}`), and
    the first whose next ID matches `id_pattern` wins.
    """
    ids = list(existing)
    formats = [id_format] if id_format else [DEFAULT_ID_FORMAT, *_learned_formats(ids, id_pattern)]
    for shape in formats:
        regex = _format_regex(shape)
        numbers = [
            int(match["number"])
            for incident_id in ids
            if (match := regex.fullmatch(incident_id))
            and match.groupdict().get("year", str(year)) == str(year)
        ]
        candidate = shape.format(year=year, number=max(numbers, default=0) + 1)
        if re.search(id_pattern, candidate):
            return candidate
    raise ScaffoldError(
        f"cannot tell how to write a new ID that matches id_pattern `{id_pattern}`; set "
        "`id_format` in the plugin options, e.g. `id_format: INC-{year}-{number:04d}`"
    )


def _format_regex(shape: str) -> re.Pattern[str]:
    """A regex that reads `{year}` and `{number}` back out of IDs written with `shape`."""
    parts = []
    for literal, name, _spec, _conversion in string.Formatter().parse(shape):
        parts.append(re.escape(literal))
        if name == "year":
            parts.append(r"(?P<year>\d{4})")
        elif name == "number":
            parts.append(r"(?P<number>\d+)")
    return re.compile("".join(parts))


def _learned_formats(ids: list[str], id_pattern: str) -> list[str]:
    """ID shapes seen in the knowledge base, the most common first."""
    shapes: Counter[str] = Counter()
    for incident_id in ids:
        match = re.fullmatch(r"(.*?)(\d+)(\D*)", incident_id)
        if match is None or not re.search(id_pattern, incident_id):
            continue
        prefix, digits, suffix = (p.replace("{", "{{").replace("}", "}}") for p in match.groups())
        prefix = re.sub(r"(?<!\d)(?:19|20)\d\d(?!\d)", "{year}", prefix, count=1)
        shapes[f"{prefix}{{number:0{len(digits)}d}}{suffix}"] += 1
    return [shape for shape, _ in shapes.most_common()]


_LEADING_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:-|$)")


def file_slug(title: str) -> str:
    """The slugified title, at most 60 characters, without a leading date (the file name
    starts with the day already: no `2018-02-12-2018-02-12-…`)."""
    slug = _LEADING_DATE.sub("", slugify(title))[:SLUG_LENGTH].rstrip("-")
    return slug or "unnamed"


def file_name(day: dt.date | None, title: str) -> str:
    """`<yyyy-mm-dd>-<slug>.md`, or `<slug>.md` when the day is not known."""
    return f"{day.isoformat()}-{file_slug(title)}.md" if day else f"{file_slug(title)}.md"


def target_path(docs_dir: Path, day: dt.date, title: str) -> Path:
    """`<docs>/<yyyy>/<yyyy-mm-dd>-<slug>.md`."""
    return docs_dir / f"{day.year}" / file_name(day, title)


def _yaml_string(value: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def fill_template(
    template: str,
    *,
    incident_id: str,
    title: str,
    day: dt.date,
    severity: str,
    services: list[str],
    authors: list[str],
) -> str:
    """Replace the template's `{{…}}` placeholders; values are quoted for YAML."""
    values = {
        "id": incident_id,
        "title": _yaml_string(title)[1:-1],  # the template already quotes the title
        "date": day.isoformat(),
        "severity": severity,
        "services": ", ".join(_yaml_string(s) for s in services),
        "authors": ", ".join(_yaml_string(a) for a in authors),
    }
    text = template
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    left = sorted(set(re.findall(r"\{\{(\w+)\}\}", text)))
    if left:
        raise ScaffoldError(f"the template has placeholders pmkb does not know: {', '.join(left)}")
    return text
