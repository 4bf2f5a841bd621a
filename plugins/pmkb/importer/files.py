"""`pmkb import` on files: read each, convert it, write it where `pmkb new` would, report.

Each file is refused or imported on its own (a bad one never stops the others, and
never shows a traceback). IDs are the next free ones of the incident's year across the
knowledge base, the output folder and this run, so separate runs never reuse one. A
file is never overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pmkb.importer.assets import copy_asset
from pmkb.importer.convert import ImportResult, convert
from pmkb.importer.report import report_lines
from pmkb.importer.source import ImportRefused, decode
from pmkb.importer.split import split_incidents
from pmkb.read.document import read_id
from pmkb.settings import Settings
from pmkb.starter.scaffold import ScaffoldError, next_free_id

Echo = Callable[[str, bool], None]
"""Prints a line (True: to stderr)."""


@dataclass(frozen=True)
class ImportOptions:
    severity: str | None = None
    date: dt.date | None = None
    out_dir: Path | None = None
    split: bool = False
    copy_assets: bool = False


def taken_ids(files: Iterable[Path]) -> set[str]:
    """The `id`s in the front-matter of some Markdown files (to find the next free one)."""
    ids = set()
    for path in files:
        try:
            document = read_id(str(path), path.read_bytes())
        except OSError:
            continue
        if document.front_matter and isinstance(document.front_matter.data.get("id"), str):
            ids.add(document.front_matter.data["id"])
    return ids


def import_files(
    sources: list[Path],
    docs_dir: Path,
    known: list[Path],
    settings: Settings,
    options: ImportOptions,
    echo: Echo,
) -> bool:
    """Import each source; True when every one was imported."""
    folders = [folder for folder in (options.out_dir, docs_dir) if folder is not None and folder.is_dir()]
    taken = taken_ids(
        [*known, *(path for folder in folders for path in folder.rglob("*.md") if path.is_file())]
    )
    ok = True
    for source in sources:
        try:
            ok = _import_one(source, docs_dir, settings, options, taken, echo) and ok
        except ImportRefused as refused:
            echo(f"{source}:{refused.line}:{refused.col}: not imported: {refused}", True)
            ok = False
        except ScaffoldError as exc:
            echo(f"{source}: not imported: {exc}", True)
            ok = False
    return ok


def _import_one(
    source: Path, docs_dir: Path, settings: Settings, options: ImportOptions, taken: set[str], echo: Echo
) -> bool:
    if source.is_dir():
        kind = "a directory named like a Markdown file" if source.suffix == ".md" else "a directory"
        raise ImportRefused(f"{source} is {kind}, not a file; pass the files in it (e.g. {source}/*.md)")
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"cannot read it: {exc.strerror or exc}") from exc
    text = decode(source.name, raw)
    parts = split_incidents(text, settings) if options.split else [(1, text)]
    if options.split and len(parts) == 1:
        echo(f"{source}: --split found one incident (no second top-level `#` heading)", True)
    ok = True
    for first_line, part in parts:
        result = convert(
            part,
            source.name,
            settings,
            severity=options.severity,
            date=options.date,
            next_id=lambda year: next_free_id(taken, year, settings.id_pattern, settings.id_format),
        )
        origin = f"{source}:{first_line}" if len(parts) > 1 else str(source)
        ok = _write(result, origin, source, docs_dir, options, taken, echo) and ok
    return ok


def _write(
    result: ImportResult,
    origin: str,
    source: Path,
    docs_dir: Path,
    options: ImportOptions,
    taken: set[str],
    echo: Echo,
) -> bool:
    target = (options.out_dir or docs_dir / str(result.year)) / result.file_name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(result.text)
    except FileExistsError:
        echo(
            f"{origin}: not imported: {target} already exists; pmkb import never overwrites "
            "(move it away or pass --out-dir)",
            True,
        )
        return False
    except OSError as exc:
        echo(f"{origin}: not imported: cannot write {target}: {exc}", True)
        return False
    taken.add(result.id)
    copied = {
        asset.url: copy_asset(asset, source.parent, target.parent)
        for asset in result.assets
        if options.copy_assets
    }
    for line in report_lines(result, origin, target, copied):
        echo(line, False)
    return True
