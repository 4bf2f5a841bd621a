"""PM801: suppression comments say which rule they silence and why. Numbered with the
language rules, which they mostly silence (and listed with them on the rule reference)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pmkb.check.rules.registry import Finding, rule
from pmkb.check.suppressions import read_suppressions

if TYPE_CHECKING:
    from pmkb.check.rules.context import CheckContext

SUPPRESSION_REASON = rule(
    "PM801",
    "suppression-with-reason",
    "warning",
    "A `pmkb-disable` comment names the rule codes it silences and, after a colon, the reason.",
    "A silenced warning without a reason cannot be reviewed; `pmkb check --list-suppressions` "
    "audits them all.",
    fix="Name the codes and, after a colon, the reason: `<!-- pmkb-disable PM501: why -->`.",
    bad="<!-- pmkb-disable -->\n<!-- pmkb-disable PM501 -->",
    good="<!-- pmkb-disable PM501: quoted from the incident channel -->\n"
    "| Improve monitoring | … | <!-- pmkb-disable-line PM309: umbrella item, split in NW-88 -->",
)


def check(ctx: CheckContext) -> Iterator[Finding]:
    document = ctx.postmortem.document
    for suppression in read_suppressions(document.source, document.body_first_line):
        problem = suppression.problem
        if problem is not None:
            example = "<!-- pmkb-disable PM501: quoted from the incident channel -->"
            yield SUPPRESSION_REASON.at(
                suppression.line,
                1,
                f"suppression {problem}; write it as `{example}`",
            )
