"""Duty roster (排班): who is on which shift, special periods, swap offers, handover notes.

A shift is identified by its date (the day it starts) and its configured name (白班/夜班); the
times come from the shift configuration, so the roster never stores them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import AwareDateTime


class RosterEntry(SQLModel, table=True):
    """One person on one shift. ``role`` is free text, e.g. 带班 for the shift lead."""

    __table_args__ = (UniqueConstraint("shift_date", "shift_name", "staff_id",
                                       name="uq_roster_slot_staff"),)

    id: int | None = Field(default=None, primary_key=True)
    shift_date: date = Field(index=True)
    shift_name: str = Field(max_length=16)
    staff_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    role: str = Field(default="", max_length=16)
    source: str = Field(default="import", max_length=16)  # import / set / swap
    created_at: datetime = Field(sa_type=AwareDateTime)
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class SpecialPeriod(SQLModel, table=True):
    """A date range a manager declared 重大任务/重要时段: the holiday team is on."""

    id: int | None = Field(default=None, primary_key=True)
    start_date: date = Field(index=True)
    end_date: date = Field(index=True)
    name: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=AwareDateTime)
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class SwapOffer(SQLModel, table=True):
    """A staff member offers a shift; someone takes it (接班) and a manager approves (批准).

    status: open → taken → approved; open/taken → expired (or cancelled).
    """

    id: int | None = Field(default=None, primary_key=True)
    shift_date: date = Field(index=True)
    shift_name: str = Field(max_length=16)
    from_staff: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    taker_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    status: str = Field(default="open", max_length=12, index=True)
    expires_at: datetime = Field(sa_type=AwareDateTime, index=True)
    created_at: datetime = Field(sa_type=AwareDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    decided_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    group_outbox_id: int | None = Field(default=None)  # the offer's message in the duty group


class HandoverNote(SQLModel, table=True):
    """A note the outgoing shift leaves for the next one (/handover <note>)."""

    id: int | None = Field(default=None, primary_key=True)
    shift_date: date = Field(index=True)
    shift_name: str = Field(max_length=16)
    author_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    note: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_type=AwareDateTime)
