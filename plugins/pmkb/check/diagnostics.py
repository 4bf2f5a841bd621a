"""Diagnostics and their renderings: for people, for GitHub annotations, for machines."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

from pmkb.check.rules.registry import RULES

Severity = Literal["error", "warning"]
FORMATS = ("text", "github", "json")


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A problem at `path:line:col`. Ordering sorts by place, then code."""

    path: str
    line: int
    col: int
    code: str
    message: str
    level: Severity

    @property
    def rule_name(self) -> str:
        rule = RULES.get(self.code)
        return rule.name if rule else ""

    @property
    def fix(self) -> str:
        """The rule's general fix (one imperative line)."""
        rule = RULES.get(self.code)
        return rule.fix if rule else ""

    @property
    def hint(self) -> str | None:
        """The fix shown after the message, unless the message already says how to fix it."""
        rule = RULES.get(self.code)
        return rule.hint(self.message) if rule else None

    def __str__(self) -> str:
        hint = f" → {self.hint}" if self.hint else ""
        suffix = " [warning]" if self.level == "warning" else ""
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}{hint}{suffix}"

    def explained(self, rules_url: str | None) -> str:
        """The one-line form, ending with where the rule is documented."""
        return f"{self} ({rule_pointer(self.code, rules_url)})"


def rule_pointer(code: str, rules_url: str | None) -> str:
    """The rule's entry in the site's rule reference, or the command that prints it."""
    if rules_url:
        return f"see {rules_url}#{code.lower()}"
    return f"see `pmkb rule {code}`"


def render(
    diagnostics: Iterable[Diagnostic],
    output_format: str,
    files_checked: int,
    rules_url: str | None = None,
) -> str:
    """All diagnostics, sorted, in one of FORMATS. `rules_url` is the rule reference page."""
    ordered = sorted(diagnostics)
    if output_format == "json":
        return json.dumps(
            [
                asdict(d) | {"rule": d.rule_name, "fix": d.fix, "docs": rule_pointer(d.code, rules_url)[4:]}
                for d in ordered
            ],
            indent=2,
        )
    if output_format == "github":
        lines = [github_annotation(d, rules_url) for d in ordered]
        return "\n".join([*lines, summary(ordered, files_checked)])
    lines = [d.explained(rules_url) for d in ordered]
    return "\n".join([*lines, summary(ordered, files_checked)])


def summary(diagnostics: list[Diagnostic], files_checked: int) -> str:
    errors = sum(1 for d in diagnostics if d.level == "error")
    warnings = len(diagnostics) - errors
    files = len({d.path for d in diagnostics})
    checked = f"{files_checked} file{'s' if files_checked != 1 else ''}"
    if not diagnostics:
        return f"All good: {checked} checked, no problems."
    return f"Found {_count(errors, 'error')} and {_count(warnings, 'warning')} in {files} of {checked}."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def github_annotation(diagnostic: Diagnostic, rules_url: str | None = None) -> str:
    """A GitHub Actions workflow command that annotates the file and line."""
    properties = ",".join(
        f"{key}={_escape_property(str(value))}"
        for key, value in (
            ("file", diagnostic.path),
            ("line", diagnostic.line),
            ("col", diagnostic.col),
            ("title", f"{diagnostic.code} {diagnostic.rule_name}".strip()),
        )
    )
    fix = f"\nFix: {diagnostic.fix}" if diagnostic.fix else ""
    message = f"{diagnostic.message}{fix} ({rule_pointer(diagnostic.code, rules_url)})"
    return f"::{diagnostic.level} {properties}::{_escape_data(message)}"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")
