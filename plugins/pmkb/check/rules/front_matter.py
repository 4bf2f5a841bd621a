"""PM1xx: the front-matter is present, well-formed YAML, typed, and uses known values."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from pmkb.check.rules.registry import Finding, rule
from pmkb.read.model import REQUIRED_KEYS, TIMESTAMP_KEYS, FrontMatter

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

    from pmkb.check.rules.context import CheckContext
    from pmkb.read.yaml_reader import ReadProblem

UNREADABLE = rule(
    "PM100",
    "readable-file",
    "error",
    "The file is UTF-8 text of a sensible size.",
    "A file the site cannot read is a postmortem nobody can learn from.",
    fix="Save the file as UTF-8 text, under 2 MB.",
    bad="(a file saved as UTF-16 or Windows-1252, or a binary file named .md)",
    good='(the same text saved as UTF-8; most editors offer "Save with encoding")',
)
NO_FRONT_MATTER = rule(
    "PM101",
    "front-matter-present",
    "error",
    "The file starts with a `---` YAML front-matter block that is closed by `---`.",
    "The front-matter is what puts an incident in the indexes, metrics and search facets.",
    fix="Open the file with a `---` line, then the front-matter keys, then a closing `---`.",
    bad="# Checkout outage\n\n## Summary",
    good="---\nid: PM-2026-014\ntitle: Checkout outage\n...\n---\n\n## Summary",
)
YAML_SYNTAX = rule(
    "PM102",
    "front-matter-yaml",
    "error",
    "The front-matter is valid YAML.",
    "MkDocs silently ignores invalid front-matter; pmkb says where it breaks instead.",
    fix="Correct the YAML where shown; quote values that contain `: ` or ` #`.",
    bad="services: [checkout-api, payments-db",
    good="services: [checkout-api, payments-db]",
)
NOT_A_MAPPING = rule(
    "PM103",
    "front-matter-mapping",
    "error",
    "The front-matter is a mapping of `key: value` pairs.",
    "Only named keys can be validated and indexed.",
    fix="Write the front-matter as `key: value` lines, one key per line.",
    bad="- PM-2026-014\n- Checkout outage",
    good="id: PM-2026-014\ntitle: Checkout outage",
)
UNKNOWN_KEY = rule(
    "PM104",
    "known-keys",
    "error",
    "Every front-matter key is one pmkb knows.",
    "A misspelt key (`severty`) would silently drop the incident from an index.",
    fix="Rename the key to one pmkb knows, or remove it.",
    bad="severty: SEV2",
    good="severity: SEV2",
)
MISSING_KEY = rule(
    "PM105",
    "required-keys",
    "error",
    "The required keys are present: " + ", ".join(REQUIRED_KEYS) + ".",
    "Every incident needs the same facts for the indexes and the MTTD/MTTR metrics.",
    fix="Add every required key, each with a value.",
    bad="id: PM-2026-014\ntitle: Checkout outage",
    good="id: PM-2026-014\ntitle: Checkout outage\ndate: 2026-06-20\nstatus: final\n...",
)
INVALID_VALUE = rule(
    "PM106",
    "value-types",
    "error",
    "Each value has the right type: a date, a timestamp, a list of names, a mapping.",
    "Typed values are what make sorting, durations and filters correct.",
    fix="Write the value in its type, e.g. a list `[a, b]` or a timestamp `2026-06-20T14:00:00Z`.",
    bad="services: checkout-api, payments-db\nstarted_at: yesterday afternoon",
    good="services: [checkout-api, payments-db]\nstarted_at: 2026-06-20T14:00:00Z",
)
ID_PATTERN = rule(
    "PM107",
    "id-pattern",
    "error",
    "The `id` matches the configured pattern (default `PM-YYYY-NNN`).",
    "Stable, uniform IDs are how people cite incidents in chat, tickets and other postmortems.",
    fix="Write the `id` in the configured pattern; `pmkb new` picks the next free one.",
    bad="id: checkout-outage",
    good="id: PM-2026-014",
)
UNKNOWN_SEVERITY = rule(
    "PM108",
    "known-severity",
    "error",
    "The `severity` is a level of the configured scale.",
    "Severity drives the required sections, the indexes and the metrics.",
    fix="Use a severity of the configured scale, e.g. SEV2.",
    bad="severity: critical",
    good="severity: SEV1",
)
UNKNOWN_STATUS = rule(
    "PM109",
    "known-status",
    "error",
    "The `status` is one of the configured statuses (draft, in-review, final).",
    "Status decides which rules apply and whether the draft banner shows.",
    fix="Use a configured status, e.g. draft, in-review or final.",
    bad="status: done",
    good="status: final",
)
UNKNOWN_CATEGORY = rule(
    "PM110",
    "known-factor-category",
    "error",
    "Every contributing factor's `category` is from the configured taxonomy.",
    "A shared taxonomy is what lets the factor indexes show patterns across incidents.",
    fix="Use a category of the configured contributing-factor taxonomy.",
    bad="contributing_factors:\n  - category: bug\n    description: ...",
    good="contributing_factors:\n  - category: technical\n    description: ...",
)
NAIVE_TIMESTAMP = rule(
    "PM111",
    "timezone-aware",
    "error",
    "Timestamps carry a timezone (`Z` or `+02:00`).",
    "Responders work across timezones; a time without one is ambiguous and breaks durations.",
    fix="Add the timezone to the timestamp, e.g. `2026-06-20T14:00:00Z` for UTC.",
    bad="started_at: 2026-06-20T14:00:00",
    good="started_at: 2026-06-20T14:00:00Z",
)
TIMESTAMP_ORDER = rule(
    "PM112",
    "timestamp-order",
    "error",
    "started_at ≤ detected_at ≤ mitigated_at ≤ resolved_at.",
    "Out-of-order timestamps give negative time-to-detect and wrong MTTR.",
    fix="Correct the timestamps so that started ≤ detected ≤ mitigated ≤ resolved.",
    bad="started_at: 2026-06-20T14:00:00Z\ndetected_at: 2026-06-20T13:55:00Z",
    good="started_at: 2026-06-20T14:00:00Z\ndetected_at: 2026-06-20T14:05:00Z",
)
UNKNOWN_SERVICE = rule(
    "PM113",
    "known-service",
    "error",
    "Each service is in the service catalog (`services.yml`), when there is one.",
    "One spelling per service keeps its history on one page.",
    fix="Use the service's name from the catalog, or add the service to the catalog.",
    bad="services: [checkout]",
    good="services: [checkout-api]",
)
DUPLICATE_KEY = rule(
    "PM114",
    "unique-keys",
    "error",
    "No key appears twice in the front-matter.",
    "YAML keeps only the last of two equal keys; the first is silently lost.",
    fix="Keep one of the two keys and remove the other.",
    bad="severity: SEV2\n...\nseverity: SEV1",
    good="severity: SEV1",
)
YAML_ALIAS = rule(
    "PM115",
    "no-yaml-aliases",
    "error",
    "The front-matter uses no YAML anchors and aliases (`&a`, `*a`).",
    "Aliases make front-matter hard to read and allow exponential-size documents.",
    fix="Write the value out where the alias is, and remove the anchor.",
    bad="authors: &team [Sarah Chen, Marcus Okafor]\nincident_commander: *team",
    good="authors: [Sarah Chen, Marcus Okafor]\nincident_commander: Sarah Chen",
)
NO_FACTORS = rule(
    "PM116",
    "contributing-factors-listed",
    "error",
    "A postmortem lists at least one categorised contributing factor in the front-matter.",
    "Factor categories are how the knowledge base shows recurring weaknesses.",
    fix="Add to `contributing_factors` a `- category:` of the taxonomy with a `description`.",
    bad="contributing_factors: []",
    good="contributing_factors:\n  - category: detection\n    description: No alert on pool usage.",
)

IMPORT_PLACEHOLDER = "TODO"
"""What `pmkb import` writes where the source did not say: named as such, not as a type error."""


def check(ctx: CheckContext) -> Iterator[Finding]:
    postmortem = ctx.postmortem
    yield from read_problem_findings(postmortem.document.problems)
    front_matter = postmortem.document.front_matter
    if front_matter is None or not front_matter.data:
        return
    yield from _schema_findings(ctx)
    yield from _value_findings(ctx)
    yield from _timestamp_findings(ctx)


def read_problem_findings(problems: Iterable[ReadProblem]) -> list[Finding]:
    """PM100–PM103, PM114, PM115: what reading a postmortem's file and front-matter found."""
    return [_read_problem_finding(problem) for problem in problems]


def _read_problem_finding(problem: ReadProblem) -> Finding:
    where = (problem.line, problem.col, problem.message)
    match problem.kind:
        case "unreadable":
            return UNREADABLE.at(*where)
        case "no-front-matter":
            return NO_FRONT_MATTER.at(*where)
        case "yaml-syntax":
            return YAML_SYNTAX.at(*where)
        case "not-a-mapping":
            return NOT_A_MAPPING.at(*where)
        case "duplicate-key":
            return DUPLICATE_KEY.at(*where)
        case "alias":
            return YAML_ALIAS.at(*where)
    raise ValueError(f"no rule for a read problem of kind {problem.kind!r}")


def catalog_findings(problems: Iterable[ReadProblem]) -> list[Finding]:
    """PM120: what reading the service catalog (`services.yml`) found."""
    return [INVALID_CATALOG.at(problem.line, problem.col, problem.message) for problem in problems]


def _schema_findings(ctx: CheckContext) -> Iterator[Finding]:
    postmortem = ctx.postmortem
    known = list(FrontMatter.model_fields)
    for key in REQUIRED_KEYS:
        if key not in postmortem.raw:
            line, col = postmortem.key_position()
            yield MISSING_KEY.at(line, col, f"missing required key `{key}`")
        elif postmortem.raw[key] is None:
            yield MISSING_KEY.at(*postmortem.key_position(key), f"required key `{key}` is empty")
    for error in postmortem.schema_errors:
        loc = tuple(error["loc"])
        line, col = postmortem.key_position(*loc)
        where = ".".join(str(part) for part in loc)
        if error["type"] == "extra_forbidden" and len(loc) == 1:
            hint = difflib.get_close_matches(str(loc[0]), known, n=1)
            fix = f"; did you mean `{hint[0]}`?" if hint else f"; known keys: {', '.join(known)}"
            yield UNKNOWN_KEY.at(line, col, f"unknown key `{where}`{fix}")
        elif error.get("input") == IMPORT_PLACEHOLDER:
            yield INVALID_VALUE.at(line, col, f"`{where}`: `TODO` left by import; {_describe(error)}")
        else:
            yield INVALID_VALUE.at(line, col, f"`{where}`: {_describe(error)}")


def _describe(error: ErrorDetails) -> str:
    """Pydantic's message, phrased for someone editing YAML."""
    kind = error["type"]
    if kind.startswith("datetime"):
        return "expected a timestamp like 2026-06-20T14:00:00Z"
    if kind.startswith("date"):
        return "expected a date like 2026-06-20"
    if kind == "list_type":
        return "expected a list, e.g. [a, b]"
    if kind == "too_short":
        return "must not be empty"
    if kind == "missing":
        return "this key is required"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind in ("string_type", "string_too_short"):
        return "expected non-empty text"
    return str(error["msg"]).lower()


def _value_findings(ctx: CheckContext) -> Iterator[Finding]:
    meta, settings, postmortem = ctx.postmortem.meta, ctx.settings, ctx.postmortem
    if meta.id is not None and not re.search(settings.id_pattern, meta.id):
        yield ID_PATTERN.at(
            *postmortem.key_position("id"),
            f"id `{meta.id}` does not match the pattern `{settings.id_pattern}` (e.g. PM-2026-014)",
        )
    if meta.severity == IMPORT_PLACEHOLDER:
        yield UNKNOWN_SEVERITY.at(
            *postmortem.key_position("severity"),
            f"severity `TODO` left by import; use one of: {', '.join(settings.severities)}",
        )
    elif meta.severity is not None and meta.severity not in settings.severities:
        yield UNKNOWN_SEVERITY.at(
            *postmortem.key_position("severity"),
            f"unknown severity `{meta.severity}`{_one_of(meta.severity, settings.severities)}",
        )
    if meta.status is not None and meta.status not in settings.statuses:
        yield UNKNOWN_STATUS.at(
            *postmortem.key_position("status"),
            f"unknown status `{meta.status}`{_one_of(meta.status, settings.statuses)}",
        )
    for index, factor in enumerate(meta.contributing_factors):
        if factor.category not in settings.factor_categories:
            yield UNKNOWN_CATEGORY.at(
                *postmortem.key_position("contributing_factors", index, "category"),
                f"unknown contributing-factor category `{factor.category}`"
                f"{_one_of(factor.category, settings.factor_categories)}",
            )
    if not meta.contributing_factors and "contributing_factors" not in _bad_keys(ctx):
        yield NO_FACTORS.at(
            *postmortem.key_position("contributing_factors"),
            "list at least one contributing factor (category and description)",
        )
    if ctx.catalog is not None:
        for index, service in enumerate(meta.services or []):
            if service not in ctx.catalog.services:
                suggestion = ctx.catalog.suggest(service)
                fix = (
                    f"; did you mean `{suggestion}`?"
                    if suggestion
                    else f"; add it to {ctx.catalog.path} or use a listed service"
                )
                yield UNKNOWN_SERVICE.at(
                    *postmortem.key_position("services", index),
                    f"unknown service `{service}`{fix}",
                )


def _bad_keys(ctx: CheckContext) -> set[str]:
    return {str(error["loc"][0]) for error in ctx.postmortem.schema_errors if error["loc"]}


def _one_of(value: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(value, allowed, n=1)
    hint = f"did you mean `{close[0]}`? " if close else ""
    return f"; {hint}use one of: {', '.join(allowed)}"


def _timestamp_findings(ctx: CheckContext) -> Iterator[Finding]:
    meta, postmortem = ctx.postmortem.meta, ctx.postmortem
    aware: list[tuple[str, dt.datetime]] = []
    for key in TIMESTAMP_KEYS:
        value = getattr(meta, key)
        if value is None:
            continue
        if value.tzinfo is None or value.utcoffset() is None:
            yield NAIVE_TIMESTAMP.at(
                *postmortem.key_position(key),
                f"`{key}` has no timezone; write it in UTC with a Z, e.g. "
                f"{value.strftime('%Y-%m-%dT%H:%M:%S')}Z",
            )
        else:
            aware.append((key, value))
    for (before_key, before), (after_key, after) in zip(aware, aware[1:], strict=False):
        if after < before:
            yield TIMESTAMP_ORDER.at(
                *postmortem.key_position(after_key),
                f"`{after_key}` ({after.isoformat()}) is before `{before_key}` "
                f"({before.isoformat()}); timestamps must run "
                "started_at ≤ detected_at ≤ mitigated_at ≤ resolved_at",
            )


INVALID_CATALOG = rule(
    "PM120",
    "service-catalog-valid",
    "error",
    "The service catalog (`services.yml`) is a YAML list of {name, owner, tier, description}.",
    "The catalog is the one spelling of every service; a broken catalog checks nothing.",
    fix="Make the catalog a YAML list of `- name:` entries with owner, tier and description.",
    bad="checkout-api: payments team",
    good="- name: checkout-api\n  owner: payments-team\n  tier: 1\n  description: Checkout.",
)
