"""The workflow and pre-commit files are valid and call the commands the README documents."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml
from conftest import REPO, pmkb

README = (REPO / "README.md").read_text()


def _load(path: Path):
    return yaml.safe_load(path.read_text())


def test_workflow_checks_builds_tests_and_deploys() -> None:
    workflow = _load(REPO / ".github" / "workflows" / "postmortems.yml")
    assert {"pull_request", "push"} <= set(workflow[True])  # YAML reads `on:` as True
    check_steps = [step.get("run", "") for step in workflow["jobs"]["check"]["steps"]]
    for command in (
        "pmkb check --format github",
        "mkdocs build --strict",
        "make test",
        "pmkb schema --check",
    ):
        assert command in check_steps, command
        assert command in README, f"README does not document {command!r}"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "check" and "refs/heads/main" in deploy["if"]
    uses = [step.get("uses", "") for step in deploy["steps"]]
    assert any(u.startswith("actions/deploy-pages@") for u in uses)


def test_pre_commit_hooks_run_pmkb_commands_that_work(tmp_path: Path) -> None:
    hooks = _load(REPO / ".pre-commit-hooks.yaml")
    local = next(r for r in _load(REPO / ".pre-commit-config.yaml")["repos"] if r["repo"] == "local")
    assert [h["id"] for h in hooks] == [h["id"] for h in local["hooks"]]
    for hook in hooks:
        words = shlex.split(hook["entry"])
        assert words[0] == "pmkb"
        args = words[1:] + (
            ["postmortems/2025/2025-01-14-checkout-connection-leak.md"]
            if hook.get("pass_filenames", True)
            else []
        )
        result = pmkb(REPO, *args)
        assert result.returncode == 0, (hook["id"], result.stdout, result.stderr)
    check_yaml = next(
        h
        for r in _load(REPO / ".pre-commit-config.yaml")["repos"]
        for h in r["hooks"]
        if h["id"] == "check-yaml"
    )
    assert "--unsafe" in check_yaml["args"]


def test_ci_run_runs_the_readme_test_command() -> None:
    script = (REPO / ".ci" / "run").read_text()
    assert "make test" in script and "make test" in README.split("```")[1]
