"""Read side of the roster: who is on which shift, now, next or over a range of days.

:class:`RosterQueries` is the base of :class:`bot.services.roster.RosterService`; it holds the
collaborators (engine, clock, staff, calendar, shift config) and the look-ups the change
mixins (import, swaps, special periods) build on, such as resolving a person and finding
overlapping shifts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.services.calendar.work import WorkCalendar
from bot.services.roster.errors import Overlap, Refusal, RosterError
from bot.services.roster.model import DutyMember, NewEntry, Slot
from bot.services.roster.shifts import DayClass, ShiftConfig, ShiftInstance, classify
from bot.services.staff.directory import Member, StaffDirectory
from models.db import session_scope
from models.roster import RosterEntry, SpecialPeriod


class RosterQueries:
    """Roster reads plus the shared collaborators; the base every roster mixin extends."""

    def __init__(self, engine: Engine, clock: Clock, staff: StaffDirectory,
                 calendar: WorkCalendar, config: ShiftConfig) -> None:
        self.engine, self.clock, self.staff = engine, clock, staff
        self.calendar, self.config = calendar, config

    # ================================================================== reads for everyone
    def on_duty(self, at: datetime) -> list[DutyMember]:
        """Everyone on a shift running at ``at``, shift lead(s) first."""
        out: list[DutyMember] = []
        for inst in self.config.covering(at):
            out += self.members(inst.date, inst.name)
        return sorted(out, key=lambda m: not m.is_lead)

    def shift_lead(self, at: datetime) -> DutyMember | None:
        return next((m for m in self.on_duty(at) if m.is_lead), None)

    def current_shift(self, at: datetime) -> Slot | None:
        inst = self.config.current(at)
        return self.slot(inst) if inst is not None else None

    def next_shift(self, at: datetime) -> Slot:
        return self.slot(self.config.next(at))

    def slot(self, inst: ShiftInstance) -> Slot:
        return Slot(inst, tuple(self.members(inst.date, inst.name)), self.day_class(inst.date))

    def members(self, d: date, shift_name: str) -> list[DutyMember]:
        with session_scope(self.engine) as s:
            rows = s.exec(select(RosterEntry).where(
                RosterEntry.shift_date == d, RosterEntry.shift_name == shift_name,
            ).order_by(col(RosterEntry.id))).all()
            return self._duty_members(rows)

    def slots(self, first: date, last: date) -> list[Slot]:
        """Every configured shift from ``first`` to ``last`` (inclusive), with its team."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(RosterEntry).where(
                RosterEntry.shift_date >= first, RosterEntry.shift_date <= last,
            ).order_by(col(RosterEntry.id))).all()
            people = self._duty_members(rows)
        by_slot: dict[tuple[date, str], list[DutyMember]] = defaultdict(list)
        for m in people:
            by_slot[(m.shift_date, m.shift_name)].append(m)
        specials = self.specials_between(first, last)
        out: list[Slot] = []
        d = first
        while d <= last:
            day = classify(self.calendar, d, _special_on(specials, d))
            for inst in self.config.instances_on(d):
                out.append(Slot(inst, tuple(by_slot.get((d, inst.name), ())), day))
            d += timedelta(days=1)
        return out

    def _duty_members(self, rows: Iterable[RosterEntry]) -> list[DutyMember]:
        out = []
        for r in rows:
            m = self.staff.get_any(r.staff_id)
            name = m.name if m is not None else str(r.staff_id)
            out.append(DutyMember(r.staff_id, name, r.role, r.shift_date, r.shift_name))
        return sorted(out, key=lambda m: not m.is_lead)

    def has_any_roster(self, first: date, last: date) -> bool:
        with session_scope(self.engine) as s:
            return s.exec(select(RosterEntry.id).where(
                RosterEntry.shift_date >= first, RosterEntry.shift_date <= last).limit(1)
            ).first() is not None

    def gaps(self, d: date) -> list[ShiftInstance]:
        """Shifts on date ``d`` with nobody on them."""
        return [sl.instance for sl in self.slots(d, d) if sl.empty]

    def upcoming_for(self, staff_id: int, now: datetime, *, days: int = 14) -> list[Slot]:
        """This person's shifts that have not started yet, soonest first."""
        today = now.astimezone(self.config.tz).date()
        with session_scope(self.engine) as s:
            rows = s.exec(select(RosterEntry).where(
                RosterEntry.staff_id == staff_id, RosterEntry.shift_date >= today,
                RosterEntry.shift_date <= today + timedelta(days=days))).all()
            keys = [(r.shift_date, r.shift_name) for r in rows]
        out = []
        for d, name in keys:
            if self.config.get(name) is None:
                continue
            inst = self.config.instance(d, name)
            if inst.start > now:
                out.append(self.slot(inst))
        return sorted(out, key=lambda sl: sl.instance.start)

    # ================================================================== day classes
    def day_class(self, d: date) -> DayClass:
        return classify(self.calendar, d, _special_on(self.specials_between(d, d), d))

    def specials_between(self, first: date, last: date) -> list[SpecialPeriod]:
        with session_scope(self.engine) as s:
            return list(s.exec(select(SpecialPeriod).where(
                SpecialPeriod.start_date <= last, SpecialPeriod.end_date >= first,
            ).order_by(col(SpecialPeriod.start_date))).all())

    # ================================================================== checks for changes
    def resolve_staff(self, text: str) -> Member:
        t = text.strip()
        if t.isdigit():
            m = self.staff.get(int(t))
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

    def _overlaps(self, s: Session, entries: list[NewEntry], *,
                  replace_slots: bool) -> list[tuple[int | None, Overlap]]:
        """Errors for anyone who would be on two overlapping shifts after the change."""
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
                                   Overlap(self._name(sid), b.date, b.name, a.date, a.name, ra)))
                if reach is None or b.end > reach[0].end:
                    reach = (b, rb)
        return errors

    def _name(self, staff_id: int) -> str:
        m = self.staff.get_any(staff_id)
        return m.name if m is not None else str(staff_id)


def _special_on(specials: Iterable[SpecialPeriod], d: date) -> str | None:
    names = [sp.name for sp in specials if sp.start_date <= d <= sp.end_date]
    return "；".join(names) if names else None
