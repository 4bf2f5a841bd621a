"""Typed models of a postmortem: its front-matter and what is read from its body.

The front-matter model checks types only. Which values are allowed (severities,
statuses, categories, required keys) depends on the settings and is checked by rules,
so that each problem gets its own code and position.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

REQUIRED_KEYS = (
    "id",
    "title",
    "date",
    "status",
    "severity",
    "services",
    "authors",
    "started_at",
    "detected_at",
    "mitigated_at",
    "resolved_at",
)
TIMESTAMP_KEYS = ("started_at", "detected_at", "mitigated_at", "resolved_at")


class ContributingFactor(BaseModel):
    """One contributing factor: a category from the taxonomy and what happened."""

    model_config = ConfigDict(extra="forbid")

    category: Text = Field(description="A category from the configured taxonomy.")
    description: Text = Field(description="The condition in the system, in a sentence or two.")


class FrontMatter(BaseModel):
    """The YAML front-matter of a postmortem. Keys absent from the file are None."""

    model_config = ConfigDict(extra="forbid", strict=False)

    id: Text | None = Field(None, description="Incident ID, e.g. PM-2026-014; unique.")
    title: Text | None = Field(None, description="A short, specific title.")
    date: dt.date | None = Field(None, description="The day the incident started (YYYY-MM-DD).")
    status: Text | None = Field(None, description="draft, in-review or final.")
    severity: Text | None = Field(None, description="A level from the configured scale.")
    services: list[Text] | None = Field(None, min_length=1, description="Affected services.")
    authors: list[Text] | None = Field(None, min_length=1, description="Who wrote this.")
    incident_commander: Text | None = Field(None, description="Who led the response.")
    started_at: dt.datetime | None = Field(None, description="When impact began (with timezone).")
    detected_at: dt.datetime | None = Field(None, description="When we knew (with timezone).")
    mitigated_at: dt.datetime | None = Field(None, description="When impact ended (with timezone).")
    resolved_at: dt.datetime | None = Field(None, description="When the incident was closed.")
    contributing_factors: list[ContributingFactor] = Field(
        default_factory=list, description="Categorised contributing factors."
    )
    related: list[Text] = Field(default_factory=list, description="IDs of related incidents.")
    tags: list[Text] = Field(default_factory=list, description="Free-form tags.")


class ActionItem(BaseModel):
    """A row of the Action Items table, normalised."""

    action: str
    owner: str
    priority: str
    due: dt.date | None
    state: str | None
    """open, in-progress, done or wont-do; None when the status word is unknown."""
    ticket: str
    line: int


@dataclass(slots=True)
class TimelineEntry:
    """A row of the Timeline table. A dataclass, not a model: only the timeline rule reads
    it, from values the reader has already typed, and a check makes one per row."""

    time: dt.datetime | dt.time | None
    """None when the time cell does not parse."""
    time_text: str
    event: str
    line: int
