"""Compliance end to end (2/2): incidents (/incident), the tracker (/assess with its XLSX),
the monthly work report (/workreport, DOCX) and the managers' reminders via the scheduler."""

from __future__ import annotations

import io
from datetime import date, datetime

from docx import Document
from openpyxl import load_workbook

from bot.config import DEFAULT_TZ as SHANGHAI
from tests.compliance.conftest import add_ticket
from tests.e2e.compliance_helpers import ask_for_file
from tests.e2e.harness import ADMIN, LEADER, MANAGER, STAFF, STAFF2, Harness, text_of


def at(y: int, m: int, d: int, hh: int = 10) -> datetime:
    return datetime(y, m, d, hh, 0, tzinfo=SHANGHAI)


# ---------------------------------------------------------------- (4) incidents
async def test_incident_record_list_and_admin_removal(team: Harness):
    add_ticket(team.svc.engine, "2026112400001", handler_id=STAFF, received=at(2026, 11, 24))
    text = text_of(await team.say(MANAGER, "/incident mistake 2026112400001 签收 超时签收"))
    assert "已记录考核事项" in text and "失误（签收） 张值班 工单 2026112400001" in text
    assert "预计扣 ¥2,000" in text
    text = text_of(await team.say(MANAGER, "/incident complaint 李值班 服务态度生硬，投诉属实"))
    assert "投诉属实 李值班" in text and "¥5,000" in text
    (first, _second) = team.svc.compliance.incidents.between(date(2026, 1, 1), date(2026, 12, 31))
    text = text_of(await team.say(MANAGER, f"/incident del {first.id} 误录"))
    assert "只有管理员可以撤销" in text
    text = text_of(await team.say(ADMIN, f"/incident del {first.id} 经核实系平台故障"))
    assert f"已撤销考核事项 #{first.id}" in text
    text = text_of(await team.say(MANAGER, f"/incident {first.id}"))
    assert "（已撤销）" in text and "理由：经核实系平台故障" in text
    text = text_of(await team.say(MANAGER, "/incident list 2026-11"))
    assert "考核事项（2）" in text and "（已撤销）" in text


async def test_incident_refusals_and_bad_input(team: Harness):
    add_ticket(team.svc.engine, "2026112400002", handler_id=STAFF2, received=at(2026, 11, 24))
    assert "不能使用" in text_of(await team.say(STAFF, "/incident other 迟到"))
    assert "不能使用" in text_of(await team.say(LEADER, "/incident list"))
    text = text_of(await team.say(MANAGER, "/incident mistake 2026112400002 回访 未录音"))
    assert "环节“回访”无效，可选：签收、分派、督办" in text
    text = text_of(await team.say(MANAGER, "/incident mistake 9999 签收 超时"))
    assert "没有找到工单 9999" in text
    assert "请写明类型" in text_of(await team.say(MANAGER, "/incident 投诉了"))
    assert team.svc.compliance.incidents.between(date(2026, 1, 1), date(2026, 12, 31)) == []


# ---------------------------------------------------------------- (5) the tracker
async def test_assess_summary_and_workbook(team: Harness):
    await team.say(MANAGER, "/staffinfo 2001 入职=2026-02-10 学历=本科 医学=是 "
                            "培训=2026-02-11 考试=通过")
    await team.say(MANAGER, "/staffinfo 2002 入职=2026-02-10 学历=专科 考试=未通过")
    await team.say(MANAGER, "/incident other 未按时报送值班表")
    msgs, workbook = await ask_for_file(team, LEADER, "/assess")
    text = text_of(msgs)
    assert "考核自查：2026-02-10 至 2027-02-09（统计至 2026-11-25）" in text
    assert ("（2）四项制度齐全：未达标，缺：热线运营管理制度、工作流程制度、培训制度、"
            "安全管理制度；扣 ¥20,000") in text
    assert "（6）违反合同其他规定：未达标，1 次；扣 ¥5,000" in text
    assert "预计扣款合计：¥25,000" in text  # 4 policies + 1 other breach
    assert "团队人数：2 人（要求 ≥ 25 人）" in text and "未通过岗前考核：李值班" in text
    assert workbook.filename == "考核自查_2026-02-10_2027-02-09.xlsx"
    wb = load_workbook(io.BytesIO(workbook.content), read_only=True)
    assert wb.sheetnames[:3] == ["汇总", "1培训", "2制度"] and "人员台账" in wb.sheetnames
    rows = list(wb["6其他违约"].iter_rows(values_only=True))
    assert any("未按时报送值班表" in [str(c) for c in r] for r in rows)
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert next(r for r in summary if r[0] == "合计")[3] == 25_000
    wb.close()


async def test_assess_refusals_and_bad_period(team: Harness):
    assert "不能使用" in text_of(await team.say(STAFF, "/assess"))
    text = text_of(await team.say(MANAGER, "/assess 2026-Q5"))
    assert "“2026-Q5”不是有效时段" in text and "用法" in text
    assert "还没开始" in text_of(await team.say(MANAGER, "/assess 2027"))
    assert team.emu.sent_files(MANAGER) == []


# ---------------------------------------------------------------- (6) the work report
async def test_workreport_docx_and_refusals(team: Harness):
    await team.say(MANAGER, "/staffinfo 2001 入职=2026-10-08 学历=硕士 考试=通过")
    msgs, doc_file = await ask_for_file(team, MANAGER, "/workreport 2026-10")
    assert "正在生成 2026年10月 工作汇报初稿" in text_of(msgs)
    assert doc_file.filename == "工作汇报_2026-10.docx"
    doc = Document(io.BytesIO(doc_file.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2026年10月工作汇报" in text and "本月入职 1 人" in text and "四、考核细则自查" in text
    assert "不能使用" in text_of(await team.say(LEADER, "/workreport"))
    assert "不能使用" in text_of(await team.say(STAFF, "/workreport"))
    text = text_of(await team.say(MANAGER, "/workreport 2026-13"))
    assert "“2026-13”不是有效时段" in text and "/workreport [2026-11]" in text
    assert len(team.emu.sent_files(MANAGER)) == 1


async def test_month_end_reminder_until_the_report_is_produced(team: Harness):
    team.clock.set(at(2026, 11, 28))
    mark = team.emu.mark()
    await team.svc.scheduler.run_due(team.clock.now())
    reminder = await team.emu.wait_for_message(MANAGER, contains="月度工作汇报提醒", after=mark)
    assert "2026年11月的工作汇报尚未生成" in reminder["text"]
    assert "/workreport 2026-11" in reminder["text"]
    _, doc_file = await ask_for_file(team, MANAGER, "/workreport")  # the current month
    assert doc_file.filename == "工作汇报_2026-11.docx"
    team.clock.set(at(2026, 11, 30))
    mark = team.emu.mark()
    await team.svc.scheduler.run_due(team.clock.now())
    await team.settle()
    assert "月度工作汇报提醒" not in text_of(team.messages_since(mark, MANAGER))
    assert "培训进度提醒" not in text_of(team.messages_since(mark, STAFF))  # managers only
