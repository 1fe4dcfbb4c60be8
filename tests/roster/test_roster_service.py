"""Roster service: import (all-or-nothing), on_duty at boundaries, quick changes, swaps."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from openpyxl import Workbook
from sqlmodel import col, select

from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.outbox.store import Outbox
from bot.services.outbox.wakeup import Wakeup
from bot.services.roster.errors import Refusal, RosterError, RosterImportError
from bot.services.roster.model import split_role
from bot.services.roster.service import RosterService, build_roster
from bot.services.roster.shifts import ShiftConfig
from bot.texts import roster as texts
from models.db import session_scope
from models.outbox import OutboxMessage
from tests.roster.conftest import GROUP, LI, WANG, ZHANG, ZHAO
from tests.roster.helpers import refused

D = date(2026, 11, 26)


def at(d: date, h: int, mi: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, h, mi, tzinfo=SHANGHAI)


def write_csv(tmp_path, text: str, name: str = "r.csv"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


GOOD = """date,shift,staff,role
2026-11-26,白班,张值班,带班
2026-11-26,白班,李值班,
2026-11-26,夜班,王值班,带班
2026-11-27,白班,2002,lead
"""


def test_csv_import_and_on_duty(roster: RosterService, tmp_path):
    r = roster.import_file(write_csv(tmp_path, GOOD), actor_id=1)
    assert (r.rows, r.slots, r.replaced) == (4, 3, 0)
    on = roster.on_duty(at(D, 9))
    assert [(m.name, m.role) for m in on] == [("张值班", "带班"), ("李值班", "")]
    assert roster.shift_lead(at(D, 9)).telegram_id == ZHANG
    # night: 20:00 on D up to 08:00 on D+1 belongs to D's 夜班
    assert [m.telegram_id for m in roster.on_duty(at(D, 20))] == [WANG]
    assert [m.telegram_id for m in roster.on_duty(at(D + timedelta(days=1), 7, 59))] == [WANG]
    nxt = roster.next_shift(at(D + timedelta(days=1), 7, 59))
    assert nxt.instance.name == "白班" and nxt.lead.telegram_id == LI  # "lead" → 带班
    assert roster.current_shift(at(D, 19, 59)).instance.name == "白班"
    assert roster.on_duty(at(D - timedelta(days=1), 12)) == []


def test_reimport_replaces_only_the_named_slots(roster, tmp_path):
    roster.import_file(write_csv(tmp_path, GOOD), actor_id=1)
    r = roster.import_file(write_csv(tmp_path, "date,shift,staff\n2026-11-26,白班,王值班\n",
                                     "b.csv"), actor_id=1)
    assert r.replaced == 2
    assert [m.name for m in roster.members(D, "白班")] == ["王值班"]
    assert [m.name for m in roster.members(D, "夜班")] == ["王值班"]  # untouched


def test_bad_rows_refuse_the_whole_file_listing_each(roster, tmp_path):
    text = """date,shift,staff,role
2026-11-26,白班,张值班,带班
2026-13-01,白班,张值班,
2026-11-26,中班,李值班,
2026-11-26,夜班,查无此人,
2026-11-26,白班,张值班,
,白班,,
"""
    with pytest.raises(RosterImportError) as exc:
        roster.import_file(write_csv(tmp_path, text), actor_id=1)
    rows = {r for r, _ in exc.value.errors}
    assert rows == {3, 4, 5, 6, 7}
    msg = texts.error(exc.value)
    assert "第 3 行" in msg and "日期" in msg and "中班" in msg and "查无此人" in msg
    assert "与第 2 行重复" in msg and "缺少值班人员" in msg
    assert texts.import_problems(exc.value)[:3] == [
        "第 3 行：日期“2026-13-01”无效，应为 YYYY-MM-DD",
        "第 4 行：班次“中班”不存在（可用：白班、夜班）",
        "第 5 行：“查无此人”不是在册人员（请先用 /adduser 登记，或写 TG号）"]
    assert roster.members(D, "白班") == []  # nothing went in


def test_overlapping_shifts_are_refused(engine, clock, staff, calendar, tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("shifts:\n  - {name: 白班, start: '08:00', end: '20:00'}\n"
                 "  - {name: 夜班, start: '20:00', end: '08:00'}\n"
                 "  - {name: 中班, start: '12:00', end: '21:00'}\n", encoding="utf-8")
    roster = build_roster(engine=engine, clock=clock, staff=staff, calendar=calendar,
                          config=ShiftConfig.load(f, tz=SHANGHAI),
                          outbox=Outbox(engine, clock, Wakeup()), duty_group_id=None)
    ok = "date,shift,staff\n2026-11-26,白班,张值班\n2026-11-26,夜班,张值班\n"
    roster.import_file(write_csv(tmp_path, ok), actor_id=1)  # back to back: 24 h duty is fine
    with pytest.raises(RosterImportError) as exc:
        roster.import_file(write_csv(tmp_path, "date,shift,staff\n2026-11-26,中班,张值班\n",
                                     "b.csv"), actor_id=1)
    assert exc.value.errors[0][0] == 2
    assert texts.import_problems(exc.value) == [
        "第 2 行：张值班 的 2026-11-26 中班 与现有排班的 2026-11-26 白班 时间重叠",
        "第 2 行：张值班 的 2026-11-26 夜班 与第 2 行的 2026-11-26 中班 时间重叠"]
    with refused("重叠"):
        roster.set_slot(d=D, shift_name="中班", people=["张值班"], actor_id=ZHAO)


def test_xlsx_import_with_dates_and_ids(roster, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["date", "shift", "staff", "role"])
    ws.append([datetime(2026, 11, 26), "夜班", ZHANG, "带班"])
    ws.append(["2026-11-26", "夜班", "李值班", None])
    ws.append([None, None, None, None])
    ws.append(["2026-11-27", "夜班", "nobody", None])
    f = tmp_path / "r.xlsx"
    wb.save(f)
    with pytest.raises(RosterImportError) as exc:
        roster.import_file(f, actor_id=1)
    assert [r for r, _ in exc.value.errors] == [5]
    ws.delete_rows(5)
    wb.save(f)
    assert roster.import_file(f, actor_id=1).rows == 2
    assert roster.shift_lead(at(D, 21)).name == "张值班"


def test_header_and_file_type_errors(roster, tmp_path):
    with refused("第 1 行：表头应为 date,shift,staff,role（role 可省略），缺少：date, shift"):
        roster.import_file(write_csv(tmp_path, "day,who\n2026-11-26,张值班\n"), actor_id=1)
    with refused("没有排班数据"):
        roster.import_file(write_csv(tmp_path, "date,shift,staff,role\n", "e.csv"), actor_id=1)
    with refused("不支持的文件类型 .json，请用 .csv 或 .xlsx。"):
        roster.import_file(write_csv(tmp_path, "x", "r.json"), actor_id=1)
    # Chinese headers and a GBK file from Excel are accepted
    f = tmp_path / "gbk.csv"
    f.write_bytes("日期,班次,姓名,角色\n2026-11-26,白班,张值班,带班\n".encode("gb18030"))
    assert roster.import_file(f, actor_id=1).rows == 1


def test_set_slot_and_clear(roster):
    slot, added, removed = roster.set_slot(d=D, shift_name="夜班",
                                           people=["张值班:带班", str(LI)], actor_id=ZHAO)
    assert slot.lead.name == "张值班" and added == sorted([ZHANG, LI]) and removed == []
    slot, added, removed = roster.set_slot(d=D, shift_name="夜班", people=["李值班（带班）"],
                                           actor_id=ZHAO)
    assert added == [] and removed == [ZHANG] and slot.lead.telegram_id == LI
    slot, _, removed = roster.set_slot(d=D, shift_name="夜班", people=["无"], actor_id=ZHAO)
    assert slot.empty and removed == [LI]
    with refused("班次"):
        roster.set_slot(d=D, shift_name="早班", people=["张值班"], actor_id=ZHAO)
    with refused("不是在册"):
        roster.set_slot(d=D, shift_name="夜班", people=["某人"], actor_id=ZHAO)


def test_duplicate_names_must_use_ids(roster, staff):
    from models.staff import Role
    staff.add(actor_id=1, telegram_id=2999, role=Role.staff, name="张值班")
    with refused("重名"):
        roster.resolve_staff("张值班")
    assert roster.resolve_staff("2999").telegram_id == 2999


def _queued(engine) -> list[tuple[str, int, str]]:
    """(dedup key, chat, note kind) of every outbox row, in order."""
    with session_scope(engine) as s:
        rows = s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
        return [(r.dedup_key, r.chat_id, r.note_kind) for r in rows]


def test_swap_offer_take_approve(roster, engine):
    roster.set_slot(d=D, shift_name="夜班", people=["张值班:带班"], actor_id=ZHAO)
    now = at(D - timedelta(days=1), 10)
    swaps = roster.swaps
    offer = swaps.offer(staff_id=ZHANG, d=D, shift_name="夜班", now=now)
    assert offer.status == "open" and offer.expires_at == now + timedelta(hours=24)
    with refused("已经在换班中"):
        swaps.offer(staff_id=ZHANG, d=D, shift_name="夜班", now=now)
    with refused("不能接自己"):
        swaps.take(offer_id=offer.id, taker_id=ZHANG, now=now)
    with refused("还没有人接班"):
        swaps.decide(offer_id=offer.id, manager_id=ZHAO, approve=True, now=now)
    taken = swaps.take(offer_id=offer.id, taker_id=LI, now=now)
    assert taken.status == "taken" and taken.taker_name == "李值班"
    with refused("已有人接班"):
        swaps.take(offer_id=offer.id, taker_id=WANG, now=now)
    done = swaps.decide(offer_id=offer.id, manager_id=ZHAO, approve=True, now=now)
    assert done.status == "approved"
    members = roster.members(D, "夜班")
    assert [(m.telegram_id, m.role) for m in members] == [(LI, "带班")]  # the role moves too
    with refused("已经批准"):
        swaps.decide(offer_id=offer.id, manager_id=ZHAO, approve=True, now=now)
    ref = f"swap:{offer.id}"
    assert _queued(engine) == [
        (f"{ref}:offer", GROUP, "roster.swap_offered"),
        (f"{ref}:ask:{ZHAO}", ZHAO, "roster.swap_ask"),
        (f"{ref}:decided", GROUP, "roster.swap_decided"),
        (f"{ref}:done:{ZHANG}", ZHANG, "roster.swap_approved"),
        (f"{ref}:done:{LI}", LI, "roster.swap_approved")]


def test_swap_refusals_and_expiry(roster, engine):
    roster.set_slot(d=D, shift_name="白班", people=["张值班"], actor_id=ZHAO)
    roster.set_slot(d=D, shift_name="夜班", people=["李值班"], actor_id=ZHAO)
    swaps = roster.swaps
    with refused("已经开始"):
        swaps.offer(staff_id=ZHANG, d=D, shift_name="白班", now=at(D, 9))
    with refused("不在这个班次"):
        swaps.offer(staff_id=WANG, d=D, shift_name="白班", now=at(D, 7))
    with refused("班次不存在"):
        swaps.offer_by_order(staff_id=ZHANG, d=D, order=2, now=at(D, 6))
    offer = swaps.offer_by_order(staff_id=ZHANG, d=D, order=0, now=at(D, 6))
    assert offer.instance.name == "白班" and offer.group_outbox_id is not None
    assert offer.expires_at == at(D, 8)  # never later than the shift's start
    assert swaps.expire(at(D, 7, 59)) == 0
    assert swaps.expire(at(D, 8)) == 2  # the group's offer edited, the offerer told
    assert swaps.get(offer.id).status == "expired"
    assert swaps.expire(at(D, 9)) == 0
    with refused("过期"):
        swaps.take(offer_id=offer.id, taker_id=WANG, now=at(D, 9))
    assert [m.telegram_id for m in roster.members(D, "白班")] == [ZHANG]
    assert _queued(engine)[1:] == [
        (f"swap:{offer.id}:expired", GROUP, "roster.swap_expired"),
        (f"swap:{offer.id}:expired:{ZHANG}", ZHANG, "roster.swap_expired")]


def test_swap_rejected_tells_both(roster, engine):
    roster.set_slot(d=D, shift_name="夜班", people=["张值班"], actor_id=ZHAO)
    now = at(D, 9)
    offer = roster.swaps.offer(staff_id=ZHANG, d=D, shift_name="夜班", now=now)
    roster.swaps.take(offer_id=offer.id, taker_id=LI, now=now)
    v = roster.swaps.decide(offer_id=offer.id, manager_id=ZHAO, approve=False, now=now)
    assert v.status == "rejected" and [m.telegram_id for m in roster.members(D, "夜班")] == [
        ZHANG]
    tail = sorted(_queued(engine)[2:])
    assert tail == sorted([(f"swap:{offer.id}:decided", GROUP, "roster.swap_decided"),
                           (f"swap:{offer.id}:rejected:{ZHANG}", ZHANG, "roster.swap_rejected"),
                           (f"swap:{offer.id}:rejected:{LI}", LI, "roster.swap_rejected")])


def test_reassign_tells_the_people_added_and_removed(roster, engine):
    roster.reassign(d=D, shift_name="夜班", people=["张值班", "李值班"], actor_id=ZHAO)
    slot = roster.reassign(d=D, shift_name="夜班", people=["李值班", "王值班"], actor_id=ZHAO)
    assert [m.telegram_id for m in slot.members] == [LI, WANG]
    told = [(chat, key.split(":")[4]) for key, chat, kind in _queued(engine)
            if kind == "roster.changed"]
    assert told == [(ZHANG, "1"), (LI, "1"), (WANG, "1"), (ZHANG, "0")]


def test_upcoming_gaps_notes_specials(roster):
    roster.set_slot(d=D, shift_name="白班", people=["张值班"], actor_id=ZHAO)
    roster.set_slot(d=D + timedelta(days=1), shift_name="夜班", people=["张值班"], actor_id=ZHAO)
    up = roster.upcoming_for(ZHANG, at(D, 9))
    assert [(s.instance.date, s.instance.name) for s in up] == [(D + timedelta(days=1), "夜班")]
    assert [g.name for g in roster.gaps(D)] == ["夜班"]
    inst = roster.add_note(author_id=ZHANG, text="  朝阳医院回复要催 ", at=at(D, 19))
    assert inst.name == "白班" and roster.notes(inst) == [("张值班", "朝阳医院回复要催")]
    with refused("交接事项"):
        roster.add_note(author_id=ZHANG, text=" ", at=at(D, 19))
    sp = roster.declare_special(start=D, end=D + timedelta(days=2), name="重要时段：两会",
                                actor_id=ZHAO)
    assert roster.day_class(D + timedelta(days=1)).team == "节假日专班"
    assert roster.slots(D, D)[0].day.special == "重要时段：两会"
    with refused("早于"):
        roster.declare_special(start=D, end=D - timedelta(days=1), name="x", actor_id=ZHAO)
    roster.remove_special(special_id=sp.id, actor_id=ZHAO)
    assert roster.day_class(D).team == "日常专班"


def test_split_role():
    assert split_role("张三:带班") == ("张三", "带班")
    assert split_role("张三（带班）") == ("张三", "带班")
    assert split_role("张三") == ("张三", "")


def test_refusals_escape_what_people_typed(roster):
    with pytest.raises(RosterError) as exc:
        roster.set_slot(d=D, shift_name="<b>", people=["张值班"], actor_id=ZHAO)
    assert texts.error(exc.value).startswith("班次“&lt;b&gt;”不存在，可用：白班、夜班。")
    assert texts.error(exc.value, html=False).startswith("班次“<b>”不存在")
    assert exc.value.code == Refusal.unknown_shift and exc.value.fields["name"] == "<b>"
