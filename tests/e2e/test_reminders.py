"""Reminders end to end through the emulator: each once on a moved clock, snooze, 已处理,
the 21:00 sweep, /holidays, and kill -9 with reminders falling due while the bot is down."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import Clock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.staff.directory import StaffDirectory
from bot.services.tickets.service import TicketService
from bot.services.tickets.workflow import Action
from models.db import session_scope
from models.staff import Role
from models.ticket import Ticket
from tests.e2e.harness import (
    ADMIN,
    DUTY_GROUP,
    MANAGER,
    STAFF,
    STAFF2,
    STRANGER,
    Harness,
    buttons,
    text_of,
)
from tests.e2e.subprocess_bot import (
    HANG,
    kill_bot,
    pending,
    restarted,
    start_bot,
    until,
    wall_clock_past,
)
from tests.reminders.conftest import parsed


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def log(h: Harness, *, deadline: datetime, actor: int = STAFF, working: bool = True) -> Ticket:
    t = h.svc.tickets.create(data=parsed(received=h.clock.now(), deadline=deadline),
                             actor_id=actor).ticket
    if working:  # signed and contacted: only the completion deadline is left
        h.svc.tickets.apply(ticket_id=t.id, action=Action.sign, actor_id=actor)
        h.svc.tickets.apply(ticket_id=t.id, action=Action.contact, actor_id=actor)
    return t


def sends(h: Harness, chat_id: int, words: str) -> list[dict]:
    return [c.result for c in h.emu.calls if c.method == "sendMessage" and c.ok
            and c.result["chat"]["id"] == chat_id and words in c.result["text"]]


async def move(h: Harness, when: datetime) -> None:
    """Set the clock and run the scheduler twice (a repeat would show up here), each time
    waiting until the courier has sent everything due."""
    h.clock.set(when)
    await h.run_due()
    await h.run_due()


async def test_each_reminder_once_on_a_moved_clock(team: Harness):
    t = log(team, deadline=sh(2026, 11, 27, 18, 0))
    await move(team, sh(2026, 11, 25, 10, 1))
    assert sends(team, STAFF, t.platform_no) == []
    await move(team, sh(2026, 11, 26, 18, 0))
    await move(team, sh(2026, 11, 27, 16, 0))
    await move(team, sh(2026, 11, 27, 18, 0))
    got = sends(team, STAFF, t.platform_no)
    assert len(got) == 3
    assert "还剩 1 天" in got[0]["text"] and "还剩 2 小时" in got[1]["text"]
    assert "时限已到" in got[2]["text"]
    assert buttons(got[0]) == ["已处理", "1小时后提醒"]
    assert "张三丰" not in got[0]["text"] and "13800138000" not in got[0]["text"]
    await move(team, sh(2026, 11, 27, 18, 1))
    assert len(sends(team, STAFF, "超时提醒")) == 1
    assert len(sends(team, MANAGER, t.platform_no)) == 1  # no roster yet: the managers
    await move(team, sh(2026, 11, 28, 18, 2))
    assert len(sends(team, STAFF, "超时提醒")) == 2  # once a day until resolved
    assert len(sends(team, STAFF, t.platform_no)) == 5


async def test_snooze_button_reminds_once_an_hour_later(team: Harness):
    t = log(team, deadline=sh(2026, 11, 26, 18, 0))
    await move(team, sh(2026, 11, 25, 10, 1))
    await move(team, sh(2026, 11, 25, 18, 0))
    reminder = sends(team, STAFF, t.platform_no)[-1]
    mark = team.emu.mark()
    await team.press(STAFF, reminder, "1小时后提醒")
    assert "19:00 再提醒" in team.callback_answers(mark)[-1]["text"]
    await move(team, sh(2026, 11, 25, 18, 59))
    assert len(sends(team, STAFF, t.platform_no)) == 1
    await move(team, sh(2026, 11, 25, 19, 0))
    await move(team, sh(2026, 11, 25, 20, 30))
    again = sends(team, STAFF, t.platform_no)
    assert len(again) == 2 and "稍后提醒" in again[-1]["text"]


async def test_done_button_records_what_was_done(team: Harness):
    t = log(team, deadline=sh(2026, 11, 26, 18, 0))
    await move(team, sh(2026, 11, 25, 10, 1))
    await move(team, sh(2026, 11, 25, 18, 0))
    reminder = sends(team, STAFF, t.platform_no)[-1]
    prompt = await team.press(STAFF, reminder, "已处理")
    assert "做了什么处理" in text_of(prompt)
    assert "已记入" in text_of(await team.say(STAFF, "已电话催办朝阳医院，承诺明天反馈"))
    history = team.svc.tickets.events(t.id)
    assert history[-1].action == "提醒已处理" and "催办" in history[-1].note
    # a leader may read tickets but not record handling
    team.add(3009, "leader", "孙主任")
    team.emu.add_user(3009, "孙主任")
    answer = await team.press_data(3009, STAFF, reminder["message_id"], f"rm1:done:{t.id}")
    assert answer is not None and "不能使用" in answer["text"]


async def test_done_button_cancel_records_nothing(team: Harness):
    t = log(team, deadline=sh(2026, 11, 26, 18, 0))
    await move(team, sh(2026, 11, 25, 10, 1))
    await move(team, sh(2026, 11, 25, 18, 0))
    await team.press(STAFF, sends(team, STAFF, t.platform_no)[-1], "已处理")
    assert "已取消" in text_of(await team.say(STAFF, "/cancel"))
    assert all(e.action != "提醒已处理" for e in team.svc.tickets.events(t.id, limit=20))


async def test_overnight_sweep_at_21(team: Harness):
    signed = log(team, deadline=sh(2026, 11, 30, 18, 0), working=False)
    team.svc.tickets.apply(ticket_id=signed.id, action=Action.sign, actor_id=STAFF)
    waiting = log(team, deadline=sh(2026, 11, 30, 18, 0), working=False)  # 待签收
    await move(team, sh(2026, 11, 25, 20, 59))
    assert sends(team, STAFF, "案件不过夜") == []
    await move(team, sh(2026, 11, 25, 21, 0))
    await move(team, sh(2026, 11, 25, 21, 30))
    for chat in (STAFF, MANAGER):
        got = sends(team, chat, "案件不过夜")
        assert len(got) == 1 and signed.platform_no in got[0]["text"]
        assert waiting.platform_no not in got[0]["text"]
    assert team.svc.reminders.overnight_left(sh(2026, 11, 26).date()) == 1


async def test_holidays_command(team: Harness):
    text = text_of(await team.say(STAFF, "/holidays"))
    assert "未来 30 天" in text and "没有法定节假日" in text
    text = text_of(await team.say(STAFF, "/holidays 60"))
    assert "元旦（暂定）" in text and "尚未导入 2027 年" in text
    text = text_of(await team.say(STAFF, "/holidays 60", chat_id=DUTY_GROUP))
    assert "元旦" in text
    team.clock.set(sh(2026, 9, 25, 10, 0))
    text = text_of(await team.say(MANAGER, "/holidays"))
    assert "国庆节" in text and "调休上班" in text and "均已掌握" in text


async def test_holidays_bad_input_and_stranger(team: Harness):
    assert "用法" in text_of(await team.say(STAFF, "/holidays 明天"))
    assert "用法" in text_of(await team.say(STAFF, "/holidays 500"))
    replies = await team.say(STRANGER, "/holidays")
    assert len(replies) == 1 and str(STRANGER) in replies[0]["text"]  # refused, learns nothing


async def test_holiday_notice_to_managers_in_the_morning(team: Harness):
    await move(team, sh(2026, 11, 26, 8, 0))
    await move(team, sh(2026, 11, 26, 8, 30))
    got = sends(team, MANAGER, "节假日安排")
    assert len(got) == 1 and "holidays import" in got[0]["text"]
    assert len(sends(team, DUTY_GROUP, "今日时限提醒")) == 1


async def test_sigkill_restart_sends_due_reminders_once_coalesced(
        emu, engine, database_url, tmp_path):  # type: ignore[no-untyped-def]
    """kill -9; reminders planned in the database fall due while the bot is down; after the
    restart each goes out once, one message per person; nothing sent before is repeated."""
    clock = Clock(SHANGHAI)
    staff = StaffDirectory(engine, clock)
    staff.ensure_admins((ADMIN,))
    for uid, role, name in [(STAFF, "staff", "张值班"), (STAFF2, "staff", "李值班"),
                            (MANAGER, "manager", "赵经理")]:
        staff.add(actor_id=ADMIN, telegram_id=uid, role=Role(role), name=name)
    from bot.app import build_services
    from tests.e2e.conftest import make_settings

    svc = build_services(make_settings(emu, engine, tmp_path), engine=engine, clock=clock)
    tickets: TicketService = svc.tickets
    reminders = svc.reminders

    def logged(seconds: float, actor: int = STAFF) -> Ticket:
        now = clock.now()
        t = tickets.create(data=parsed(received=now, deadline=now + timedelta(seconds=seconds)),
                           actor_id=actor).ticket
        tickets.apply(ticket_id=t.id, action=Action.sign, actor_id=actor)
        tickets.apply(ticket_id=t.id, action=Action.contact, actor_id=actor)
        return t

    def planned(*ts: Ticket) -> bool:
        with session_scope(engine) as s:
            return all(s.get(Ticket, t.id).next_reminder_at is not None for t in ts)

    def reminders_to(chat_id: int) -> list[dict]:
        return [c.result for c in emu.calls if c.method == "sendMessage" and c.ok
                and c.result["chat"]["id"] == chat_id and "时限" in c.result["text"]]

    first = logged(0.2)  # due by the time the bot has started
    proc = start_bot(emu, database_url, tmp_path)
    try:
        await emu.wait_for_message(STAFF, contains=first.platform_no, timeout=HANG)
        await until(lambda: not pending(engine))  # the bot recorded that it was sent
    finally:
        kill_bot(proc)
    # logged and planned (the scan a running bot makes) before they fall due
    before = clock.now()
    b, c, d = logged(0.3), logged(0.5), logged(0.5, STAFF2)
    reminders.scan(before)
    # The overnight sweep (after OVERNIGHT_SWEEP_AT) may fall to this scan: the first run's
    # producers run beside its courier (off the event loop) and may not have reached it yet
    # when it was killed. Reminders for b, c and d are only planned, nothing is owed yet.
    assert planned(b, c, d) and not [r for r in pending(engine) if r.kind != "overnight"]
    await wall_clock_past(d.complete_by)
    assert not [m for m in reminders_to(STAFF) if b.platform_no in m["text"]]
    async with restarted(emu, engine, tmp_path):
        msg = await emu.wait_for_message(STAFF, contains=b.platform_no, timeout=HANG)
        await emu.wait_for_message(STAFF2, contains=d.platform_no, timeout=HANG)
        await until(lambda: not pending(engine))
    # stopped: nothing more can be sent, the counts below are final
    assert c.platform_no in msg["text"] and "2 项" in msg["text"]  # coalesced
    to_staff = reminders_to(STAFF)
    assert len([m for m in to_staff if first.platform_no in m["text"]]) == 1
    assert len([m for m in to_staff if b.platform_no in m["text"]]) == 1
    assert len([m for m in to_staff if c.platform_no in m["text"]]) == 1
    assert len([m for m in reminders_to(STAFF2) if d.platform_no in m["text"]]) == 1
    for t in (first, b, c, d):
        sent = [(r.kind, r.lead) for r in reminders.delivery.ledger(t.id) if r.status == "sent"]
        assert sent == [("complete", 0)], (t.platform_no, sent)
