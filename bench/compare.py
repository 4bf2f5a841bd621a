"""pmkb against plain Material on the same pages, side by side, in one run.

    .venv/bin/python bench/compare.py                        # 1,000 and 5,000, 2 rounds, check at 10,000
    .venv/bin/python bench/compare.py --sizes 1000 --rounds 3 --no-browser
    .venv/bin/python bench/compare.py --sizes 20000 --rounds 1 --no-plain --check 0
    .venv/bin/python bench/compare.py --sizes --no-browser      # the check part only

For each size: pmkb's full build (validation, generated pages, Pagefind; its on-disk
cache deleted first, so every build is cold) and plain mkdocs-material building the very
same postmortem pages (plugin removed, Material's own search on, nav = home only),
alternating, medians of the rounds: wall time, peak RSS of the whole process tree
(sampled from /proc), site size; and pmkb's peak split by process (the build itself,
Pagefind's indexer, the merge of its shards, other children such as the check's pool) with
each one's own peak.
Then `pmkb check` of a 10,000-file corpus in fresh processes, cold and warm (after
editing one file), alternating, medians of `--check-rounds`, against the parse floor
(read, YAML, markdown-it.rs block parse of every file, on one core) measured in the same
run. Last, in a real Chromium, the bytes a first page view and a first search transfer at the largest
size, and the largest page of the site. Needs Linux (/proc) for the RSS.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import first_view_and_search  # noqa: E402
from corpus import make_corpus  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

PLAIN_CONFIG = """\
site_name: Plain Material
site_url: https://postmortems.northwind.example/
docs_dir: postmortems
theme:
  name: material
  font: false
  features: [navigation.tabs, navigation.top, content.code.copy]
markdown_extensions:
  - tables
  - admonition
  - attr_list
  - toc:
      permalink: true
exclude_docs: |
  _*
  services.yml
validation:
  nav:
    omitted_files: ignore
  links:
    not_found: warn
    anchors: warn
nav:
  - Home: index.md
plugins:
  - search
"""


@dataclass
class Run:
    wall: float
    peak_rss: int
    """Bytes: the largest sum of RSS over the process and its descendants."""
    at_peak: dict[str, int] = field(default_factory=dict)
    """That sum by role (see `_role`), at the moment it peaked."""
    role_peaks: dict[str, int] = field(default_factory=dict)
    """Each role's own largest RSS (summed over its processes), whenever it was."""


def _role(cmdline: bytes, root: bool) -> str:
    """Which part of a build a process is: the build itself, Pagefind's indexer, the
    merge of its shards, or another child (the check's workers)."""
    if root:
        return "build"
    if b"pagefind_merge" in cmdline:
        return "merge"
    return "pagefind" if b"pagefind" in cmdline else "workers"


def _tree_rss(root: int) -> dict[str, int]:
    """RSS of a process and all its descendants, from /proc, by role."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    roles: dict[str, int] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                role = _role(handle.read(), pid == root)
        except OSError:
            role = "workers"
        roles[role] = roles.get(role, 0) + rss.get(pid, 0)
        todo += children.get(pid, [])
    return roles


def measure(command: list[str], cwd: Path) -> Run:
    """Run a command to completion; wall time and peak RSS of its process tree."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, at_peak = 0, {}
    role_peaks: dict[str, int] = {}
    stderr: list[bytes] = []
    reader = threading.Thread(target=lambda: stderr.append(process.stderr.read()))  # type: ignore[union-attr]
    reader.start()
    while process.poll() is None:
        roles = _tree_rss(process.pid)
        if sum(roles.values()) > peak:
            peak, at_peak = sum(roles.values()), roles
        for role, size in roles.items():
            role_peaks[role] = max(role_peaks.get(role, 0), size)
        time.sleep(0.05)
    wall = time.perf_counter() - start
    reader.join()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed in {cwd}:\n{b''.join(stderr).decode()[-3000:]}")
    return Run(wall, peak, at_peak, role_peaks)


def breakdown(run: Run) -> str:
    """Where a run's peak RSS was, by process role, and each role's own peak."""
    parts = " + ".join(f"{role} {size / 1e6:.0f}" for role, size in sorted(run.at_peak.items()))
    own = ", ".join(f"{role} {size / 1e6:.0f}" for role, size in sorted(run.role_peaks.items()))
    return f"peak {run.peak_rss / 1e6:.0f} MB = {parts}; each on its own at most: {own} MB"


def tree_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def largest_page(site: Path) -> tuple[str, int]:
    page = max(site.rglob("*.html"), key=lambda f: f.stat().st_size)
    return page.relative_to(site).as_posix(), page.stat().st_size


def make_plain(pmkb_site: Path, target: Path) -> Path:
    """The same postmortem pages as a plain Material site."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copytree(pmkb_site / "postmortems", target / "postmortems")
    (target / "mkdocs.yml").write_text(PLAIN_CONFIG)
    return target


def build(site: Path, pmkb: bool) -> Run:
    shutil.rmtree(site / "site", ignore_errors=True)
    if pmkb:
        shutil.rmtree(site / ".cache", ignore_errors=True)  # every build cold
    return measure([sys.executable, "-m", "mkdocs", "build", "-q"], site)


def median(runs: list[Run], key: Callable[[Run], float]) -> float:
    return statistics.median(key(r) for r in runs)


def bench_builds(root: Path, sizes: list[int], rounds: int, plain: bool) -> Path | None:
    print(
        f"{'pages':>6} | {'pmkb s':>7} {'plain s':>7} {'ratio':>5} | {'pmkb MB':>7} "
        f"{'plain MB':>8} {'ratio':>5} | {'site MB':>7} {'plain':>6} | largest page"
    )
    growth: dict[str, list[float]] = {"pmkb": [], "plain": []}
    last = None
    for size in sizes:
        ours = make_corpus(root / f"pmkb-{size}", size)
        theirs = make_plain(ours, root / f"plain-{size}") if plain else None
        runs: dict[str, list[Run]] = {"pmkb": [], "plain": []}
        for _ in range(rounds):  # alternate, so a busy spell hurts both alike
            runs["pmkb"].append(build(ours, pmkb=True))
            if theirs is not None:
                runs["plain"].append(build(theirs, pmkb=False))
        wall = median(runs["pmkb"], lambda r: r.wall)
        rss = median(runs["pmkb"], lambda r: r.peak_rss) / 1e6
        page, page_size = largest_page(ours / "site")
        growth["pmkb"].append(wall)
        if theirs is not None:
            plain_wall = median(runs["plain"], lambda r: r.wall)
            plain_rss = median(runs["plain"], lambda r: r.peak_rss) / 1e6
            growth["plain"].append(plain_wall)
            print(
                f"{size:>6} | {wall:>7.1f} {plain_wall:>7.1f} {wall / plain_wall:>5.2f} | "
                f"{rss:>7.0f} {plain_rss:>8.0f} {rss / plain_rss:>5.2f} | "
                f"{tree_size(ours / 'site') / 1e6:>7.0f} {tree_size(theirs / 'site') / 1e6:>6.0f}"
                f" | {page} {page_size / 1e3:,.0f} KB"
            )
        else:
            print(
                f"{size:>6} | {wall:>7.1f} {'':>7} {'':>5} | {rss:>7.0f} {'':>8} {'':>5} | "
                f"{tree_size(ours / 'site') / 1e6:>7.0f} {'':>6} | {page} {page_size / 1e3:,.0f} KB"
            )
        all_runs = ", ".join(f"{r.wall:.1f}" for r in runs["pmkb"])
        plain_runs = ", ".join(f"{r.wall:.1f}" for r in runs["plain"])
        print(f"{'':>6}   rounds: pmkb {all_runs} s; plain {plain_runs or '-'} s")
        middle = sorted(runs["pmkb"], key=lambda r: r.peak_rss)[(len(runs["pmkb"]) - 1) // 2]
        print(f"{'':>6}   pmkb memory (median round): {breakdown(middle)}")
        last = ours
    if len(sizes) > 1:
        for name, walls in growth.items():
            if len(walls) == len(sizes):
                print(
                    f"growth {sizes[0]:,} → {sizes[-1]:,}: {name} {walls[-1] / walls[0]:.2f}×"
                    f" (pages {sizes[-1] / sizes[0]:.0f}×)"
                )
    return last


FLOOR = r"""
import sys, time, yaml
from pathlib import Path
from markdown_it_pyrs import MarkdownIt
md = MarkdownIt("zero").enable_many(
    ["code", "fence", "hr", "reference", "html_block", "heading", "lheading", "paragraph", "table"]
)
files = sorted(Path(sys.argv[1]).rglob("20*/*.md"))
t = time.perf_counter(); texts = [f.read_bytes().decode() for f in files]; read = time.perf_counter() - t
t = time.perf_counter()
for text in texts:
    yaml.load(text.split("---", 2)[1], Loader=yaml.CSafeLoader)
fm = time.perf_counter() - t
t = time.perf_counter()
for text in texts:
    md.tree(text.split("---", 2)[2])
body = time.perf_counter() - t
print(read, fm, body)
"""
"""The parse floor: read, libyaml, and the block parse pmkb uses (markdown-it.rs, the same
rules as `read/document.py`), one core, nothing else."""


def bench_check(root: Path, size: int, rounds: int = 1) -> None:
    site = make_corpus(root / f"check-{size}", size)
    floor = subprocess.run(
        [sys.executable, "-c", FLOOR, str(site / "postmortems")],
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    read, front, body = (float(x) for x in floor.stdout.split())
    command = [sys.executable, "-m", "pmkb", "check"]
    edited = sorted((site / "postmortems").glob("20*/*.md"))[0]
    colds: list[Run] = []
    warms: list[Run] = []
    for number in range(rounds):  # cold and warm alternate, so a busy spell hurts both alike
        shutil.rmtree(site / ".cache", ignore_errors=True)
        colds.append(measure(command, site))
        edited.write_text(edited.read_text().replace("## Impact", f"## Impact\n\nEdited: {number}."))
        warms.append(measure(command, site))
    cold = median(colds, lambda r: r.wall)
    warm = median(warms, lambda r: r.wall)
    print(
        f"\npmkb check of {size:,} files (fresh processes, median of {rounds}): cold {cold:.2f} s "
        f"({median(colds, lambda r: r.peak_rss) / 1e6:.0f} MB), warm after editing one file "
        f"{warm:.2f} s ({median(warms, lambda r: r.peak_rss) / 1e6:.0f} MB)"
    )
    print(
        f"{'':>6}   rounds: cold {', '.join(f'{r.wall:.2f}' for r in colds)} s; "
        f"warm {', '.join(f'{r.wall:.2f}' for r in warms)} s"
    )
    total = read + front + body
    print(
        f"parse floor, one core, same run: read {read:.2f} s + YAML (libyaml) {front:.2f} s + "
        f"markdown-it.rs block parse {body:.2f} s = {total:.2f} s ({total / 2:.2f} s over 2 cores)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--check", type=int, default=10000, help="0 to skip")
    parser.add_argument(
        "--check-rounds", type=int, default=3, help="cold and warm checks, alternating; medians"
    )
    parser.add_argument("--no-plain", action="store_true", help="pmkb only (scale runs)")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--keep", type=Path, help="build here instead of a temporary dir")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        last = bench_builds(root, args.sizes, args.rounds, plain=not args.no_plain) if args.sizes else None
        if args.check:
            bench_check(root, args.check, args.check_rounds)
        if last is not None and not args.no_browser:
            print()
            for line in first_view_and_search(last / "site"):
                print(line)
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
