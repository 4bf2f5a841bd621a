"""The rule registry: every rule's code, name, default level, fix and documentation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DefaultLevel = Literal["error", "warning", "off"]

FIX_MARKERS = ("; ", " → ")
"""A message that contains one of these says how to fix the problem itself: messages are
written `what is wrong; how to fix it` (or `… → a rewrite`). A message without either gets
its rule's general fix appended in the text output (see `Rule.hint`)."""


@dataclass(frozen=True)
class Finding:
    """A rule firing at a place in a file. The engine turns it into a Diagnostic."""

    code: str
    line: int
    col: int
    message: str


@dataclass(frozen=True)
class Rule:
    """One check with a stable code, like a linter rule."""

    code: str
    name: str
    level: DefaultLevel
    summary: str
    """What the rule checks, in one line."""
    why: str
    """Why it matters for a blameless postmortem."""
    fix: str
    """How to fix a finding in general, one imperative line (like ruff's `fix_title`)."""
    bad: str = ""
    """An example that breaks the rule."""
    good: str = ""
    """The same example, fixed."""

    def at(self, line: int, col: int, message: str) -> Finding:
        """A finding of this rule at a position."""
        return Finding(self.code, line, col, message)

    def hint(self, message: str) -> str | None:
        """The fix to show after a message of this rule: None when the message says its own."""
        return None if says_how_to_fix(message) else self.fix


def says_how_to_fix(message: str) -> bool:
    """Whether a finding's message carries its own, specific fix (see FIX_MARKERS)."""
    return any(marker in message for marker in FIX_MARKERS)


RULES: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    level: DefaultLevel,
    summary: str,
    why: str,
    *,
    fix: str,
    bad: str = "",
    good: str = "",
) -> Rule:
    """Declare a rule and register it under its code."""
    if code in RULES:
        raise ValueError(f"rule {code} declared twice")
    declared = Rule(code, name, level, summary, why, fix, bad.strip("\n"), good.strip("\n"))
    RULES[code] = declared
    return declared
