"""Which of our sections another template's heading stands for.

First by name, with the alias table the checks use (`Settings.section_aliases`), after
dropping what other templates add around a name: numbering (`1. Incident Summary`), a
question mark, a trailing note in parentheses (`Timeline (if relevant)`), curly
apostrophes. Then by meaning: a few words that only one section's headings use
(`Impact on users`, `Corrective and Preventative Measures`, `What could have gone better?`).
"""

from __future__ import annotations

import re

from pmkb.read.names import normalise_heading
from pmkb.settings import Settings

_END = re.compile(r"[\s?!.:*_#]+$")
_NOTE = re.compile(r"\s*\([^()]*\)$")
_STAMP = re.compile(r"^[~\d]|^\w+ \d{1,2}\b")
"""A heading that starts with a time or a date is a timeline entry, whatever it says."""
_MEANINGS: list[tuple[str, re.Pattern[str]]] = [
    (
        "Action Items",
        re.compile(
            r"\b(?:action items?|remediations?|corrective|preventi(?:ve|ative|on)|follow[- ]?ups?|"
            r"next steps|avoid (?:this|it) in (?:the )?future)\b"
        ),
    ),
    ("Lessons Learned", re.compile(r"\b(?:lessons?|takeaways?)\b")),
    (
        "What Went Wrong",
        re.compile(r"\b(?:went wrong|gone better|go(?:ne)? (?:so )?well|went poorly|got lucky|went badly)\b"),
    ),
    ("What Went Well", re.compile(r"\b(?:went (?:well|right)|worked well)\b")),
    ("Timeline", re.compile(r"\b(?:timeline|chronology)\b")),
    ("Impact", re.compile(r"\bimpact(?:ed|s)?\b")),
    ("Contributing Factors", re.compile(r"\b(?:root[- ]?causes?|contributing factors?|causes?)\b")),
    ("Summary", re.compile(r"\b(?:summary|overview)\b")),
]


def canonical_for(title: str, settings: Settings, *, by_meaning: bool = True) -> str | None:
    """The canonical section a heading of another template stands for, or None.
    `by_meaning`: also by the words it uses, not only by its name."""
    text = _END.sub("", title.replace("’", "'").strip(" *_#\t"))
    for candidate in (text, _NOTE.sub("", text)):
        found = settings.section_lookup.get(normalise_heading(_END.sub("", candidate)))
        if found is not None:
            return found
    key = normalise_heading(text)
    if not by_meaning or _STAMP.match(key):
        return None
    known = settings.known_sections()
    return next((name for name, words in _MEANINGS if words.search(key) and name in known), None)
