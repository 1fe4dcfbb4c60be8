"""Assessment periods: a year, a quarter, a month, the service period, or two dates.

Calendar-based on purpose (the contract counts departures per calendar quarter and reports
per calendar month), independent of the reports' assessment-month start day.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from bot.services.compliance.errors import ComplianceError
from bot.services.compliance.rules import Service

_YEAR = re.compile(r"^(\d{4})年?$")
_QUARTER = re.compile(r"^(\d{4})[-/年]?[Qq第]?([1-4一二三四])(?:季度?)?$")
_MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
SERVICE_WORDS = frozenset({"service", "合同期", "服务期"})


@dataclass(frozen=True)
class AssessPeriod:
    kind: str  # year / quarter / month / service / custom
    first: date
    last: date  # inclusive
    key: str  # "2026", "2026-Q3", "2026-11", "2026-02-10~2027-02-09"

    def as_of(self, today: date) -> date:
        """The last day the evidence is counted to: the period's end, or today if earlier."""
        return min(self.last, today)

    def is_over(self, today: date) -> bool:
        return today > self.last


def parse_date(text: str) -> date:
    m = _DATE.match(unicodedata.normalize("NFKC", text).strip())
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise ComplianceError("bad_date", text=text)


def first_date_in(text: str) -> date | None:
    """The first valid date written anywhere in `text` (a file caption), or None."""
    for word in unicodedata.normalize("NFKC", text or "").split():
        try:
            return parse_date(word)
        except ComplianceError:
            continue
    return None


def year(y: int) -> AssessPeriod:
    return AssessPeriod("year", date(y, 1, 1), date(y, 12, 31), f"{y}")


def quarter(y: int, q: int) -> AssessPeriod:
    first = date(y, 3 * q - 2, 1)
    return AssessPeriod("quarter", first, month_end(y, 3 * q), f"{y}-Q{q}")


def month(y: int, m: int) -> AssessPeriod:
    return AssessPeriod("month", date(y, m, 1), month_end(y, m), f"{y}-{m:02d}")


def month_end(y: int, m: int) -> date:
    nxt = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
    return nxt - timedelta(days=1)


def quarter_of(d: date) -> AssessPeriod:
    return quarter(d.year, (d.month - 1) // 3 + 1)


def quarters(first: date, last: date) -> list[AssessPeriod]:
    """The calendar quarters that overlap [first, last], in order."""
    out, q = [], quarter_of(first)
    while q.first <= last:
        out.append(q)
        q = quarter_of(q.last + timedelta(days=1))
    return out


def default_period(today: date, service: Service | None) -> AssessPeriod:
    """No argument: the service period while it runs, else the calendar year."""
    if service is not None and service.start <= today <= service.end:
        return service_period(service)
    return year(today.year)


def service_period(service: Service) -> AssessPeriod:
    return AssessPeriod("service", service.start, service.end,
                        f"{service.start.isoformat()}~{service.end.isoformat()}")


def parse_period(args: list[str], today: date, service: Service | None) -> AssessPeriod:
    """The period `/assess` asks for; raises ComplianceError(bad_period / period_future)."""
    words = [unicodedata.normalize("NFKC", a).strip() for a in args if a.strip()]
    if not words:
        return default_period(today, service)
    if len(words) == 2:
        first, last = parse_date(words[0]), parse_date(words[1])
        if last < first:
            raise ComplianceError("bad_period", text=" ".join(words))
        period = AssessPeriod("custom", first, last, f"{first.isoformat()}~{last.isoformat()}")
    elif len(words) == 1:
        period = _one(words[0], service)
    else:
        raise ComplianceError("bad_period", text=" ".join(words))
    if period.first > today:
        raise ComplianceError("period_future", text=" ".join(words))
    return period


def _one(word: str, service: Service | None) -> AssessPeriod:
    if word.lower() in SERVICE_WORDS and service is not None:
        return service_period(service)
    if m := _YEAR.match(word):
        return year(int(m[1]))
    if m := _QUARTER.match(word):
        return quarter(int(m[1]), "1234一二三四".index(m[2]) % 4 + 1)
    if (m := _MONTH.match(word)) and 1 <= int(m[2]) <= 12:
        return month(int(m[1]), int(m[2]))
    raise ComplianceError("bad_period", text=word)


def parse_month(args: list[str], today: date, *, near_end_days: int) -> AssessPeriod:
    """The month `/workreport` drafts: the one named, else the current month in its last
    `near_end_days` days (the reminder window), else the previous month."""
    words = [unicodedata.normalize("NFKC", a).strip() for a in args if a.strip()]
    if not words:
        end = month_end(today.year, today.month)
        if (end - today).days < near_end_days:
            return month(today.year, today.month)
        prev = today.replace(day=1) - timedelta(days=1)
        return month(prev.year, prev.month)
    m = _MONTH.match(words[0]) if len(words) == 1 else None
    if not m or not 1 <= int(m[2]) <= 12:
        raise ComplianceError("bad_period", text=" ".join(words))
    period = month(int(m[1]), int(m[2]))
    if period.first > today:
        raise ComplianceError("period_future", text=words[0])
    return period
