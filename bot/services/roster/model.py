"""Roster value types and the small parsers every roster module shares.

Kept apart from the collaborators (queries, changes, swaps, specials) so they can share them
without importing each other; the refusals are in :mod:`bot.services.roster.errors`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.services.roster.errors import Refusal, RosterError
from bot.services.roster.shifts import DayClass, ShiftInstance
from bot.services.roster.vocab import LEAD_ROLE, RELATIVE_DAYS, ROLE_ALIASES
from bot.services.staff.directory import Member


@dataclass(frozen=True)
class DutyMember:
    telegram_id: int
    name: str
    role: str  # "" or e.g. 带班
    shift_date: date
    shift_name: str

    @property
    def is_lead(self) -> bool:
        return self.role == LEAD_ROLE


@dataclass(frozen=True)
class Slot:
    """One shift instance with its team and the day's class."""

    instance: ShiftInstance
    members: tuple[DutyMember, ...]
    day: DayClass

    @property
    def lead(self) -> DutyMember | None:
        return next((m for m in self.members if m.is_lead), None)

    @property
    def empty(self) -> bool:
        return not self.members


@dataclass(frozen=True)
class RawRow:
    row: int
    date: str
    shift: str
    staff: str
    role: str


@dataclass(frozen=True)
class ImportResult:
    rows: int
    slots: int
    replaced: int  # entries that were in those slots before
    dates: tuple[date, date]
    # people the file puts on duty whom the duty gate flags (no passed on-boarding exam)
    flagged: tuple[Member, ...] = ()


@dataclass(frozen=True)
class NewEntry:
    d: date
    shift: str
    staff_id: int
    role: str
    row: int | None = None


@dataclass(frozen=True)
class SwapView:
    """A swap offer with the people's names, for texts."""

    id: int
    instance: ShiftInstance
    from_id: int
    from_name: str
    taker_id: int | None
    taker_name: str | None
    status: str
    expires_at: datetime
    group_outbox_id: int | None


def parse_date(text: str, today: date | None = None) -> date:
    """YYYY-MM-DD (also YYYY/MM/DD); 今天/明天/后天/昨天 relative to ``today``."""
    t = text.strip()
    if t in RELATIVE_DAYS and today is not None:
        return today + timedelta(days=RELATIVE_DAYS[t])
    t = t.replace("/", "-")
    parts = t.split("-")
    if len(parts) == 3 and all(p.isascii() and p.isdigit() for p in parts) and len(parts[0]) == 4:
        try:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            pass
    raise RosterError(Refusal.bad_date, text=text)


def normalize_role(role: str | None) -> str:
    r = (role or "").strip()
    return ROLE_ALIASES.get(r.lower(), r)


def split_role(spec: str) -> tuple[str, str]:
    """``张三:带班`` / ``张三（带班）`` / ``张三(带班)`` → (张三, 带班)."""
    t = spec.strip()
    for open_, close in (("（", "）"), ("(", ")")):
        if t.endswith(close) and open_ in t:
            name, _, role = t[:-1].partition(open_)
            return name.strip(), role.strip()
    for sep in (":", "："):
        if sep in t:
            name, _, role = t.partition(sep)
            return name.strip(), role.strip()
    return t, ""
