"""Run the bot for real: connect to the Bot API with patience, long-poll, watch the database,
stop cleanly on SIGTERM/SIGINT.

* The Bot API unreachable at start (network down, a self-hosted server still starting) is
  retried with back-off — one log line per attempt, never a traceback; a token the Bot API
  rejects is one line and exit status 2.
* The SQLite file deleted or replaced under a running bot (a restore gone wrong, a cleaning
  script) would otherwise go unnoticed until the next start shows an empty database: the
  watch notices it within one tick, logs one error line, tells the admins directly (the outbox
  lives in that database) and stops the process with status 1, so systemd restarts it on
  whatever database is there now.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from pathlib import Path
from typing import Any

from telegram.error import InvalidToken, NetworkError, TimedOut

from bot.config import Settings
from bot.runtime import start_app, stop_app
from bot.texts.admin import database_lost

log = logging.getLogger(__name__)

FIRST_RETRY_SECONDS, MAX_RETRY_SECONDS = 1.0, 60.0


class TokenRejected(RuntimeError):
    """The Bot API says the token is wrong: retrying cannot help."""


class DatabaseWatch:
    """Remembers which file the SQLite database is; says when it vanished or was replaced.

    It holds the file open: once the file is unlinked, SQLite may create a new empty one at the
    same path (any new connection does) before the next look, and only the link count of the
    file we opened still tells "deleted" from "replaced by another file". The descriptor is
    closed only once the bot has stopped (:func:`serve`): closing any descriptor of a SQLite
    file releases the process's locks on it, a running transaction's included."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._fd: int | None = None
        self._identity: tuple[int, int] | None = None
        if path is not None:
            with contextlib.suppress(OSError):
                self._fd = os.open(path, os.O_RDONLY)
                st = os.fstat(self._fd)
                self._identity = st.st_dev, st.st_ino

    def problem(self) -> str | None:
        """None while the database file is the one we opened; else "deleted"/"replaced"."""
        if self.path is None or self._fd is None:
            return None
        if os.fstat(self._fd).st_nlink == 0:
            return "deleted"
        try:
            st = os.stat(self.path)
        except OSError:
            return "deleted"  # moved away: nothing is at the configured path
        return "replaced" if (st.st_dev, st.st_ino) != self._identity else None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


async def initialize_with_retry(app: Any, stop: asyncio.Event) -> bool:
    """`app.initialize()` until the Bot API answers (True) or a stop signal comes (False);
    back-off 1 s, 2 s, 4 s … 60 s."""
    delay = FIRST_RETRY_SECONDS
    attempt = 1
    while not stop.is_set():
        try:
            await app.initialize()
            return True
        except InvalidToken as exc:
            raise TokenRejected(str(exc)) from None
        except (NetworkError, TimedOut) as exc:
            log.warning("Bot API unreachable (attempt %d: %s); retrying in %.0f s",
                        attempt, " ".join(str(exc).split())[:200], delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
        delay = min(delay * 2, MAX_RETRY_SECONDS)
        attempt += 1
    return False


async def serve(app: Any, settings: Settings) -> int:
    """Run until a signal (exit 0) or the database watch trips (exit 1)."""
    stop = asyncio.Event()
    status = 0
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    if not await initialize_with_retry(app, stop):
        await app.shutdown()
        return 0
    await start_app(app)
    watch = DatabaseWatch(settings.sqlite_path())
    log.info("bot running (long polling)")
    try:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), settings.tick_seconds)
            problem = watch.problem()
            if problem is not None:
                log.error("database file %s was %s; stopping so the service manager restarts "
                          "the bot", watch.path, problem)
                await _tell_admins(app, settings, problem, str(watch.path))
                status = 1
                break
    finally:
        await stop_app(app)
        # only now, with no transaction left open: closing any descriptor of a SQLite file
        # drops every POSIX lock this process holds on it, its connections' included
        watch.close()
    return status


async def _tell_admins(app: Any, settings: Settings, problem: str, path: str) -> None:
    text = database_lost(problem, path)
    for admin_id in settings.admin_ids:
        try:
            await app.bot.send_message(admin_id, text)
        except Exception as exc:  # best effort: the log line is the record
            log.warning("could not tell admin %s: %s", admin_id, type(exc).__name__)
