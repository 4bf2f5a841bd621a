"""Pagefind: a chunked search index, fed page by page while MkDocs renders, in shards.

Pagefind's indexer runs as a service in its own process (the second core), and each
page is sent to it as soon as MkDocs has rendered it, instead of a separate pass over
the written site at the end.

Pagefind's rule is kept: when some pages mark their content with `data-pagefind-body`,
only those are indexed. Pages without the mark are therefore not sent (the generated
listings would only be parsed to be dropped); if no page carries it, they are read back
from the site at the end and indexed whole, as `pagefind --site` would.

Memory: Pagefind holds every page of an index until it writes it, and writing takes
about 260 KB a page (1.3 GB at 5,000 postmortems). So the pages go into shards of a few
hundred, each written (to a folder beside the site) and dropped as soon as it is full,
and the shards are merged into the one bundle a single index would have written
(`publish/pagefind_merge.py`, in its own process while the generated pages render). A
site of one shard is written as it is. A site whose pages use `data-pagefind-sort`, or
a Pagefind whose files the merge does not know, gets one index of every page, read back
from the site at the end.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from pmkb.mkdocs.pagefind_service import PAGEFIND_TIMEOUT, PagefindService, executable, version
from pmkb.publish.pagefind_merge import settle

log = get_plugin_logger(__name__)

BODY_MARK = "data-pagefind-body"
BODY_START = "<div data-pagefind-body>"
BODY_END = "<!-- /data-pagefind-body -->"
"""pmkb's `partials/content.html` puts this after the element `BODY_START` opens."""
SORT_MARK = "data-pagefind-sort"
"""Pagefind's sort orders keep no values, so shards that use them cannot be merged."""
CONFIG = {"exclude_selectors": [".headerlink"]}  # the ¶ permalinks are not content
SHARD_MIN_PAGES = 25
SHARDS = 50
"""Shards hold `SHARD_MIN_PAGES` pages, or more so that there are about this many.
Pagefind needs about 0.4 MB a page of the shard it writes (and of the next one, which it
indexes meanwhile), the merge about 0.75 MB a shard (it reads one chunk of each at a
time), and each shard costs Pagefind a little time."""
MERGEABLE = "1.5."
"""The Pagefind versions whose files `pmkb.publish.pagefind_merge` knows."""


def searchable_part(html: str) -> str:
    """What Pagefind reads of a page pmkb's theme drew: the <html> tag (the language) and
    the element marked `data-pagefind-body`. A postmortem page is about 27 KB, 10 KB of
    it that element; sent alone, Pagefind parses a third as much and keeps up with the
    build. A page whose theme lacks pmkb's end mark (a site's own content.html) is whole."""
    start, end = html.find(BODY_START), html.find(BODY_END)
    html_tag = html.find("<html")
    if start < 0 or end < start or html_tag < 0:
        return html
    opening = html[html_tag : html.index(">", html_tag) + 1]
    return f"<!doctype html>{opening}<body>{html[start:end]}</body></html>"


class StreamingIndex:
    """One Pagefind bundle, built while the site is: `add` each page, then `finish`."""

    def __init__(self, bundle_dir: Path, expected_pages: int = 0) -> None:
        """`expected_pages`: how many pages will carry the body mark (pmkb's theme marks
        each postmortem). Once that many are added, the last shard is written and the
        merge starts while MkDocs renders the rest of the site (the listings come last)."""
        self.bundle_dir = bundle_dir
        self._expected_pages = expected_pages
        self._binary = executable()
        self._service: PagefindService | None = PagefindService(self._binary)
        """None once handed to the merge, until a page comes after (see `_running`)."""
        self._mergeable = version(self._binary).startswith(MERGEABLE)
        self._shard_pages = (
            max(SHARD_MIN_PAGES, -(-expected_pages // SHARDS)) if self._mergeable else sys.maxsize
        )
        bundle_dir.parent.mkdir(parents=True, exist_ok=True)
        self._work = Path(tempfile.mkdtemp(prefix=".pmkb-search-", dir=bundle_dir.parent))
        """The shards and the merged bundle, beside the site (one file system: moved, not copied)."""
        self._index: int | None = self._service.index_id(self._service.new_index(CONFIG))
        """The index being filled (None: none yet in the running service)."""
        self._next_index = self._service.new_index(CONFIG)
        """Asked for ahead, so that starting a shard never waits for Pagefind."""
        self._in_shard = 0
        self._shards: list[Path] = []
        self._written: list[tuple[int, int]] = []
        """(WriteFiles message, index) of shards whose writing has not been seen to end."""
        self._deleted: list[int] = []
        """DeleteIndex messages, answered by the time the service stops."""
        self._pages: list[tuple[str, Path]] = []
        """Every page indexed: its URL and the file it is written to."""
        self._unmarked: list[tuple[str, Path]] = []
        self._merge: _Merge | None = None
        self._merge_covers = 0
        """How many shards the merge started by `write` covers."""

    def add(self, html: str, url: str, output: Path) -> None:
        """Index a rendered page (`url` from the site root, `output` the file it goes to)."""
        if BODY_MARK not in html:
            self._unmarked.append((url, output))
            return
        if SORT_MARK in html:
            self._mergeable = False  # one index of every page, at the end
            self._shard_pages = sys.maxsize
        self._send(searchable_part(html), url, output)
        if len(self._pages) == self._expected_pages:
            self.write()

    def write(self) -> None:
        """Once the expected pages are in: write the last shard and merge the shards in
        another process while the build goes on; `finish` waits for it. Pages that come
        after are merged again at the end."""
        if self._merge is not None:
            return
        self._close_shard()
        release_free_memory()
        if len(self._shards) > 1 and self._mergeable and self._service is not None:
            writes, self._written, self._deleted = self._written, [], []
            self._merge_covers = len(self._shards)
            # The merge stops this service once the shards are on disk: Pagefind's memory
            # is let go while the merge's is taken. A page after this starts another.
            service, self._service, self._index = self._service, None, None
            self._merge = _Merge(service, writes, list(self._shards), self._work / "merged")

    def finish(self) -> None:
        """Write every shard not yet written, merge them (or index the site in one piece),
        put the bundle in place and stop the service."""
        try:
            if not self._pages:  # no page says what to index: every page, read back whole
                for url, output in self._unmarked:
                    self._send(output.read_text(encoding="utf-8"), url, output)
            self._close_shard()
            bundle = self._bundle()
            said = self._merge.errors if self._merge is not None else []
            errors = [*said, *(self._service.errors if self._service is not None else [])]
            if errors:
                raise PluginError("Pagefind failed: " + "\n".join(errors[:10]))
            if bundle is not None:
                shutil.rmtree(self.bundle_dir, ignore_errors=True)
                os.replace(bundle, self.bundle_dir)
        finally:
            self.close()
        log.info("Pagefind indexed %d pages into %s", len(self._pages), self.bundle_dir)

    def close(self) -> None:
        """Stop the service and the merge, and delete the shards (after `finish`, or when
        the build failed)."""
        if self._merge is not None:
            self._merge.stop()
        if self._service is not None:
            self._service.close()
        shutil.rmtree(self._work, ignore_errors=True)

    def _running(self) -> PagefindService:
        """The service, started again if the merge has stopped it."""
        if self._service is None:
            self._service = PagefindService(self._binary)
            self._next_index = self._service.new_index(CONFIG)
        return self._service

    def _bundle(self) -> Path | None:
        """The finished bundle's folder (None if there is nothing to index)."""
        if not self._shards:
            return None
        if self._merge is not None:
            merged = self._merge.result()
            if merged is None:
                self._mergeable = False
            elif self._mergeable and len(self._shards) == self._merge_covers:
                return merged
        self._confirm_writes()
        if len(self._shards) == 1:
            return self._shards[0]
        if self._mergeable:
            merged = _Merge(None, [], self._shards, self._work / "merged-again").result()
            if merged is not None:
                return merged
        return self._one_index()

    def _send(self, html: str, url: str, output: Path) -> None:
        service = self._running()
        if self._index is None:
            self._index = service.index_id(self._next_index)
            self._next_index = service.new_index(CONFIG)
        service.add_file(self._index, html, url)
        self._pages.append((url, output))
        self._in_shard += 1
        if self._in_shard >= self._shard_pages:
            self._close_shard()
        while self._written and service.answered(self._written[0][0]):
            message, index = self._written.pop(0)  # written: Pagefind can let go of it
            service.response(message, "WriteFiles")
            self._deleted.append(service.request({"type": "DeleteIndex", "index_id": index}))

    def _close_shard(self) -> None:
        """Have Pagefind write the shard being filled, and start the next one."""
        if self._in_shard == 0 or self._service is None or self._index is None:
            return
        # No wait for Pagefind to catch up: its service handles requests one at a time, in
        # order, so it writes the shard once every page sent before has been indexed.
        folder = self._work / f"shard-{len(self._shards):05d}"
        request = {"type": "WriteFiles", "index_id": self._index, "output_path": str(folder)}
        self._written.append((self._service.request(request), self._index))
        self._shards.append(folder)
        self._index = self._service.index_id(self._next_index)
        self._next_index = self._service.new_index(CONFIG)
        self._in_shard = 0

    def _confirm_writes(self) -> None:
        service = self._running()
        for message, _ in self._written:
            service.response(message, "WriteFiles")
        self._written = []
        for message in self._deleted:
            service.response(message, "DeleteIndex")
        self._deleted = []

    def _one_index(self) -> Path:
        """Every page in one index, read back from the site: the bundle a site gets when
        its shards cannot be merged."""
        log.info("Pagefind: indexing the site in one piece (its shards cannot be merged)")
        service = self._running()
        index = service.index_id(service.request({"type": "NewIndex", "config": CONFIG}))
        for url, output in self._pages:
            service.add_file(index, searchable_part(output.read_text(encoding="utf-8")), url)
        service.wait_indexed()
        folder = self._work / "whole"
        written = service.request({"type": "WriteFiles", "index_id": index, "output_path": str(folder)})
        service.response(written, "WriteFiles")
        return folder


class _Merge:
    """The shards merged into one bundle by `pmkb.publish.pagefind_merge`, in a process
    of its own (its memory never the build's), once Pagefind has written them. The
    service handed over is stopped as soon as the shards are on disk."""

    def __init__(
        self, service: PagefindService | None, writes: list[tuple[int, int]], shards: list[Path], target: Path
    ):
        self._target = target
        self._process: subprocess.Popen[bytes] | None = None
        self._service = service
        self._stopped = False
        self._failure = ""
        self.errors: list[str] = service.errors if service is not None else []
        """What Pagefind said of pages it could not index, to its last answer."""
        self._thread = threading.Thread(target=self._run, args=(writes, shards), daemon=True)
        self._thread.start()

    def _run(self, writes: list[tuple[int, int]], shards: list[Path]) -> None:
        command = [sys.executable, "-m", "pmkb.publish.pagefind_merge", str(self._target), *map(str, shards)]
        try:
            for message, _ in writes:
                assert self._service is not None, "writes come with their service"
                self._service.response(message, "WriteFiles")
            settle(shards[len(shards) - len(writes) :] if writes else [])  # a few files: a few ms
            self._stop_service()  # its memory let go before the merge takes its own
            if self._stopped:
                return
            self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _, stderr = self._process.communicate(timeout=PAGEFIND_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.stop()
            self._failure = "the merge of the search index timed out"
            return
        except Exception as exc:  # noqa: BLE001  # said by `result`, in the build's thread
            self._failure = str(exc) or type(exc).__name__
            return
        finally:
            self._stop_service()
        if self._process.returncode != 0:
            said = stderr.decode(errors="replace").strip()
            self._failure = said or f"the merge of the search index ended with {self._process.returncode}"

    def _stop_service(self) -> None:
        service, self._service = self._service, None
        if service is not None:
            service.close()

    def result(self) -> Path | None:
        """The merged bundle, or None (said in the log) when the shards could not be merged."""
        self._thread.join(PAGEFIND_TIMEOUT)
        if self._failure or self._thread.is_alive():
            log.info("Pagefind: %s", self._failure or "the merge of the search index timed out")
            return None
        return self._target

    def stop(self) -> None:
        self._stopped = True
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
        if self._service is not None and self._service.process.poll() is None:
            self._service.process.kill()  # the thread, woken, closes the rest


def release_free_memory() -> None:
    """Hand the heap's free pages back to the system (glibc's `malloc_trim`; nothing
    elsewhere). No garbage collection first: at 1,000 postmortems it took 0.15 s and
    gave back nothing that reference counting had not already freed."""
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library the interpreter runs on
    except (OSError, AttributeError, TypeError):  # not glibc, or no C library to open
        return
    trim(0)
