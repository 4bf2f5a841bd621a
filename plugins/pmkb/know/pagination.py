"""Long lists split over pages of a fixed size, so that no page grows with the knowledge
base: `severity/sev2/` shows the newest PAGE_SIZE incidents, `severity/sev2/page/2/` the
next, and each page links to the others."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from pmkb.know import urls

PAGE_SIZE = 200
"""Items per page: about 150-200 KB of HTML for incident or action-item rows."""

T = TypeVar("T")


@dataclass(frozen=True)
class Pager:
    """Where one page sits among the pages of a list."""

    number: int
    """1-based."""
    uris: list[str]
    """The source path of every page of the list, first to last."""
    total: int
    """Items in the whole list."""
    size: int = PAGE_SIZE

    @property
    def count(self) -> int:
        return len(self.uris)

    @property
    def first(self) -> int:
        """1-based position of this page's first item in the whole list."""
        return (self.number - 1) * self.size + 1

    @property
    def last(self) -> int:
        return min(self.number * self.size, self.total)

    def nearby(self) -> list[int | None]:
        """Page numbers to link: the first, the last, and two either side of this one;
        None marks a gap."""
        shown = sorted({1, self.count, *range(self.number - 2, self.number + 3)})
        numbers: list[int | None] = []
        previous = 0
        for number in (n for n in shown if 1 <= n <= self.count):
            if previous and number - previous > 1:
                numbers.append(None)
            numbers.append(number)
            previous = number
        return numbers


def paginate(first_uri: str, items: Sequence[T], size: int = PAGE_SIZE) -> list[tuple[Pager, Sequence[T]]]:
    """Each page of `items` (at least one, maybe empty) with its pager."""
    chunks = [items[start : start + size] for start in range(0, len(items), size)] or [items[:0]]
    uris = [urls.paged(first_uri, number) for number in range(1, len(chunks) + 1)]
    return [(Pager(number, uris, len(items), size), chunk) for number, chunk in enumerate(chunks, start=1)]
