"""Per-file check results, kept in memory and on disk, so a re-check parses only what changed.

An entry is one postmortem file's result (the slim postmortem that pages need and its
per-file diagnostics), valid for one content digest. The on-disk file lives under
`.cache/pmkb/` beside mkdocs.yml; its name carries a key of everything else a result
depends on (pmkb's version and source, the settings, the service catalog, the build
date), so a change to any of them starts a new, empty cache. Cross-file rules are never
cached: they are recomputed from the entries' IDs on every check.

The directory is safe to delete at any time. A file that is truncated, corrupt, or
written by another pmkb is never trusted: its checksum, magic or layout does not match,
and it reads as empty. (The cache is pickled: it is as trusted as the repository it sits
in, like the hooks that mkdocs.yml runs.)
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkb import __version__
from pmkb.read.postmortem import Postmortem, for_pages

if TYPE_CHECKING:
    from pmkb.check.diagnostics import Diagnostic
    from pmkb.read.model import FrontMatter
    from pmkb.settings import Settings

CACHE_DIR = Path(".cache") / "pmkb"
"""Relative to the directory of mkdocs.yml."""

_MAGIC = b"pmkb-check-cache 1\n"
_DIGEST_SIZE = 32
_PREFIX = "check-"


def cache_dir_for(config_file: Path) -> Path:
    """Where the cache of the knowledge base configured by `config_file` lives."""
    return config_file.parent / CACHE_DIR


def content_digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


class FileResult:
    """One postmortem file read and checked: what the cache keeps and pages need.

    The postmortem is kept pickled until someone asks for it: a check served from the
    cache needs only the diagnostics and, for the cross-file rules, the IDs and links
    (`stub`), and loading ten thousand pydantic models would cost most of a warm check.
    """

    __slots__ = ("digest", "diagnostics", "_links", "_blob", "_postmortem")

    def __init__(
        self,
        digest: str,
        postmortem: Postmortem,
        diagnostics: tuple[Diagnostic, ...],
        *,
        slim: bool = True,
    ) -> None:
        self.digest = digest
        """Of the file's bytes: the entry is valid for exactly these."""
        self.diagnostics = diagnostics
        """The per-file rules' diagnostics, at their levels."""
        if slim:
            postmortem = for_pages(postmortem)
        self._postmortem: Postmortem | None = postmortem
        self._blob: bytes | None = None
        self._links = _links_of(postmortem)

    @property
    def postmortem(self) -> Postmortem:
        """The postmortem: slim (see `for_pages`) unless made with `slim=False`."""
        if self._postmortem is None:
            assert self._blob is not None
            self._postmortem = pickle.loads(self._blob)
        return self._postmortem

    def stub(self) -> Postmortem:
        """The postmortem, or a stand-in with only what the cross-file rules read (path,
        ID, status, `related`, their positions) when it is still pickled."""
        if self._postmortem is not None:
            return self._postmortem
        from pmkb.read.document import Document
        from pmkb.read.document import FrontMatter as DocumentFrontMatter
        from pmkb.read.model import FrontMatter

        path, rel_path, incident_id, status, related, positions, first_line = self._links
        front_matter = None if first_line is None else DocumentFrontMatter(
            {}, dict(positions), first_line
        )
        # A copy of an empty model, updated: a hundred times cheaper than model_construct.
        meta = _empty_meta(FrontMatter).model_copy(
            update={"id": incident_id, "status": status, "related": list(related)}
        )
        return Postmortem(
            document=Document(path=path, front_matter=front_matter), meta=meta, raw={},
            rel_path=rel_path,
        )

    def __getstate__(self) -> tuple[object, ...]:
        if self._blob is None:
            self._blob = pickle.dumps(self._postmortem, protocol=pickle.HIGHEST_PROTOCOL)
        return (self.digest, self.diagnostics, self._links, self._blob)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.digest, self.diagnostics, self._links, self._blob = state
        self._postmortem = None


@functools.cache
def _empty_meta(model: type[FrontMatter]) -> FrontMatter:
    return model.model_validate({})


def _links_of(postmortem: Postmortem) -> tuple[Any, ...]:
    front_matter = postmortem.document.front_matter
    positions = tuple(
        (path, position)
        for path, position in (front_matter.key_positions.items() if front_matter else ())
        if path and path[0] in ("id", "related")
    )
    return (
        postmortem.path, postmortem.rel_path, postmortem.meta.id, postmortem.meta.status,
        tuple(postmortem.meta.related), positions,
        front_matter.first_line if front_matter else None,
    )


def _code_fingerprint() -> str:
    """pmkb's version and the source files that read and check (names, sizes, times): an
    edited rule in a development checkout invalidates the cache just like a release does."""
    package = Path(__file__).parents[1]
    sources = [package / "settings.py", *(package / "read").rglob("*.py"),
               *(package / "check").rglob("*.py")]
    parts = [__version__]
    for path in sorted(sources):
        stat = path.stat()
        parts.append(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


def cache_key(settings: Settings, catalog_digest: str | None, today: dt.date) -> str:
    """Everything a per-file result depends on besides the file itself."""
    parts = [_code_fingerprint(), settings.model_dump_json(), catalog_digest or "", today.isoformat()]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=12).hexdigest()


class ResultCache:
    """Results by display path, for one key; loaded from and saved to `directory`.

    Without a directory it is in-memory only (tests, callers that want no files). One
    instance lives across `mkdocs serve` rebuilds, so only edited files are checked again.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self.key = ""
        self._entries: dict[str, FileResult] = {}
        self._dirty = False
        self.parsed = 0
        """How many files were parsed (not served from the cache), for reporting."""

    def use(self, key: str) -> None:
        """Serve results for `key`: the in-memory ones if the key is unchanged, else the
        ones on disk (or none)."""
        if key == self.key:
            return
        self.key = key
        self._entries = self._load()
        self._dirty = False

    def get(self, path: str, digest: str) -> FileResult | None:
        entry = self._entries.get(path)
        return entry if entry is not None and entry.digest == digest else None

    def put(self, path: str, result: FileResult) -> None:
        self._entries[path] = result
        self._dirty = True
        self.parsed += 1

    def keep_only(self, paths: set[str]) -> None:
        """Forget files that are gone, so the cache does not grow with deleted files."""
        gone = [path for path in self._entries if path not in paths]
        for path in gone:
            del self._entries[path]
        self._dirty = self._dirty or bool(gone)

    def __len__(self) -> int:
        return len(self._entries)

    def _file(self) -> Path | None:
        return None if self.directory is None else self.directory / f"{_PREFIX}{self.key}.pickle"

    def _load(self) -> dict[str, FileResult]:
        path = self._file()
        if path is None:
            return {}
        try:
            data = path.read_bytes()
        except OSError:
            return {}
        return _decode(data)

    def save(self) -> None:
        """Write the entries if anything changed; a cache that cannot be written is skipped
        (a read-only checkout still checks, just without the speed-up)."""
        path = self._file()
        if path is None or not self._dirty:
            return
        payload = pickle.dumps(self._entries, protocol=pickle.HIGHEST_PROTOCOL)
        data = _MAGIC + hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest() + payload
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as tmp:
                tmp.write(data)
            os.replace(tmp.name, path)  # atomic: a concurrent reader sees old or new, whole
            for other in path.parent.glob(f"{_PREFIX}*.pickle"):
                if other != path:  # results for old settings or an older pmkb
                    other.unlink(missing_ok=True)
        except OSError:
            return
        self._dirty = False


def _decode(data: bytes) -> dict[str, FileResult]:
    """The entries of a cache file, or none if anything about it is off."""
    header = len(_MAGIC) + _DIGEST_SIZE
    if not data.startswith(_MAGIC) or len(data) < header:
        return {}
    payload = data[header:]
    if hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest() != data[len(_MAGIC) : header]:
        return {}
    try:
        entries = pickle.loads(payload)
    except Exception:  # noqa: BLE001 - whatever a damaged pickle raises, it is not trusted
        return {}
    if not isinstance(entries, dict):
        return {}
    return {
        path: entry
        for path, entry in entries.items()
        if isinstance(path, str) and isinstance(entry, FileResult)
    }
