"""The configured blame phrases ("human error", "careless"): one whole-word pattern, and a
cheap test that proves most texts cannot match it before the pattern is searched."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass


@functools.cache
def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex for the configured blame phrases: whole words (`lazy` is not in
    `lazy-loaded`), longest first, any case."""
    if not phrases:
        return None
    ordered = sorted({p.casefold() for p in phrases}, key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
    return re.compile(r"(?<![\w-])(?:" + body + r")(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class PhraseIndex:
    """The configured blame phrases, ready for `worth_reading`'s test."""

    pattern: re.Pattern[str] | None
    first_words: frozenset[str]
    pieces: tuple[tuple[str, ...], ...] | None
    """Each phrase's literal pieces (the pattern's text between its `\\s+`), when every
    phrase is ASCII: in ASCII text a match of the (case-blind) pattern contains every piece
    of its phrase in lower case, so a text lacking a piece of each phrase needs no search.
    None when a phrase is not ASCII (case-blind matching pairs ASCII with other letters)."""

    def search(self, text: str) -> bool:
        """`pattern.search(text)`, skipped when the pieces prove it finds nothing."""
        if self.pattern is None:
            return False
        if self.pieces is not None and text.isascii() and not _has_all_pieces(text.lower(), self.pieces):
            return False
        return self.pattern.search(text) is not None


def _has_all_pieces(lowered: str, phrases: tuple[tuple[str, ...], ...]) -> bool:
    """Whether `lowered` contains every piece of some phrase."""
    for pieces in phrases:
        for piece in pieces:
            if piece not in lowered:
                break
        else:
            return True
    return False


@functools.cache
def phrase_index(phrases: tuple[str, ...]) -> PhraseIndex:
    folded = sorted({p.casefold() for p in phrases}, key=len, reverse=True)
    ascii_only = all(p.isascii() for p in folded)
    return PhraseIndex(
        phrase_pattern(phrases),
        frozenset(p.casefold().split()[0] for p in phrases if p.strip()),
        # longest piece first: it is the likeliest to be missing
        tuple(tuple(sorted(p.split(" "), key=len, reverse=True)) for p in folded) if ascii_only else None,
    )
