"""This test process's own child processes, as /proc lists them (Linux)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="lists processes from /proc")


def child_processes() -> set[int]:
    """Process IDs whose parent is this process, ended-but-not-reaped ones included."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_bytes()
        except OSError:  # ended meanwhile
            continue
        if int(stat.rsplit(b")", 1)[1].split()[1]) == os.getpid():
            found.add(int(entry))
    return found


def cannot_start(name: str) -> list[str]:
    """A `child.command` for a machine where no process can start."""
    return ["/nonexistent/python"]


def dying_child(*steps: str) -> Callable[[str], list[str]]:
    """A `child.command` whose child does `steps` ("receive" a value, or "send" None) and
    dies without a word."""
    actions = "; ".join("channel.receive()" if step == "receive" else "channel.send(None)" for step in steps)
    script = (
        "import os, sys; sys.path[:] = sys.argv[2:]; from pmkb.check.child import Channel; "
        f"channel = Channel(sys.stdin.buffer, sys.stdout.buffer); {actions}; os._exit(1)"
    )
    return lambda name: [sys.executable, "-c", script, name, *sys.path]
