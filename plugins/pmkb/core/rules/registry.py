"""The rule registry: every rule's code, name, default level and documentation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DefaultLevel = Literal["error", "warning", "off"]


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
    bad: str = ""
    """An example that breaks the rule."""
    good: str = ""
    """The same example, fixed."""

    def at(self, line: int, col: int, message: str) -> Finding:
        """A finding of this rule at a position."""
        return Finding(self.code, line, col, message)


RULES: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    level: DefaultLevel,
    summary: str,
    why: str,
    bad: str = "",
    good: str = "",
) -> Rule:
    """Declare a rule and register it under its code."""
    if code in RULES:
        raise ValueError(f"rule {code} declared twice")
    declared = Rule(code, name, level, summary, why, bad.strip("\n"), good.strip("\n"))
    RULES[code] = declared
    return declared
