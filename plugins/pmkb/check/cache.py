"""Per-file check results, kept in memory and on disk, so a re-check parses only what changed.

An entry is one postmortem file's result (the slim postmortem that pages need and its
per-file diagnostics), valid for one content digest. The on-disk file lives under
`.cache/pmkb/` beside mkdocs.yml; its name carries a key of everything else a result
depends on (pmkb's version and source, the settings, the service catalog, the build
date), so a change to any of them starts a new, empty cache. Cross-file rules are never
cached: they are recomputed from the entries' IDs on every check.

On disk a cache is an index (`check-<key>.pickle`: per file its digest, its stat stamp,
its diagnostics and the IDs and links the cross-file rules read) and the pickled
postmortems in `SHARDS` files beside it (`check-<key>.<n>.blobs`, by a hash of the path).
`pmkb check` reads only the index, and a re-check after one edit rewrites the index and
one shard, not every postmortem. A postmortem is taken from its shard only when the
digest stored with it is the index's.

The directory is safe to delete at any time. A file that is truncated, corrupt, or
written by another pmkb is never trusted: its checksum, magic or layout does not match,
and it reads as empty (an entry whose postmortem is lost is checked again when a
postmortem is needed). (The cache is pickled: it is as trusted as the repository it sits
in, like the hooks that mkdocs.yml runs.)
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import pickle
import tempfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkb import __version__
from pmkb.read.document import Document
from pmkb.read.document import FrontMatter as DocumentFrontMatter
from pmkb.read.model import FrontMatter
from pmkb.read.postmortem import Postmortem, for_pages

if TYPE_CHECKING:
    from pmkb.check.diagnostics import Diagnostic
    from pmkb.settings import Settings

CACHE_DIR = Path(".cache") / "pmkb"
"""Relative to the directory of mkdocs.yml."""

_MAGIC = b"pmkb-check-cache 2\n"
_BLOBS_MAGIC = b"pmkb-check-blobs 2\n"
_DIGEST_SIZE = 32
_PREFIX = "check-"
SHARDS = 32
"""Files the pickled postmortems are spread over: one edit rewrites one of them."""

Stamp = tuple[int, int, int, int]
"""A file's modification and change times (ns), size and inode: when all four are what
they were, the file is the one that was read, and it is not read again."""


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
    An entry read from the index alone has no postmortem at all until the cache attaches
    it from its shard (`ResultCache.use(key, postmortems=True)`).
    """

    __slots__ = ("digest", "diagnostics", "stamp", "_links", "_blob", "_postmortem")

    def __init__(
        self,
        digest: str,
        postmortem: Postmortem,
        diagnostics: tuple[Diagnostic, ...],
        *,
        slim: bool = True,
        stamp: Stamp | None = None,
    ) -> None:
        self.digest = digest
        """Of the file's bytes: the entry is valid for exactly these."""
        self.diagnostics = diagnostics
        """The per-file rules' diagnostics, at their levels."""
        self.stamp = stamp
        """The file's stat when it was read, if old enough to trust (see `stamp_of`)."""
        if slim:
            postmortem = for_pages(postmortem)
        self._postmortem: Postmortem | None = postmortem
        self._blob: bytes | None = None
        self._links = _links_of(postmortem)

    @classmethod
    def _from_index(
        cls,
        digest: str,
        stamp: Stamp | None,
        diagnostics: tuple[Diagnostic, ...],
        links: tuple[Any, ...],
    ) -> FileResult:
        entry = cls.__new__(cls)
        entry.digest, entry.stamp, entry.diagnostics, entry._links = digest, stamp, diagnostics, links
        entry._blob = entry._postmortem = None
        return entry

    @property
    def has_postmortem(self) -> bool:
        return self._postmortem is not None or self._blob is not None

    @property
    def postmortem(self) -> Postmortem:
        """The postmortem: slim (see `for_pages`) unless made with `slim=False`."""
        if self._postmortem is None:
            if self._blob is None:
                raise LookupError("an index-only cache entry: use(key, postmortems=True)")
            self._postmortem = pickle.loads(self._blob)
            self._blob = None  # kept once, not twice (`blob` makes it again if a save needs it)
        return self._postmortem

    def blob(self) -> bytes:
        """The pickled postmortem."""
        if self._blob is None:
            self._blob = pickle.dumps(self._postmortem, protocol=pickle.HIGHEST_PROTOCOL)
        return self._blob

    def forget_blob(self) -> None:
        """Once saved, keep the postmortem once (as an object, if it is one already)."""
        if self._postmortem is not None:
            self._blob = None

    def stub(self) -> Postmortem:
        """The postmortem, or a stand-in with only what the cross-file rules read (path,
        ID, status, `related`, their positions) when it is still pickled."""
        if self._postmortem is not None:
            return self._postmortem
        path, rel_path, incident_id, status, related, positions, first_line = self._links
        front_matter = None if first_line is None else DocumentFrontMatter({}, dict(positions), first_line)
        # A copy of an empty model, updated: a hundred times cheaper than model_construct.
        meta = _empty_meta(FrontMatter).model_copy(
            update={"id": incident_id, "status": status, "related": list(related)}
        )
        return Postmortem(
            document=Document(path=path, front_matter=front_matter),
            meta=meta,
            raw={},
            rel_path=rel_path,
        )

    def _index_entry(self) -> tuple[Any, ...]:
        return (self.digest, self.stamp, self.diagnostics, self._links)

    def __getstate__(self) -> tuple[object, ...]:
        return (self.digest, self.diagnostics, self._links, self.blob(), self.stamp)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.digest, self.diagnostics, self._links, self._blob, self.stamp = state
        self._postmortem = None


RACY_NS = 2_000_000_000
"""A file changed this recently may change again within its timestamp's resolution."""


def stamp_of(stat: os.stat_result, now_ns: int) -> Stamp | None:
    """The stamp to keep for a file statted at `now_ns`, or None when it changed too
    recently to tell a later edit from this version by its times (git's "racy" files):
    such a file is read and hashed again next time."""
    if max(stat.st_mtime_ns, stat.st_ctime_ns) >= now_ns - RACY_NS:
        return None
    return (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)


def shard_of(path: str) -> int:
    return zlib.crc32(path.encode()) % SHARDS


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
        postmortem.path,
        postmortem.rel_path,
        postmortem.meta.id,
        postmortem.meta.status,
        tuple(postmortem.meta.related),
        positions,
        front_matter.first_line if front_matter else None,
    )


def _code_fingerprint() -> str:
    """pmkb's version and the source files that read and check (names, sizes, times): an
    edited rule in a development checkout invalidates the cache just like a release does."""
    package = Path(__file__).parents[1]
    sources = [package / "settings.py", *(package / "read").rglob("*.py"), *(package / "check").rglob("*.py")]
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
        self._attached = True
        """Whether every entry has its postmortem (False after an index-only load)."""
        self._index_dirty = False
        self._changed: set[str] = set()
        """Paths whose postmortem changed (or that were removed) since the last save."""
        self.parsed = 0
        """How many files were parsed (not served from the cache), for reporting."""

    def use(self, key: str, *, postmortems: bool = True) -> None:
        """Serve results for `key`: the in-memory ones if the key is unchanged, else the
        ones on disk (or none). `postmortems`: the caller needs each entry's postmortem,
        not only its diagnostics and links; entries whose postmortem is lost are dropped."""
        if key != self.key:
            self.key = key
            self._entries = self._load_index()
            self._attached = not self._entries
            self._index_dirty = False
            self._changed = set()
        if postmortems and not self._attached:
            self._attach()

    def lookup(self, path: str) -> FileResult | None:
        return self._entries.get(path)

    def get(self, path: str, digest: str) -> FileResult | None:
        entry = self._entries.get(path)
        return entry if entry is not None and entry.digest == digest else None

    def restamp(self, path: str, stamp: Stamp | None) -> None:
        """Record a new stat stamp for an entry whose content is unchanged."""
        entry = self._entries.get(path)
        if entry is not None and entry.stamp != stamp:
            entry.stamp = stamp
            self._index_dirty = True

    def put(self, path: str, result: FileResult) -> None:
        self._entries[path] = result
        self._index_dirty = True
        self._changed.add(path)
        self.parsed += 1

    def keep_only(self, paths: set[str]) -> None:
        """Forget files that are gone, so the cache does not grow with deleted files."""
        gone = [path for path in self._entries if path not in paths]
        for path in gone:
            del self._entries[path]
        self._changed.update(gone)
        self._index_dirty = self._index_dirty or bool(gone)

    def __len__(self) -> int:
        return len(self._entries)

    def _file(self) -> Path | None:
        return None if self.directory is None else self.directory / f"{_PREFIX}{self.key}.pickle"

    def _shard_file(self, shard: int) -> Path:
        assert self.directory is not None
        return self.directory / f"{_PREFIX}{self.key}.{shard}.blobs"

    def _load_index(self) -> dict[str, FileResult]:
        path = self._file()
        if path is None:
            return {}
        try:
            data = path.read_bytes()
        except OSError:
            return {}
        return _decode_index(data)

    def _load_shard(self, shard: int) -> dict[str, tuple[str, bytes]]:
        try:
            data = self._shard_file(shard).read_bytes()
        except OSError:
            return {}
        return _decode_blobs(data)

    def _attach(self) -> None:
        """Give every entry its pickled postmortem from the shards; drop the entries whose
        postmortem is missing or of other content (they are checked again)."""
        wanted: dict[int, list[str]] = {}
        for path, entry in self._entries.items():
            if not entry.has_postmortem:
                wanted.setdefault(shard_of(path), []).append(path)
        for shard, paths in wanted.items():
            blobs = self._load_shard(shard) if self.directory is not None else {}
            for path in paths:
                found = blobs.get(path)
                entry = self._entries[path]
                if found is not None and found[0] == entry.digest:
                    entry._blob = found[1]
                else:
                    del self._entries[path]
                    self._index_dirty = True
        self._attached = True

    def save(self) -> None:
        """Write what changed: the shards of changed postmortems, then the index (a cache
        that cannot be written is skipped: a read-only checkout still checks, just
        without the speed-up)."""
        path = self._file()
        if path is None or not (self._index_dirty or self._changed):
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            members: dict[int, list[str]] = {}
            for name in self._entries:
                members.setdefault(shard_of(name), []).append(name)
            for shard in sorted({shard_of(changed) for changed in self._changed}):
                self._save_shard(shard, members.get(shard, []))
            index = {name: entry._index_entry() for name, entry in self._entries.items()}
            _write(path, _MAGIC, pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
            current = {path.name, *(self._shard_file(n).name for n in range(SHARDS))}
            for other in path.parent.glob(f"{_PREFIX}*"):
                if other.name not in current and not other.name.endswith(".tmp"):
                    other.unlink(missing_ok=True)  # results for old settings or an older pmkb
        except OSError:
            return
        self._index_dirty = False
        self._changed = set()

    def _save_shard(self, shard: int, members: list[str]) -> None:
        """Write one shard: the postmortems of `members`, the entries in it."""
        blobs: dict[str, tuple[str, bytes]] = {}
        on_disk: dict[str, tuple[str, bytes]] | None = None
        for name in members:
            entry = self._entries[name]
            if entry.has_postmortem:
                blobs[name] = (entry.digest, entry.blob())
                continue
            if on_disk is None:
                on_disk = self._load_shard(shard)
            found = on_disk.get(name)
            if found is not None and found[0] == entry.digest:
                blobs[name] = found
            else:  # its postmortem is lost: check the file again next time
                del self._entries[name]
        _write(self._shard_file(shard), _BLOBS_MAGIC, pickle.dumps(blobs, protocol=pickle.HIGHEST_PROTOCOL))
        for name in blobs:
            if name in self._entries:
                self._entries[name].forget_blob()


def _write(path: Path, magic: bytes, payload: bytes) -> None:
    """Write atomically: a concurrent reader sees the old file or the new one, whole."""
    data = magic + hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest() + payload
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as tmp:
        tmp.write(data)
    os.replace(tmp.name, path)


def _payload(data: bytes, magic: bytes) -> Any:
    """The unpickled payload of a cache file, or None if anything about it is off."""
    header = len(magic) + _DIGEST_SIZE
    if not data.startswith(magic) or len(data) < header:
        return None
    payload = data[header:]
    if hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest() != data[len(magic) : header]:
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # noqa: BLE001 - whatever a damaged pickle raises, it is not trusted
        return None


def _decode_index(data: bytes) -> dict[str, FileResult]:
    """The entries of an index file, or none if anything about it is off."""
    entries = _payload(data, _MAGIC)
    if not isinstance(entries, dict):
        return {}
    decoded: dict[str, FileResult] = {}
    for path, entry in entries.items():
        if not (isinstance(path, str) and isinstance(entry, tuple) and len(entry) == 4):
            return {}
        digest, stamp, diagnostics, links = entry
        if not (
            isinstance(digest, str)
            and isinstance(diagnostics, tuple)
            and isinstance(links, tuple)
            and len(links) == 7
            and (stamp is None or isinstance(stamp, tuple))
        ):
            return {}
        decoded[path] = FileResult._from_index(digest, stamp, diagnostics, links)
    return decoded


def _decode_blobs(data: bytes) -> dict[str, tuple[str, bytes]]:
    blobs = _payload(data, _BLOBS_MAGIC)
    if not isinstance(blobs, dict):
        return {}
    return {
        path: blob
        for path, blob in blobs.items()
        if isinstance(path, str)
        and isinstance(blob, tuple)
        and len(blob) == 2
        and isinstance(blob[0], str)
        and isinstance(blob[1], bytes)
    }
