"""PM5xx: blameless language, judged per sentence. Warnings: people quote, and a
suppression comment with a reason records why a sentence stays as written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pmkb.check.language.blame import Blame, find_blame, worth_reading
from pmkb.check.language.passages import passages
from pmkb.check.language.people import People
from pmkb.check.rules.registry import Finding, rule

if TYPE_CHECKING:
    from pmkb.check.rules.context import CheckContext

BLAME_PHRASE = rule(
    "PM501",
    "blameless-phrasing",
    "warning",
    'The text avoids phrases that assign blame ("human error", "careless", "should have known").',
    "Blame makes people hide what they know; the next postmortem gets less honest.",
    fix="Describe what in the system allowed the failure, not who caused it.",
    bad="The outage was caused by human error during the deploy.\n"
    "A careless config change took checkout down.\n"
    "Root cause: operator error.",
    good="The deploy tool accepted a config that had not passed validation.\n"
    "The config change reached every region at once; nothing staged it.\n"
    "Root cause: the failover script ran against the primary without a confirmation.",
)
PERSON_AS_CAUSE = rule(
    "PM502",
    "no-person-as-cause",
    "warning",
    'A person or a role is not the agent of a failure ("Bob forgot", "Alice\'s mistake", '
    '"the DBA ignored the alert"); contributing factors describe conditions in the system.',
    "Naming a person as a cause stops the analysis at the person instead of the system that "
    "let the mistake through.",
    fix="Make a system or a condition the subject of the failure, not a person.",
    bad="- category: process\n  description: Sarah deployed without running the migration check.\n"
    "Bob forgot to follow the manual runbook.\n"
    "Alice's mistake caused the outage.\n"
    "The on-call engineer ignored the disk alert.\n"
    "A junior engineer who didn't follow the process pushed the change.",
    good="- category: process\n  description: The deploy pipeline did not run the migration "
    "check.\n"
    "The runbook step was manual and nothing checked that it had run.\n"
    "The console accepted a production command without a confirmation.\n"
    "The disk alert fired alongside 40 noisy alerts and had no runbook link.\n"
    "The pipeline let a change through without the required review.",
)
COUNTERFACTUAL = rule(
    "PM503",
    "no-counterfactual-blame",
    "warning",
    'No hindsight about people: "should have", "could have", "if only", "had the '
    'reviewer looked" with a person or role as subject.',
    "Hindsight judges people by what was learned afterwards; say what was missing at the time.",
    fix="Say what was missing at the time, not what a person should have done.",
    bad="The on-call engineer should have caught the error spike.\n"
    "We should have noticed the certificate expiry.\n"
    "Had the reviewer looked closer, the typo would not have shipped.",
    good="The error spike was on a dashboard nobody is paged from.\n"
    "Nothing alerted on the certificate's expiry date.\n"
    "The review diff did not show the rendered config, where the typo was visible.",
)

_SUGGESTIONS = {
    "phrase": "which check, default or missing signal let it happen?",
    "lapse": "what made the step easy to miss: was it manual, undocumented or unchecked?",
    "signal": "what made the signal easy to miss: where did it go, how noisy was it?",
    "operation": "describe what let the change through: which check or guard was missing?",
    "noun": 'describe the action and what in the system allowed it, e.g. "the console '
    'accepted the command without a confirmation"',
    "counterfactual": "state what was missing at the time: which signal, check or "
    "information would have shown it?",
}


def check(ctx: CheckContext) -> Iterator[Finding]:
    postmortem = ctx.postmortem
    if not postmortem.document.source:
        return
    people = People.of(postmortem, ctx.catalog)
    phrases = tuple(ctx.settings.blame_phrases)

    def wanted(text: str) -> bool:
        return worth_reading(text, people, phrases)

    for passage in passages(postmortem, ctx.settings, wanted):
        for blame in find_blame(passage, people, phrases):
            line, col = passage.position(blame.start)
            yield _finding(blame, line, col)


def _finding(blame: Blame, line: int, col: int) -> Finding:
    hint = _SUGGESTIONS[blame.kind]
    if blame.rule == "phrase":
        message = f'"{blame.quote}" assigns blame; describe what in the system allowed it → {hint}'
        return BLAME_PHRASE.at(line, col, message)
    if blame.rule == "counterfactual":
        message = f'"{blame.quote}" is hindsight about a person ("{blame.agent}") → {hint}'
        return COUNTERFACTUAL.at(line, col, message)
    message = (
        f'"{blame.quote}" names a person ("{blame.agent}") as the cause; describe the '
        f"condition in the system instead → {hint}"
    )
    return PERSON_AS_CAUSE.at(line, col, message)
