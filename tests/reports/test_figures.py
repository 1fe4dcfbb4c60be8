"""Figures against a fixture computed by hand (see the comments for each number)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from bot.clock import MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.reports.config import ReportConfig
from bot.services.reports.periods import week_of
from bot.services.reports.service import ReportService
from tests.reports.helpers import add, at

H = timedelta(hours=1)


def fixture(engine: Engine) -> None:
    # A: Monday 00:00:00 exactly (in); on time everywhere; 满意, solved. Same caller as H.
    a = at(2026, 11, 16, 0, 0, 0)
    add(engine, a, phone="13900000001", signed_at=a + 0.1 * H, contacted_at=a + H,
        callback_at=at(2026, 11, 17), callback_reached=True, solved=True, satisfaction="满意",
        closed_at=at(2026, 11, 17, 12))
    # B: Sunday 23:59:59 (in); signed late; its contact deadline and callback fall next week.
    b = at(2026, 11, 22, 23, 59, 59)
    add(engine, b, request_type="咨询", category_l1="疫苗接种", category_l2="预约接种",
        unit="望京社区卫生服务中心", signed_at=b + 3 * H, contacted_at=b + 2 * H,
        callback_at=at(2026, 11, 23, 10), callback_reached=True, solved=False,
        satisfaction="不满意", closed_at=at(2026, 11, 23, 12))
    # C: previous Sunday 23:59:59 (out: previous week); contact deadline in this week, met;
    # its callback is in this week: reached, not solved, 基本满意.
    c = at(2026, 11, 15, 23, 59, 59)
    add(engine, c, signed_at=c + 0.5 * H, contacted_at=c + 2 * H,
        callback_at=at(2026, 11, 16, 12), callback_reached=True, solved=False,
        satisfaction="基本满意", closed_at=at(2026, 11, 16, 13))
    # D: next Monday 00:00:00 (out).
    add(engine, at(2026, 11, 23, 0, 0, 0))
    # E: 退回 — counted in intake, not in the response denominator.
    add(engine, at(2026, 11, 18, 10), status="退回")
    # F: 紧急, open, not contacted (response fails), extended, past its deadline → 超期.
    f = at(2026, 11, 19, 10)
    add(engine, f, urgency="紧急", status="已派发", signed_at=f + 0.1 * H,
        dispatched_at=f + H, complete_by=at(2026, 11, 20, 10), extension_count=1)
    # G: callback did not reach the caller (not 有效回访); responded on time.
    g = at(2026, 11, 20, 10)
    add(engine, g, request_type="求助", signed_at=g + 0.1 * H, contacted_at=g + H,
        callback_at=at(2026, 11, 21), callback_reached=False, closed_at=at(2026, 11, 21, 1))
    # H: same caller as A; solved but 不满意; closed after its deadline → 超期; supervised.
    h = at(2026, 11, 21, 9)
    add(engine, h, request_type="建议", phone="13900000001", signed_at=h + 0.1 * H,
        contacted_at=h + H, callback_at=at(2026, 11, 22, 10), callback_reached=True,
        solved=True, satisfaction="不满意", complete_by=h + 24 * H,
        closed_at=h + 30 * H, supervise_count=1)
    # Y: same week last year (52 weeks earlier: 2025-11-17 … 11-23).
    add(engine, at(2025, 11, 18, 10))
    # R: A's caller also called in September (within 90 days before the week) → recurring.
    add(engine, at(2026, 9, 1, 10), phone="13900000001")
    # L: open since 1 October → long-standing (> 30 days), overdue now.
    add(engine, at(2026, 10, 1, 10), status="已派发", signed_at=at(2026, 10, 1, 11),
        contacted_at=at(2026, 10, 1, 12))


@pytest.fixture
def service(engine: Engine, clock: MovableClock) -> ReportService:
    return ReportService(engine, clock, ReportConfig.load())


def test_weekly_figures_by_hand(engine: Engine, service: ReportService):
    fixture(engine)
    f = service.figures(week_of(at(2026, 11, 18).date(), tz=SHANGHAI))
    c = f.counts
    assert c.total == 6  # A B E F G H
    assert f.prev_total == 1  # C
    assert f.yoy_total == 1  # Y
    assert (c.closed, c.open, c.returned) == (4, 1, 1)
    assert c.overdue == 2  # F (open past deadline) and H (closed late)
    assert (c.extended, c.supervised, c.key_cases) == (1, 1, 1)
    assert dict(f.by_type) == {"投诉": 3, "咨询": 1, "求助": 1, "建议": 1}
    assert f.by_cat1[0] == ("医疗服务", 5)
    assert dict(f.by_urgency) == {"一般": 5, "紧急": 1}
    assert [n for _, n in f.series] == [1, 0, 1, 1, 1, 1, 1]
    r = f.rates
    # due: contact deadline in the week, not 退回 → A C F G H; responded: all but F
    assert (r.responded, r.due) == (4, 5)
    assert r.response == pytest.approx(80.0)
    # callbacks in the week that reached the caller: A, C, H (G not reached, B next week)
    assert (r.solved, r.reached) == (2, 3)
    assert r.solved_rate == pytest.approx(200 / 3)
    assert (r.satisfied, r.basic, r.unsatisfied) == (1, 1, 1)
    assert r.satisfied_rate == pytest.approx(100 * 1.9 / 3)
    assert f.score == pytest.approx(0.1 * 80 + 0.5 * 200 / 3 + 0.4 * 190 / 3)
    assert f.repeat_caller_count == 1 and f.repeat_ticket_count == 2
    assert f.repeat_callers[0].phone == "13900000001" and f.repeat_callers[0].count == 2
    assert f.recurring_callers == 1
    assert f.long_open_count == 1 and f.open_overdue_now == 2
    assert [t.urgency for t in f.key_case_list] == ["紧急"]
    assert f.alerts is not None and f.alerts.raised == 0 and f.kb_gaps is None


def test_weights_and_basis_come_from_config(engine: Engine, clock: MovableClock):
    fixture(engine)
    cfg = ReportConfig.from_dict({
        "score_weights": {"response": 0.3, "solved": 0.35, "satisfied": 0.35},
        "rates": {"solved": {"basis": "received_at"}, "satisfied": {"basis": "received_at"}},
    })
    f = ReportService(engine, clock, cfg).figures(week_of(at(2026, 11, 18).date(), tz=SHANGHAI),
                                                  with_clusters=False)
    # by receipt: A, B, H reached (C was received the week before; B's callback counts now)
    assert (f.rates.solved, f.rates.reached) == (2, 3)
    assert (f.rates.satisfied, f.rates.basic, f.rates.unsatisfied) == (1, 0, 2)
    assert f.score == pytest.approx(0.3 * 80 + 0.35 * 200 / 3 + 0.35 * 100 / 3)


def test_empty_period_gives_dashes(engine: Engine, service: ReportService):
    f = service.figures(week_of(at(2026, 11, 18).date(), tz=SHANGHAI))
    assert f.counts.total == 0
    assert f.rates.response is None and f.rates.solved_rate is None and f.score is None
    from bot.texts.reports.summary import summary

    text = summary(f)
    assert "响应率 —" in text and "综合得分 <b>—</b>" in text


def test_month_start_day_moves_the_boundaries(engine: Engine, clock: MovableClock):
    add(engine, at(2026, 10, 18, 23, 59, 59))  # belongs to assessment month October
    add(engine, at(2026, 10, 19, 0, 0, 0))  # first second of assessment month November
    add(engine, at(2026, 11, 18, 23, 59, 59))  # last second of November
    add(engine, at(2026, 11, 19, 0, 0, 0))  # December
    svc = ReportService(engine, clock, ReportConfig.load(month_start_day=19))
    f = svc.figures(svc.period("month", ["2026-11"]), with_clusters=False)
    assert f.counts.total == 2 and f.prev_total == 1


def test_alerts_and_kb_gaps_when_those_features_run(engine: Engine, clock: MovableClock):
    from models.alert import Alert
    from models.db import session_scope

    t = add(engine, at(2026, 11, 17, 9), urgency="紧急")
    with session_scope(engine) as s:
        for raised, acked in ((at(2026, 11, 17, 9), at(2026, 11, 17, 9, 4)),
                              (at(2026, 11, 18, 9), at(2026, 11, 18, 9, 10)),
                              (at(2026, 11, 19, 9), None),
                              (at(2026, 11, 24, 9), at(2026, 11, 24, 9, 1))):  # next week
            s.add(Alert(ticket_id=t.id, urgency="紧急", ticket_status="待签收",
                        raised_at=raised, acked_at=acked))

    class FakeKb:
        def gap_count(self, *, start, end):  # the knowledge-base service's signature
            assert start == at(2026, 11, 16, 0) and end == at(2026, 11, 23, 0)
            return 3

    svc = ReportService(engine, clock, ReportConfig.load(), kb=FakeKb())
    f = svc.figures(week_of(at(2026, 11, 18).date(), tz=SHANGHAI), with_clusters=False)
    assert f.alerts is not None
    assert (f.alerts.raised, f.alerts.acked, f.alerts.unacked) == (3, 2, 1)
    assert f.alerts.median_ack_minutes == pytest.approx(7.0)
    assert f.kb_gaps == 3
