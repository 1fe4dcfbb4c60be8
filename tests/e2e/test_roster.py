"""Roster end to end: /duty at shift boundaries, /roster, /roster_set, /special, /handover,
swaps with approval and expiry, and `python -m bot roster import` with bad rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.cli import main as cli_main
from bot.config import DEFAULT_TZ as SHANGHAI
from tests.e2e.harness import (
    DUTY_GROUP,
    LEADER,
    MANAGER,
    STAFF,
    STAFF2,
    STRANGER,
    Harness,
    buttons,
    text_of,
)

D = date(2026, 11, 26)  # a Thursday


def at(d: date, h: int, mi: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, h, mi, tzinfo=SHANGHAI)


def put(team: Harness, d: date, shift: str, *people: str) -> None:
    assert team.svc.roster is not None
    team.svc.roster.set_slot(d=d, shift_name=shift, people=list(people), actor_id=MANAGER)


async def test_duty_at_shift_boundaries(team: Harness):
    put(team, D - timedelta(days=1), "夜班", "李值班:带班")
    put(team, D, "白班", "张值班:带班", "李值班")
    team.clock.set(at(D, 7, 59))
    text = text_of(await team.say(STAFF, "/duty"))
    now_part, next_part = text.split("下一班")
    assert "夜班" in now_part and "带班：李值班" in now_part
    assert "白班" in next_part and "带班：张值班" in next_part
    assert "张值班（带班）、李值班" in next_part
    team.clock.set(at(D, 8, 0))
    now_part, next_part = text_of(await team.say(LEADER, "/duty")).split("下一班")
    assert "白班" in now_part and "带班：张值班" in now_part and "工作日 · 日常专班" in now_part
    assert "夜班" in next_part and "未排班" in next_part and "带班：未指定" in next_part
    # in the group too, and other features see the same thing
    assert "带班：张值班" in text_of(await team.say(STAFF2, "/duty", chat_id=DUTY_GROUP))
    assert team.svc.roster.shift_lead(team.clock.now()).telegram_id == STAFF


async def test_duty_refused_to_strangers(team: Harness):
    replies = await team.say(STRANGER, "/duty")
    assert "带班" not in text_of(replies) and str(STRANGER) in text_of(replies)


async def test_roster_this_and_next_week(team: Harness):
    put(team, D, "夜班", "张值班:带班")
    put(team, D + timedelta(days=7), "白班", "李值班")
    this_week = text_of(await team.say(STAFF, "/roster"))
    assert "本周排班" in this_week and "张值班（带班）" in this_week and "李值班" not in this_week
    assert "周末专班" in this_week and "11月28日（周六）" in this_week
    nxt = text_of(await team.say(STAFF, "/roster next"))
    assert "下周排班" in nxt and "李值班" in nxt
    assert "用法" in text_of(await team.say(STAFF, "/roster 明年"))


async def test_roster_set_by_manager_tells_the_people(team: Harness):
    mark = team.emu.mark()
    text = text_of(await team.say(MANAGER, "/roster_set 2026-11-26 夜班 张值班:带班 李值班"))
    assert "已更新排班" in text and "带班：张值班" in text
    note = await team.emu.wait_for_message(STAFF2, contains="排班变更", after=mark, timeout=5)
    assert "夜班" in note["text"] and "你已被安排值班" in note["text"]
    assert "项目经理" not in note["text"]  # whoever set it (here a manager; could be an admin)
    mark = team.emu.mark()
    await team.say(MANAGER, "/roster_set 2026-11-26 夜班 李值班:带班")
    assert "调出" in (await team.emu.wait_for_message(STAFF, contains="排班变更", after=mark))[
        "text"]
    assert [m.telegram_id for m in team.svc.roster.members(D, "夜班")] == [STAFF2]


async def test_roster_set_refusals_and_bad_input(team: Harness):
    assert "不能使用" in text_of(await team.say(STAFF, "/roster_set 2026-11-26 夜班 张值班"))
    for cmd, expect in [("/roster_set", "用法"), ("/roster_set 2026-11-31 夜班 张值班", "日期"),
                        ("/roster_set 2026-11-26 早班 张值班", "班次“早班”不存在"),
                        ("/roster_set 2026-11-26 夜班 路人甲", "不是在册人员")]:
        assert expect in text_of(await team.say(MANAGER, cmd)), cmd
    assert team.svc.roster.members(D, "夜班") == []


async def test_special_period_puts_the_holiday_team_on(team: Harness):
    assert "不能使用" in text_of(await team.say(STAFF, "/special 2026-11-26 2026-11-27 两会"))
    assert "用法" in text_of(await team.say(MANAGER, "/special 2026-11-26"))
    assert "早于" in text_of(await team.say(MANAGER, "/special 2026-11-27 2026-11-26 两会"))
    text = text_of(await team.say(MANAGER, "/special 2026-11-26 2026-11-27 重要时段：两会"))
    assert "已设特殊时段" in text and "节假日专班" in text
    assert "两会" in text_of(await team.say(MANAGER, "/special"))
    team.clock.set(at(D, 9))
    assert "节假日专班 · 重要时段：两会" in text_of(await team.say(STAFF, "/duty"))


async def test_handover_note_goes_out_with_the_next_handover(team: Harness):
    put(team, D, "白班", "张值班:带班")
    put(team, D, "夜班", "李值班:带班")
    team.clock.set(at(D, 19, 30))
    assert "已记录交接事项" in text_of(await team.say(STAFF, "/handover 朝阳医院的反馈要催"))
    assert "用法" in text_of(await team.say(STAFF, "/handover"))
    assert "不能使用" in text_of(await team.say(LEADER, "/handover 随便"))
    mark = team.emu.mark()
    team.clock.set(at(D, 20, 0))
    await team.run_due()
    group = await team.emu.wait_for_message(DUTY_GROUP, contains="交接班", after=mark, timeout=5)
    assert "朝阳医院的反馈要催" in group["text"] and "李值班（带班）" in group["text"]
    private = await team.emu.wait_for_message(STAFF2, contains="交接班", after=mark, timeout=5)
    assert "朝阳医院的反馈要催" in private["text"]


# --------------------------------------------------------------------------- swaps


async def _offer(team: Harness) -> dict:
    put(team, D, "夜班", "张值班:带班")
    replies = await team.say(STAFF, "/swap")
    picker = replies[-1]
    assert "请选择" in picker["text"] and buttons(picker) == ["11-26 夜班 20:00–次日08:00"]
    mark = team.emu.mark()
    await team.press(STAFF, picker, buttons(picker)[0])
    assert "已在值班群发布换班" in team.current(picker)["text"]
    return await team.emu.wait_for_message(DUTY_GROUP, contains="需要人接班", after=mark,
                                           timeout=5)


async def test_swap_taken_and_approved(team: Harness):
    offer = await _offer(team)
    assert buttons(offer) == ["接班"]
    mark = team.emu.mark()
    await team.press(STAFF, offer, "接班")  # not your own
    assert "不能接自己" in team.callback_answers(mark)[-1]["text"]
    await team.press(LEADER, offer, "接班")  # leaders are not on the roster
    assert "不能使用" in team.callback_answers(mark)[-1]["text"]
    mark = team.emu.mark()
    await team.press(STAFF2, offer, "接班")
    assert "李值班 已接班" in team.current(offer)["text"] and buttons(team.current(offer)) == []
    ask = await team.emu.wait_for_message(MANAGER, contains="换班待批准", after=mark, timeout=5)
    assert buttons(ask) == ["批准", "驳回"]
    mark = team.emu.mark()
    await team.press(MANAGER, ask, "批准")
    assert "换班已批准" in team.current(ask)["text"]
    await team.emu.wait_for_message(DUTY_GROUP, contains="换班已批准", after=mark, timeout=5)
    assert "换班已批准" in team.current(offer)["text"]
    to_staff = await team.emu.wait_for_message(STAFF, contains="换班已批准", after=mark)
    to_taker = await team.emu.wait_for_message(STAFF2, contains="换班已批准", after=mark)
    assert "李值班 接替" in to_staff["text"] and "你接替 张值班" in to_taker["text"]
    members = team.svc.roster.members(D, "夜班")
    assert [(m.telegram_id, m.role) for m in members] == [(STAFF2, "带班")]
    team.clock.set(at(D, 21))
    assert "带班：李值班" in text_of(await team.say(LEADER, "/duty"))


async def test_swap_needs_a_manager_and_can_be_rejected(team: Harness):
    offer = await _offer(team)
    mark = team.emu.mark()
    await team.press(STAFF2, offer, "接班")
    ask = await team.emu.wait_for_message(MANAGER, contains="换班待批准", after=mark, timeout=5)
    # a staff member pressing a stale 批准 (e.g. forwarded) is refused
    mark = team.emu.mark()
    await team.press_data(STAFF2, DUTY_GROUP, offer["message_id"],
                          ask["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
                          check=False)
    assert "不能使用" in team.callback_answers(mark)[-1]["text"]
    await team.press(MANAGER, ask, "驳回")
    assert "换班已驳回" in team.current(ask)["text"]
    await team.emu.wait_for_message(STAFF, contains="换班被驳回", after=mark, timeout=5)
    assert [m.telegram_id for m in team.svc.roster.members(D, "夜班")] == [STAFF]


async def test_swap_offer_expires_by_itself(team: Harness):
    offer = await _offer(team)
    mark = team.emu.mark()
    team.clock.set(at(D, 10, 1))  # offered 11-25 10:00, open for 24 hours
    await team.run_due()
    await team.emu.wait_for_message(DUTY_GROUP, contains="换班已过期", after=mark, timeout=5)
    assert "已过期" in team.current(offer)["text"] and buttons(team.current(offer)) == []
    await team.emu.wait_for_message(STAFF, contains="换班申请已过期", after=mark, timeout=5)
    assert [m.telegram_id for m in team.svc.roster.members(D, "夜班")] == [STAFF]


async def test_swap_refusals(team: Harness):
    assert "没有尚未开始的班次" in text_of(await team.say(STAFF, "/swap"))
    assert "不能使用" in text_of(await team.say(LEADER, "/swap"))
    assert "私聊" in text_of(await team.say(STAFF, "/swap", chat_id=DUTY_GROUP))


# --------------------------------------------------------------------------- import


@pytest.fixture
def cli_env(team: Harness, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", team.svc.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("HOLIDAYS_FILE", str(tmp_path / "holidays.yaml"))
    return tmp_path


async def test_roster_import_bad_rows_then_good_file(team: Harness, cli_env, capsys):
    bad = cli_env / "bad.csv"
    bad.write_text("date,shift,staff,role\n"
                   "2026-11-26,白班,张值班,带班\n"
                   "2026-11-26,白班,李值班\n"
                   "2026-11-26,夜班,不存在的人,\n"
                   "2026/11/32,夜班,李值班,\n"
                   "2026-11-26,白班,张值班,\n", encoding="utf-8")
    assert cli_main(["roster", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "整个文件未导入" in err and "第 4 行" in err and "第 5 行" in err and "第 6 行" in err
    assert "第 2 行：" not in err and "第 3 行：" not in err
    assert team.svc.roster.members(D, "白班") == []
    good = cli_env / "good.csv"
    good.write_text("date,shift,staff,role\n2026-11-26,白班,张值班,带班\n"
                    f"2026-11-26,白班,{STAFF2},\n2026-11-26,夜班,李值班,带班\n", encoding="utf-8")
    assert cli_main(["roster", "import", str(good)]) == 0
    assert "已导入 3 条排班" in capsys.readouterr().out
    team.clock.set(at(D, 12))
    text = text_of(await team.say(STAFF, "/duty"))
    assert "带班：张值班" in text and "张值班（带班）、李值班" in text
