"""How much of a real archive `pmkb import` converts, and how much it leaves by hand.

    .venv/bin/python bench/import_corpus.py [CORPUS_DIR]

Imports every postmortem of the real corpus (default `../shared/corpus/real/`), one
`pmkb import` run per file into a fresh knowledge base, then prints: the `TODO`s per
draft (median, max), the action items made, the dates that match the incident (the
table in tests/real_corpus.py), files not imported, and `pmkb check`'s diagnostics by code.
"""

from __future__ import annotations

import collections
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from pmkb.core.document import read_document  # noqa: E402
from pmkb.core.postmortem import read_postmortem  # noqa: E402
from pmkb.core.settings import Settings  # noqa: E402
from real_corpus import EXPECTED_DATES, REAL_CORPUS  # noqa: E402

PMKB = [sys.executable, "-m", "pmkb"]


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else REAL_CORPUS
    sources = sorted(p for p in corpus.glob("*.md") if p.name != "README.md")
    if not sources:
        sys.exit(f"no postmortems in {corpus}")
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        (site / "mkdocs.yml").write_text("site_name: Bench\ndocs_dir: postmortems\nplugins:\n  - postmortems\n")
        docs = site / "postmortems"
        docs.mkdir()
        todos, items, nested, right, failed, wrong = [], 0, 0, 0, [], []
        for source in sources:
            before = set(docs.rglob("*.md"))
            source_lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
            run = subprocess.run([*PMKB, "import", str(source)], cwd=site, capture_output=True, text=True)
            made = sorted(set(docs.rglob("*.md")) - before)
            if "Traceback" in run.stderr or not made:
                failed.append(f"{source.name}: {run.stderr.strip()[-200:]}")
                continue
            for path in made:
                text = path.read_text(encoding="utf-8")
                todos.append(text.count("TODO"))
                postmortem = read_postmortem(read_document(str(path), text.encode()), Settings())
                items += len(postmortem.action_items)
                nested += sum(_from_sub_bullet(item.action, source_lines) for item in postmortem.action_items)
            date = read_postmortem(read_document("x", made[0].read_bytes()), Settings()).meta.date
            if date == EXPECTED_DATES.get(source.name):
                right += 1
            else:
                wrong.append(f"{source.name[:60]}: {date} (expected {EXPECTED_DATES.get(source.name)})")
        check = subprocess.run([*PMKB, "check", "--format", "json"], cwd=site, capture_output=True, text=True)
        codes = collections.Counter(d["code"] for d in json.loads(check.stdout or "[]"))
    print(f"files: {len(sources)}, drafts written: {len(todos)}, not imported: {len(failed)}")
    if todos:
        print(f"TODOs per draft: median {statistics.median(todos):g}, max {max(todos)}, total {sum(todos)}")
    print(f"action items made: {items} ({nested} of them from a nested bullet)")
    print(f"dates right: {right} of {len(sources)}")
    for line in wrong:
        print(f"  wrong date: {line}")
    for line in failed:
        print(f"  not imported: {line}")
    errors = sum(codes.values())
    print(f"diagnostics after import: {errors}: " + ", ".join(f"{c} {n}" for c, n in sorted(codes.items())))


def _from_sub_bullet(action: str, lines: list[str]) -> bool:
    """Whether an action's text comes from an indented (nested) list item of the source."""
    words = action[:40]
    return any(
        words in line and re.match(r"^(?: {2,}|\t)\s*(?:[-*+]|\d+[.)])\s", line) for line in lines
    )


if __name__ == "__main__":
    main()
