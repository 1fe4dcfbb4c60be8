"""Notes the compliance reminders put in the outbox (rendered by bot/texts/compliance.py)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from bot.services.outbox.notes import Note


class TrainingBehindNote(Note):
    """The training year is behind its schedule (e.g. none by 1 July)."""

    kind: ClassVar[str] = "compliance.training_behind"
    year_first: date
    year_last: date
    by: date  # the milestone passed
    expected: int  # trainings expected by then
    held: int
    per_year: int
    amount: int  # deduction per missing training


class WorkReportDueNote(Note):
    """The month's work report to the commission has not been produced yet."""

    kind: ClassVar[str] = "compliance.workreport_due"
    month: str  # "2026-11"
    last_day: date  # the last day of the reminder window
