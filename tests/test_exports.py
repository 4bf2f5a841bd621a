"""Exports: postmortems.json, action-items.csv, the Atom feed and the front-matter schema."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from conftest import REPO, VALID, check_files
from jsonschema import Draft202012Validator
from pmkb.check.knowledge_base import KnowledgeBase
from pmkb.know.index import KnowledgeIndex, build_index
from pmkb.publish.exports import (
    CSV_COLUMNS,
    action_items_csv,
    atom_feed,
    postmortem_schema,
    postmortems_json,
)
from pmkb.read.model import ActionItem
from pmkb.settings import Settings

ATOM = "{http://www.w3.org/2005/Atom}"

LATER = (
    VALID.replace("PM-2026-014", "PM-2026-015")
    .replace("date: 2026-06-20", "date: 2026-07-02")
    .replace("2026-06-20T", "2026-07-02T")
    .replace("related: []", "related: [PM-2026-014]")
    .replace("detected_at: 2026-07-02T14:05:00Z", "detected_at: 2026-07-02T14:07:30Z")
    .replace("resolved_at: 2026-07-02T14:22:00Z", "resolved_at: 2026-07-03T16:00:00Z")
    .replace("| 2026-07-01 | Done | NW-1432 |", "| 2026-07-10 | Won't do | NW-1432 |")
)
"""A second incident, newer, listing the first as related."""

SCRIPT_TITLE = 'Checkout <script>alert("x")</script> & "quotes" failed'


def url_of(postmortem) -> str:
    return f"postmortems/{postmortem.rel_path.removesuffix('.md')}/"


@pytest.fixture
def index(kb_dir: Path) -> KnowledgeIndex:
    result = check_files(kb_dir, {"2026/a.md": VALID, "2026/b.md": LATER})
    assert result.errors == []
    return build_index(result.postmortems, Settings(), result.catalog)


# --- postmortems.json ----------------------------------------------------------------------


def test_json_lists_the_corpus_newest_first_with_derived_fields(index: KnowledgeIndex) -> None:
    moment = dt.datetime(2026, 8, 1, 12, 0, tzinfo=dt.UTC)
    document = json.loads(postmortems_json(index, url_of, generated_at=moment))
    assert document["generated_at"] == "2026-08-01T12:00:00Z"
    assert document["count"] == 2
    later, first = document["postmortems"]
    assert [later["id"], first["id"]] == ["PM-2026-015", "PM-2026-014"]
    assert first["date"] == "2026-06-20"
    assert first["started_at"] == "2026-06-20T14:00:00Z"
    assert first["services"] == ["checkout-api", "payments-db"]
    assert first["contributing_factors"][1] == {
        "category": "detection",
        "description": "No alert on pool usage before exhaustion.",
    }
    assert first["url"] == "postmortems/2026/a/"
    assert first["summary"].startswith("For 15 minutes, 4% of checkouts failed")
    assert first["durations"] == {
        "time_to_detect_minutes": 5,
        "time_to_mitigate_minutes": 15,
        "time_to_resolve_minutes": 22,
    }
    assert later["durations"] == {
        "time_to_detect_minutes": 7.5,
        "time_to_mitigate_minutes": 15,
        "time_to_resolve_minutes": 26 * 60,
    }
    assert first["action_items"] == {
        "total": 2,
        "open": 1,
        "in_progress": 0,
        "done": 1,
        "wont_do": 0,
        "unknown": 0,
    }
    assert later["action_items"]["wont_do"] == 1 and later["action_items"]["done"] == 0
    assert first["related"] == [] and first["related_both_ways"] == ["PM-2026-015"]
    assert later["related_both_ways"] == ["PM-2026-014"]


def test_json_unknown_durations_are_null(kb_dir: Path) -> None:
    text = VALID.replace("mitigated_at: 2026-06-20T14:15:00Z\n", "")
    result = check_files(kb_dir, {"a.md": text})
    document = json.loads(postmortems_json(build_index(result.postmortems, Settings()), url_of))
    durations = document["postmortems"][0]["durations"]
    assert durations["time_to_mitigate_minutes"] is None
    assert durations["time_to_detect_minutes"] == 5


def test_json_generated_at_defaults_to_the_build_moment(
    index: KnowledgeIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    document = json.loads(postmortems_json(index, url_of))
    assert document["generated_at"] == "2026-05-28T20:26:40Z"


def test_json_of_the_demo_corpus(demo_index: KnowledgeIndex) -> None:
    document = json.loads(postmortems_json(demo_index, url_of))
    assert document["count"] == len(demo_index.postmortems) == 20
    ids = [p["id"] for p in document["postmortems"]]
    assert ids == [p.meta.id for p in demo_index.postmortems]
    leak = next(p for p in document["postmortems"] if p["id"] == "PM-2025-001")
    assert leak["durations"]["time_to_detect_minutes"] == 9  # 09:42 → 09:51
    assert leak["action_items"]["total"] == 4 and leak["action_items"]["done"] == 4
    assert set(leak["related_both_ways"]) == {"PM-2025-004", "PM-2026-005"}


# --- action-items.csv ----------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_has_a_header_and_one_row_per_action_item(index: KnowledgeIndex) -> None:
    text = action_items_csv(index, url_of)
    assert text.split("\r\n")[0] == ",".join(CSV_COLUMNS)
    rows = read_csv(text)
    assert len(rows) == 4
    first = next(row for row in rows if row["incident_id"] == "PM-2026-014")
    assert first == {
        "incident_id": "PM-2026-014",
        "incident_title": "Checkout errors after payments deploy",
        "incident_url": "postmortems/2026/a/",
        "action": "Release pool connections on the query-timeout path",
        "owner": "Sarah Chen",
        "priority": "P1",
        "due": "2026-07-01",
        "status": "done",
        "ticket": "NW-1432",
        "line": str(
            VALID.split("\n").index(
                "| Release pool connections on the query-timeout path | Sarah Chen | P1 | 2026-07-01 "
                "| Done | NW-1432 |"
            )
            + 1
        ),
    }
    assert [row["status"] for row in rows] == ["wont-do", "open", "done", "open"]


TRICKY = [
    'Add a "circuit breaker", then retry',
    "Line one\nline two\r\nline three",
    "Emoji ✅ 🔄 ⏳ and naïve café",
    ',"leading comma and quote',
    "  spaces kept  ",
]


def test_csv_round_trips_commas_quotes_newlines_and_emoji(index: KnowledgeIndex, tmp_path: Path) -> None:
    postmortem = index.postmortems[0]
    postmortem.meta.title = 'Checkout, "payments" and\nmore'
    postmortem.action_items = [
        ActionItem(
            action=text, owner="Zoë, team", priority="P2", due=None, state=None, ticket='NW-"1"', line=40 + n
        )
        for n, text in enumerate(TRICKY)
    ]
    text = action_items_csv(index, url_of)
    rows = [row for row in read_csv(text) if row["incident_id"] == "PM-2026-015"]
    assert [row["action"] for row in rows] == TRICKY
    assert {row["incident_title"] for row in rows} == {'Checkout, "payments" and\nmore'}
    assert {(row["owner"], row["ticket"], row["due"], row["status"]) for row in rows} == {
        ("Zoë, team", 'NW-"1"', "", "")
    }
    assert [row["line"] for row in rows] == ["40", "41", "42", "43", "44"]
    # Written the way a plugin writes it, the file reads back the same.
    path = tmp_path / "action-items.csv"
    path.write_text(text, encoding="utf-8", newline="")
    with path.open(encoding="utf-8", newline="") as handle:
        assert list(csv.DictReader(handle)) == read_csv(text)


# --- feed.xml ------------------------------------------------------------------------------


def entries(feed: str) -> list[ET.Element]:
    root = ET.fromstring(feed.encode("utf-8"))
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def test_feed_parses_with_one_entry_per_postmortem(index: KnowledgeIndex) -> None:
    feed = atom_feed(index, url_of, "https://pm.example.com/kb", "Northwind")
    root = ET.fromstring(feed.encode())
    assert root.findtext(f"{ATOM}title") == "Northwind"
    assert root.findtext(f"{ATOM}updated") == "2026-07-03T16:00:00Z"
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "https://pm.example.com/kb/feed.xml"
    found = entries(feed)
    assert [e.findtext(f"{ATOM}title") for e in found] == [
        "PM-2026-015: Checkout errors after payments deploy",
        "PM-2026-014: Checkout errors after payments deploy",
    ]
    newest = found[0]
    assert newest.findtext(f"{ATOM}id") == "tag:pm.example.com,2026-07-02:kb/PM-2026-015"
    assert newest.findtext(f"{ATOM}updated") == "2026-07-03T16:00:00Z"
    assert newest.find(f"{ATOM}link").get("href") == "https://pm.example.com/kb/postmortems/2026/b/"
    assert newest.findtext(f"{ATOM}summary").startswith("For 15 minutes")
    assert [a.findtext(f"{ATOM}name") for a in newest.findall(f"{ATOM}author")] == ["Sarah Chen"]
    assert [c.get("term") for c in newest.findall(f"{ATOM}category")] == [
        "SEV2",
        "checkout-api",
        "payments-db",
    ]


def test_feed_escapes_titles_and_drops_characters_xml_cannot_carry(index: KnowledgeIndex) -> None:
    index.postmortems[0].meta.title = SCRIPT_TITLE + "\x01"
    index.postmortems[0].meta.authors = ["A & B <team>"]
    feed = atom_feed(index, url_of, "https://pm.example.com/", 'Northwind "<PM>" & co')
    assert "<script>" not in feed
    root = ET.fromstring(feed.encode())
    assert root.findtext(f"{ATOM}title") == 'Northwind "<PM>" & co'
    newest = root.find(f"{ATOM}entry")
    assert newest.findtext(f"{ATOM}title") == f"PM-2026-015: {SCRIPT_TITLE}"
    assert newest.findtext(f"{ATOM}author/{ATOM}name") == "A & B <team>"
    assert not any(element.tag.endswith("script") for element in root.iter())


def test_feed_is_limited_to_the_newest(index: KnowledgeIndex) -> None:
    feed = atom_feed(index, url_of, "https://pm.example.com/", "Northwind", limit=1)
    assert [e.findtext(f"{ATOM}id") for e in entries(feed)] == ["tag:pm.example.com,2026-07-02:PM-2026-015"]


def test_feed_without_a_site_url_has_uuid_ids_and_relative_links(index: KnowledgeIndex) -> None:
    feed = atom_feed(index, url_of, "", "Northwind")
    found = entries(feed)
    ids = [e.findtext(f"{ATOM}id") for e in found]
    assert all(i.startswith("urn:uuid:") for i in ids) and len(set(ids)) == 2
    again = entries(atom_feed(index, url_of, "", "Northwind"))
    assert ids == [e.findtext(f"{ATOM}id") for e in again]  # stable from build to build
    assert found[0].find(f"{ATOM}link").get("href") == "postmortems/2026/b/"


def test_feed_of_the_demo_corpus(demo_index: KnowledgeIndex) -> None:
    feed = atom_feed(demo_index, url_of, "https://postmortems.northwind.example/", "Northwind")
    found = entries(feed)
    assert len(found) == 20
    ids = [e.findtext(f"{ATOM}id") for e in found]
    assert len(set(ids)) == 20
    for entry in found:
        for tag in ("id", "title", "updated", "summary", "link", "author"):
            assert entry.find(f"{ATOM}{tag}") is not None, (tag, entry.findtext(f"{ATOM}id"))
        dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    assert len(entries(atom_feed(demo_index, url_of, "https://x.example/", "N", limit=5))) == 5


# --- postmortem.schema.json ----------------------------------------------------------------


class _TextTimestamps(yaml.SafeLoader):
    """YAML as an editor's language server sees it: timestamps stay text."""


_TextTimestamps.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def front_matter(text: str) -> dict:
    return yaml.load(text.split("---\n")[1], Loader=_TextTimestamps)


def validator(settings: Settings | None = None) -> Draft202012Validator:
    schema = postmortem_schema(settings or Settings())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_schema_is_draft_2020_12_with_the_configured_values() -> None:
    schema = postmortem_schema(Settings())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "postmortem.schema.json" and schema["title"]
    assert schema["required"][:3] == ["id", "title", "date"]
    assert schema["properties"]["severity"]["enum"] == ["SEV1", "SEV2", "SEV3", "SEV4"]
    assert schema["properties"]["started_at"]["format"] == "date-time"
    assert postmortem_schema(Settings(), "https://x.example/schema/p.json")["$id"] == (
        "https://x.example/schema/p.json"
    )
    json.dumps(schema)  # serialisable as is


def test_schema_accepts_the_valid_postmortem() -> None:
    assert list(validator().iter_errors(front_matter(VALID))) == []


def test_schema_accepts_every_demo_postmortem() -> None:
    files = sorted(REPO.glob("postmortems/20*/*.md"))
    assert len(files) >= 20
    check = validator()
    for path in files:
        errors = [e.message for e in check.iter_errors(front_matter(path.read_text()))]
        assert errors == [], path.name


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("severity: SEV2", "severity: SEV9"),
        ("status: final", "status: done"),
        ("category: technical", "category: bug"),
        ("id: PM-2026-014", "id: checkout-outage"),
        ("related: []", "related: [INC-7]"),
        ("tags: [database, deploy]", "tags: [database, deploy]\nseverty: SEV2"),
        ("authors: [Sarah Chen]\n", ""),
        ("services: [checkout-api, payments-db]", "services: []"),
        ("services: [checkout-api, payments-db]", "services: checkout-api"),
        ("started_at: 2026-06-20T14:00:00Z", "started_at: 2026-06-20T14:00:00"),
        ("date: 2026-06-20", "date: 2026-13-45"),
        ("title: Checkout errors after payments deploy", "title:"),
    ],
)
def test_schema_rejects_bad_front_matter(old: str, new: str) -> None:
    assert old in VALID
    assert list(validator().iter_errors(front_matter(VALID.replace(old, new, 1)))) != []


def test_schema_follows_the_settings() -> None:
    settings = Settings(
        severities=["critical", "major"],
        required_sections={"critical": ["Summary"], "major": ["Summary"]},
        id_pattern=r"^INC-\d+$",
        factor_categories=["bug", "process"],
    )
    data = front_matter(VALID)
    data.update(id="INC-7", severity="major")
    data["contributing_factors"][0]["category"] = "bug"
    data["contributing_factors"][1]["category"] = "process"
    assert list(validator(settings).iter_errors(data)) == []
    data["severity"] = "SEV2"
    assert list(validator(settings).iter_errors(data)) != []


def test_schema_names_the_catalog_services_when_given(demo_index: KnowledgeIndex) -> None:
    schema = postmortem_schema(Settings(), catalog=demo_index.catalog)
    assert "payments-db" in schema["properties"]["services"]["items"]["enum"]
    check = Draft202012Validator(schema)
    assert list(check.iter_errors(front_matter(VALID))) == []
    bad = VALID.replace("services: [checkout-api, payments-db]", "services: [checkout]")
    assert list(check.iter_errors(front_matter(bad))) != []


# --- the demo corpus -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_index() -> KnowledgeIndex:
    result = KnowledgeBase(REPO / "postmortems", Settings(), display_root=REPO).check()
    return build_index(result.postmortems, Settings(), result.catalog)
