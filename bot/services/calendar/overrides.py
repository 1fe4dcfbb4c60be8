"""Holidays override files: what one says (days, declared years) and a validating loader.

The file format is described in ``docs/deadlines.md`` and in the packaged
``bot/data/holidays.yaml``; its schema is the pydantic model in
:mod:`bot.services.calendar.schema`. Every problem raises
:class:`~bot.services.calendar.errors.CalendarFileError` naming the file and line, so a
hand-edited schedule can be fixed without guessing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, cast

from bot.configfiles.yaml_source import YamlSource
from bot.services.calendar.errors import CalendarFileError, calendar_problem
from bot.services.calendar.schema import read_holidays_file

#: Shipped defaults (empty unless an official schedule was certain at release time).
PACKAGED_HOLIDAYS_FILE = Path(__file__).resolve().parents[2] / "data" / "holidays.yaml"
#: Default of the ``HOLIDAYS_FILE`` setting: the writable store ``holidays import`` merges into,
#: relative to the bot's working directory.
DEFAULT_HOLIDAYS_FILE = Path("data/holidays.yaml")

OverrideKind = Literal["holiday", "workday"]


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


def load_override_set(path: str | os.PathLike[str]) -> OverrideSet:
    """Read and validate a holidays file.

    Accepted shapes: a mapping with optional ``years:`` and ``days:`` keys (the documented
    format), or — for convenience — a bare list of day entries. An empty file is an empty set.
    Raises :class:`CalendarFileError` naming the file and line.
    """
    src = YamlSource(path, CalendarFileError)

    def problem(code: str, *, line: int | None, **fields: Any) -> CalendarFileError:
        return calendar_problem(code, path=src.path, line=line, **fields)

    model, lines = read_holidays_file(src, problem)
    years = {y: YearCoverage(y, e.complete, e.source) for y, e in model.years.items()}
    days: dict[date, DayOverride] = {}
    for entry, line in zip(model.days, lines, strict=True):
        first = days.get(entry.date)
        if first is not None:
            raise problem("duplicate_date", line=line, date=entry.date, first_line=first.line)
        days[entry.date] = DayOverride(entry.date, cast(OverrideKind, entry.kind), entry.name,
                                       line=line)
    return OverrideSet(tuple(sorted(days.values(), key=lambda o: o.date)), years)


def load_overrides(path: str | os.PathLike[str]) -> list[DayOverride]:
    """The dated entries of a holidays file (see :func:`load_override_set`)."""
    return list(load_override_set(path).days)
