"""The values the reminder service hands out (its refusal error, what a scan did, what an
evening sweep found) and the feature's vocabulary that is data, not wording.

They live apart from the collaborators so the wording module (``bot.texts.reminders``) and
the handlers can name them without pulling in the scan machinery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

#: The ticket-history action written by the `已处理` button (shown in the history as is).
DONE_EVENT = "提醒已处理"
#: Longest note the `已处理` button accepts.
DONE_NOTE_MAX = 500
#: Duty-role names (as the roster may spell them) that mean "shift lead".
LEAD_ROLES = ("lead", "shift_lead", "leader", "带班", "值班长", "组长", "shift lead")
#: The same, for roster members given as (id, role) tuples.
TUPLE_LEAD_ROLES = ("lead", "shift_lead", "带班", "值班长")

ReminderProblem = Literal["bad_kind", "no_ticket", "stage_done", "empty_note", "note_too_long"]


class ReminderError(ValueError):
    """A refused reminder action; ``bot.texts.reminders.reminder_error`` says it in words.

    ``code``: ``bad_kind`` (not a deadline kind), ``no_ticket``, ``stage_done`` (nothing left
    to remind of), ``empty_note``, ``note_too_long`` (``limit``).
    """

    def __init__(self, code: ReminderProblem, **fields: Any) -> None:
        super().__init__(code)
        self.code: ReminderProblem = code
        self.fields = fields


@dataclass
class ScanResult:
    planned: int = 0
    reminders: int = 0
    skipped: int = 0
    messages: int = 0
    snoozes: int = 0
    extra: list[str] = field(default_factory=list)  # digest / sweep / holiday notice keys


@dataclass(frozen=True)
class OvernightCounts:
    """What the 21:00 sweep of ``day`` found, for the next morning's summary."""

    day: date
    swept: bool  # the sweep ran that evening
    flagged: int  # signed but not dispatched at the sweep
    left: int  # of those, still not dispatched (nor closed/returned) at midnight
    platform_nos: tuple[str, ...] = ()
