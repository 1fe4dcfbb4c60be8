"""Reminder bookkeeping: the sent-reminder ledger, snoozes and the 21:00 overnight sweep.

Due times live on the ticket (`Ticket.next_reminder_at`, indexed, maintained by
`bot.services.reminders`); these tables make every reminder go out once, across restarts.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import AwareDateTime


class ReminderSent(SQLModel, table=True):
    """One reminder step of one deadline of one ticket, written before it is enqueued.

    ``lead`` is in minutes before ``due_at``: 1440 = 24 h before, 0 = at the deadline,
    negative = overdue (-1 - n*1440: the n-th daily overdue notice); for a snooze it is the
    snooze row id and ``kind`` ends in ``:snz``. ``due_at`` is the deadline value itself, so an
    extension (a new ``complete_by``) gets reminders of its own.
    """

    __table_args__ = (UniqueConstraint("ticket_id", "kind", "lead", "due_at",
                                       name="uq_remindersent_step"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    kind: str = Field(max_length=16)  # sign | contact | feedback | complete (+ ":snz")
    lead: int
    due_at: datetime = Field(sa_type=AwareDateTime)
    fire_at: datetime = Field(sa_type=AwareDateTime)
    status: str = Field(default="sent", max_length=12)  # sent | skipped
    recipients: str = Field(default="", max_length=256)  # comma-separated chat ids
    batch: str = Field(default="", max_length=40)  # one scan's coalesced messages
    enqueued: bool = Field(default=False, index=True)
    created_at: datetime = Field(sa_type=AwareDateTime)


class ReminderSnooze(SQLModel, table=True):
    """`1小时后提醒`: remind this chat about this deadline again at ``until``, once."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    kind: str = Field(max_length=16)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    until: datetime = Field(sa_type=AwareDateTime)
    created_at: datetime = Field(sa_type=AwareDateTime)
    fired: bool = Field(default=False)


Index("ix_remindersnooze_due", ReminderSnooze.fired, ReminderSnooze.until)  # type: ignore[arg-type]


class OvernightSweep(SQLModel, table=True):
    """The 21:00 案件不过夜 sweep of one evening (one row per date, even when nothing was left)."""

    id: int | None = Field(default=None, primary_key=True)
    sweep_date: date = Field(unique=True)
    ran_at: datetime = Field(sa_type=AwareDateTime)
    flagged: int = Field(default=0)
    recipients: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    enqueued: bool = Field(default=False)


class OvernightItem(SQLModel, table=True):
    """A ticket signed but not dispatched at the evening sweep."""

    __table_args__ = (UniqueConstraint("sweep_date", "ticket_id", name="uq_overnightitem"),)

    id: int | None = Field(default=None, primary_key=True)
    sweep_date: date = Field(index=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    status: str = Field(max_length=8)
