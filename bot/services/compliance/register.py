"""The staff register (人员台账): hire and leave dates, education, major, on-boarding training
and exam — what the contract's staffing rules are checked against.

A person is in the team on day D when hired on or before D and not left on or before D.
Leaders (the commission's own people) have no register entry. Every change is audited with
the field names only.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.clock import Clock
from bot.services.compliance import vocab
from bot.services.compliance.errors import ComplianceError
from bot.services.compliance.people import People, resolve
from bot.services.compliance.periods import parse_date
from bot.services.staff import audit
from bot.services.staff.directory import Member
from models.compliance import StaffRecord
from models.db import session_scope
from models.staff import Role

CLEAR = frozenset({"-", "—", "无", "空", "清除", "none"})
FIELDS = tuple(vocab.FIELD_LABELS)
_TEAM_ROLES = (Role.staff, Role.manager)


@dataclass(frozen=True)
class RecordView:
    """A person and their register entry (all fields None when they have none yet)."""

    member: Member
    hire_date: date | None = None
    leave_date: date | None = None
    leave_approved: bool = False
    education: str | None = None
    major: str | None = None
    medical: bool | None = None
    onboarding_date: date | None = None
    exam_passed: bool | None = None
    has_record: bool = False

    def in_team(self, on: date) -> bool:
        return (self.hire_date is not None and self.hire_date <= on
                and (self.leave_date is None or self.leave_date > on))

    @property
    def missing(self) -> list[str]:
        """Register fields the staffing rules need that are still empty."""
        need = ("hire_date", "education", "medical", "onboarding_date", "exam_passed")
        return [f for f in need if getattr(self, f) is None]

    def values(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in FIELDS}


def _view(member: Member, row: StaffRecord | None) -> RecordView:
    if row is None:
        return RecordView(member)
    return RecordView(member, row.hire_date, row.leave_date, row.leave_approved, row.education,
                      row.major, row.medical, row.onboarding_date, row.exam_passed, True)


def field_key(text: str) -> str:
    """The register field a manager means (`入职`, `学历`, `hire_date`…)."""
    t = unicodedata.normalize("NFKC", text).strip()
    if t in vocab.FIELD_LABELS:
        return t
    for key, label in vocab.FIELD_LABELS.items():
        if t == label:
            return key
    if t in vocab.FIELD_ALIASES:
        return vocab.FIELD_ALIASES[t]
    raise ComplianceError("bad_field", text=text)


def parse_value(field: str, text: str) -> Any:
    """A typed field value from text; raises bad_date / bad_value naming the choices."""
    t = unicodedata.normalize("NFKC", text).strip()
    if t.lower() in CLEAR or not t:
        return False if field == "leave_approved" else None
    if field in vocab.DATE_FIELDS:
        return parse_date(t)
    if field == "education":
        level = vocab.EDUCATION_ALIASES.get(t, t)
        if level not in vocab.EDUCATION:
            raise ComplianceError("bad_value", field=field, text=text,
                                  choices=list(vocab.EDUCATION))
        return level
    if field == "major":
        if len(t) > 64:
            raise ComplianceError("too_long", field=field, limit=64)
        return t
    words = (vocab.PASSED, vocab.FAILED) if field == "exam_passed" else (vocab.YES, vocab.NO)
    if t.lower() in words[0]:
        return True
    if t.lower() in words[1]:
        return False
    raise ComplianceError("bad_value", field=field, text=text,
                          choices=["通过", "未通过"] if field == "exam_passed" else ["是", "否"])


def parse_changes(args: list[str]) -> dict[str, Any]:
    """`入职=2026-01-05 学历=本科 …` → {field: value}; a word without `=` continues the
    previous value (a major with a space)."""
    pairs: list[list[str]] = []
    for word in args:
        w = unicodedata.normalize("NFKC", word)
        key, sep, value = w.partition("=")
        if not sep:
            key, sep, value = w.partition(":")
        if sep:
            pairs.append([key, value])
        elif pairs:
            pairs[-1][1] += " " + w
        else:
            raise ComplianceError("bad_field", text=word)
    changes: dict[str, Any] = {}
    for key, value in pairs:
        field = field_key(key)
        changes[field] = parse_value(field, value)
    return changes


class StaffRegister:
    def __init__(self, engine: Engine, clock: Clock, staff: People) -> None:
        self.engine, self.clock, self.staff = engine, clock, staff

    def person(self, text: str) -> Member:
        return resolve(self.staff, text)

    def get(self, telegram_id: int) -> RecordView:
        """A team member's entry (leaders have none: not_team)."""
        member = self.staff.get_any(telegram_id)
        if member is None:
            raise ComplianceError("unknown_person", who=str(telegram_id))
        if member.role == Role.leader:
            raise ComplianceError("not_team", name=member.name)
        with session_scope(self.engine) as s:
            return _view(member, self._row(s, telegram_id))

    def update(self, *, actor_id: int | None, telegram_id: int, changes: dict[str, Any],
               chat_id: int | None = None) -> RecordView:
        """Apply `changes` (typed values) to a person's entry, creating it if needed."""
        member = self.staff.get_any(telegram_id)
        if member is None:
            raise ComplianceError("unknown_person", who=str(telegram_id))
        if member.role == Role.leader:
            raise ComplianceError("not_team", name=member.name)
        with session_scope(self.engine) as s:
            row = self._row(s, telegram_id)
            before = _view(member, row)
            after = replace(before, **changes)
            changed = [f for f in FIELDS if getattr(after, f) != getattr(before, f)]
            if not changed:
                raise ComplianceError("no_changes", name=member.name)
            check(after)
            self._write(s, row, after, actor_id)
            audit.record(session=s, clock=self.clock, actor_id=actor_id, chat_id=chat_id,
                         action="compliance.staff", target=str(telegram_id),
                         detail=",".join(changed))
        return replace(after, has_record=True)

    def apply_many(self, s: Session, items: list[tuple[int, dict[str, Any]]], *,
                   actor_id: int | None) -> tuple[int, int]:
        """Write checked changes for many people inside the caller's transaction (the file
        import, which writes contacts in the same one). Returns (entries created, entries
        changed); unchanged people are skipped."""
        created = changed_n = 0
        for telegram_id, changes in items:
            member = self.staff.get_any(telegram_id)
            if member is None:
                raise ComplianceError("unknown_person", who=str(telegram_id))
            row = self._row(s, telegram_id)
            before = _view(member, row)
            after = replace(before, **changes)
            changed = [f for f in FIELDS if getattr(after, f) != getattr(before, f)]
            if not changed:
                continue
            check(after)
            self._write(s, row, after, actor_id)
            audit.record(session=s, clock=self.clock, actor_id=actor_id,
                         action="compliance.staff_import", target=str(telegram_id),
                         detail=",".join(changed))
            created, changed_n = created + (row is None), changed_n + (row is not None)
        return created, changed_n

    def _write(self, s: Session, row: StaffRecord | None, view: RecordView,
               actor_id: int | None) -> None:
        if row is None:
            row = StaffRecord(telegram_id=view.member.telegram_id, updated_at=self.clock.now())
        for f in FIELDS:
            setattr(row, f, getattr(view, f))
        row.updated_at, row.updated_by = self.clock.now(), actor_id
        s.add(row)

    @staticmethod
    def _row(s: Session, telegram_id: int) -> StaffRecord | None:
        return s.exec(select(StaffRecord).where(StaffRecord.telegram_id == telegram_id)).first()

    # ------------------------------------------------------------------ reads
    def records(self) -> list[RecordView]:
        """Everyone with an entry, plus active staff and managers without one (to fill in);
        admins only with an entry (an admin may be the technician running the bot)."""
        with session_scope(self.engine) as s:
            rows = {r.telegram_id: r for r in s.exec(select(StaffRecord)).all()}
        out = []
        for m in self.staff.all():
            if m.telegram_id in rows or (m.active and m.role in _TEAM_ROLES):
                out.append(_view(m, rows.get(m.telegram_id)))
        return sorted(out, key=lambda v: (v.leave_date is not None, v.hire_date or date.max,
                                          v.member.name))

    def team(self, on: date) -> list[RecordView]:
        return [v for v in self.records() if v.in_team(on)]

    def departures(self, first: date, last: date) -> list[RecordView]:
        """People whose leave date falls in [first, last], by date."""
        left = [v for v in self.records()
                if v.leave_date is not None and first <= v.leave_date <= last]
        return sorted(left, key=lambda v: (v.leave_date or date.max, v.member.name))

    def hires(self, first: date, last: date) -> list[RecordView]:
        return [v for v in self.records()
                if v.hire_date is not None and first <= v.hire_date <= last]

    def unregistered(self) -> list[Member]:
        """Active staff and managers (and admins with an entry) without a hire date."""
        return [v.member for v in self.records()
                if v.member.active and v.hire_date is None]


def check(view: RecordView) -> None:
    """Refuse an entry that cannot be true (leaving before being hired)."""
    if view.hire_date and view.leave_date and view.leave_date < view.hire_date:
        raise ComplianceError("leave_before_hire", hire=view.hire_date.isoformat(),
                              leave=view.leave_date.isoformat())
