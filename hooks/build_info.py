"""MkDocs hook: the build's date and git commit in the footer, so readers know how fresh
the knowledge base is. Honours SOURCE_DATE_EPOCH for reproducible builds."""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING

from pmkb.clock import build_moment

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


def _commit(directory: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    directory = os.path.dirname(config.config_file_path or ".") or "."
    commit = _commit(directory)
    built = f"Built {build_moment():%Y-%m-%d %H:%M UTC}" + (f" from commit {commit}" if commit else "")
    config.copyright = f"{config.copyright} · {built}" if config.copyright else built
    return config
