"""The severity, only where the source states it, mapped to the configured scale.

Explicit statements only: the front-matter's `severity`, a `Severity: …` line or table
row, or a SEV word (`SEV2`, `Sev-1`) in the first lines. "Other severity 1 work" in the
prose says nothing about this incident. Words of other scales (`Critical`,
`Major (High)`, `P1`) map through `Settings.severity_aliases`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pmkb.importer.source import Source
from pmkb.settings import Settings

_LABEL = re.compile(r"^[\s#*_>|-]*(?:incident\s+)?(?:severity|sev)\b[\s*_]*[:|=][\s*_|]*(.*)$", re.I)
_SEV_WORD = re.compile(r"\bsev(?:erity)?[\s-]?(\d)\b", re.I)
_WORD = re.compile(r"[A-Za-z]+[\s-]?\d|[A-Za-z]+")
_TOP_LINES = 12
"""How far down a bare SEV word still describes the incident (a subtitle, a header)."""


@dataclass(frozen=True)
class SeverityEvidence:
    """What the source says (`value`), where, and the level of the scale it maps to."""

    value: str
    where: str
    level: str | None


def stated_severity(source: Source, settings: Settings) -> SeverityEvidence | None:
    """The severity the source states, mapped (level None: stated, but not on the scale)."""
    meta = source.front_matter.data if source.front_matter else {}
    for key in ("severity", "sev"):
        if meta.get(key) not in (None, ""):
            value = str(meta[key])
            return SeverityEvidence(value, f"the front-matter's `{key}`", to_scale(value, settings))
    lines = source.lines_outside()
    for index, line in enumerate(lines):
        label = _LABEL.match(line.text)
        if label is None:
            continue
        value = label[1].replace("&#x20;", " ").strip(" *_|")
        if not value and index + 1 < len(lines):  # the value on the next line (a nested list)
            value = lines[index + 1].text.strip(" *_-|\t")
        if value:
            return SeverityEvidence(value, f"line {line.number}", to_scale(value, settings))
    for line in [line for line in source.body if line.text.strip()][:_TOP_LINES]:
        word = _SEV_WORD.search(line.text)
        if word:
            return SeverityEvidence(word[0], f"line {line.number}", to_scale(word[0], settings))
    return None


def to_scale(value: str, settings: Settings) -> str | None:
    """A severity as another template writes it → a level of the scale, or None.

    The whole value first, then its first words: `SEV-1 – full chain halt` is SEV1,
    `Major (High)` is what `major` maps to.
    """
    lookup = settings.severity_lookup
    for candidate in [value, *_WORD.findall(value)[:3]]:
        key = candidate.strip().casefold()
        if key in lookup:
            return lookup[key]
        digit = _SEV_WORD.fullmatch(key)
        if digit and f"sev{digit[1]}" in lookup:
            return lookup[f"sev{digit[1]}"]
    return None
