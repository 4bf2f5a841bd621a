"""PM2xx: the required sections are present, filled in, and say what they must."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pmkb.check.rules.registry import Finding, rule
from pmkb.read.names import normalise_heading

if TYPE_CHECKING:
    from pmkb.check.rules.context import CheckContext
    from pmkb.read.document import Section

MISSING_SECTION = rule(
    "PM201",
    "required-sections",
    "error",
    "Every section the severity requires is present as a `##` heading (aliases count).",
    "A uniform structure lets readers find the impact or the action items of any incident at once.",
    fix="Add the section as a level-2 heading, e.g. `## Impact`; an alias counts too.",
    bad="## Summary\n...\n## Action Items",
    good="## Summary\n...\n## Impact\n...\n## Timeline\n...\n## Action Items",
)
EMPTY_SECTION = rule(
    "PM202",
    "non-empty-sections",
    "error",
    "Required sections have content (an HTML comment does not count).",
    "An empty heading looks complete in review and teaches nothing.",
    fix="Write the section's content; an HTML comment does not count.",
    bad="## What Went Well\n\n## What Went Wrong",
    good="## What Went Well\nThe on-call engineer had a runbook for pool exhaustion.",
)
SUMMARY_LENGTH = rule(
    "PM203",
    "summary-length",
    "error",
    "The Summary is one to three sentences.",
    "The summary is what the catalog and search results show; it must stand on its own.",
    fix="Write the Summary in one to three sentences; move detail to Impact or Timeline.",
    bad="## Summary\nThe checkout API failed. Then it recovered. Payments were slow. Then the queue drained.",
    good="## Summary\nFor 22 minutes, 4% of checkouts failed because the payments database "
    "pool was exhausted after a deploy.",
)
IMPACT_QUANTIFIED = rule(
    "PM204",
    "impact-quantified",
    "error",
    "The Impact section contains a number (users, orders, minutes, percent, money).",
    "Without a number, readers cannot compare incidents or judge what a fix is worth.",
    fix="Quantify the impact: users, requests, orders, minutes, percent or money.",
    bad="## Impact\nSome customers could not check out.",
    good="## Impact\n1,240 checkouts (4.2%) failed over 22 minutes.",
)

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)  # an unclosed comment runs to the end
_SENTENCE_END = re.compile(r"(?<!\b[A-Za-z])(?<!\be\.g)(?<!\bi\.e)(?<!\betc)[.!?]+(?=\s|$)")
_NUMBER = re.compile(r"\d")


def check(ctx: CheckContext) -> Iterator[Finding]:
    postmortem = ctx.postmortem
    if postmortem.document.front_matter is None:
        return
    for name in ctx.settings.sections_for(postmortem.meta.severity):
        section = postmortem.sections.get(name)
        if section is None:
            yield _missing(ctx, name)
        elif not has_content(section):
            yield EMPTY_SECTION.at(section.line, 1, f"section `{section.title}` is empty; fill it in")
    summary = postmortem.sections.get("Summary")
    if summary is not None and has_content(summary):
        count = sentence_count(summary.text)
        if not 1 <= count <= 3:
            yield SUMMARY_LENGTH.at(
                summary.line,
                1,
                f"summary has {count} sentences; write 1 to 3 (move detail to Impact or Timeline)",
            )
    impact = postmortem.sections.get("Impact")
    if impact is not None and has_content(impact) and not _NUMBER.search(impact.text):
        yield IMPACT_QUANTIFIED.at(
            impact.line,
            1,
            "impact has no number; quantify it (users, requests, orders, minutes, %, money)",
        )


def _missing(ctx: CheckContext, name: str) -> Finding:
    document = ctx.postmortem.document
    aliases = ctx.settings.section_aliases.get(name, [])
    names = {normalise_heading(title) for title in (name, *aliases)}
    misplaced = next(
        (h for h in document.headings if h.level != 2 and normalise_heading(h.title) in names),
        None,
    )
    if misplaced is not None:
        return MISSING_SECTION.at(
            misplaced.line,
            1,
            f"section `{name}` must be a level-2 heading: write `## {misplaced.title}`",
        )
    severity = ctx.postmortem.meta.severity
    if severity not in ctx.settings.severities:
        severity = "every severity"
    also = f" (or {', '.join(aliases[:3])})" if aliases else ""
    return MISSING_SECTION.at(
        document.body_first_line,
        1,
        f"missing section `## {name}`{also}, required for {severity}",
    )


def has_content(section: Section) -> bool:
    """True when the section body holds more than whitespace and HTML comments."""
    return bool(_COMMENT.sub("", "\n".join(section.body_lines)).strip())


def sentence_count(text: str) -> int:
    """Sentences in plain text; abbreviations like e.g. and decimals do not end one."""
    text = _COMMENT.sub("", text).strip()
    if not text:
        return 0
    ends = _SENTENCE_END.findall(text)
    trailing = 0 if re.search(r"[.!?]\s*$", text) else 1
    return max(1, len(ends) + trailing)
