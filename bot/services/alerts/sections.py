"""Leaders' commission sections (/setsection): a `section_leaders` level goes to the leaders
whose section the ticket's unit belongs to (the reference data says which)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.clock import Clock
from bot.services.alerts.errors import MemberNotFound, SectionUnknown
from bot.services.reference.store import ReferenceStore
from bot.services.staff import audit
from bot.services.staff.directory import Member, StaffDirectory
from models.db import session_scope
from models.staff import Staff

CLEAR_WORDS = ("无", "-", "none", "清除")  # what /setsection accepts to clear a section
SECTION_KIND = "科室"  # the reference data's kind of a commission section


class Sections:
    def __init__(self, *, engine: Engine, clock: Clock, staff: StaffDirectory,
                 reference: ReferenceStore) -> None:
        self.engine, self.clock, self.staff, self.reference = engine, clock, staff, reference

    def section_of(self, unit: str) -> str:
        u = self.reference.current.unit(unit)
        return u.section if u is not None else ""

    def sections(self) -> list[str]:
        return [u.name for u in self.reference.current.units if u.kind == SECTION_KIND]

    def set_section(self, *, actor_id: int, telegram_id: int, text: str,
                    chat_id: int | None = None) -> tuple[Member, str | None]:
        """Set (or clear with 无/-) the commission section a staff member (a leader) heads."""
        section: str | None = None
        if text.strip() not in CLEAR_WORDS:
            match = self.reference.current.match_unit(text)
            options = self.sections()
            if not match.ok or match.value not in options:
                raise SectionUnknown(text, options)
            section = match.value
        with session_scope(self.engine) as s:
            row = s.exec(select(Staff).where(Staff.telegram_id == telegram_id)).first()
            if row is None:
                raise MemberNotFound(telegram_id)
            row.section, row.updated_at = section, self.clock.now()
            s.add(row)
            audit.record(session=s, clock=self.clock, actor_id=actor_id, chat_id=chat_id,
                         action="staff.set_section", target=str(telegram_id),
                         detail=section or "")
        self.staff.reload()
        member = self.staff.get_any(telegram_id)
        assert member is not None
        return member, section
