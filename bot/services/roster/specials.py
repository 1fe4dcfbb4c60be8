"""Special periods (重大任务 etc., which change a day's class) and handover notes.

Both are small manager/duty-officer annotations on top of the roster rather than changes to
who is on a shift.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import col, select

from bot.services.roster.model import RosterError
from bot.services.roster.queries import RosterQueries
from bot.services.roster.shifts import ShiftInstance
from bot.services.staff import audit
from models.db import session_scope
from models.roster import HandoverNote, SpecialPeriod


class RosterSpecials(RosterQueries):
    """Special periods and handover notes: annotations on the roster, not team changes."""

    # ================================================================== special periods
    def declare_special(self, *, start: date, end: date, name: str, actor_id: int,
                        chat_id: int | None = None) -> SpecialPeriod:
        name = " ".join(name.split())
        if not name:
            raise RosterError("请填写名称，例如 重大任务：进博会保障。")
        if len(name) > 64:
            raise RosterError("名称太长（最多 64 个字）。")
        if end < start:
            raise RosterError("结束日期不能早于开始日期。")
        if (end - start).days > 92:
            raise RosterError("特殊时段最长 93 天。")
        with session_scope(self.engine) as s:
            row = SpecialPeriod(start_date=start, end_date=end, name=name,
                                created_at=self.clock.now(), created_by=actor_id)
            s.add(row)
            s.flush()
            audit.record(session=s, clock=self.clock, actor_id=actor_id, chat_id=chat_id,
                         action="roster.special", target=str(row.id),
                         detail=f"{start}~{end} {name}"[:200])
            return row

    def remove_special(self, *, special_id: int, actor_id: int) -> SpecialPeriod:
        with session_scope(self.engine) as s:
            row = s.get(SpecialPeriod, special_id)
            if row is None:
                raise RosterError(f"没有编号为 {special_id} 的特殊时段。")
            s.delete(row)
            audit.record(session=s, clock=self.clock, actor_id=actor_id, chat_id=None,
                         action="roster.special_del", target=str(special_id))
            return row

    # ================================================================== handover notes
    def add_note(self, *, author_id: int, text: str, at: datetime) -> ShiftInstance:
        """Attach a note to the shift running at ``at``; it goes out with that shift's
        handover to the next one."""
        text = text.strip()
        if not text:
            raise RosterError("请写交接事项，例如 /handover 朝阳医院的回复明早九点前要催。")
        if len(text) > 1000:
            raise RosterError("交接事项太长（最多 1000 字）。")
        inst = self.config.current(at)
        if inst is None:
            raise RosterError("当前不在任何班次内。")
        with session_scope(self.engine) as s:
            s.add(HandoverNote(shift_date=inst.date, shift_name=inst.name, author_id=author_id,
                               note=text, created_at=at))
        return inst

    def notes(self, inst: ShiftInstance) -> list[tuple[str, str]]:
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
