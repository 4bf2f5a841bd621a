"""Pagefind bundles indexed in shards, merged into the one bundle Pagefind would write.

Pagefind holds every page it has indexed until it writes the bundle, and writing takes
about 260 KB a page: 1.3 GB at 5,000 postmortems, 5 GB at 20,000. Indexed in shards of a
few hundred pages, each written as soon as it is full, it never holds more than one
shard. This module joins the shards' bundles into one. The browser gets exactly what a
single Pagefind index gives it: the same files (word chunks, fragments, filters, the
metadata), so the same requests, results and ranking. A test compares the two.

Pagefind 1.5's formats, as read from its output (gzip, then `pagefind_dcd`, then CBOR
arrays; file names are `{language}_` and a prefix of the content's SHA-1):

- metadata: `[version, pages, index_chunks, filters, sorts, meta_fields]`, `pages`
  being `[fragment_hash, word_count]` in page-number order and `index_chunks`
  `[from, to, hash]`, each chunk's bounds shortened to the prefix that tells it from its
  neighbour;
- a word chunk: `[words]`, each word `[word, pages, variants]` in sorted order, `pages`
  being `[page_number_delta, locations, meta_locations]` (page numbers as differences
  from the previous one) and `variants` `[[spelling, pages]]`; a chunk closes once its
  words' own pages hold 20,000 locations (a page entry counting one);
- a filter: `[name, [[value, [page_number, ...]]]]`.

Merging renumbers each shard's pages after the previous shards' pages and interleaves
the shards' sorted words; nothing else changes. Pagefind's sort orders cannot be merged
(they keep no values), so the caller does not shard a site that uses them.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import heapq
import io
import itertools
import json
import os
import shutil
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import cbor2

SIGNATURE = b"pagefind_dcd"
CHUNK_LOCATIONS = 20_000
"""Pagefind closes a word chunk once it holds this many locations."""
ENTRY = "pagefind-entry.json"
SETTLE_SECONDS = 10
T = TypeVar("T")


class MergeError(Exception):
    """The shards cannot be merged into one bundle (see the message)."""


def full_hash(data: bytes) -> str:
    """Pagefind's content hash: SHA-1, each byte in hex without a leading zero."""
    return "".join(f"{byte:x}" for byte in hashlib.sha1(data).digest())  # noqa: S324  # a file name, as Pagefind's


def read_file(path: Path) -> bytes:
    """A Pagefind file's content, once it is all there."""
    data = _settled(path, gzip.decompress)
    if not data.startswith(SIGNATURE):
        raise MergeError(f"{path} is not a Pagefind file")
    return data[len(SIGNATURE) :]


def _settled(path: Path, decode: Callable[[bytes], T]) -> T:
    """A file Pagefind may still be writing, decoded. It answers a write request before
    the last bytes are on disk (its files are written from a background pool and never
    flushed), so a file that does not decode is read again for a moment: a gzip file
    knows its own length, the entry's JSON does not parse until it is whole."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        try:
            return decode(path.read_bytes())
        except (ValueError, EOFError, zlib.error, gzip.BadGzipFile):
            pass
        if time.monotonic() > deadline:
            raise MergeError(f"{path} is incomplete")
        time.sleep(0.01)


def settle(folders: list[Path]) -> None:
    """Wait until every file Pagefind wrote into `folders` is whole (see `_settled`), so
    that Pagefind can be stopped: it exits at once, cutting short any write under way.
    Its scripts and styles, not compressed, are taken from the first shard, written long
    before the last ones."""
    for folder in folders:
        _settled(folder / ENTRY, json.loads)
        for path in folder.rglob("*"):
            if path.is_file() and (".pf_" in path.suffix or path.name.startswith("wasm.")):
                _settled(path, gzip.decompress)


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(SIGNATURE + data, compresslevel=9, mtime=0))


class Part(NamedTuple):
    """A word's entry in one shard."""

    word: str
    offset: int
    """The shard's first page number in the merged bundle."""
    entry: list[Any]
    """`[word, pages, variants]`, decoded."""
    encoded: bytes | None
    """The entry as the shard's chunk has it (None when it has to be encoded again)."""


@dataclass
class Shard:
    """One shard's bundle, for one language."""

    folder: Path
    meta: list[Any]
    offset: int
    """How many pages the shards before this one hold."""
    field_map: dict[int, int] = field(default_factory=dict)
    """This shard's meta field numbers to the merged bundle's, where they differ."""

    def words(self) -> Iterator[Part]:
        """Its words in sorted order, one chunk read at a time."""
        for _, _, chunk_hash in self.meta[2]:
            # Decoded a word at a time: fifty shards' chunks held whole would take 90 MB.
            data = read_file(self.folder / "index" / f"{chunk_hash}.pf_index")
            stream = io.BytesIO(data)
            if _array_length(stream) != 1:
                raise MergeError(f"{chunk_hash}.pf_index is not a word chunk")
            decoder = cbor2.CBORDecoder(stream)
            for _ in range(_array_length(stream)):
                start = stream.tell()
                word = decoder.decode()
                encoded = None if self.field_map else data[start : stream.tell()]
                yield Part(word[0], self.offset, self._remapped(word), encoded)

    def _remapped(self, word: list[Any]) -> list[Any]:
        if self.field_map:
            for pages in [word[1], *(variant[1] for variant in word[2])]:
                for page in pages:
                    page[2] = [-self.field_map[-value - 1] - 1 if value < 0 else value for value in page[2]]
        return word


def _array_length(stream: io.BytesIO) -> int:
    """Read a CBOR array's header: how many items follow."""
    first = stream.read(1)
    if not first or first[0] >> 5 != 4:
        raise MergeError("a word chunk that is not a CBOR array")
    info = first[0] & 0x1F
    if info < 24:
        return info
    if info > 27:
        raise MergeError("a CBOR array of no set length")
    size = 1 << (info - 24)
    return int.from_bytes(stream.read(size), "big")


def merge(shards: list[Path], target: Path) -> None:
    """Write into `target` the bundle of the `shards` (in page order), as one index."""
    if not shards:
        raise MergeError("no shards to merge")
    entries = [_settled(folder / ENTRY, json.loads) for folder in shards]
    target.mkdir(parents=True, exist_ok=True)
    for path in shards[0].iterdir():  # Pagefind's scripts, styles and WebAssembly
        if path.is_file() and path.suffix != ".pf_meta" and path.name != ENTRY:
            _link(path, target / path.name)  # a hard link: whole once Pagefind has written it
    languages: dict[str, dict[str, Any]] = {}
    for language in dict.fromkeys(lang for entry in entries for lang in entry["languages"]):
        parts = [
            (folder, entry["languages"][language])
            for folder, entry in zip(shards, entries, strict=True)
            if language in entry["languages"]
        ]
        languages[language] = _merge_language(language, parts, target)
    entry = {**entries[0], "languages": languages}
    (target / ENTRY).write_text(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )


def _merge_language(language: str, parts: list[tuple[Path, dict[str, Any]]], target: Path) -> dict[str, Any]:
    metas = [cbor2.loads(read_file(folder / f"pagefind.{info['hash']}.pf_meta")) for folder, info in parts]
    if any(meta[4] for meta in metas):
        raise MergeError("Pagefind's sort orders cannot be merged")
    fields = sorted({name for meta in metas for name in meta[5]})
    shards: list[Shard] = []
    offset = 0
    for (folder, _), meta in zip(parts, metas, strict=True):
        mapping = {number: fields.index(name) for number, name in enumerate(meta[5])}
        moved = {old: new for old, new in mapping.items() if old != new}
        shards.append(Shard(folder, meta, offset, mapping if moved else {}))
        offset += len(meta[1])
    pages = _link_fragments(language, shards, target)
    chunks = _write_words(language, shards, target)
    filters = _write_filters(language, shards, target)
    meta_bytes = cbor2.dumps([metas[0][0], pages, chunks, filters, [], fields])
    meta_hash = f"{language}_{full_hash(meta_bytes)[: len(language) + 8]}"
    write_file(target / f"pagefind.{meta_hash}.pf_meta", meta_bytes)
    return {**parts[0][1], "hash": meta_hash, "page_count": len(pages)}


def _link_fragments(language: str, shards: list[Shard], target: Path) -> list[list[Any]]:
    """The merged `pages` list; each shard's fragment files linked into the bundle (the
    shards stay whole, to be merged again), a name two shards gave different fragments
    lengthened as Pagefind lengthens it."""
    pages: list[list[Any]] = []
    names: dict[str, Path] = {}
    (target / "fragment").mkdir(parents=True, exist_ok=True)
    for shard in shards:
        for name, word_count in shard.meta[1]:
            source = shard.folder / "fragment" / f"{name}.pf_fragment"
            if name in names and read_file(names[name]) != read_file(source):
                data = read_file(source)
                longer = f"{language}_{full_hash(data)}"
                while name in names:
                    name = longer[: len(name) + 1]
            final = target / "fragment" / f"{name}.pf_fragment"
            if name not in names:
                _link(source, final)
                names[name] = final
            pages.append([name, word_count])
    return pages


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)


def _write_words(language: str, shards: list[Shard], target: Path) -> list[list[str]]:
    """Interleave the shards' words into chunks as Pagefind cuts them; the chunk list."""
    merged = heapq.merge(*(shard.words() for shard in shards), key=lambda part: part.word)  # stable
    bounds: list[list[str]] = []
    chunk: list[tuple[str, bytes]] = []
    size = 0
    for word, group in itertools.groupby(merged, key=lambda part: part.word):
        parts = list(group)
        chunk.append((word, _joined(word, parts)))
        size += sum(_locations(part.entry[1]) for part in parts)
        if size >= CHUNK_LOCATIONS:
            bounds.append(_write_chunk(language, chunk, target))
            chunk, size = [], 0
    if chunk:
        bounds.append(_write_chunk(language, chunk, target))
    for before, after in itertools.pairwise(bounds):
        before[1], after[0] = _prefixes(before, after)
    return bounds


def _joined(word: str, parts: list[Part]) -> bytes:
    """One word's entry, encoded, from its entries in the shards: their pages renumbered.

    Most of an entry is its pages' locations, which merging leaves alone, so the shards'
    encoded entries are reused: only the first page number of each shard's pages changes
    (they are differences from the previous one). Variants, rare, are encoded again."""
    if len(parts) == 1 and parts[0].offset == 0 and parts[0].encoded is not None:
        return parts[0].encoded
    if any(part.encoded is None for part in parts):
        return cbor2.dumps(_join_entries(word, parts))
    segments: list[bytes] = []
    count = last = 0
    for part in parts:
        pages = part.entry[1]
        if not pages:
            continue
        body = _pages_body(part)
        first = pages[0][0]
        renumbered = _head(0, first + part.offset - last)  # a page entry is an array of three
        segments += [b"\x83", renumbered, body[1 + len(_head(0, first)) :]]
        count += len(pages)
        last = part.offset + sum(map(itemgetter(0), pages))
    variants = _join_variants(parts)
    return b"".join([b"\x83", cbor2.dumps(word), _head(4, count), *segments, cbor2.dumps(variants)])


def _pages_body(part: Part) -> bytes:
    """The encoded page entries of a shard's word, without their array's header."""
    assert part.encoded is not None
    start = 1 + len(cbor2.dumps(part.word)) + len(_head(4, len(part.entry[1])))
    return part.encoded[start : len(part.encoded) - len(cbor2.dumps(part.entry[2]))]


def _head(major: int, value: int) -> bytes:
    """A CBOR item's head: its major type and an unsigned integer (a count, a number)."""
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise MergeError(f"a number too large for CBOR: {value}")


def _join_entries(word: str, parts: list[Part]) -> list[Any]:
    """One word's entry, decoded, from its entries in the shards."""
    return [word, _join_pages([(part.offset, part.entry[1]) for part in parts]), _join_variants(parts)]


def _join_variants(parts: list[Part]) -> list[Any]:
    variants: dict[str, list[tuple[int, list[Any]]]] = {}
    for part in parts:
        for spelling, pages in part.entry[2]:
            variants.setdefault(spelling, []).append((part.offset, pages))
    return [[spelling, _join_pages(segments)] for spelling, segments in variants.items()]


def _join_pages(segments: list[tuple[int, list[Any]]]) -> list[Any]:
    """Page entries of several shards as one list, page numbers as differences."""
    joined: list[Any] = []
    last = 0
    for offset, pages in segments:
        if not pages:
            continue
        first = pages[0]
        start = first[0] + offset
        joined.append([start - last, first[1], first[2]])
        joined.extend(pages[1:])
        last = offset + sum(map(itemgetter(0), pages))
    return joined


def _locations(pages: list[Any]) -> int:
    """What a word's pages add to its chunk's size, as Pagefind counts it: locations and
    meta locations, one for each page (a word's variants do not count)."""
    return len(pages) + sum(map(len, map(itemgetter(1), pages))) + sum(map(len, map(itemgetter(2), pages)))


def _write_chunk(language: str, words: list[tuple[str, bytes]], target: Path) -> list[str]:
    data = b"".join([b"\x81", _head(4, len(words)), *(encoded for _, encoded in words)])
    name = f"{language}_{full_hash(data)[:7]}"
    path = target / "index" / f"{name}.pf_index"
    if path.exists() and read_file(path) != data:
        longer = f"{language}_{full_hash(data)}"
        while path.exists():
            name = longer[: len(name) + 1]
            path = target / "index" / f"{name}.pf_index"
    write_file(path, data)
    return [words[0][0], words[-1][0], name]


def _prefixes(before: list[str], after: list[str]) -> tuple[str, str]:
    """The bounds of two neighbouring chunks (`[from, to, hash]`) shortened to the
    prefixes that still tell them apart; Pagefind keeps the whole last word of the first
    where its prefix would sort before that chunk's own first bound."""
    last, first = before[1], after[0]
    common = 0
    for a, b in zip(last, first, strict=False):
        if a != b:
            break
        common += 1
    shortened = last[: common + 1]
    return shortened if shortened >= before[0] else last, first[: common + 1]


def _write_filters(language: str, shards: list[Shard], target: Path) -> list[list[str]]:
    values: dict[str, dict[str, list[int]]] = {}
    for shard in shards:
        for name, filter_hash in shard.meta[3]:
            _, pairs = cbor2.loads(read_file(shard.folder / "filter" / f"{filter_hash}.pf_filter"))
            merged = values.setdefault(name, {})
            for value, pages in pairs:
                merged.setdefault(value, []).extend(page + shard.offset for page in pages)
    listed: list[list[str]] = []
    for name, by_value in values.items():
        data = cbor2.dumps([name, [[value, pages] for value, pages in by_value.items()]])
        short = f"{language}_{full_hash(data)}"
        filter_name = short[: len(language) + 8]
        path = target / "filter" / f"{filter_name}.pf_filter"
        while path.exists():
            filter_name = short[: len(filter_name) + 1]
            path = target / "filter" / f"{filter_name}.pf_filter"
        write_file(path, data)
        listed.append([name, filter_name])
    return listed


def main(argv: list[str]) -> int:
    """`python -m pmkb.publish.pagefind_merge TARGET SHARD...`: run apart from the build,
    so that the merge's memory is never the build process's."""
    target, *shards = (Path(arg) for arg in argv)
    gc.disable()  # millions of lists and no cycles: a collection would only rescan them
    try:
        merge(shards, target)
    except (MergeError, OSError, ValueError, KeyError, IndexError) as exc:
        print(f"cannot merge the search index: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
