"""Files the bot writes are its account's alone: 0600 files, 0700 folders, whatever the umask.

Reports, exports and console files can name citizens, so they must not be readable by other
accounts on the machine. The process also starts with ``umask 077`` (``bot.cli.main``); these
helpers make the mode explicit for the files written on purpose, so a caller that runs with
another umask (a test, an embedding program) still gets private files.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
PROCESS_UMASK = 0o077


def private_dir(folder: Path) -> None:
    """Create ``folder`` (and missing parents) 0700. An existing folder keeps its mode: it may
    be a shared one chosen by the operator (``--out .``)."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for p in missing:  # mkdir's mode is cut by the umask; parents get the default
        with contextlib.suppress(OSError):
            p.chmod(DIR_MODE)


def write_private(path: Path, data: bytes | str, *, encoding: str = "utf-8") -> None:
    """Write (or replace) ``path`` with mode 0600; an existing file is narrowed first."""
    raw = data.encode(encoding) if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        os.fchmod(fh.fileno(), FILE_MODE)  # O_CREAT keeps an existing file's old mode
        fh.write(raw)


def make_private(path: Path) -> None:
    """Narrow a file written by a library (openpyxl…) to 0600."""
    with contextlib.suppress(OSError):
        path.chmod(FILE_MODE)
