"""`mkdocs serve` as an author uses it: edits re-validate, errors do not stop the server,
and only the edited file is parsed again."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import VALID
from test_site_build import tiny_site

TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}"],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            self.log.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} never appeared in the serve log:\n{''.join(self.log)}")

    def get(self, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=10) as r:
            return r.read().decode()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def server(tmp_path: Path):
    other = VALID.replace("PM-2026-014", "PM-2026-015")
    root = tiny_site(tmp_path, {"2026/a.md": VALID, "2026/b.md": other}, "search: false\n")
    running = Server(root)
    running.wait_for("Serving on")
    yield running, root
    running.stop()


def test_edits_revalidate_without_stopping_the_server(server) -> None:
    running, root = server
    assert "Checkout errors after payments deploy" in running.get("postmortems/2026/a/")
    path = root / "postmortems" / "2026" / "a.md"
    path.write_text(VALID.replace("severity: SEV2", "severity: SEV7"))
    error = running.wait_for("PM108")
    assert "postmortems/2026/a.md:6:1: PM108 unknown severity `SEV7`" in error
    # only the edited file was parsed again (the plugin, and its cache, survive rebuilds)
    assert any("Checked 2 postmortems: 1 parsed, 1 unchanged" in line for line in running.log)
    assert running.process.poll() is None  # still serving

    path.write_text(VALID.replace("Checkout errors after payments deploy", "Renamed incident"))
    running.wait_for("Checked 2 postmortems")
    deadline = time.monotonic() + TIMEOUT
    while "Renamed incident" not in running.get("postmortems/2026/a/"):
        assert time.monotonic() < deadline, "the edit never reached the served page"
        time.sleep(0.3)
