"""The assessment tracker: each rule of the 考核细则 (and the contract clauses beside it)
checked against the evidence for a period, with status and deduction.

Evidence counts up to the period's end or today, whichever is earlier ("as of"). Yearly and
service-period rules look at their whole year / the service period up to that day, so a
quarter's view shows where the year stands. Amounts come from the rules file.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.clock import Clock
from bot.services.compliance import vocab
from bot.services.compliance.incidents import IncidentLog
from bot.services.compliance.periods import (
    AssessPeriod,
    month,
    month_end,
    quarter_of,
    quarters,
)
from bot.services.compliance.policies import PolicyShelf
from bot.services.compliance.register import StaffRegister
from bot.services.compliance.reportlog import WorkReportBook
from bot.services.compliance.results import (
    COMPLAINTS,
    DEPARTURES,
    MISTAKES,
    MONTHLY_REPORT,
    ONBOARDING,
    OTHERS,
    POLICIES,
    SERVICE_EVENTS,
    TRAININGS,
    Assessment,
    EventCount,
    MonthReport,
    QuarterDepartures,
    RuleResult,
    Staffing,
    Status,
    TrainingYear,
)
from bot.services.compliance.rules import AssessmentRules, milestone_date
from bot.services.compliance.staffing import staffing_at
from bot.services.compliance.trainings import TrainingLog


class Tracker:
    def __init__(self, *, rules: AssessmentRules, clock: Clock, register: StaffRegister,
                 trainings: TrainingLog, policies: PolicyShelf, incidents: IncidentLog,
                 reports: WorkReportBook) -> None:
        self.rules, self.clock, self.register = rules, clock, register
        self.trainings, self.policies, self.incidents = trainings, policies, incidents
        self.reports = reports

    def assess(self, period: AssessPeriod, *, today: date | None = None) -> Assessment:
        """Every rule for `period`, as of min(period end, today)."""
        as_of = period.as_of(today or self.clock.today())
        staffing = staffing_at(self.rules, self.register, as_of)
        rules = (self.training_rule(period, as_of), self.policy_rule(as_of),
                 self.departure_rule(period, as_of), *self.incident_rules(period, as_of),
                 self.service_event_rule(period, as_of), self.monthly_report_rule(period, as_of),
                 self.onboarding_rule(staffing))
        notes = () if self.rules.service else ("no_service",)
        return Assessment(period, as_of, self.clock.now(), rules, staffing, notes)

    # ------------------------------------------------------------------ 考核细则（1）
    def training_year(self, first: date, last: date, as_of: date) -> TrainingYear:
        cfg = self.rules.trainings
        until = min(last, as_of)
        held = self.trainings.between(first, until, kinds=cfg.kinds) if until >= first else []
        behind = tuple((by, m.count) for m in cfg.schedule
                       if (by := milestone_date(first, m.by)) <= until and len(held) < m.count)
        return TrainingYear(first, last, cfg.per_year, len(held), as_of >= last, behind,
                            tuple(held), tuple(t.id for t in held if not t.follow_up))

    def training_rule(self, period: AssessPeriod, as_of: date) -> RuleResult:
        amount = self.rules.trainings.amount
        years = [self.training_year(a, b, as_of)
                 for a, b in self.rules.training_years(period.first, as_of)]
        deduction = sum(y.missing * amount for y in years if y.over)
        potential = sum(y.missing * amount for y in years if not y.over)
        follow_up_gap = any(y.no_follow_up for y in years)
        status = Status.failed if deduction else (
            Status.at_risk if potential or follow_up_gap else Status.met)
        window = (years[0].first, years[-1].last) if years else None
        return RuleResult(TRAININGS, status, deduction, potential, amount, tuple(years), window)

    # ------------------------------------------------------------------ 考核细则（2）
    def policy_rule(self, as_of: date) -> RuleResult:
        amount = self.rules.policies.amount
        shelf = self.policies.status(as_of)
        missing = sum(1 for p in shelf if not p.present)
        status = Status.failed if missing else Status.met
        return RuleResult(POLICIES, status, missing * amount, 0, amount, tuple(shelf),
                          (as_of, as_of))

    # ------------------------------------------------------------------ 考核细则（3）
    def departure_rule(self, period: AssessPeriod, as_of: date) -> RuleResult:
        cfg = self.rules.departures
        found = []
        for q in quarters(period.first, as_of):
            first, last = max(q.first, period.first), min(q.last, as_of)
            left = self.register.departures(first, last)
            found.append(QuarterDepartures(
                q.key, first, last, cfg.per_quarter,
                tuple(v for v in left if not v.leave_approved),
                tuple(v for v in left if v.leave_approved)))
        deduction = sum(q.extra for q in found) * cfg.amount
        # one more departure this quarter (still running) would cost money
        on_edge = (bool(found) and as_of < quarter_of(as_of).last
                   and len(found[-1].counted) == cfg.per_quarter)
        status = Status.failed if deduction else (Status.at_risk if on_edge else Status.met)
        return RuleResult(DEPARTURES, status, deduction, cfg.amount if on_edge else 0,
                          cfg.amount, tuple(found), (period.first, as_of))

    # ------------------------------------------------------------------ 考核细则（4）–（6）
    def incident_rules(self, period: AssessPeriod, as_of: date) -> list[RuleResult]:
        items = self.incidents.between(period.first, as_of)
        amounts = self.rules.incidents
        out = []
        for rule, kind, amount in ((MISTAKES, vocab.MISTAKE, amounts.mistake),
                                   (COMPLAINTS, vocab.COMPLAINT, amounts.complaint),
                                   (OTHERS, vocab.OTHER, amounts.other)):
            mine = tuple(i for i in items if i.kind == kind)
            out.append(RuleResult(rule, Status.failed if mine else Status.met,
                                  len(mine) * amount, 0, amount, mine, (period.first, as_of)))
        return out

    # ------------------------------------------------------------------ contract clauses
    def service_event_rule(self, period: AssessPeriod, as_of: date) -> RuleResult:
        """合同 六.14: system-wide trainings and a publicity event during the service.

        Not itemised in the 考核细则: what a missing one costs is the commission's call (as
        an "other breach"), so the amount is shown as potential, never in the total."""
        cfg = self.rules.service_events
        service = self.rules.service
        first, last = (service.start, service.end) if service else (period.first, period.last)
        until = min(last, as_of)
        held = self.trainings.between(first, until) if until >= first else []
        counts = tuple(EventCount(kind, n, tuple(t for t in held if t.kind == kind))
                       for kind, n in cfg.required.items())
        missing = sum(c.missing for c in counts)
        over = as_of >= last
        status = Status.met if not missing else (Status.failed if over else Status.at_risk)
        return RuleResult(SERVICE_EVENTS, status, 0, missing * cfg.amount, cfg.amount, counts,
                          (first, last))

    def monthly_report_rule(self, period: AssessPeriod, as_of: date) -> RuleResult:
        """合同 六.2: a report at least monthly; a month counts as missed once its grace days
        into the next month have passed. The 2% penalty needs a "negative impact": potential."""
        cfg = self.rules.monthly_report
        start = max(period.first, self.rules.service.start) if self.rules.service \
            else period.first
        keys, d = [], start.replace(day=1)
        while d <= as_of:
            keys.append(month(d.year, d.month))
            d = month_end(d.year, d.month) + timedelta(days=1)
        produced = self.reports.produced([m.key for m in keys])
        due = [m for m in keys if m.key in produced
               or as_of > m.last + timedelta(days=cfg.grace_days)]
        missed = [m for m in due if m.key not in produced]
        fee = self.rules.fee_share(cfg.fee_percent)
        evidence = tuple(MonthReport(m.key, produced.get(m.key)) for m in due)
        return RuleResult(MONTHLY_REPORT, Status.at_risk if missed else Status.met, 0,
                          fee * len(missed), fee, evidence, (start, as_of))

    def onboarding_rule(self, staffing: Staffing) -> RuleResult:
        """合同 六.4: nobody works before passing the on-boarding exam."""
        fee = self.rules.fee_share(self.rules.onboarding.fee_percent)
        untrained = staffing.untrained
        return RuleResult(ONBOARDING, Status.failed if untrained else Status.met, 0,
                          fee if untrained else 0, fee, untrained,
                          (staffing.as_of, staffing.as_of))

