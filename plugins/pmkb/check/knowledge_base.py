"""All the files of a knowledge base: found, read once (cached by content), checked."""

from __future__ import annotations

import datetime as dt
import fnmatch
import functools
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pmkb.check.cache import FileResult, ResultCache, cache_key, content_digest, stamp_of
from pmkb.check.diagnostics import Diagnostic
from pmkb.check.engine import check_across, to_diagnostics
from pmkb.check.parallel import PARALLEL_MIN, Inputs, Job, check_files, read_bytes, unreadable_result
from pmkb.check.rules.front_matter import catalog_findings
from pmkb.check.rules.reading_lists import reading_list_findings, unknown_id_findings
from pmkb.clock import build_date
from pmkb.read.document import Document, read_id
from pmkb.read.postmortem import Postmortem, read_postmortem
from pmkb.read.reading_lists import READING_LISTS_DIR, LoadedReadingList, read_reading_lists
from pmkb.read.services import ServiceCatalog, read_catalog
from pmkb.settings import Settings


def is_postmortem_path(relative: str, settings: Settings) -> bool:
    """Whether a file (relative to the docs directory, `/`-separated) is a postmortem.

    Not postmortems: non-Markdown files, the configured ordinary pages (`index.md`),
    anything under `reading-lists/`, and names starting with `_` or `.` (the template).
    """
    # String operations, not pathlib: this runs for every file of the knowledge base.
    if not relative.lower().endswith(".md"):
        return False
    parts = [part for part in relative.split("/") if part and part != "."]
    if not parts or parts[-1].lower() == ".md":
        return False
    if any(part.startswith(("_", ".")) for part in parts):
        return False
    if parts[0] == READING_LISTS_DIR:
        return False
    return not any(_matches(parts, pattern) for pattern in settings.pages)


@functools.cache
def _pattern_parts(pattern: str) -> tuple[str, ...] | None:
    """A glob's parts, or None for an absolute glob (which no relative path matches)."""
    path = PurePosixPath(pattern)
    return None if path.is_absolute() or not path.parts else path.parts


def _matches(parts: list[str], pattern: str) -> bool:
    """`PurePosixPath("/".join(parts)).match(pattern)`, without building paths: a relative
    glob matches the path's last components, one by one."""
    globs = _pattern_parts(pattern)
    if globs is None or len(globs) > len(parts):
        return False
    tail = parts[len(parts) - len(globs) :]
    return all(fnmatch.fnmatchcase(part, glob) for part, glob in zip(tail, globs, strict=True))


def _absolute(path: Path) -> Path:
    """An absolute, normalised path, without resolve()'s system calls per component."""
    return Path(os.path.abspath(path))


def _under(path: Path | str, prefix: str) -> str | None:
    """`path` relative to the directory `prefix` (absolute, ending in a separator), by
    string operations: thousands of files, and pathlib is slow. None when it does not
    apply (a relative or unnormalised path, another directory: the caller falls back)."""
    text = str(path)
    if os.sep != "/" or not text.startswith(prefix) or "//" in text:
        return None
    if "/./" in text or "/../" in text or text.endswith(("/.", "/..")):
        return None
    return text[len(prefix) :]


def _path_order(path: str) -> list[str]:
    """The order of `sorted()` on the same paths as Path objects: by components."""
    return path.split(os.sep)


def _is_reading_list(relative: str) -> bool:
    path = PurePosixPath(relative)
    return (
        path.parts[0] == READING_LISTS_DIR
        and path.suffix.lower() == ".md"
        and not path.name.startswith(("_", "."))
    )


@dataclass
class CheckResult:
    postmortems: list[Postmortem] = field(default_factory=list)
    """Every postmortem read, valid or not, sorted by path."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    catalog: ServiceCatalog | None = None
    reading_lists: list[LoadedReadingList] = field(default_factory=list)
    files_checked: int = 0
    parsed: int = 0
    """Postmortems parsed in this check; the others came unchanged from the cache."""

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "warning"]


@dataclass
class KnowledgeBase:
    """A docs directory of postmortems, read with some settings."""

    docs_dir: Path
    settings: Settings
    display_root: Path = field(default_factory=Path.cwd)
    """Paths in diagnostics are relative to this (the repository root, for annotations)."""
    cache: ResultCache = field(default_factory=ResultCache)
    """Per-file results by content; give it a directory to keep them across processes."""
    workers: int | None = None
    """Processes to check in (default: one per core); 1 checks in this process."""
    parallel_min: int = PARALLEL_MIN
    """Fewer files to parse than this are checked in this process."""
    slim: bool = False
    """Keep only what pages need of each postmortem (a build of thousands of files); the
    default keeps them whole, sections and source included."""
    whole_postmortems: bool = True
    """False when the caller only needs diagnostics: postmortems served from the cache then
    stay pickled, and `CheckResult.postmortems` holds stand-ins with their IDs and links."""

    def __post_init__(self) -> None:
        self._docs_root = _absolute(self.docs_dir)
        self._display_root = _absolute(self.display_root)
        self._docs_prefix = os.path.join(self._docs_root, "")
        self._display_prefix = os.path.join(self._display_root, "")

    def postmortem_files(self) -> list[Path]:
        """Every postmortem file under the docs directory, absolute, sorted."""
        return [Path(name) for name in self._postmortem_names()]

    def _postmortem_names(self) -> list[str]:
        """`postmortem_files` as strings, in the same order: ten thousand Path objects
        cost a tenth of a second."""
        if not self.docs_dir.is_dir():
            return []
        found: list[tuple[list[str], str]] = []
        root = str(self._docs_root)
        for directory, subdirs, files in os.walk(root):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith((".", "_")))
            prefix = directory[len(root) :].strip(os.sep).replace(os.sep, "/")
            prefix = f"{prefix}/" if prefix else ""
            for name in files:
                relative = prefix + name
                if is_postmortem_path(relative, self.settings):
                    found.append((relative.split("/"), os.path.join(directory, name)))
        found.sort()  # by parts, as paths sort
        return [path for _, path in found]

    def relative(self, path: Path | str) -> str:
        """The path relative to the docs directory, `/`-separated."""
        fast = _under(path, self._docs_prefix)
        if fast is not None:
            return fast
        path = Path(path)
        relative = os.path.relpath(_absolute(path), self._docs_root)
        return path.name if relative.startswith("..") else Path(relative).as_posix()

    def display(self, path: Path | str) -> str:
        fast = _under(path, self._display_prefix)
        if fast is not None:
            return fast
        path = Path(path)
        try:
            return Path(os.path.relpath(_absolute(path), self._display_root)).as_posix()
        except ValueError:  # another drive on Windows
            return path.as_posix()

    def select(self, paths: list[Path]) -> list[Path]:
        """The postmortem files that command-line PATHS name (files or directories).

        Files of the docs directory that are not postmortems (the template, reading
        lists, pages) are skipped, so a pre-commit hook can pass any changed file.
        """
        selected: set[Path] = set()
        for path in paths:
            if path.is_dir():
                root = _absolute(path)
                selected.update(f for f in self.postmortem_files() if _absolute(f).is_relative_to(root))
                if not root.is_relative_to(self._docs_root):
                    selected.update(p for p in path.rglob("*.md") if p.is_file())
            elif self._inside_docs(path):
                relative = self.relative(path)
                if is_postmortem_path(relative, self.settings) or _is_reading_list(relative):
                    selected.add(path)
            else:
                selected.add(path)
        return sorted(selected)

    def _is_reading_list_file(self, path: Path) -> bool:
        return self._inside_docs(path) and _is_reading_list(self.relative(path))

    def _inside_docs(self, path: Path) -> bool:
        return _absolute(path).is_relative_to(self._docs_root)

    def check(self, report_on: list[Path] | None = None, today: dt.date | None = None) -> CheckResult:
        """Read and check every postmortem; report on `report_on` (default: all).

        The whole knowledge base is always read, because `related` IDs and ID
        uniqueness are only known from all files.
        """
        today = today or build_date()
        parsed_before = self.cache.parsed
        # Absolute paths: `a.md` and `/abs/a.md` are one file, not a duplicate ID. Strings,
        # not Paths, for the same reason as `_postmortem_names`.
        files = self._postmortem_names()
        if report_on is None:
            reported = set(files)
        else:
            reported = {str(_absolute(p)) for p in report_on if not self._is_reading_list_file(p)}
            files = sorted(set(files) | reported, key=_path_order)
        result = CheckResult(catalog=self._catalog())
        if result.catalog is not None and report_on is None:
            result.diagnostics += self._catalog_diagnostics(result.catalog)
        # A catalog that could not be read names no services: checking against it would
        # flag every service of every postmortem. Its own diagnostics say what is wrong.
        usable = result.catalog if result.catalog and result.catalog.services else None
        full = [path for path in files if report_on is None or path in reported]
        inputs = Inputs(self.settings, usable, today, slim=self.slim)
        checked = self._check_files(full, inputs, complete=report_on is None)
        for path in files:
            # Files not reported on are only scanned for their ID (for PM601 and PM602).
            file_result = checked.get(path)
            if file_result is None:
                result.postmortems.append(self._read_id(path))
                continue
            result.postmortems.append(
                file_result.postmortem if self.whole_postmortems else file_result.stub()
            )
            if path in reported:
                result.files_checked += 1
                result.diagnostics += file_result.diagnostics
        shown = {self.display(path) for path in reported}
        result.diagnostics += [d for d in check_across(result.postmortems, self.settings) if d.path in shown]
        result.diagnostics += self._reading_list_diagnostics(result, report_on)
        result.diagnostics.sort()
        result.parsed = self.cache.parsed - parsed_before
        return result

    def _reading_list_diagnostics(
        self, result: CheckResult, report_on: list[Path] | None
    ) -> list[Diagnostic]:
        """Read the reading lists; check them when reporting on all files or on them."""
        lists = read_reading_lists(self.docs_dir, self.display)
        result.reading_lists = lists
        known = {p.meta.id for p in result.postmortems if p.meta.id}
        findings = reading_list_findings(lists) + unknown_id_findings(lists, known)
        shown = None if report_on is None else {self.display(path) for path in report_on}
        diagnostics = []
        for path, finding in findings:
            if shown is None or path in shown:
                diagnostics += to_diagnostics(path, [finding], self.settings)
        if shown is not None:
            result.files_checked += sum(1 for loaded in lists if loaded.path in shown)
        else:
            result.files_checked += len(lists)
        return diagnostics

    def _check_files(self, paths: list[str], inputs: Inputs, *, complete: bool) -> dict[str, FileResult]:
        """Per-file results: from the cache where the file is unchanged, else checked (in a
        pool of processes when there are many). `complete`: `paths` are all the files, so
        cached results of other paths are of deleted files.

        A file whose stat stamp (times, size, inode) is the cached one is not read again;
        one whose stamp changed is read and hashed, and served from the cache if its
        content is the same; the others are read in the pool, by the process checking them.
        """
        key = cache_key(self.settings, self._catalog_digest(), inputs.today)
        self.cache.use(key, postmortems=self.whole_postmortems)
        results: dict[str, FileResult] = {}
        jobs: list[tuple[str, Job]] = []
        now = time.time_ns()
        for path in paths:
            display = self.display(path)
            name = path
            try:
                stat = os.stat(name)
            except OSError as exc:
                results[path] = unreadable_result(display, self.relative(path), exc, inputs)
                continue
            entry = self.cache.lookup(display)
            stamp = stamp_of(stat, now)
            if (
                entry is not None
                and entry.stamp is not None
                and entry.stamp == (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)
            ):
                results[path] = entry
                continue
            raw = None
            if entry is not None:  # touched, maybe not changed: compare the content
                try:
                    raw = read_bytes(name)
                except OSError as exc:
                    results[path] = unreadable_result(display, self.relative(path), exc, inputs)
                    continue
                if content_digest(raw) == entry.digest:
                    self.cache.restamp(display, stamp)
                    results[path] = entry
                    continue
            jobs.append((path, Job(display, self.relative(path), name, raw, stamp)))
        checked = check_files(
            [job for _, job in jobs],
            inputs,
            self.workers,
            self.parallel_min,
            pickled=self.cache.directory is not None,
        )
        for (path, job), file_result in zip(jobs, checked, strict=True):
            if file_result.digest:  # an unreadable file has no content to cache
                self.cache.put(job.display, file_result)
            results[path] = file_result
        if complete:
            self.cache.keep_only({self.display(path) for path in paths})
        self.cache.save()
        return results

    def ids(self) -> set[str]:
        """Every incident ID in use, read cheaply (front-matter `id:` lines only), unchecked."""
        return {p.meta.id for p in map(self._read_id, self._postmortem_names()) if p.meta.id}

    def catalog(self) -> ServiceCatalog | None:
        """The service catalog, when the knowledge base has one; read, not checked."""
        return self._catalog()

    def _read_id(self, path: str) -> Postmortem:
        """A postmortem with only its ID (and its position), for the cross-file rules."""
        display = self.display(path)
        try:
            document = read_id(display, read_bytes(path))
        except OSError:
            document = Document(path=display)
        postmortem = read_postmortem(document, self.settings)
        postmortem.rel_path = self.relative(path)
        return postmortem

    def _catalog_digest(self) -> str | None:
        path = self.docs_dir / self.settings.services_file
        try:
            return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        except OSError:
            return None

    def _catalog(self) -> ServiceCatalog | None:
        path = self.docs_dir / self.settings.services_file
        if not path.is_file():
            return None
        return read_catalog(self.display(path), path.read_bytes())

    def _catalog_diagnostics(self, catalog: ServiceCatalog) -> list[Diagnostic]:
        return to_diagnostics(catalog.path, catalog_findings(catalog.problems), self.settings)
