"""The state every part of the alert service shares, and the helpers more than one part needs.

The service is assembled from one mixin per responsibility (see the package ``__init__``);
they all derive from :class:`AlertCore` so each sees the same collaborators with real types.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.services.alerts.common import EDIT, SEND, OnDutySource, ref_of
from bot.services.alerts.policy import EscalationPolicy
from bot.services.outbox.store import URGENT, Buttons, Outbox
from bot.services.reference.store import ReferenceStore
from bot.services.staff.directory import Member, StaffDirectory
from models.staff import Role


class AlertCore:
    def __init__(self, *, engine: Engine, clock: Clock, policy: EscalationPolicy,
                 staff: StaffDirectory, reference: ReferenceStore, outbox: Outbox,
                 duty_group_id: int | None = None, leader_group_id: int | None = None,
                 ack_timeout_minutes: float = 60, snooze_minutes: float = 30,
                 roster: OnDutySource | None = None) -> None:
        self.engine, self.clock, self.policy = engine, clock, policy
        self.staff, self.reference, self.outbox = staff, reference, outbox
        self.duty_group_id, self.leader_group_id = duty_group_id, leader_group_id
        # the "second wait": acknowledged but the ticket still not dispatched after this
        self.ack_timeout = timedelta(minutes=ack_timeout_minutes)
        self.snooze_for = timedelta(minutes=snooze_minutes)
        # "Who is on duty now": the roster, else the ticket's handler.
        self.roster = roster

    def name_of(self, telegram_id: int | None) -> str:
        m = self.staff.get_any(telegram_id) if telegram_id else None
        return m.name if m else str(telegram_id)

    def _managers(self) -> list[Member]:
        return self.staff.active(Role.manager) or self.staff.active(Role.admin)

    def _edit_copies(self, alert_id: int, tag: str, suffix: str,
                     buttons: Buttons | None) -> int:
        """Edit every copy sent (or still on its way) so all recipients see the same state."""
        n = 0
        for row in self.outbox.deliveries(ref=ref_of(alert_id), kind=SEND):
            if row.method != "send" or row.status not in ("sent", "pending"):
                continue
            self.outbox.enqueue(key=f"alert:{alert_id}:{tag}:{row.id}", kind=EDIT,
                                ref=ref_of(alert_id), chat_id=row.chat_id,
                                text=row.text + suffix, buttons=buttons, priority=URGENT,
                                edit_of=row.id)
            n += 1
        return n
