"""Compliance end to end, the roster and ticket parts (phase 2): the on-boarding gate in
/roster_set and `python -m bot roster import`, 标记失误 on the ticket card, files on tickets
(the 回访 recording step, files in reply to a card) and the callback ledger (/ledger)."""

from __future__ import annotations

import io
import stat
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.cli import main as cli_main
from bot.clock import MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.emulator import BotApiEmulator
from bot.services.compliance.attachments import IncomingFile
from bot.services.tickets.actions import ActionInput
from bot.services.tickets.workflow import Action
from models.compliance import Attachment
from models.db import session_scope
from tests.compliance.conftest import add_ticket
from tests.e2e.compliance_helpers import ask_for_file, send_file
from tests.e2e.conftest import make_settings, running
from tests.e2e.harness import (
    DUTY_GROUP,
    LEADER,
    MANAGER,
    STAFF,
    STAFF2,
    Harness,
    buttons,
    text_of,
)

D = date(2026, 11, 26)
NO = "2026112500001"
FEEDBACK = "背景：市民来电。过程：医院核实。结果：已道歉。后续：加强培训。"
FILE_METHODS = {"sendDocument", "sendVoice", "sendAudio", "sendPhoto", "forwardMessage",
                "copyMessage"}


def at(hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 11, 25, hh, mm, tzinfo=SHANGHAI)


def ticket(h: Harness, no: str = NO, *, fed_back: bool = False) -> int:
    """A dispatched ticket handled by 张值班 (with the unit's feedback when `fed_back`)."""
    t = add_ticket(h.svc.engine, no, handler_id=STAFF, received=at(8))
    assert t.id is not None
    if fed_back:
        h.svc.tickets.apply(ticket_id=t.id, action=Action.feedback, actor_id=STAFF,
                            data=ActionInput(note=FEEDBACK))
    return t.id


def card_of(messages: list[dict]) -> dict:
    return next(m for m in reversed(messages) if "刷新" in buttons(m))


async def app_with(emu: BotApiEmulator, engine: Engine, clock: MovableClock, tmp_path: Path,
                   **settings: object) -> AsyncIterator[Harness]:
    async with running(emu, make_settings(emu, engine, tmp_path, **settings), clock,
                       engine) as h:
        for tid, role, name in [(STAFF, "staff", "张值班"), (STAFF2, "staff", "李值班"),
                                (LEADER, "leader", "王主任"), (MANAGER, "manager", "赵经理")]:
            h.add(tid, role, name)
        yield h


@pytest.fixture
async def strict(emu, engine, clock, tmp_path) -> AsyncIterator[Harness]:
    """The application with ONBOARDING_GATE=refuse."""
    async for h in app_with(emu, engine, clock, tmp_path, onboarding_gate="refuse"):
        yield h


@pytest.fixture
async def small_files(emu, engine, clock, tmp_path) -> AsyncIterator[Harness]:
    """The application with ATTACHMENT_MAX_MB=1."""
    async for h in app_with(emu, engine, clock, tmp_path, attachment_max_mb=1):
        yield h


# ---------------------------------------------------------------- (a) the on-boarding gate
async def test_roster_set_warns_and_assess_lists_the_untrained(team: Harness):
    await team.say(MANAGER, "/staffinfo 2001 入职=2026-02-10 学历=本科 医学=是 "
                            "培训=2026-02-11 考试=通过")
    await team.say(MANAGER, "/staffinfo 2002 入职=2026-02-10 学历=专科 考试=未通过")
    text = text_of(await team.say(MANAGER, "/roster_set 2026-11-26 夜班 张值班:带班 李值班"))
    assert "已更新排班" in text
    assert "⚠️ 以下人员尚未通过岗前考核，按合同不得上岗：李值班（2002）" in text
    assert "张值班（2001）" not in text
    assert [m.telegram_id for m in team.svc.roster.members(D, "夜班")] == [STAFF, STAFF2]
    assert "岗前考核" not in text_of(await team.say(MANAGER, "/roster_set 2026-11-26 白班 张值班"))
    msgs, _ = await ask_for_file(team, MANAGER, "/assess")
    assert "未通过岗前考核：李值班" in text_of(msgs)
    assert "不能使用" in text_of(await team.say(STAFF, "/roster_set 2026-11-26 夜班 张值班"))


async def test_refuse_mode_keeps_the_roster_unchanged(strict: Harness):
    h = strict
    h.svc.compliance.register.update(actor_id=MANAGER, telegram_id=STAFF,
                                     changes={"exam_passed": True})
    text = text_of(await h.say(MANAGER, "/roster_set 2026-11-26 夜班 张值班 李值班"))
    assert "⛔ 以下人员尚未通过岗前考核，按合同不得上岗：李值班（2002）" in text
    assert "本次排班未保存" in text and h.svc.roster.members(D, "夜班") == []
    text = text_of(await h.say(MANAGER, "/roster_set 2026-11-26 夜班 张值班:带班"))
    assert "已更新排班" in text and "岗前考核" not in text
    assert "不是在册人员" in text_of(await h.say(MANAGER, "/roster_set 2026-11-26 夜班 路人甲"))


@pytest.fixture
def cli_env(team: Harness, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", team.svc.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("HOLIDAYS_FILE", str(tmp_path / "holidays.yaml"))
    monkeypatch.delenv("ONBOARDING_GATE", raising=False)
    return tmp_path


async def test_roster_import_warns_or_refuses(team: Harness, cli_env: Path, capsys,
                                              monkeypatch: pytest.MonkeyPatch):
    team.svc.compliance.register.update(actor_id=MANAGER, telegram_id=STAFF2,
                                        changes={"exam_passed": True})
    f = cli_env / "r.csv"
    f.write_text("date,shift,staff,role\n2026-11-26,白班,张值班,带班\n2026-11-26,白班,李值班,\n",
                 encoding="utf-8")
    assert cli_main(["roster", "import", str(f)]) == 0
    out = capsys.readouterr().out
    assert "已导入 2 条排班" in out and "尚未通过岗前考核，按合同不得上岗：张值班（2001）。" in out
    monkeypatch.setenv("ONBOARDING_GATE", "refuse")
    f.write_text("date,shift,staff,role\n2026-11-26,夜班,张值班,\n", encoding="utf-8")
    assert cli_main(["roster", "import", str(f)]) == 1
    err = capsys.readouterr().err
    assert "⛔ 以下人员尚未通过岗前考核" in err and "本次排班未保存" in err
    assert team.svc.roster.members(D, "夜班") == []
    assert len(team.svc.roster.members(D, "白班")) == 2


# ---------------------------------------------------------------- (b) 标记失误
async def answer(h: Harness, user: int, text: str, reply_to: dict) -> list[dict]:
    """A user replies to a bot message with text; the bot's answers."""
    mark = h.emu.mark()
    h.emu.send_message(user_id=user, text=text, reply_to_message_id=reply_to["message_id"])
    await h.emu.wait_for_message(user, after=mark, timeout=10)
    await h.settle()
    return h.messages_since(mark, user)


async def test_manager_marks_a_mistake_from_the_card(team: Harness):
    ticket(team)
    card = card_of(await team.say(MANAGER, f"/t {NO}"))
    assert buttons(card)[-1] == "标记失误"
    picker = (await team.press(MANAGER, card, "标记失误"))[-1]
    assert "失误发生在哪个环节" in picker["text"]
    assert buttons(picker) == ["签收", "分派", "督办", "取消"]
    prompt = (await team.press(MANAGER, picker, "分派"))[-1]
    assert "请回复本消息" in prompt["text"] and "记在承办人 张值班 名下" in prompt["text"]
    assert "¥2,000" in prompt["text"]
    [sent] = [c for c in team.emu.calls if c.method == "sendMessage" and c.ok
              and c.result["message_id"] == prompt["message_id"]]
    assert "force_reply" in str(sent.params.get("reply_markup"))
    assert "失误环节 分派" in team.current(picker)["text"]
    # a message that is not a reply to the prompt is never taken for the note
    await team.say(MANAGER, "今天的值班表发了吗")
    assert team.svc.compliance.incidents.between(date(2026, 1, 1), date(2026, 12, 31)) == []
    assert "回复“标记失误”的提示消息" in text_of(await answer(team, MANAGER, "派错", picker))
    text = text_of(await answer(team, MANAGER, "派错承办单位，导致超时", prompt))
    assert "已记录考核事项" in text and f"失误（分派） 张值班 工单 {NO}：派错承办单位" in text
    [item] = team.svc.compliance.incidents.between(date(2026, 1, 1), date(2026, 12, 31))
    assert (item.kind, item.stage, item.person.telegram_id) == ("mistake", "分派", STAFF)
    # after an action the manager's private card keeps the button
    await team.press(MANAGER, team.current(card), "刷新")
    assert "标记失误" in buttons(team.current(card))


async def test_mistake_button_only_for_managers_and_forged_presses_refused(team: Harness):
    tid = ticket(team)
    for user in (STAFF, LEADER):
        card = card_of(await team.say(user, f"/t {NO}"))
        assert "标记失误" not in buttons(card)
        for data in (f"tm1:m:{tid}", f"tm1:s:{tid}:0"):
            mark = team.emu.mark()
            team.emu.press_button(user_id=user, chat_id=user, message_id=card["message_id"],
                                  data=data, check=False)
            await team.emu.wait_for_call(lambda c: c.method == "answerCallbackQuery",
                                         after=mark)
            await team.settle()
            assert "不能使用" in team.callback_answers(mark)[-1]["text"]
    group_card = card_of(await team.say(MANAGER, f"/t {NO}", chat_id=DUTY_GROUP))
    assert "标记失误" not in buttons(group_card)
    assert team.svc.compliance.incidents.between(date(2026, 1, 1), date(2026, 12, 31)) == []


async def test_mistake_cancel_and_stale_stage(team: Harness):
    tid = ticket(team)
    card = card_of(await team.say(MANAGER, f"/t {NO}"))
    picker = (await team.press(MANAGER, card, "标记失误"))[-1]
    await team.press(MANAGER, picker, "签收")
    assert "已取消，未记录考核事项" in text_of(await team.say(MANAGER, "/cancel"))
    picker = (await team.press(MANAGER, card, "标记失误"))[-1]
    await team.press(MANAGER, picker, "取消")
    assert team.current(picker)["text"] == "已取消，未记录考核事项。"
    mark = team.emu.mark()
    team.emu.press_button(user_id=MANAGER, chat_id=MANAGER, message_id=picker["message_id"],
                          data=f"tm1:s:{tid}:7", check=False)
    await team.emu.wait_for_call(lambda c: c.method == "answerCallbackQuery", after=mark)
    await team.settle()
    assert "操作已过期" in team.callback_answers(mark)[-1]["text"]
    assert team.svc.compliance.incidents.between(date(2026, 1, 1), date(2026, 12, 31)) == []


# ---------------------------------------------------------------- (c) files on tickets
async def _call_back(h: Harness, card: dict, note: str) -> dict:
    """Record a reached, solved, satisfied callback on the card; the recording prompt."""
    await h.press(STAFF, card, "回访")
    question = await h.emu.wait_for_message(STAFF, contains="是否解决")
    await h.press(STAFF, h.current(question), "已解决")
    await h.press(STAFF, h.emu.last_bot_message(STAFF), "满意")
    mark = h.emu.mark()
    h.emu.send_message(user_id=STAFF, text=note)
    prompt = await h.emu.wait_for_message(STAFF, contains="请发送本次回访的录音", after=mark)
    await h.settle()
    return prompt


async def test_callback_step_takes_the_recording(team: Harness, tmp_path: Path):
    tid = ticket(team, fed_back=True)
    card = card_of(await team.say(STAFF, f"/t {NO}"))
    prompt = await _call_back(team, card, "电话回访，市民满意")
    assert buttons(prompt) == ["跳过"] and "不超过 20 MB" in prompt["text"]
    assert "已回访" in team.current(card)["text"]
    assert "请发送回访录音" in text_of(await team.say(STAFF, "录音稍后"))
    saved = text_of(await send_file(team, STAFF, "voice", b"OggS-callback", contains="已附到"))
    assert f"已附到工单 {NO}（回访环节）：语音" in saved and "共有附件 1 件" in saved
    assert "📎 附件 1 件：语音 1" in team.current(card)["text"]
    [kept] = list((tmp_path / "attachments" / "ticket").rglob("*voice*"))
    assert kept.read_bytes() == b"OggS-callback"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    with session_scope(team.svc.engine) as s:
        row = s.exec(select(Attachment).where(Attachment.ticket_id == tid)).one()
        assert (row.stage, row.media, row.uploaded_by) == ("回访", "voice", STAFF)
        assert row.file_id and row.local_path == str(kept)
    # the step is over: a later file without a reply is not taken
    assert "请在工单卡片上点“回复”" in text_of(await send_file(team, STAFF, "voice", b"x"))


async def test_recording_can_be_skipped(team: Harness):
    ticket(team, fed_back=True)
    card = card_of(await team.say(STAFF, f"/t {NO}"))
    prompt = await _call_back(team, card, "回访完毕")
    assert "已跳过录音" in text_of(await team.press(STAFF, prompt, "跳过"))
    assert team.svc.tickets.get(NO).status == "已回访"
    assert team.svc.compliance.ticket_files.summary(team.svc.tickets.get(NO).id).count == 0
    mark = team.emu.mark()
    team.emu.press_button(user_id=STAFF, chat_id=STAFF, message_id=prompt["message_id"],
                          data="tr1:skip", check=False)
    await team.emu.wait_for_call(lambda c: c.method == "answerCallbackQuery", after=mark)
    assert "已失效" in team.callback_answers(mark)[-1]["text"]


async def test_reply_to_a_card_attaches_at_the_current_stage(team: Harness):
    tid = ticket(team)  # 已派发: waiting for the unit's feedback
    card = card_of(await team.say(STAFF, f"/t {NO}"))
    saved = text_of(await send_file(team, STAFF, "photo", b"JPEG", reply_to=card,
                                    contains="已附到"))
    assert f"已附到工单 {NO}（反馈环节）：照片" in saved
    saved = text_of(await send_file(team, STAFF, "audio", b"ID3", filename="回访.mp3",
                                    reply_to=card, contains="已附到"))
    assert "音频" in saved and "回访.mp3" not in saved  # file names are never repeated
    assert "📎 附件 2 件：音频 1、照片 1" in team.current(card)["text"]
    # in the group: the count only, no kinds, no file names, nothing forwarded
    group_card = card_of(await team.say(STAFF, f"/t {NO}", chat_id=DUTY_GROUP))
    assert "📎 附件 2 件" in group_card["text"] and "照片" not in group_card["text"]
    answer = text_of(await send_file(team, STAFF, "document", b"%PDF", filename="张三丰.pdf",
                                     reply_to=group_card, chat_id=DUTY_GROUP,
                                     contains="已附到"))
    assert "张三丰" not in answer and ".pdf" not in answer
    assert "📎 附件 3 件" in team.current(group_card)["text"]
    assert "文档" not in team.current(group_card)["text"]
    assert not [c for c in team.emu.calls if c.method in FILE_METHODS]
    assert team.svc.compliance.ticket_files.summary(tid).count == 3


async def test_file_refusals(team: Harness):
    tid = ticket(team)
    card = card_of(await team.say(LEADER, f"/t {NO}"))
    assert "不能使用" in text_of(await send_file(team, LEADER, "voice", b"v", reply_to=card))
    hint = text_of(await send_file(team, STAFF, "document", b"doc", filename="a.pdf"))
    assert "请在工单卡片上点“回复”后发送文件" in hint
    prompt = (await team.say(STAFF, "/help"))[-1]  # a bot message that is not a card
    assert "请在工单卡片上点“回复”" in text_of(await send_file(team, STAFF, "photo", b"p",
                                                             reply_to=prompt))
    # in a group, a file in reply to anything but a card gets no answer at all
    mark = team.emu.mark()
    team.emu.send_file(user_id=STAFF, kind="photo", content=b"p", chat_id=DUTY_GROUP)
    await team.settle()
    assert team.messages_since(mark, DUTY_GROUP) == []
    assert team.svc.compliance.ticket_files.summary(tid).count == 0


async def test_file_over_the_limit_is_refused_before_download(small_files: Harness):
    h = small_files
    ticket(h)
    card = card_of(await h.say(STAFF, f"/t {NO}"))
    text = text_of(await send_file(h, STAFF, "voice", b"x" * (1024 * 1024 + 10),
                                   reply_to=card))
    assert "文件太大（1.0 MB），上限 1 MB" in text
    assert not any(c.method == "getFile" for c in h.emu.calls)
    assert "📎" not in h.current(card)["text"]


# ---------------------------------------------------------------- (d) /ledger
def _callbacks(h: Harness) -> None:
    """Two callbacks today: one with its recording, one reached without; one not reached."""
    files = h.svc.compliance.ticket_files
    for no, reached, recorded in (("2026112500011", True, True),
                                  ("2026112500012", True, False),
                                  ("2026112500013", False, False)):
        tid = ticket(h, no, fed_back=True)
        h.clock.advance(timedelta(minutes=20))
        h.svc.tickets.apply(ticket_id=tid, action=Action.callback, actor_id=STAFF2,
                            data=ActionInput(solved=True, satisfaction="基本满意",
                                             reached=reached, note=f"回访{no[-2:]}"))
        if recorded:
            files.attach(ticket_id=tid, incoming=IncomingFile("voice", f"F{no}"),
                         content=b"OggS", actor_id=STAFF2)


async def test_ledger_workbook(team: Harness):
    _callbacks(team)
    msgs, f = await ask_for_file(team, MANAGER, "/ledger")
    assert "回访台账：2026年11月，回访 3 次，缺录音 1 次（表中红色标出）" in text_of(msgs)
    assert f.filename == "回访台账_2026-11.xlsx"
    wb = load_workbook(io.BytesIO(f.content))
    ws = wb["回访台账"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:J4"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[3], r[5], r[6], r[7], r[8]) for r in rows] == [
        ("2026112500011", "李值班", "解决", "基本满意", "回访11", "有"),
        ("2026112500012", "李值班", "解决", "基本满意", "回访12", "缺录音"),
        ("2026112500013", "李值班", "未接通", "—", "回访13", "未接通"),
    ]
    assert isinstance(rows[0][2], datetime) and ws["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert rows[0][2] == datetime(2026, 11, 25, 10, 20)
    assert ws["I3"].fill.fgColor.rgb.endswith("FFC7CE") and ws["A3"].fill.fgColor.rgb.endswith(
        "FFC7CE")
    assert not ws["I2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.column_dimensions["H"].width >= 30
    msgs, f = await ask_for_file(team, LEADER, "/ledger 2026-11")  # leaders too
    assert f.filename == "回访台账_2026-11.xlsx"


async def test_ledger_refusals_and_bad_period(team: Harness):
    assert "不能使用" in text_of(await team.say(STAFF, "/ledger"))
    text = text_of(await team.say(MANAGER, "/ledger", chat_id=DUTY_GROUP))
    assert "请在与机器人的私聊中使用 /ledger" in text
    text = text_of(await team.say(MANAGER, "/ledger 2026-Q5"))
    assert "“2026-Q5”不是有效季度，请写成 2026-Q3。" in text and "用法：/ledger" in text
    assert "所选时段尚未开始" in text_of(await team.say(MANAGER, "/ledger 2027-01"))
    assert "2026年10月没有回访记录。" in text_of(await team.say(MANAGER, "/ledger 2026-10"))
    assert not team.emu.sent_files(MANAGER)
