"""The language rules' shortcuts skip only what the full tests would reject.

`worth_reading` and `_Sentence.judge` take cheap paths (a word test before the phrase
pattern, a set lookup before each word's patterns); on any text they must answer what
the plain definitions below answer, including for letters that match ASCII only when
case is ignored (ſ, K, ı, İ).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pmkb.check.language import blame, blame_phrases, vagueness
from pmkb.check.language.people import People
from pmkb.check.language.sentences import sentences, tokens
from pmkb.settings import Settings

PHRASES = tuple(Settings().blame_phrases)
OTHER_PHRASES = (
    ("human  error", "sloppy", "x'human", "it's your fault"),
    ("ſloppy", "ıdiot", "human error"),
    ("", "careless"),
    (),
)
PIECES = (
    "Bob", "bob's", "Alice’s", "Sarah", "the", "on-call", "engineer", "we", "he", "forgot",
    "ignored", "should", "have", "known", "could", "shouldn't", "if", "only", "had", "did",
    "not", "didn't", "never", "follow", "check", "was", "is", "to", "blame", "fault", "of",
    "human", "error", "operator", "user", "careless", "carelessness", "sloppy", "lazy-loaded",
    "mistake", "deployed", "changes", "caused", "config", "without", "a", "review", "@dana",
    "failed", "notice", "messed", "up", "screwed", "s", "'s", "’s", "’", "'", "-", "_", "ſ",
    "K", "ı", "İ", "é", "x",
)  # fmt: skip
SEPARATORS = (" ", " ", " ", ", ", ". ", "\n", "", "(", ")", '"', "`", "  ")
PEOPLE = People(frozenset({"sarah", "chen"}), frozenset({"checkout-api"}))

texts = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=25).map(
    lambda parts: "".join(word + gap for word, gap in parts)
)


def plain_worth_reading(text: str, people: People, phrases: tuple[str, ...]) -> bool:
    """The word test as first written: a set of words, then the phrase pattern."""
    lowered = text.lower().replace("’", "'").replace("'s", "")
    words = set(re.findall(r"[a-z][a-z'-]*", lowered))
    if not words.isdisjoint(blame._TRIGGERS) and (
        not words.isdisjoint(blame._CUES) or not words.isdisjoint(people.known) or "@" in text
    ):
        return True
    first_words = {p.casefold().split()[0] for p in phrases if p.strip()}
    if phrases and not words.isdisjoint(first_words):
        pattern = blame_phrases.phrase_pattern(phrases)
        return pattern is not None and pattern.search(text) is not None
    return False


@settings(max_examples=300)
@given(texts)
def test_worth_reading_answers_as_the_plain_word_test(text: str) -> None:
    for phrases in (PHRASES, *OTHER_PHRASES):
        assert blame.worth_reading(text, PEOPLE, phrases) == plain_worth_reading(text, PEOPLE, phrases)


def test_the_phrase_shortcut_is_taken_and_can_say_yes() -> None:
    assert blame.worth_reading("It was human error.", PEOPLE, PHRASES)
    assert blame.worth_reading("IT WAS HUMAN  ERROR", PEOPLE, PHRASES)
    assert not blame.worth_reading("The user was shown an error page.", PEOPLE, PHRASES)
    assert blame.worth_reading("It was carele\u017fs.", PEOPLE, PHRASES)  # ſ matches s, case-blind


@settings(max_examples=300)
@given(texts, st.booleans())
@example("Bob did not follow the runbook. He was not paying attention.", True)
@example("Sarah shouldn't have deployed; the on-call could've known. If only we had checked.", False)
@example("Alice's config caused it. The engineer failed to notice a mistake by Bob.", True)
def test_judge_skips_only_words_that_start_no_finding(text: str, factor: bool) -> None:
    for start, end in sentences(text):
        words = tokens(text, start, end)
        sentence = blame._Sentence(text, words, PEOPLE, factor)
        every_word = [hit for index, token in enumerate(words) if (hit := sentence._at(index, token))]
        assert sentence.judge() == every_word


ACTION_PIECES = (
    "Add", "an", "alert", "when", "the", "pool", "exceeds", "85%", "and", "then", "plus", "Improve",
    "monitoring", "going", "forward", "in", "future", "if", "possible", "be", "more", "careful",
    "payments-db", "retryPolicy", "max.poll.records", "on-call", "runbook", "by", "adding", "per",
    "AND", "Then", "ſ", "K", "ı", "İ", "`code`", "2", "x_y", "infra/prod", "as", "needed", "so",
    "that", "rather", "than", "Investigate", "review", "the", "process", "again",
)  # fmt: skip
actions = st.lists(
    st.tuples(st.sampled_from(ACTION_PIECES), st.sampled_from((" ", " ", ", ", "; ", ": ", "-", ""))),
    min_size=1,
    max_size=14,
).map(lambda parts: "".join(word + gap for word, gap in parts))


@settings(max_examples=400)
@given(actions)
@example("Investigate plus add an alert")
@example("Investigate, then review the runbook going forward")
@example("Review the retryPolicy alert")
@example("Review the alert when the pool exceeds its limit")
@example("Add the pool alert more attentive")
def test_vagueness_shortcuts_judge_as_the_plain_patterns(action: str) -> None:
    fast = vagueness.judge(action)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vagueness, "_cannot_match", lambda _text, _literals: False)
        patch.setattr(vagueness, "_MAYBE_IDENTIFIER", re.compile(""))
        patch.setattr(vagueness, "_has_condition", lambda text: bool(vagueness._CONDITION.search(text)))
        plain = vagueness.judge(action)
    assert fast == plain
