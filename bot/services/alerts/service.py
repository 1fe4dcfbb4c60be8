"""The alert service assembled from its parts, and how it is built from the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.alerts.acks import AckMixin
from bot.services.alerts.policy import EscalationPolicy
from bot.services.alerts.queries import QueriesMixin
from bot.services.alerts.raising import RaisingMixin

if TYPE_CHECKING:
    from bot.context import Services


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
