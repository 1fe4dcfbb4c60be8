"""Tickets (工单), their event history, and the reference data managers edit.

Citizens' personal data (name, phone, address, content) lives only in `Ticket`; events and
the audit log refer to tickets by id and platform number.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Text
from sqlmodel import Field, SQLModel

from models.base import AwareDateTime


class TicketBase(SQLModel):
    platform_no: str = Field(max_length=32, unique=True, index=True)
    received_at: datetime = Field(sa_type=AwareDateTime, index=True)
    citizen_name: str = Field(default="", max_length=64)
    phone: str = Field(default="", max_length=20, index=True)
    address: str = Field(default="", max_length=256)
    request_type: str = Field(max_length=8, index=True)
    category_l1: str = Field(max_length=32, index=True)
    category_l2: str = Field(default="", max_length=32)
    unit: str = Field(max_length=64, index=True)
    industry: str = Field(default="", max_length=32)
    urgency: str = Field(default="一般", max_length=8, index=True)
    complex_case: bool = Field(default=False)
    content: str = Field(sa_column=Column(Text, nullable=False))
    platform_deadline: datetime | None = Field(default=None, sa_type=AwareDateTime)


class Ticket(TicketBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="待签收", max_length=8, index=True)
    handler_id: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger))
    created_at: datetime = Field(sa_type=AwareDateTime, index=True)
    updated_at: datetime = Field(sa_type=AwareDateTime)
    # deadlines (computed at logging from the deadline policy; extensions move complete_by)
    sign_by: datetime | None = Field(default=None, sa_type=AwareDateTime, index=True)
    contact_by: datetime | None = Field(default=None, sa_type=AwareDateTime)
    first_feedback_by: datetime | None = Field(default=None, sa_type=AwareDateTime)
    complete_by: datetime | None = Field(default=None, sa_type=AwareDateTime, index=True)
    deadlines_provisional: bool = Field(default=False)
    policy_class: str = Field(default="", max_length=16)
    # next reminder step due (bot.services.reminders); NULL = plan at the next scan
    next_reminder_at: datetime | None = Field(default=None, sa_type=AwareDateTime, index=True)
    # milestones
    signed_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    contacted_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    dispatched_at: datetime | None = Field(default=None, sa_type=AwareDateTime, index=True)
    feedback_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    callback_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=AwareDateTime, index=True)
    # dispatch details ("、"-joined unit names) and outcome of the callback
    dispatched_units: str = Field(default="", max_length=512)
    copied_to: str = Field(default="", max_length=512)
    solved: bool | None = Field(default=None)
    satisfaction: str | None = Field(default=None, max_length=8)
    callback_reached: bool | None = Field(default=None)
    extension_count: int = Field(default=0)
    supervise_count: int = Field(default=0)
    # warnings computed at logging, kept for the reports
    repeat_count: int = Field(default=0)
    repeat_refs: str = Field(default="", max_length=512)
    similar_refs: str = Field(default="", max_length=512)


Index("ix_ticket_open_complete", Ticket.status, Ticket.complete_by)  # type: ignore[arg-type]


class TicketEvent(SQLModel, table=True):
    """One change to a ticket: who, when, which action, status before and after, a note.

    `note` is what the person wrote; `detail` (JSON, `bot.services.tickets.history`) what the
    change carried, such as the units of a dispatch or the deadline an extension moved.
    """

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    at: datetime = Field(sa_type=AwareDateTime, index=True)
    actor_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    action: str = Field(max_length=16, index=True)
    from_status: str | None = Field(default=None, max_length=8)
    to_status: str | None = Field(default=None, max_length=8)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ReferenceData(SQLModel, table=True):
    """The reference data (units, categories, industries…) as last imported, as YAML.

    Managers edit a file and import it; the newest row wins. Keeping the whole document keeps
    one validator (`bot.services.reference`) for the packaged defaults and for imports.
    """

    id: int | None = Field(default=None, primary_key=True)
    imported_at: datetime = Field(sa_type=AwareDateTime)
    imported_by: int | None = Field(default=None, sa_column=Column(BigInteger))
    body: str = Field(sa_column=Column(Text, nullable=False))
