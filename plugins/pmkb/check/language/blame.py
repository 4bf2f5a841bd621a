"""Blame, judged per sentence: who is the agent of a failure, and is it a person?

Three findings, one per rule: a blame phrase ("human error"); a person or role as the
agent of a failure verb or noun ("Bob forgot", "Alice's mistake", and in contributing
factors any change a person made: "Dana dropped the index"); and a counterfactual about a
person ("the on-call engineer should have caught it"). A system as the agent is never
blame ("the cron task failed to launch", "the monitor should have paged at 90%").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pmkb.check.language import lexicon
from pmkb.check.language.blame_phrases import phrase_index, phrase_pattern
from pmkb.check.language.given_names import GIVEN_NAMES
from pmkb.check.language.people import INDIVIDUALS, Agent, People
from pmkb.check.language.sentences import Token, sentences, tokens

if TYPE_CHECKING:
    from pmkb.check.language.passages import Passage

Rule = Literal["phrase", "person", "counterfactual"]
Kind = Literal["phrase", "lapse", "signal", "operation", "noun", "counterfactual"]


@dataclass(frozen=True)
class Blame:
    """A sentence that assigns blame, and the words that do it."""

    rule: Rule
    kind: Kind
    """What sort of blame, for the suggested rewrite."""
    start: int
    """Offset in the passage where the quoted words start."""
    quote: str
    agent: str = ""
    """The words naming the person, when there is one."""


_TRIGGERS = (
    lexicon.FAILURE_VERBS
    | lexicon.FAIL_AUX
    | lexicon.FAILURE_NOUNS
    | lexicon.NEGATIONS
    | lexicon.COUNTERFACTUAL_MODALS
    | lexicon.CONTRACTED_COUNTERFACTUALS
    | lexicon.OPERATION_VERBS
    | lexicon.ARTEFACTS
    | {"if", "had", "was", "wasn't", "did", "shouldn't"}
)
"""Words without which no sentence is blame (the phrases aside)."""
_CUES = (
    lexicon.PERSON_PRONOUNS
    | lexicon.PERSON_POSSESSIVES
    | lexicon.ROLES
    | lexicon.INDEFINITE_PEOPLE
    | lexicon.HUMAN_ONLY_VERBS
    | GIVEN_NAMES
    | {
        "we",
        "us",
        "member",
        "mistake",
        "mistakes",
        "negligence",
        "oversight",
        "carelessness",
        "blunder",
        "typo",
    }
)
"""Words without which no sentence names a person: most sentences have none, and are
not read further (the language rules must cost under a millisecond per postmortem)."""
_WORD = re.compile(r"[a-z][a-z'-]*")
_BE = frozenset("was were is are been being be got gets get".split())
_SIGNAL_VERBS = frozenset(
    "ignored ignore ignores ignoring missed miss misses silenced silences muted mutes snoozed "
    "dismissed".split()
)
_INATTENTION = frozenset("paying careful attentive watching aware looking focused".split())
_MODIFIERS = frozenset("own simple honest big small careless obvious single".split())
_BY = frozenset({"by", "of", "from"})
_NEGATING = lexicon.NEGATIONS | {"no", "than", "wasn't", "isn't", "not"}
_NOT_DUTIES = frozenset({"have", "get", "receive", "need", "want", "exist", "happen", "work"})
_AT_WORDS = (
    lexicon.COUNTERFACTUAL_MODALS
    | lexicon.CONTRACTED_COUNTERFACTUALS
    | {f"{modal}n't" for modal in lexicon.COUNTERFACTUAL_MODALS}
    | {"if", "had", "did", "was"}
    | lexicon.FAILURE_VERBS
    | lexicon.FAIL_AUX
    | lexicon.NEGATIONS
    | lexicon.FAILURE_NOUNS
    | lexicon.OPERATION_VERBS
    | lexicon.PERSON_POSSESSIVES
)
"""The words `_Sentence._at` looks at (besides possessives): a sentence's other words
cannot start a finding, and are skipped without a call."""


def worth_reading(text: str, people: People, phrases: tuple[str, ...] = ()) -> bool:
    """Whether some sentence of `text` could be blame: a cheap test on its words."""
    lowered = text.lower()
    if "’" in lowered:
        lowered = lowered.replace("’", "'")
    if "'s" in lowered:
        lowered = lowered.replace("'s", "")
    words = _WORD.findall(lowered)  # a list: `isdisjoint` takes any iterable, no set needed
    # The cue first: most passages name no one, and the trigger words are common.
    if (not _CUES.isdisjoint(words) or not people.known.isdisjoint(words) or "@" in text) and (
        not _TRIGGERS.isdisjoint(words)
    ):
        return True
    if not phrases:
        return False
    index = phrase_index(phrases)
    return not index.first_words.isdisjoint(words) and index.search(text)


def find_blame(passage: Passage, people: People, phrases: tuple[str, ...] = ()) -> list[Blame]:
    """Blame in a passage: at most one finding per rule per sentence."""
    text = passage.text
    phrase_re = phrase_pattern(phrases)
    if not worth_reading(text, people, phrases):
        return []
    factor = passage.context == "factor"
    found: list[Blame] = []
    for start, end in sentences(text):
        if not worth_reading(text[start:end], people, phrases):
            continue
        words = tokens(text, start, end)
        hits = _Sentence(text, words, people, factor).judge()
        if phrase_re is not None:
            hits += _phrases(text, words, start, end, phrase_re, people)
        seen: set[Rule] = set()
        for hit in sorted(hits, key=lambda h: h.start):
            if hit.rule not in seen and not (hit.rule == "phrase" and seen):
                seen.add(hit.rule)
                found.append(hit)
    return found


def _phrases(
    text: str, words: list[Token], start: int, end: int, pattern: re.Pattern[str], people: People
) -> list[Blame]:
    hits = []
    for match in pattern.finditer(text, start, end):
        index = next((i for i, t in enumerate(words) if t.start >= match.start()), len(words))
        at = index - 1
        if at > 0 and words[at].lower in ("a", "an", "the"):
            at -= 1
        if at > 0 and words[at].lower == "of" and words[at - 1].lower == "instead":
            continue
        if at >= 0 and words[at].lower in _NEGATING:
            continue  # "it was not human error", "rather than carelessness"
        first = words[index].lower if index < len(words) else ""
        if first in lexicon.FAIL_AUX | lexicon.FAILURE_VERBS | lexicon.COUNTERFACTUAL_MODALS:
            agent = _Sentence(text, words, people, False).subject(index)
            if agent is not None and agent.kind in ("thing", "organisation"):
                continue  # "the monitor failed to notice"
        hits.append(Blame("phrase", "phrase", match.start(), match.group(0)))
    return hits


class _Sentence:
    """One sentence's words, and the questions asked of them."""

    def __init__(self, text: str, words: list[Token], people: People, factor: bool) -> None:
        self.text = text
        self.words = words
        self.people = people
        self.factor = factor
        lowered = {t.lower for t in words}
        self.causal = bool(lowered & lexicon.CAUSAL)

    def judge(self) -> list[Blame]:
        hits: list[Blame] = []
        for index, token in enumerate(self.words):
            if token.lower in _AT_WORDS or token.is_possessive:
                hit = self._at(index, token)
                if hit is not None:
                    hits.append(hit)
        return hits

    def _at(self, index: int, token: Token) -> Blame | None:
        word = token.lower
        if (
            word in lexicon.COUNTERFACTUAL_MODALS
            or word in lexicon.CONTRACTED_COUNTERFACTUALS
            or (word.endswith("n't") and word[:-3] in lexicon.COUNTERFACTUAL_MODALS)
        ):
            return self._counterfactual(index)
        if word in ("if", "had"):
            return self._conditional(index)
        if word in lexicon.FAILURE_VERBS:
            return self._failure_verb(index, "signal" if word in _SIGNAL_VERBS else "lapse")
        if word in lexicon.FAIL_AUX and self._next(index) == "to":
            return self._failure_verb(index, "lapse")
        if word in lexicon.NEGATIONS or word in ("did", "was"):
            return self._negated(index)
        if word in lexicon.FAILURE_NOUNS:
            return self._failure_noun(index)
        if word in lexicon.OPERATION_VERBS:
            return self._operation(index)
        if (token.is_possessive or word in lexicon.PERSON_POSSESSIVES) and self._next(
            index
        ) in lexicon.ARTEFACTS:
            return self._artefact(index)
        return None

    # --- the patterns ---------------------------------------------------------------

    def _failure_verb(self, index: int, kind: Kind) -> Blame | None:
        if self._is_adjective(index) or self._next(index) in ("nothing", "no", "none"):
            return None  # "a missed page", "the ignored alert", "forgot nothing"
        if self._is_passive(index):
            agent = self._by_agent(index)
        else:
            human = self.words[index].lower in lexicon.HUMAN_ONLY_VERBS
            agent = self.subject(index, human_evidence=human)
        return self._person_blame("person", kind, agent, index)

    def _negated(self, index: int) -> Blame | None:
        """`did not follow`, `didn't check`, `never escalated`, `wasn't paying attention`."""
        words = self.words
        at = index
        if words[at].lower in ("did", "was", "were") and self._next(at) in ("not", "n't", "never"):
            at += 1
        following = self._next(at)
        if (
            words[index].lower in ("was", "wasn't", "were", "weren't")
            or words[at].lower == "not"
            and words[index].lower in ("was", "were")
        ):
            if following not in _INATTENTION:
                return None
        elif not (
            _base(following) in lexicon.NEGATED_PERFORMANCE
            or (self.factor and following.isalpha() and following not in _NOT_DUTIES)
        ):
            return None
        if (
            words[index].lower in ("not", "never")
            and index > 0
            and words[index - 1].lower in ("did", "was", "were")
        ):
            return None  # judged from "did"
        if words[index].lower == "never" and following in lexicon.NEGATED_PERFORMANCE:
            return None  # "never run": an imperative or an infinitive
        return self._person_blame("person", "lapse", self.subject(index), min(at + 1, len(words) - 1))

    def _operation(self, index: int) -> Blame | None:
        if self._is_adjective(index) or self._is_hypothetical(index):
            return None
        if self._is_passive(index):
            agent = self._by_agent(index)
        else:
            agent = self.subject(index)
        unsafe = self._without_safeguard(index)
        if not (self.factor or self.causal or unsafe):
            return None
        if agent is not None and agent.kind == "role" and not (self.factor or unsafe):
            return None  # "the on-call engineer restarted the pods, which caused …" is history
        return self._person_blame("person", "operation", agent, index)

    def _artefact(self, index: int) -> Blame | None:
        if not (self.factor or self.causal):
            return None
        owner = self.words[index]
        if owner.lower in lexicon.PERSON_POSSESSIVES:
            return self._blame("person", "operation", Agent("pronoun", (owner,)), index + 1)
        agent = self.people.classify([owner])
        if agent is None or not agent.is_person:
            return None
        return self._person_blame("person", "operation", agent, index + 1)

    def _failure_noun(self, index: int) -> Blame | None:
        words = self.words
        noun = words[index].lower
        human = noun not in ("error", "errors", "fault", "faults")
        at = index - 1
        while at >= 0 and words[at].lower in _MODIFIERS:
            at -= 1
        if at >= 0 and (words[at].is_possessive or words[at].lower in lexicon.PERSON_POSSESSIVES):
            owner = words[at]
            if owner.lower in lexicon.PERSON_POSSESSIVES:
                return self._blame("person", "noun", Agent("pronoun", (owner,)), index)
            agent = self.people.classify(self._phrase_before(at + 1), human_evidence=human)
            return self._person_blame("person", "noun", agent, index)
        if self._next(index) in _BY:
            agent = self._phrase_after(index + 2)
            if agent is not None and agent.is_person:
                return self._blame("person", "noun", agent, index)
        if at >= 1 and words[at].lower in ("a", "an") and words[at - 1].lower in ("made", "makes"):
            return self._person_blame("person", "noun", self.subject(at - 1), index)
        return None

    def _counterfactual(self, index: int) -> Blame | None:
        """`should have caught`, `could've prevented`, `shouldn't have been ignored by …`."""
        words = self.words
        at = index + 1
        if words[index].lower not in lexicon.CONTRACTED_COUNTERFACTUALS:
            while at < len(words) and words[at].lower in ("not", "n't", "never"):
                at += 1
            if at >= len(words) or words[at].lower != "have":
                return None
            at += 1
        if at >= len(words):
            return None
        participle = words[at].lower
        if participle == "been":
            following = self._next(at)
            if following in ("more", "less") or following in _INATTENTION:
                agent = self.subject(index)
                return self._hindsight(agent, index, performance=True)
            agent = self._by_agent(at + 1)
            return self._person_blame("counterfactual", "counterfactual", agent, index)
        if not _is_participle(participle):
            return None
        agent = self.subject(index)
        return self._hindsight(agent, index, participle in lexicon.PERFORMANCE_PARTICIPLES)

    def _conditional(self, index: int) -> Blame | None:
        """`If only the reviewer had looked`, `Had the reviewer looked closer, …`,
        `If the on-call engineer had checked …`."""
        words = self.words
        if words[index].lower == "if":
            at = index + 1
            if self._next(index) == "only":
                at += 1
            end = at
            while (
                end < len(words)
                and words[end].lower not in ("had", "hadn't")
                and words[end].lower not in lexicon.CLAUSE_BREAKS
                and end - at < 5
            ):
                end += 1
            only = self._next(index) == "only"
            if end >= len(words) or words[end].lower not in ("had", "hadn't"):
                if not only:
                    return None
            agent = self.people.classify(words[at:end])
            if end < len(words) and not only and not _is_participle(self._next(end)):
                return None  # "if the page had a link" is a condition, not a counterfactual
            return self._hindsight(agent, index, performance=True)
        if index > 0 and words[index - 1].lower not in (",", ";", ":", "and", "but"):
            return None
        end = index + 1
        while end < len(words) and not _is_participle(words[end].lower) and end - index < 6:
            end += 1
        if end >= len(words) or end == index + 1:
            return None
        agent = self.people.classify(words[index + 1 : end])
        return self._hindsight(agent, index, performance=True)

    def _hindsight(self, agent: Agent | None, index: int, performance: bool) -> Blame | None:
        if agent is None:
            return None
        if agent.kind == "organisation" and agent.tokens[0].lower in ("we", "us") and performance:
            return self._blame("counterfactual", "counterfactual", agent, index)
        return self._person_blame("counterfactual", "counterfactual", agent, index)

    # --- building findings ------------------------------------------------------------

    def _person_blame(self, rule: Rule, kind: Kind, agent: Agent | None, index: int) -> Blame | None:
        if agent is None or not agent.is_person:
            return None
        if agent.kind not in INDIVIDUALS and self._explained_by_system(index):
            return None  # "engineers forgot the flag because the deploy tool did not show it"
        return self._blame(rule, kind, agent, index)

    def _blame(self, rule: Rule, kind: Kind, agent: Agent, index: int) -> Blame:
        last = index
        if kind == "counterfactual" and self.words[index].lower not in ("if", "had"):
            last = min(index + 2, len(self.words) - 1)  # "should have caught"
        elif (
            kind != "noun"
            and index + 1 < len(self.words)
            and self.words[index + 1].lower not in (",", ";", ":", "(", ")")
        ):
            last = index + 1
            if self.words[last].lower in ("to", "the", "a", "an") and last + 1 < len(self.words):
                last += 1
        end_token = self.words[last]
        start = min(agent.start, self.words[index].start)
        end = max(end_token.end, agent.tokens[-1].end)
        quote = " ".join(self.text[start:end].split())
        if len(quote) > 70:
            quote = quote[:67].rstrip() + "…"
        return Blame(rule, kind, start, quote, agent.words(self.text))

    def _explained_by_system(self, index: int) -> bool:
        rest = [t.lower for t in self.words[index:]]
        for at, word in enumerate(rest):
            if word in ("because", "since", "as"):
                subject = self.people.classify(self._phrase_before(index + at + 3))
                if rest[at + 1 : at + 2] and (
                    rest[at + 1] in lexicon.PERSON_PRONOUNS or subject is not None and subject.is_person
                ):
                    return False  # "because he was in a meeting"
                clause = set(rest[at + 1 : at + 8])
                return bool(
                    clause
                    & {"no", "not", "n't", "nothing", "did", "didn't", "was", "wasn't", "lacked", "had"}
                )
        return False

    # --- syntax, lightly ------------------------------------------------------------------

    def subject(self, index: int, *, human_evidence: bool = False) -> Agent | None:
        """The agent of the verb at `index`: the noun phrase before it, across adverbs,
        auxiliaries, an appositive comma and a relative `who`."""
        words = self.words
        at = index - 1
        commas = 0
        while at >= 0:
            word = words[at].lower
            if (
                word in lexicon.ADVERBS
                or word in lexicon.AUXILIARIES
                or word in lexicon.NEGATIONS
                or word.endswith("n't")
            ):
                at -= 1
            elif word == "," and commas == 0:
                commas += 1
                at -= 1
            elif word in lexicon.RELATIVE:
                at -= 1
                if at >= 0 and words[at].lower == ",":
                    at -= 1
            else:
                break
        if at < 0:
            return None
        if words[at].lower in ("and", "but", "then", "or"):
            return self._clause_subject(at, human_evidence)
        phrase = self._phrase_before(at + 1)
        agent = self.people.classify(phrase, human_evidence=human_evidence)
        start = at + 1 - len(phrase)
        if (
            agent is not None
            and agent.kind in ("thing", "organisation")
            and start >= 2
            and words[start - 1].lower in ("on", "of", "from", "in", "at", "with")
        ):
            owner = self.people.classify(self._phrase_before(start - 1))
            if owner is not None and owner.is_person:
                return owner  # "the engineer on call", "a developer on the payments team"
        return agent

    def _clause_subject(self, at: int, human_evidence: bool) -> Agent | None:
        """The subject of a coordinated clause: `The maintainer reused … and did not …`."""
        words = self.words
        start = at - 1
        while (
            start > 0
            and words[start - 1].lower not in (",", ";", ":")
            and words[start - 1].lower not in lexicon.CLAUSE_BREAKS
        ):
            start -= 1
        end = start
        while end < at and end - start < 5 and not _verb_like(words[end].lower):
            end += 1
        if end == start or end == at:
            return None
        return self.people.classify(words[start:end], human_evidence=human_evidence)

    def _phrase_before(self, end: int) -> list[Token]:
        """The noun phrase ending just before `end` (at most four words)."""
        words = self.words
        start = end - 1
        if start < 0 or _stops_phrase(words[start].lower):
            return []
        while start > 0 and end - start < 4:
            previous = words[start - 1].lower
            if previous in lexicon.DETERMINERS or previous in lexicon.PERSON_POSSESSIVES:
                start -= 1
                break
            if _stops_phrase(previous) or words[start - 1].is_possessive:
                break
            start -= 1
        return words[start:end]

    def _phrase_after(self, start: int) -> Agent | None:
        words = self.words
        end = start
        while end < len(words) and end - start < 4 and not _stops_phrase(words[end].lower, True):
            end += 1
        return self.people.classify(words[start:end]) if end > start else None

    def _by_agent(self, index: int) -> Agent | None:
        words = self.words
        for at in range(index + 1, min(index + 8, len(words))):
            if words[at].lower == "by":
                return self._phrase_after(at + 1)
            if words[at].lower in (",", ";", ":") or words[at].lower in lexicon.CLAUSE_BREAKS:
                return None
        return None

    def _is_hypothetical(self, index: int) -> bool:
        """`would have rolled back`, `decided to restart`: no action was taken."""
        at = index - 1
        while at >= 0 and self.words[at].lower in lexicon.ADVERBS | {"have", "not", "never"}:
            at -= 1
        return at >= 0 and self.words[at].lower in lexicon.COUNTERFACTUAL_MODALS | {
            "to",
            "will",
            "can",
            "may",
            "would",
            "could",
            "shouldn't",
            "couldn't",
            "wouldn't",
        }

    def _is_passive(self, index: int) -> bool:
        at = index - 1
        while at >= 0 and self.words[at].lower in lexicon.ADVERBS | {"not", "never"}:
            at -= 1
        return at >= 0 and self.words[at].lower in _BE | {"wasn't", "weren't", "isn't"}

    def _is_adjective(self, index: int) -> bool:
        return index > 0 and (
            self.words[index - 1].lower in lexicon.DETERMINERS or self.words[index - 1].is_possessive
        )

    def _without_safeguard(self, index: int) -> bool:
        window = [t.lower for t in self.words[index + 1 : index + 10]]
        if "without" not in window:
            return False
        after = window[window.index("without") + 1 :][:3]
        return any(word in lexicon.SAFEGUARDS for word in after)

    def _next(self, index: int) -> str:
        return self.words[index + 1].lower if index + 1 < len(self.words) else ""


def _stops_phrase(word: str, forward: bool = False) -> bool:
    stops = (
        word in lexicon.CLAUSE_BREAKS
        or word in lexicon.AUXILIARIES
        or word in (",", ";", ":", "(", ")")
        or word in lexicon.PREPOSITIONS
        or word in lexicon.RELATIVE
    )
    if forward:
        return stops and word not in ("the",)
    return stops or word in lexicon.ADVERBS


def _verb_like(word: str) -> bool:
    return (
        word in lexicon.AUXILIARIES
        or word in lexicon.FAILURE_VERBS
        or word in lexicon.OPERATION_VERBS
        or word in lexicon.FAIL_AUX
        or word.endswith("ed")
    )


def _is_participle(word: str) -> bool:
    return (
        word.endswith("ed")
        or word in lexicon.IRREGULAR_PARTICIPLES
        or word in lexicon.PERFORMANCE_PARTICIPLES
    )


def _base(word: str) -> str:
    """`checked` → `check`, `escalated` → `escalate`, `skipped` → `skip`, for the few
    verbs of NEGATED_PERFORMANCE."""
    if word in lexicon.NEGATED_PERFORMANCE or not word.endswith("ed"):
        return word
    for candidate in (word[:-2], word[:-1], word[:-3]):
        if candidate in lexicon.NEGATED_PERFORMANCE:
            return candidate
    return word
