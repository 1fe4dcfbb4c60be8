"""The vocabulary shared by every part of the alert service: outbox kinds and keys, the
ticket statuses that end an alert, the refusal error and the small result records.

Kept in one place so the outbox keys (``alert:<id>:…``) and the ``alert:<id>`` ref that the
courier hook parses back cannot drift apart between modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.services.outbox.store import Buttons
from bot.services.tickets.workflow import Status
from bot.texts import alerts as texts
from models.alert import Alert
from models.ticket import Ticket

SEND, EDIT, NOTICE = "alert", "alert_edit", "alert_notice"  # outbox kinds
# The ticket has been handed on (or finished): the alert has done its job.
CLOSING_STATUSES = frozenset({Status.dispatched.value, Status.feedback.value,
                              Status.called_back.value, Status.closed.value,
                              Status.returned.value})
ENDED_TICKET = frozenset({Status.closed.value, Status.returned.value})


class OnDutyMember(Protocol):
    telegram_id: int


class OnDutySource(Protocol):
    """Who is on duty at a moment: the roster service in production."""

    def on_duty(self, at: datetime) -> Sequence[OnDutyMember]: ...


class AlertError(ValueError):
    """A refused alert operation; the message is Chinese HTML for the user."""


@dataclass(frozen=True)
class Recipient:
    chat_id: int
    name: str
    group: bool = False


@dataclass(frozen=True)
class UrgentResult:
    alert: Alert
    ticket: Ticket
    new: bool  # False: the ticket already had an unacknowledged alert
    recipients: list[Recipient]


@dataclass(frozen=True)
class AckResult:
    alert: Alert
    acknowledged: bool  # this press acknowledged it (False: already acknowledged or ended)


def ref_of(alert_id: int) -> str:
    return f"alert:{alert_id}"


def alert_buttons(alert_id: int) -> Buttons:
    return [[(texts.BTN_ACK, f"al1:ack:{alert_id}"), (texts.BTN_SNOOZE, f"al1:snz:{alert_id}")]]
