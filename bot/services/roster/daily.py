"""The clock-driven roster posts: the daily post, the shift handover, the gap report and
swap expiry.

:class:`DutyScheduler.scan` is the periodic producer: on every tick it compares ``now`` with
the configured times and enqueues through the outbox with a dedup key naming the date/shift
(``daily:2026-11-26``, ``handover:2026-11-26:夜班:<chat>``, ``gaps:2026-11-27:<chat>``), so
many ticks or a restart never double-post; a post missed while the bot was down is sent once
when it comes back within ``catch_up_minutes`` of its time. What the posts say is built in
:mod:`bot.services.roster.digest`.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.services.outbox.store import LOW, NORMAL, Outbox
from bot.services.roster.digest import build_daily, build_handover
from bot.services.roster.service import RosterService
from bot.services.roster.shifts import ShiftInstance
from bot.services.staff.directory import StaffDirectory
from bot.texts import daily as daily_texts
from bot.texts import swaps as swap_texts
from models.db import session_scope
from models.outbox import OutboxMessage
from models.staff import Role

log = logging.getLogger(__name__)


# ====================================================================== the scheduler


class DutyScheduler:
    """Periodic producer for the daily post, handovers, the gap report and swap expiry."""

    def __init__(self, *, engine: Engine, roster: RosterService, outbox: Outbox,
                 staff: StaffDirectory, duty_group_id: int | None, daily_at: time,
                 alerts: Any = None, reminders: Any = None) -> None:
        self.engine, self.roster, self.outbox, self.staff = engine, roster, outbox, staff
        self.duty_group_id = duty_group_id
        self.daily_at = daily_at
        self.alerts, self.reminders = alerts, reminders  # counts for the daily post
        self._done: set[str] = set()

    @property
    def catch_up(self) -> timedelta:
        return timedelta(minutes=self.roster.config.catch_up_minutes)

    def scan(self, now: datetime) -> int:
        """Enqueue whatever fell due; returns how many deliveries were added."""
        local = now.astimezone(self.roster.config.tz)
        added = 0
        for step in (self._daily, self._handovers, self._gaps, self._expire_swaps):
            try:
                added += step(local)
            except Exception:
                log.exception("duty scheduler step %s failed", step.__name__)
        return added

    # -- helpers ------------------------------------------------------------------------
    def _due(self, at: datetime, now: datetime) -> bool:
        return at <= now < at + self.catch_up

    def _exists(self, key: str) -> bool:
        if key in self._done:
            return True
        with session_scope(self.engine) as s:
            found = s.exec(select(OutboxMessage.id).where(
                OutboxMessage.dedup_key == key[:160])).first() is not None
        if found:
            self._done.add(key)
        return found

    def _send(self, key: str, **kwargs: Any) -> int:
        new_id = self.outbox.enqueue(key=key, **kwargs)
        self._done.add(key)
        return 1 if new_id is not None else 0

    # -- the daily post -----------------------------------------------------------------
    def _daily(self, now: datetime) -> int:
        day = now.date()
        at = datetime.combine(day, self.daily_at, tzinfo=now.tzinfo)
        key = f"daily:{day.isoformat()}"
        if self.duty_group_id is None or not self._due(at, now) or self._exists(key):
            return 0
        alerts, reminders = self.alerts, self.reminders
        text = build_daily(engine=self.engine, roster=self.roster, day=day, as_of=now,
                           masked=True, alerts=alerts, reminders=reminders)
        return self._send(key, kind="daily", ref=f"daily:{day.isoformat()}",
                          chat_id=self.duty_group_id, text=text, priority=NORMAL)

    # -- handovers ----------------------------------------------------------------------
    def _handovers(self, now: datetime) -> int:
        added = 0
        for inst in self.roster.config.covering(now):
            if not self._due(inst.start, now):
                continue
            added += self._handover(inst, now)
        return added

    def _handover(self, inst: ShiftInstance, now: datetime) -> int:
        base = f"handover:{inst.date.isoformat()}:{inst.name}"
        incoming = self.roster.slot(inst)
        prev = self.roster.config.previous_of(inst)
        outgoing = self.roster.slot(prev) if prev else None
        if incoming.empty and (outgoing is None or outgoing.empty):
            return 0  # no roster for these shifts: nothing to hand over to anyone
        targets: list[tuple[int, bool]] = []
        if self.duty_group_id is not None:
            targets.append((self.duty_group_id, True))
        targets += [(m.telegram_id, False) for m in incoming.members]
        todo = [(chat, masked) for chat, masked in targets
                if not self._exists(f"{base}:{chat}")]
        if not todo:
            return 0
        alerts = self.alerts
        texts_by_mask: dict[bool, str] = {}
        added = 0
        for chat, masked in todo:
            if masked not in texts_by_mask:
                texts_by_mask[masked] = build_handover(
                    engine=self.engine, roster=self.roster, incoming=inst, as_of=now,
                    masked=masked, alerts=alerts)
            added += self._send(f"{base}:{chat}", kind="handover", ref=base, chat_id=chat,
                                text=texts_by_mask[masked], priority=NORMAL)
        return added

    # -- gaps ---------------------------------------------------------------------------
    def _gaps(self, now: datetime) -> int:
        at = datetime.combine(now.date(), self.roster.config.gap_report_at, tzinfo=now.tzinfo)
        if not self._due(at, now):
            return 0
        tomorrow = now.date() + timedelta(days=1)
        managers = self.staff.active(Role.manager) or self.staff.active(Role.admin)
        keys = [(m.telegram_id, f"gaps:{tomorrow.isoformat()}:{m.telegram_id}")
                for m in managers]
        keys = [(chat, key) for chat, key in keys if not self._exists(key)]
        if not keys:
            return 0
        in_use = self.roster.has_any_roster(now.date() - timedelta(days=7),
                                            now.date() + timedelta(days=7))
        gaps = self.roster.gaps(tomorrow) if in_use else []
        if not gaps:
            self._done.update(key for _, key in keys)
            return 0
        text = daily_texts.render_gaps(tomorrow, gaps, self.roster.day_class(tomorrow), now=now)
        return sum(self._send(key, kind="roster_gap", ref=f"gaps:{tomorrow.isoformat()}",
                              chat_id=chat, text=text, priority=NORMAL) for chat, key in keys)

    # -- swap offers --------------------------------------------------------------------
    def _expire_swaps(self, now: datetime) -> int:
        added = 0
        for offer in self.roster.expire_due(now):
            if offer.group_outbox_id is not None and self.duty_group_id is not None:
                added += self._send(
                    f"swap:{offer.id}:expired", kind="swap", ref=f"swap:{offer.id}",
                    chat_id=self.duty_group_id, text=swap_texts.swap_expired(offer),
                    edit_of=offer.group_outbox_id, priority=LOW)
            added += self._send(f"swap:{offer.id}:expired:{offer.from_id}", kind="swap",
                                ref=f"swap:{offer.id}", chat_id=offer.from_id,
                                text=swap_texts.swap_expired_private(offer), priority=LOW)
        return added
