"""The duty roster: who is on which shift, and everything that changes it.

For other features: :meth:`RosterService.on_duty` (members on duty at a moment, with their
role, e.g. 带班), :meth:`shift_lead`, :meth:`current_shift`, :meth:`next_shift`. Alerts and
reminders call ``svc.roster.on_duty(now)`` to find "the duty officer now".

The service is a thin façade over small collaborators, each with what it needs and no more
(:func:`build_roster` wires them): ``queries`` (reads), ``changes`` (file import,
``set_slot``), ``swaps`` (the swap workflow), ``specials`` (special periods),
``handover_notes`` and the ``notifier`` that puts the roster's notes in the outbox. Nothing
here knows Telegram or says anything in words.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.services.calendar.work import WorkCalendar
from bot.services.outbox.store import Outbox
from bot.services.roster.checks import TeamChecks
from bot.services.roster.imports import DutyGate, TeamChanges
from bot.services.roster.model import DutyMember, ImportResult, Slot
from bot.services.roster.notices import RosterNotifier
from bot.services.roster.queries import RosterQueries
from bot.services.roster.shifts import DayClass, ShiftConfig, ShiftInstance
from bot.services.roster.specials import HandoverNotes, SpecialPeriods
from bot.services.roster.swaps import SwapDesk, SwapLedger
from bot.services.staff.directory import Member, StaffDirectory
from models.roster import SpecialPeriod


class RosterService:
    """The roster as the rest of the bot sees it (``svc.roster``); every method hands the
    work to one collaborator."""

    def __init__(self, *, config: ShiftConfig, queries: RosterQueries, checks: TeamChecks,
                 changes: TeamChanges, swaps: SwapDesk, specials: SpecialPeriods,
                 handover_notes: HandoverNotes, notifier: RosterNotifier) -> None:
        self.config, self.queries, self.checks, self.changes = config, queries, checks, changes
        self.swaps, self.specials, self.handover_notes = swaps, specials, handover_notes
        self.notifier = notifier

    # -- reads (RosterQueries) ------------------------------------------------------------
    def on_duty(self, at: datetime) -> list[DutyMember]:
        return self.queries.on_duty(at)

    def shift_lead(self, at: datetime) -> DutyMember | None:
        return self.queries.shift_lead(at)

    def current_shift(self, at: datetime) -> Slot | None:
        return self.queries.current_shift(at)

    def next_shift(self, at: datetime) -> Slot:
        return self.queries.next_shift(at)

    def slot(self, inst: ShiftInstance) -> Slot:
        return self.queries.slot(inst)

    def slots(self, first: date, last: date) -> list[Slot]:
        return self.queries.slots(first, last)

    def week(self, at: datetime, *, next_week: bool = False) -> tuple[date, list[Slot]]:
        return self.queries.week(at, next_week=next_week)

    def members(self, d: date, shift_name: str) -> list[DutyMember]:
        return self.queries.members(d, shift_name)

    def gaps(self, d: date) -> list[ShiftInstance]:
        return self.queries.gaps(d)

    def upcoming_for(self, staff_id: int, now: datetime) -> list[Slot]:
        return self.queries.upcoming_for(staff_id, now)

    def day_class(self, d: date) -> DayClass:
        return self.queries.day_class(d)

    def specials_between(self, first: date, last: date) -> list[SpecialPeriod]:
        return self.queries.specials_between(first, last)

    def resolve_staff(self, text: str) -> Member:
        return self.checks.resolve(text)

    # -- changing teams (TeamChanges) ------------------------------------------------------
    def import_file(self, path: str | os.PathLike[str], *, actor_id: int | None,
                    dry_run: bool = False) -> ImportResult:
        return self.changes.import_file(path, actor_id=actor_id, dry_run=dry_run)

    def set_slot(self, *, d: date, shift_name: str, people: Sequence[str], actor_id: int,
                 chat_id: int | None = None) -> tuple[Slot, list[int], list[int]]:
        return self.changes.set_slot(d=d, shift_name=shift_name, people=people,
                                     actor_id=actor_id, chat_id=chat_id)

    def reassign(self, *, d: date, shift_name: str, people: Sequence[str], actor_id: int,
                 chat_id: int | None = None) -> Slot:
        """:meth:`set_slot`, then tell the people added or removed (a manager's
        /roster_set)."""
        slot, added, removed = self.set_slot(d=d, shift_name=shift_name, people=people,
                                             actor_id=actor_id, chat_id=chat_id)
        self.notifier.slot_changed(slot, added, removed)
        return slot

    # -- annotations (SpecialPeriods, HandoverNotes) ---------------------------------------
    def declare_special(self, *, start: date, end: date, name: str, actor_id: int,
                        chat_id: int | None = None) -> SpecialPeriod:
        return self.specials.declare(start=start, end=end, name=name, actor_id=actor_id,
                                     chat_id=chat_id)

    def remove_special(self, *, special_id: int, actor_id: int) -> SpecialPeriod:
        return self.specials.remove(special_id=special_id, actor_id=actor_id)

    def add_note(self, *, author_id: int, text: str, at: datetime) -> ShiftInstance:
        return self.handover_notes.add(author_id=author_id, text=text, at=at)

    def notes(self, inst: ShiftInstance) -> list[tuple[str, str]]:
        return self.handover_notes.of(inst)


def build_roster(*, engine: Engine, clock: Clock, staff: StaffDirectory,
                 calendar: WorkCalendar, config: ShiftConfig, outbox: Outbox,
                 duty_group_id: int | None, gate: DutyGate | None = None) -> RosterService:
    """Wire the roster's collaborators (called by ``bot.app.build_services``); ``gate`` is
    asked before a file import or a /roster_set puts people on duty."""
    queries = RosterQueries(engine, staff, calendar, config)
    checks = TeamChecks(staff, config)
    notifier = RosterNotifier(outbox, staff, clock, duty_group_id)
    return RosterService(
        config=config, queries=queries, checks=checks,
        changes=TeamChanges(engine, clock, config, queries, checks, gate=gate),
        swaps=SwapDesk(SwapLedger(engine, clock, config, checks), notifier, config),
        specials=SpecialPeriods(engine, clock),
        handover_notes=HandoverNotes(engine, staff, config), notifier=notifier)
