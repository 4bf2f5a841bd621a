"""Benchmark pmkb: check time and build time against corpus size, and a warm re-check.

    .venv/bin/python bench/run.py                 # check 1k/5k/10k, build 250/1000
    .venv/bin/python bench/run.py --build 5000    # also build 5,000 pages

Prints seconds and per-file ratios; linear growth shows as a flat ms/file column.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_corpus  # noqa: E402
from pmkb.check.knowledge_base import KnowledgeBase  # noqa: E402
from pmkb.site_config import load_site_config  # noqa: E402


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bench_check(root: Path, sizes: list[int]) -> None:
    print(
        f"{'files':>7} {'cold check s':>13} {'ms/file':>8} {'warm edit s':>12} {'CLI s':>7}"
        f" {'CLI 1 file s':>13}"
    )
    for size in sizes:
        site = make_corpus(root / f"check-{size}", size)
        config = load_site_config(site / "mkdocs.yml")
        knowledge_base = KnowledgeBase(config.docs_dir, config.settings, display_root=site)
        cold = timed(knowledge_base.check)
        edited = sorted(config.docs_dir.glob("20*/*.md"))[0]
        edited.write_text(edited.read_text().replace("## Impact", "## Impact\n\nEdited: 1 more."))
        warm = timed(knowledge_base.check)
        cli = timed(
            lambda site=site: subprocess.run(
                [sys.executable, "-m", "pmkb", "check"], cwd=site, capture_output=True, check=True
            )
        )  # noqa: B023
        one = timed(
            lambda site=site: subprocess.run(
                [sys.executable, "-m", "pmkb", "check", str(edited)],  # noqa: B023
                cwd=site,
                capture_output=True,
                check=True,
            )
        )  # noqa: B023
        print(f"{size:>7} {cold:>13.2f} {cold / size * 1000:>8.2f} {warm:>12.2f} {cli:>7.2f} {one:>13.2f}")


def bench_build(root: Path, sizes: list[int]) -> None:
    print(f"{'pages':>7} {'build s':>8} {'ms/page':>8} {'pagefind MB':>12}")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for size in sizes:
        site = make_corpus(root / f"build-{size}", size)
        seconds = timed(
            lambda site=site: subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=site, env=env, check=True
            )
        )  # noqa: B023
        index = sum(f.stat().st_size for f in (site / "site" / "pagefind").rglob("*"))
        print(f"{size:>7} {seconds:>8.1f} {seconds / size * 1000:>8.1f} {index / 1e6:>12.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", type=int, nargs="*", default=[1000, 5000, 10000])
    parser.add_argument("--build", type=int, nargs="*", default=[250, 1000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_check(Path(tmp), args.check)
        bench_build(Path(tmp), args.build)


if __name__ == "__main__":
    main()
