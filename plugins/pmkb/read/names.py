"""How names written by people are compared: headings, column headers, status words.

The normalised forms are cached: a knowledge base writes the same few dozen headings,
column headers and status words in every file (its template's), and a check reads them
tens of times per file."""

from __future__ import annotations

import functools
import re

_NUMBERING = re.compile(r"^\d+(\.\d+)*\.?\s+")
_SPACE = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s:]+$")
_SYMBOLS = re.compile(r"[^\w\s'-]")


@functools.lru_cache(maxsize=4096)
def normalise_heading(text: str) -> str:
    """Case-, spacing- and numbering-insensitive: `1. Executive  Summary:` → `executive summary`."""
    text = _NUMBERING.sub("", text.strip())
    return _TRAILING.sub("", _SPACE.sub(" ", text)).casefold()


@functools.lru_cache(maxsize=4096)
def normalise_status(text: str) -> str:
    """`✅ Completed` → `completed`; `Won’t do` → `won't do`."""
    text = _SYMBOLS.sub(" ", text.replace("’", "'").casefold())
    return _SPACE.sub(" ", text).strip()


def slugify(name: str) -> str:
    """A URL path segment for a name: `checkout-api` stays, `Payments DB!` → `payments-db`."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    return slug or "unnamed"
