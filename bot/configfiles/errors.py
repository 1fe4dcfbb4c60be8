"""One error type for the bot's YAML configuration files, naming the file and the line."""

from __future__ import annotations

import os


class ConfigFileError(ValueError):
    """A configuration file is unreadable or invalid. ``str()`` is ready to show an operator.

    Subclasses set `prefix` to say which file kind failed (deadline policy, escalation…).
    """

    prefix = ""

    def __init__(self, message: str, *, path: str | os.PathLike[str] | None = None,
                 line: int | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.detail = message
        where = ""
        if self.path is not None:
            where = self.path
            if line is not None:
                where += f" 第 {line} 行 (line {line})"
            where += ": "
        super().__init__(where + self.prefix + message)
