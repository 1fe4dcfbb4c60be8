"""The tracker against hand-computed fixtures (issue 17's acceptance numbers)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.compliance.attachments import IncomingFile
from bot.services.compliance.desk import Compliance
from bot.services.compliance.periods import parse_period, quarter, service_period, year
from bot.services.compliance.results import Status
from bot.services.compliance.rules import PACKAGED_RULES_FILE
from bot.services.compliance.trainings import TrainingDraft
from models.staff import Role
from tests.compliance.conftest import ADMIN, LI, WANG, ZHANG, ZHAO, add_ticket, build, hire

LEAVERS = [5001, 5002, 5003, 5004, 5005, 5006]


def at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 10, 0, tzinfo=SHANGHAI)


def _fixture_year(desk: Compliance, engine, clock: MovableClock, staff) -> None:
    """One training, one policy of four, 6 departures in 2026-Q2, 2 mistakes, 1 complaint."""
    clock.set(at(2026, 2, 10))
    for tid in (ZHANG, LI, WANG, ZHAO):
        hire(desk, tid, date(2026, 2, 10))
    for i, tid in enumerate(LEAVERS):
        staff.add(actor_id=ADMIN, telegram_id=tid, role=Role.staff, name=f"离职{i + 1}")
        hire(desk, tid, date(2026, 2, 10))
    clock.set(at(2026, 3, 1))
    desk.policies.store(policy="培训制度", content=b"policy v1", actor_id=ZHAO,
                        incoming=IncomingFile("document", "F1", "U1", "培训制度.docx"))
    clock.set(at(2026, 3, 20))
    desk.trainings.add(TrainingDraft(date(2026, 3, 18), "业务培训", "知识库使用", (ZHANG, LI),
                                     follow_up="抽查合格"), actor_id=ZHAO)
    clock.set(at(2026, 7, 1))
    for i, tid in enumerate(LEAVERS):  # April .. June 2026, none approved by the commission
        desk.register.update(actor_id=ZHAO, telegram_id=tid,
                             changes={"leave_date": date(2026, 4, 1) + timedelta(days=12 * i)})
    t1 = add_ticket(engine, "2026050100001", handler_id=ZHANG, received=at(2026, 5, 1))
    t2 = add_ticket(engine, "2026060100002", handler_id=LI, received=at(2026, 6, 1))
    desk.incidents.record_mistake(ticket=t1, stage="签收", note="超时签收致响应率不达标",
                                  actor_id=ZHAO, occurred_on=date(2026, 5, 2))
    desk.incidents.record_mistake(ticket=t2, stage="分派", note="派错单位",
                                  actor_id=ZHAO, occurred_on=date(2026, 6, 2))
    desk.incidents.record_complaint(telegram_id=WANG, note="服务态度投诉属实", actor_id=ZHAO,
                                    occurred_on=date(2026, 6, 20))


def test_acceptance_fixture_over_the_service_period(desk, engine, clock, staff):
    _fixture_year(desk, engine, clock, staff)
    clock.set(at(2027, 3, 1))  # after the service period (2026-02-10 .. 2027-02-09)
    a = desk.tracker.assess(service_period(desk.rules.service))
    deductions = {r.rule: r.deduction for r in a.rules}
    assert deductions == {"trainings": 50_000, "policies": 15_000, "departures": 20_000,
                          "mistakes": 4_000, "complaints": 5_000, "others": 0,
                          "service_events": 0, "monthly_report": 0, "onboarding": 0}
    assert a.total == 50_000 + 15_000 + 20_000 + 4_000 + 5_000 == 94_000
    assert a.rule("trainings").status is Status.failed
    assert a.rule("others").status is Status.met
    quarters = {q.key: (len(q.counted), q.extra) for q in a.rule("departures").evidence}
    assert quarters["2026-Q2"] == (6, 2) and quarters["2026-Q3"] == (0, 0)
    # the contract clauses beside the 考核细则 are shown as risk, not in the total
    events = a.rule("service_events")
    assert events.status is Status.failed and events.potential == 3 * 5_000
    assert a.rule("monthly_report").potential == 12 * 59_200  # Feb 2026 .. Jan 2027 missed


def test_acceptance_fixture_with_calendar_years_from_a_rules_file(engine, clock, staff, outbox,
                                                                   tmp_path: Path):
    text = PACKAGED_RULES_FILE.read_text(encoding="utf-8")
    start = text.index("service:")
    end = text.index("reminders_at:")
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(text[:start] + text[end:], encoding="utf-8")  # no service period
    desk = build(engine, clock, staff, outbox, tmp_path, assessment_rules_file=rules_file)
    assert desk.rules.service is None
    _fixture_year(desk, engine, clock, staff)
    clock.set(at(2027, 1, 5))
    a = desk.tracker.assess(year(2026))
    assert a.as_of == date(2026, 12, 31) and a.notes == ("no_service",)
    assert a.total == 94_000


def test_amounts_come_from_the_rules_file(engine, clock, staff, outbox, tmp_path: Path):
    text = PACKAGED_RULES_FILE.read_text(encoding="utf-8").replace(
        "  amount: 5000\n\ndepartures", "  amount: 8000\n\ndepartures")
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(text, encoding="utf-8")
    desk = build(engine, clock, staff, outbox, tmp_path, assessment_rules_file=rules_file)
    a = desk.tracker.assess(parse_period(["2026-Q4"], clock.today(), desk.rules.service))
    assert a.rule("policies").deduction == 4 * 8_000


def test_a_running_year_is_at_risk_not_failed(desk, clock):
    clock.set(at(2026, 7, 2))
    a = desk.tracker.assess(service_period(desk.rules.service))
    assert a.as_of == date(2026, 7, 2)
    trainings = a.rule("trainings")
    assert trainings.status is Status.at_risk and trainings.deduction == 0
    assert trainings.potential == 2 * 50_000
    (ty,) = trainings.evidence
    assert ty.behind == ((date(2026, 7, 1), 1),) and not ty.over
    assert a.total == 4 * 5_000  # only the four missing policies cost money today


def test_training_without_follow_up_is_at_risk(desk, clock):
    clock.set(at(2026, 12, 1))
    for d in (date(2026, 3, 1), date(2026, 9, 1)):
        desk.trainings.add(TrainingDraft(d, "全系统培训", "流程"), actor_id=ZHAO)
    r = desk.tracker.assess(service_period(desk.rules.service)).rule("trainings")
    assert r.status is Status.at_risk and r.deduction == r.potential == 0
    assert len(r.evidence[0].no_follow_up) == 2


def test_fourth_departure_of_a_running_quarter_is_at_risk(desk, clock, staff):
    clock.set(at(2026, 3, 1))
    for i, tid in enumerate(LEAVERS[:4]):
        staff.add(actor_id=ADMIN, telegram_id=tid, role=Role.staff, name=f"离职{i + 1}")
        hire(desk, tid, date(2026, 2, 10))
    clock.set(at(2026, 5, 20))
    for tid in LEAVERS[:4]:
        desk.register.update(actor_id=ZHAO, telegram_id=tid,
                             changes={"leave_date": date(2026, 5, 1)})
    a = desk.tracker.assess(quarter(2026, 2))
    assert a.rule("departures").status is Status.at_risk
    assert a.staffing.ratio("departures").status is Status.at_risk
    assert a.staffing.ratio("turnover").status is Status.failed  # 4 of 4 left: 100%
    desk.register.update(actor_id=ZHAO, telegram_id=LEAVERS[0], changes={"leave_approved": True})
    a = desk.tracker.assess(quarter(2026, 2))
    assert a.rule("departures").status is Status.met


def test_removed_incident_no_longer_counts(desk, clock, engine):
    clock.set(at(2026, 6, 1))
    t = add_ticket(engine, "2026060100009", handler_id=ZHANG, received=at(2026, 5, 30))
    item = desk.incidents.record_mistake(ticket=t, stage="督办", note="漏督办", actor_id=ZHAO)
    assert desk.tracker.assess(year(2026)).rule("mistakes").deduction == 2_000
    desk.incidents.remove(incident_id=item.id, actor_id=ADMIN, reason="经核实非本方责任")
    assert desk.tracker.assess(year(2026)).rule("mistakes").deduction == 0


def test_staffing_ratios(desk, clock):
    clock.set(at(2026, 6, 1))
    hire(desk, ZHANG, date(2026, 2, 10), education="硕士")
    hire(desk, LI, date(2026, 2, 10), education="专科", medical=False)
    hire(desk, WANG, date(2026, 2, 10), education="其他", exam_passed=False)
    desk.register.update(actor_id=ADMIN, telegram_id=ZHAO,
                         changes={"hire_date": date(2026, 2, 10)})
    s = desk.tracker.assess(year(2026)).staffing
    assert s.ratio("headcount").value == 4 and s.ratio("headcount").status is Status.failed
    bachelor = s.ratio("bachelor")  # 1 of 4 known, 赵经理's education empty: 50% possible
    assert (bachelor.num, bachelor.den, bachelor.unknown) == (1, 4, 1)
    assert bachelor.status is Status.at_risk
    assert s.ratio("college").status is Status.failed  # 王值班: 其他
    assert sorted(v.member.telegram_id for v in s.untrained) == sorted([WANG, ZHAO])
    assert s.ratio("pass").status is Status.failed


@pytest.mark.parametrize("words", [["2026-13"], ["明年"], ["2026-01-05", "2026-01-01"]])
def test_bad_periods(desk, words):
    from bot.services.compliance.errors import ComplianceError

    with pytest.raises(ComplianceError) as exc:
        parse_period(words, date(2026, 11, 25), desk.rules.service)
    assert exc.value.code == "bad_period"
