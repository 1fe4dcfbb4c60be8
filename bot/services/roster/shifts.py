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

import yaml

from bot.clock import SHANGHAI
from bot.configfiles.errors import ConfigFileError
from bot.services.calendar.work import DayInfo, WorkCalendar

PACKAGED_SHIFTS_FILE = Path(__file__).resolve().parents[2] / "data" / "shifts.yaml"

TEAM_DAILY, TEAM_WEEKEND, TEAM_HOLIDAY = "日常专班", "周末专班", "节假日专班"
DAY_KIND_ZH = {"workday": "工作日", "makeup_workday": "工作日（调休上班）",
               "weekend": "周末", "holiday": "法定节假日"}


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

    @property
    def hours(self) -> str:
        nxt = "次日" if self.crosses_midnight else ""
        return f"{self.start:%H:%M}–{nxt}{self.end:%H:%M}"


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


@dataclass(frozen=True)
class ShiftConfig:
    shifts: tuple[ShiftDef, ...]
    gap_report_at: time = time(16, 0)
    swap_offer_hours: int = 24
    catch_up_minutes: int = 60
    tz: tzinfo = SHANGHAI

    # -- loading ------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None, *,
             tz: tzinfo = SHANGHAI) -> ShiftConfig:
        file = Path(path) if path is not None else PACKAGED_SHIFTS_FILE
        where = str(file)
        try:
            raw = yaml.safe_load(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ShiftConfigError(f"{where}: 文件不存在 / file not found") from None
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ShiftConfigError(f"{where}: 无法读取 / unreadable: {exc}") from None
        if not isinstance(raw, dict):
            raise ShiftConfigError(f"{where}: 顶层应为映射 / top level must be a mapping")
        unknown = set(raw) - {"shifts", "gap_report_at", "swap_offer_hours", "catch_up_minutes"}
        if unknown:
            raise ShiftConfigError(f"{where}: 未知字段 / unknown keys {sorted(unknown)}")
        items = raw.get("shifts")
        if not isinstance(items, list) or not items:
            raise ShiftConfigError(f"{where}: shifts 应为非空列表 / shifts must be a list")
        shifts: list[ShiftDef] = []
        for i, item in enumerate(items):
            if not isinstance(item, dict) or set(item) != {"name", "start", "end"}:
                raise ShiftConfigError(
                    f"{where}: shifts 第 {i + 1} 项应有 name, start, end / shift #{i + 1} "
                    "needs exactly name, start, end")
            name = str(item["name"]).strip()
            if not name or len(name) > 16 or " " in name:
                raise ShiftConfigError(f"{where}: 班次名称无效 / bad shift name {name!r}")
            if any(s.name == name for s in shifts):
                raise ShiftConfigError(f"{where}: 班次 {name} 重复 / duplicate shift {name}")
            shifts.append(ShiftDef(name, _hhmm(item["start"], where), _hhmm(item["end"], where),
                                   i))
        cfg = cls(
            tuple(shifts),
            gap_report_at=_hhmm(raw.get("gap_report_at", "16:00"), where),
            swap_offer_hours=_positive(raw.get("swap_offer_hours", 24), "swap_offer_hours",
                                       where),
            catch_up_minutes=_positive(raw.get("catch_up_minutes", 60), "catch_up_minutes",
                                       where),
            tz=tz,
        )
        return cfg

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

    @property
    def label(self) -> str:
        parts = [self.kind + (f"（{self.holiday_name}）" if self.holiday_name
                              and self.kind == "法定节假日" else ""), self.team]
        if self.special:
            parts.append(self.special)
        text = " · ".join(parts)
        return text + ("（暂定）" if self.provisional else "")


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


def parse_hhmm(value: str) -> time:
    """``"08:30"`` → time(8, 30); ValueError otherwise."""
    hh, sep, mm = str(value).strip().partition(":")
    if not (sep and hh.isdigit() and mm.isdigit() and len(mm) == 2
            and 0 <= int(hh) < 24 and 0 <= int(mm) < 60):
        raise ValueError(f"not HH:MM: {value!r}")
    return time(int(hh), int(mm))


def _hhmm(value: object, where: str) -> time:
    if isinstance(value, int):  # YAML 1.1 reads 08:00 unquoted as a sexagesimal number
        value = f"{value // 60}:{value % 60:02d}"
    try:
        return parse_hhmm(str(value))
    except ValueError:
        raise ShiftConfigError(f"{where}: 时间应为 HH:MM / time must be HH:MM, "
                               f"got {value!r}") from None


def _positive(value: object, name: str, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ShiftConfigError(f"{where}: {name} 应为正整数 / must be a positive integer")
    return value
