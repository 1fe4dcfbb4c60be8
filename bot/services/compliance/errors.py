"""Refusals of the compliance services, as data: a code plus the fields the message needs.

``bot/texts/compliance.py: error(exc)`` turns each code into a Chinese sentence; the domain
never writes one. Codes are listed here so the text module can be checked against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CODES = frozenset({
    # people and the register
    "unknown_person", "ambiguous_person", "not_team", "bad_field", "bad_value", "too_long",
    "bad_date",
    "leave_before_hire", "no_changes", "missing_args", "duplicate_row", "missing_column",
    "name_mismatch",
    "bad_file",
    # a contact cell of the register file (the same refusals as /setcontact)
    "bad_phone", "bad_email",
    # trainings
    "training_missing", "bad_kind", "unknown_attendees", "training_not_found",
    "future_date", "empty_text",
    # policies and files
    "unknown_policy", "too_large", "empty_file",
    # incidents
    "ticket_not_found", "bad_stage", "bad_incident_kind", "incident_not_found",
    "incident_removed", "needs_person",
    # periods
    "bad_period", "period_future",
})


class ComplianceError(ValueError):
    """A compliance operation refused; nothing was changed."""

    def __init__(self, code: str, **fields: Any) -> None:
        if code not in CODES:
            raise ValueError(f"unknown compliance error code {code!r}")
        self.code = code
        self.fields = fields
        super().__init__(code, fields)


@dataclass(frozen=True)
class RowProblem:
    """One problem in one row of an imported register file (row 1 is the header); a problem
    with one cell also names its column (letter, as the spreadsheet shows it, and header)."""

    row: int
    code: str
    fields: dict[str, Any] = field(default_factory=dict)
    column: str = ""
    header: str = ""


class RegisterImportError(ValueError):
    """A register file refused as a whole; every problem is listed."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")
