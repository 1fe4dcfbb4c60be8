"""The figures of a report: plain dataclasses the renderers in `bot/texts/reports/` turn into
the summary, the chart, the workbook and the Word draft. `builder.py` computes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.reports.clusters import Cluster
from bot.services.reports.config import ReportConfig
from bot.services.reports.periods import Period


@dataclass(frozen=True)
class AlertStats:
    raised: int
    acked: int
    median_ack_minutes: float | None
    max_ack_minutes: float | None
    unacked: int


@dataclass(frozen=True)
class Rates:
    due: int = 0  # 响应率 denominator: tickets due in the period
    responded: int = 0  # signed and first contact made, both within their limits
    reached: int = 0  # 有效回访 (solved basis)
    solved: int = 0
    sat_reached: int = 0  # 有效回访 (satisfaction basis)
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0
    sat_weights: tuple[float, float, float] = (1.0, 0.9, 0.0)

    @property
    def response(self) -> float | None:
        return _pct(self.responded, self.due)

    @property
    def solved_rate(self) -> float | None:
        return _pct(self.solved, self.reached)

    @property
    def satisfied_rate(self) -> float | None:
        w1, w2, w3 = self.sat_weights
        num = self.satisfied * w1 + self.basic * w2 + self.unsatisfied * w3
        return _pct(num, self.sat_reached)

    def score(self, weights: dict[str, float]) -> float | None:
        parts = (self.response, self.solved_rate, self.satisfied_rate)
        if any(p is None for p in parts):
            return None
        r, s, m = parts
        assert r is not None and s is not None and m is not None
        return weights["response"] * r + weights["solved"] * s + weights["satisfied"] * m


def _pct(num: float, den: int) -> float | None:
    return None if den == 0 else 100.0 * num / den


@dataclass(frozen=True)
class Counts:
    total: int = 0
    closed: int = 0
    open: int = 0
    returned: int = 0
    overdue: int = 0
    extended: int = 0
    supervised: int = 0
    key_cases: int = 0
    repeat_flagged: int = 0


@dataclass(frozen=True)
class TicketLine:
    """A short line about one ticket for the lists in the reports (no personal data)."""

    platform_no: str
    received_at: datetime
    request_type: str
    category: str
    unit: str
    urgency: str
    status: str
    closed_at: datetime | None
    complete_by: datetime | None
    solved: bool | None
    satisfaction: str | None
    supervise_count: int
    extension_count: int
    content: str


@dataclass(frozen=True)
class RepeatCaller:
    phone: str  # full number; mask it wherever it is shown outside the private XLSX
    name: str
    count: int
    platform_nos: list[str]
    categories: list[str]


@dataclass(frozen=True)
class ClusterCap:
    """Clustering looked at the latest `used` of the period's `total` tickets only."""

    total: int
    used: int


@dataclass
class Figures:
    period: Period
    generated_at: datetime
    as_of: datetime
    counts: Counts
    prev_total: int
    yoy_total: int
    prev_period: Period
    yoy_period: Period
    by_type: list[tuple[str, int]]
    by_cat1: list[tuple[str, int]]
    by_cat2: list[tuple[str, int]]
    by_unit: list[tuple[str, int]]
    by_industry: list[tuple[str, int]]
    by_urgency: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    cat1_prev: dict[str, int]
    cat1_yoy: dict[str, int]
    series: list[tuple[str, int]]  # (bucket key of Period.buckets(), tickets)
    rates: Rates
    prev_rates: Rates
    yoy_rates: Rates
    score_weights: dict[str, float]
    open_overdue_now: int
    repeat_callers: list[RepeatCaller]
    repeat_caller_count: int
    repeat_ticket_count: int
    recurring_callers: int
    long_open_count: int
    long_open: list[TicketLine]
    reopened: list[TicketLine]
    key_case_list: list[TicketLine]
    key_by_urgency: list[tuple[str, int]]
    clusters: list[Cluster]
    cluster_total: int  # groups found (before cutting to `show`)
    clustered_tickets: int
    cluster_cap: ClusterCap | None  # set when clustering skipped the oldest tickets
    alerts: AlertStats | None
    kb_gaps: int | None
    config: ReportConfig

    @property
    def score(self) -> float | None:
        return self.rates.score(self.score_weights)

    @property
    def prev_score(self) -> float | None:
        return self.prev_rates.score(self.score_weights)

    @property
    def yoy_score(self) -> float | None:
        return self.yoy_rates.score(self.score_weights)


def change(cur: int | float | None, old: int | float | None) -> float | None:
    """Relative change in percent; None when there is nothing to compare with."""
    if cur is None or old is None or old == 0:
        return None
    return round(100.0 * (cur - old) / old, 1)
