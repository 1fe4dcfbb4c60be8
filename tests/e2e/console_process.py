"""Run `python -m bot console` as a child process and talk to it through its standard input.

Standard input is a pipe (or, with ``tty=True``, a pseudo-terminal in canonical mode, as a
person's terminal is), and it stays open until the test closes it: that is how a terminal
behaves, and what `/quit` and Ctrl-C must cope with. Output is collected by a reader thread;
``expect`` waits for a piece of text with a timeout instead of sleeping.
"""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

STARTUP = 120.0  # imports, migrations and the search warm-up on a busy CI machine
REPLY = 60.0
EXIT = 15.0  # an upper bound for the test only; the console ends in well under a second


class ConsoleProcess:
    def __init__(self, cwd: Path, database_url: str, *args: str, tty: bool = False,
                 env: dict[str, str] | None = None) -> None:
        base = {k: v for k, v in os.environ.items()
                if not k.startswith("TELEGRAM_") and k not in ("ADMIN_IDS", "DUTY_GROUP_ID",
                                                               "LEADER_GROUP_ID")}
        base.update({"DATABASE_URL": database_url, "HOLIDAYS_FILE": str(cwd / "holidays.yaml"),
                     "LOG_LEVEL": "INFO",
                     # no test here searches: indexing the starter content (and loading the
                     # tokenizer for it) would be most of each console's start-up
                     "KB_SEED_STARTER": "false", **(env or {})})
        self.master: int | None = None
        stdin: int | None = subprocess.PIPE
        if tty:
            self.master, slave = pty.openpty()
            attrs = termios.tcgetattr(slave)
            attrs[3] &= ~termios.ECHO  # nobody reads the echo; keep the terminal canonical
            termios.tcsetattr(slave, termios.TCSANOW, attrs)
            stdin = slave
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "console", *args],
                                     stdin=stdin, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd, env=base)
        if tty:
            os.close(slave)  # type: ignore[arg-type]
        self._out = bytearray()
        self._err = bytearray()
        self._changed = threading.Condition()
        self._threads = [self._pump(self.proc.stdout, self._out),
                         self._pump(self.proc.stderr, self._err)]

    def _pump(self, stream: IO[bytes] | None, into: bytearray) -> threading.Thread:
        assert stream is not None

        def run() -> None:
            while chunk := os.read(stream.fileno(), 65536):
                with self._changed:
                    into.extend(chunk)
                    self._changed.notify_all()
            with self._changed:
                self._changed.notify_all()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    @property
    def out(self) -> str:
        with self._changed:
            return self._out.decode("utf-8", errors="replace")

    @property
    def err(self) -> str:
        with self._changed:
            return self._err.decode("utf-8", errors="replace")

    def write(self, text: str) -> None:
        """Type (or paste) `text` in one write, as a terminal hands over a paste."""
        data = text.encode()
        if self.master is not None:
            os.write(self.master, data)
        else:
            assert self.proc.stdin is not None
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def expect(self, needle: str, *, after: int = 0, timeout: float = REPLY) -> int:
        """Wait until `needle` is printed at or after `after`; the index just past it."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                text = self._out.decode("utf-8", errors="replace")
                found = text.find(needle, after)
                if found >= 0:
                    return found + len(needle)
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.proc.poll() is not None and not self._alive()):
                    raise AssertionError(f"{needle!r} not printed; output after {after}:\n"
                                         f"{text[after:]}\nstderr:\n{self.err}")
                self._changed.wait(remaining)

    def _alive(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def started(self) -> int:
        return self.expect("先试试 /help", timeout=STARTUP)

    def interrupt(self) -> None:
        self.proc.send_signal(signal.SIGINT)

    def wait(self, timeout: float = EXIT) -> int:
        """The exit status; fails if the console has not ended (stdin is still open)."""
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(f"console still running\n{self.out}\n{self.err}") from exc
        for thread in self._threads:
            thread.join(timeout)
        return status

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for thread in self._threads:
            thread.join(EXIT)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        if self.master is not None:
            os.close(self.master)
            self.master = None


def wait_until(check: Callable[[], bool], *, timeout: float = REPLY) -> None:
    """Poll a condition that has no event to wait on (a file another process writes)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)
