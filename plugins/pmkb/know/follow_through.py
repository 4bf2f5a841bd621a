"""Action-item follow-through: open, overdue (as of the build date), by owner, by priority,
and completion rates. Overdue is information, never an error: builds must not start
failing because time passed (rule PM311 can warn, and is off by default)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pmkb.know.index import KnowledgeIndex
    from pmkb.read.model import ActionItem
    from pmkb.read.postmortem import Postmortem
    from pmkb.settings import Settings

OPEN_STATES = ("open", "in-progress")


@dataclass(frozen=True)
class TrackedItem:
    """An action item with the incident it came from."""

    postmortem: Postmortem
    item: ActionItem

    @property
    def is_open(self) -> bool:
        return self.item.state in OPEN_STATES

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.item.due is not None and self.item.due < today

    def days_overdue(self, today: dt.date) -> int:
        return (today - self.item.due).days if self.item.due and self.is_overdue(today) else 0


@dataclass(frozen=True)
class Rate:
    """Done items among the items that count (won't-do items do not)."""

    done: int
    total: int

    @property
    def percent(self) -> float | None:
        return 100.0 * self.done / self.total if self.total else None


def completion(items: list[TrackedItem]) -> Rate:
    counted = [t for t in items if t.item.state != "wont-do"]
    return Rate(sum(1 for t in counted if t.item.state == "done"), len(counted))


def on_time(items: list[TrackedItem], today: dt.date) -> Rate:
    """Of the items whose due date has passed, how many are done.

    Postmortems record a status, not a completion date, so "on time" is measured as
    "done by now, among those due by now".
    """
    due = [t for t in items if t.item.due is not None and t.item.due < today and t.item.state != "wont-do"]
    return Rate(sum(1 for t in due if t.item.state == "done"), len(due))


@dataclass
class FollowThrough:
    """Every action item of the published postmortems, sliced the ways leads ask for."""

    today: dt.date
    items: list[TrackedItem]
    priorities: list[str]
    by_owner: dict[str, list[TrackedItem]] = field(default_factory=dict)
    by_priority: dict[str, list[TrackedItem]] = field(default_factory=dict)

    @property
    def open(self) -> list[TrackedItem]:
        """Open and in-progress items, soonest due first."""
        return sorted((t for t in self.items if t.is_open), key=_due_order)

    @property
    def overdue(self) -> list[TrackedItem]:
        """Open items past their due date, most overdue first."""
        return sorted((t for t in self.items if t.is_overdue(self.today)), key=_due_order)

    @property
    def completion(self) -> Rate:
        return completion(self.items)

    def completion_by_priority(self) -> dict[str, Rate]:
        return {p: completion(items) for p, items in self.by_priority.items()}

    def on_time_by_priority(self) -> dict[str, Rate]:
        return {p: on_time(items, self.today) for p, items in self.by_priority.items()}


def _due_order(tracked: TrackedItem) -> tuple[dt.date, str, int]:
    return (tracked.item.due or dt.date.max, tracked.postmortem.meta.id or "", tracked.item.line)


def follow_through(index: KnowledgeIndex, settings: Settings, today: dt.date) -> FollowThrough:
    items = [
        TrackedItem(postmortem, item) for postmortem in index.postmortems for item in postmortem.action_items
    ]
    by_owner: dict[str, list[TrackedItem]] = defaultdict(list)
    by_priority: dict[str, list[TrackedItem]] = {p: [] for p in settings.priorities}
    for tracked in items:
        by_owner[tracked.item.owner or "(no owner)"].append(tracked)
        by_priority.setdefault(tracked.item.priority or "(none)", []).append(tracked)
    return FollowThrough(
        today=today,
        items=items,
        priorities=settings.priorities,
        by_owner={
            owner: sorted(found, key=_due_order)
            for owner, found in sorted(by_owner.items(), key=lambda kv: kv[0].casefold())
        },
        by_priority={p: sorted(found, key=_due_order) for p, found in by_priority.items() if found},
    )
