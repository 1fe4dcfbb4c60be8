"""The state of each outside channel (a robot, the SMS or voice gateway, e-mail): its last
outcome for `python -m bot channels list`, and its current run of failures, so a channel that
keeps failing is reported to the managers once per run rather than once per message."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import AwareDateTime


class ChannelState(SQLModel, table=True):
    name: str = Field(primary_key=True, max_length=48)  # "wecom:leaders", "sms", …
    last_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    last_ok: bool = Field(default=False)
    last_detail: str = Field(default="", max_length=128)  # never a URL, key or address
    sent: int = Field(default=0)
    failed: int = Field(default=0)
    streak: int = Field(default=0)  # failures in a row since the last success
    failing_since: datetime | None = Field(default=None, sa_type=AwareDateTime)
    reported_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
