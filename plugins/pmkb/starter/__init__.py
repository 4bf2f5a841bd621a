"""`pmkb init`: the files that make a repository a knowledge base, never overwriting.

The kit (this folder) holds each file as the team will own it; `{{name}}` placeholders
are filled in where a file needs the site's name, docs folder or pmkb's version.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

TEMPLATE = "_template.md"
"""The postmortem template, used by `pmkb new` when a knowledge base has none of its own."""


@dataclass(frozen=True)
class KitFile:
    source: str
    """Name in the kit."""
    target: str
    """Path in the new repository; `{docs}` stands for the docs folder."""
    filled: bool = False
    """Whether `{{…}}` placeholders are filled in (the template keeps its own for `pmkb new`)."""


KIT = (
    KitFile("mkdocs.yml", "mkdocs.yml", filled=True),
    KitFile("index.md", "{docs}/index.md", filled=True),
    KitFile("services.yml", "{docs}/services.yml"),
    KitFile(TEMPLATE, "{docs}/" + TEMPLATE),
    KitFile("requirements.txt", "requirements.txt", filled=True),
    KitFile("pre-commit-config.yaml", ".pre-commit-config.yaml"),
    KitFile("postmortems.yml", ".github/workflows/postmortems.yml"),
    KitFile("gitignore", ".gitignore"),
)


def kit_text(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def pmkb_version() -> str:
    try:
        return version("pmkb")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.1.0"


@dataclass
class InitPlan:
    """What `pmkb init` writes and what it leaves alone."""

    root: Path
    docs_dir: str
    site_name: str
    files: dict[Path, str] = field(default_factory=dict)
    """Each file to create, with its text."""
    skipped: list[Path] = field(default_factory=list)
    """Files that exist already: never overwritten."""


def plan_init(root: Path, *, docs_dir: str, site_name: str, existing_config: bool) -> InitPlan:
    """The files to create under `root` (every one that does not exist yet).

    With an `existing_config`, mkdocs.yml is the team's: it is skipped, and the caller
    prints the lines to add instead.
    """
    plan = InitPlan(root, docs_dir, site_name)
    values = {
        "site_name": html.escape(site_name),  # in Markdown, where raw HTML would pass
        "site_name_yaml": json.dumps(site_name, ensure_ascii=False),  # JSON strings are YAML
        "docs_dir_yaml": json.dumps(docs_dir, ensure_ascii=False),
        "pmkb_version": pmkb_version(),
    }
    for entry in KIT:
        target = root / entry.target.format(docs=docs_dir)
        if target.exists() or (entry.source == "mkdocs.yml" and existing_config):
            plan.skipped.append(target)
            continue
        text = kit_text(entry.source)
        if entry.filled:
            for key, value in values.items():
                text = text.replace("{{" + key + "}}", value)
        plan.files[target] = text
    return plan


def config_lines_to_add(has_plugin: bool, theme_is_material: bool) -> list[str]:
    """What an existing mkdocs.yml still needs for pmkb."""
    lines = []
    if not theme_is_material:
        lines += ["theme:", "  name: material"]
    if not has_plugin:
        lines += ["plugins:", "  - postmortems"]
    return lines


def write_plan(plan: InitPlan) -> list[Path]:
    """Create the planned files ("x" mode: a file that appeared meanwhile is skipped)."""
    written = []
    for target, text in plan.files.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with target.open("x", encoding="utf-8") as handle:
                handle.write(text)
        except FileExistsError:
            plan.skipped.append(target)
            continue
        written.append(target)
    return written
