"""Urgent alerts (紧急/涉稳/重点 tickets) and their history.

The escalation state lives here, not in memory: the periodic producer finds due alerts
through the index on `next_escalation_at`, so a restart picks up exactly where the last run
stopped. The deliveries themselves are outbox rows with `ref="alert:<id>"`.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from models.base import AwareDateTime


class AlertStatus(enum.StrEnum):
    open = "open"  # waiting for 收到; escalates while next_escalation_at is set
    # a leader acknowledged; stays until the ticket is dispatched or closed. next_escalation_at
    # is then the ack-timeout reminder (ticket still not dispatched), cleared once it is sent.
    acked = "acked"
    # the escalation policy was exhausted without 收到 (managers told); a late 收到 still counts
    expired = "expired"
    closed = "closed"  # the ticket was dispatched, closed or returned


LIVE_STATUSES = (AlertStatus.open.value, AlertStatus.acked.value)


class Alert(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    urgency: str = Field(max_length=8)
    ticket_status: str = Field(max_length=8)  # the ticket's status when the alert was raised
    note: str = Field(default="", max_length=256)
    status: str = Field(default=AlertStatus.open.value, max_length=8, index=True)
    level: int = Field(default=-1)  # last level delivered (-1: none yet)
    repeat: int = Field(default=0)  # reminders sent at that level
    raised_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    raised_at: datetime = Field(sa_type=AwareDateTime, index=True)
    next_escalation_at: datetime | None = Field(default=None, sa_type=AwareDateTime, index=True)
    acked_by: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))
    acked_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    snoozed_until: datetime | None = Field(default=None, sa_type=AwareDateTime)
    snooze_count: int = Field(default=0)
    closed_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    close_reason: str = Field(default="", max_length=32)
    undeliverable: str = Field(default="", max_length=512)  # ","-joined chat ids that failed


class AlertEvent(SQLModel, table=True):
    """One step of an alert: raised, level sent, acknowledged, snoozed, blocked, closed."""

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    at: datetime = Field(sa_type=AwareDateTime, index=True)
    actor_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # raise, level, ack, snooze, undelivered, exhausted, ack_timeout, close
    action: str = Field(max_length=16)
    level: int = Field(default=0)
    note: str = Field(default="", max_length=256)


class AlertLink(SQLModel, table=True):
    """A one-time deep link in a channel message: ``https://t.me/<bot>?start=ack_<token>``
    opens the alert in Telegram with its 收到 button. A link sent to one person (SMS, voice,
    e-mail) is theirs alone; a robot's link (a group chat elsewhere) is for any leader or
    manager. ``used_at``/``used_by``: the first time it was opened."""

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=32, unique=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    channel: str = Field(max_length=48)
    telegram_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = Field(sa_type=AwareDateTime)
    used_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    used_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
