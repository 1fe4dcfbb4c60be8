"""What the alert service tells people, as data (rendered by ``bot.texts.alerts``).

Each note is a snapshot: it carries everything its text needs (the ticket's number, unit,
content, the citizen's name and phone for masking, the names of the people involved and the
moment it was written), because the courier renders it later, possibly after a restart, for
the audience of the chat it goes to. Durations are kept as time spans, never as words.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.services.outbox.notes import ChannelNote, Note

Then = Literal["escalate", "repeat", "exhausted"]


class AlertSent(Note):
    """One copy of an alert level (the first one, an escalation or a repeat)."""

    kind = "alert.sent"

    alert_id: int
    urgency: str
    level: int  # 0-based
    level_name: str
    repeat: int
    # the ticket, as it was when this level went out
    platform_no: str
    status: str
    unit: str
    category_l1: str
    category_l2: str = ""
    content: str
    citizen_name: str = ""  # masked for groups
    phone: str = ""  # never shown in an alert
    sign_by: datetime | None = None
    complete_by: datetime | None = None
    # the alert
    raised_at: datetime
    raiser: str | None = None  # None: the raiser is not a known member
    note: str = ""
    waited: timedelta | None = None  # how long nobody acknowledged (escalations, repeats)
    next_wait: timedelta | None = None
    then: Then = "escalate"  # what follows `next_wait` without 收到
    now: datetime
    ackable: bool = True  # with the 收到/暂缓 buttons (not the duty group, not a staff copy)
    again: bool = False  # sent again to someone who asked (/start, /alerts): no countdown


class Acked(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    what: Literal["acked"] = "acked"
    name: str
    at: datetime
    took: timedelta


class Snoozed(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    what: Literal["snoozed"] = "snoozed"
    name: str
    until: datetime
    reason: str
    now: datetime


class Closed(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    what: Literal["closed"] = "closed"
    status: str  # the ticket status that ended the alert


Change = Annotated[Acked | Snoozed | Closed, Field(discriminator="what")]


class AlertEdited(Note):
    """A copy already sent (or on its way), edited so every recipient sees the same state:
    the original text followed by what changed."""

    kind = "alert.edited"

    alert_id: int
    original: AlertSent | None  # None: the copy predates notes; `legacy_text` is its text
    legacy_text: str = ""
    change: Change
    ackable: bool = True  # the copy had 收到/暂缓: a snooze keeps them, else none come back


class AlertAckedNotice(Note):
    """To whoever raised the alert: a leader pressed 收到."""

    kind = "alert.acked_notice"

    alert_id: int
    platform_no: str
    name: str
    at: datetime
    took: timedelta


class AlertUndelivered(Note):
    """To the managers: a copy could not be delivered to someone (blocked, gave up)."""

    kind = "alert.undelivered"

    alert_id: int
    platform_no: str
    chat_id: int
    name: str | None = None  # the member's name; None for a group or an unknown chat
    group: Literal["", "duty_group", "leader_group"] = ""


class AlertExhausted(Note):
    """To the managers: every level was sent and nobody pressed 收到."""

    kind = "alert.exhausted"

    alert_id: int
    platform_no: str
    minutes: int


class AlertAckTimeout(Note):
    """To the acknowledger and the duty officer: acknowledged, still not dispatched."""

    kind = "alert.ack_timeout"

    alert_id: int
    platform_no: str
    name: str
    acked_at: datetime
    status: str
    now: datetime


class AlertChannelSent(ChannelNote):
    """One alert level through a channel beyond Telegram (a robot, SMS, a call, e-mail):
    the level's snapshot, rendered masked for the channel's medium. An SMS goes as two
    parts (``part`` 1: the case, 2: the link), each within one SMS."""

    kind = "alert.channel"

    sent: AlertSent
    part: int = 0  # 0: the whole message; SMS: 1 or 2


class ChannelDown(Note):
    """To the managers: a channel keeps failing (once per run of failures); the escalation
    goes on through the other channels."""

    kind = "alert.channel_down"

    channel: str  # "wecom:leaders", "sms", …
    detail: str  # the last failure, e.g. "HTTP 502" (never a URL or secret)
    failures: int
    alert_id: int | None = None  # the alert whose message failed last
    platform_no: str = ""
