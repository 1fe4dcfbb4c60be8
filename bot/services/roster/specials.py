"""Special periods (重大任务 etc., which change a day's class) and handover notes.

Both are small manager/duty-officer annotations on top of the roster rather than changes to
who is on a shift.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.clock import Clock
from bot.services.roster.errors import Refusal, RosterError
from bot.services.roster.shifts import ShiftConfig, ShiftInstance
from bot.services.staff import audit
from bot.services.staff.directory import StaffDirectory
from models.db import session_scope
from models.roster import HandoverNote, SpecialPeriod

MAX_SPECIAL_NAME = 64  # characters
MAX_SPECIAL_DAYS = 93
MAX_NOTE = 1000  # characters


class SpecialPeriods:
    """Declaring and removing special periods (the reads are in RosterQueries)."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine, self.clock = engine, clock

    def declare(self, *, start: date, end: date, name: str, actor_id: int,
                chat_id: int | None = None) -> SpecialPeriod:
        """A period the holiday team covers (重大任务/重要时段), at most 93 days."""
        name = " ".join(name.split())
        if not name:
            raise RosterError(Refusal.special_name_missing)
        if len(name) > MAX_SPECIAL_NAME:
            raise RosterError(Refusal.special_name_long, limit=MAX_SPECIAL_NAME)
        if end < start:
            raise RosterError(Refusal.special_backwards)
        if (end - start).days >= MAX_SPECIAL_DAYS:
            raise RosterError(Refusal.special_too_long, days=MAX_SPECIAL_DAYS)
        with session_scope(self.engine) as s:
            row = SpecialPeriod(start_date=start, end_date=end, name=name,
                                created_at=self.clock.now(), created_by=actor_id)
            s.add(row)
            s.flush()
            audit.record(session=s, clock=self.clock, actor_id=actor_id, chat_id=chat_id,
                         action="roster.special", target=str(row.id),
                         detail=f"{start}~{end} {name}"[:200])
            return row

    def remove(self, *, special_id: int, actor_id: int) -> SpecialPeriod:
        with session_scope(self.engine) as s:
            row = s.get(SpecialPeriod, special_id)
            if row is None:
                raise RosterError(Refusal.no_special, special_id=special_id)
            s.delete(row)
            audit.record(session=s, clock=self.clock, actor_id=actor_id, chat_id=None,
                         action="roster.special_del", target=str(special_id))
            return row



class HandoverNotes:
    """Notes a shift leaves for the next one; they go out with the handover."""

    def __init__(self, engine: Engine, staff: StaffDirectory, config: ShiftConfig) -> None:
        self.engine, self.staff, self.config = engine, staff, config

    def add(self, *, author_id: int, text: str, at: datetime) -> ShiftInstance:
        """Attach a note to the shift running at ``at``; it goes out with that shift's
        handover to the next one."""
        text = text.strip()
        if not text:
            raise RosterError(Refusal.note_missing)
        if len(text) > MAX_NOTE:
            raise RosterError(Refusal.note_too_long, limit=MAX_NOTE)
        inst = self.config.current(at)
        if inst is None:
            raise RosterError(Refusal.not_in_shift)
        with session_scope(self.engine) as s:
            s.add(HandoverNote(shift_date=inst.date, shift_name=inst.name, author_id=author_id,
                               note=text, created_at=at))
        return inst

    def of(self, inst: ShiftInstance) -> list[tuple[str, str]]:
        """(author name, note) left during ``inst``, oldest first."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(HandoverNote).where(
                HandoverNote.shift_date == inst.date, HandoverNote.shift_name == inst.name,
            ).order_by(col(HandoverNote.id))).all()
            pairs = [(r.author_id, r.note) for r in rows]
        out = []
        for aid, note in pairs:
            m = self.staff.get_any(aid)
            out.append((m.name if m else str(aid), note))
        return out
