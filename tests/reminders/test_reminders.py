"""The reminder scan: each step once, coalescing, downtime, extensions, snooze, 已处理,
the 21:00 sweep, the digest, the holiday notice and crash repair."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from bot.clock import MovableClock
from bot.context import Services
from bot.services.outbox.notes import load_note
from bot.services.reminders.leads import parse_leads
from bot.services.reminders.records import ReminderError
from bot.services.reminders.service import ReminderService
from bot.services.reminders.steps import NEVER, current_step, next_fire
from bot.services.tickets.actions import ActionInput
from bot.services.tickets.workflow import Action
from bot.texts.audience import Audience
from bot.texts.render import render
from models.db import session_scope
from models.outbox import OutboxMessage
from models.reminder import ReminderSent
from tests.reminders.conftest import DUTY_GROUP, MANAGER, STAFF, STAFF2, new_ticket, sh


@dataclass(frozen=True)
class Queued:
    """An outbox row as its reader will see it (the note rendered for the chat's audience)."""

    chat_id: int
    text: str
    buttons: list[str]  # labels


def outbox(svc: Services, kind: str | None = None) -> list[Queued]:
    with session_scope(svc.engine) as s:
        q = select(OutboxMessage).order_by(OutboxMessage.id)  # type: ignore[arg-type]
        if kind is not None:
            q = q.where(OutboxMessage.kind == kind)
        rows = list(s.exec(q).all())
    out = []
    for m in rows:
        assert m.payload and not m.text, "reminder rows carry a note, not a text"
        audience = Audience.GROUP if m.chat_id < 0 else Audience.STAFF
        r = render(load_note(m.note_kind, m.payload), audience)
        out.append(Queued(m.chat_id, r.text, [b[0] for row in r.buttons or [] for b in row]))
    return out


def at(clock: MovableClock, rem: ReminderService, when: datetime, times: int = 3) -> None:
    """Move the clock and scan a few times (ticks repeat; nothing may go out twice)."""
    clock.set(when)
    for _ in range(times):
        rem.scan(clock.now())


def sent_steps(rem: ReminderService, ticket_id: int) -> list[tuple[str, int, str]]:
    return [(r.kind, r.lead, r.status) for r in rem.delivery.ledger(ticket_id)]


def working(svc: Services, t) -> None:  # type: ignore[no-untyped-def]
    """Sign and contact, so only the completion deadline is left to remind of."""
    svc.tickets.apply(ticket_id=t.id, action=Action.sign, actor_id=STAFF)
    svc.tickets.apply(ticket_id=t.id, action=Action.contact, actor_id=STAFF)


def test_parse_leads():
    assert parse_leads("24h,2h,0") == (1440, 120, 0)
    assert parse_leads(" 1d , 30m，0 ") == (1440, 30, 0)
    for bad in ("", "2x", "h", "-2h", "40d"):
        with pytest.raises(ValueError):
            parse_leads(bad)


def test_steps_math():
    due = sh(2026, 11, 26, 18, 0)
    leads = (1440, 120, 0)
    assert current_step("complete", due, sh(2026, 11, 25, 17, 0), leads) is None
    assert current_step("complete", due, sh(2026, 11, 25, 18, 0), leads).lead == 1440
    assert current_step("complete", due, sh(2026, 11, 26, 18, 0), leads).lead == 0
    step = current_step("complete", due, sh(2026, 11, 28, 20, 0), leads)
    assert step.overdue and step.overdue_day == 2 and step.fire_at == sh(2026, 11, 28, 18, 1)
    assert next_fire(due, sh(2026, 11, 25, 9, 0), leads) == sh(2026, 11, 25, 18, 0)
    assert next_fire(due, sh(2026, 11, 26, 18, 0), leads) == sh(2026, 11, 26, 18, 1)
    assert next_fire(due, sh(2026, 11, 26, 18, 1), leads) == sh(2026, 11, 27, 18, 1)


def test_each_step_once_then_daily_when_overdue(svc: Services, rem: ReminderService,
                                                clock: MovableClock):
    t = new_ticket(svc, received=sh(2026, 11, 25, 10, 0), deadline=sh(2026, 11, 27, 18, 0))
    working(svc, t)
    at(clock, rem, sh(2026, 11, 25, 10, 0))  # plans: nothing due
    assert outbox(svc, "reminder") == []
    for when in (sh(2026, 11, 26, 18, 0), sh(2026, 11, 27, 16, 0), sh(2026, 11, 27, 18, 0)):
        at(clock, rem, when)
    msgs = outbox(svc, "reminder")
    assert [m.chat_id for m in msgs] == [STAFF, STAFF, STAFF]
    assert "还剩 1 天" in msgs[0].text and "还剩 2 小时" in msgs[1].text
    assert "时限已到" in msgs[2].text
    at(clock, rem, sh(2026, 11, 27, 18, 1))  # overdue: handler and the managers (no roster)
    over = outbox(svc, "reminder")[3:]
    assert sorted(m.chat_id for m in over) == sorted([STAFF, MANAGER])
    assert all("已超时" in m.text and "张值班" in m.text for m in over)
    at(clock, rem, sh(2026, 11, 28, 9, 0))
    assert len(outbox(svc, "reminder")) == 5  # nothing more until a day has passed
    at(clock, rem, sh(2026, 11, 28, 18, 1))
    assert len(outbox(svc, "reminder")) == 7
    assert [x for x in sent_steps(rem, t.id) if x[0] == "complete"] == [
        ("complete", 1440, "sent"), ("complete", 120, "sent"), ("complete", 0, "sent"),
        ("complete", -1, "sent"), ("complete", -1441, "sent")]
    # closing the stage stops them
    t_row = svc.tickets.get_by_id(t.id)
    with session_scope(svc.engine) as s:
        t_row.status = "已办结"
        t_row.next_reminder_at = None
        s.add(t_row)
    at(clock, rem, sh(2026, 11, 30, 18, 1))
    assert len(outbox(svc, "reminder")) == 7
    assert svc.tickets.get_by_id(t.id).next_reminder_at == NEVER


def test_past_leads_are_skipped_when_planning(svc: Services, rem: ReminderService,
                                              clock: MovableClock):
    # logged at 10:00 with a deadline 90 minutes away: 24 h and 2 h are already past
    t = new_ticket(svc, received=sh(2026, 11, 25, 10, 0), deadline=sh(2026, 11, 25, 11, 30))
    at(clock, rem, sh(2026, 11, 25, 10, 0))
    assert ("complete", 120, "skipped") in sent_steps(rem, t.id)
    assert outbox(svc, "reminder") == []
    at(clock, rem, sh(2026, 11, 25, 11, 30))
    assert len(outbox(svc, "reminder")) == 1


def test_coalesced_per_person_after_downtime(svc: Services, rem: ReminderService,
                                             clock: MovableClock):
    a = new_ticket(svc, received=sh(2026, 11, 25, 10, 0), deadline=sh(2026, 11, 26, 12, 0))
    b = new_ticket(svc, received=sh(2026, 11, 25, 10, 0), deadline=sh(2026, 11, 26, 13, 45))
    c = new_ticket(svc, actor=STAFF2, received=sh(2026, 11, 25, 10, 0),
                   deadline=sh(2026, 11, 26, 14, 0))
    at(clock, rem, sh(2026, 11, 25, 10, 0))
    # the bot is "down" until 13:30 the next day: a is overdue, b has 15 minutes left
    at(clock, rem, sh(2026, 11, 26, 13, 30))
    msgs = outbox(svc, "reminder")
    to_staff = [m for m in msgs if m.chat_id == STAFF]
    assert len(to_staff) == 1, [m.text for m in msgs]
    text = to_staff[0].text
    assert a.platform_no in text and b.platform_no in text and c.platform_no not in text
    assert "已处理 #1" in to_staff[0].buttons and "1小时后提醒 #2" in to_staff[0].buttons
    assert len([m for m in msgs if m.chat_id == STAFF2]) == 1
    # only the latest step of each deadline is sent, each recorded once
    assert [x for x in sent_steps(rem, a.id) if x[0] == "complete"][-1] == (
        "complete", -1, "sent")
    assert [x for x in sent_steps(rem, b.id) if x[0] == "complete"][-1] == (
        "complete", 120, "sent")
    at(clock, rem, sh(2026, 11, 26, 13, 31))
    assert len(outbox(svc, "reminder")) == len(msgs)
    at(clock, rem, sh(2026, 11, 26, 13, 45))
    new = outbox(svc, "reminder")[len(msgs):]
    assert [m.chat_id for m in new] == [STAFF] and "时限已到" in new[0].text


def test_extension_gets_fresh_reminders(svc: Services, rem: ReminderService,
                                        clock: MovableClock):
    t = new_ticket(svc, received=sh(2026, 11, 25, 10, 0), deadline=sh(2026, 11, 26, 18, 0))
    working(svc, t)
    at(clock, rem, sh(2026, 11, 25, 10, 5))
    at(clock, rem, sh(2026, 11, 26, 16, 0))
    assert len(outbox(svc, "reminder")) == 1  # 2 h before
    svc.tickets.apply(ticket_id=t.id, action=Action.extend, actor_id=STAFF,
                      data=ActionInput(new_deadline=sh(2026, 11, 30, 18, 0), note="延期"))
    at(clock, rem, sh(2026, 11, 26, 18, 5))
    assert len(outbox(svc, "reminder")) == 1  # the old deadline is gone
    at(clock, rem, sh(2026, 11, 30, 16, 0))
    msgs = outbox(svc, "reminder")
    assert len(msgs) == 2 and "11月30日 18:00" in msgs[-1].text
    leads = [(r.lead, r.due_at) for r in rem.delivery.ledger(t.id) if r.kind == "complete"]
    assert (120, sh(2026, 11, 26, 18, 0)) in leads and (120, sh(2026, 11, 30, 18, 0)) in leads


def test_snooze_reminds_once_more(svc: Services, rem: ReminderService, clock: MovableClock):
    t = new_ticket(svc, received=sh(2026, 11, 25, 10, 0), deadline=sh(2026, 11, 26, 18, 0))
    working(svc, t)
    at(clock, rem, sh(2026, 11, 25, 10, 0))
    at(clock, rem, sh(2026, 11, 25, 18, 0))
    assert len(outbox(svc, "reminder")) == 1
    until = rem.snoozes.snooze(ticket_id=t.id, kind="complete", chat_id=STAFF)
    assert until == sh(2026, 11, 25, 19, 0)
    # no doubles
    assert rem.snoozes.snooze(ticket_id=t.id, kind="complete", chat_id=STAFF) == until
    at(clock, rem, sh(2026, 11, 25, 18, 59))
    assert len(outbox(svc, "reminder")) == 1
    at(clock, rem, sh(2026, 11, 25, 19, 0))
    at(clock, rem, sh(2026, 11, 25, 20, 30))
    msgs = outbox(svc, "reminder")
    assert len(msgs) == 2 and msgs[-1].chat_id == STAFF and "稍后提醒" in msgs[-1].text
    with pytest.raises(ReminderError):
        rem.snoozes.snooze(ticket_id=t.id, kind="sign-ish", chat_id=STAFF)


def test_record_done_writes_an_event(svc: Services, rem: ReminderService):
    t = new_ticket(svc)
    rem.done.record(ticket_id=t.id, actor_id=STAFF, note="  已电话催办  朝阳医院 ")
    ev = svc.tickets.events(t.id)[-1]
    assert ev.action == "提醒已处理" and ev.note == "已电话催办 朝阳医院"
    with pytest.raises(ReminderError):
        rem.done.record(ticket_id=t.id, actor_id=STAFF, note="   ")


def test_overnight_sweep_and_counts(svc: Services, rem: ReminderService, clock: MovableClock):
    signed = new_ticket(svc, received=sh(2026, 11, 25, 19, 0))
    later = new_ticket(svc, received=sh(2026, 11, 25, 19, 0))
    fresh = new_ticket(svc, received=sh(2026, 11, 25, 19, 0))  # 待签收: not in the sweep
    clock.set(sh(2026, 11, 25, 19, 30))
    for t in (signed, later):
        svc.tickets.apply(ticket_id=t.id, action=Action.sign, actor_id=STAFF)
    at(clock, rem, sh(2026, 11, 25, 20, 59))
    assert outbox(svc, "overnight") == []
    at(clock, rem, sh(2026, 11, 25, 21, 0))
    msgs = outbox(svc, "overnight")
    assert sorted(m.chat_id for m in msgs) == sorted([STAFF, MANAGER])
    assert signed.platform_no in msgs[0].text and fresh.platform_no not in msgs[0].text
    assert "张三丰" not in msgs[0].text and "13800138000" not in msgs[0].text
    at(clock, rem, sh(2026, 11, 25, 22, 0))
    assert len(outbox(svc, "overnight")) == 2  # once per evening
    clock.set(sh(2026, 11, 25, 23, 0))
    svc.tickets.apply(ticket_id=later.id, action=Action.dispatch, actor_id=STAFF,
                      data=ActionInput(units=["朝阳医院"]))
    report = rem.sweep.overnight_report(sh(2026, 11, 25).date())
    assert (report.flagged, report.left) == (2, 1)
    assert report.platform_nos == (signed.platform_no,)
    assert rem.overnight_left(sh(2026, 11, 26).date()) == 1


def test_due_digest_to_the_group_is_masked(svc: Services, rem: ReminderService,
                                           clock: MovableClock):
    today = new_ticket(svc, received=sh(2026, 11, 24, 9, 0), deadline=sh(2026, 11, 25, 17, 0))
    new_ticket(svc, received=sh(2026, 11, 24, 9, 0), deadline=sh(2026, 11, 28, 17, 0))
    at(clock, rem, sh(2026, 11, 25, 7, 59))
    assert outbox(svc, "digest") == []
    at(clock, rem, sh(2026, 11, 25, 8, 0))
    at(clock, rem, sh(2026, 11, 25, 8, 30))
    msgs = outbox(svc, "digest")
    assert len(msgs) == 1 and msgs[0].chat_id == DUTY_GROUP
    assert today.platform_no in msgs[0].text and "今天到期" in msgs[0].text
    assert "今日时限提醒" in msgs[0].text
    assert "张三丰" not in msgs[0].text and "13800138000" not in msgs[0].text
    assert "已超时" in msgs[0].text  # yesterday's sign deadline (2 h after 09:00)


def test_holiday_notice_once_a_day_while_uncovered(svc: Services, rem: ReminderService,
                                                   clock: MovableClock):
    at(clock, rem, sh(2026, 11, 25, 8, 0))
    at(clock, rem, sh(2026, 11, 25, 8, 40))
    msgs = outbox(svc, "holidays")
    assert len(msgs) == 1 and msgs[0].chat_id == MANAGER and "2027" in msgs[0].text
    at(clock, rem, sh(2026, 11, 26, 8, 5))
    assert len(outbox(svc, "holidays")) == 2
    rem.holidays._noticed_on = None  # a restart the same morning: the outbox key stops a
    rem.digest._posted_on = None  # repeat
    at(clock, rem, sh(2026, 11, 26, 8, 6))
    assert len(outbox(svc, "holidays")) == 2
    clock.set(sh(2026, 9, 1, 8, 0))  # the next 60 days are all known: no notice
    rem.holidays._noticed_on = None
    assert rem.holidays.notice(clock.now()) == []


def test_crash_between_ledger_and_outbox_is_repaired(svc: Services, rem: ReminderService,
                                                     clock: MovableClock,
                                                     monkeypatch: pytest.MonkeyPatch):
    t = new_ticket(svc, received=sh(2026, 11, 25, 10, 0), deadline=sh(2026, 11, 26, 18, 0))
    working(svc, t)
    at(clock, rem, sh(2026, 11, 25, 10, 0))
    real = svc.outbox.enqueue_many

    def boom(*args: object, **kw: object) -> int | None:
        raise RuntimeError("killed")

    monkeypatch.setattr(svc.outbox, "enqueue_many", boom)
    clock.set(sh(2026, 11, 25, 18, 0))
    with pytest.raises(RuntimeError):
        rem.scan(clock.now())
    with session_scope(svc.engine) as s:
        rows = s.exec(select(ReminderSent).where(ReminderSent.ticket_id == t.id,
                                                 ReminderSent.status == "sent")).all()
        assert len(rows) == 1 and not rows[0].enqueued
    monkeypatch.setattr(svc.outbox, "enqueue_many", real)
    at(clock, rem, sh(2026, 11, 25, 18, 1))
    msgs = outbox(svc, "reminder")
    assert len(msgs) == 1 and "还剩 23 小时" in msgs[0].text
    assert all(r.enqueued for r in rem.delivery.ledger(t.id))


def test_scan_reads_only_due_tickets(svc: Services, rem: ReminderService, clock: MovableClock):
    for _ in range(5):
        new_ticket(svc, received=sh(2026, 11, 25, 10, 0))
    first = rem.scan(clock.now())
    assert first.planned == 5
    again = rem.scan(clock.now() + timedelta(seconds=20))
    assert (again.planned, again.reminders) == (0, 0)
