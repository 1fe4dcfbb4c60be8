"""Who an alert goes to at each level, and the leaders' sections that decide part of it.

The policy names recipient kinds (section leaders, main leaders, the duty officer, groups);
this turns them into chats. Lookups that depend on optional features (the roster) are
guarded: an alert must still reach someone when they fail.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import select

from bot.services.alerts.common import Recipient
from bot.services.alerts.core import AlertCore
from bot.services.staff import audit
from bot.services.staff.directory import Member, StaffError
from bot.texts import alerts as texts
from models.alert import Alert
from models.db import session_scope
from models.staff import Role, Staff
from models.ticket import Ticket

log = logging.getLogger(__name__)


class RecipientsMixin(AlertCore):
    def _resolve(self, a: Alert, t: Ticket, level: int) -> list[Recipient]:
        found: dict[int, Recipient] = {}
        for kind in self.policy.recipients(level, a.urgency):
            for r in self._recipients_of(kind, a, t):
                found.setdefault(r.chat_id, r)
        # people first: the groups' 20-a-minute budget must never hold up a leader
        return sorted(found.values(), key=lambda r: r.group)

    def _recipients_of(self, kind: str, a: Alert, t: Ticket) -> list[Recipient]:
        if kind == "duty_group":
            return [Recipient(self.duty_group_id, "值班群", True)] if self.duty_group_id else []
        if kind == "leader_group":
            return [Recipient(self.leader_group_id, "领导群", True)] \
                if self.leader_group_id else []
        members: list[Member]
        leaders = self.staff.active(Role.leader)
        if kind == "section_leaders":
            section = self.section_of(t.unit)
            members = [m for m in leaders if section and m.section == section] or leaders
        elif kind == "main_leaders":
            listed = [self.staff.get(i) for i in self.policy.main_leaders]
            members = [m for m in listed if m is not None] \
                or [m for m in leaders if not m.section] or leaders
        elif kind == "all_leaders":
            members = leaders
        elif kind == "managers":
            members = self._managers()
        else:  # duty_officer
            ids = self.duty_officer_ids(t, self.clock.now())
            members = [m for i in ids if i != a.raised_by and (m := self.staff.get(i))]
        return [Recipient(m.telegram_id, m.name) for m in members]

    def duty_officer_ids(self, t: Ticket, at: datetime) -> list[int]:
        """Who is on duty at `at` (the roster), or the ticket's handler when nobody is."""
        ids: list[int] = []
        try:
            if self.roster is not None:
                ids = [m.telegram_id for m in self.roster.on_duty(at)]
        except Exception:  # the roster must never stop an alert
            log.exception("duty officer lookup failed")
        if not ids and t.handler_id:
            ids = [t.handler_id]
        return list(dict.fromkeys(ids))

    # ------------------------------------------------------------------ sections
    def section_of(self, unit: str) -> str:
        u = self.reference.current.unit(unit)
        return u.section if u is not None else ""

    def sections(self) -> list[str]:
        return [u.name for u in self.reference.current.units if u.kind == "科室"]

    def set_section(self, *, actor_id: int, telegram_id: int, text: str,
                    chat_id: int | None = None) -> tuple[Member, str | None]:
        """Set (or clear with 无/-) the commission section a staff member (a leader) heads."""
        section: str | None = None
        if text.strip() not in ("无", "-", "none", "清除"):
            match = self.reference.current.match_unit(text)
            options = self.sections()
            if not match.ok or match.value not in options:
                raise StaffError(texts.SECTION_UNKNOWN.format(text=text,
                                                              options="、".join(options)))
            section = match.value
        with session_scope(self.engine) as s:
            row = s.exec(select(Staff).where(Staff.telegram_id == telegram_id)).first()
            if row is None:
                raise StaffError(f"没有找到 TG号 {telegram_id} 的人员，请先用 /adduser 登记。")
            row.section, row.updated_at = section, self.clock.now()
            s.add(row)
            audit.record(session=s, clock=self.clock, actor_id=actor_id, chat_id=chat_id,
                         action="staff.set_section", target=str(telegram_id),
                         detail=section or "")
        self.staff.reload()
        member = self.staff.get_any(telegram_id)
        assert member is not None
        return member, section
