"""PM7xx: reading lists (`reading-lists/*.md`) are valid, non-empty, and name real incidents.

The reader (`read/reading_lists.py`) keeps what it could not read on each list; the checks
here turn that into findings. Lists are checked in two steps: `reading_list_findings` looks
at each list on its own (PM701, PM702, PM704), `unknown_id_findings` at its items against
the IDs of the knowledge base (PM703), which are known only once every postmortem is read.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from pmkb.check.rules.registry import Finding, rule
from pmkb.read.reading_lists import LoadedReadingList, SchemaProblem

INVALID_LIST = rule(
    "PM701",
    "reading-list-valid",
    "error",
    "A reading list's front-matter has a `title`, an optional `audience` and `items` of "
    "`{id, note}`, and no other keys.",
    "A list that cannot be read is a page onboarding engineers never see.",
    fix="Give the list a `title` and `items` of `- id:` with a `note`, and no other keys.",
    bad="---\ntitle: Start here\nitems:\n  - PM-2025-001\n---",
    good="---\ntitle: Start here\nitems:\n  - id: PM-2025-001\n"
    "    note: The first payments-db pool incident; read it before the on-call rotation.\n---",
)
EMPTY_LIST = rule(
    "PM702",
    "reading-list-not-empty",
    "error",
    "A reading list has at least one item.",
    "An empty list publishes a page that promises reading and offers none.",
    fix="Add an item: `- id: PM-…` with a `note` on why to read it.",
    bad="title: Database incidents\nitems: []",
    good="title: Database incidents\nitems:\n  - id: PM-2025-007\n    note: Why a NOT NULL "
    "migration blocked checkout.",
)
UNKNOWN_ID = rule(
    "PM703",
    "reading-list-known-id",
    "error",
    "Every item's `id` is the ID of a postmortem in the knowledge base.",
    "A dangling entry is a dead link in the middle of someone's onboarding.",
    fix="Use the ID of a postmortem of the knowledge base, or remove the item.",
    bad="items:\n  - id: PM-2025-999\n    note: ...",
    good="items:\n  - id: PM-2025-001\n    note: ...",
)
DUPLICATE_ITEM = rule(
    "PM704",
    "reading-list-no-duplicates",
    "error",
    "A reading list names each postmortem once.",
    "A repeated item confuses the list's order and its previous/next links.",
    fix="Name each postmortem once; remove the repeated item.",
    bad="items:\n  - id: PM-2025-001\n    note: ...\n  - id: PM-2025-001\n    note: ...",
    good="items:\n  - id: PM-2025-001\n    note: ...\n  - id: PM-2025-004\n    note: ...",
)


def reading_list_findings(lists: Iterable[LoadedReadingList]) -> list[tuple[str, Finding]]:
    """(path, finding) for what is wrong with each list on its own: PM701, PM702, PM704."""
    return [(loaded.path, finding) for loaded in lists for finding in list_findings(loaded)]


def list_findings(loaded: LoadedReadingList) -> list[Finding]:
    """PM701 (unreadable or invalid front-matter), PM702 (no items), PM704 (an item twice)."""
    findings = [INVALID_LIST.at(p.line, p.col, p.message) for p in loaded.read_problems]
    findings += [INVALID_LIST.at(p.line, p.col, _describe(p)) for p in loaded.schema_problems]
    if loaded.model is None:
        return findings
    if not loaded.items_listed:
        findings.append(
            EMPTY_LIST.at(
                *loaded.items_position,
                "the reading list has no items; add `- id: PM-…` with a `note` on why to read it",
            )
        )
    return findings + _duplicate_findings(loaded)


def unknown_id_findings(lists: Iterable[LoadedReadingList], known_ids: set[str]) -> list[tuple[str, Finding]]:
    """PM703: (path, finding) for every item whose `id` is not a known postmortem ID."""
    known = sorted(known_ids)
    findings: list[tuple[str, Finding]] = []
    for loaded in lists:
        for item, line, col in zip(loaded.items, loaded.item_lines, loaded.item_columns, strict=False):
            if item.id in known_ids:
                continue
            close = difflib.get_close_matches(item.id, known, n=1, cutoff=0.8)
            hint = f"did you mean `{close[0]}`?" if close else "check the ID in the postmortem"
            message = f"`{item.id}` is not a postmortem of this knowledge base; {hint}"
            findings.append((loaded.path, UNKNOWN_ID.at(line, col, message)))
    return findings


def _duplicate_findings(loaded: LoadedReadingList) -> list[Finding]:
    findings = []
    first: dict[str, tuple[int, int]] = {}
    for number, (item, line, col) in enumerate(
        zip(loaded.items, loaded.item_lines, loaded.item_columns, strict=False), start=1
    ):
        if item.id in first:
            earlier, earlier_line = first[item.id]
            findings.append(
                DUPLICATE_ITEM.at(
                    line,
                    col,
                    f"`{item.id}` is already item {earlier} of this list (line {earlier_line}); "
                    "list each postmortem once",
                )
            )
        else:
            first[item.id] = (number, line)
    return findings


def _describe(problem: SchemaProblem) -> str:
    """Pydantic's error, said for someone editing the list's YAML."""
    error, loc = problem.error, tuple(problem.error["loc"])
    kind = error["type"]
    if loc and loc[0] == "items" and len(loc) >= 2 and isinstance(loc[1], int):
        return _describe_item(kind, loc[1] + 1, loc[2:], problem.allowed_keys)
    key = ".".join(str(part) for part in loc)
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(key, problem.allowed_keys, n=1)
        hint = f"did you mean `{close[0]}`? " if close else ""
        return f"unknown key `{key}`; {hint}a reading list has only {_keys(problem.allowed_keys)}"
    if kind == "missing":
        if key == "items":
            return "missing required key `items`: a list of `- id: PM-…` with a `note` each"
        return f"missing required key `{key}`"
    if key == "items":
        return "`items` must be a list of `- id: PM-…` entries, each with a `note`"
    if kind in ("string_type", "string_too_short"):
        return f"`{key}` must be non-empty text"
    return f"`{key}`: {str(error['msg']).lower()}"


def _describe_item(kind: str, number: int, rest: tuple[str | int, ...], item_keys: tuple[str, ...]) -> str:
    key = ".".join(str(part) for part in rest)
    if kind in ("model_type", "dict_type") or not rest:
        return (
            f"item {number} must be a mapping with `id` and `note`, e.g. "
            "`- id: PM-2025-001` and `note: why to read it` on the next line"
        )
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(key, item_keys, n=1)
        hint = f"did you mean `{close[0]}`? " if close else ""
        return f"item {number} has an unknown key `{key}`; {hint}an item has only {_keys(item_keys)}"
    if key == "note":
        what = "has no `note`" if kind == "missing" else "has an empty `note`"
        return f"item {number} {what}; say in a sentence or two why to read it"
    if kind == "missing":
        return f"item {number} has no `{key}`; name the postmortem, e.g. `id: PM-2025-001`"
    return f"item {number}: `{key}` must be non-empty text"


def _keys(names: tuple[str, ...]) -> str:
    """`title`, `audience` and `items`."""
    quoted = [f"`{name}`" for name in names]
    return f"{', '.join(quoted[:-1])} and {quoted[-1]}" if len(quoted) > 1 else quoted[0]
