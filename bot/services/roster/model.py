"""Roster value types, errors and the small text helpers every roster module shares.

Kept apart from :mod:`bot.services.roster` so the query, import, swap and special-period
modules can share them without importing the assembled service (which imports them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bot.services.roster.shifts import DayClass, ShiftInstance

LEAD_ROLE = "带班"
_ROLE_ALIASES = {"lead": LEAD_ROLE, "leader": LEAD_ROLE, "带班": LEAD_ROLE, "带班长": LEAD_ROLE,
                 "班长": LEAD_ROLE}


class RosterError(ValueError):
    """A refused roster operation; the message is Chinese and user-facing."""


class RosterImportError(RosterError):
    """The file was refused; ``errors`` lists every problem as (row number or None, text)."""

    def __init__(self, errors: list[tuple[int | None, str]]) -> None:
        self.errors = errors
        super().__init__("\n".join(_row_msg(r, m) for r, m in errors))


def _row_msg(row: int | None, msg: str) -> str:
    return f"第 {row} 行：{msg}" if row is not None else msg


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


@dataclass(frozen=True)
class NewEntry:
    d: date
    shift: str
    staff_id: int
    role: str
    row: int | None = None


@dataclass
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
    extra: dict[str, Any] = field(default_factory=dict)


def parse_date(text: str, today: date | None = None) -> date:
    """YYYY-MM-DD (also YYYY/MM/DD); 今天/明天/后天/昨天 relative to ``today``."""
    t = text.strip()
    rel = {"今天": 0, "明天": 1, "后天": 2, "昨天": -1, "前天": -2}
    if t in rel and today is not None:
        return today + timedelta(days=rel[t])
    t = t.replace("/", "-")
    parts = t.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        try:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            pass
    raise RosterError(f"日期“{text}”无效，应为 YYYY-MM-DD，例如 2026-11-26。")


def normalize_role(role: str | None) -> str:
    r = (role or "").strip()
    return _ROLE_ALIASES.get(r.lower(), r)


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
