"""What the tracker finds, as data: one :class:`RuleResult` per rule with its evidence, the
staffing ratios, and the totals. ``bot/texts`` turns these into the chat summary, the XLSX
(one sheet per rule) and the work report's section.

Status: ``met``; ``at_risk`` — not met yet but still open (the year or the service period is
not over), or one step from a deduction, or a deduction that needs the commission's
judgement; ``failed`` — the evidence already costs money (or breaks a hard requirement).
``deduction`` counts in the total; ``potential`` is what an at-risk or judgement rule would
cost and is shown apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.services.compliance.periods import AssessPeriod
from bot.services.compliance.register import RecordView
from bot.services.compliance.trainings import TrainingView
from bot.services.staff.directory import Member


class Status(StrEnum):
    met = "met"
    at_risk = "at_risk"
    failed = "failed"


def worst(*statuses: Status) -> Status:
    order = (Status.met, Status.at_risk, Status.failed)
    return max(statuses, key=order.index, default=Status.met)


# rule ids, in the order of the 考核细则 and then the contract clauses
TRAININGS, POLICIES, DEPARTURES = "trainings", "policies", "departures"
MISTAKES, COMPLAINTS, OTHERS = "mistakes", "complaints", "others"
SERVICE_EVENTS, MONTHLY_REPORT, ONBOARDING = "service_events", "monthly_report", "onboarding"
RULE_IDS = (TRAININGS, POLICIES, DEPARTURES, MISTAKES, COMPLAINTS, OTHERS, SERVICE_EVENTS,
            MONTHLY_REPORT, ONBOARDING)


@dataclass(frozen=True)
class TrainingYear:
    first: date
    last: date
    required: int
    held: int
    over: bool  # the year had ended by the as-of day
    behind: tuple[tuple[date, int], ...]  # milestones passed and not reached: (by, count)
    trainings: tuple[TrainingView, ...]
    no_follow_up: tuple[int, ...]  # ids of counted trainings without a follow-up note

    @property
    def missing(self) -> int:
        return max(0, self.required - self.held)


@dataclass(frozen=True)
class QuarterDepartures:
    key: str  # "2026-Q2"
    first: date
    last: date
    allowed: int
    counted: tuple[RecordView, ...]  # without the commission's consent
    approved: tuple[RecordView, ...]

    @property
    def extra(self) -> int:
        return max(0, len(self.counted) - self.allowed)


@dataclass(frozen=True)
class EventCount:
    kind: str
    required: int
    trainings: tuple[TrainingView, ...]

    @property
    def missing(self) -> int:
        return max(0, self.required - len(self.trainings))


@dataclass(frozen=True)
class MonthReport:
    key: str  # "2026-11"
    produced_at: datetime | None


@dataclass(frozen=True)
class RuleResult:
    rule: str
    status: Status
    deduction: int = 0
    potential: int = 0
    unit_amount: int = 0
    evidence: tuple[object, ...] = ()
    window: tuple[date, date] | None = None  # the dates this rule looked at


@dataclass(frozen=True)
class Ratio:
    key: str  # headcount / bachelor / college / pass / departures / turnover / medical
    value: float | None  # percent for ratios, a count for headcount/departures
    threshold: float | None
    status: Status
    num: int = 0
    den: int = 0
    unknown: int = 0  # people whose field is empty


@dataclass(frozen=True)
class Staffing:
    as_of: date
    team: tuple[RecordView, ...]
    ratios: tuple[Ratio, ...]
    untrained: tuple[RecordView, ...]  # in the team without a passed on-boarding exam
    unregistered: tuple[Member, ...]  # active team members without a hire date

    def ratio(self, key: str) -> Ratio:
        return next(r for r in self.ratios if r.key == key)


@dataclass(frozen=True)
class Assessment:
    period: AssessPeriod
    as_of: date
    generated_at: datetime
    rules: tuple[RuleResult, ...]
    staffing: Staffing
    notes: tuple[str, ...] = field(default=())  # codes of caveats, e.g. "no_service"

    @property
    def total(self) -> int:
        return sum(r.deduction for r in self.rules)

    @property
    def potential(self) -> int:
        return sum(r.potential for r in self.rules)

    def rule(self, rule_id: str) -> RuleResult:
        return next(r for r in self.rules if r.rule == rule_id)
