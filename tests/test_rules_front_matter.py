"""PM1xx: front-matter rules, each broken on its own, at the line the user sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FACTORS, VALID, check_files, codes, line_of, only, replace
from pmkb.check.rules import RULES
from pmkb.settings import Settings

CATALOG = """\
- name: checkout-api
  owner: payments-team
  tier: 1
  description: Takes orders and payments.
- name: payments-db
  owner: payments-team
  tier: 1
  description: The payments Postgres cluster.
"""


def test_registry_lists_every_documented_rule() -> None:
    """The per-rule tests in this suite cover exactly these codes."""
    expected = {
        *(f"PM1{n:02d}" for n in range(17)),
        "PM120",
        "PM201",
        "PM202",
        "PM203",
        "PM204",
        *(f"PM3{n:02d}" for n in range(1, 12)),
        "PM401",
        "PM402",
        "PM403",
        "PM501",
        "PM502",
        "PM503",
        "PM801",
        "PM601",
        "PM602",
        "PM603",
        "PM701",
        "PM702",
        "PM703",
        "PM704",
    }
    assert set(RULES) == expected
    for rule in RULES.values():
        assert rule.summary and rule.why and rule.level in ("error", "warning", "off")


# --- PM100 readable-file ---------------------------------------------------------------


def test_pm100_nul_byte_is_reported_on_its_line(kb_dir: Path) -> None:
    text = replace(VALID, "title: Checkout", "title: Check\x00out")
    result = check_files(kb_dir, {"bin.md": text.encode()})
    assert codes(result) == [("PM100", line_of(text, "title:"))]
    assert "binary" in result.diagnostics[0].message
    assert result.diagnostics[0].level == "error"


def test_pm100_not_utf8_names_the_byte_line_and_column(kb_dir: Path) -> None:
    text = replace(VALID, "title: Checkout errors", "title: Caf\xe9 errors")
    result = check_files(kb_dir, {"latin.md": text.encode("latin-1")})
    diagnostic = only(result, "PM100")
    assert (diagnostic.line, diagnostic.col) == (line_of(text, "title:"), len("title: Caf") + 1)
    assert "0xe9" in diagnostic.message and "save it as UTF-8" in diagnostic.message


def test_pm100_file_over_size_limit(kb_dir: Path) -> None:
    raw = b"---\n" + b"x" * 2_100_000
    result = check_files(kb_dir, {"big.md": raw})
    assert codes(result) == [("PM100", 1)]
    assert "2 MB limit" in result.diagnostics[0].message


# --- PM101 front-matter-present ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("# Checkout outage\n\n## Summary\n\nIt broke.\n", "does not start with"),
        ("\n" + VALID, "does not start with"),
        (VALID.replace("tags: [database, deploy]\n---\n", "tags: [database, deploy]\n"), "never closed"),
    ],
    ids=["no-front-matter", "blank-line-first", "never-closed"],
)
def test_pm101_front_matter_missing_or_unclosed(kb_dir: Path, text: str, fragment: str) -> None:
    result = check_files(kb_dir, {"pm.md": text})
    assert ("PM101", 1) in codes(result)
    assert fragment in only(result, "PM101").message


def test_pm101_front_matter_may_be_closed_with_dots(kb_dir: Path) -> None:
    text = replace(VALID, "tags: [database, deploy]\n---\n", "tags: [database, deploy]\n...\n")
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


# --- PM102 front-matter-yaml --------------------------------------------------------------


def test_pm102_yaml_syntax_error_on_its_line(kb_dir: Path) -> None:
    text = replace(
        VALID, "title: Checkout errors after payments deploy", "title: Checkout errors: after payments deploy"
    )
    result = check_files(kb_dir, {"pm.md": text})
    diagnostic = only(result, "PM102")
    assert diagnostic.line == line_of(text, "title:")
    assert diagnostic.message.startswith("invalid YAML")


def test_pm102_unclosed_flow_list(kb_dir: Path) -> None:
    text = replace(VALID, "tags: [database, deploy]", "tags: [database, deploy")
    result = check_files(kb_dir, {"pm.md": text})
    diagnostic = only(result, "PM102")
    # The parser notices at the end of the block, which is the last YAML line or later.
    assert line_of(text, "tags:") <= diagnostic.line <= line_of(text, "## Summary")
    assert "invalid YAML" in diagnostic.message


def test_pm102_impossible_date_is_reported_on_the_date_line(kb_dir: Path) -> None:
    text = replace(VALID, "date: 2026-06-20", "date: 2026-13-45")
    result = check_files(kb_dir, {"pm.md": text})
    assert any(
        d.code in ("PM102", "PM106") and d.line == line_of(text, "date:") for d in result.diagnostics
    ), codes(result)


# --- PM103 front-matter-mapping ------------------------------------------------------------


@pytest.mark.parametrize(
    ("yaml_text", "kind"),
    [("- PM-2026-014\n- Checkout outage", "list"), ("just a sentence", "str"), ("42", "int")],
)
def test_pm103_front_matter_not_a_mapping(kb_dir: Path, yaml_text: str, kind: str) -> None:
    text = f"---\n{yaml_text}\n---\n\n## Summary\n\nIt broke.\n"
    result = check_files(kb_dir, {"pm.md": text})
    diagnostic = only(result, "PM103")
    assert diagnostic.line == 2
    assert f"not a {kind}" in diagnostic.message


def test_pm103_empty_front_matter(kb_dir: Path) -> None:
    result = check_files(kb_dir, {"pm.md": "---\n---\n\n## Summary\n\nIt broke.\n"})
    diagnostic = only(result, "PM103")
    assert diagnostic.line == 1
    assert "empty" in diagnostic.message


# --- PM104 known-keys ----------------------------------------------------------------------


def test_pm104_misspelt_key_with_did_you_mean(kb_dir: Path) -> None:
    text = replace(VALID, "tags: [database, deploy]", "tags: [database, deploy]\nserivces: [x]")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM104", line_of(text, "serivces:"))]
    assert "did you mean `services`?" in result.diagnostics[0].message


def test_pm104_unknown_key_lists_known_keys(kb_dir: Path) -> None:
    text = replace(VALID, "tags: [database, deploy]", "tags: [database, deploy]\nzzz: 1")
    result = check_files(kb_dir, {"pm.md": text})
    diagnostic = only(result, "PM104")
    assert diagnostic.line == line_of(text, "zzz:")
    assert "known keys:" in diagnostic.message and "severity" in diagnostic.message


# --- PM105 required-keys -------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["id", "title", "date", "status", "severity", "authors", "started_at", "resolved_at"]
)
def test_pm105_missing_required_key(kb_dir: Path, key: str) -> None:
    lines = [line for line in VALID.split("\n") if not line.startswith(f"{key}:")]
    text = "\n".join(lines)
    result = check_files(kb_dir, {"pm.md": text})
    assert ("PM105", line_of(text, "---")) in codes(result)
    assert f"missing required key `{key}`" in only(result, "PM105").message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("id: PM-2026-014", "id:"),
        ("title: Checkout errors after payments deploy", "title:"),
        ("date: 2026-06-20", "date: ~"),
        ("severity: SEV2", "severity:"),
        ("services: [checkout-api, payments-db]", "services:"),
        ("started_at: 2026-06-20T14:00:00Z", "started_at: null"),
    ],
    ids=["id", "title", "date", "severity", "services", "started_at"],
)
def test_required_key_with_empty_value_is_reported(kb_dir: Path, old: str, new: str) -> None:
    text = replace(VALID, old, new)
    result = check_files(kb_dir, {"pm.md": text})
    key = new.split(":")[0]
    assert any(
        d.code in ("PM105", "PM106") and d.line == line_of(text, f"{key}:") for d in result.diagnostics
    ), codes(result)


# --- PM106 value-types --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "key", "fragment"),
    [
        ("date: 2026-06-20", "date: next week", "date", "expected a date"),
        ("services: [checkout-api, payments-db]", "services: checkout-api", "services", "expected a list"),
        ("services: [checkout-api, payments-db]", "services: []", "services", "must not be empty"),
        ("authors: [Sarah Chen]", "authors: Sarah Chen", "authors", "expected a list"),
        (
            "started_at: 2026-06-20T14:00:00Z",
            "started_at: yesterday afternoon",
            "started_at",
            "expected a timestamp",
        ),
        ("severity: SEV2", "severity: [SEV1, SEV2]", "severity", "expected non-empty text"),
        ("title: Checkout errors after payments deploy", 'title: ""', "title", "expected non-empty text"),
        ("related: []", "related: PM-2025-101", "related", "expected a list"),
        ("tags: [database, deploy]", "tags: {a: 1}", "tags", "expected a list"),
    ],
    ids=[
        "date-words",
        "services-string",
        "services-empty",
        "authors-string",
        "timestamp-words",
        "severity-list",
        "title-empty",
        "related-string",
        "tags-mapping",
    ],
)
def test_pm106_wrong_type(kb_dir: Path, old: str, new: str, key: str, fragment: str) -> None:
    text = replace(VALID, old, new)
    result = check_files(kb_dir, {"pm.md": text})
    diagnostic = only(result, "PM106")
    assert diagnostic.line == line_of(text, f"{key}:")
    assert f"`{key}`" in diagnostic.message and fragment in diagnostic.message
    assert diagnostic.level == "error"


def test_pm106_contributing_factors_as_string(kb_dir: Path) -> None:
    text = replace(VALID, FACTORS, "contributing_factors: the pool leaked\n")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM106", line_of(text, "contributing_factors:"))]
    assert "expected a list" in result.diagnostics[0].message


def test_pm106_factor_without_description_points_at_the_factor(kb_dir: Path) -> None:
    text = replace(VALID, "    description: No alert on pool usage before exhaustion.\n", "")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM106", line_of(text, "category: detection"))]
    assert "contributing_factors.1.description" in result.diagnostics[0].message
    assert "required" in result.diagnostics[0].message


def test_pm106_unknown_key_inside_a_factor(kb_dir: Path) -> None:
    text = replace(
        VALID,
        "    description: No alert on pool usage before exhaustion.\n",
        "    description: No alert on pool usage before exhaustion.\n    owner: sre\n",
    )
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM106", line_of(text, "owner: sre"))]


# --- PM107 id-pattern ---------------------------------------------------------------------


@pytest.mark.parametrize("bad_id", ["checkout-outage", "PM-26-014", "pm-2026-014", "PM-2026-1"])
def test_pm107_id_does_not_match_pattern(kb_dir: Path, bad_id: str) -> None:
    text = replace(VALID, "id: PM-2026-014", f"id: {bad_id}")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM107", line_of(text, "id:"))]
    assert "e.g. PM-2026-014" in result.diagnostics[0].message


def test_pm107_configured_pattern(kb_dir: Path) -> None:
    settings = Settings(id_pattern=r"^INC-\d+$")
    result = check_files(kb_dir, {"pm.md": VALID}, settings)
    assert codes(result) == [("PM107", line_of(VALID, "id:"))]
    assert r"^INC-\d+$" in result.diagnostics[0].message
    text = replace(VALID, "id: PM-2026-014", "id: INC-77")
    assert check_files(kb_dir, {"pm.md": text}, settings).diagnostics == []


# --- PM108 / PM109 / PM110 known values -----------------------------------------------------


def test_pm108_unknown_severity_with_suggestion(kb_dir: Path) -> None:
    text = replace(VALID, "severity: SEV2", "severity: SEV5")
    result = check_files(kb_dir, {"pm.md": text})
    diagnostic = only(result, "PM108")
    assert diagnostic.line == line_of(text, "severity:")
    assert "use one of: SEV1, SEV2, SEV3, SEV4" in diagnostic.message


def test_pm108_configured_scale(kb_dir: Path) -> None:
    settings = Settings(severities=["critical", "major", "minor"], required_sections={})
    result = check_files(kb_dir, {"pm.md": VALID}, settings)
    assert codes(result) == [("PM108", line_of(VALID, "severity:"))]
    assert "critical, major, minor" in result.diagnostics[0].message


def test_pm109_unknown_status(kb_dir: Path) -> None:
    text = replace(VALID, "status: final", "status: finl")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM109", line_of(text, "status:"))]
    assert "did you mean `final`?" in result.diagnostics[0].message


def test_pm110_unknown_factor_category(kb_dir: Path) -> None:
    text = replace(VALID, "category: detection", "category: detecton")
    result = check_files(kb_dir, {"pm.md": text})
    diagnostic = only(result, "PM110")
    line = line_of(text, "category: detecton")
    assert (diagnostic.line, diagnostic.col) == (line, text.split("\n")[line - 1].index("category") + 1)
    assert "did you mean `detection`?" in diagnostic.message


# --- PM111 / PM112 timestamps -----------------------------------------------------------


@pytest.mark.parametrize("key", ["started_at", "detected_at", "mitigated_at", "resolved_at"])
def test_pm111_naive_timestamp(kb_dir: Path, key: str) -> None:
    value = next(line for line in VALID.split("\n") if line.startswith(f"{key}:"))
    text = replace(VALID, value, value.rstrip("Z"))
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM111", line_of(text, f"{key}:"))]
    assert "no timezone" in result.diagnostics[0].message
    assert "Z" in result.diagnostics[0].message


def test_pm111_offsets_are_timezones(kb_dir: Path) -> None:
    text = replace(VALID, "started_at: 2026-06-20T14:00:00Z", "started_at: 2026-06-20T16:00:00+02:00")
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("detected_at: 2026-06-20T14:05:00Z", "detected_at: 2026-06-20T13:55:00Z", "detected_at"),
        ("mitigated_at: 2026-06-20T14:15:00Z", "mitigated_at: 2026-06-20T14:01:00Z", "mitigated_at"),
        ("resolved_at: 2026-06-20T14:22:00Z", "resolved_at: 2026-06-20T14:10:00Z", "resolved_at"),
    ],
)
def test_pm112_timestamps_out_of_order(kb_dir: Path, old: str, new: str, key: str) -> None:
    text = replace(VALID, old, new)
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM112", line_of(text, f"{key}:"))]
    assert "started_at ≤ detected_at ≤ mitigated_at ≤ resolved_at" in result.diagnostics[0].message


def test_pm112_compares_across_offsets(kb_dir: Path) -> None:
    # 15:00+02:00 is 13:00Z, before started_at 14:00Z.
    text = replace(VALID, "detected_at: 2026-06-20T14:05:00Z", "detected_at: 2026-06-20T15:00:00+02:00")
    result = check_files(kb_dir, {"pm.md": text})
    assert codes(result) == [("PM112", line_of(text, "detected_at:"))]


# --- PM113 known-service / PM120 service-catalog-valid ----------------------------------


def test_pm113_is_not_checked_without_a_catalog(kb_dir: Path) -> None:
    text = replace(VALID, "payments-db]", "anything-goes]")
    assert check_files(kb_dir, {"pm.md": text}).diagnostics == []


def test_pm113_known_services_pass(kb_dir: Path) -> None:
    assert check_files(kb_dir, {"services.yml": CATALOG, "pm.md": VALID}).diagnostics == []


def test_pm113_unknown_service_with_did_you_mean(kb_dir: Path) -> None:
    text = replace(VALID, "payments-db]", "payment-db]")
    result = check_files(kb_dir, {"services.yml": CATALOG, "pm.md": text})
    diagnostic = only(result, "PM113")
    line = line_of(text, "services:")
    assert (diagnostic.line, diagnostic.col) == (line, text.split("\n")[line - 1].index("payment-db") + 1)
    assert "did you mean `payments-db`?" in diagnostic.message


def test_pm113_unknown_service_without_suggestion(kb_dir: Path) -> None:
    text = replace(VALID, "payments-db]", "zzz]")
    result = check_files(kb_dir, {"services.yml": CATALOG, "pm.md": text})
    assert codes(result) == [("PM113", line_of(text, "services:"))]
    assert "add it to services.yml" in result.diagnostics[0].message


def last_line_of(text: str, needle: str) -> int:
    """The 1-based line of the last line containing `needle`."""
    return max(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


DUPLICATE_CATALOG = CATALOG + "- name: checkout-api\n  owner: sre\n"
SYNTAX_CATALOG = "- name: [checkout-api\n"


@pytest.mark.parametrize(
    ("catalog", "line", "fragment"),
    [
        ("checkout-api: payments team\n", 1, "valid list"),
        (
            CATALOG.replace(
                "tier: 1\n  description: The payments", "tier: high\n  description: The payments"
            ),
            line_of(
                CATALOG.replace(
                    "tier: 1\n  description: The payments", "tier: high\n  description: The payments"
                ),
                "tier: high",
            ),
            "tier",
        ),
        (
            CATALOG.replace("  description: The payments Postgres cluster.", "  descr: x"),
            line_of(
                CATALOG.replace("  description: The payments Postgres cluster.", "  descr: x"), "descr: x"
            ),
            "descr",
        ),
        (DUPLICATE_CATALOG, last_line_of(DUPLICATE_CATALOG, "name: checkout-api"), "listed twice"),
        (SYNTAX_CATALOG, SYNTAX_CATALOG.count("\n") + 1, "invalid YAML"),  # at end of stream
    ],
    ids=["mapping", "bad-tier", "unknown-field", "duplicate", "yaml-syntax"],
)
def test_pm120_invalid_catalog(kb_dir: Path, catalog: str, line: int, fragment: str) -> None:
    result = check_files(kb_dir, {"services.yml": catalog, "pm.md": VALID})
    found = [d for d in result.diagnostics if d.code == "PM120"]
    assert len(found) == 1, [str(d) for d in result.diagnostics]
    diagnostic = found[0]
    assert diagnostic.path == "services.yml"
    assert diagnostic.line == line
    assert fragment in diagnostic.message
    assert diagnostic.level == "error"


def test_broken_catalog_does_not_cascade_into_pm113(kb_dir: Path) -> None:
    """A catalog that cannot be read checks nothing, rather than failing every postmortem."""
    result = check_files(kb_dir, {"services.yml": "checkout-api: payments team\n", "pm.md": VALID})
    assert [d.code for d in result.diagnostics] == ["PM120"]


def test_pm120_control_character_in_catalog_is_a_diagnostic(kb_dir: Path) -> None:
    result = check_files(kb_dir, {"services.yml": "- name: checkout\x07api\n", "pm.md": VALID})
    assert ("PM120", 1) in codes(result)


# --- PM114 unique-keys / PM115 no-yaml-aliases / PM116 factors ----------------------------


def test_pm114_duplicate_key_names_the_first(kb_dir: Path) -> None:
    text = replace(VALID, "tags: [database, deploy]", "tags: [database, deploy]\nseverity: SEV1")
    result = check_files(kb_dir, {"pm.md": text})
    lines = text.split("\n")
    second = max(i for i, line in enumerate(lines, 1) if line.startswith("severity:"))
    assert codes(result) == [("PM114", second)]
    assert f"first on line {line_of(text, 'severity:')}" in result.diagnostics[0].message
    assert "keep one" in result.diagnostics[0].message


def test_pm114_duplicate_key_inside_a_factor(kb_dir: Path) -> None:
    text = replace(VALID, "  - category: detection\n", "  - category: detection\n    category: response\n")
    result = check_files(kb_dir, {"pm.md": text})
    assert ("PM114", line_of(text, "category: response")) in codes(result)


def test_pm115_anchor_and_alias(kb_dir: Path) -> None:
    text = replace(
        VALID,
        "authors: [Sarah Chen]\nincident_commander: Sarah Chen",
        "authors: [&ic Sarah Chen]\nincident_commander: *ic",
    )
    result = check_files(kb_dir, {"pm.md": text})
    diagnostic = only(result, "PM115")
    line = line_of(text, "*ic")
    assert (diagnostic.line, diagnostic.col) == (line, text.split("\n")[line - 1].index("*ic") + 1)
    assert "write the value out" in diagnostic.message


@pytest.mark.parametrize("replacement", ["contributing_factors: []\n", ""], ids=["empty-list", "absent"])
def test_pm116_no_contributing_factors(kb_dir: Path, replacement: str) -> None:
    text = replace(VALID, FACTORS, replacement)
    result = check_files(kb_dir, {"pm.md": text})
    expected = line_of(text, "contributing_factors:") if replacement else 1
    assert codes(result) == [("PM116", expected)]
    assert "at least one contributing factor" in result.diagnostics[0].message


# --- levels and drafts ---------------------------------------------------------------------


def test_front_matter_rules_are_not_relaxed_for_drafts(kb_dir: Path) -> None:
    text = replace(replace(VALID, "status: final", "status: draft"), "severity: SEV2", "severity: SEV9")
    result = check_files(kb_dir, {"pm.md": text})
    assert ("PM108", line_of(text, "severity:")) in codes(result)


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({"PM108": "off"}, []),
        ({"PM1": "off"}, []),
        ({"PM108": "warning"}, ["warning"]),
        ({"PM1": "off", "PM108": "warning"}, ["warning"]),
    ],
    ids=["code-off", "prefix-off", "code-warning", "code-beats-prefix"],
)
def test_front_matter_rule_levels(kb_dir: Path, rules: dict, expected: list[str]) -> None:
    text = replace(VALID, "severity: SEV2", "severity: SEV9")
    result = check_files(kb_dir, {"pm.md": text}, Settings(rules=rules))
    assert [d.level for d in result.diagnostics if d.code == "PM108"] == expected
