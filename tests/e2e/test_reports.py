"""Reports end to end: /weekly and /monthly through the emulator, roles, groups, bad input."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook

from tests.e2e.harness import DUTY_GROUP, LEADER, MANAGER, STAFF, Harness, text_of
from tests.reports.test_figures import fixture


async def ask(h: Harness, user: int, text: str, *, chat_id: int | None = None,
              files: int = 1) -> list[dict]:
    """Send a report command; once it is handled, `files` more files have gone out.

    Other features (reminders) may post in the same chat meanwhile: they are filtered out.
    """
    before = len(h.emu.sent_files())
    mark = h.emu.mark()
    h.emu.send_message(user_id=user, text=text, chat_id=chat_id)
    await h.settle()
    assert len(h.emu.sent_files()) >= before + files
    return [m for m in h.messages_since(mark)
            if "时限提醒" not in (m.get("text") or "")]


async def test_weekly_sends_text_photo_and_workbook(team: Harness):
    fixture(team.svc.engine)  # the week of 16–22 Nov 2026; the clock is 25 Nov
    msgs = await ask(team, MANAGER, "/weekly", files=2)
    text = text_of([m for m in msgs if m["chat"]["id"] == MANAGER and "text" in m])
    assert "接诉即办周报" in text and "受理 6 件" in text and "响应率 80.00%（4/5）" in text
    assert "13900000001" not in text and "139****0001" in text
    photos = [m for m in msgs if "photo" in m]
    docs = [m for m in msgs if "document" in m]
    assert len(photos) == 1 and len(docs) == 1
    assert docs[0]["document"]["file_name"].endswith(".xlsx")
    files = team.emu.sent_files(MANAGER)
    png = next(f for f in files if f.method == "sendPhoto").content
    assert png.startswith(b"\x89PNG")
    xlsx = next(f for f in files if f.filename.endswith(".xlsx")).content
    wb = load_workbook(io.BytesIO(xlsx), read_only=True)
    assert "工单清单" in wb.sheetnames
    wb.close()


async def test_weekly_for_a_given_date_and_bad_date(team: Harness):
    msgs = await ask(team, LEADER, "/weekly 2026-11-04", files=2)
    assert "2026年第45周（11月2日—11月8日）" in text_of(msgs)
    assert "受理 0 件" in text_of(msgs)
    reply = text_of(await team.say(LEADER, "/weekly 2026-13-45"))
    assert "不是有效日期" in reply and "用法" in reply
    assert not [f for f in team.emu.sent_files(LEADER) if "45" not in f.filename]


async def test_weekly_refused_for_staff(team: Harness):
    reply = text_of([m for m in await team.say(STAFF, "/weekly") if "时限提醒" not in m["text"]])
    assert "接诉即办周报" not in reply and team.emu.sent_files(STAFF) == []
    assert "值班员" in reply  # "your role may not…" names the role


async def test_weekly_in_group_keeps_personal_data_private(team: Harness):
    fixture(team.svc.engine)
    msgs = await ask(team, MANAGER, "/weekly", chat_id=DUTY_GROUP, files=2)
    in_group = team.emu.sent_files(DUTY_GROUP)
    assert [f.method for f in in_group] == ["sendPhoto"]
    group_text = text_of([m for m in msgs if m["chat"]["id"] == DUTY_GROUP])
    assert "私信" in group_text and "13900000001" not in group_text
    private = team.emu.sent_files(MANAGER)
    assert [f.filename.rsplit(".", 1)[-1] for f in private] == ["xlsx"]


async def test_monthly_adds_the_word_draft(team: Harness):
    fixture(team.svc.engine)
    msgs = await ask(team, MANAGER, "/report 2026-11-16 2026-11-22", files=3)
    names = [m["document"]["file_name"] for m in msgs if "document" in m]
    assert sorted(n.rsplit(".", 1)[-1] for n in names) == ["docx", "xlsx"]
    docx = next(f for f in team.emu.sent_files(MANAGER) if f.filename.endswith(".docx"))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "一、综合考评情况" in text and "四、问题与对策" in text
    reply = text_of(await team.say(MANAGER, "/monthly 2026-13"))
    assert "不是有效月份" in reply
