"""The staffing ratios the contract sets, on one day: headcount ≥ 25, 本科及以上 ≥ 40%,
专科及以上 100%, on-boarding exam pass rate 100%, the quarter's departures ≤ 4 and turnover
< 15% (the medical share is shown, it is only "preferred").

An empty register field counts against a ratio; when filling it in could still meet the
threshold the ratio is "at risk" rather than "failed".
"""

from __future__ import annotations

from datetime import date

from bot.services.compliance import vocab
from bot.services.compliance.periods import quarter_of
from bot.services.compliance.register import RecordView, StaffRegister
from bot.services.compliance.results import Ratio, Staffing, Status
from bot.services.compliance.rules import AssessmentRules


def _share(key: str, team: list[RecordView], good: int, unknown: int,
           threshold: float) -> Ratio:
    n = len(team)
    if n == 0:
        return Ratio(key, None, threshold, Status.at_risk)
    pct = 100.0 * good / n
    if pct >= threshold:
        status = Status.met
    elif 100.0 * (good + unknown) / n >= threshold:
        status = Status.at_risk
    else:
        status = Status.failed
    return Ratio(key, pct, threshold, status, good, n, unknown)


def _education(team: list[RecordView], levels: frozenset[str]) -> tuple[int, int]:
    good = sum(1 for v in team if v.education in levels)
    return good, sum(1 for v in team if v.education is None)


def staffing_at(rules: AssessmentRules, register: StaffRegister, as_of: date) -> Staffing:
    cfg = rules.staffing
    team = register.team(as_of)
    n = len(team)
    headcount = Ratio("headcount", float(n), cfg.headcount,
                      Status.met if n >= cfg.headcount else Status.failed, n, n)
    bachelor = _share("bachelor", team, *_education(team, vocab.BACHELOR_OR_ABOVE),
                      cfg.bachelor_pct)
    college = _share("college", team, *_education(team, vocab.COLLEGE_OR_ABOVE),
                     cfg.college_pct)
    passed = sum(1 for v in team if v.exam_passed is True)
    exam = _share("pass", team, passed, sum(1 for v in team if v.exam_passed is None),
                  cfg.pass_pct)
    medical_n = sum(1 for v in team if v.medical is True)
    medical = Ratio("medical", 100.0 * medical_n / n if n else None, None, Status.met,
                    medical_n, n, sum(1 for v in team if v.medical is None))
    ratios = (headcount, bachelor, college, exam, *_quarter(rules, register, as_of), medical)
    untrained = tuple(v for v in team if v.exam_passed is not True)
    return Staffing(as_of, tuple(team), ratios, untrained, tuple(register.unregistered()))


def _quarter(rules: AssessmentRules, register: StaffRegister, as_of: date) -> tuple[Ratio, ...]:
    """The quarter containing `as_of`: departures without consent, and turnover."""
    q = quarter_of(as_of)
    left = register.departures(q.first, as_of)
    counted = sum(1 for v in left if not v.leave_approved)
    allowed = rules.departures.per_quarter
    if counted > allowed:
        status = Status.failed
    elif counted == allowed:
        status = Status.at_risk
    else:
        status = Status.met
    departures = Ratio("departures", float(counted), allowed, status, counted, 0)
    at_start = len(register.team(q.first))
    limit = rules.staffing.turnover_pct
    if at_start == 0:
        turnover = Ratio("turnover", None, limit, Status.met if not left else Status.at_risk,
                         len(left), 0)
    else:
        pct = 100.0 * len(left) / at_start
        turnover = Ratio("turnover", pct, limit,
                         Status.met if pct < limit else Status.failed, len(left), at_start)
    return departures, turnover
