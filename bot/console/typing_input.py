"""Read standard input without blocking the event loop, and cut it into messages.

The file descriptor is watched with `loop.add_reader`, so nothing ever sits in a blocking
read: `/quit`, Ctrl-C or the end of input can end the console at once, even while a
terminal keeps standard input open. (Where the loop cannot watch a descriptor, a daemon
thread reads the raw descriptor instead; it never holds Python's stdin buffer lock, so the
interpreter can still exit while it waits.)

Messages: everything readable at one moment is one *burst* — a paste arrives as one burst,
while typed lines arrive one by one. Inside a burst a line starting with `/` begins a new
message (so `/help\\n/quit` piped in is two messages), a bare button number stands alone,
and any other line joins the message before it (so a pasted ticket stays one message).
No timing is involved.
"""

from __future__ import annotations

import asyncio
import codecs
import os
import re
import select
import threading
from collections.abc import Callable
from functools import partial

BUTTON_NUMBER = re.compile(r"\d{1,2}")
CHUNK = 65536


def split_messages(lines: list[str]) -> list[str]:
    """Cut one burst of lines into messages (see the module docstring for the rules)."""
    messages: list[list[str]] = []
    for line in lines:
        alone = BUTTON_NUMBER.fullmatch(line.strip()) is not None
        if not messages or line.startswith("/") or alone or messages[-1][0].strip() == "":
            messages.append([line])
        else:
            messages[-1].append(line)
        if alone:
            messages.append([""])  # whatever follows a button number starts afresh
    texts = ["\n".join(m).strip("\n") for m in messages]
    return [t for t in texts if t.strip()]


class LineReader:
    """Turn raw chunks from a descriptor into complete lines, and the end of input."""

    def __init__(self, deliver: Callable[[list[str] | None], None]) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self._deliver = deliver  # a burst of lines, or None once input has ended

    def feed(self, data: bytes, *, eof: bool = False) -> None:
        self._pending += self._decoder.decode(data, final=eof)
        *complete, self._pending = self._pending.split("\n")
        if eof and self._pending:
            complete.append(self._pending)
            self._pending = ""
        if complete:
            self._deliver([line.rstrip("\r") for line in complete])
        if eof:
            self._deliver(None)


def _readable_now(fd: int) -> bool:
    """More input is already waiting (the rest of a paste) — checked without waiting."""
    try:
        return bool(select.select([fd], [], [], 0)[0])
    except (OSError, ValueError):
        return False


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, CHUNK)
    except BlockingIOError:
        raise
    except OSError:  # e.g. EIO when the terminal has gone away: treat as the end of input
        return b""


class StdinMessages:
    """The messages typed or piped into `fd`, as an asyncio queue (None marks the end)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        self._lines = LineReader(self._put)
        self._watching = False

    def _put(self, burst: list[str] | None) -> None:
        if burst is None:
            self.queue.put_nowait(None)
            return
        for message in split_messages(burst):
            self.queue.put_nowait(message)

    def start(self) -> None:
        try:
            self._loop.add_reader(self.fd, self._on_readable)
            self._watching = True
        except (NotImplementedError, ValueError, OSError):  # e.g. a Windows proactor loop
            threading.Thread(target=self._thread, name="console-stdin", daemon=True).start()

    def close(self) -> None:
        if self._watching:
            self._loop.remove_reader(self.fd)
            self._watching = False

    def _on_readable(self) -> None:
        data = b""
        while True:  # gather the whole burst: a terminal hands over a paste line by line
            try:
                chunk = _read(self.fd)
            except BlockingIOError:
                break
            data += chunk
            if not chunk:
                self.close()
                self._lines.feed(data, eof=True)
                return
            if not _readable_now(self.fd):
                break
        self._lines.feed(data)

    def _thread(self) -> None:
        while True:
            try:
                chunk = _read(self.fd)
            except BlockingIOError:  # a non-blocking descriptor: wait until it has data
                select.select([self.fd], [], [])
                continue
            try:
                self._loop.call_soon_threadsafe(partial(self._lines.feed, chunk, eof=not chunk))
            except RuntimeError:  # the loop has already closed: nobody is listening
                return
            if not chunk:
                return
