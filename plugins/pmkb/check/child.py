"""A Python child process that runs one function of pmkb, with pickled values going both
ways over its standard input and output.

multiprocessing's spawned processes re-import the parent's `__main__` (for a build, the
`mkdocs` command and its CLI: a tenth of a second and several MB each), and their queues
start a resource tracker process that then lives as long as the build. A child started
here imports this module, then what its function needs (unpickling the function imports
its module); it ends when the function returns, when this process closes its input, or
when this process dies (its input ends then too).

The child's stderr goes nowhere: should it fail, its caller does the work itself, and a
failure that is not the child's own shows there, in the user's process.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

CLOSE_TIMEOUT = 10.0
"""Seconds a child has to end once its input is closed, before it is killed."""

_BOOT = "import sys; sys.path[:] = sys.argv[2:]; from pmkb.check.child import main; main()"
"""The child's program: this process's module path (so it imports the very pmkb, and
the same libraries, this process does), then `main`."""


class Disconnected(Exception):
    """The other process could not start, has ended, or sent what cannot be read."""


class Channel:
    """Pickled values to and from the process at the other end of two pipes."""

    def __init__(self, incoming: IO[bytes], outgoing: IO[bytes]) -> None:
        self._incoming = incoming
        self._outgoing = outgoing

    def send(self, value: object) -> None:
        try:
            pickle.dump(value, self._outgoing, pickle.HIGHEST_PROTOCOL)
            self._outgoing.flush()
        except Exception as exc:  # a closed pipe, or a value that cannot be pickled
            raise Disconnected(f"cannot send: {exc!r}") from exc

    def receive(self) -> object:
        try:
            return pickle.load(self._incoming)
        except Exception as exc:  # the other end has closed (EOFError) or sent garbage
            raise Disconnected(f"nothing to receive: {exc!r}") from exc

    def read_ahead(self) -> Iterator[object]:
        """The values still to come, until the other end closes, read by a thread meanwhile.

        While this process works on one value and writes its answer, the other one may be
        writing the next value: were neither reading, both would wait on a full pipe."""
        arrived: queue.SimpleQueue[tuple[bool, object]] = queue.SimpleQueue()

        def read() -> None:
            try:
                while True:
                    arrived.put((True, self.receive()))
            except Disconnected:
                arrived.put((False, None))

        threading.Thread(target=read, name="pmkb-read-ahead", daemon=True).start()
        while True:
            more, value = arrived.get()
            if not more:
                return
            yield value


class Child:
    """A child process running `target(channel)`, its channel talking to this process.

    One thread talks to it and then closes it; any thread can stop it."""

    def __init__(self, target: Callable[[Channel], None], name: str) -> None:
        """Start the child; `name` shows in the process list. Raises `Disconnected`."""
        try:
            self._process = subprocess.Popen(
                command(name),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            raise Disconnected(f"cannot start a process: {exc!r}") from exc
        assert self._process.stdin is not None and self._process.stdout is not None
        self.channel = Channel(self._process.stdout, self._process.stdin)
        try:
            self.channel.send(target)
        except Disconnected:
            self.stop()
            self.close()
            raise

    def stop(self) -> None:
        """End the child now, from any thread: whatever waits on it gets `Disconnected`."""
        if self._process.poll() is None:
            self._process.kill()

    def close(self) -> None:
        """Close its input, wait for it to end (killed if it does not), release its pipes."""
        assert self._process.stdin is not None and self._process.stdout is not None
        try:
            self._process.stdin.close()
        except OSError:  # it had ended, and a write was left over
            pass
        try:
            self._process.wait(CLOSE_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()


def command(name: str) -> list[str]:
    return [sys.executable, "-c", _BOOT, name, *sys.path]


def main() -> None:
    """The child's side: receive the function, run it, end."""
    incoming = sys.stdin.buffer
    outgoing = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print() cannot garble the channel
    channel = Channel(incoming, outgoing)
    try:
        target = channel.receive()
        assert callable(target)
        target(channel)
    except Disconnected:  # the parent has gone, or closed the channel early: nothing to do
        pass
    # Every answer is flushed; the interpreter's teardown would only keep the parent
    # waiting for this process to end.
    os._exit(0)
