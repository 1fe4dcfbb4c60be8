"""The outbox: every message the bot sends on its own initiative is written here first.

Alerts, escalations, reminders and scheduled posts survive a crash or restart because they
exist as rows before anything is sent; `dedup_key` (unique) makes each intended delivery
happen once however often the producer runs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Text
from sqlmodel import Field, SQLModel

from models.base import AwareDateTime


class OutboxMessage(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    dedup_key: str = Field(max_length=160, unique=True)
    kind: str = Field(max_length=32, index=True)  # alert, escalation, reminder, daily, ...
    ref: str = Field(default="", max_length=64, index=True)  # e.g. "alert:12", "ticket:7"
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))  # 0 for channel rows
    # "" = Telegram (the courier in handlers/delivery.py); else an outside channel sent by
    # bot/channels/courier.py: "wecom:<robot>", "dingtalk:<robot>", "feishu:<robot>", "sms",
    # "voice" or "email"; `destination` is then the phone or address ("" for a robot)
    channel: str = Field(default="", max_length=48)
    destination: str = Field(default="", max_length=128)
    method: str = Field(default="send", max_length=8)  # send | edit
    edit_of: int | None = Field(default=None, foreign_key="outboxmessage.id")
    text: str = Field(default="", sa_column=Column(Text, nullable=False))  # legacy, pre-rendered
    note_kind: str = Field(default="", max_length=48)  # bot.services.outbox.notes.Note.kind
    payload: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON
    buttons: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON
    priority: int = Field(default=5)  # 0 = urgent … 9 = background
    # pending/sent/failed/cancelled; "sending" while the channel courier has a row in hand
    status: str = Field(default="pending", max_length=12)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(sa_type=AwareDateTime)
    created_at: datetime = Field(sa_type=AwareDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    last_error: str = Field(default="", max_length=256)


Index("ix_outbox_due", OutboxMessage.status, OutboxMessage.priority,  # type: ignore[arg-type]
      OutboxMessage.next_attempt_at)
