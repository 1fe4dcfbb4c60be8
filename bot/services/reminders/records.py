"""The values the reminder service hands out: its refusal error, what a scan did, what an
evening sweep found, and one line of a reminder message.

They live apart from the service so the wording module (``bot.texts.reminders``) and the
handlers can name them without pulling in the scan machinery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


class ReminderError(ValueError):
    """A refused reminder action; the message is Chinese and user-facing."""


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


@dataclass(frozen=True)
class ReminderLine:
    """One item of a reminder message (rendered by ``bot.texts.reminders``)."""

    ticket_id: int
    platform_no: str
    status: str
    urgency: str
    category: str
    unit: str
    kind: str  # base kind: sign/contact/feedback/complete
    lead: int
    due_at: datetime
    provisional: bool
    snoozed: bool
    handler_name: str
