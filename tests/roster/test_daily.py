"""The daily post and handover notes and their texts per audience, and the scheduler's
timing and dedup."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import select

from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.outbox.notes import load_note
from bot.services.roster.daily import DutyScheduler
from bot.services.roster.digest import DutyDigest
from bot.services.roster.errors import RosterError
from bot.texts.audience import Audience
from bot.texts.render import render
from models.db import session_scope
from models.outbox import OutboxMessage
from tests.roster.conftest import GROUP, LI, WANG, ZHANG, ZHAO
from tests.roster.helpers import add_ticket, refused

D = date(2026, 11, 26)


def at(d: date, h: int, mi: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, h, mi, tzinfo=SHANGHAI)


Y = D - timedelta(days=1)


@pytest.fixture
def tickets(engine):
    add_ticket(engine, "A1", at(Y, 9), request_type="投诉")
    add_ticket(engine, "A2", at(Y, 10), request_type="咨询", urgency="紧急",
               status="已派发", signed_at=at(Y, 10, 5), dispatched_at=at(Y, 10, 30))
    add_ticket(engine, "A3", at(Y, 22), request_type="求助", status="已签收",
               signed_at=at(Y, 22, 10), complete_by=at(D, 18))  # overnight + due today
    add_ticket(engine, "OLD", at(Y - timedelta(days=9), 9), status="已办结",
               closed_at=at(Y, 15), complete_by=at(Y - timedelta(days=2), 9))
    add_ticket(engine, "LATE", at(Y - timedelta(days=9), 9), status="已派发",
               complete_by=at(Y - timedelta(days=1), 23))  # overdue
    add_ticket(engine, "TODAY", at(D, 7), request_type="建议")  # not yesterday's intake


def test_daily_counts(engine, roster, tickets):
    d = DutyDigest(engine=engine, roster=roster).daily(D, at(D, 8, 30))
    assert d.intake_total == 3 and d.by_type == {"投诉": 1, "咨询": 1, "求助": 1}
    assert d.by_urgency == {"一般": 2, "紧急": 1}
    assert (d.dispatched, d.closed) == (1, 1)
    assert [x.platform_no for x in d.overdue] == ["LATE"] and d.overdue_total == 1
    assert [x.platform_no for x in d.urgent] == ["A2"]
    assert [x.platform_no for x in d.due_today] == ["A3"]
    assert [x.platform_no for x in d.overnight] == ["A3"] and d.overnight_total == 1
    assert d.alerts is None


def test_daily_text_is_masked_for_the_group(engine, roster, tickets):
    roster.set_slot(d=D, shift_name="白班", people=["张值班:带班", "李值班"], actor_id=ZHAO)
    note = DutyDigest(engine=engine, roster=roster).daily(D, at(D, 8, 30))
    # the note is stored as JSON and rendered at send time, possibly after a restart
    note = load_note(note.kind, note.dump())
    group = render(note, Audience.GROUP).text
    assert "张三丰" not in group and "13800138000" not in group
    assert "138****8000" in group and "张值班（带班）" in group and "夜班" in group
    assert "未排班" in group and "工作日" in group and "日常专班" in group
    assert group.endswith("（已隐去来电人信息，详情请私聊机器人 /t 工单编号）")
    for audience in (Audience.CHANNEL, Audience.LOG):
        assert "13800138000" not in render(note, audience).text
    private = render(note, Audience.STAFF).text
    assert "13800138000" in private and "已隐去" not in private
    assert render(note, Audience.LEADER).text == group  # issue 13: a leader's copy is masked


def test_daily_uses_other_features_when_present(engine, roster, tickets):
    class Stats:
        raised, acknowledged, unacknowledged, escalated = 3, 2, 1, 1

    class Alerts:
        def alerts_between(self, start, end):
            assert (start, end) == (at(Y, 0), at(D, 0))
            return Stats()

    class Reminders:
        def overnight_left(self, day):
            assert day == D
            return 7

    note = DutyDigest(engine=engine, roster=roster, alerts=Alerts(),
                      reminders=Reminders()).daily(D, at(D, 8, 30))
    text = render(note, Audience.GROUP).text
    assert "紧急预警 3 次：已确认 2，未确认 1" in text
    assert "夜间已签收未派发</b>：过夜 7 件；目前仍未派发 1 件" in text


def test_handover_lists_inherited_due_and_notes(engine, roster, tickets):
    roster.set_slot(d=D, shift_name="白班", people=["张值班"], actor_id=ZHAO)
    roster.set_slot(d=D, shift_name="夜班", people=["王值班:带班"], actor_id=ZHAO)
    roster.add_note(author_id=ZHANG, text="A3 要在今晚派发", at=at(D, 19))
    add_ticket(engine, "NIGHT", at(D, 12), complete_by=at(D, 23))
    note = DutyDigest(engine=engine, roster=roster).handover(
        roster.config.instance(D, "夜班"), at(D, 20))
    text = render(note, Audience.GROUP).text
    assert "交接班" in text and "王值班（带班）" in text and "交班：白班 张值班" in text
    assert "本班内到期</b>：1 件" in text and "NIGHT" in text
    assert "A3 要在今晚派发" in text and "张三丰" not in text
    assert "未签收的紧急工单" in text
    assert "张三丰" in render(note, Audience.STAFF).text  # the incoming members' copies


def _keys(engine) -> list[str]:
    with session_scope(engine) as s:
        return sorted(s.exec(select(OutboxMessage.dedup_key)).all())


def _scheduler(engine, roster, outbox, staff, daily_at=time(8, 30)):
    return DutyScheduler(engine=engine, roster=roster, outbox=outbox, staff=staff,
                         digest=DutyDigest(engine=engine, roster=roster),
                         duty_group_id=GROUP, daily_at=daily_at)


def test_scheduler_posts_once_and_catches_up_within_the_window(engine, roster, outbox, staff):
    sch = _scheduler(engine, roster, outbox, staff)
    assert sch.scan(at(D, 8, 29)) == 0
    assert sch.scan(at(D, 8, 30)) == 1
    assert sch.scan(at(D, 8, 31)) == 0
    # a fresh process (restart) does not post again
    assert _scheduler(engine, roster, outbox, staff).scan(at(D, 8, 40)) == 0
    assert _keys(engine) == ["daily:2026-11-26"]
    # down over the next morning's time, back within the catch-up window: sent once
    assert sch.scan(at(D + timedelta(days=1), 9, 29)) == 1
    # back too late the day after: skipped
    assert sch.scan(at(D + timedelta(days=2), 9, 31)) == 0


def test_handover_goes_to_group_and_incoming_members(engine, roster, outbox, staff):
    sch = _scheduler(engine, roster, outbox, staff)
    assert sch.scan(at(D, 20)) == 0  # no roster: no handover
    roster.set_slot(d=D, shift_name="夜班", people=["王值班:带班", "李值班"], actor_id=ZHAO)
    assert sch.scan(at(D, 20, 1)) == 3
    assert sch.scan(at(D, 20, 2)) == 0
    keys = _keys(engine)
    assert f"handover:2026-11-26:夜班:{GROUP}" in keys
    assert f"handover:2026-11-26:夜班:{WANG}" in keys and f"handover:2026-11-26:夜班:{LI}" in keys


def test_gap_report_to_managers(engine, roster, outbox, staff):
    sch = _scheduler(engine, roster, outbox, staff)
    roster.set_slot(d=D + timedelta(days=1), shift_name="白班", people=["张值班"], actor_id=ZHAO)
    assert sch.scan(at(D, 15, 59)) == 0
    assert sch.scan(at(D, 16)) == 1
    assert f"gaps:2026-11-27:{ZHAO}" in _keys(engine)
    with session_scope(engine) as s:
        row = s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == ZHAO)).one()
        text = render(load_note(row.note_kind, row.payload), Audience.STAFF).text
    assert text == ("⚠️ <b>排班缺口</b>：明天 11月27日（周五）（工作日 · 日常专班）"
                    "以下班次无人值班：夜班（20:00–次日08:00）。\n请用 /roster_set 安排。")


def test_daily_on_demand(engine, roster, outbox, staff, tickets):
    sch = _scheduler(engine, roster, outbox, staff)
    now = at(D, 11)
    assert sch.daily_on_demand(None, now).as_of == now
    past = sch.daily_on_demand("2026-11-25", now)
    assert past.day == Y and past.as_of == at(Y, 8, 30)  # as it was posted
    assert sch.daily_on_demand("昨天", now).day == Y
    with refused("今天或以前"):
        sch.daily_on_demand("2026-11-27", now)
    with pytest.raises(RosterError):
        sch.daily_on_demand("11月", now)
