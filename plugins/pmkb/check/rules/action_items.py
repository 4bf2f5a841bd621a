"""PM3xx: action items are concrete, owned, prioritised, dated and tracked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pmkb.check.language.vagueness import judge
from pmkb.check.rules.registry import Finding, rule
from pmkb.read.postmortem import is_empty_cell, item_state, parse_iso_date

if TYPE_CHECKING:
    from pmkb.check.rules.context import CheckContext
    from pmkb.read.document import TableRow
    from pmkb.read.postmortem import ActionTable
    from pmkb.settings import Settings

REQUIRED_COLUMNS = ("action", "owner", "priority", "due", "status")

NO_ACTION_ITEMS = rule(
    "PM301",
    "action-items-present",
    "error",
    "A final postmortem has at least one action item.",
    "A postmortem without follow-through is a report, not a process.",
    fix="Add an action item to the Action Items table.",
    bad="status: final\n...\n## Action Items\n| Action | Owner | Priority | Due | Status | Ticket |\n"
    "|---|---|---|---|---|---|",
    good="status: final\n...\n## Action Items\n| Action | Owner | Priority | Due | Status | Ticket |\n"
    "|---|---|---|---|---|---|\n| Alert at 80% pool usage on payments-db | Sarah Chen | P1 | "
    "2026-07-01 | Open | NW-1432 |",
)
ACTION_TABLE = rule(
    "PM302",
    "action-items-table",
    "error",
    "Action items are a Markdown table with Action, Owner, Priority, Due and Status columns.",
    "A table with known columns is what the action-item tracker reads.",
    fix="Write the action items as a table: | Action | Owner | Priority | Due | Status | Ticket |.",
    bad="## Action Items\n- Add an alert on pool usage (Sarah)",
    good="## Action Items\n| Action | Owner | Priority | Due | Status | Ticket |\n"
    "|---|---|---|---|---|---|\n| Alert at 80% pool usage on payments-db | Sarah Chen | P1 | "
    "2026-07-01 | Open | NW-1432 |",
)
SINGLE_OWNER = rule(
    "PM303",
    "single-owner",
    "error",
    "Each action item has exactly one owner (a person or a team).",
    "Work owned by two people is owned by nobody.",
    fix="Name exactly one owner: a person or a team.",
    bad="| Add pool alert | Sarah Chen, Marcus Okafor | P1 | ...",
    good="| Add pool alert | Sarah Chen | P1 | ...",
)
KNOWN_PRIORITY = rule(
    "PM304",
    "known-priority",
    "error",
    "Each action item's priority is from the configured set (default P0–P3).",
    "Priorities are compared across incidents; free-form ones cannot be.",
    fix="Use a configured priority, e.g. P1.",
    bad="| ... | Sarah Chen | urgent | ...",
    good="| ... | Sarah Chen | P1 | ...",
)
ISO_DUE_DATE = rule(
    "PM305",
    "iso-due-date",
    "error",
    "Each action item has a due date written YYYY-MM-DD.",
    '"Next week" is not a date anyone can be held to, or that the overdue list can read.',
    fix="Write the due date as YYYY-MM-DD.",
    bad="| ... | P1 | next week | Open |",
    good="| ... | P1 | 2026-07-01 | Open |",
)
DUE_AFTER_INCIDENT = rule(
    "PM306",
    "due-after-incident",
    "error",
    "Each due date is after the incident date.",
    "A due date before the incident is a typo that hides the item from the overdue list.",
    fix="Set a due date after the incident's date.",
    bad="date: 2026-06-20\n...\n"
    "| Add pool alert on payments-db | Sarah Chen | P1 | 2025-07-01 | Open | NW-1 |",
    good="date: 2026-06-20\n...\n"
    "| Add pool alert on payments-db | Sarah Chen | P1 | 2026-07-01 | Open | NW-1 |",
)
KNOWN_ITEM_STATUS = rule(
    "PM307",
    "known-item-status",
    "error",
    "Each action item's status is a known word (Open, In progress, Done, Won't do, or the emoji forms).",
    "Completion rates are computed from the status.",
    fix="Use a known status: Open, In progress, Done or Won't do.",
    bad="| ... | 2026-07-01 | almost |",
    good="| ... | 2026-07-01 | 🔄 In Progress |",
)
TICKET_REQUIRED = rule(
    "PM308",
    "ticket-required",
    "error",
    "Action items of the configured priorities (default P0, P1) link a ticket.",
    "Urgent work that lives only in a postmortem gets forgotten; the ticket is where it is tracked.",
    fix="Add the ticket that tracks the item in the Ticket column.",
    bad="| Fail over payments-db automatically | dba-team | P1 | 2026-07-01 | Open | |",
    good="| Fail over payments-db automatically | dba-team | P1 | 2026-07-01 | Open | NW-1433 |",
)
VAGUE_ACTION = rule(
    "PM309",
    "specific-action",
    "error",
    "Each action is specific: it names what changes (an alert, a test, a runbook, a config key, "
    "a service) and how one would see it done (a threshold, a place, a condition).",
    "Vague actions cannot be finished, so they never are.",
    fix="Name what changes and how one would see it done, e.g. which alert at what threshold.",
    bad="| Improve monitoring | ...\n"
    "| Be more attentive during key rotations | ...\n"
    "| Look into the cache misses | ...\n"
    "| Make sure this doesn't happen again | ...\n"
    "| Add more tests | ...",
    good="| Alert when payments-db pool usage exceeds 80% for 5 minutes | ...\n"
    "| Block key rotation in the deploy tool while the old key still signs live sessions | ...\n"
    "| Alert when the cache miss rate on catalog-api exceeds 20% for 10 minutes | ...\n"
    "| Fail the deploy when a migration takes a lock on a table over 1 GB | ...\n"
    "| Add an integration test that times out a query and checks the pool is released | ...",
)
TOO_MANY_ITEMS = rule(
    "PM310",
    "action-item-count",
    "warning",
    "A postmortem has no more action items than the configured maximum (default 10).",
    "A long list dilutes attention; pick the items that change the most.",
    fix="Keep the items that change the most; track the others in your ticket system.",
    bad="(14 action items, half of them P3 clean-ups)",
    good="(the 5 items that remove the conditions behind the incident; the rest go to the team backlog)",
)
OVERDUE_ITEM = rule(
    "PM311",
    "overdue-action-item",
    "off",
    "An open action item is past its due date (as of the build date). Off by default.",
    "Turn it on to nag; it is off because builds must not start failing as time passes.",
    fix="Finish the item, or set a new due date and say why in the postmortem.",
    bad="| Add pool alert on payments-db | Sarah Chen | P1 | 2026-07-01 | Open | NW-1 |  "
    "(built on 2026-09-01)",
    good="| Add pool alert on payments-db | Sarah Chen | P1 | 2026-07-01 | Done | NW-1 |",
)

_OWNER_SEPARATORS = re.compile(r",|;|&|/|\+|\band\b|\bor\b", re.IGNORECASE)
_WORD = re.compile(r"[\w'-]+")


def check(ctx: CheckContext) -> Iterator[Finding]:
    postmortem = ctx.postmortem
    section = postmortem.sections.get("Action Items")
    if section is None:
        if postmortem.meta.status == "final" and "Action Items" not in ctx.settings.sections_for(
            postmortem.meta.severity
        ):
            yield NO_ACTION_ITEMS.at(
                *postmortem.key_position("status"),
                "a final postmortem needs at least one action item (add `## Action Items`)",
            )
        return
    table = postmortem.action_table
    if table is None:
        yield ACTION_TABLE.at(
            section.line,
            1,
            "action items must be a table: | Action | Owner | Priority | Due | Status | Ticket |",
        )
        return
    missing = [column for column in REQUIRED_COLUMNS if column not in table.columns]
    if missing:
        names = ", ".join(column.capitalize() for column in missing)
        yield ACTION_TABLE.at(
            table.table.line,
            1,
            f"action-item table lacks column(s) {names}; headers found: {', '.join(table.table.header)}",
        )
    rows = table.table.rows
    if not rows and postmortem.meta.status == "final":
        yield NO_ACTION_ITEMS.at(table.table.line, 1, "a final postmortem needs at least one action item")
    if len(rows) > ctx.settings.max_action_items:
        yield TOO_MANY_ITEMS.at(
            section.line,
            1,
            f"{len(rows)} action items (more than {ctx.settings.max_action_items}); "
            "keep the ones that matter most",
        )
    for row in rows:
        yield from _row_findings(ctx, table, row, missing)


def _row_findings(
    ctx: CheckContext, table: ActionTable, row: TableRow, missing: list[str]
) -> Iterator[Finding]:
    settings = ctx.settings
    if "action" not in missing:
        yield from action_text_findings(ctx.settings, table.cell(row, "action"), row.line)
    owner = table.cell(row, "owner")
    if "owner" not in missing:
        if is_empty_cell(owner):
            yield SINGLE_OWNER.at(row.line, 1, "action item has no owner; name one person or team")
        elif len([part for part in _OWNER_SEPARATORS.split(owner) if part.strip()]) > 1:
            yield SINGLE_OWNER.at(
                row.line, 1, f"action item has more than one owner (`{owner}`); name exactly one"
            )
    priority = table.cell(row, "priority")
    if "priority" not in missing and priority not in settings.priorities:
        shown = priority or "(empty)"
        yield KNOWN_PRIORITY.at(
            row.line,
            1,
            f"unknown priority `{shown}`; use one of: {', '.join(settings.priorities)}",
        )
    due_text = table.cell(row, "due")
    due = parse_iso_date(due_text)
    if "due" not in missing:
        if due is None:
            shown = due_text or "(empty)"
            yield ISO_DUE_DATE.at(row.line, 1, f"due date `{shown}` is not a date; write it as YYYY-MM-DD")
        elif ctx.postmortem.meta.date is not None and due <= ctx.postmortem.meta.date:
            yield DUE_AFTER_INCIDENT.at(
                row.line,
                1,
                f"due date {due} is not after the incident date {ctx.postmortem.meta.date}",
            )
    status = table.cell(row, "status")
    state = item_state(status, settings)
    if "status" not in missing and state is None:
        yield KNOWN_ITEM_STATUS.at(
            row.line,
            1,
            f"unknown status `{status or '(empty)'}`; use Open, In progress, Done or Won't do "
            "(or ⏳ Pending, 🔄 In Progress, ✅ Completed)",
        )
    ticket = table.cell(row, "ticket")
    if priority in settings.ticket_required_for and is_empty_cell(ticket):
        yield TICKET_REQUIRED.at(
            row.line, 1, f"{priority} action items need a ticket; add one in the Ticket column"
        )
    if due is not None and state in ("open", "in-progress") and due < ctx.today:
        yield OVERDUE_ITEM.at(row.line, 1, f"action item was due {due} and is still {state}")


def action_text_findings(settings: Settings, action: str, line: int) -> Iterator[Finding]:
    """PM309 on one action's text: empty, a configured vague phrase, too short, or vague
    by its structure (see `language.vagueness`)."""
    action = _HTML_COMMENT.sub(" ", action).strip()
    plain = _MARKUP.sub(" ", action).casefold().strip(" .!")
    vague = next((p for p in settings.vague_phrases if p.casefold() in plain and _is_vague(plain, p)), None)
    words = _WORD.findall(plain)
    if not plain:
        yield VAGUE_ACTION.at(line, 1, "action item has no action; say what will be done")
    elif vague is not None:
        yield VAGUE_ACTION.at(
            line,
            1,
            f'action `{action}` is vague ("{vague}"); say what exactly changes, '
            f"e.g. which alert, test or check, on what → {_rewrite(vague)}",
        )
    elif len(words) < settings.min_action_words:
        yield VAGUE_ACTION.at(
            line,
            1,
            f"action `{action}` is too short ({len(words)} words, at least "
            f"{settings.min_action_words}); say what exactly will change",
        )
    else:
        verdict = judge(action)
        if verdict is not None:
            yield VAGUE_ACTION.at(
                line,
                1,
                f'action `{action}` is vague ("{verdict.intent}" names no object with a '
                f"threshold, place or condition); say what exactly changes and how one would "
                f"see it done → {_rewrite(verdict.intent)}",
            )


_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MARKUP = re.compile(r"[`*_\[\]()]")
_REWRITES = (
    (
        ("monitor", "alert", "dashboard", "observab", "visib", "metric"),
        'e.g. "Alert when <metric> on <service> exceeds <threshold> for <duration>"',
    ),
    (("test", "coverage"), 'e.g. "Add an integration test that <does X> and checks <Y>"'),
    (
        (
            "careful",
            "attentive",
            "aware",
            "attention",
            "sure",
            "ensure",
            "again",
            "prevent",
            "avoid",
            "remember",
        ),
        'name the guard that enforces it, e.g. "Fail the deploy when <condition>"',
    ),
    (
        ("investigate", "look", "understand", "figure", "explore", "research", "analy"),
        'name the question and the deliverable, e.g. "Find why <X>; write the answer in <ticket>"',
    ),
    (
        ("review", "revisit", "process", "rethink", "reconsider", "evaluate", "assess"),
        'name the change, e.g. "Require a second approval for <risky change>"',
    ),
    (
        ("document", "docs", "runbook", "communicat"),
        'name the page and the step, e.g. "Add the failover step to the <service> runbook"',
    ),
)


def _rewrite(intent: str) -> str:
    """A concrete shape for the action, by what the vague words are about."""
    lowered = intent.casefold()
    for stems, rewrite in _REWRITES:
        if any(stem in lowered for stem in stems):
            return rewrite
    return 'name the object and the observable end, e.g. "Set <key> to <value> on <service>"'


def _is_vague(action: str, phrase: str) -> bool:
    """The action is the phrase, or the phrase with a few filler words around it."""
    phrase = phrase.casefold()
    if phrase not in action:
        return False
    rest = _WORD.findall(action.replace(phrase, " ", 1))
    return len(rest) <= 2
