"""The holidays file's one error type, with a problem code and the values its message needs.

``str()`` is a complete English line naming file and line (for logs and the start-up check);
``bot.texts.holidays.calendar_file_error`` renders the same problem for an operator in both
languages from ``code`` and ``fields``. Errors raised by the YAML reader itself (file missing,
syntax) have no code: their message is already complete.
"""

from __future__ import annotations

import os
from typing import Any

from bot.configfiles.errors import ConfigFileError

#: code → English message (``str.format`` with the error's fields).
PROBLEMS: dict[str, str] = {
    "bad_date": "date must be a valid YYYY-MM-DD, got {got}",
    "date_has_time": "date must not have a time: {text}",
    "bad_year": "invalid year: {key!r}",
    "complete_not_bool": "years.{year}.complete must be true or false, got {value}",
    "source_not_text": "years.{year}.source must be text, got {value}",
    "year_unknown_field": "years.{year}: unknown field {field!r} (allowed: complete, source)",
    "year_needs_source": "years.{year}: a complete year needs a source (the official notice)",
    "day_unknown_fields": "days entry #{entry}: unknown fields {fields} "
                          "(allowed: date, kind, name)",
    "day_missing": "days entry #{entry}: missing {field}",
    "bad_kind": "days entry #{entry}: kind must be 'holiday' or 'workday', got {kind}",
    "name_not_text": "days entry #{entry}: name must be text, got {name}",
    "holiday_needs_name": "days entry #{entry}: a holiday needs a name (e.g. 元旦)",
    "day_not_mapping": "days entry #{entry} must be a mapping",
    "duplicate_date": "duplicate date {date} (first on line {first_line})",
    "unknown_top_key": "unknown top-level key {key!r} (allowed: years, days)",
    "top_not_mapping": "top level must be a mapping",
    "not_a_mapping": "{what} must be a mapping",
    "not_a_list": "{what} must be a list",
    "no_years": "the file has no years or dates",
    "no_workday": "no working day within {days} days after {date}; check the holidays file",
    "invalid": "{detail}",
}


class CalendarFileError(ConfigFileError):
    """A holidays file is unreadable or invalid. ``str()`` names the file and line."""

    prefix = ""

    def __init__(self, message: str, *, path: str | os.PathLike[str] | None = None,
                 line: int | None = None, code: str = "", **fields: Any) -> None:
        super().__init__(message, path=path, line=line)
        self.code = code
        self.fields = fields


def calendar_problem(code: str, *, path: str | os.PathLike[str] | None = None,
                     line: int | None = None, **fields: Any) -> CalendarFileError:
    """The error for problem ``code`` (see :data:`PROBLEMS`)."""
    return CalendarFileError(PROBLEMS[code].format(**fields), path=path, line=line, code=code,
                             **fields)
