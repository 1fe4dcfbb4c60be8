"""Read side of the roster: who is on which shift, now, next or over a range of days, and
how each day is classed (working day, weekend, holiday, special period)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.services.calendar.work import WorkCalendar
from bot.services.roster.model import DutyMember, Slot
from bot.services.roster.shifts import DayClass, ShiftConfig, ShiftInstance, classify
from bot.services.staff.directory import StaffDirectory
from models.db import session_scope
from models.roster import RosterEntry, SpecialPeriod


class RosterQueries:
    """Who is on duty when; reads only."""

    def __init__(self, engine: Engine, staff: StaffDirectory, calendar: WorkCalendar,
                 config: ShiftConfig) -> None:
        self.engine, self.staff, self.calendar, self.config = engine, staff, calendar, config

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

    def week(self, at: datetime, *, next_week: bool = False) -> tuple[date, list[Slot]]:
        """The Monday and every slot of the week containing ``at`` (or of the next week)."""
        today = at.astimezone(self.config.tz).date()
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=int(next_week))
        return monday, self.slots(monday, monday + timedelta(days=6))

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


def _special_on(specials: Iterable[SpecialPeriod], d: date) -> str | None:
    names = [sp.name for sp in specials if sp.start_date <= d <= sp.end_date]
    return "；".join(names) if names else None
