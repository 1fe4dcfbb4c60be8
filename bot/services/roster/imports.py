"""Changing whole shifts: the all-or-nothing file import and a manager's quick ``set_slot``.

Both paths share the same checks (a known shift, a registered person, no overlapping shifts)
and the same writer, which replaces the team of every (date, shift) touched and leaves one
audit record. Both ask the duty gate last (the on-boarding gate, ``bot.services.compliance``):
it names the people to warn about, or raises to refuse the change before anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.clock import Clock
from bot.services.roster.checks import TeamChecks
from bot.services.roster.errors import Refusal, RosterError, RosterImportError, file_error
from bot.services.roster.files import read_table, rows_from_table
from bot.services.roster.model import (
    ImportResult,
    NewEntry,
    RawRow,
    Slot,
    normalize_role,
    parse_date,
    split_role,
)
from bot.services.roster.queries import RosterQueries
from bot.services.roster.shifts import ShiftConfig
from bot.services.roster.vocab import CLEAR_WORDS
from bot.services.staff import audit
from bot.services.staff.directory import Member
from models.db import session_scope
from models.roster import RosterEntry

MAX_IMPORT_ROWS = 5000
MAX_ROLE = 16  # characters

Problems = list[tuple[int | None, RosterError]]


class DutyGate(Protocol):
    """Who may not go on duty yet: returns the people to warn about, or raises (its own
    error) to refuse the whole change. `OnboardingGate` of the compliance feature is one."""

    def enforce(self, telegram_ids: Iterable[int]) -> list[Member]: ...


class TeamChanges:
    """Replacing shift teams, from a file or one slot at a time, with the same checks."""

    def __init__(self, engine: Engine, clock: Clock, config: ShiftConfig,
                 queries: RosterQueries, checks: TeamChecks, *,
                 gate: DutyGate | None = None) -> None:
        self.engine, self.clock, self.config = engine, clock, config
        self.queries, self.checks, self.gate = queries, checks, gate

    def _admit(self, entries: Sequence[NewEntry]) -> tuple[Member, ...]:
        """The gate's verdict on the people `entries` put on duty (raises to refuse)."""
        if self.gate is None:
            return ()
        return tuple(self.gate.enforce(e.staff_id for e in entries))

    # ================================================================== import
    def read_file(self, path: str | os.PathLike[str]) -> list[RawRow]:
        """Rows of a CSV or XLSX roster file; header errors raise RosterImportError."""
        p = Path(path)
        if not p.exists():
            raise file_error(Refusal.file_missing, path=str(p))
        return rows_from_table(read_table(p))

    def import_file(self, path: str | os.PathLike[str], *, actor_id: int | None,
                    dry_run: bool = False) -> ImportResult:
        return self.import_rows(self.read_file(path), actor_id=actor_id, dry_run=dry_run)

    def import_rows(self, rows: Sequence[RawRow], *, actor_id: int | None,
                    dry_run: bool = False) -> ImportResult:
        """Validate every row; refuse the whole file if any row is bad (listing every bad
        row); otherwise replace the team of every (date, shift) the file names."""
        if not rows:
            raise file_error(Refusal.no_rows)
        if len(rows) > MAX_IMPORT_ROWS:
            raise file_error(Refusal.too_many_rows, limit=MAX_IMPORT_ROWS)
        errors: Problems = []
        entries: list[NewEntry] = []
        seen: dict[tuple[date, str, int], int] = {}
        for r in rows:
            entry, problems = self._check_row(r, seen)
            errors += [(r.row, p) for p in problems]
            if entry is not None:
                entries.append(entry)
        if entries:
            with session_scope(self.engine) as s:
                errors += [(row, RosterError(Refusal.overlap, overlap=o))
                           for row, o in self.checks.overlaps(s, entries, replace_slots=True)]
        if errors:
            raise RosterImportError(sorted(errors, key=lambda e: (e[0] or 0)))
        flagged = self._admit(entries)
        slots = {(e.d, e.shift) for e in entries}
        dates = (min(e.d for e in entries), max(e.d for e in entries))
        if dry_run:
            return ImportResult(len(entries), len(slots), 0, dates, flagged)
        replaced = self._write(entries, slots, actor_id=actor_id, source="import")
        return ImportResult(len(entries), len(slots), replaced, dates, flagged)

    def _check_row(self, r: RawRow, seen: dict[tuple[date, str, int], int]
                   ) -> tuple[NewEntry | None, list[RosterError]]:
        """One row's entry, or every problem with it (``seen``: rows taken so far)."""
        problems: list[RosterError] = []
        d: date | None = None
        try:
            d = parse_date(r.date)
        except RosterError as exc:
            problems.append(exc)
        shift = self.config.get(r.shift) if r.shift else None
        if shift is None:
            problems.append(RosterError(Refusal.unknown_shift, name=r.shift,
                                        names=self.config.names) if r.shift
                            else RosterError(Refusal.missing_shift))
        member = None
        if not r.staff:
            problems.append(RosterError(Refusal.missing_staff))
        else:
            try:
                member = self.checks.resolve(r.staff)
            except RosterError as exc:
                problems.append(exc)
        role = normalize_role(r.role)
        if len(role) > MAX_ROLE:
            problems.append(RosterError(Refusal.role_too_long, limit=MAX_ROLE))
        if problems or d is None or shift is None or member is None:
            return None, problems
        key = (d, shift.name, member.telegram_id)
        if key in seen:
            return None, [RosterError(Refusal.duplicate_row, first_row=seen[key],
                                      name=member.name)]
        seen[key] = r.row
        return NewEntry(d, shift.name, member.telegram_id, role, r.row), []

    def _write(self, entries: list[NewEntry], slots: set[tuple[date, str]], *,
               actor_id: int | None, source: str, chat_id: int | None = None) -> int:
        """Replace the team of every slot in ``slots`` with ``entries`` in one transaction;
        returns how many old entries went."""
        now = self.clock.now()
        replaced = 0
        with session_scope(self.engine) as s:
            for d, name in slots:
                for old in s.exec(select(RosterEntry).where(
                        RosterEntry.shift_date == d, RosterEntry.shift_name == name)).all():
                    s.delete(old)
                    replaced += 1
            s.flush()
            for e in entries:
                s.add(RosterEntry(shift_date=e.d, shift_name=e.shift, staff_id=e.staff_id,
                                  role=e.role, source=source, created_at=now,
                                  created_by=actor_id))
            first = min(d for d, _ in slots)
            last = max(d for d, _ in slots)
            audit.record(session=s, clock=self.clock, actor_id=actor_id, chat_id=chat_id,
                         action=f"roster.{source}", target=f"{first}~{last}",
                         detail=f"{len(entries)} entries, {len(slots)} slots")
        return replaced

    # ================================================================== quick change
    def set_slot(self, *, d: date, shift_name: str, people: Sequence[str], actor_id: int,
                 chat_id: int | None = None) -> tuple[Slot, list[int], list[int]]:
        """Replace one shift's team. ``people``: names or TG ids, ``名字:带班`` for a role;
        an empty list (or 无) clears it. Returns (slot, added ids, removed ids). A refusing
        gate raises before the write; its warnings are the caller's to ask for."""
        shift = self.config.get(shift_name)
        if shift is None:
            raise RosterError(Refusal.unknown_shift, name=shift_name, names=self.config.names)
        specs = [p for p in people if p.strip() and p.strip() not in CLEAR_WORDS]
        entries: list[NewEntry] = []
        for spec in specs:
            name, role = split_role(spec)
            m = self.checks.resolve(name)
            if any(e.staff_id == m.telegram_id for e in entries):
                raise RosterError(Refusal.named_twice, name=m.name)
            entries.append(NewEntry(d, shift.name, m.telegram_id, normalize_role(role)))
        before = {m.telegram_id for m in self.queries.members(d, shift.name)}
        if entries:
            with session_scope(self.engine) as s:
                problems = self.checks.overlaps(s, entries, replace_slots=True)
            if problems:
                raise RosterError(Refusal.overlaps, overlaps=[o for _, o in problems])
        self._admit(entries)
        self._write(entries, {(d, shift.name)}, actor_id=actor_id, source="set", chat_id=chat_id)
        after = {e.staff_id for e in entries}
        return (self.queries.slot(self.config.instance(d, shift.name)), sorted(after - before),
                sorted(before - after))
