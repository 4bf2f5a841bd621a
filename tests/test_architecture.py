"""The flow read → check → know → publish knows nothing of MkDocs; the plugin is a thin face."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pmkb

PACKAGE = Path(pmkb.__file__).parent
ENGINE = ["read", "check", "know", "publish", "importer", "starter"]
"""The folders of the engine, which the MkDocs plugin and the CLI both use."""
ENGINE_MODULES = ["settings.py", "clock.py", "site_config.py"]
PLUGIN_MODULE_MAX_LINES = 130
"""Each event is a few lines that hand over to the engine or mkdocs/* (two events are
pairs of handlers at different priorities, to hold pages compressed between them)."""


def _engine_sources() -> list[Path]:
    return [
        *(p for folder in ENGINE for p in (PACKAGE / folder).rglob("*.py")),
        *(PACKAGE / name for name in ENGINE_MODULES),
    ]


def test_the_engine_never_imports_mkdocs() -> None:
    offenders = []
    for path in _engine_sources():
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.relative_to(PACKAGE)}: {n}"
                for n in names
                if n.split(".")[0] in ("mkdocs", "material") or n.startswith("pmkb.mkdocs")
            ]
    assert offenders == []
    assert len(_engine_sources()) > 40  # the folders are really there


def test_engine_and_cli_import_without_loading_mkdocs() -> None:
    code = (
        "import sys, pmkb.check.knowledge_base, pmkb.know.site, pmkb.publish.files, pmkb.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_plugin_module_stays_a_thin_adapter() -> None:
    lines = (PACKAGE / "mkdocs" / "plugin.py").read_text().count("\n")
    assert lines <= PLUGIN_MODULE_MAX_LINES, f"plugin.py has {lines} lines"
