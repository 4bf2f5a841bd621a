"""Pagefind: a chunked search index built after the site, instead of one big JSON file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger(__name__)

PAGEFIND_TIMEOUT = 600


def run_pagefind(site_dir: Path) -> None:
    """Index the built site into `site_dir/pagefind/`."""
    command = [
        sys.executable, "-m", "pagefind", "--site", str(site_dir), "--silent",
        "--exclude-selectors", ".headerlink",  # the ¶ permalinks are not content
    ]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=PAGEFIND_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PluginError(f"Pagefind could not index {site_dir}: {exc}") from exc
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()
        raise PluginError(f"Pagefind failed to index {site_dir}:\n{output}")
    log.info("Pagefind indexed the site into %s", site_dir / "pagefind")
