"""What the reminder feature tells people, as notes the courier renders at send time.

Each note is a snapshot: everything its text needs (numbers, units, deadlines, names of staff,
the moment it describes) is copied in when it is queued, because it may be sent after a
restart. None of them carries a citizen's name, phone or content: a platform number, category
and unit are enough to find the ticket, so every audience — a private chat or the duty group —
may read the same words (``bot.texts.reminders`` renders them).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from bot.services.outbox.notes import Note


class ReminderItem(BaseModel):
    """One deadline in a reminder message."""

    model_config = ConfigDict(frozen=True)

    ticket_id: int
    platform_no: str
    status: str
    urgency: str
    category: str
    unit: str
    kind: str  # the deadline: sign / contact / feedback / complete
    lead: int  # minutes before the deadline; negative once overdue (see steps.Step)
    due_at: datetime
    provisional: bool
    snoozed: bool  # the "remind me in an hour" repeat
    handler_name: str


class RemindersDue(Note):
    """Everything one person is reminded of by one scan (one message, not a flood)."""

    kind: ClassVar[str] = "reminders.due"

    at: datetime  # the scan: "还剩 …" is counted from here
    items: list[ReminderItem]


class SweepItem(BaseModel):
    """A ticket signed but not dispatched at the evening sweep."""

    model_config = ConfigDict(frozen=True)

    platform_no: str
    status: str
    urgency: str
    category: str
    unit: str
    signed_at: datetime | None
    handler: str  # the handler's name, "" when none


class OvernightList(Note):
    """The 21:00 案件不过夜 list: ``items`` are the first of ``total`` tickets."""

    kind: ClassVar[str] = "reminders.overnight"

    at: datetime
    sweep_at: time
    total: int
    items: list[SweepItem]


class DigestItem(BaseModel):
    """One deadline in the morning digest."""

    model_config = ConfigDict(frozen=True)

    kind: str
    due_at: datetime
    platform_no: str
    urgency: str
    provisional: bool
    category: str
    unit: str


class DueToday(Note):
    """The duty group's morning list: the first lines of what is late and what falls due
    today (the totals say how many there are in all)."""

    kind: ClassVar[str] = "reminders.digest"

    at: datetime
    day: date
    overdue_total: int
    today_total: int
    overdue: list[DigestItem]
    today: list[DigestItem]


class HolidaysMissing(Note):
    """To the managers: the coming weeks fall in years without an official schedule."""

    kind: ClassVar[str] = "reminders.holidays"

    years: list[int]
    provisional: int  # open tickets whose deadlines are provisional
    store: str  # the HOLIDAYS_FILE the import writes to
