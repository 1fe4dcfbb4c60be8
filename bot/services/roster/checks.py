"""The checks every change to the roster shares: who a typed name or id is, and whether
anyone would end up on two overlapping shifts.

Used by the file import, a manager's quick change and taking a swap, so the three paths
refuse the same things in the same words.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlmodel import Session, col, select

from bot.services.roster.errors import Overlap, Refusal, RosterError
from bot.services.roster.model import NewEntry
from bot.services.roster.shifts import ShiftConfig, ShiftInstance
from bot.services.staff.directory import Member, StaffDirectory
from models.roster import RosterEntry


class TeamChecks:
    """Resolve people and find overlapping shifts (reads only; the caller's session)."""

    def __init__(self, staff: StaffDirectory, config: ShiftConfig) -> None:
        self.staff, self.config = staff, config

    def resolve(self, text: str) -> Member:
        """A registered person from a Telegram id or a unique name."""
        t = text.strip()
        if t.isascii() and t.isdigit():
            m = self.staff.get(int(t)) if len(t) <= 15 else None  # no Telegram id is longer
            if m is None:
                raise RosterError(Refusal.unknown_staff_id, text=t)
            return m
        found = self.staff.find_by_name(t)
        if not found:
            raise RosterError(Refusal.unknown_staff, text=t)
        if len(found) > 1:
            raise RosterError(Refusal.ambiguous_staff, text=t,
                              ids=[m.telegram_id for m in found])
        return found[0]

    def name(self, staff_id: int) -> str:
        """The person's name, or the id of someone no longer registered."""
        m = self.staff.get_any(staff_id)
        return m.name if m is not None else str(staff_id)

    def overlaps(self, s: Session, entries: list[NewEntry], *,
                 replace_slots: bool) -> list[tuple[int | None, Overlap]]:
        """Anyone who would be on two overlapping shifts after the change, with the file row
        to blame (None: the roster already stored). ``replace_slots``: the (date, shift)
        pairs in ``entries`` lose their current team."""
        staff_ids = {e.staff_id for e in entries}
        first = min(e.d for e in entries) - timedelta(days=1)
        last = max(e.d for e in entries) + timedelta(days=1)
        replaced = {(e.d, e.shift) for e in entries} if replace_slots else set()
        existing = s.exec(select(RosterEntry).where(
            col(RosterEntry.staff_id).in_(sorted(staff_ids)), RosterEntry.shift_date >= first,
            RosterEntry.shift_date <= last)).all()
        per: dict[int, list[tuple[ShiftInstance, int | None]]] = defaultdict(list)
        for r in existing:
            if (r.shift_date, r.shift_name) in replaced or self.config.get(r.shift_name) is None:
                continue
            per[r.staff_id].append((self.config.instance(r.shift_date, r.shift_name), None))
        for e in entries:
            per[e.staff_id].append((self.config.instance(e.d, e.shift), e.row))
        errors: list[tuple[int | None, Overlap]] = []
        for sid, items in per.items():
            items.sort(key=lambda x: x[0].start)
            reach: tuple[ShiftInstance, int | None] | None = None  # the latest-ending so far
            for b, rb in items:
                if reach is not None and b.start < reach[0].end:
                    a, ra = reach
                    errors.append((rb if rb is not None else ra,
                                   Overlap(self.name(sid), b.date, b.name, a.date, a.name, ra)))
                if reach is None or b.end > reach[0].end:
                    reach = (b, rb)
        return errors
