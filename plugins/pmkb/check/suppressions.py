"""Suppression comments: `<!-- pmkb-disable PM501: quoted from the incident channel -->`.

In the Markdown body an HTML comment silences the named rules on the next block (the
lines up to the next blank line); `pmkb-disable-line` silences one line (its own, or
the next one when the comment stands alone). In the front-matter a YAML comment does the
same for the next key and its indented value (`# pmkb-disable PM502: …`). A suppression
names rule codes (or a family prefix, `PM5`) and, after a colon, the reason: one without
either is reported by PM801 and the audit (`pmkb check --list-suppressions`) lists all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pmkb.check.rules.registry import Finding

MARKER = "pmkb-disable"
_HTML = re.compile(r"<!--\s*pmkb-disable(?P<scope>-next-line|-line)?(?P<rest>.*?)-->")
_YAML = re.compile(r"#\s*pmkb-disable(?P<scope>-next-line|-line)?(?P<rest>.*)$")
_CODES = re.compile(r"^[\s,]*((?:PM\d{1,3}[\s,]*)*)", re.IGNORECASE)
UNSUPPRESSIBLE = frozenset({"PM801"})
"""The rule about suppressions cannot itself be suppressed."""


@dataclass(frozen=True)
class Suppression:
    """One suppression comment and the lines it covers."""

    line: int
    """Where the comment is."""
    codes: tuple[str, ...]
    reason: str
    first: int
    last: int
    """The lines it silences, inclusive."""

    @property
    def problem(self) -> str | None:
        """What is wrong with it, if anything."""
        if not self.codes:
            return "names no rule code"
        if not self.reason:
            return "gives no reason"
        return None

    def covers(self, finding: Finding) -> bool:
        return (
            self.first <= finding.line <= self.last
            and finding.code not in UNSUPPRESSIBLE
            and any(finding.code.startswith(code) for code in self.codes)
        )


def read_suppressions(source: str, body_first_line: int = 1) -> list[Suppression]:
    """Every suppression comment of a file, in order."""
    if MARKER not in source:
        return []
    lines = source.split("\n")
    found: list[Suppression] = []
    for index, line in enumerate(lines):
        if MARKER not in line:
            continue
        number = index + 1
        in_front_matter = 1 < number < body_first_line - 1
        match = (_YAML if in_front_matter else _HTML).search(line)
        if match is None:
            continue
        alone = not (line[: match.start()] + line[match.end() :]).strip()
        if in_front_matter:
            first, last = _yaml_range(lines, index, alone)
        elif match.group("scope"):
            first = _next_filled(lines, index) if alone else number
            last = first
        else:
            first = _next_filled(lines, index) if alone else number
            last = _block_end(lines, first)
        codes, reason = _parse(match.group("rest"))
        found.append(Suppression(number, codes, reason, first, last))
    return found


def _parse(rest: str) -> tuple[tuple[str, ...], str]:
    match = _CODES.match(rest)
    codes_text = match.group(1) if match else ""
    codes = tuple(code.upper() for code in re.findall(r"PM\d{1,3}", codes_text, re.IGNORECASE))
    reason = rest[len(match.group(0)) if match else 0 :].strip().lstrip(":").strip()
    return codes, reason


def _next_filled(lines: list[str], index: int) -> int:
    """The 1-based number of the first non-blank line after line `index` (0-based)."""
    for later in range(index + 1, len(lines)):
        if lines[later].strip():
            return later + 1
    return index + 1


def _block_end(lines: list[str], first: int) -> int:
    """The last line of the block that starts at line `first`: up to the next blank line."""
    last = first
    while last < len(lines) and lines[last].strip():
        last += 1
    return last


def _yaml_range(lines: list[str], index: int, alone: bool) -> tuple[int, int]:
    """The key after (or on) a YAML comment, with its more indented value lines."""
    start = _next_filled(lines, index) - 1 if alone else index
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start
    while end + 1 < len(lines):
        following = lines[end + 1]
        if following.strip() and len(following) - len(following.lstrip()) <= indent:
            break
        if following.strip() in ("---", "..."):
            break
        end += 1
    return start + 1, end + 1


def unsuppressed(findings: Iterable[Finding], suppressions: list[Suppression]) -> list[Finding]:
    """The findings no suppression covers."""
    if not suppressions:
        return list(findings)
    return [f for f in findings if not any(s.covers(f) for s in suppressions)]
