"""Our front-matter for an imported postmortem: what the source says, else `TODO`.

Title, services, authors and tags come from the source's front-matter first, then from
its text (the title heading, an `Authors:` line or heading) and its file name. The
source's own front-matter is kept, line for line, as YAML comments.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import PurePath
from typing import Any

import yaml

from pmkb.importer.source import OriginalFrontMatter, Source
from pmkb.importer.table_text import TODO
from pmkb.read.model import TIMESTAMP_KEYS
from pmkb.settings import Settings

_POSTMORTEM_PREFIX = re.compile(r"^(?:incident\s+)?post[- ]?mortem\s*[:\-–—]\s*(?=\S)", re.I)
_LEADING_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\s*[-–—:]?\s*(?=\S)")
_AUTHORS_LABEL = re.compile(r"^[\s#*_>|-]*authors?(?:\(s\))?[\s*_]*(?:[:|]|$)[\s*_|]*(.*?)[\s*_|]*$", re.I)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMAIL = re.compile(r"\s*<[^>]*>|\s*\([^)]*@[^)]*\)")


def title(source: Source) -> tuple[str, str]:
    """The title and where it came from."""
    meta = source.front_matter.data if source.front_matter else {}
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        return _clean_title(meta["title"]), "the front-matter's `title`"
    if source.title_heading is not None:
        text = _POSTMORTEM_PREFIX.sub("", source.title_heading.plain)
        return _clean_title(text), f"the title heading (line {source.title_heading.line})"
    stem = re.sub(r"^\d{4}-\d{2}-\d{2}[-_ ]*", "", PurePath(source.name).stem)
    words = " ".join(re.split(r"[-_\s]+", stem)).strip()
    return words[:1].upper() + words[1:], "the file name"


def _clean_title(text: str) -> str:
    text = html.unescape(text).replace("\u2011", "-")
    text = re.sub(r"\{\{\s*(.*?)\s*\}\}", r"\1", text)
    return _LEADING_DATE.sub("", " ".join(text.split())).strip()


def names(meta: dict[str, Any], *keys: str) -> list[str] | None:
    """A list of names from the first of some front-matter keys that has any."""
    for key in keys:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return split_names(value)
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return [clean_name(v) for v in value if clean_name(v)]
    return None


def authors(source: Source) -> tuple[list[str] | None, str]:
    """Who wrote it: the front-matter's authors, else an `Authors:` line or heading."""
    meta = source.front_matter.data if source.front_matter else {}
    found = names(meta, "authors", "author")
    if found:
        return found, "the front-matter"
    lines = source.lines_outside()
    for index, line in enumerate(lines):
        label = _AUTHORS_LABEL.match(line.text)
        if label is None:
            continue
        value = label[1]
        if not value:  # the names below a heading: its first list item or line
            following = [ln.text for ln in lines[index + 1 : index + 4] if ln.text.strip()]
            value = following[0].strip().lstrip("-*+ ") if following else ""
        found = split_names(value)
        if found:
            return found, f"line {line.number}"
    return None, ""


def split_names(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", _LINK.sub(r"\1", text))
    return [name for name in map(clean_name, parts) if name]


def clean_name(text: str) -> str:
    """`[Sam Lee](https://…)` → `Sam Lee`; `David Ellis <david@…>` → `David Ellis`."""
    text = _EMAIL.sub("", _LINK.sub(r"\1", text))
    return text.strip(" \t*_\"'").rstrip("@").strip()


def missing(fields: dict[str, Any], settings: Settings, original: OriginalFrontMatter | None) -> list[str]:
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
