"""Pagefind's indexer as a service in its own process (the build's second core).

The protocol is Pagefind's own service protocol (what its Python and Node APIs speak:
base64 JSON messages, each ended by a comma). It is spoken here directly, from a plain
thread, because the `pagefind` package's asyncio client polls for responses every
100 ms, one response at a time: ten pages a second.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
from typing import IO, Any

from mkdocs.exceptions import PluginError

try:
    import fcntl
except ImportError:  # Windows: its pipes are left as they are
    fcntl = None  # type: ignore[assignment]

PAGEFIND_TIMEOUT = 600
ALLOCATOR = ("_RJEM_MALLOC_CONF", "narenas:1,muzzy_decay_ms:0,tcache_max:1024")
"""Pagefind's binary is built with jemalloc (its settings read from this variable). Its
hundred-odd threads share one arena instead of one per thread, each caches only small
blocks, and memory it has purged goes back to the system at once. Measured over 1,000
pages in shards of 25: the service peaks at 27-31 MB instead of 40 (and at 82 MB
instead of 90 in shards of 100), for no more CPU. (Purging at once as well,
`dirty_decay_ms:0`, would save 3 MB more for a quarter more of its CPU time.) A setting
of the user's own is left alone."""


def executable() -> str:
    """Pagefind's binary, found as the `pagefind` package finds it (`PAGEFIND_BINARY_PATH`,
    the `pagefind[extended]` binary, the plain one, then the PATH), without importing
    `pagefind.service`: its asyncio client would cost the build 13 MB and 70 ms."""
    found = (
        os.getenv("PAGEFIND_BINARY_PATH")
        or _packaged_binary()
        or shutil.which("pagefind_extended")
        or shutil.which("pagefind")
    )
    if not found:
        raise PluginError("no Pagefind binary found: pip install 'pagefind[extended]'")
    return found


def _packaged_binary() -> str | None:
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            return str(importlib.import_module(package).get_executable())
        except (ImportError, AttributeError, OSError):  # not installed, or its binary is missing
            continue
    return None


def version(binary: str) -> str:
    """Pagefind's version ("1.5.2"), or "" when it does not say."""
    try:
        answer = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return answer.stdout.strip().rpartition(" ")[2]


PIPE_BYTES = 1 << 20
"""Pagefind's input pipe, widened from Linux's 64 KB to hold about 70 pages: a moment
when Pagefind's reading thread waits for a core no longer stalls the build."""


def _widen(pipe: IO[bytes] | None) -> None:
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if pipe is None or set_size is None:
        return
    try:
        fcntl.fcntl(pipe.fileno(), set_size, PIPE_BYTES)
    except OSError:  # above the system's limit (/proc/sys/fs/pipe-max-size): left as it is
        pass


class PagefindService:
    """Requests to one Pagefind service: files sent without waiting, the rest answered."""

    def __init__(self, binary: str) -> None:
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [binary, "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env={ALLOCATOR[0]: ALLOCATOR[1], **os.environ},
        )
        self._lock = threading.Condition()
        self._writing = threading.Lock()
        """Held while a message is written: requests come from more than one thread."""
        self._next_id = 0
        self._sent_files = 0
        self._answered_files = 0
        self._waiting: dict[int, dict[str, Any] | None] = {}
        self.errors: list[str] = []
        """What Pagefind said of files it could not index."""
        self._reader = threading.Thread(target=self._read, name="pagefind-responses", daemon=True)
        self._reader.start()
        _widen(self.process.stdin)

    def new_index(self, config: dict[str, Any]) -> int:
        """Ask for an index; the message id to pass to `index_id` when it is needed."""
        return self.request({"type": "NewIndex", "config": config})

    def index_id(self, message_id: int) -> int:
        return int(self.response(message_id, "NewIndex")["index_id"])

    def add_file(self, index_id: int, html: str, url: str) -> None:
        """Send a page to index; its answer is only counted (see `wait_indexed`)."""
        with self._lock:
            self._sent_files += 1
        payload = {
            "type": "AddFile",
            "index_id": index_id,
            "url": url,
            "file_contents": html,
            "file_path": None,
        }
        self._send(payload, wait=False)

    def wait_indexed(self) -> None:
        """Wait until every file sent has been indexed."""
        with self._lock:
            if not self._lock.wait_for(
                lambda: self._answered_files >= self._sent_files or self._dead(), timeout=PAGEFIND_TIMEOUT
            ):
                self.fail("timed out indexing pages")

    def request(self, payload: dict[str, Any]) -> int:
        """Send a request whose response `response` or `answered` will read."""
        return self._send(payload, wait=True)

    def answered(self, message_id: int) -> bool:
        with self._lock:
            return self._waiting.get(message_id) is not None

    def response(self, message_id: int, request: str) -> dict[str, Any]:
        """Wait for the response to a request."""
        with self._lock:
            if not self._lock.wait_for(
                lambda: self._waiting[message_id] is not None or self._dead(), timeout=PAGEFIND_TIMEOUT
            ):
                self.fail(f"no answer to {request}")
            response = self._waiting.pop(message_id)
        if response is None:
            self.fail(f"stopped before answering {request}")
        assert response is not None
        if response.get("type") == "Error":
            self.fail(str(response.get("message")))
        return response

    def close(self) -> None:
        """Stop the service."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            try:
                self.process.stdin.close()
            except OSError:
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._stderr.close()

    def fail(self, reason: str) -> None:
        self.process.kill()
        self._stderr.seek(0)
        output = self._stderr.read().decode(errors="replace").strip()
        raise PluginError(f"Pagefind failed: {reason}" + (f"\n{output}" if output else ""))

    def _send(self, payload: dict[str, Any], *, wait: bool) -> int:
        with self._lock:
            self._next_id += 1
            message_id = self._next_id
            if wait:
                self._waiting[message_id] = None
        message = json.dumps({"message_id": message_id, "payload": payload}).encode()
        stdin: IO[bytes] | None = self.process.stdin
        assert stdin is not None
        try:
            with self._writing:  # blocks while Pagefind is behind: pages wait in MkDocs, not in a buffer
                stdin.write(base64.b64encode(message) + b",")
                stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            self.fail("stopped unexpectedly")
        return message_id

    def _read(self) -> None:
        """Collect responses: the ones waited for, the errors, a count of indexed files."""
        stdout = self.process.stdout
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
                    self.errors.append(str(payload.get("message")))
            self._lock.notify_all()

    def _dead(self) -> bool:
        return self.process.poll() is not None
