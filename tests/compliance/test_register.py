"""The staff register: edits, refusals, the XLSX round trip and the all-or-nothing import."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.services.compliance.errors import ComplianceError, RegisterImportError
from bot.services.compliance.register import parse_changes
from bot.services.compliance.register_xlsx import export_xlsx, import_xlsx
from bot.texts import compliance as texts
from models.audit import AuditLog
from models.db import session_scope
from tests.compliance.conftest import LEADER, LI, WANG, ZHANG, ZHAO, workbook


def test_parse_changes_reads_labels_aliases_and_spaces():
    changes = parse_changes(["入职=2026-02-10", "学历：大专", "专业=临床", "医学", "医学=是",
                             "考试=合格", "离职=-"])
    assert changes == {"hire_date": date(2026, 2, 10), "education": "专科",
                       "major": "临床 医学", "medical": True, "exam_passed": True,
                       "leave_date": None}


@pytest.mark.parametrize(("words", "code"), [
    (["学历=小学"], "bad_value"), (["入职=2026-02-30"], "bad_date"), (["工号=1"], "bad_field"),
    (["考试=也许"], "bad_value"), (["本科"], "bad_field"),
])
def test_parse_changes_refuses_with_a_code(words, code):
    with pytest.raises(ComplianceError) as exc:
        parse_changes(words)
    assert exc.value.code == code
    assert texts.error(exc.value)  # every code has words


def test_update_creates_then_changes_and_audits(desk, engine):
    v = desk.register.update(actor_id=ZHAO, telegram_id=ZHANG,
                             changes={"hire_date": date(2026, 2, 10), "education": "本科"})
    assert v.has_record and v.in_team(date(2026, 2, 10)) and not v.in_team(date(2026, 2, 9))
    assert v.missing == ["medical", "onboarding_date", "exam_passed"]
    v = desk.register.update(actor_id=ZHAO, telegram_id=ZHANG,
                             changes={"leave_date": date(2026, 6, 30)})
    assert v.hire_date == date(2026, 2, 10) and not v.in_team(date(2026, 6, 30))
    with session_scope(engine) as s:
        details = [a.detail for a in s.exec(select(AuditLog).where(
            AuditLog.action == "compliance.staff")).all()]
    assert details == ["hire_date,education", "leave_date"]


def test_update_refusals_change_nothing(desk):
    desk.register.update(actor_id=ZHAO, telegram_id=LI, changes={"hire_date": date(2026, 3, 1)})
    for tid, changes, code in [
        (LI, {"leave_date": date(2026, 2, 1)}, "leave_before_hire"),
        (LI, {"hire_date": date(2026, 3, 1)}, "no_changes"),
        (LEADER, {"hire_date": date(2026, 3, 1)}, "not_team"),
        (999, {"hire_date": date(2026, 3, 1)}, "unknown_person"),
    ]:
        with pytest.raises(ComplianceError) as exc:
            desk.register.update(actor_id=ZHAO, telegram_id=tid, changes=changes)
        assert exc.value.code == code
    assert desk.register.get(LI).leave_date is None


def test_person_by_name_or_id(desk):
    assert desk.register.person("李值班").telegram_id == LI
    assert desk.register.person(str(WANG)).name == "王值班"
    with pytest.raises(ComplianceError) as exc:
        desk.register.person("无名氏")
    assert exc.value.code == "unknown_person"


def test_records_list_the_team_to_fill_in(desk):
    ids = {v.member.telegram_id for v in desk.register.records()}
    assert ids == {ZHANG, LI, WANG, ZHAO}  # not the leader, not the admin without an entry
    assert [m.telegram_id for m in desk.register.unregistered()] != []


def test_export_then_import_round_trip(desk, contacts):
    desk.register.update(actor_id=ZHAO, telegram_id=ZHANG, changes={
        "hire_date": date(2026, 2, 10), "education": "硕士", "medical": True,
        "onboarding_date": date(2026, 2, 11), "exam_passed": True, "major": "公共卫生"})
    data = export_xlsx(desk.register.records())
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header[:4] == ["TG号", "姓名", "入职日期", "离职日期"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[ZHANG][5] == "硕士" and rows[ZHANG][9] == "通过"
    # edit: 李值班 gets a hire date and education, then import
    li = next(r for r in ws.iter_rows(min_row=2) if r[0].value == LI)
    li[2].value = date(2026, 3, 1)
    li[5].value = "本科"
    out = io.BytesIO()
    wb.save(out)
    result = import_xlsx(desk.register, out.getvalue(), contacts=contacts, actor_id=None)
    assert (result.rows, result.created, result.changed) == (4, 1, 0)
    assert desk.register.get(LI).education == "本科"
    assert desk.register.get(ZHANG).major == "公共卫生"  # unchanged by the round trip


def test_import_refuses_the_whole_file_listing_every_problem(desk, contacts):
    data = workbook([["TG号", "姓名", "入职日期", "学历"],
                  [ZHANG, "张值班", "2026-02-10", "本科"],
                  [LI, "张三", "2026-02-10", "本科"],
                  [WANG, "王值班", "2026-13-01", "本科"],
                  [ZHANG, "张值班", "2026-02-10", "本科"],
                  [LEADER, "王主任", "2026-02-10", "本科"],
                  [777, "", "", "小学"]])
    with pytest.raises(RegisterImportError) as exc:
        import_xlsx(desk.register, data, contacts=contacts, actor_id=None)
    got = [(p.row, p.code) for p in exc.value.problems]
    assert got == [(3, "name_mismatch"), (4, "bad_date"), (5, "duplicate_row"),
                   (6, "not_team"), (7, "unknown_person")]
    lines = texts.import_problems(exc.value.problems)
    assert lines[0].startswith("第 3 行：") and "张三" in lines[0]
    assert not desk.register.get(ZHANG).has_record  # nothing written


def test_import_without_the_id_column_and_dry_run(desk, contacts):
    with pytest.raises(RegisterImportError) as exc:
        import_xlsx(desk.register, workbook([["姓名"], ["张值班"]]), contacts=contacts,
                    actor_id=None)
    assert exc.value.problems[0].code == "missing_column"
    result = import_xlsx(desk.register, workbook([["TG号", "学历"], [ZHANG, "本科"]]),
                         contacts=contacts, actor_id=None, dry_run=True)
    assert result.dry_run and result.rows == 1
    assert desk.register.get(ZHANG).education is None
    with pytest.raises(RegisterImportError) as exc:
        import_xlsx(desk.register, b"not a workbook", contacts=contacts, actor_id=None)
    assert exc.value.problems[0].code == "bad_file"
