"""Is an action item specific? It names what changes and how one would see it done.

An action is read clause by clause (`Investigate X and add Y`). A clause is specific
when a verb of change (add, alert, set, remove, require, …) acts on a concrete object
(an alert, a test, a runbook, a config key, a named service), or when any verb comes
with something one can observe (a threshold, a number, a place, a condition, a code
span). Verbs of intent alone (improve, investigate, look into, review, ensure, make
sure, be more …, consider, try to) and generic objects (more tests, better monitoring,
the process) are not. The configured phrase list is checked before this, as an extra.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pmkb.check.language.lexicon import _forms

INTENT = _forms(
    "improve improving investigate look review revisit re-evaluate reevaluate ensure consider",
    "try explore evaluate assess discuss think understand figure keep pay remember prevent",
    "avoid reduce minimise minimize follow continue work address handle enhance strengthen",
    "optimise optimize educate remind communicate better rethink reconsider analyse analyze",
    "research study learn monitor watch double-check check need make be clean tidy refine",
    "streamline formalise formalize socialise socialize raise",
)
"""Verbs that say what one hopes for, not what changes."""
CHANGE = _forms(
    "add alert page set lower cap limit enable disable remove delete drop require block reject",
    "fail replace migrate rotate renew automate write create build deploy pin upgrade setup",
    "downgrade move split merge rename expire schedule run record publish document ship",
    "fix rewrite retry gate enforce validate lint version tag test backfill revoke restrict",
    "shorten lengthen extend increase decrease double halve provision scale resize",
    "configure wire route redirect cache index partition shard throttle rate-limit debounce",
    "alarm notify log emit export expose graph plot chart track label annotate link",
    "roll revert restore back up snapshot encrypt sign verify deprecate archive bump",
    "move switch turn install uninstall patch implement introduce allow deny default use adopt",
    "establish define develop perform",
)
"""Verbs that change something one can point to."""
GENERIC = _forms(
    "monitoring alerting testing tests documentation docs process processes communication",
    "communications logging observability visibility reliability resilience tooling things",
    "stuff everything coverage awareness practices practice quality performance stability",
    "security handling culture knowledge understanding issue issues problem problems it this",
    "that situation incident incidents outage outages systems system infrastructure ops",
    "operations workflow workflows procedures procedure alerts dashboards checks metrics",
    "safeguards guardrails controls oversight hygiene care attention diligence",
)
"""Objects too broad to finish: what *more tests* or *better monitoring* would be."""
QUANTIFIERS = _forms("more better additional some proper adequate sufficient appropriate robust")
OBJECTS = _forms(
    "alert alerts page pager test runbook runbooks playbook dashboard panel config key keys",
    "limit limits threshold thresholds timeout timeouts retry retries check job cron pipeline",
    "script query queries index certificate cert certs record records quota pool flag flags",
    "metric canary rollback backup backups replica schema migration table column endpoint",
    "queue topic partition bucket cluster node pod lock breaker cache ttl dns tls token",
    "secret secrets permission permissions role policy rule gate hook step checklist template",
    "section api webhook header field parameter setting settings variable version dependency",
    "package image container chart manifest probe slo sli budget quota rate ticket form",
    "button prompt confirmation approval review lint linter validation validator test-case",
    "fixture drill game-day gameday exercise rotation schedule escalation contact",
    "owner owners list inventory diagram doc page wiki guide handbook readme log logs trace",
    "span dashboard sequence branch branches bot push pushes",
)
"""Things one can point to once changed."""
_FILLER = _forms("we need to should will must please let's going forward also all our the a an")
_CONDITION = re.compile(
    r"\b(?:when|whenever|if|before|after|until|unless|above|below|over|under|exceeds?|within|"
    r"every|each|per|at least|at most|so that|instead of|rather than|from \S+ to|by \d|"
    r"except|by \w+ing)\b",
    re.IGNORECASE,
)
_MEASURE = re.compile(r"\d|%|`|\b(?:one|two|three|four|five|ten|twice|daily|weekly|hourly)\b", re.IGNORECASE)
_IDENTIFIER = re.compile(r"\b\w+[_./]\w+|\b\w*\d\w*|\b[a-z]+[A-Z]\w*|\b\w+(?:-\w+)+")
_PLACE = re.compile(r"\b(?:in|on|to|for|from)\s+(?:the\s+|our\s+|a\s+)?([\w-]+)", re.IGNORECASE)
COMMON_HYPHENATED = frozenset(
    "on-call follow-up follow-ups double-check re-evaluate two-factor real-time long-term "
    "short-term end-to-end built-in up-to-date high-level low-level third-party day-to-day "
    "in-house non-production pre-production e-mail co-worker self-service rate-limit "
    "make-up check-in run-time".split()
)
_CLAUSES = re.compile(r"\s*(?:,|;|:|\band then\b|\band\b|\bthen\b|\bplus\b)\s*", re.IGNORECASE)
_WORDS = re.compile(r"[\w'’-]+")
_BE_START = re.compile(r"(?:we (?:need|should|must) (?:to )?)?(?:be|stay|remain)\b", re.IGNORECASE)
_VAGUE_TAIL = re.compile(
    r"\b(?:happen(?:s|ing)? again|going forward|in the future|where possible|as needed|"
    r"as appropriate|if possible|when possible|make it better|more careful|more attentive)\b",
    re.IGNORECASE,
)
_VAGUE_TAIL_WORDS = tuple("again forward future possible needed appropriate better careful attentive".split())
"""Every match of `_VAGUE_TAIL` contains one of these."""
_CLAUSE_BREAKS = (",", ";", ":", "and", "then", "plus")
"""Every match of `_CLAUSES` contains one of these."""
_CONDITION_IN_LOWER_CASE = re.compile(_CONDITION.pattern)
"""`_CONDITION` for ASCII text in lower case: the same matches, found several times faster
than by ignoring case."""
_MAYBE_IDENTIFIER = re.compile(r"[_./\d-]|[a-z][A-Z]")
"""What every match of `_IDENTIFIER` contains: a cheap test before its backtracking."""


def _cannot_match(text: str, literals: tuple[str, ...]) -> bool:
    """Whether a case-blind pattern each of whose matches contains one of `literals` (in
    lower case) cannot match `text`: ASCII text without any of them. Other text is left to
    the pattern (ignoring case, it pairs some ASCII letters with others: s with ſ, k with K)."""
    if not text.isascii():
        return False
    lowered = text.lower()
    return not any(literal in lowered for literal in literals)


def _has_condition(text: str) -> bool:
    if text.isascii():
        return _CONDITION_IN_LOWER_CASE.search(text.lower()) is not None
    return _CONDITION.search(text) is not None


def _vague_tail(text: str) -> re.Match[str] | None:
    return None if _cannot_match(text, _VAGUE_TAIL_WORDS) else _VAGUE_TAIL.search(text)


def _clauses(text: str) -> list[str]:
    return [text] if _cannot_match(text, _CLAUSE_BREAKS) else _CLAUSES.split(text)


@dataclass(frozen=True)
class Vagueness:
    """Why an action is vague: the words to quote and what to ask for."""

    quote: str
    intent: str
    """The verb or object that carries no change (`improve`, `more tests`)."""


def judge(action: str) -> Vagueness | None:
    """Why an action item is vague, or None when it is specific."""
    text = action.strip(" .!")
    if not text:
        return None
    if _MEASURE.search(text) and not _vague_tail(text) and not _BE_START.match(text):
        return None  # a number, a duration or a code span: the clause that has it is specific
    clauses = [c for c in _clauses(text) if c and _WORDS.search(c)]
    vague: Vagueness | None = None
    for clause in clauses:
        verdict = _clause(clause)
        if verdict is _SPECIFIC:
            return None  # one specific clause makes the action specific
        vague = vague or verdict
    return vague


_MAKE_VAGUE = frozenset("sure certain it this things everything better more".split())
_SPECIFIC = Vagueness("", "")
"""A clause that names a change one can see done."""


def _clause(clause: str) -> Vagueness | None:
    """_SPECIFIC, a Vagueness, or None for a clause that says neither (`paging systems`
    in `Set up better monitoring and paging systems`)."""
    words = [w.lower().replace("’", "'") for w in _WORDS.findall(clause)]
    if words[:1] in (["to"], ["so"], ["including"]):
        return None  # a purpose or an example (`…, to check for uptime`) is neither
    content = [w for w in words if w not in _FILLER]
    if not content:
        return None
    verb = content[0]
    if verb == "make" and len(content) > 1 and content[1] not in _MAKE_VAGUE:
        verb = "configure"  # "make the health check query the database": a concrete change
    tail_vague = _vague_tail(clause)
    measured = bool(_MEASURE.search(clause))
    observable = measured or _has_condition(clause) or _identifier(clause) or _place(clause)
    objects = [w for w in content[1:] if w in OBJECTS]
    generic = [w for w in content[1:] if w in GENERIC]
    quantified = any(w in QUANTIFIERS for w in content)
    if verb in ("be", "stay", "remain") or tail_vague:
        return Vagueness(clause, tail_vague.group(0) if tail_vague else " ".join(content[:3]))
    if verb in INTENT and verb not in CHANGE:
        if measured or (objects and observable):
            return _SPECIFIC
        phrase = " ".join(words[: words.index(verb) + (2 if verb in ("look", "make") else 1)])
        return Vagueness(clause, phrase)
    if verb in CHANGE or verb in OBJECTS:
        if verb in _TO_VALUE and " to " in f" {clause.lower()} ":
            return _SPECIFIC  # "set the default profile to staging"
        if (
            (measured or _has_condition(clause))
            or (observable and not quantified)
            or (objects and not quantified)
        ):
            return _SPECIFIC
        if generic or quantified:
            what = " ".join(w for w in content[:4] if w in QUANTIFIERS | GENERIC | {verb})
            return Vagueness(clause, what)
        return _SPECIFIC
    if quantified and not observable:  # "better dashboards"
        return Vagueness(clause, " ".join(w for w in content if w in QUANTIFIERS | GENERIC))
    return _SPECIFIC if observable else None


_TO_VALUE = frozenset(
    "set raise lower increase decrease change move switch migrate pin upgrade downgrade bump "
    "cap limit shorten extend default".split()
)


def _identifier(clause: str) -> bool:
    """A name of one thing: `payments-db`, `max.poll.records`, `retryPolicy`, `infra/prod`."""
    if not _MAYBE_IDENTIFIER.search(clause):
        return False
    return any(match.group(0).lower() not in COMMON_HYPHENATED for match in _IDENTIFIER.finditer(clause))


def _place(clause: str) -> bool:
    """A concrete place: `in the payments-db runbook`, `on checkout-api`, `to the chart`."""
    for match in _PLACE.finditer(clause):
        word = match.group(1).lower()
        if word in OBJECTS or ("-" in word and word not in COMMON_HYPHENATED) or "_" in word:
            return True
    return False
