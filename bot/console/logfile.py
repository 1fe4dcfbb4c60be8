"""Console mode logging: every log line goes to a private file, never into the chat."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from bot import logsafety
from bot.runtime import QUIET_LOGGERS

LOG_FILE = Path("data/console.log")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_to_file(path: Path = LOG_FILE, level: str = "INFO") -> Path:
    """Send the root logger (and Python warnings) to `path`, mode 0600, appending.

    The terminal is the chat: a library's `ERROR Chat not found` printed there reads like a
    message of the bot. Logs may name staff ids, so the file is readable by its owner only.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, 0o600)  # a file left by an older version may be wider open
    stream = os.fdopen(fd, "a", encoding="utf-8")
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO), format=FORMAT,
                        handlers=[logging.StreamHandler(stream)], force=True)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    logsafety.install()  # the console's citizens are as private as anyone's
    logging.getLogger("bot.console").info("console started (pid %d)", os.getpid())
    return path
