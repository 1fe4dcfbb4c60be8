"""Reminders (producer → notes → rendered text), the work report draft and DOCX, the rules
file checks and the on-boarding gate the roster will call."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from docx import Document
from sqlmodel import select

from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.compliance.gate import OnboardingGate, OnboardingRefused
from bot.services.compliance.notes import TrainingBehindNote, WorkReportDueNote
from bot.services.compliance.periods import month
from bot.services.compliance.rules import PACKAGED_RULES_FILE, RulesFileError, load_rules
from bot.services.compliance.trainings import TrainingDraft
from bot.services.outbox.notes import load_note
from bot.texts.audience import Audience
from bot.texts.compliance_files.workreport_docx import workreport_docx
from bot.texts.render import render
from models.db import session_scope
from models.outbox import OutboxMessage
from tests.compliance.conftest import LI, WANG, ZHANG, ZHAO, hire
from tests.reports.helpers import add as add_report_ticket


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 30) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def _queued(engine) -> list[tuple[int, object]]:
    with session_scope(engine) as s:
        rows = s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [(r.chat_id, load_note(r.note_kind, r.payload or "")) for r in rows]


def test_training_behind_on_the_milestone_and_weekly_after(desk, engine, clock):
    for m in (5, 6, 7):  # the month-end report reminders are another test's business
        desk.workreports.mark_produced(month(2026, m), actor_id=ZHAO)
    for day, expect in [(at(2026, 6, 30), 0), (at(2026, 7, 1, 8, 59), 0), (at(2026, 7, 1), 1),
                        (at(2026, 7, 1, 15), 0), (at(2026, 7, 2), 0), (at(2026, 7, 8), 1)]:
        clock.set(day)
        assert desk.reminders.scan(day) == expect, day
    (chat, note), _ = _queued(engine)
    assert chat == ZHAO and isinstance(note, TrainingBehindNote)
    assert (note.by, note.expected, note.held) == (date(2026, 7, 1), 1, 0)
    text = render(note, Audience.STAFF).text
    assert "培训进度提醒" in text and "2026-07-01" in text and "¥50,000" in text
    clock.set(at(2026, 7, 10))
    desk.trainings.add(TrainingDraft(date(2026, 7, 9), "业务培训", "流程"), actor_id=ZHAO)
    assert desk.reminders.scan(at(2026, 7, 15)) == 0  # caught up (1 of 1 by 07-01)


def test_work_report_reminder_until_produced(desk, engine, clock):
    for d in (date(2026, 3, 2), date(2026, 9, 1)):  # trainings on schedule: no other reminder
        desk.trainings.add(TrainingDraft(d, "业务培训", "流程"), actor_id=ZHAO)
    assert desk.reminders.scan(at(2026, 11, 26)) == 0  # 4 days before month end: not yet
    assert desk.reminders.scan(at(2026, 11, 28)) == 1  # last 3 days of November
    (_chat, note), = _queued(engine)
    assert isinstance(note, WorkReportDueNote) and note.month == "2026-11"
    assert note.last_day == date(2026, 12, 5)
    assert "/workreport 2026-11" in render(note, Audience.STAFF).text
    desk.workreports.mark_produced(month(2026, 11), actor_id=ZHAO)
    assert desk.reminders.scan(at(2026, 11, 29)) == 0
    assert desk.reminders.scan(at(2026, 12, 3)) == 0  # grace days: still November, produced
    assert desk.reminders.scan(at(2026, 12, 10)) == 0


def test_no_reminders_outside_the_service_period(desk, clock):
    assert desk.reminders.scan(at(2027, 3, 30)) == 0


def test_work_report_draft_and_docx(desk, engine, clock):
    clock.set(at(2026, 12, 2))
    hire(desk, ZHANG, date(2026, 11, 3), education="硕士")
    hire(desk, LI, date(2026, 2, 10), exam_passed=False)
    desk.register.update(actor_id=ZHAO, telegram_id=WANG,
                         changes={"hire_date": date(2026, 2, 10),
                                  "leave_date": date(2026, 11, 20)})
    desk.trainings.add(TrainingDraft(date(2026, 11, 12), "全系统培训", "新版流程", (ZHANG, LI)),
                       actor_id=ZHAO)
    desk.incidents.record_other(note="值班表迟报", actor_id=ZHAO, occurred_on=date(2026, 11, 5))
    for d in (3, 4, 5):
        add_report_ticket(engine, datetime(2026, 11, d, 10, tzinfo=SHANGHAI))
    draft = desk.workreports.draft(month(2026, 11))
    assert draft.business is not None and draft.business.total == 3
    assert [v.member.telegram_id for v in draft.hires] == [ZHANG]
    assert [v.member.telegram_id for v in draft.departures] == [WANG]
    assert draft.assessment.as_of == date(2026, 11, 30)
    doc = Document(io.BytesIO(workreport_docx(draft, SHANGHAI)))
    text = "\n".join(p.text for p in doc.paragraphs)
    for heading in ("一、业务工作情况", "二、人事变动情况", "三、员工考核情况",
                    "四、考核细则自查"):
        assert heading in text
    assert "共受理诉求 3 件" in text and "【请判断：" in text and "【请填写：" in text
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "王值班" in cells and "新版流程" in cells and "值班表迟报" in cells
    assert "13800000" not in text + cells  # no citizen phone anywhere
    assert not desk.workreports.produced(month(2026, 11))


def test_rules_file_errors_name_the_line(tmp_path: Path):
    bad = tmp_path / "rules.yaml"
    bad.write_text(PACKAGED_RULES_FILE.read_text(encoding="utf-8").replace(
        "kinds: [业务培训, 全系统培训]", "kinds: [业务培训, 讲座]"), encoding="utf-8")
    with pytest.raises(RulesFileError) as exc:
        load_rules(bad)
    line = next(i for i, t in enumerate(bad.read_text(encoding="utf-8").splitlines(), 1)
                if "讲座" in t)
    assert f"第 {line} 行" in str(exc.value) and "讲座" in str(exc.value)
    with pytest.raises(RulesFileError):
        load_rules(tmp_path / "missing.yaml")


def test_onboarding_gate_warns_or_refuses(desk, engine, staff):
    hire(desk, ZHANG, date(2026, 2, 10))
    hire(desk, LI, date(2026, 2, 10), exam_passed=False)
    warn = OnboardingGate(engine, staff)
    assert [m.telegram_id for m in warn.enforce([ZHANG, LI, WANG, 424242])] == [LI, WANG]
    refuse = OnboardingGate(engine, staff, mode="refuse")
    assert refuse.enforce([ZHANG]) == []
    with pytest.raises(OnboardingRefused) as exc:
        refuse.enforce([ZHANG, LI])
    assert [m.telegram_id for m in exc.value.members] == [LI]
    from bot.texts import compliance as texts

    assert "李值班" in texts.gate_refused(exc.value) and "未保存" in texts.gate_refused(exc.value)
    assert desk.gate.mode == "warn"
