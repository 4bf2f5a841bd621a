"""Sentences and words with their offsets: the little tokenising the checks need.

Hand-written (a regex each) because it is fast and exact about offsets; pysbd and
simplemma split sentences well but cost milliseconds per paragraph or to import.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

_TOKEN = re.compile(r"[@\w][\w'’.\-/]*\w|[@\w]|[,;:()]")
_BOUNDARY = re.compile(r"[.!?]+[\"”’)\]]*\s+(?=[\"“(\[*_]*[A-Z0-9@])")
_ABBREVIATIONS = frozenset(
    "e.g i.e etc vs mr mrs ms dr approx no inc ltd st fig cf al est min max sec ca".split()
)


class Token(NamedTuple):
    """A word or clause punctuation. A named tuple: sentences are judged word by word,
    and a tuple is made several times faster than a frozen dataclass."""

    text: str
    lower: str
    """Lower case, with ’ written '."""
    start: int
    end: int

    @property
    def is_possessive(self) -> bool:
        return self.lower.endswith("'s") and len(self.lower) > 2

    @property
    def base(self) -> str:
        """The lower-case word without a possessive `'s`."""
        return self.lower[:-2] if self.is_possessive else self.lower

    @property
    def is_titlecase(self) -> bool:
        word = self.text[:-2] if self.is_possessive else self.text
        return (
            len(word) > 1
            and word[0].isupper()
            and word[1:].replace("-", "").isalpha()
            and not word[1:].isupper()
        )


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of the sentences of a passage."""
    start = 0
    for match in _BOUNDARY.finditer(text):
        before = text[start : match.start()].rsplit(None, 1)
        last = before[-1].lower().strip('("“*_') if before else ""
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue
        yield start, match.start()
        start = match.end()
    if text[start:].strip():
        yield start, len(text)


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The words (and clause punctuation) of `text[start:end]`, offsets into `text`."""
    found: list[Token] = []
    for match in _TOKEN.finditer(text, start, len(text) if end is None else end):
        word = match.group()
        found.append(Token(word, word.lower().replace("’", "'"), match.start(), match.end()))
    return found
