"""Pagefind: a chunked search index, fed page by page while MkDocs renders.

Pagefind's indexer runs as a service in its own process (the second core), and each
page is sent to it as soon as MkDocs has rendered it, instead of a separate pass over
the written site at the end. The protocol is Pagefind's own service protocol (what its
Python and Node APIs speak: base64 JSON messages, each ended by a comma); it is spoken
here directly, from a plain thread, because the `pagefind` package's asyncio client
polls for responses every 100 ms, one response at a time: ten pages a second.

Pagefind's rule is kept: when some pages mark their content with `data-pagefind-body`,
only those are indexed. Pages without the mark are therefore not sent (the 5 MB
generated listings would only be parsed to be dropped); if no page carries it, they are
read back from the site at the end and indexed whole, as `pagefind --site` would.

Memory: Pagefind holds every page it has parsed (about 70 KB a page, mostly its word
map, whatever the HTML sent) and, while it writes the bundle, about 3.5 times that. So
the build's peak is while Pagefind writes, on top of the build process. Two things lower
it: Pagefind's allocator (jemalloc) is told to hand freed pages back at once instead of
keeping them for reuse (about a fifth less; the write takes about 0.3 s longer per 1,000
pages, while the generated pages render), and the build process returns its own free
heap to the system before asking for the bundle.
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import gc
import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import IO, Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger(__name__)

PAGEFIND_TIMEOUT = 600
BODY_MARK = "data-pagefind-body"
BODY_START = "<div data-pagefind-body>"
BODY_END = "<!-- /data-pagefind-body -->"
"""pmkb's `partials/content.html` puts this after the element `BODY_START` opens."""
CONFIG = {"exclude_selectors": [".headerlink"]}  # the ¶ permalinks are not content
ALLOCATOR = ("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
"""Pagefind's binary is built with jemalloc (its settings read from this variable): freed
memory goes back to the system at once. A setting of the user's own is left alone."""


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


def _executable() -> str:
    try:
        from pagefind.service import get_executable
    except ImportError as exc:
        raise PluginError("Pagefind is not installed: pip install 'pagefind[extended]'") from exc
    path = get_executable()
    if path is None:
        raise PluginError("no Pagefind binary found: pip install 'pagefind[extended]'")
    return str(path)


class StreamingIndex:
    """One Pagefind index, built while the site is: `add` each page, then `finish`."""

    def __init__(self, bundle_dir: Path, expected_pages: int = 0) -> None:
        """`expected_pages`: how many pages will carry the body mark (pmkb's theme marks
        each postmortem). Once that many are added, the bundle is written while MkDocs
        renders the rest of the site (the generated listings come last)."""
        self.bundle_dir = bundle_dir
        self._expected_pages = expected_pages
        self._marked_pages = 0
        self._stale = False
        self._stderr = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [_executable(), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env={ALLOCATOR[0]: ALLOCATOR[1], **os.environ},
        )
        self._lock = threading.Condition()
        self._next_id = 0
        self._sent_files = 0
        self._answered_files = 0
        self._waiting: dict[int, dict[str, Any] | None] = {}
        self._errors: list[str] = []
        self._unmarked: list[tuple[str, Path]] = []
        self._marked = False
        self._writing: int | None = None
        """The message id of the latest WriteFiles request, once sent."""
        self._reader = threading.Thread(target=self._read, name="pagefind-responses", daemon=True)
        self._reader.start()
        self._index_id = self._call({"type": "NewIndex", "config": CONFIG})["index_id"]

    def add(self, html: str, url: str, output: Path) -> None:
        """Index a rendered page (`url` from the site root, `output` the file it goes to)."""
        if BODY_MARK not in html:
            self._unmarked.append((url, output))
            return
        self._marked = True
        self._send_file(searchable_part(html), url)
        self._marked_pages += 1
        if self._writing is not None:
            self._stale = True  # a page after the expected ones: written again at the end
        elif self._marked_pages == self._expected_pages:
            self.write()

    def write(self) -> None:
        """Once every page sent is indexed, start writing the bundle; the build goes on
        meanwhile, and `finish` waits for it. Written again if pages came since."""
        if self._writing is not None:
            if not self._stale:
                return
            self._response(self._writing, "WriteFiles")
            shutil.rmtree(self.bundle_dir, ignore_errors=True)  # no stale chunks left behind
        with self._lock:
            if not self._lock.wait_for(
                lambda: self._answered_files >= self._sent_files or self._dead(),
                timeout=PAGEFIND_TIMEOUT,
            ):
                self._fail("timed out indexing pages")
        release_free_memory()  # Pagefind's writing is the build's peak: make room for it
        self._stale = False
        self._writing = self._send(
            {"type": "WriteFiles", "index_id": self._index_id, "output_path": str(self.bundle_dir)}, wait=True
        )

    def finish(self) -> None:
        """Write the bundle if that has not started (or pages came since), wait for it,
        and stop the service."""
        if not self._marked:  # no page says what to index: every page, read back whole
            for url, output in self._unmarked:
                self._send_file(output.read_text(encoding="utf-8"), url)
        self.write()
        assert self._writing is not None, "write() sends it"
        self._response(self._writing, "WriteFiles")
        if self._errors:
            self._fail("\n".join(self._errors[:10]))
        self.close()
        log.info("Pagefind indexed the site into %s", self.bundle_dir)

    def close(self) -> None:
        """Stop the service (after `finish`, or when the build failed)."""
        if self._process.stdin is not None and not self._process.stdin.closed:
            try:
                self._process.stdin.close()
            except OSError:
                pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._stderr.close()

    def _send_file(self, html: str, url: str) -> None:
        with self._lock:
            self._sent_files += 1
        self._send(
            {
                "type": "AddFile",
                "index_id": self._index_id,
                "url": url,
                "file_contents": html,
                "file_path": None,
            },
            wait=False,
        )

    def _call(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Send a request and wait for its response."""
        return self._response(self._send(payload, wait=True), payload["type"])

    def _response(self, message_id: int, request: str) -> dict[str, Any]:
        """Wait for the response to a request sent with `wait=True`."""
        with self._lock:
            if not self._lock.wait_for(
                lambda: self._waiting[message_id] is not None or self._dead(),
                timeout=PAGEFIND_TIMEOUT,
            ):
                self._fail(f"no answer to {request}")
            response = self._waiting.pop(message_id)
        if response is None:
            self._fail(f"stopped before answering {request}")
        assert response is not None
        if response.get("type") == "Error":
            self._fail(str(response.get("message")))
        return response

    def _send(self, payload: dict[str, Any], *, wait: bool) -> int:
        with self._lock:
            self._next_id += 1
            message_id = self._next_id
            if wait:
                self._waiting[message_id] = None
        message = json.dumps({"message_id": message_id, "payload": payload}).encode()
        stdin: IO[bytes] | None = self._process.stdin
        assert stdin is not None
        try:
            # Blocks while Pagefind is behind: pages wait in MkDocs, not in a buffer.
            stdin.write(base64.b64encode(message) + b",")
            stdin.flush()
        except (BrokenPipeError, OSError):
            self._fail("stopped unexpectedly")
        return message_id

    def _read(self) -> None:
        """Collect responses: the ones waited for, the errors, a count of indexed files."""
        stdout = self._process.stdout
        assert stdout is not None
        buffer = b""
        while chunk := os.read(stdout.fileno(), 1 << 16):
            buffer += chunk
            *messages, buffer = buffer.split(b",")
            for message in messages:
                self._receive(message)
        with self._lock:
            self._lock.notify_all()

    def _receive(self, message: bytes) -> None:
        try:
            response = json.loads(base64.b64decode(message))
        except ValueError:
            return
        if not isinstance(response, dict):
            return
        payload = response.get("payload") or {}
        message_id = response.get("message_id")
        with self._lock:
            if message_id in self._waiting:
                self._waiting[message_id] = payload
            else:
                self._answered_files += 1
                if payload.get("type") == "Error":
                    self._errors.append(str(payload.get("message")))
            self._lock.notify_all()

    def _dead(self) -> bool:
        return self._process.poll() is not None

    def _fail(self, reason: str) -> None:
        self._process.kill()
        self._stderr.seek(0)
        output = self._stderr.read().decode(errors="replace").strip()
        raise PluginError(f"Pagefind failed: {reason}" + (f"\n{output}" if output else ""))


def release_free_memory() -> None:
    """Collect garbage and hand the heap's free pages back to the system (glibc's
    `malloc_trim`; elsewhere only the collection)."""
    gc.collect()
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # no C library by that name, or not glibc
        return
    if trim is not None:
        trim(0)
