"""The reminder feature's parts on their own: notes that survive a restart, refusals in words,
the duty look-up's fallbacks, and a configured time zone other than Shanghai."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.app import build_services
from bot.clock import MovableClock
from bot.services.outbox.notes import load_note
from bot.services.reminders.duty import DutyLookup
from bot.services.reminders.notes import (
    DigestItem,
    DueToday,
    HolidaysMissing,
    OvernightList,
    ReminderItem,
    RemindersDue,
    SweepItem,
)
from bot.services.reminders.records import ReminderError
from bot.services.tickets.workflow import Action
from bot.texts.audience import Audience
from bot.texts.reminders import reminder_error
from bot.texts.render import render
from models.db import session_scope
from models.outbox import OutboxMessage
from models.staff import Role
from tests.reminders.conftest import MANAGER, STAFF, new_ticket, settings_for, sh

URUMQI = ZoneInfo("Asia/Urumqi")


def _item(**kw: object) -> ReminderItem:
    values: dict[str, object] = dict(
        ticket_id=7, platform_no="T<1>", status="已签收", urgency="紧急", category="医疗",
        unit="朝阳医院", kind="complete", lead=-1, due_at=sh(2026, 11, 25, 18, 0),
        provisional=True, snoozed=False, handler_name="张值班")
    values.update(kw)
    return ReminderItem(**values)  # type: ignore[arg-type]


NOTES = [
    RemindersDue(at=sh(2026, 11, 25, 18, 1), items=[_item()]),
    RemindersDue(at=sh(2026, 11, 25, 18, 1), items=[_item(), _item(ticket_id=8, lead=120)]),
    OvernightList(at=sh(2026, 11, 25, 21, 0), sweep_at=time(21, 0), total=3, items=[
        SweepItem(platform_no="T1", status="已签收", urgency="一般", category="c", unit="u",
                  signed_at=sh(2026, 11, 25, 9, 0), handler="")]),
    DueToday(at=sh(2026, 11, 25, 8, 0), day=date(2026, 11, 25), overdue_total=2,
             today_total=0, overdue=[DigestItem(kind="sign", due_at=sh(2026, 11, 24, 9, 0),
                                                platform_no="T2", urgency="急", provisional=False,
                                                category="c", unit="u")], today=[]),
    HolidaysMissing(years=[2027], provisional=2, store="data/holidays.yaml"),
]


@pytest.mark.parametrize("note", NOTES, ids=lambda n: type(n).__name__)
def test_a_stored_note_renders_as_the_original(note) -> None:  # type: ignore[no-untyped-def]
    again = load_note(note.kind, note.dump())
    assert again == note
    for audience in Audience:
        assert render(again, audience) == render(note, audience)


def test_reminder_text_escapes_and_numbers_its_buttons() -> None:
    out = render(NOTES[1], Audience.STAFF)
    assert "T&lt;1&gt;" in out.text and "T<1>" not in out.text
    assert "（其中超时 1 项）" in out.text and "（暂定）" in out.text
    assert out.buttons == [[("已处理 #1", "rm1:done:7"), ("1小时后提醒 #1", "rm1:snz:7:complete")],
                           [("已处理 #2", "rm1:done:8"), ("1小时后提醒 #2", "rm1:snz:8:complete")]]


def test_overnight_and_digest_count_what_they_do_not_list() -> None:
    assert "以下 3 件" in render(NOTES[2], Audience.GROUP).text
    assert "……另有 2 件" in render(NOTES[2], Audience.GROUP).text
    digest = render(NOTES[3], Audience.GROUP).text
    assert "<b>已超时 2 项</b>" in digest and "……另有 1 项" in digest


@pytest.mark.parametrize(("code", "fields", "words"), [
    ("bad_kind", {}, "提醒类型无效"),
    ("no_ticket", {}, "工单不存在"),
    ("stage_done", {}, "无需再提醒"),
    ("empty_note", {}, "请简要写明"),
    ("note_too_long", {"limit": 500}, "最多 500 字"),
])
def test_every_refusal_has_words(code: str, fields: dict[str, int], words: str) -> None:
    assert words in reminder_error(ReminderError(code, **fields))  # type: ignore[arg-type]


def test_refusals_change_nothing(svc, rem) -> None:  # type: ignore[no-untyped-def]
    t = new_ticket(svc)
    with pytest.raises(ReminderError) as exc:
        rem.done.record(ticket_id=t.id, actor_id=STAFF, note="办" * 501)
    assert exc.value.code == "note_too_long" and exc.value.fields == {"limit": 500}
    with pytest.raises(ReminderError) as exc:
        rem.snoozes.snooze(ticket_id=999_999, kind="sign", chat_id=STAFF)
    assert exc.value.code == "no_ticket"
    assert all(e.action != "提醒已处理" for e in svc.tickets.events(t.id))


class _Member:
    def __init__(self, telegram_id: int, duty_role: str = "staff") -> None:
        self.telegram_id, self.duty_role = telegram_id, duty_role


class _Roster:
    def __init__(self, members: list[object] | None = None, fail: bool = False) -> None:
        self.members, self.fail = members or [], fail

    def on_duty(self, now: datetime) -> list[object]:
        if self.fail:
            raise RuntimeError("roster down")
        return self.members


def test_duty_lookup_keeps_active_staff_and_survives_a_failing_roster(svc) -> None:  # type: ignore[no-untyped-def]
    members = [_Member(STAFF), _Member(MANAGER, "带班"), _Member(9999), (STAFF, "lead")]
    duty = DutyLookup(roster=_Roster(members), staff=svc.staff)
    assert duty.on_duty(sh(2026, 11, 25, 10)) == ([STAFF], [MANAGER, STAFF])
    assert DutyLookup(roster=_Roster(fail=True), staff=svc.staff).on_duty(
        sh(2026, 11, 25, 10)) == ([], [])
    assert DutyLookup(roster=object(), staff=svc.staff).on_duty(sh(2026, 11, 25, 10)) == ([], [])


def _keys(engine: Engine, kind: str) -> list[str]:
    with session_scope(engine) as s:
        return list(s.exec(select(OutboxMessage.dedup_key).where(
            OutboxMessage.kind == kind)).all())


def test_timezone_setting_moves_the_sweep_and_the_digest(engine: Engine, tmp_path: Path) -> None:
    """TIMEZONE=Asia/Urumqi (UTC+6): 21:00 and 08:00 are Urumqi times, not Shanghai's."""
    clock = MovableClock(datetime(2026, 11, 25, 10, 0, tzinfo=URUMQI), URUMQI)
    svc = build_services(settings_for(engine, tmp_path, timezone="Asia/Urumqi"), engine=engine,
                         clock=clock)
    svc.staff.ensure_admins((1001,))
    svc.staff.add(actor_id=1001, telegram_id=STAFF, role=Role.staff, name="张值班")
    svc.staff.add(actor_id=1001, telegram_id=MANAGER, role=Role.manager, name="赵经理")
    t = new_ticket(svc, received=clock.now())
    svc.tickets.apply(ticket_id=t.id, action=Action.sign, actor_id=STAFF)
    rem = svc.reminders
    clock.set(datetime(2026, 11, 25, 22, 30, tzinfo=ZoneInfo("Asia/Shanghai")))  # 20:30 local
    rem.scan(clock.now())
    assert _keys(engine, "overnight") == []
    clock.set(datetime(2026, 11, 25, 21, 0, tzinfo=URUMQI))
    rem.scan(clock.now())
    assert sorted(_keys(engine, "overnight")) == [f"rmo:2026-11-25:{STAFF}",
                                                 f"rmo:2026-11-25:{MANAGER}"]
    # 08:00 in Shanghai is 06:00 in Urumqi: no digest yet; it comes at 08:00 local
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    rem.scan(clock.now())
    assert _keys(engine, "digest") == []
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=URUMQI))
    rem.scan(clock.now())
    assert _keys(engine, "digest") == ["rmd:2026-11-26"]
    # the evening after midnight local time counts for the next day's post
    assert rem.overnight_left(date(2026, 11, 26)) == 1
    assert svc.calendar.tz == URUMQI
