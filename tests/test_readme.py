"""The README stays true: its rule table is the registry's, its commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from pmkb.check.rules import RULES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_rule_table_lists_every_rule_with_its_default_level() -> None:
    rows = re.findall(r"^\| (PM\d{3}) \| ([\w-]+) \| (\w+) \|", README, flags=re.MULTILINE)
    assert rows == [(r.code, r.name, r.level) for r in sorted(RULES.values(), key=lambda r: r.code)]


def test_readme_opens_with_the_two_commands() -> None:
    first_block = README.split("```")[1]
    assert "make site" in first_block and "make test" in first_block
