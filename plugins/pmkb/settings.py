"""The knowledge base's settings: scales, taxonomy, required sections, rule levels.

Every field is a plugin option in mkdocs.yml (`plugins: - postmortems: {...}`); the
defaults make a bare `plugins: [postmortems]` useful.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pmkb.read.names import normalise_heading, normalise_status

Level = Literal["error", "warning", "off"]
ItemState = Literal["open", "in-progress", "done", "wont-do"]

FULL_REPORT = [
    "Summary",
    "Impact",
    "Timeline",
    "Contributing Factors",
    "What Went Well",
    "What Went Wrong",
    "Action Items",
    "Lessons Learned",
]
SECTION_ALIASES: dict[str, list[str]] = {
    "Summary": [
        "Executive Summary",
        "Incident Summary",
        "Overview",
        "TL;DR",
        "Issue Summary",
        "Incident Overview",
        "Synopsis",
    ],
    "Impact": [
        "Customer Impact",
        "User Impact",
        "Business Impact",
        "Incident Impact",
        "Impact on Users",
        "Impact on Customers",
        "What Was the Impact",
        "What Was the Impact Identified",
    ],
    "Timeline": [
        "Timeline of Events",
        "Incident Timeline",
        "Sequence of Events",
        "Detailed Timeline",
    ],
    "Contributing Factors": [
        "Root Cause",
        "Root Causes",
        "Causes",
        "Root Cause Analysis",
        "Cause",
        "Contributing Causes",
        "Leadup",
        "Lead-up",
        "Fault",
        "Trigger",
        "Triggers",
    ],
    "What Went Well": ["Went Well", "Things That Went Well", "What Went Right", "What Worked"],
    "What Went Wrong": [
        "Went Wrong",
        "Things That Went Wrong",
        "Where We Got Lucky",
        "What Didn't Go So Well",
        "What Didn't Go Well",
        "What Went Poorly",
        "What Could Have Gone Better",
        "Things That Could Have Gone Better",
    ],
    "Action Items": [
        "Follow-ups",
        "Follow-up Actions",
        "Remediation",
        "Corrective Actions",
        "Follow-up Improvements",
        "Remediations",
        "Root Cause Remediations",
        "Corrective and Preventative Measures",
        "Corrective and Preventive Measures",
        "Corrective and Preventive Actions",
        "Preventive Measures",
        "Prevention",
        "Review Actions",
        "Next Steps",
        "What We're Doing to Fix This",
        "What Could Be Done to Avoid This in Future",
    ],
    "Lessons Learned": ["Lessons", "Takeaways", "Lessons Learnt", "Key Takeaways"],
}
"""Headings of common templates (Google SRE, PagerDuty, Atlassian, Etsy, blog posts) per
canonical section: the default of `section_aliases`, shared by the checks and `pmkb import`."""

INCIDENT_BRIEF = ["Summary", "Impact", "Timeline", "Contributing Factors", "Action Items"]


class DraftPolicy(BaseModel):
    """How drafts are treated: published with a banner, with some rules relaxed."""

    model_config = ConfigDict(extra="forbid")

    publish: bool = True
    """Publish drafts on the site (with a draft banner). False leaves them out of the build."""
    relaxed_rules: list[str] = Field(
        default_factory=lambda: [
            "PM116",
            "PM201",
            "PM202",
            "PM203",
            "PM204",
            "PM301",
            "PM302",
            "PM401",
            "PM402",
        ]
    )
    """Rule codes (or prefixes such as `PM2`) that are not checked on drafts."""


class Settings(BaseModel):
    """Everything a check needs to know about one knowledge base."""

    model_config = ConfigDict(extra="forbid")

    severities: list[str] = Field(default_factory=lambda: ["SEV1", "SEV2", "SEV3", "SEV4"])
    """The severity scale, most severe first."""
    statuses: list[str] = Field(default_factory=lambda: ["draft", "in-review", "final"])
    """Allowed values of `status`. `draft` gets the draft policy; `final` needs action items."""
    factor_categories: list[str] = Field(
        default_factory=lambda: [
            "technical",
            "process",
            "detection",
            "response",
            "communication",
            "dependency",
            "capacity",
        ]
    )
    """The contributing-factor taxonomy."""
    id_pattern: str = r"^PM-\d{4}-\d{3,}$"
    """Regular expression every incident `id` must match."""
    id_format: str | None = None
    """How `pmkb new` and `pmkb import` write a new ID, with `{year}` and `{number}`, e.g.
    `INC-{year}-{number:04d}`. Default: `PM-{year}-{number:03d}`, or, when that does not
    match `id_pattern`, the shape of the IDs the knowledge base already has."""
    template: str = "_template.md"
    """The postmortem template `pmkb new` copies, relative to the docs directory; when the
    file does not exist, pmkb's own template is used."""
    required_sections: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "SEV1": list(FULL_REPORT),
            "SEV2": list(FULL_REPORT),
            "SEV3": list(INCIDENT_BRIEF),
            "SEV4": list(INCIDENT_BRIEF),
        }
    )
    """Sections each severity requires. A severity not listed requires the full report."""
    section_aliases: dict[str, list[str]] = Field(default_factory=lambda: dict(SECTION_ALIASES))
    """Heading aliases per canonical section name (matched case-insensitively, numbering and
    a trailing colon ignored). `pmkb import` maps other templates' headings with the same table."""
    severity_aliases: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "SEV1": ["critical", "highest", "blocker", "P1", "P0"],
            "SEV2": ["major", "high", "P2"],
            "SEV3": ["minor", "medium", "moderate", "P3"],
            "SEV4": ["low", "trivial", "P4"],
        }
    )
    """Words other templates use for a level of the scale (`Critical`, `Major (High)`, `P1`),
    used by `pmkb import`. Levels that are not on the scale are ignored; `Sev 2` and `SEV-2`
    map to `SEV2` without an alias when the scale has it."""
    priorities: list[str] = Field(default_factory=lambda: ["P0", "P1", "P2", "P3"])
    """Action-item priorities, most urgent first."""
    ticket_required_for: list[str] = Field(default_factory=lambda: ["P0", "P1"])
    """Priorities whose action items must link a ticket."""
    item_statuses: dict[ItemState, list[str]] = Field(
        default_factory=lambda: {  # type: ignore[arg-type]  # the literal keys are ItemStates
            "open": ["open", "todo", "to do", "pending", "not started", "planned"],
            "in-progress": ["in progress", "in-progress", "doing", "started", "in review"],
            "done": ["done", "completed", "complete", "closed", "fixed", "resolved"],
            "wont-do": ["won't do", "wont do", "wont-do", "cancelled", "canceled", "wontfix"],
        }
    )
    """Status words per action-item state; emoji and case are ignored (`✅ Completed` is done)."""
    column_aliases: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "action": ["action", "task", "action item", "item", "description", "what"],
            "owner": ["owner", "assignee", "responsible", "dri", "who"],
            "priority": ["priority", "prio", "pri"],
            "due": ["due", "deadline", "due date", "target date", "by"],
            "status": ["status", "state"],
            "ticket": ["ticket", "issue", "link", "tracking", "jira"],
        }
    )
    """Action-item table headers per column (matched case-insensitively)."""
    vague_phrases: list[str] = Field(
        default_factory=lambda: [
            "improve monitoring",
            "better monitoring",
            "more monitoring",
            "improve alerting",
            "be more careful",
            "be careful",
            "add more tests",
            "more testing",
            "improve testing",
            "improve documentation",
            "improve communication",
            "investigate",
            "look into",
            "fix the issue",
            "fix it",
            "follow up",
        ]
    )
    """Action texts that are vague on their own (matched case-insensitively), checked before
    PM309 reads the action for an object and a threshold, place or condition."""
    min_action_words: int = 4
    """An action with fewer words is too short to be actionable."""
    max_action_items: int = 10
    """More action items than this draws a warning (PM310): they will not all get done."""
    blame_phrases: list[str] = Field(
        default_factory=lambda: [
            "human error",
            "operator error",
            "user error",
            "careless",
            "carelessness",
            "negligence",
            "negligent",
            "should have known",
            "should have been more careful",
            "failed to notice",
            "was to blame",
            "is to blame",
            "fault of",
            "incompetent",
            "sloppy",
            "lazy",
            "stupid",
            "dumb mistake",
            "obvious mistake",
            "messed up",
            "screwed up",
        ]
    )
    """Phrases that assign blame instead of describing the system (warnings, PM501); matched
    as whole words in prose, not in code, quotations or chat rows of the timeline."""
    pages: list[str] = Field(default_factory=lambda: ["index.md"])
    """Markdown files of the docs directory that are ordinary pages, not postmortems (globs).
    Files starting with `_` (the template) and `reading-lists/` are never postmortems."""
    ticket_url: str | None = None
    """Link for a ticket ID, with `{ticket}` in place of the ID, e.g.
    `https://jira.example.com/browse/{ticket}`. Tickets written as URLs are linked as they are."""
    services_file: str = "services.yml"
    """Service catalog, relative to the docs directory; used when the file exists."""
    drafts: DraftPolicy = Field(default_factory=DraftPolicy)
    """Draft policy."""
    rules: dict[str, Level] = Field(default_factory=dict)
    """Per-rule level overrides, e.g. `{PM501: error, PM310: off}`. The codes are checked
    against the rule registry where the options are read (`site_config`), so that settings
    need not import the rules, which depend on settings."""

    @field_validator("id_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from exc
        return value

    @field_validator("id_format")
    @classmethod
    def _formats(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if "{number" not in value:
            raise ValueError("must contain {number}, e.g. INC-{year}-{number:04d}")
        try:
            value.format(year=2026, number=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"not a valid format: {exc}; use {{year}} and {{number}}") from exc
        return value

    @field_validator("ticket_url")
    @classmethod
    def _ticket_template(cls, value: str | None) -> str | None:
        if value is not None and (not value.startswith(("https://", "http://")) or "{ticket}" not in value):
            raise ValueError("must be an http(s) URL containing {ticket}")
        return value

    def ticket_link(self, ticket: str) -> str | None:
        """Where a ticket lives, if pmkb can tell: the ticket itself if it is a URL, or the
        configured template filled in."""
        ticket = ticket.strip()
        if ticket.startswith(("https://", "http://")) and " " not in ticket:
            return ticket
        if self.ticket_url and ticket:
            from urllib.parse import quote

            return self.ticket_url.replace("{ticket}", quote(ticket, safe=""))
        return None

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        unknown = [p for p in self.ticket_required_for if p not in self.priorities]
        if unknown:
            raise ValueError(f"ticket_required_for names unknown priorities: {', '.join(unknown)}")
        return self

    @cached_property
    def section_lookup(self) -> dict[str, str]:
        """Normalised heading (name or alias) → canonical section name."""
        lookup = {normalise_heading(name): name for name in self.known_sections()}
        for canonical, aliases in self.section_aliases.items():
            for alias in (canonical, *aliases):
                lookup.setdefault(normalise_heading(alias), canonical)
        return lookup

    @cached_property
    def column_lookup(self) -> dict[str, str]:
        """Normalised table header → action-item column key."""
        return {
            normalise_heading(alias): key
            for key, aliases in reversed(self.column_aliases.items())
            for alias in (key, *aliases)
        }

    @cached_property
    def status_lookup(self) -> dict[str, ItemState]:
        """Normalised status word → action-item state."""
        return {
            normalise_status(word): state
            for state, words in reversed(self.item_statuses.items())
            for word in words
        }

    @cached_property
    def severity_lookup(self) -> dict[str, str]:
        """Casefolded level or alias → a level of the scale (aliases of other levels dropped)."""
        lookup = {level.casefold(): level for level in self.severities}
        for level, aliases in self.severity_aliases.items():
            if level in self.severities:
                for alias in aliases:
                    lookup.setdefault(alias.casefold(), level)
        return lookup

    def known_sections(self) -> list[str]:
        """Every canonical section name: the full report plus any configured one."""
        names = list(FULL_REPORT)
        for required in self.required_sections.values():
            names += [name for name in required if name not in names]
        return names

    def sections_for(self, severity: str | None) -> list[str]:
        """Canonical names of the sections a postmortem of this severity must have.

        For a severity that is not on the scale (already an error of its own), only the
        sections every severity requires, so one typo does not cascade.
        """
        if severity in self.required_sections:
            return self.required_sections[severity]
        if severity in self.severities:
            return list(FULL_REPORT)
        required = [self.required_sections.get(level, FULL_REPORT) for level in self.severities]
        return [name for name in FULL_REPORT if all(name in names for names in required)]
