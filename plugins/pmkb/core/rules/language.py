"""PM5xx: blameless language. Warnings: a person may use these words innocently."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .registry import Finding, rule

if TYPE_CHECKING:
    from ..postmortem import Postmortem
    from .context import CheckContext

BLAME_PHRASE = rule(
    "PM501", "blameless-phrasing", "warning",
    "The text avoids phrases that assign blame (\"human error\", \"careless\", \"should have known\").",
    "Blame makes people hide what they know; the next postmortem gets less honest.",
    bad="The outage was caused by human error during the deploy.",
    good="The deploy tool accepted a config that had not passed validation.",
)
PERSON_AS_CAUSE = rule(
    "PM502", "no-person-as-cause", "warning",
    "Contributing factors describe conditions in the system, not people.",
    "Naming a person as a cause stops the analysis at the person instead of the system that "
    "let the mistake through.",
    bad="- category: process\n  description: Sarah deployed without running the migration check.",
    good="- category: process\n  description: The deploy pipeline did not run the migration "
    "check.",
)

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HUMAN_BLAME = re.compile(
    r"\b([A-Z][a-z]+(?: [A-Z][a-z]+)?) (forgot|neglected|mistakenly|carelessly|"
    r"should have|didn't bother|did not bother|ignored)\b"
)
_NOT_NAMES = {
    "The", "This", "That", "It", "We", "Our", "A", "An", "Nobody", "Someone", "Everyone",
    "Team", "On", "Engineer", "Engineers", "Operator", "Operators", "They", "He", "She",
}


def check(ctx: CheckContext) -> Iterator[Finding]:
    postmortem = ctx.postmortem
    if not postmortem.document.source:
        return
    phrases = tuple(phrase.casefold() for phrase in ctx.settings.blame_phrases)
    blame = _phrase_pattern(phrases)
    for number, line in _prose_lines(postmortem.document.source):
        lowered = line.casefold()
        if blame is None or not any(phrase in lowered for phrase in phrases):
            continue  # a substring test first: the word-boundary regex is much slower
        match = blame.search(line)
        if match:
            yield BLAME_PHRASE.at(
                number, match.start() + 1,
                f"\"{match.group(0)}\" assigns blame; describe what in the system allowed it",
            )
    yield from _people_as_causes(postmortem)


@functools.cache
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex for all phrases, longest first, whole words, any case."""
    if not phrases:
        return None
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b", re.IGNORECASE)


def _prose_lines(source: str) -> Iterator[tuple[int, str]]:
    """Numbered lines outside code fences, with HTML comments blanked out."""
    fence: str | None = None
    in_comment = False
    for number, line in enumerate(source.split("\n"), start=1):
        marker = _FENCE.match(line)
        if fence is not None:
            # Only the same character, at least as many times, closes a fence.
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = None
            continue
        if marker:
            fence = marker.group(1)
            continue
        visible, in_comment = _strip_comments(line, in_comment)
        yield number, visible


def _strip_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    out = []
    rest = line
    while rest:
        if in_comment:
            end = rest.find("-->")
            if end < 0:
                return "".join(out), True
            rest, in_comment = rest[end + 3 :], False
        else:
            start = rest.find("<!--")
            if start < 0:
                out.append(rest)
                break
            out.append(rest[:start])
            rest, in_comment = rest[start + 4 :], True
    return "".join(out), in_comment


def _people(postmortem: Postmortem) -> set[str]:
    """Names of people this postmortem mentions: authors, commander, item owners."""
    candidates = [*(postmortem.meta.authors or []), postmortem.meta.incident_commander or ""]
    candidates += [item.owner for item in postmortem.action_items]
    names: set[str] = set()
    for candidate in candidates:
        words = candidate.split()
        if len(words) >= 2 and all(word[:1].isupper() for word in words):
            names.add(candidate)
            if len(words[0]) >= 3:
                names.add(words[0])
    return names


def _people_as_causes(postmortem: Postmortem) -> Iterator[Finding]:
    names = sorted(_people(postmortem), key=len, reverse=True)
    name_pattern = (
        re.compile(r"\b(" + "|".join(re.escape(name) for name in names) + r")\b")
        if names
        else None
    )
    for number, text in _factor_lines(postmortem):
        match = name_pattern.search(text) if name_pattern else None
        if match is None:
            match = next(
                (m for m in _HUMAN_BLAME.finditer(text) if m.group(1) not in _NOT_NAMES), None
            )
        if match is not None:
            yield PERSON_AS_CAUSE.at(
                number, match.start() + 1,
                f"contributing factor names a person (\"{match.group(1)}\"); "
                "describe the condition in the system instead",
            )


def _factor_lines(postmortem: Postmortem) -> Iterator[tuple[int, str]]:
    """The lines of the Contributing Factors section and of the front-matter factors."""
    section = postmortem.sections.get("Contributing Factors")
    if section is not None:
        for offset, line in enumerate(section.body_lines):
            yield section.first_body_line + offset, line
    lines = postmortem.document.source.split("\n")
    for index, _factor in enumerate(postmortem.meta.contributing_factors):
        line, _col = postmortem.key_position("contributing_factors", index, "description")
        if 0 < line <= len(lines):
            yield line, lines[line - 1]
