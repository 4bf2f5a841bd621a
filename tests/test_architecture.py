"""The core is the engine of three faces (plugin, CLI, tests): it must not need MkDocs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pmkb.core

CORE = Path(pmkb.core.__file__).parent


def test_core_source_never_imports_mkdocs() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "mkdocs"]
    assert offenders == []


def test_core_and_cli_import_without_loading_mkdocs() -> None:
    code = (
        "import sys, pmkb.core.corpus, pmkb.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
