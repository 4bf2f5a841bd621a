"""The check's diagnostics in MkDocs' log: errors fail the build, warnings fail `--strict`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

if TYPE_CHECKING:
    from pmkb.check.knowledge_base import CheckResult

log = get_plugin_logger("pmkb")


def report(checked: CheckResult, rules_page: str | None, *, fail_on_errors: bool) -> None:
    """Log every diagnostic (MkDocs counts warnings for `--strict`); raise on errors."""
    count = len(checked.postmortems)
    log.info(
        "Checked %d postmortems: %d parsed, %d unchanged since the last build",
        count,
        checked.parsed,
        count - checked.parsed,
    )
    for diagnostic in checked.diagnostics:
        (log.error if diagnostic.level == "error" else log.warning)(diagnostic.explained(rules_page))
    errors = len(checked.errors)
    if errors and fail_on_errors:
        raise PluginError(
            f"{errors} postmortem error{'s' if errors != 1 else ''} (listed above); "
            "fix them or run `pmkb check` for details"
        )
