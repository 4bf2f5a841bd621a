"""PM6xx: rules across files: unique IDs and `related` links that resolve."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pmkb.check.rules.registry import Finding, rule

if TYPE_CHECKING:
    from pmkb.read.postmortem import Postmortem

DUPLICATE_ID = rule(
    "PM601",
    "unique-id",
    "error",
    "No two postmortems share an `id`.",
    "An ID must name one incident, or links and citations point at the wrong one.",
    fix="Give one of the postmortems the next free ID (`pmkb new` picks it).",
    bad="# 2026/a.md\nid: PM-2026-014\n# 2026/b.md\nid: PM-2026-014",
    good="# 2026/a.md\nid: PM-2026-014\n# 2026/b.md\nid: PM-2026-015",
)
UNKNOWN_RELATED = rule(
    "PM602",
    "related-exists",
    "error",
    "Every ID in `related` is the ID of a postmortem in the knowledge base.",
    "A dangling link breaks the chain of related incidents that shows recurrence.",
    fix="Use the ID of an existing postmortem, or remove the entry.",
    bad="related: [PM-2025-999]",
    good="related: [PM-2025-101]",
)
SELF_RELATED = rule(
    "PM603",
    "related-not-self",
    "error",
    "A postmortem does not list its own ID in `related`.",
    "A self-link adds nothing and inflates the recurrence metric.",
    fix="Remove the postmortem's own ID from `related`.",
    bad="id: PM-2026-014\nrelated: [PM-2026-014, PM-2025-101]",
    good="id: PM-2026-014\nrelated: [PM-2025-101]",
)


def check(postmortems: list[Postmortem]) -> Iterator[tuple[str, Finding]]:
    """Findings with the path they belong to, for every file of the knowledge base."""
    by_id: dict[str, list[Postmortem]] = {}
    for postmortem in postmortems:
        if postmortem.meta.id is not None:
            by_id.setdefault(postmortem.meta.id, []).append(postmortem)
    for incident_id, sharing in by_id.items():
        # Every file with the ID is told, so checking any one of them finds the clash.
        for postmortem in sharing if len(sharing) > 1 else []:
            others = ", ".join(
                f"{other.path}:{other.key_position('id')[0]}" for other in sharing if other is not postmortem
            )
            yield (
                postmortem.path,
                DUPLICATE_ID.at(
                    *postmortem.key_position("id"),
                    f"id `{incident_id}` is also used by {others}; give one of them the next "
                    "free ID (pmkb new picks it)",
                ),
            )
    first_by_id = {incident_id: sharing[0] for incident_id, sharing in by_id.items()}
    known = list(first_by_id)
    for postmortem in postmortems:
        yield from ((postmortem.path, f) for f in _related_findings(postmortem, first_by_id, known))


def _related_findings(
    postmortem: Postmortem, by_id: dict[str, Postmortem], known: list[str]
) -> Iterator[Finding]:
    for index, related_id in enumerate(postmortem.meta.related):
        position = postmortem.key_position("related", index)
        if related_id == postmortem.meta.id:
            yield SELF_RELATED.at(*position, f"`related` lists this postmortem's own ID {related_id}")
        elif related_id not in by_id:
            close = difflib.get_close_matches(related_id, known, n=1, cutoff=0.8)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            yield UNKNOWN_RELATED.at(*position, f"related incident `{related_id}` does not exist{hint}")
