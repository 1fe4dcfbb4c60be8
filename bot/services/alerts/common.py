"""The vocabulary shared by every part of the alert service: outbox kinds and keys, the
ticket statuses that end an alert, the ticket-history words, and the small result records.

Kept in one place so the outbox keys (``alert:<id>:…``) and the ``alert:<id>`` ref that the
courier's failure listener parses back cannot drift apart between modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from bot.permissions import Perm, allowed
from bot.services.staff.directory import StaffDirectory
from bot.services.tickets.workflow import Status
from bot.services.timefmt import fmt_duration
from models.alert import Alert
from models.ticket import Ticket

SEND, EDIT, NOTICE = "alert", "alert_edit", "alert_notice"  # outbox kinds
CHANNEL = "alert_channel"  # a level's message through a channel beyond Telegram
# The ticket has been handed on (or finished): the alert has done its job.
CLOSING_STATUSES = frozenset({Status.dispatched.value, Status.feedback.value,
                              Status.called_back.value, Status.closed.value,
                              Status.returned.value})
ENDED_TICKET = frozenset({Status.closed.value, Status.returned.value})

# The ticket history stores words (bot/texts/tickets.py shows them as they are): the action a
# 收到 is recorded under, and its note.
HISTORY_ACK = "领导收到"
HISTORY_ACK_NOTE = "{urgency}提醒#{alert_id}，{took}"
HISTORY_TOOK, HISTORY_TOOK_QUICK = "{took}后确认", "1 分钟内确认"  # under a minute

GroupKind = Literal["", "duty_group", "leader_group"]


def history_ack_note(urgency: str, alert_id: int, took: timedelta) -> str:
    words = HISTORY_TOOK_QUICK if took < timedelta(minutes=1) \
        else HISTORY_TOOK.format(took=fmt_duration(took))
    return HISTORY_ACK_NOTE.format(urgency=urgency, alert_id=alert_id, took=words)


def may_ack(role: str | None) -> bool:
    """Who may press 收到/暂缓 on any alert: the roles with the ack permission (leaders,
    managers, admins). The handlers' role check reads the same table, so a copy offers the
    buttons exactly to the people whose press counts."""
    return allowed(role, Perm.ack)


class OnDutyMember(Protocol):
    telegram_id: int


class OnDutySource(Protocol):
    """Who is on duty at a moment: the roster service in production."""

    def on_duty(self, at: datetime) -> Sequence[OnDutyMember]: ...


@dataclass(frozen=True)
class Recipient:
    chat_id: int
    name: str  # a member's name ("" for a group: see `group`)
    group: GroupKind = ""  # which group chat this is, "" for a person
    # the copy carries 收到/暂缓 (and asks for them): a person who may ack, the leaders' group
    can_ack: bool = True


@dataclass(frozen=True)
class UrgentResult:
    alert: Alert
    ticket: Ticket
    new: bool  # False: the ticket already had an unacknowledged alert
    recipients: list[Recipient]
    escalates_after: timedelta | None = None  # None: the policy has a single level


@dataclass(frozen=True)
class AckResult:
    alert: Alert
    acknowledged: bool  # this press acknowledged it (False: already acknowledged or ended)
    acker: str = ""  # the name of whoever acknowledged it (this press or an earlier one)


def ref_of(alert_id: int) -> str:
    return f"alert:{alert_id}"


def name_of(staff: StaffDirectory, telegram_id: int | None) -> str:
    """A member's name, or the id itself when they are not (or no longer) on the staff."""
    m = staff.get_any(telegram_id) if telegram_id else None
    return m.name if m else str(telegram_id)
