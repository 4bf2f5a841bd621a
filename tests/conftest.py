"""Shared fixtures: a valid postmortem to break, and a tiny knowledge base on disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pmkb.check.knowledge_base import CheckResult, KnowledgeBase
from pmkb.settings import Settings

REPO = Path(__file__).resolve().parent.parent

VALID = textwrap.dedent(
    """\
    ---
    id: PM-2026-014
    title: Checkout errors after payments deploy
    date: 2026-06-20
    status: final
    severity: SEV2
    services: [checkout-api, payments-db]
    authors: [Sarah Chen]
    incident_commander: Sarah Chen
    started_at: 2026-06-20T14:00:00Z
    detected_at: 2026-06-20T14:05:00Z
    mitigated_at: 2026-06-20T14:15:00Z
    resolved_at: 2026-06-20T14:22:00Z
    contributing_factors:
      - category: technical
        description: The pool library did not release connections on error paths.
      - category: detection
        description: No alert on pool usage before exhaustion.
    related: []
    tags: [database, deploy]
    ---

    ## Summary

    For 15 minutes, 4% of checkouts failed because the payments database connection pool was exhausted after a deploy.

    ## Impact

    1,240 checkout attempts failed over 15 minutes; about 300 customers retried successfully.

    ## Timeline

    | Time (UTC) | Event | Source |
    |---|---|---|
    | 14:00 | Deploy of payments 2026.06.3 finishes | Deploy log |
    | 14:05 | Checkout error-rate alert fires | PagerDuty |
    | 14:15 | Rollback completes; errors stop | Grafana |

    ## Contributing Factors

    The pool library did not release connections when a query timed out, and nothing alerted on pool usage.

    ## What Went Well

    The rollback runbook worked and took eight minutes.

    ## What Went Wrong

    The canary did not exercise the timeout path, so the leak only showed at full traffic.

    ## Action Items

    | Action | Owner | Priority | Due | Status | Ticket |
    |---|---|---|---|---|---|
    | Release pool connections on the query-timeout path | Sarah Chen | P1 | 2026-07-01 | Done | NW-1432 |
    | Alert when payments-db pool usage exceeds 80% for 5 minutes | payments-team | P2 | 2026-07-15 | Open | |

    ## Lessons Learned

    Canaries must exercise error paths, not only the happy path.
    """
)
"""A postmortem that passes every rule. Line numbers below refer to it."""


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line containing `needle`."""
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """An empty docs directory."""
    docs = tmp_path / "postmortems"
    docs.mkdir()
    return docs


def check_files(
    docs: Path, files: dict[str, str | bytes], settings: Settings | None = None, **kwargs
) -> CheckResult:
    """Write files into `docs` and check the knowledge base."""
    for name, content in files.items():
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    knowledge_base = KnowledgeBase(docs, settings or Settings(), display_root=docs)
    return knowledge_base.check(**kwargs)


def codes(result: CheckResult) -> list[tuple[str, int]]:
    """(code, line) of every diagnostic."""
    return [(d.code, d.line) for d in result.diagnostics]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of this repository's site (config, overrides, demo content) to break."""
    root = tmp_path / "site-src"
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "postmortems", root / "postmortems")
    shutil.copytree(REPO / "site-overrides", root / "site-overrides")
    if (REPO / "hooks").is_dir():
        shutil.copytree(REPO / "hooks", root / "hooks")
    return root


def pmkb(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `pmkb` command as a user would, in `cwd`."""
    return subprocess.run(
        [sys.executable, "-m", "pmkb", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )


FACTORS = (
    "contributing_factors:\n"
    "  - category: technical\n"
    "    description: The pool library did not release connections on error paths.\n"
    "  - category: detection\n"
    "    description: No alert on pool usage before exhaustion.\n"
)
"""The contributing_factors block of VALID."""

ROW1 = (
    "| Release pool connections on the query-timeout path | Sarah Chen | P1 | 2026-07-01 | Done | NW-1432 |"
)
"""The first action-item row of VALID."""
ROW2 = (
    "| Alert when payments-db pool usage exceeds 80% for 5 minutes | payments-team | P2 "
    "| 2026-07-15 | Open | |"
)
"""The second action-item row of VALID."""


def replace(text: str, old: str, new: str) -> str:
    """`text` with `old` replaced once; fails loudly if the fixture changed."""
    assert old in text, f"{old!r} not in text"
    return text.replace(old, new, 1)


def only(result, code: str):
    """The single diagnostic of `code` (and there are no others)."""
    found = [d for d in result.diagnostics if d.code == code]
    assert len(found) == 1, [str(d) for d in result.diagnostics]
    return found[0]


def build_demo(out: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of this repository's demo knowledge base into `out`."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
