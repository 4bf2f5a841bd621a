"""A new postmortem from the template: the next free ID, the file name, the filled-in text."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from pathlib import Path

from .index import slugify

SLUG_LENGTH = 60


class ScaffoldError(Exception):
    """The new postmortem cannot be made as asked; the message says why and what to do."""


def next_free_id(existing: Iterable[str], year: int, id_pattern: str) -> str:
    """`PM-<year>-<NNN>`, one above the highest number used that year."""
    numbers = [
        int(match.group(1))
        for incident_id in existing
        if (match := re.fullmatch(rf"PM-{year}-(\d+)", incident_id))
    ]
    candidate = f"PM-{year}-{max(numbers, default=0) + 1:03d}"
    if not re.search(id_pattern, candidate):
        raise ScaffoldError(
            f"the next ID would be {candidate}, which does not match id_pattern "
            f"`{id_pattern}`; edit the id by hand after creating the file"
        )
    return candidate


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
