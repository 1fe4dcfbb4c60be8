"""Compliance end to end (1/2): the staff register (/staffinfo and `python -m bot staff`),
trainings (/training) and the policy files (/policies with a document in reply)."""

from __future__ import annotations

import io
import stat
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy.engine import Engine

from bot.cli import main as cli_main
from bot.clock import MovableClock
from bot.emulator import BotApiEmulator
from tests.e2e.compliance_helpers import send_document
from tests.e2e.conftest import make_settings, running
from tests.e2e.harness import ADMIN, LEADER, MANAGER, STAFF, STAFF2, Harness, buttons, text_of


# ---------------------------------------------------------------- (1) staff register
async def test_staffinfo_one_line_update_and_card(team: Harness):
    replies = await team.say(MANAGER, "/staffinfo 2001 入职=2026-02-10 学历=本科 专业=临床医学 "
                                      "医学=是 培训=2026-02-11 考试=通过")
    text = text_of(replies)
    assert "已更新 张值班 的台账" in text and "入职日期：2026-02-10" in text
    assert "学历：本科" in text and "岗前考试：通过" in text and "待补充" not in text
    assert "学历" in buttons(replies[-1])
    v = team.svc.compliance.register.get(STAFF)
    assert v.education == "本科" and v.exam_passed is True


async def test_staffinfo_refusals_and_bad_input(team: Harness):
    assert "不能使用" in text_of(await team.say(STAFF, "/staffinfo 2001 学历=本科"))
    assert "不能使用" in text_of(await team.say(LEADER, "/staffinfo 2001"))
    text = text_of(await team.say(MANAGER, "/staffinfo 2001 学历=小学"))
    assert "“小学”不是有效的学历" in text and "博士、硕士、本科、专科、其他" in text
    text = text_of(await team.say(MANAGER, "/staffinfo 路人甲"))
    assert "没有找到“路人甲”" in text
    text = text_of(await team.say(MANAGER, "/staffinfo 2001 离职=2026-01-01 入职=2026-02-01"))
    assert "早于入职日期" in text
    assert "不属于项目团队" in text_of(await team.say(MANAGER, "/staffinfo 王主任"))
    assert not team.svc.compliance.register.get(STAFF).has_record


async def test_staffinfo_buttons_and_typed_value(team: Harness):
    card = (await team.say(MANAGER, "/staffinfo 李值班"))[-1]
    assert "人员台账：李值班" in card["text"] and "待补充" in card["text"]
    await team.press(MANAGER, card, "学历")
    assert buttons(team.current(card))[:5] == ["博士", "硕士", "本科", "专科", "其他"]
    await team.press(MANAGER, team.current(card), "硕士")
    assert "学历：硕士" in team.current(card)["text"]
    asked = await team.press(MANAGER, team.current(card), "入职日期")
    assert "请发送入职日期" in text_of(asked)
    assert "不是有效日期" in text_of(await team.say(MANAGER, "上周一"))
    text = text_of(await team.say(MANAGER, "2026-03-01"))
    assert "已更新 李值班 的台账" in text and "入职日期：2026-03-01" in text
    assert team.svc.compliance.register.get(STAFF2).hire_date == date(2026, 3, 1)
    await team.press(MANAGER, team.current(card), "专业")
    assert "已取消" in text_of(await team.say(MANAGER, "/cancel"))


async def test_staffinfo_without_arguments_lists_the_gaps(team: Harness):
    await team.say(MANAGER, "/staffinfo 2001 入职=2026-02-10 学历=本科 医学=否 培训=2026-02-11 "
                            "考试=通过")
    text = text_of(await team.say(MANAGER, "/staffinfo"))
    assert "人员台账待补充" in text and "李值班" in text and "赵经理" in text
    assert "张值班" not in text


@pytest.fixture
def cli_env(team: Harness, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    url = team.svc.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def test_staff_export_and_import_command_line(team: Harness, cli_env: Path,
                                                    capsys: pytest.CaptureFixture[str]):
    out = cli_env / "register.xlsx"
    assert cli_main(["staff", "export", str(out)]) == 0
    # the team of three, and the leader's row for his contact (the operator is an admin)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and "已导出人员台账 4 人" in \
        capsys.readouterr().out
    wb = load_workbook(out)
    header = [c.value for c in wb.active[1]]
    assert header[-2:] == ["手机", "邮箱"]
    for row in wb.active.iter_rows(min_row=2):
        if row[0].value == LEADER:
            row[header.index("手机")].value = "+86 139 0000 0001"
        else:
            row[2].value, row[5].value = date(2026, 2, 10), "本科"
    wb.save(out)
    assert cli_main(["staff", "import", str(out)]) == 0
    assert "新建 3 人，更新 0 人，联系方式更新 1 人" in capsys.readouterr().out
    assert team.svc.compliance.register.get(STAFF).education == "本科"
    assert "王主任" in (shown := text_of(await team.say(ADMIN, "/staff"))) \
        and "13900000001" in shown  # admins see it whole
    assert "13900000001" not in text_of(await team.say(MANAGER, "/staff"))
    bad = Workbook()
    bad.active.append(["TG号", "入职日期"])
    bad.active.append([STAFF, "2026-02-30"])
    bad.active.append([99999, "2026-02-01"])
    buf = io.BytesIO()
    bad.save(buf)
    (cli_env / "bad.xlsx").write_bytes(buf.getvalue())
    assert cli_main(["staff", "import", str(cli_env / "bad.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "导入被拒绝" in err and "第 2 行" in err and "第 3 行" in err and "99999" in err
    assert team.svc.compliance.register.get(STAFF).hire_date == date(2026, 2, 10)


# ---------------------------------------------------------------- (2) trainings
FORM = """/training add
日期：2026-11-20
类型：业务培训
主题：接诉即办流程与知识库
参加人员：张值班、李值班"""


async def test_training_add_list_follow_and_person(team: Harness):
    text = text_of(await team.say(MANAGER, FORM))
    assert "已登记培训 #" in text and "参加人员（2）：张值班、李值班" in text
    assert "未记录，请用 /training follow 补充" in text
    tid = team.svc.compliance.trainings.attended_by(STAFF)[0].id
    text = text_of(await team.say(MANAGER, f"/training follow {tid} 抽查答复口径 全部合格"))
    assert f"已记录培训 #{tid} 的效果跟踪" in text
    text = text_of(await team.say(MANAGER, "/training list"))
    assert "业务培训 1" in text and "《接诉即办流程与知识库》2 人" in text
    text = text_of(await team.say(MANAGER, "/training person 李值班"))
    assert "李值班 参加的培训（1 次）" in text
    assert "抽查答复口径 全部合格" in text_of(await team.say(MANAGER, f"/training {tid}"))


async def test_training_refusals_and_bad_form(team: Harness):
    assert "不能使用" in text_of(await team.say(STAFF, FORM))
    assert "不能使用" in text_of(await team.say(LEADER, "/training list"))
    text = text_of(await team.say(MANAGER, "/training add\n日期：2026-11-20\n主题：流程"))
    assert "缺少：类型" in text and "用法" in text
    text = text_of(await team.say(MANAGER, FORM.replace("张值班、李值班", "张值班、路人甲")))
    assert "参加人员中没有找到：路人甲" in text
    assert team.svc.compliance.trainings.attended_by(STAFF) == []


# ---------------------------------------------------------------- (3) policies
async def test_policy_upload_in_reply_to_the_prompt(team: Harness, tmp_path: Path):
    listing = (await team.say(MANAGER, "/policies"))[-1]
    assert "❌ 《培训制度》缺失" in listing["text"]
    assert "上传：培训制度" in buttons(listing)
    prompt = (await team.press(MANAGER, listing, "上传：培训制度"))[-1]
    assert "请回复本消息，发送《培训制度》文件" in prompt["text"]
    assert "请以文件形式发送" in text_of(await team.say(MANAGER, "稍等"))
    saved = text_of(await send_document(team, MANAGER, b"PK-policy-v1", "培训制度.docx",
                                        reply_to=prompt, caption="修订 2026-03-01"))
    assert "已保存《培训制度》第 1 版（修订日期 2026-03-01，文件 培训制度.docx）" in saved
    files = list((tmp_path / "attachments").rglob("*.docx"))
    assert len(files) == 1 and files[0].read_bytes() == b"PK-policy-v1"
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    text = text_of(await team.say(MANAGER, "/policies"))
    assert "✅ 《培训制度》第 1 版，修订 2026-03-01" in text
    prompt = (await team.say(MANAGER, "/policies 培训"))[-1]
    saved = text_of(await send_document(team, MANAGER, b"v2", "培训制度2.pdf", reply_to=prompt))
    assert "第 2 版" in saved


async def test_policy_refusals_and_bad_input(team: Harness):
    assert "不能使用" in text_of(await team.say(STAFF, "/policies"))
    assert "不能使用" in text_of(await team.say(LEADER, "/policies"))
    text = text_of(await team.say(MANAGER, "/policies 财务制度"))
    assert "不认识“财务制度”" in text and "安全管理制度" in text
    await team.say(MANAGER, "/policies 安全管理制度")
    assert "已取消" in text_of(await team.say(MANAGER, "/cancel"))
    assert not any(p.present for p in team.svc.compliance.policies.status())


@pytest.fixture
async def small_files(emu: BotApiEmulator, engine: Engine, clock: MovableClock,
                      tmp_path: Path) -> AsyncIterator[Harness]:
    """The application with ATTACHMENT_MAX_MB=1."""
    settings = make_settings(emu, engine, tmp_path, attachment_max_mb=1)
    async with running(emu, settings, clock, engine) as h:
        yield h


async def test_policy_file_over_the_size_limit_is_refused(small_files: Harness):
    h = small_files
    prompt = (await h.say(ADMIN, "/policies 1"))[-1]
    text = text_of(await send_document(h, ADMIN, b"x" * (1024 * 1024 + 10), "big.pdf",
                                       reply_to=prompt))
    assert "文件太大（1.0 MB），上限 1 MB" in text
    assert not h.svc.compliance.policies.status()[0].present
    assert not any(c.method == "getFile" for c in h.emu.calls)  # refused before download
