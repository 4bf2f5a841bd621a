"""The rules, one module per family. Importing this package registers them all."""

from __future__ import annotations

from pmkb.check.rules import (
    action_items,
    cross_file,
    front_matter,
    language,
    reading_lists,
    sections,
    suppressions,
    timeline,
)
from pmkb.check.rules.registry import RULES, Finding, Rule

FILE_CHECKS = (
    front_matter.check,
    sections.check,
    timeline.check,
    action_items.check,
    language.check,
    suppressions.check,
)
"""Per-file checks, in the order their families are numbered."""

__all__ = ["FILE_CHECKS", "RULES", "Finding", "Rule", "cross_file", "reading_lists"]
