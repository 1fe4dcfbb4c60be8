"""The assessment rules (考核细则) as data: a pydantic model of `bot/data/assessment.yaml`.

Amounts, thresholds and schedules live in the file so a new contract changes numbers, not
code; the `ASSESSMENT_RULES_FILE` setting points at a replacement. A bad file raises
:class:`RulesFileError` naming the file and the line.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.configfiles.errors import ConfigFileError
from bot.configfiles.types import HHMM
from bot.configfiles.yaml_source import YamlSource
from bot.services.compliance.vocab import TRAINING_KINDS

PACKAGED_RULES_FILE = Path(__file__).resolve().parents[2] / "data" / "assessment.yaml"


class RulesFileError(ConfigFileError):
    prefix = "考核细则文件 / assessment rules: "


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Service(_Strict):
    start: date
    end: date
    fee: int = Field(ge=0)

    @model_validator(mode="after")
    def _order(self) -> Service:
        if self.end < self.start:
            raise ValueError("end must not be before start")
        return self


class Milestone(_Strict):
    by: str  # "MM-DD" within the training year
    count: int = Field(ge=1)

    @field_validator("by")
    @classmethod
    def _month_day(cls, v: str) -> str:
        mm, sep, dd = v.strip().partition("-")
        try:
            date(2024, int(mm), int(dd))  # a leap year accepts 02-29
        except ValueError:
            raise ValueError("must be MM-DD, e.g. 07-01") from None
        if not sep:
            raise ValueError("must be MM-DD, e.g. 07-01")
        return f"{int(mm):02d}-{int(dd):02d}"


class Trainings(_Strict):
    per_year: int = Field(ge=0)
    amount: int = Field(ge=0)
    kinds: tuple[str, ...]
    schedule: tuple[Milestone, ...] = ()

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [k for k in v if k not in TRAINING_KINDS]
        if bad:
            raise ValueError(f"unknown kind(s) {bad}; known: {list(TRAINING_KINDS)}")
        return v


class Policies(_Strict):
    required: tuple[str, ...]
    amount: int = Field(ge=0)

    @field_validator("required")
    @classmethod
    def _names(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(v)) != len(v) or any(not n.strip() or len(n) > 32 for n in v):
            raise ValueError("names must be unique, non-empty, at most 32 characters")
        return v


class Departures(_Strict):
    per_quarter: int = Field(ge=0)
    amount: int = Field(ge=0)


class Incidents(_Strict):
    mistake: int = Field(ge=0)
    complaint: int = Field(ge=0)
    other: int = Field(ge=0)


class ServiceEvents(_Strict):
    required: dict[str, int]
    amount: int = Field(ge=0)

    @field_validator("required")
    @classmethod
    def _kinds(cls, v: dict[str, int]) -> dict[str, int]:
        bad = [k for k in v if k not in TRAINING_KINDS]
        if bad or any(n < 0 for n in v.values()):
            raise ValueError(f"kinds must be among {list(TRAINING_KINDS)} with counts >= 0")
        return v


class MonthlyReport(_Strict):
    fee_percent: float = Field(ge=0, le=100)
    remind_days_before_end: int = Field(ge=0, le=27)
    grace_days: int = Field(ge=0, le=27)


class Onboarding(_Strict):
    fee_percent: float = Field(ge=0, le=100)
    termination_after: int = Field(ge=1)


class Staffing(_Strict):
    headcount: int = Field(ge=0)
    bachelor_pct: float = Field(ge=0, le=100)
    college_pct: float = Field(ge=0, le=100)
    turnover_pct: float = Field(ge=0, le=100)
    pass_pct: float = Field(ge=0, le=100)


class AssessmentRules(_Strict):
    service: Service | None = None
    reminders_at: HHMM
    trainings: Trainings
    policies: Policies
    departures: Departures
    incidents: Incidents
    service_events: ServiceEvents
    monthly_report: MonthlyReport
    onboarding: Onboarding
    staffing: Staffing

    def fee_share(self, percent: float) -> int:
        """`percent` of the service fee in whole yuan (0 without a configured fee)."""
        return round(self.service.fee * percent / 100) if self.service else 0

    def training_years(self, first: date, last: date) -> list[tuple[date, date]]:
        """The training years (inclusive bounds) that overlap [first, last].

        With a service period: 12-month windows from its start, the last one cut at its end;
        without: calendar years.
        """
        if self.service is None:
            return [(date(y, 1, 1), date(y, 12, 31)) for y in range(first.year, last.year + 1)]
        out: list[tuple[date, date]] = []
        start, service_end = self.service.start, self.service.end
        while start <= last:
            end = _plus_year(start) - timedelta(days=1)
            if start <= service_end < end:
                end = service_end  # the last service year is cut at the end of the service
            if end >= first:
                out.append((start, end))
            start = end + timedelta(days=1)
        return out


def _plus_year(d: date) -> date:
    try:
        return d.replace(year=d.year + 1)
    except ValueError:  # 29 Feb
        return d.replace(year=d.year + 1, day=28)


def milestone_date(year_start: date, month_day: str) -> date:
    """The first `MM-DD` on or after the start of a training year."""
    mm, dd = (int(p) for p in month_day.split("-"))
    for year in (year_start.year, year_start.year + 1):
        try:
            d = date(year, mm, dd)
        except ValueError:  # 02-29 in a common year
            d = date(year, mm, 28)
        if d >= year_start:
            return d
    raise AssertionError("unreachable")


def load_rules(path: str | os.PathLike[str] | None = None) -> AssessmentRules:
    """Read and check the rules file (the packaged one when `path` is None)."""
    return YamlSource(path or PACKAGED_RULES_FILE, RulesFileError).validate(AssessmentRules)
