"""How much of a real archive `pmkb import` converts, and how much it leaves by hand.

    .venv/bin/python bench/import_corpus.py [CORPUS_DIR] [--pmkb-source DIR]

`--pmkb-source` runs the `pmkb` of another checkout's `plugins/` folder (e.g. an older
commit unpacked with `git archive`), to measure before and after a change.

Imports every postmortem of the real corpus (default `../shared/corpus/real/`), one
`pmkb import` run per file into a fresh knowledge base, then prints: the `TODO`s per
draft (median, max), the action items made, the dates that match the incident (the
table in tests/real_corpus.py), files not imported, and `pmkb check`'s diagnostics by code.
"""

from __future__ import annotations

import collections
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from pmkb.read.document import markdown_tokens, read_document  # noqa: E402
from pmkb.read.postmortem import read_postmortem  # noqa: E402
from pmkb.settings import Settings  # noqa: E402
from real_corpus import EXPECTED_DATES, REAL_CORPUS  # noqa: E402

PMKB = [sys.executable, "-m", "pmkb"]


def main() -> None:
    args = sys.argv[1:]
    env = dict(os.environ)
    if "--pmkb-source" in args:
        at = args.index("--pmkb-source")
        env["PYTHONPATH"] = str(Path(args[at + 1]).resolve())
        del args[at : at + 2]
    corpus = Path(args[0]) if args else REAL_CORPUS
    sources = sorted(p for p in corpus.glob("*.md") if p.name != "README.md")
    if not sources:
        sys.exit(f"no postmortems in {corpus}")
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        (site / "mkdocs.yml").write_text(
            "site_name: Bench\ndocs_dir: postmortems\nplugins:\n  - postmortems\n"
        )
        docs = site / "postmortems"
        docs.mkdir()
        todos, items, nested, right, failed, wrong = [], 0, 0, 0, [], []
        for source in sources:
            before = set(docs.rglob("*.md"))
            source_text = source.read_text(encoding="utf-8", errors="replace")
            source_lines = list_items(source_text)
            run = subprocess.run(
                [*PMKB, "import", str(source)], cwd=site, capture_output=True, text=True, env=env
            )
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
        check = subprocess.run(
            [*PMKB, "check", "--format", "json"], cwd=site, capture_output=True, text=True, env=env
        )
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


def list_items(text: str) -> tuple[list[str], list[str]]:
    """The source's list items (their text), (top-level ones, nested ones)."""
    lines = text.replace("\r\n", "\n").split("\n")
    depth, items = 0, ([], [])
    for token in markdown_tokens("\n".join(lines)):
        depth += {
            "bullet_list_open": 1,
            "ordered_list_open": 1,
            "bullet_list_close": -1,
            "ordered_list_close": -1,
        }.get(token.type, 0)
        if token.type == "list_item_open" and token.map:
            text = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]?\]\s*)?[*_~]*", "", lines[token.map[0]])
            items[depth > 1].append(text)
    return items


def _from_sub_bullet(action: str, items: tuple[list[str], list[str]]) -> bool:
    """Whether an action's text comes from a nested list item (and no top-level one)."""
    top, nested = items
    words = action[:40]
    return any(item.startswith(words) for item in nested) and not any(item.startswith(words) for item in top)


if __name__ == "__main__":
    main()
