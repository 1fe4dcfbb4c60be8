"""Why a roster operation was refused, as data: ``bot.texts.roster.error`` says it in words.

Every refusal is a :class:`RosterError` with a :class:`Refusal` code and the fields its text
needs (the date typed, the shift asked for, the people involved). A refused import lists
every bad row as (row number or None, RosterError) in :class:`RosterImportError`, so the
operator sees all problems at once and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any


class Refusal(StrEnum):
    # dates, people and shifts typed by a person
    bad_date = "bad_date"  # text
    unknown_staff_id = "unknown_staff_id"  # text
    unknown_staff = "unknown_staff"  # text
    ambiguous_staff = "ambiguous_staff"  # text, ids
    unknown_shift = "unknown_shift"  # name, names
    named_twice = "named_twice"  # name
    overlaps = "overlaps"  # overlaps: list[Overlap]
    # rows of an imported file
    missing_shift = "missing_shift"
    missing_staff = "missing_staff"
    role_too_long = "role_too_long"  # limit
    duplicate_row = "duplicate_row"  # first_row, name
    overlap = "overlap"  # overlap: Overlap
    # the file as a whole
    file_missing = "file_missing"  # path
    file_type = "file_type"  # suffix
    bad_encoding = "bad_encoding"
    bad_xlsx = "bad_xlsx"  # reason
    empty_file = "empty_file"
    bad_header = "bad_header"  # missing: list[str]
    no_rows = "no_rows"
    too_many_rows = "too_many_rows"  # limit
    import_refused = "import_refused"  # RosterImportError: see .errors
    # swaps
    no_such_shift = "no_such_shift"
    shift_started = "shift_started"
    not_on_shift = "not_on_shift"
    swap_pending = "swap_pending"
    own_shift = "own_shift"
    already_on_shift = "already_on_shift"
    take_overlap = "take_overlap"  # overlap: Overlap
    swap_cancelled = "swap_cancelled"
    taker_on_shift = "taker_on_shift"
    no_swap = "no_swap"
    swap_expired = "swap_expired"
    swap_state = "swap_state"  # status: the offer's status now
    # special periods and handover notes
    special_name_missing = "special_name_missing"
    special_name_long = "special_name_long"  # limit
    special_backwards = "special_backwards"
    special_too_long = "special_too_long"  # days
    no_special = "no_special"  # special_id
    note_missing = "note_missing"
    note_too_long = "note_too_long"  # limit
    not_in_shift = "not_in_shift"
    # the daily post on demand
    daily_future = "daily_future"


@dataclass(frozen=True)
class Overlap:
    """``name`` would be on two overlapping shifts: (date, shift) and (other_date,
    other_shift), the latter from row ``other_row`` of the file or already on the roster."""

    name: str
    date: date
    shift: str
    other_date: date
    other_shift: str
    other_row: int | None


class RosterError(ValueError):
    """A refused roster operation: ``code`` says why, ``fields`` carry the details."""

    def __init__(self, code: Refusal, **fields: Any) -> None:
        self.code = code
        self.fields = fields
        super().__init__(f"{code.value} {fields}" if fields else code.value)


class RosterImportError(RosterError):
    """The file was refused; ``errors`` lists every problem as (row number or None, error)."""

    def __init__(self, errors: list[tuple[int | None, RosterError]]) -> None:
        self.errors = errors
        super().__init__(Refusal.import_refused, count=len(errors))


def file_error(code: Refusal, **fields: Any) -> RosterImportError:
    """A problem with the file as a whole (no row number)."""
    return RosterImportError([(None, RosterError(code, **fields))])
