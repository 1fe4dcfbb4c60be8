"""Shift definitions (班次) and the shift instances they make on each day.

Configuration, not code: ``bot/data/shifts.yaml`` (or the file the ``SHIFTS_FILE`` setting
names) lists the shifts by name with start and end ``HH:MM``; a shift whose end is not after
its start ends the next day (夜班 20:00–08:00). A shift "on date D" starts on D.

Each date is classed from the working-day calendar: 工作日 (make-up working days 调休 count as
working days) → 日常专班, 周末 → 周末专班, 法定节假日 → 节假日专班; a special period (重大任务 /
重要时段) declared by a manager also puts the holiday team on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.configfiles.errors import ConfigFileError
from bot.configfiles.types import HHMM
from bot.configfiles.yaml_source import YamlSource
from bot.services.calendar.work import DayInfo, WorkCalendar
from bot.services.roster.vocab import DAY_KIND_ZH, TEAM_DAILY, TEAM_HOLIDAY, TEAM_WEEKEND

PACKAGED_SHIFTS_FILE = Path(__file__).resolve().parents[2] / "data" / "shifts.yaml"



class ShiftConfigError(ConfigFileError):
    """The shifts file is invalid; the message names the file and the problem."""


@dataclass(frozen=True)
class ShiftDef:
    name: str
    start: time
    end: time
    order: int

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start



@dataclass(frozen=True)
class ShiftInstance:
    """One shift on one date: 2026-11-26 夜班 = 11-26 20:00 → 11-27 08:00."""

    date: date
    shift: ShiftDef
    start: datetime
    end: datetime

    @property
    def name(self) -> str:
        return self.shift.name

    @property
    def key(self) -> str:
        return f"{self.date.isoformat()}:{self.shift.name}"

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end


class ShiftItem(BaseModel):
    """One entry of ``shifts:`` in the file: exactly a name, a start and an end."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    start: HHMM
    end: HHMM

    @model_validator(mode="before")
    @classmethod
    def _exact_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict) or set(data) != {"name", "start", "end"}:
            raise PydanticCustomError(
                "shift_keys", "每项应有 name, start, end / each shift needs exactly name, "
                "start, end")
        return data

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> str:
        name = str(value).strip()
        if not name or len(name) > 16 or " " in name:
            raise PydanticCustomError("shift_name", "班次名称无效 / bad shift name {name}",
                                      {"name": repr(name)})
        return name


def _positive(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise PydanticCustomError("positive", "应为正整数 / must be a positive integer")
    return value


class ShiftsFile(BaseModel):
    """``bot/data/shifts.yaml`` (or ``SHIFTS_FILE``), as written by an operator."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shifts: list[ShiftItem] = Field(default_factory=list, validate_default=True)
    gap_report_at: HHMM = time(16, 0)
    swap_offer_hours: Annotated[int, BeforeValidator(_positive)] = 24
    catch_up_minutes: Annotated[int, BeforeValidator(_positive)] = 60

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise PydanticCustomError("top", "顶层应为映射 / top level must be a mapping")
        unknown = sorted(set(data) - set(cls.model_fields))
        if unknown:
            raise PydanticCustomError("unknown", "未知字段 / unknown keys {keys}",
                                      {"keys": str(unknown)})
        return data

    @field_validator("shifts", mode="before")
    @classmethod
    def _non_empty(cls, value: Any) -> Any:
        if not isinstance(value, list) or not value:
            raise PydanticCustomError("shifts", "shifts 应为非空列表 / shifts must be a "
                                      "non-empty list")
        return value


@dataclass(frozen=True)
class ShiftConfig:
    shifts: tuple[ShiftDef, ...]
    tz: tzinfo
    gap_report_at: time = time(16, 0)
    swap_offer_hours: int = 24
    catch_up_minutes: int = 60

    # -- loading ------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None, *, tz: tzinfo) -> ShiftConfig:
        """Read and check the shifts file; the first problem raises ShiftConfigError with the
        file and line. Times are wall-clock times in ``tz`` (the TIMEZONE setting)."""
        src = YamlSource(path if path is not None else PACKAGED_SHIFTS_FILE, ShiftConfigError)
        raw = src.validate(ShiftsFile)
        seen: set[str] = set()
        for i, item in enumerate(raw.shifts):
            if item.name in seen:
                raise src.error(f"班次 {item.name} 重复 / duplicate shift {item.name}",
                                src.node_at(("shifts", i, "name")))
            seen.add(item.name)
        return cls(tuple(ShiftDef(s.name, s.start, s.end, i) for i, s in enumerate(raw.shifts)),
                   tz=tz, gap_report_at=raw.gap_report_at,
                   swap_offer_hours=raw.swap_offer_hours,
                   catch_up_minutes=raw.catch_up_minutes)

    # -- lookups ------------------------------------------------------------------------
    def get(self, name: str) -> ShiftDef | None:
        for s in self.shifts:
            if s.name == name.strip():
                return s
        return None

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.shifts]

    def instance(self, d: date, shift: ShiftDef | str) -> ShiftInstance:
        sd = shift if isinstance(shift, ShiftDef) else self.get(shift)
        if sd is None:
            raise KeyError(shift)
        start = datetime.combine(d, sd.start, tzinfo=self.tz)
        end_day = d + timedelta(days=1) if sd.crosses_midnight else d
        end = datetime.combine(end_day, sd.end, tzinfo=self.tz)
        return ShiftInstance(d, sd, start, end)

    def instances_on(self, d: date) -> list[ShiftInstance]:
        """The shifts starting on date ``d``, in configured order."""
        return [self.instance(d, s) for s in self.shifts]

    def instances_between(self, start: datetime, end: datetime) -> list[ShiftInstance]:
        """Every shift instance overlapping [start, end), ordered by start."""
        first = start.astimezone(self.tz).date() - timedelta(days=1)
        last = end.astimezone(self.tz).date()
        out: list[ShiftInstance] = []
        d = first
        while d <= last:
            out += [i for i in self.instances_on(d) if i.start < end and start < i.end]
            d += timedelta(days=1)
        return sorted(out, key=lambda i: (i.start, i.shift.order))

    def covering(self, at: datetime) -> list[ShiftInstance]:
        """Every shift instance running at ``at`` (normally one)."""
        local = at.astimezone(self.tz)
        d = local.date()
        out = [i for day in (d - timedelta(days=1), d) for i in self.instances_on(day)
               if i.contains(local)]
        return sorted(out, key=lambda i: (i.start, i.shift.order))

    def current(self, at: datetime) -> ShiftInstance | None:
        """The shift running at ``at``; with overlapping shifts, the one that started last."""
        running = self.covering(at)
        return running[-1] if running else None

    def next(self, at: datetime) -> ShiftInstance:
        """The first shift starting after ``at``."""
        local = at.astimezone(self.tz)
        d = local.date()
        for day in (d, d + timedelta(days=1), d + timedelta(days=2)):
            later = [i for i in self.instances_on(day) if i.start > local]
            if later:
                return min(later, key=lambda i: (i.start, i.shift.order))
        raise AssertionError("no shift within two days")  # pragma: no cover

    def previous_of(self, inst: ShiftInstance) -> ShiftInstance | None:
        """The shift handing over to ``inst``: the one ending when ``inst`` starts."""
        for day in (inst.date - timedelta(days=1), inst.date):
            for i in self.instances_on(day):
                if i.end == inst.start and i != inst:
                    return i
        return None


@dataclass(frozen=True)
class DayClass:
    """How a date is staffed: the day kind and the team on duty."""

    date: date
    kind: str  # 工作日 / 工作日（调休上班）/ 周末 / 法定节假日
    team: str  # 日常专班 / 周末专班 / 节假日专班
    holiday_name: str | None
    provisional: bool
    special: str | None = None  # e.g. "重大任务：进博会保障"


def classify(calendar: WorkCalendar, d: date, special: str | None = None) -> DayClass:
    info: DayInfo = calendar.day_info(d)
    if info.kind in ("workday", "makeup_workday"):
        team = TEAM_DAILY
    elif info.kind == "weekend":
        team = TEAM_WEEKEND
    else:
        team = TEAM_HOLIDAY
    if special:
        team = TEAM_HOLIDAY
    return DayClass(d, DAY_KIND_ZH[info.kind], team, info.holiday_name, info.provisional,
                    special)
