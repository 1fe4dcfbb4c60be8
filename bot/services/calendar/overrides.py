"""Holidays override files: the data model and a validating loader with line numbers.

The file format is described in ``docs/deadlines.md`` and in the packaged
``bot/data/holidays.yaml``. Every problem raises :class:`CalendarFileError` naming the file
and line, so a hand-edited schedule can be fixed without guessing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import yaml

from bot.configfiles.errors import ConfigFileError
from bot.configfiles.yaml_source import YamlSource

#: Shipped defaults (empty unless an official schedule was certain at release time).
PACKAGED_HOLIDAYS_FILE = Path(__file__).resolve().parents[2] / "data" / "holidays.yaml"
#: Default of the ``HOLIDAYS_FILE`` setting: the writable store ``holidays import`` merges into,
#: relative to the bot's working directory.
DEFAULT_HOLIDAYS_FILE = Path("data/holidays.yaml")

OverrideKind = Literal["holiday", "workday"]


class CalendarFileError(ConfigFileError):
    """A holidays file is unreadable or invalid. ``str()`` names the file and line."""

    prefix = ''


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
