"""Who an alert goes to at each level.

The policy names recipient kinds (section leaders, main leaders, the duty officer, groups);
this turns them into chats. Lookups that depend on other features (the roster) are guarded:
an alert must still reach someone when they fail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.clock import Clock
from bot.failures import log_failure
from bot.services.alerts.common import OnDutySource, Recipient, may_ack
from bot.services.alerts.policy import EscalationPolicy, is_channel
from bot.services.staff.directory import Member, StaffDirectory
from models.alert import Alert
from models.staff import Role
from models.ticket import Ticket

log = logging.getLogger(__name__)


class RecipientResolver:
    def __init__(self, *, policy: EscalationPolicy, staff: StaffDirectory, clock: Clock,
                 section_of: Callable[[str], str], roster: OnDutySource | None = None,
                 duty_group_id: int | None = None,
                 leader_group_id: int | None = None) -> None:
        self.policy, self.staff, self.clock = policy, staff, clock
        self.section_of = section_of  # a unit's commission section ("" when none)
        # "Who is on duty now": the roster, else the ticket's handler.
        self.roster = roster
        self.duty_group_id, self.leader_group_id = duty_group_id, leader_group_id

    def resolve(self, a: Alert, t: Ticket, level: int) -> list[Recipient]:
        """The Telegram chats of one level, each once, people before groups."""
        found: dict[int, Recipient] = {}
        for kind in self.policy.recipients(level, a.urgency):
            if is_channel(kind):  # channels beyond Telegram: see channels.ChannelPlanner
                continue
            for r in self._of_kind(kind, a, t):
                found.setdefault(r.chat_id, r)
        # people first: the groups' 20-a-minute budget must never hold up a leader
        return sorted(found.values(), key=lambda r: bool(r.group))

    def people(self, a: Alert, t: Ticket, level: int) -> list[Member]:
        """The members whose phones and addresses a level's channels use, each once."""
        found: dict[int, Member] = {}
        for kind in self.policy.people_of(level, a.urgency):
            for m in self._members(kind, a, t):
                found.setdefault(m.telegram_id, m)
        return list(found.values())

    def managers(self) -> list[Member]:
        """Who is told when nobody answers or a copy is undeliverable (admins if no manager)."""
        return self.staff.active(Role.manager) or self.staff.active(Role.admin)

    def duty_officer_ids(self, t: Ticket, at: datetime) -> list[int]:
        """Who is on duty at `at` (the roster), or the ticket's handler when nobody is."""
        ids: list[int] = []
        try:
            if self.roster is not None:
                ids = [m.telegram_id for m in self.roster.on_duty(at)]
        except Exception as exc:  # the roster must never stop an alert
            log_failure(log, "duty officer lookup failed", exc)
        if not ids and t.handler_id:
            ids = [t.handler_id]
        return list(dict.fromkeys(ids))

    def _of_kind(self, kind: str, a: Alert, t: Ticket) -> list[Recipient]:
        if kind == "duty_group":  # a notice: 收到 is for the leaders
            return [Recipient(self.duty_group_id, "", "duty_group", can_ack=False)] \
                if self.duty_group_id else []
        if kind == "leader_group":
            return [Recipient(self.leader_group_id, "", "leader_group")] \
                if self.leader_group_id else []
        return [Recipient(m.telegram_id, m.name, can_ack=may_ack(m.role))
                for m in self._members(kind, a, t)]

    def _members(self, kind: str, a: Alert, t: Ticket) -> list[Member]:
        leaders = self.staff.active(Role.leader)
        if kind == "section_leaders":
            section = self.section_of(t.unit)
            return [m for m in leaders if section and m.section == section] or leaders
        if kind == "main_leaders":
            listed = [self.staff.get(i) for i in self.policy.main_leaders]
            return [m for m in listed if m is not None] \
                or [m for m in leaders if not m.section] or leaders
        if kind == "all_leaders":
            return leaders
        if kind == "managers":
            return self.managers()
        # duty_officer
        ids = self.duty_officer_ids(t, self.clock.now())
        return [m for i in ids if i != a.raised_by and (m := self.staff.get(i))]
