"""The front-matter of an imported postmortem: what the source says, and `TODO`.

Title, date, severity, services, authors and tags are read from the source's own
front-matter first, then from its text (a title heading, `Date: 2024-03-01`,
`Severity: SEV2` or `Sev 2`, `Authors: …`) and its file name. The source's front-matter
is kept, line for line, as YAML comments.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

import yaml

from .import_source import OriginalFrontMatter, Source
from .import_tables import TODO
from .model import TIMESTAMP_KEYS
from .postmortem import parse_iso_date
from .settings import Settings

_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_DATE_LABEL = re.compile(
    r"^[\s*_>|-]*(?:incident\s+)?date[\s*_]*[:|][\s*_]*(\d{4}-\d{2}-\d{2})", re.I | re.M
)
_SEVERITY_LABEL = re.compile(r"\bseverity\b[\s*_]*[:=|][\s*_]*([A-Za-z]*[\s-]?\d\b|\w+)", re.I)
_SEVERITY_MENTION = re.compile(r"\bsev(?:erity)?[\s-]?(\d)\b", re.I)
_AUTHORS_LABEL = re.compile(r"^[\s*_>|-]*authors?[\s*_]*:[\s*_]*(.+?)[\s*_]*$", re.I | re.M)
_POSTMORTEM_PREFIX = re.compile(r"^(?:incident\s+)?post[- ]?mortem\s*[:\-–—]\s*(?=\S)", re.I)


def front_matter_fields(
    source: Source,
    source_name: str,
    settings: Settings,
    severity: str | None,
    next_id: Callable[[int], str],
    this_year: int,
) -> dict[str, Any]:
    """Every key of our front-matter in the template's order; None where unknown."""
    meta = source.front_matter.data if source.front_matter else {}
    date = _date(source, meta, source_name)
    commander = _names(meta, "incident_commander")
    fields: dict[str, Any] = {
        "id": next_id(date.year if date else this_year),
        "title": _title(source, meta, source_name) or None,
        "date": date,
        "status": "draft",
        "severity": severity or _severity(source, meta, settings),
        "services": _names(meta, "services", "service"),
        "authors": _names(meta, "authors", "author") or _authors_line(source.body_text),
        **({"incident_commander": commander[0]} if commander else {}),
        **{key: None for key in TIMESTAMP_KEYS},
        "contributing_factors": [],
        "related": [],
        "tags": _names(meta, "tags") or [],
    }
    return fields


def _title(source: Source, meta: dict[str, Any], source_name: str) -> str:
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        return " ".join(meta["title"].split())
    if source.title_heading is not None:
        return _POSTMORTEM_PREFIX.sub("", source.title_heading.plain).strip()
    stem = re.sub(r"^\d{4}-\d{2}-\d{2}[-_ ]*", "", PurePath(source_name).stem)
    words = " ".join(re.split(r"[-_\s]+", stem)).strip()
    return words[:1].upper() + words[1:]


def _date(source: Source, meta: dict[str, Any], source_name: str) -> dt.date | None:
    value = meta.get("date")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    candidates = [str(value or "")[:10], *_DATE.findall(PurePath(source_name).name)]
    prose = source.text_outside("Action Items")  # due dates are not the incident's date
    candidates += _DATE_LABEL.findall(prose) + _DATE.findall(prose)
    return next((d for d in map(parse_iso_date, candidates) if d), None)


def _severity(source: Source, meta: dict[str, Any], settings: Settings) -> str | None:
    scale = {level.casefold(): level for level in settings.severities}

    def level(text: str) -> str | None:
        text = str(text).strip()
        digit = re.fullmatch(r"(?:sev(?:erity)?)?[\s-]*(\d)", text, re.I)
        return scale.get(text.casefold()) or (scale.get(f"sev{digit[1]}") if digit else None)

    candidates = [str(meta.get("severity", ""))]
    candidates += _SEVERITY_LABEL.findall(source.body_text)
    candidates += _SEVERITY_MENTION.findall(source.body_text)
    return next((found for found in map(level, candidates) if found), None)


def _names(meta: dict[str, Any], *keys: str) -> list[str] | None:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return [value.strip()]
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return [v.strip() for v in value]
    return None


def _authors_line(body: str) -> list[str] | None:
    match = _AUTHORS_LABEL.search(body)
    names = re.split(r"\s*(?:,|;|\band\b)\s*", match[1]) if match else []
    return [name for name in names if name] or None


def missing_keys(
    fields: dict[str, Any], settings: Settings, original: OriginalFrontMatter | None
) -> list[str]:
    """What the author still has to write in the front-matter."""
    hints = {
        "title": "title: a short, specific title",
        "date": "date: the day the incident started (YYYY-MM-DD)",
        "severity": f"severity: one of {', '.join(settings.severities)}",
        "services": "services: the affected services",
        "authors": "authors: who wrote this postmortem",
    }
    todo = [hint for key, hint in hints.items() if not fields[key]]
    todo.append(f"{', '.join(TIMESTAMP_KEYS)}: timestamps with a timezone (…T14:05:00Z)")
    todo.append(
        "contributing_factors: one {category, description} per factor; categories: "
        + ", ".join(settings.factor_categories)
    )
    if original is not None and original.problem:
        todo.append(f"front-matter: {original.problem}; its lines are kept as YAML comments")
    return todo


def front_matter_lines(
    fields: dict[str, Any], original: OriginalFrontMatter | None, source_name: str
) -> list[str]:
    """The front-matter block: our keys, then the original block as comments."""
    lines = ["---", *(f"{key}: {_yaml(value)}" for key, value in fields.items())]
    lines.append(f'# Imported by `pmkb import` from {source_name}; replace every "TODO".')
    if original is not None:
        lines.append(f"# The original {original.kind} front-matter:")
        lines += [f"# {line}".rstrip() for line in original.lines]
    return lines + ["---"]


def _yaml(value: object) -> str:
    """A YAML value that stays valid whatever the text: strings are JSON-quoted."""
    if value is None:
        return json.dumps(TODO)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
    text = str(value)
    plain = re.fullmatch(r"[A-Za-z][\w-]*", text) and yaml.safe_load(text) == text
    return text if plain else json.dumps(text, ensure_ascii=False)
