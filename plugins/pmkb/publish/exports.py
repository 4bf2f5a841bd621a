"""Machine-readable exports of the knowledge base: JSON, CSV, an Atom feed, the JSON Schema.

Each export is built from the index of published postmortems and returned as text (or,
for the schema, a dict); where it is written and under which URL is the caller's
business. `url_of` maps a postmortem to its page URL: absolute, or relative to the site
root without a leading slash (what MkDocs calls `page.url`).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urljoin, urlsplit

from pmkb.clock import build_moment
from pmkb.know import urls
from pmkb.know.index import durations
from pmkb.read.model import REQUIRED_KEYS, TIMESTAMP_KEYS, FrontMatter

if TYPE_CHECKING:
    from pmkb.know.index import KnowledgeIndex
    from pmkb.read.postmortem import Postmortem
    from pmkb.read.services import ServiceCatalog
    from pmkb.settings import Settings

UrlOf = Callable[["Postmortem"], str]

SCHEMA_FILE = "postmortem.schema.json"
"""The schema's file name; also its default `$id` (resolved against where it is served)."""

CSV_COLUMNS = (
    "incident_id",
    "incident_title",
    "incident_url",
    "action",
    "owner",
    "priority",
    "due",
    "status",
    "ticket",
    "line",
)

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"

FEED_LIMIT = 20
"""How many of the newest postmortems the Atom feed carries."""

_STATE_KEYS = {"open": "open", "in-progress": "in_progress", "done": "done", "wont-do": "wont_do"}

_TIMESTAMP_WITH_ZONE = r"([Zz]|[+-]\d{2}(:?\d{2})?)$"
"""A timestamp ends with its timezone: `Z` or an offset. (`format` alone is not enforced
by every validator.)"""

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry, even escaped (control characters, lone surrogates)."""


# --- postmortems.json ----------------------------------------------------------------------


def postmortems_json(index: KnowledgeIndex, url_of: UrlOf, generated_at: dt.datetime | None = None) -> str:
    """Every published postmortem, newest first: its front-matter and derived facts."""
    text = io.StringIO()
    write_postmortems_json(text, index, url_of, generated_at)
    return text.getvalue()


def write_postmortems_json(
    handle: TextIO, index: KnowledgeIndex, url_of: UrlOf, generated_at: dt.datetime | None = None
) -> None:
    """`postmortems_json`, written as it is encoded: the text is never whole in memory
    (nor the list of its pieces, five times its size)."""
    moment = generated_at or build_moment()
    postmortems = [_postmortem_record(p, index, url_of) for p in index.postmortems]
    document = {
        "generated_at": _iso(moment),
        "count": len(postmortems),
        "postmortems": postmortems,
    }
    json.dump(document, handle, indent=2, ensure_ascii=False)
    handle.write("\n")


def _postmortem_record(postmortem: Postmortem, index: KnowledgeIndex, url_of: UrlOf) -> dict[str, Any]:
    record: dict[str, Any] = postmortem.meta.model_dump(mode="json")
    taken = durations(postmortem)
    states = Counter(item.state for item in postmortem.action_items)
    record.update(
        url=url_of(postmortem),
        source_path=postmortem.rel_path,
        summary=postmortem.summary,
        durations={
            "time_to_detect_minutes": _minutes(taken.to_detect),
            "time_to_mitigate_minutes": _minutes(taken.to_mitigate),
            "time_to_resolve_minutes": _minutes(taken.to_resolve),
        },
        action_items={
            "total": len(postmortem.action_items),
            **{key: states[state] for state, key in _STATE_KEYS.items()},
            "unknown": states[None],
        },
        related_both_ways=[other.meta.id for other in index.related(postmortem)],
    )
    return record


def _minutes(delta: dt.timedelta | None) -> int | float | None:
    if delta is None:
        return None
    minutes = delta.total_seconds() / 60
    return int(minutes) if minutes.is_integer() else round(minutes, 2)


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


# --- action-items.csv ----------------------------------------------------------------------


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet runs a cell starting with one of these as a formula (CSV injection)."""


def spreadsheet_safe(cell: str) -> str:
    """The cell, with a `'` in front when a spreadsheet would run it (OWASP's rule)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def action_items_csv(index: KnowledgeIndex, url_of: UrlOf) -> str:
    """Every action item of every published postmortem, one row each, with a header.

    RFC 4180: CRLF line ends, cells with commas, quotes or line breaks quoted. Write the
    text with `newline=""` (or as bytes) so the line ends are kept as they are. Text from
    postmortems that a spreadsheet would run as a formula is neutralised.
    """
    text = io.StringIO(newline="")
    write_action_items_csv(text, index, url_of)
    return text.getvalue()


def write_action_items_csv(handle: TextIO, index: KnowledgeIndex, url_of: UrlOf) -> None:
    """`action_items_csv`, row by row into `handle` (opened with `newline=""`)."""
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for postmortem in index.postmortems:
        url = url_of(postmortem)
        for item in postmortem.action_items:
            texts = (
                postmortem.meta.id or "",
                postmortem.meta.title or "",
                url,
                item.action,
                item.owner,
                item.priority,
                item.due.isoformat() if item.due else "",
                item.state or "",
                item.ticket,
            )
            writer.writerow((*(spreadsheet_safe(text) for text in texts), item.line))


# --- feed.xml ------------------------------------------------------------------------------


def atom_feed(
    index: KnowledgeIndex,
    url_of: UrlOf,
    site_url: str,
    site_name: str,
    limit: int = FEED_LIMIT,
    feed_url: str | None = None,
) -> str:
    """An Atom 1.0 feed (RFC 4287) of the newest postmortems.

    Entry IDs are tag URIs (`tag:host,date:ID`) when `site_url` is absolute, so they do
    not change when a page moves; without a site URL they are name-based UUIDs, and the
    links stay relative to the feed. `feed_url` defaults to `feed.xml` at the site root.
    Built with ElementTree, which escapes text and attributes.
    """
    site_url = site_url.strip()
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    host = urlsplit(site_url).hostname if site_url else None
    name = _xml_text(site_name).strip() or "Postmortems"
    newest = index.postmortems[: max(limit, 0)]
    entry_times = [_entry_updated(p) for p in newest]

    feed = ET.Element("feed", {"xmlns": ATOM_NAMESPACE, "xml:lang": "en"})
    _child(feed, "id", site_url if host else _name_uuid(site_name, ""))
    _child(feed, "title", name)
    _child(feed, "subtitle", f"The newest postmortems of {name}")
    _child(feed, "updated", _iso(max(entry_times) if entry_times else build_moment()))
    _child(_child(feed, "author"), "name", name)  # the author of entries that name none
    _child(feed, "link", href=site_url or "./", rel="alternate", type="text/html")
    _child(
        feed,
        "link",
        href=feed_url or urljoin(site_url, urls.EXPORTS["feed"]),
        rel="self",
        type="application/atom+xml",
    )
    _child(feed, "generator", "pmkb")
    for postmortem, updated in zip(newest, entry_times, strict=False):
        feed.append(_entry(postmortem, updated, url_of, site_url, host, site_name))
    ET.indent(feed)
    xml: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return xml.decode("utf-8") + "\n"


def _entry(
    postmortem: Postmortem,
    updated: dt.datetime,
    url_of: UrlOf,
    site_url: str,
    host: str | None,
    site_name: str,
) -> ET.Element:
    meta = postmortem.meta
    entry = ET.Element("entry")
    _child(entry, "id", _entry_id(postmortem, site_url, host, site_name))
    _child(entry, "title", f"{meta.id}: {meta.title}")
    _child(entry, "updated", _iso(updated))
    for author in meta.authors or []:
        if _xml_text(author).strip():
            _child(_child(entry, "author"), "name", author)
    href = urljoin(site_url, url_of(postmortem))
    _child(entry, "link", href=href, rel="alternate", type="text/html")
    if _xml_text(postmortem.summary).strip():
        _child(entry, "summary", postmortem.summary, type="text")
    for term, scheme in _categories(postmortem, site_url if host else ""):
        _child(entry, "category", term=term, label=term, **({"scheme": scheme} if scheme else {}))
    return entry


def _child(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """A child element; text and attributes stripped of what XML cannot carry."""
    element = ET.SubElement(parent, tag, {key: _xml_text(value) for key, value in attrs.items()})
    if text is not None:
        element.text = _xml_text(text)
    return element


def _entry_updated(postmortem: Postmortem) -> dt.datetime:
    """When the incident was closed; the incident's day when it is not known."""
    meta = postmortem.meta
    moment = meta.resolved_at
    if moment is None and meta.date is not None:
        moment = dt.datetime.combine(meta.date, dt.time(0, 0))
    if moment is None:
        return build_moment()
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _entry_id(postmortem: Postmortem, site_url: str, host: str | None, site_name: str) -> str:
    incident_id = postmortem.meta.id or postmortem.rel_path
    if host and postmortem.meta.date is not None:
        base = urlsplit(site_url).path.strip("/")
        specific = f"{base}/{incident_id}" if base else incident_id
        return f"tag:{host},{postmortem.meta.date.isoformat()}:{specific}"
    return _name_uuid(site_name, incident_id)


def _name_uuid(site_name: str, name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"pmkb:{site_name}:{name}").urn


def _categories(postmortem: Postmortem, site_url: str) -> list[tuple[str, str]]:
    """(term, scheme): the severity and the services; schemes name their index pages."""
    meta = postmortem.meta
    found = []
    severities, services = (
        (urljoin(site_url, urls.url_of(urls.overview(kind))) if site_url else "")
        for kind in ("severity", "service")
    )
    if meta.severity:
        found.append((meta.severity, severities))
    for service in meta.services or []:
        found.append((service, services))
    return found


def _xml_text(text: str | None) -> str:
    """Text that XML can carry: control characters dropped (ElementTree escapes the rest)."""
    return _NOT_XML.sub("", text or "")


# --- postmortem.schema.json ----------------------------------------------------------------


def postmortem_schema(
    settings: Settings,
    schema_id: str = SCHEMA_FILE,
    catalog: ServiceCatalog | None = None,
) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a postmortem's front-matter, for editors and tools.

    Generated from the pydantic model, with this knowledge base's settings injected:
    the severity scale, statuses, contributing-factor categories, the ID pattern (also
    for `related`) and, when a service catalog is given, its service names. The ID
    pattern is a Python regular expression; keep it to the syntax JSON Schema shares.
    """
    schema = copy.deepcopy(FrontMatter.model_json_schema())
    properties: dict[str, Any] = schema["properties"]
    for key in REQUIRED_KEYS:
        properties[key] = _not_null(properties[key])
    for key, prop in properties.items():
        prop.pop("title", None)
        if key not in REQUIRED_KEYS and prop.get("default", ...) is None:
            prop.pop("default")

    _value(properties["id"])["pattern"] = settings.id_pattern
    _value(properties["related"])["items"]["pattern"] = settings.id_pattern
    _value(properties["severity"])["enum"] = list(settings.severities)
    _value(properties["status"])["enum"] = list(settings.statuses)
    for key in TIMESTAMP_KEYS:
        _value(properties[key]).update(format="date-time", pattern=_TIMESTAMP_WITH_ZONE)
    factor = schema["$defs"]["ContributingFactor"]
    factor.pop("title", None)
    factor["properties"]["category"]["enum"] = list(settings.factor_categories)
    for prop in factor["properties"].values():
        prop.pop("title", None)
    if catalog is not None and catalog.services:
        _value(properties["services"])["items"]["enum"] = sorted(catalog.services)

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        "title": "Postmortem front-matter",
        "description": (
            "The YAML front-matter of a blameless postmortem in a pmkb knowledge base. "
            "Timestamps are ISO 8601 with a timezone; started_at ≤ detected_at ≤ "
            "mitigated_at ≤ resolved_at is checked by `pmkb check`, not by this schema."
        ),
        "type": "object",
        "properties": properties,
        "required": list(REQUIRED_KEYS),
        "additionalProperties": False,
        "$defs": schema["$defs"],
    }


def _not_null(prop: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [X, null]` → X, with the description kept: a required key needs a value."""
    prop = dict(prop)
    prop.pop("default", None)
    branches = prop.pop("anyOf", None)
    if branches is None:
        return prop
    kept = [branch for branch in branches if branch.get("type") != "null"]
    return {**prop, **kept[0]} if len(kept) == 1 else {**prop, "anyOf": kept}


def _value(prop: dict[str, Any]) -> dict[str, Any]:
    """The schema of a property's value when it is given (the non-null branch)."""
    branches: list[dict[str, Any]] = prop.get("anyOf", [])
    for branch in branches:
        if branch.get("type") != "null":
            return branch
    return prop
