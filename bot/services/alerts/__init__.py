"""Urgent alerts: raise one when a ticket is logged or re-marked 紧急/涉稳/重点, escalate it level
by level (bot/data/escalation.yaml: waits, repeats, time windows) until a leader presses 收到 or
the policy is exhausted (the managers are told nobody answered); once acknowledged, remind the
acknowledger and the duty officer if the ticket is still not dispatched after
ALERT_ACK_TIMEOUT_MINUTES; close it when the ticket moves on.

Crash safety: every step first enqueues its deliveries under deterministic outbox keys
(`alert:<id>:L<level>:r<repeat>:<chat>`), then records the step on the alert. A crash in
between repeats the step on the next tick and the keys make the repeat a no-op, so each
delivery happens once. Nothing here knows Telegram.

The code is split by responsibility: ``raising``, ``escalating`` (the periodic scan and
closing), ``acks`` (收到, 暂缓, failed deliveries), ``recipients`` (who gets each level, and
leaders' sections), ``queries`` (reads and summary counts), on a shared ``core`` and
``common`` vocabulary. :class:`AlertService` is assembled here and every public name is
re-exported, so importers keep using ``bot.services.alerts``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.alerts.acks import AckMixin
from bot.services.alerts.common import (
    CLOSING_STATUSES,
    EDIT,
    ENDED_TICKET,
    NOTICE,
    SEND,
    AckResult,
    AlertError,
    DutyOfficerSource,
    Recipient,
    RosterSource,
    UrgentResult,
    alert_buttons,
    ref_of,
)
from bot.services.alerts.queries import AlertStats, QueriesMixin, alerts_between
from bot.services.alerts.raising import RaisingMixin
from bot.services.escalation import EscalationPolicy

if TYPE_CHECKING:
    from bot.context import Services

__all__ = [
    "CLOSING_STATUSES",
    "EDIT",
    "ENDED_TICKET",
    "NOTICE",
    "SEND",
    "AckResult",
    "AlertError",
    "AlertService",
    "AlertStats",
    "DutyOfficerSource",
    "Recipient",
    "RosterSource",
    "UrgentResult",
    "alert_buttons",
    "alerts_between",
    "attach",
    "ref_of",
]


class AlertService(RaisingMixin, AckMixin, QueriesMixin):
    """Urgent alerts end to end; see the mixin modules for each part."""


def attach(svc: Services) -> None:
    """Build the alert service from the settings, hook it into tickets and the tick."""
    settings = svc.settings
    policy = EscalationPolicy.load(settings.escalation_policy_file,
                                   default_wait_minutes=settings.escalate_after_minutes)
    service = AlertService(
        engine=svc.engine, clock=svc.clock, policy=policy, staff=svc.staff,
        reference=svc.reference, tickets=svc.tickets, outbox=svc.outbox,
        duty_group_id=settings.duty_group_id, leader_group_id=settings.leader_group_id,
        ack_timeout_minutes=settings.alert_ack_timeout_minutes,
        snooze_minutes=settings.alert_snooze_minutes,
        roster=lambda: getattr(svc, "roster", None),  # the roster may attach after us
    )
    svc.alerts = service
    svc.tickets.urgent_hooks.append(service.raise_for_ticket)
    svc.periodic.append(service.scan)
