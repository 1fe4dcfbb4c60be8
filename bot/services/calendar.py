"""Working-day calendar for deadline counting (工作日历).

Where a day's status comes from, in order of precedence:

1. **Override file** (``source='override'``) — a dated entry in a holidays YAML file
   (``holiday`` or ``workday``), e.g. the State Council's schedule for a year the installed
   ``chinesecalendar`` package does not know yet. A year the file declares ``complete: true``
   is fully covered: days not listed are ordinary weekdays / weekends, not provisional.
2. **Package** (``source='package'``) — ``chinese_calendar`` (statutory holidays and make-up
   working days 调休). Version 1.11.0 knows 2004–2026 and raises ``NotImplementedError``
   otherwise.
3. **Fallback** (``source='fallback'``, ``provisional=True``) — for a year neither covers:
   Saturdays/Sundays off plus the fixed-date statutory holidays (《全国年节及纪念日放假办法》,
   as revised in 2024): 元旦 Jan 1, 劳动节 May 1–2, 国庆节 Oct 1–3. Lunar holidays (春节,
   清明, 端午, 中秋) and make-up working days cannot be known without the official schedule,
   so results are marked provisional and :meth:`WorkCalendar.uncovered_years` lets the bot
   remind staff to import the schedule (``python -m bot holidays import FILE``).

Counting working days (:meth:`WorkCalendar.add_workdays`), following 《民法典》第二百零一条
(the starting day is not counted) and 第二百零三条 (the period ends at 24:00 of its last day)::

    N working days after T = 23:59:59 (Asia/Shanghai) on the N-th working day strictly
    after T's calendar date.

So the time of day of T does not matter, and a ticket received on a Saturday or a holiday
simply starts counting on the next working day. ``n=0`` means "by the end of the first working
day on or after T's date". The file format is described in ``docs/deadlines.md`` and in the
packaged ``bot/data/holidays.yaml``.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

import chinese_calendar
import yaml

from bot.clock import SHANGHAI
from bot.services.configfile import ConfigFileError

__all__ = [
    "DEFAULT_HOLIDAYS_FILE",
    "PACKAGED_HOLIDAYS_FILE",
    "CalendarFileError",
    "DayInfo",
    "DayOverride",
    "ImportReport",
    "OverrideSet",
    "WorkCalendar",
    "WorkdaySpan",
    "YamlSource",
    "YearCoverage",
    "import_overrides",
    "load_override_set",
    "load_overrides",
]

#: Shipped defaults (empty unless an official schedule was certain at release time).
PACKAGED_HOLIDAYS_FILE = Path(__file__).resolve().parent.parent / "data" / "holidays.yaml"
#: Default of the ``HOLIDAYS_FILE`` setting: the writable store ``holidays import`` merges into,
#: relative to the bot's working directory.
DEFAULT_HOLIDAYS_FILE = Path("data/holidays.yaml")

DayKind = Literal["workday", "weekend", "holiday", "makeup_workday"]
DaySource = Literal["override", "package", "fallback"]
OverrideKind = Literal["holiday", "workday"]

#: End of a counted working day (deadlines are inclusive: overdue once now > deadline).
END_OF_DAY = time(23, 59, 59)

#: ``chinese_calendar`` holiday names → Chinese.
PACKAGE_HOLIDAY_NAMES: Mapping[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}

#: Fixed-date statutory holidays, usable for any year without an official schedule.
FALLBACK_FIXED_HOLIDAYS: Mapping[tuple[int, int], str] = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}

# A scan for the next working day never needs this many days; more means a broken file
# (e.g. a year of "holiday" entries).
_MAX_SCAN_DAYS = 120


class CalendarFileError(ConfigFileError):
    """A holidays file is unreadable or invalid. ``str()`` names the file and line."""

    prefix = ''


# --------------------------------------------------------------------------- YAML with lines


class YamlSource:
    """A YAML document kept as a node tree so every value can report its line number.

    Shared by the holidays file and the deadline policy loader. ``error_cls`` is raised for
    unreadable or syntactically invalid files.
    """

    def __init__(self, path: str | os.PathLike[str], error_cls: type[Exception]) -> None:
        self.path = Path(path)
        self._error_cls = error_cls
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise self.error(f"文件不存在 / file not found ({exc.strerror})") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise self.error(f"无法读取文件 / cannot read file: {exc}") from None
        self._loader = yaml.SafeLoader(text)
        self._key_nodes: dict[int, yaml.Node] = {}
        try:
            self.root: yaml.Node | None = self._loader.get_single_node()
        except yaml.YAMLError as exc:
            line = None
            mark = getattr(exc, "problem_mark", None)
            if mark is not None:
                line = mark.line + 1
            raise self.error(f"YAML 格式错误 / YAML syntax error: {exc}", line=line) from None
        finally:
            self._loader.dispose()

    def error(self, message: str, node: yaml.Node | None = None, *,
              line: int | None = None) -> Exception:
        if node is not None:
            line = self.line(node)
        return self._error_cls(message, path=self.path, line=line)

    @staticmethod
    def line(node: yaml.Node) -> int:
        return node.start_mark.line + 1

    def value(self, node: yaml.Node) -> Any:
        """The plain Python value of a node (YAML 1.1 safe types)."""
        try:
            return self._loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError) as exc:
            shown = f" {node.value!r}" if isinstance(node, yaml.ScalarNode) else ""
            raise self.error(f"无法解析的值 / invalid value{shown}: {exc}", node) from None

    @staticmethod
    def is_null(node: yaml.Node | None) -> bool:
        return node is None or (isinstance(node, yaml.ScalarNode)
                                and node.tag == "tag:yaml.org,2002:null")

    def key_of(self, value_node: yaml.Node) -> yaml.Node:
        """The key node a value came from (for "unknown key" errors); itself if unknown."""
        return self._key_nodes.get(id(value_node), value_node)

    def mapping(self, node: yaml.Node | None, what: str) -> list[tuple[str, yaml.Node]]:
        """(key, value-node) pairs of a mapping node; duplicate or non-string keys are errors."""
        if not isinstance(node, yaml.MappingNode):
            raise self.error(f"{what} 应为映射 / {what} must be a mapping", node)
        seen: dict[str, int] = {}
        pairs: list[tuple[str, yaml.Node]] = []
        for key_node, value_node in node.value:
            key = self.value(key_node)
            if not isinstance(key, str | int) or isinstance(key, bool):
                raise self.error(f"{what} 中的键无效 / invalid key in {what}: {key!r}", key_node)
            key = str(key)
            if key in seen:
                raise self.error(
                    f"键 {key!r} 重复（首次出现在第 {seen[key]} 行）/ duplicate key {key!r} "
                    f"(first on line {seen[key]})", key_node)
            seen[key] = self.line(key_node)
            self._key_nodes[id(value_node)] = key_node
            pairs.append((key, value_node))
        return pairs

    def sequence(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.error(f"{what} 应为列表 / {what} must be a list", node)
        return list(node.value)


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class DayOverride:
    """One dated entry of a holidays file."""

    date: date
    kind: OverrideKind
    name: str | None = None
    #: Where it was read from, for messages; not part of equality.
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class YearCoverage:
    """A year the override files declare (``years:`` section)."""

    year: int
    complete: bool
    source: str | None = None


@dataclass(frozen=True)
class OverrideSet:
    """Everything one holidays file says."""

    days: tuple[DayOverride, ...] = ()
    years: Mapping[int, YearCoverage] = field(default_factory=dict)

    @property
    def complete_years(self) -> frozenset[int]:
        return frozenset(y for y, c in self.years.items() if c.complete)

    def merged_with(self, later: OverrideSet) -> OverrideSet:
        """This set updated by ``later`` (later entries win per date and per year)."""
        days = {o.date: o for o in self.days}
        days.update({o.date: o for o in later.days})
        years = dict(self.years)
        years.update(later.years)
        return OverrideSet(tuple(sorted(days.values(), key=lambda o: o.date)), years)


@dataclass(frozen=True)
class DayInfo:
    date: date
    is_workday: bool
    kind: DayKind
    holiday_name: str | None
    provisional: bool
    source: DaySource


@dataclass(frozen=True)
class WorkdaySpan:
    """Result of counting working days: the deadline and whether any counted day was a guess."""

    end: datetime
    provisional: bool


# --------------------------------------------------------------------------- loading


_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_date(src: YamlSource, node: yaml.Node) -> date:
    text = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
    if _DATE_RE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    elif _DATE_RE.match(text):
        raise src.error(f"date 只能是日期，不能带时间 / date must not have a time: {text}", node)
    raise src.error(
        f"date 格式应为 YYYY-MM-DD 的有效日期 / date must be a valid YYYY-MM-DD, "
        f"got {text or src.value(node)!r}", node)


def _parse_year_key(src: YamlSource, key: str, node: yaml.Node) -> int:
    if not key.isdigit() or not 1900 <= int(key) <= 2200:
        raise src.error(f"年份无效 / invalid year: {key!r}", node)
    return int(key)


def _parse_years(src: YamlSource, node: yaml.Node) -> dict[int, YearCoverage]:
    years: dict[int, YearCoverage] = {}
    for key, value_node in src.mapping(node, "years"):
        year = _parse_year_key(src, key, value_node)
        complete = False
        source: str | None = None
        for field_name, fnode in src.mapping(value_node, f"years.{year}"):
            value = src.value(fnode)
            if field_name == "complete":
                if not isinstance(value, bool):
                    raise src.error(
                        f"years.{year}.complete 应为 true/false / must be true or false, "
                        f"got {value!r}", fnode)
                complete = value
            elif field_name == "source":
                if value is not None and not isinstance(value, str):
                    raise src.error(
                        f"years.{year}.source 应为文字 / must be text, got {value!r}", fnode)
                source = value or None
            else:
                raise src.error(
                    f"years.{year} 中有未知字段 {field_name!r}（可用：complete, source）/ "
                    f"unknown field {field_name!r} (allowed: complete, source)",
                    src.key_of(fnode))
        if complete and not source:
            raise src.error(
                f"years.{year}: 声明 complete: true 时须注明 source（发文字号）/ "
                "a complete year needs a source (the official notice)", value_node)
        years[year] = YearCoverage(year, complete, source)
    return years


def _parse_day(src: YamlSource, node: yaml.Node, index: int) -> DayOverride:
    what = f"days 第 {index + 1} 项 / days entry #{index + 1}"
    fields = dict(src.mapping(node, what))
    unknown = sorted(set(fields) - {"date", "kind", "name"})
    if unknown:
        raise src.error(
            f"{what}: 未知字段 {unknown}（可用：date, kind, name）/ unknown fields {unknown} "
            "(allowed: date, kind, name)", src.key_of(fields[unknown[0]]))
    for required in ("date", "kind"):
        if required not in fields:
            raise src.error(f"{what}: 缺少 {required} / missing {required}", node)
    day = _parse_date(src, fields["date"])
    kind = src.value(fields["kind"])
    if kind not in ("holiday", "workday"):
        raise src.error(
            f"{what}: kind 必须是 holiday 或 workday / kind must be 'holiday' or 'workday', "
            f"got {kind!r}", fields["kind"])
    name = src.value(fields["name"]) if "name" in fields else None
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise src.error(f"{what}: name 应为文字 / name must be text, got {name!r}",
                        fields["name"])
    if kind == "holiday" and not name:
        raise src.error(
            f"{what}: 假日须写 name（如 元旦）/ a holiday needs a name (e.g. 元旦)", node)
    return DayOverride(day, kind, name.strip() if name else None, line=src.line(node))


def load_override_set(path: str | os.PathLike[str]) -> OverrideSet:
    """Read and validate a holidays file.

    Accepted shapes: a mapping with optional ``years:`` and ``days:`` keys (the documented
    format), or — for convenience — a bare list of day entries. An empty file is an empty set.
    Raises :class:`CalendarFileError` naming the file and line.
    """
    src = YamlSource(path, CalendarFileError)
    root = src.root
    if root is None:
        return OverrideSet()
    years: dict[int, YearCoverage] = {}
    days_node: yaml.Node | None = None
    if isinstance(root, yaml.SequenceNode):
        days_node = root
    elif isinstance(root, yaml.MappingNode):
        for key, value_node in src.mapping(root, "文件顶层 / top level"):
            if key == "years":
                if not src.is_null(value_node):
                    years = _parse_years(src, value_node)
            elif key == "days":
                if not src.is_null(value_node):
                    days_node = value_node
            else:
                raise src.error(
                    f"顶层未知字段 {key!r}（可用：years, days）/ unknown top-level key {key!r} "
                    "(allowed: years, days)", src.key_of(value_node))
    elif src.is_null(root):
        return OverrideSet()
    else:
        raise src.error("文件顶层应为映射（years/days）/ top level must be a mapping", root)

    days: dict[date, DayOverride] = {}
    if days_node is not None:
        for i, node in enumerate(src.sequence(days_node, "days")):
            entry = _parse_day(src, node, i)
            if entry.date in days:
                raise src.error(
                    f"日期 {entry.date} 重复（首次出现在第 {days[entry.date].line} 行）/ "
                    f"duplicate date {entry.date} (first on line {days[entry.date].line})",
                    node)
            days[entry.date] = entry
    return OverrideSet(tuple(sorted(days.values(), key=lambda o: o.date)), years)


def load_overrides(path: str | os.PathLike[str]) -> list[DayOverride]:
    """The dated entries of a holidays file (see :func:`load_override_set`)."""
    return list(load_override_set(path).days)


# --------------------------------------------------------------------------- the calendar


def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.get_holiday_detail(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """Answers "is this a working day?" and counts working days. Pure, cached, thread-safe
    enough (the cache only ever gains identical values)."""

    def __init__(self, overrides: Iterable[DayOverride] = (), *,
                 complete_years: Iterable[int] = ()) -> None:
        self._overrides: dict[date, DayOverride] = {}
        for o in overrides:
            self._overrides[o.date] = o  # later entries win
        self._complete_years = frozenset(complete_years)
        self._cache: dict[date, DayInfo] = {}
        self._package_years: dict[int, bool] = {}

    # -- construction -------------------------------------------------------------------

    @classmethod
    def from_override_set(cls, overrides: OverrideSet) -> WorkCalendar:
        return cls(overrides.days, complete_years=overrides.complete_years)

    @classmethod
    def load(cls, holidays_file: str | os.PathLike[str] | None = None, *,
             include_packaged: bool = True) -> WorkCalendar:
        """The calendar the bot uses: packaged defaults, then the ``HOLIDAYS_FILE`` store
        (default ``data/holidays.yaml``; a missing store is fine — nothing imported yet).
        Invalid files raise :class:`CalendarFileError`."""
        merged = OverrideSet()
        if include_packaged:
            merged = merged.merged_with(load_override_set(PACKAGED_HOLIDAYS_FILE))
        store = Path(holidays_file) if holidays_file is not None else DEFAULT_HOLIDAYS_FILE
        if store.exists():
            merged = merged.merged_with(load_override_set(store))
        return cls.from_override_set(merged)

    # -- single days --------------------------------------------------------------------

    def _package_covers(self, year: int) -> bool:
        known = self._package_years.get(year)
        if known is None:
            known = self._package_years[year] = _package_knows(year)
        return known

    def day_info(self, d: date) -> DayInfo:
        if isinstance(d, datetime):
            raise TypeError("day_info() takes a date, not a datetime")
        info = self._cache.get(d)
        if info is None:
            info = self._cache[d] = self._compute(d)
        return info

    def _compute(self, d: date) -> DayInfo:
        weekend = d.weekday() >= 5
        override = self._overrides.get(d)
        if override is not None:
            if override.kind == "holiday":
                return DayInfo(d, False, "holiday", override.name, False, "override")
            kind: DayKind = "makeup_workday" if weekend else "workday"
            return DayInfo(d, True, kind, override.name, False, "override")
        if d.year in self._complete_years:
            return self._plain(d, provisional=False, source="override")
        if self._package_covers(d.year):
            is_holiday, name = chinese_calendar.get_holiday_detail(d)
            cn_name = PACKAGE_HOLIDAY_NAMES.get(name, name) if name else None
            if is_holiday:
                if cn_name is None:
                    return DayInfo(d, False, "weekend", None, False, "package")
                return DayInfo(d, False, "holiday", cn_name, False, "package")
            if weekend:
                return DayInfo(d, True, "makeup_workday", cn_name, False, "package")
            return DayInfo(d, True, "workday", None, False, "package")
        fixed = FALLBACK_FIXED_HOLIDAYS.get((d.month, d.day))
        if fixed is not None:
            return DayInfo(d, False, "holiday", fixed, True, "fallback")
        return self._plain(d, provisional=True, source="fallback")

    @staticmethod
    def _plain(d: date, *, provisional: bool, source: DaySource) -> DayInfo:
        if d.weekday() >= 5:
            return DayInfo(d, False, "weekend", None, provisional, source)
        return DayInfo(d, True, "workday", None, provisional, source)

    def is_workday(self, d: date) -> bool:
        return self.day_info(d).is_workday

    def next_workday(self, d: date, *, inclusive: bool = False) -> date:
        """The first working day strictly after ``d`` (or on/after it with ``inclusive``)."""
        return self._next_workday_info(d, inclusive=inclusive)[0].date

    def _next_workday_info(self, d: date, *, inclusive: bool) -> tuple[DayInfo, bool]:
        """(first working day, whether any day looked at was provisional)."""
        provisional = False
        day = d if inclusive else d + timedelta(days=1)
        for _ in range(_MAX_SCAN_DAYS):
            info = self.day_info(day)
            provisional = provisional or info.provisional
            if info.is_workday:
                return info, provisional
            day += timedelta(days=1)
        raise CalendarFileError(
            f"{d} 之后 {_MAX_SCAN_DAYS} 天内没有工作日，请检查节假日文件 / no working day within "
            f"{_MAX_SCAN_DAYS} days after {d}; check the holidays file")

    # -- counting -----------------------------------------------------------------------

    def count_workdays(self, start: datetime, n: int) -> WorkdaySpan:
        """:meth:`add_workdays` plus whether any day it looked at was provisional."""
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware (Asia/Shanghai)")
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        day = start.astimezone(SHANGHAI).date()
        info, provisional = self._next_workday_info(day, inclusive=n == 0)
        for _ in range(max(n - 1, 0)):
            info, more = self._next_workday_info(info.date, inclusive=False)
            provisional = provisional or more
        return WorkdaySpan(datetime.combine(info.date, END_OF_DAY, tzinfo=SHANGHAI), provisional)

    def add_workdays(self, start: datetime, n: int) -> datetime:
        """23:59:59 on the ``n``-th working day strictly after ``start``'s date (Shanghai).
        ``n=0``: end of the first working day on or after that date."""
        return self.count_workdays(start, n).end

    # -- ranges -------------------------------------------------------------------------

    def upcoming(self, start: date, days: int) -> list[DayInfo]:
        """``days`` consecutive days from ``start`` (inclusive), for ``/holidays``."""
        return [self.day_info(start + timedelta(days=i)) for i in range(max(days, 0))]

    def uncovered_years(self, from_date: date, to_date: date) -> list[int]:
        """Years in [from_date, to_date] that only the provisional fallback covers: neither the
        package knows them nor an override file declares them complete."""
        return [
            y for y in range(from_date.year, to_date.year + 1)
            if y not in self._complete_years and not self._package_covers(y)
        ]

    def iter_days(self, start: date, end: date) -> Iterator[DayInfo]:
        """Every day from ``start`` to ``end`` inclusive."""
        day = start
        while day <= end:
            yield self.day_info(day)
            day += timedelta(days=1)


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportReport:
    """What :func:`import_overrides` did, for the CLI to print."""

    store: Path
    years: tuple[int, ...]
    complete_years: tuple[int, ...]
    added: int
    replaced: int
    removed: int
    warnings: tuple[str, ...] = ()


_STORE_HEADER = """\
# 节假日覆盖文件 / holiday override store.
# Written by `python -m bot holidays import FILE`; safe to edit by hand (see docs/deadlines.md).
#   years: 声明某年已按国务院办公厅通知完整录入 (complete: true + source)。
#   days:  每条一个日期；kind: holiday（放假）或 workday（调休上班）。
"""


def _dump_set(overrides: OverrideSet) -> str:
    lines = [_STORE_HEADER.rstrip("\n")]
    if overrides.years:
        lines.append("years:")
        for year in sorted(overrides.years):
            cov = overrides.years[year]
            entry = {"complete": cov.complete}
            if cov.source:
                entry["source"] = cov.source
            body = yaml.safe_dump(entry, allow_unicode=True, default_flow_style=True,
                                  width=10_000).strip()
            lines.append(f"  {year}: {body}")
    else:
        lines.append("years: {}")
    if overrides.days:
        lines.append("days:")
        for o in overrides.days:
            entry: dict[str, Any] = {"date": o.date, "kind": o.kind}
            if o.name:
                entry["name"] = o.name
            body = yaml.safe_dump(entry, allow_unicode=True, default_flow_style=True,
                                  sort_keys=False, width=10_000).strip()
            lines.append(f"  - {body}")
    else:
        lines.append("days: []")
    return "\n".join(lines) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def import_overrides(source: str | os.PathLike[str],
                     store: str | os.PathLike[str] = DEFAULT_HOLIDAYS_FILE) -> ImportReport:
    """Merge a new official schedule file into the override store (``HOLIDAYS_FILE``).

    Both files are validated first (nothing is written on error). For every year the new file
    mentions — under ``years:`` or through a dated entry — the new file's entries replace the
    store's entries of that year (an official notice supersedes earlier guesses for the whole
    year); other years are kept. The store is written atomically.
    """
    new = load_override_set(source)
    store_path = Path(store)
    old = load_override_set(store_path) if store_path.exists() else OverrideSet()

    years = set(new.years) | {o.date.year for o in new.days}
    if not years:
        raise CalendarFileError("文件中没有任何年份或日期 / the file has no years or dates",
                                path=source)
    kept = [o for o in old.days if o.date.year not in years]
    old_in_years = {o.date: o for o in old.days if o.date.year in years}
    new_by_date = {o.date: o for o in new.days}
    replaced = sum(1 for d in new_by_date if d in old_in_years)
    added = len(new_by_date) - replaced
    removed = sum(1 for d in old_in_years if d not in new_by_date)

    merged_years = dict(old.years)
    merged_years.update(new.years)
    merged = OverrideSet(
        tuple(sorted([*kept, *new.days], key=lambda o: o.date)), merged_years)

    warnings: list[str] = []
    for year in sorted(years):
        cov = merged.years.get(year)
        holidays = [o for o in merged.days if o.date.year == year and o.kind == "holiday"]
        if cov is None or not cov.complete:
            warnings.append(
                f"{year} 年未声明 complete: true，未列出的日期仍按暂定日历计算 / {year} is not "
                "declared complete; unlisted days stay provisional where the package lacks data")
        elif not holidays:
            warnings.append(
                f"{year} 年声明为完整但没有任何放假日期，请核对 / {year} is declared complete "
                "but lists no holidays; please check")
    _write_atomic(store_path, _dump_set(merged))
    return ImportReport(
        store=store_path,
        years=tuple(sorted(years)),
        complete_years=tuple(sorted(y for y in years if y in merged.complete_years)),
        added=added,
        replaced=replaced,
        removed=removed,
        warnings=tuple(warnings),
    )
