"""The clock-driven roster posts: the daily post, the shift handover, the gap report and
swap expiry.

:class:`DutyScheduler.scan` is the periodic producer: on every tick it compares ``now`` with
the configured times and enqueues notes through the outbox with a dedup key naming the
date/shift (``daily:2026-11-26``, ``handover:2026-11-26:夜班:<chat>``,
``gaps:2026-11-27:<chat>``), so many ticks or a restart never double-post; a post missed
while the bot was down is sent once when it comes back within ``catch_up_minutes`` of its
time. What the posts say is gathered by :class:`~bot.services.roster.digest.DutyDigest`;
the courier renders each copy for its chat (masked in the group).
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.failures import log_failure
from bot.services.outbox.notes import Note
from bot.services.outbox.store import NORMAL, Outbox
from bot.services.roster.digest import DutyDigest
from bot.services.roster.errors import Refusal, RosterError
from bot.services.roster.model import parse_date
from bot.services.roster.notes import DailyPost, RosterGaps
from bot.services.roster.notices import managers
from bot.services.roster.service import RosterService
from bot.services.roster.shifts import ShiftInstance
from bot.services.staff.directory import StaffDirectory
from models.db import session_scope
from models.outbox import OutboxMessage

log = logging.getLogger(__name__)


class DutyScheduler:
    """Periodic producer for the daily post, handovers, the gap report and swap expiry."""

    def __init__(self, *, engine: Engine, roster: RosterService, digest: DutyDigest,
                 outbox: Outbox, staff: StaffDirectory, duty_group_id: int | None,
                 daily_at: time) -> None:
        self.engine, self.roster, self.digest = engine, roster, digest
        self.outbox, self.staff = outbox, staff
        self.duty_group_id = duty_group_id
        self.daily_at = daily_at
        self._done: set[str] = set()

    @property
    def catch_up(self) -> timedelta:
        return timedelta(minutes=self.roster.config.catch_up_minutes)

    def scan(self, now: datetime) -> int:
        """Enqueue whatever fell due; returns how many deliveries were added."""
        local = now.astimezone(self.roster.config.tz)
        added = 0
        for step in (self._daily, self._handovers, self._gaps, self.roster.swaps.expire):
            try:
                added += step(local)
            except Exception as exc:
                log_failure(log, f"duty scheduler step {step.__name__} failed", exc)
        return added

    def daily_on_demand(self, day_text: str | None, now: datetime) -> DailyPost:
        """/daily: today's post as of now, or a past day's as of its posting time."""
        tz = self.roster.config.tz
        local = now.astimezone(tz)
        day = parse_date(day_text, local.date()) if day_text else local.date()
        if day > local.date():
            raise RosterError(Refusal.daily_future)
        as_of = local if day == local.date() else datetime.combine(day, self.daily_at, tz)
        return self.digest.daily(day, as_of)

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

    def _send(self, key: str, *, kind: str, ref: str, chat_id: int, note: Note) -> int:
        new_id = self.outbox.enqueue(key=key, kind=kind, ref=ref, chat_id=chat_id, note=note,
                                     priority=NORMAL)
        self._done.add(key)
        return 1 if new_id is not None else 0

    # -- the daily post -----------------------------------------------------------------
    def _daily(self, now: datetime) -> int:
        day = now.date()
        at = datetime.combine(day, self.daily_at, tzinfo=now.tzinfo)
        key = f"daily:{day.isoformat()}"
        if self.duty_group_id is None or not self._due(at, now) or self._exists(key):
            return 0
        return self._send(key, kind="daily", ref=key, chat_id=self.duty_group_id,
                          note=self.digest.daily(day, now))

    # -- handovers ----------------------------------------------------------------------
    def _handovers(self, now: datetime) -> int:
        added = 0
        for inst in self.roster.config.covering(now):
            if not self._due(inst.start, now):
                continue
            added += self._handover(inst, now)
        return added

    def _handover(self, inst: ShiftInstance, now: datetime) -> int:
        """The handover to the group and to each incoming member (one note, rendered per
        chat), unless no roster covers these shifts."""
        base = f"handover:{inst.date.isoformat()}:{inst.name}"
        incoming = self.roster.slot(inst)
        prev = self.roster.config.previous_of(inst)
        outgoing = self.roster.slot(prev) if prev else None
        if incoming.empty and (outgoing is None or outgoing.empty):
            return 0  # no roster for these shifts: nothing to hand over to anyone
        targets = [self.duty_group_id] if self.duty_group_id is not None else []
        targets += [m.telegram_id for m in incoming.members]
        todo = [chat for chat in targets if not self._exists(f"{base}:{chat}")]
        if not todo:
            return 0
        note = self.digest.handover(inst, now)
        return sum(self._send(f"{base}:{chat}", kind="handover", ref=base, chat_id=chat,
                              note=note) for chat in todo)

    # -- gaps ---------------------------------------------------------------------------
    def _gaps(self, now: datetime) -> int:
        at = datetime.combine(now.date(), self.roster.config.gap_report_at, tzinfo=now.tzinfo)
        if not self._due(at, now):
            return 0
        tomorrow = now.date() + timedelta(days=1)
        keys = [(m.telegram_id, f"gaps:{tomorrow.isoformat()}:{m.telegram_id}")
                for m in managers(self.staff)]
        keys = [(chat, key) for chat, key in keys if not self._exists(key)]
        if not keys:
            return 0
        in_use = self.roster.queries.has_any_roster(now.date() - timedelta(days=7),
                                                    now.date() + timedelta(days=7))
        gaps = self.roster.gaps(tomorrow) if in_use else []
        if not gaps:
            self._done.update(key for _, key in keys)
            return 0
        note = RosterGaps(day=tomorrow, now=now, gaps=gaps,
                          day_class=self.roster.day_class(tomorrow))
        return sum(self._send(key, kind="roster_gap", ref=f"gaps:{tomorrow.isoformat()}",
                              chat_id=chat, note=note) for chat, key in keys)
