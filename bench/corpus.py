"""Make a synthetic knowledge base of N postmortems from the demo content."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def make_corpus(target: Path, count: int) -> Path:
    """Copy the demo site and fill `postmortems/` with `count` renumbered postmortems."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(REPO / "site-overrides", target / "site-overrides")
    shutil.copytree(REPO / "hooks", target / "hooks")
    docs = target / "postmortems"
    docs.mkdir()
    for name in ("index.md", "services.yml", "_template.md"):
        shutil.copy(REPO / "postmortems" / name, docs / name)
    sources = sorted((REPO / "postmortems").glob("20*/*.md"))
    texts = [path.read_text(encoding="utf-8") for path in sources]
    per_year: dict[str, int] = {}
    for number in range(count):
        text = texts[number % len(texts)]
        year = str(2000 + number // 900)
        per_year[year] = per_year.get(year, 0) + 1
        new_id = f"PM-{year}-{per_year[year]:04d}"
        text = re.sub(r"^id: .*$", f"id: {new_id}", text, count=1, flags=re.MULTILINE)
        text = re.sub(r"^related: .*$", "related: []", text, count=1, flags=re.MULTILINE)
        folder = docs / year
        folder.mkdir(exist_ok=True)
        (folder / f"{number:05d}-{sources[number % len(sources)].name}").write_text(text)
    return target


if __name__ == "__main__":
    make_corpus(Path(sys.argv[1]), int(sys.argv[2]))
