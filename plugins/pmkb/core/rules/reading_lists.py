"""PM7xx: reading lists (`reading-lists/*.md`) are valid, non-empty, and name real incidents.

The checks themselves live with the reading-list reader (`core/reading_lists.py`), which
finds these problems while it reads a list; this module only declares the rules, so that
importing the rules package registers every code.
"""

from __future__ import annotations

from .registry import rule

INVALID_LIST = rule(
    "PM701", "reading-list-valid", "error",
    "A reading list's front-matter has a `title`, an optional `audience` and `items` of "
    "`{id, note}`, and no other keys.",
    "A list that cannot be read is a page onboarding engineers never see.",
    fix="Give the list a `title` and `items` of `- id:` with a `note`, and no other keys.",
    bad="---\ntitle: Start here\nitems:\n  - PM-2025-001\n---",
    good="---\ntitle: Start here\nitems:\n  - id: PM-2025-001\n"
    "    note: The first payments-db pool incident; read it before the on-call rotation.\n---",
)
EMPTY_LIST = rule(
    "PM702", "reading-list-not-empty", "error",
    "A reading list has at least one item.",
    "An empty list publishes a page that promises reading and offers none.",
    fix="Add an item: `- id: PM-…` with a `note` on why to read it.",
    bad="title: Database incidents\nitems: []",
    good="title: Database incidents\nitems:\n  - id: PM-2025-007\n    note: Why a NOT NULL "
    "migration blocked checkout.",
)
UNKNOWN_ID = rule(
    "PM703", "reading-list-known-id", "error",
    "Every item's `id` is the ID of a postmortem in the knowledge base.",
    "A dangling entry is a dead link in the middle of someone's onboarding.",
    fix="Use the ID of a postmortem of the knowledge base, or remove the item.",
    bad="items:\n  - id: PM-2025-999\n    note: ...",
    good="items:\n  - id: PM-2025-001\n    note: ...",
)
DUPLICATE_ITEM = rule(
    "PM704", "reading-list-no-duplicates", "error",
    "A reading list names each postmortem once.",
    "A repeated item confuses the list's order and its previous/next links.",
    fix="Name each postmortem once; remove the repeated item.",
    bad="items:\n  - id: PM-2025-001\n    note: ...\n  - id: PM-2025-001\n    note: ...",
    good="items:\n  - id: PM-2025-001\n    note: ...\n  - id: PM-2025-004\n    note: ...",
)
