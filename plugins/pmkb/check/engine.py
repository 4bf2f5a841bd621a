"""The rule engine: runs the rules and turns findings into diagnostics at their levels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pmkb.check.diagnostics import Diagnostic
from pmkb.check.rules import FILE_CHECKS, RULES, Finding, cross_file
from pmkb.check.rules.context import CheckContext
from pmkb.check.suppressions import Suppression, read_suppressions, unsuppressed

if TYPE_CHECKING:
    from pmkb.read.postmortem import Postmortem
    from pmkb.read.services import ServiceCatalog
    from pmkb.settings import Level, Settings


def rule_level(code: str, settings: Settings) -> Level:
    """The level a rule runs at: the most specific override (`PM501`, `PM5`) or its default.

    A family override (`PM3: warning`) does not switch on a rule that is off by default
    (PM311, overdue items): only its own code does.
    """
    default = RULES[code].level
    if code in settings.rules:
        return settings.rules[code]
    for length in range(len(code) - 1, 0, -1):
        override = settings.rules.get(code[:length])
        if override is not None:
            return default if default == "off" else override
    return default


def _relaxed_for_drafts(code: str, settings: Settings) -> bool:
    return any(code.startswith(prefix) for prefix in settings.drafts.relaxed_rules)


def check_postmortem(
    postmortem: Postmortem,
    settings: Settings,
    catalog: ServiceCatalog | None,
    today: dt.date,
) -> list[Diagnostic]:
    """Every per-file rule on one postmortem."""
    context = CheckContext(postmortem, settings, catalog, today)
    findings = [finding for check in FILE_CHECKS for finding in check(context)]
    document = postmortem.document
    findings = unsuppressed(findings, read_suppressions(document.source, document.body_first_line))
    return to_diagnostics(postmortem.path, findings, settings, draft=postmortem.is_draft)


def audit_suppressions(
    postmortem: Postmortem,
    settings: Settings,
    catalog: ServiceCatalog | None,
    today: dt.date,
) -> list[tuple[Suppression, int]]:
    """Each suppression comment of a postmortem and how many findings it silences."""
    document = postmortem.document
    suppressions = read_suppressions(document.source, document.body_first_line)
    if not suppressions:
        return []
    context = CheckContext(postmortem, settings, catalog, today)
    findings = [
        finding
        for check in FILE_CHECKS
        for finding in check(context)
        if rule_level(finding.code, settings) != "off"
    ]
    return [(s, sum(1 for f in findings if s.covers(f))) for s in suppressions]


def check_across(postmortems: list[Postmortem], settings: Settings) -> list[Diagnostic]:
    """The cross-file rules (unique IDs, related links)."""
    diagnostics: list[Diagnostic] = []
    drafts = {p.path for p in postmortems if p.is_draft}
    for path, finding in cross_file.check(postmortems):
        diagnostics += to_diagnostics(path, [finding], settings, draft=path in drafts)
    return diagnostics


def to_diagnostics(
    path: str, findings: Iterable[Finding], settings: Settings, *, draft: bool = False
) -> list[Diagnostic]:
    """Apply rule levels (and the draft policy) to findings."""
    diagnostics = []
    for finding in findings:
        level = rule_level(finding.code, settings)
        if level == "off" or (draft and _relaxed_for_drafts(finding.code, settings)):
            continue
        diagnostics.append(Diagnostic(path, finding.line, finding.col, finding.code, finding.message, level))
    return diagnostics
