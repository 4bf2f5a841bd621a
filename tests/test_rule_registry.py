"""The rule registry: each rule's check beside its declaration, a fix per rule, and rule codes
in mkdocs.yml checked against the registry without settings importing the rules."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pmkb
import pytest
from conftest import VALID, check_files
from conftest import pmkb as run_pmkb
from pmkb.check.diagnostics import Diagnostic, github_annotation, render
from pmkb.check.engine import to_diagnostics
from pmkb.check.rules import RULES
from pmkb.check.rules.front_matter import catalog_findings, read_problem_findings
from pmkb.check.rules.registry import says_how_to_fix
from pmkb.know.pages import RULE_FAMILIES
from pmkb.mkdocs.render import Renderer
from pmkb.read.yaml_reader import ReadProblem
from pmkb.settings import Settings
from pmkb.site_config import ConfigError, settings_from_options

PACKAGE = Path(pmkb.__file__).parent
RULES_DIR = PACKAGE / "check" / "rules"

NOT_YET_BESIDE: dict[str, str] = {}
"""Rules fired outside their declaring module, with the module that fires them."""


# --- each rule's check lives beside its declaration ------------------------------------------


def _modules() -> dict[str, ast.Module]:
    return {
        path.relative_to(PACKAGE).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def _declarations(modules: dict[str, ast.Module]) -> dict[str, tuple[str, str]]:
    """code → (module, variable) for every module-level `NAME = rule("PMxxx", ...)`."""
    declared = {}
    for name, tree in modules.items():
        if not name.startswith("check/rules/"):
            continue
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name)
                and node.value.func.id == "rule"
            ):
                code = node.value.args[0]
                assert isinstance(code, ast.Constant), f"{name}:{node.lineno}"
                declared[code.value] = (name, node.targets[0].id)
    return declared


def _firing_sites(modules: dict[str, ast.Module]) -> tuple[set[tuple[str, str]], list[str]]:
    """(module, variable) for every `VARIABLE.at(...)` or `Finding(VARIABLE.code, ...)`, and
    the places that build a Finding some other way."""
    sites: set[tuple[str, str]] = set()
    unresolved: list[str] = []
    for name, tree in modules.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "at" and isinstance(func.value, ast.Name):
                sites.add((name, func.value.id))
            elif isinstance(func, ast.Name) and func.id == "Finding" and name != "check/rules/registry.py":
                first = node.args[0] if node.args else None
                if (
                    isinstance(first, ast.Attribute)
                    and first.attr == "code"
                    and isinstance(first.value, ast.Name)
                ):
                    sites.add((name, first.value.id))
                else:
                    unresolved.append(f"{name}:{node.lineno}")
    return sites, unresolved


def test_every_registered_rule_is_a_module_level_declaration_in_the_rules_package() -> None:
    assert sorted(_declarations(_modules())) == sorted(RULES)


def test_each_rules_findings_are_made_in_the_module_that_declares_it() -> None:
    modules = _modules()
    declared = _declarations(modules)
    sites, unresolved = _firing_sites(modules)
    assert unresolved == [], "a Finding built without its rule (use RULE.at)"
    misplaced = {}
    for code, (module, variable) in sorted(declared.items()):
        firing = {site for site, name in sites if name == variable}
        if firing != {module}:
            misplaced[code] = sorted(firing)
    expected = {code: sorted({declared[code][0], where}) for code, where in NOT_YET_BESIDE.items()}
    assert misplaced == expected, "each rule fires only where it is declared"


def test_rule_variables_are_used_only_in_their_module() -> None:
    """No other module of the package imports a rule to fire it (tests may)."""
    modules = _modules()
    declared = _declarations(modules)
    variables = {variable: code for code, (_module, variable) in declared.items()}
    imported = {}
    for name, tree in modules.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    code = variables.get(alias.name)
                    if code is not None and declared[code][0] != name:
                        imported.setdefault(code, []).append(name)
    assert imported == {code: [where] for code, where in NOT_YET_BESIDE.items()}


# --- the read and catalog conversions, for corpus.py -----------------------------------------


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("unreadable", "PM100"),
        ("no-front-matter", "PM101"),
        ("yaml-syntax", "PM102"),
        ("not-a-mapping", "PM103"),
        ("duplicate-key", "PM114"),
        ("alias", "PM115"),
    ],
)
def test_read_problem_findings_keep_place_and_message(kind: str, code: str) -> None:
    [finding] = read_problem_findings([ReadProblem(kind, "what went wrong", 3, 7)])
    assert (finding.code, finding.line, finding.col, finding.message) == (code, 3, 7, "what went wrong")


def test_read_problem_of_another_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="catalog"):
        read_problem_findings([ReadProblem("catalog", "x", 1)])


def test_read_problem_findings_are_what_the_check_reports(kb_dir: Path) -> None:
    files = {
        "a.md": "---\nid: PM-2026-001\nid: PM-2026-002\n---\n",
        "b.md": b"\xff\xfe\x00garbage",
        "c.md": "# no front-matter\n",
        "d.md": "---\nservices: [a, b\n---\n",
        "e.md": "---\n- a\n- b\n---\n",
        "f.md": "---\nauthors: &x [A]\nincident_commander: *x\n---\n",
    }
    result = check_files(kb_dir, files)
    read_codes = {"PM100", "PM101", "PM102", "PM103", "PM114", "PM115"}
    reported = sorted(
        (d.path, d.line, d.col, d.code, d.message) for d in result.diagnostics if d.code in read_codes
    )
    converted = sorted(
        (p.path, f.line, f.col, f.code, f.message)
        for p in result.postmortems
        for f in read_problem_findings(p.document.problems)
    )
    assert {code for *_rest, code, _message in reported} == read_codes
    assert converted == reported


def test_catalog_findings_are_what_corpus_reports(kb_dir: Path) -> None:
    (kb_dir / "services.yml").write_text(
        "- name: checkout-api\n  owner: payments-team\n  tier: 1\n  description: Checkout.\n"
        "- name: checkout-api\n  owner: payments-team\n  tier: 1\n  description: Again.\n"
        "- name: payments-db\n  tier: many\n  owner: [a, b]\n"
    )
    result = check_files(kb_dir, {"a.md": VALID})
    reported = [d for d in result.diagnostics if d.code == "PM120"]
    assert result.catalog is not None and reported
    settings = Settings()
    converted = to_diagnostics(result.catalog.path, catalog_findings(result.catalog.problems), settings)
    assert sorted(converted) == reported


# --- a fix per rule ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_a_short_imperative_fix(code: str) -> None:
    fix = RULES[code].fix
    assert fix and fix[0].isupper() and fix.endswith("."), fix
    assert len(fix) < 100, fix
    assert "\n" not in fix


def test_text_output_appends_the_fix_only_when_the_message_has_none() -> None:
    bare = Diagnostic(
        "a.md", 9, 1, "PM306", "due date 2026-06-01 is not after the incident date 2026-06-20", "error"
    )
    assert not says_how_to_fix(bare.message)
    assert str(bare) == (
        "a.md:9:1: PM306 due date 2026-06-01 is not after the incident date 2026-06-20 "
        "→ Set a due date after the incident's date."
    )
    specific = Diagnostic(
        "a.md", 9, 1, "PM303", "action item has no owner; name one person or team", "warning"
    )
    assert specific.hint is None
    assert str(specific) == "a.md:9:1: PM303 action item has no owner; name one person or team [warning]"
    rewrite = Diagnostic(
        "a.md", 3, 5, "PM501", '"human error" assigns blame → the deploy tool accepted it', "warning"
    )
    assert rewrite.hint is None
    assert bare.explained(None).endswith("Set a due date after the incident's date. (see `pmkb rule PM306`)")


def test_json_and_github_formats_carry_the_fix() -> None:
    diagnostic = Diagnostic("a.md", 9, 1, "PM303", "action item has no owner; name one", "error")
    [entry] = json.loads(render([diagnostic], "json", 1))
    assert entry["fix"] == "Name exactly one owner: a person or a team."
    assert entry["message"] == "action item has no owner; name one"
    annotation = github_annotation(diagnostic)
    assert annotation.endswith(
        "::action item has no owner; name one%0AFix: Name exactly one owner: a person or a team. "
        "(see `pmkb rule PM303`)"
    )


def test_check_output_shows_the_fix(tmp_path: Path) -> None:
    root = _repo(tmp_path, "")
    text = VALID.replace("related: []", "related: [PM-2026-014]")
    (root / "postmortems" / "a.md").write_text(text)
    result = run_pmkb(root, "check")
    assert result.returncode == 1
    assert (
        "PM603 `related` lists this postmortem's own ID PM-2026-014 → Remove the "
        "postmortem's own ID from `related`. (see `pmkb rule PM603`)"
    ) in result.stdout
    [entry] = json.loads(run_pmkb(root, "check", "--format", "json").stdout)
    assert entry["fix"] == RULES["PM603"].fix


def test_rule_command_shows_the_fix(tmp_path: Path) -> None:
    result = run_pmkb(tmp_path, "rule", "PM303")
    assert result.returncode == 0
    assert "How to fix it: Name exactly one owner: a person or a team.\n" in result.stdout


def test_rule_reference_page_shows_each_fix() -> None:
    rules = sorted(RULES.values(), key=lambda rule: rule.code)
    renderer = Renderer(Settings(), None)
    html = renderer.render(
        "rules.html", rules=rules, levels={r.code: r.level for r in rules}, families=RULE_FAMILIES
    )
    as_markdown = renderer.env.filters["markdown"]  # inline Markdown: `code` becomes <code>
    for rule in rules:
        entry = html.split(f'<h3 id="{rule.code.lower()}">')[1].split("</section>")[0]
        assert f"<strong>How to fix it.</strong> {as_markdown(rule.fix)}</p>" in entry, rule.code
    assert "<code>---</code> line" in html  # PM101's fix, its backticks rendered


# --- rule codes in mkdocs.yml ------------------------------------------------------------------


def test_settings_do_not_import_the_rules() -> None:
    source = (PACKAGE / "settings.py").read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            assert "rules" not in (node.module or "").split("."), ast.unparse(node)
    code = "import sys, pmkb.settings; print('pmkb.check.rules' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"rules": {"PM999": "off"}},
            "mkdocs.yml: plugins.postmortems.rules: unknown rule code(s) PM999; codes look like PM309",
        ),
        (
            {"drafts": {"relaxed_rules": ["PM2", "PM999"]}},
            "mkdocs.yml: plugins.postmortems.drafts.relaxed_rules: unknown rule code(s) PM999; ",
        ),
        ({"rules": {"PM3O9": "off"}}, "unknown rule code(s) PM3O9 (did you mean PM309?)"),
    ],
)
def test_unknown_rule_codes_are_a_located_config_error(options: dict, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        settings_from_options(options, "mkdocs.yml")
    assert message in str(raised.value)


def test_known_codes_and_families_are_accepted() -> None:
    settings = settings_from_options(
        {"rules": {"PM501": "error", "PM3": "warning"}, "drafts": {"relaxed_rules": ["PM2", "PM309"]}},
        "mkdocs.yml",
    )
    assert settings.rules == {"PM501": "error", "PM3": "warning"}


PLUGIN_OPTIONS = "rules:\n  PM501: error\ndrafts:\n  relaxed_rules: [PM2, PM999]\n"


def _repo(root: Path, plugin_options: str) -> Path:
    config = "site_name: T\ndocs_dir: postmortems\ntheme:\n  name: material\nplugins:\n"
    config += (
        "  - postmortems"
        + (":\n" + textwrap.indent(plugin_options, "      ") if plugin_options else "")
        + "\n"
    )
    (root / "mkdocs.yml").write_text(config)
    (root / "postmortems").mkdir()
    (root / "postmortems" / "index.md").write_text("# Home\n")
    return root


def test_pmkb_check_rejects_an_unknown_relaxed_rule(tmp_path: Path) -> None:
    root = _repo(tmp_path, PLUGIN_OPTIONS)
    result = run_pmkb(root, "check")
    assert result.returncode == 2
    assert (
        "mkdocs.yml: plugins.postmortems.drafts.relaxed_rules: unknown rule code(s) PM999; "
        in result.stdout + result.stderr
    )
    assert "Traceback" not in result.stderr


def test_mkdocs_build_rejects_an_unknown_relaxed_rule(tmp_path: Path) -> None:
    root = _repo(tmp_path, PLUGIN_OPTIONS)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=120,
    )
    assert result.returncode != 0
    assert "plugins.postmortems.drafts.relaxed_rules: unknown rule code(s) PM999; " in result.stderr
    assert "Traceback" not in result.stderr
