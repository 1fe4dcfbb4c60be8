"""Contacts (手机, 邮箱) in the staff register file: checked as /setcontact checks them, all or
nothing with the register's own cells, audited by field name, exported in full for the
admins only, and an export imported back changes nothing."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import col, select

from bot.services.compliance.errors import RegisterImportError
from bot.services.compliance.register_xlsx import (
    export_xlsx,
    import_xlsx,
    with_contact_holders,
)
from bot.services.staff.contacts import Contact, Contacts
from bot.texts import compliance as texts
from models.audit import AuditLog
from models.db import session_scope
from tests.compliance.conftest import (
    ADMIN,
    LEADER,
    LI,
    WANG,
    ZHANG,
    ZHAO,
    hire,
    workbook,
)
from tests.conftest import BotRun

HEADER = ["TG号", "姓名", "学历", "手机", "邮箱"]


def _audits(engine, action: str) -> list[tuple[str | None, str | None, int | None]]:
    with session_scope(engine) as s:
        rows = s.exec(select(AuditLog).where(AuditLog.action == action)
                      .order_by(col(AuditLog.id))).all()
        return [(a.target, a.detail, a.actor_id) for a in rows]


def test_import_records_contacts_in_any_usual_writing_and_audits_the_fields(
        desk, contacts: Contacts, engine) -> None:
    data = workbook([HEADER,
                  [LEADER, "王主任", None, "+86 139-0000-0001", "wang@example.org"],
                  [ZHAO, "赵经理", "本科", 13900000002, None],
                  [ZHANG, "张值班", "硕士", None, " zhang@example.org "]])
    result = import_xlsx(desk.register, data, contacts=contacts, actor_id=ADMIN)
    assert (result.rows, result.created, result.changed, result.contacts) == (3, 2, 0, 3)
    assert contacts.all() == {
        LEADER: Contact(LEADER, "13900000001", "wang@example.org"),
        ZHAO: Contact(ZHAO, "13900000002", ""),
        ZHANG: Contact(ZHANG, "", "zhang@example.org")}
    assert desk.register.get(ZHAO).education == "本科"
    # the same entries /setcontact writes: who, which fields, never a value
    assert _audits(engine, "staff.contact") == [
        (str(LEADER), "email,phone", ADMIN), (str(ZHAO), "phone", ADMIN),
        (str(ZHANG), "email", ADMIN)]


def test_an_empty_cell_keeps_the_contact_and_a_dash_clears_it(desk, contacts: Contacts,
                                                               engine) -> None:
    contacts.set(actor_id=ADMIN, telegram_id=LEADER,
                 changes={"phone": "13900000001", "email": "wang@example.org"})
    contacts.set(actor_id=ADMIN, telegram_id=ZHAO, changes={"phone": "13900000002"})
    data = workbook([["TG号", "手机", "邮箱"], [LEADER, "", "-"], [ZHAO, "－", "清除"],
                  [LI, "-", ""]])
    result = import_xlsx(desk.register, data, contacts=contacts, actor_id=None)
    assert result.contacts == 2  # 李值班 had nothing to clear
    assert contacts.get(LEADER) == Contact(LEADER, "13900000001", "")
    assert contacts.get(ZHAO) == Contact(ZHAO, "", "")
    assert LI not in contacts.all()
    assert _audits(engine, "staff.contact")[2:] == [(str(LEADER), "email", None),
                                                    (str(ZHAO), "phone", None)]


def test_bad_contacts_are_named_by_row_and_column_and_nothing_changes(
        desk, contacts: Contacts, engine) -> None:
    contacts.set(actor_id=ADMIN, telegram_id=LEADER, changes={"phone": "13900000001"})
    data = workbook([HEADER,
                  [ZHANG, "张值班", "本科", "13900000003", "zhang@example.org"],
                  [LEADER, "王主任", None, "1390000", "wang@example"],
                  [ZHAO, "赵经理", "小学", "13900000004", "zhao at example.org"],
                  [LI, "李值班", "本科", "phone 13900000005", None]])
    with pytest.raises(RegisterImportError) as exc:
        import_xlsx(desk.register, data, contacts=contacts, actor_id=ADMIN)
    got = [(p.row, p.column, p.code) for p in exc.value.problems]
    assert got == [(3, "D", "bad_phone"), (3, "E", "bad_email"), (4, "C", "bad_value"),
                   (4, "E", "bad_email"), (5, "D", "bad_phone")]
    lines = texts.import_problems(exc.value.problems)
    assert lines[0] == ("第 3 行 D 列（手机）：“1390000”不是有效的手机号"
                        "（应为 11 位，如 13800000001）。")
    assert lines[1] == "第 3 行 E 列（邮箱）：“wang@example”不是有效的邮箱地址。"
    assert lines[2].startswith("第 4 行 C 列（学历）：“小学”不是有效的学历")
    # nothing written: not the good row's contact, not its register entry, no audit
    assert contacts.all() == {LEADER: Contact(LEADER, "13900000001", "")}
    assert not desk.register.get(ZHANG).has_record
    assert len(_audits(engine, "staff.contact")) == 1


def test_a_leader_row_carries_contacts_only(desk, contacts: Contacts) -> None:
    data = workbook([["TG号", "入职日期", "手机"], [LEADER, "2026-02-10", "13900000001"]])
    with pytest.raises(RegisterImportError) as exc:
        import_xlsx(desk.register, data, contacts=contacts, actor_id=ADMIN)
    assert [(p.row, p.code) for p in exc.value.problems] == [(2, "not_team")]
    assert contacts.all() == {}


def test_dry_run_checks_contacts_and_writes_nothing(desk, contacts: Contacts) -> None:
    with pytest.raises(RegisterImportError):
        import_xlsx(desk.register, workbook([["TG号", "手机"], [ZHAO, "12345678901"]]),
                    contacts=contacts, actor_id=None, dry_run=True)
    result = import_xlsx(desk.register, workbook([["TG号", "手机"], [ZHAO, "13900000002"]]),
                         contacts=contacts, actor_id=None, dry_run=True)
    assert result.dry_run and result.rows == 1 and contacts.all() == {}


def _admins_copy(desk, contacts: Contacts) -> bytes:
    book = contacts.all()
    views = with_contact_holders(desk.register.records(), desk.register.staff.all(), book)
    return export_xlsx(views, book)


def test_the_admins_export_has_every_contact_in_full_and_round_trips(
        desk, contacts: Contacts, engine) -> None:
    hire(desk, ZHANG, date(2026, 2, 10), major="公共卫生")
    contacts.set(actor_id=ADMIN, telegram_id=LEADER,
                 changes={"phone": "13900000001", "email": "wang@example.org"})
    contacts.set(actor_id=ADMIN, telegram_id=ZHANG, changes={"phone": "13900000003"})
    contacts.set(actor_id=ADMIN, telegram_id=ADMIN, changes={"email": "it@example.org"})
    data = _admins_copy(desk, contacts)
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]][-2:] == ["手机", "邮箱"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {ZHANG, LI, WANG, ZHAO, LEADER, ADMIN}
    assert rows[LEADER][-2:] == ("13900000001", "wang@example.org")
    assert rows[LEADER][2:10] == (None, None, "否", None, None, None, None, None)
    assert rows[ZHANG][-2:] == ("13900000003", None) and rows[ZHAO][-2:] == (None, None)
    before = _audits(engine, "staff.contact") + _audits(engine, "compliance.staff_import")

    result = import_xlsx(desk.register, data, contacts=contacts, actor_id=ADMIN)
    assert (result.rows, result.created, result.changed, result.contacts) == (6, 0, 0, 0)
    assert _cells(_admins_copy(desk, contacts)) == _cells(data)
    assert _audits(engine, "staff.contact") + _audits(engine, "compliance.staff_import") \
        == before


def _cells(data: bytes) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_the_copy_without_contacts_leaves_them_as_they_are(desk, contacts: Contacts) -> None:
    contacts.set(actor_id=ADMIN, telegram_id=ZHAO, changes={"phone": "13900000002"})
    data = export_xlsx(desk.register.records())
    header = [c.value for c in load_workbook(io.BytesIO(data)).active[1]]
    assert "手机" not in header and "邮箱" not in header
    result = import_xlsx(desk.register, data, contacts=contacts, actor_id=None)
    assert result.contacts == 0
    assert contacts.get(ZHAO) == Contact(ZHAO, "13900000002", "")


def test_the_command_line_exports_and_imports_contacts(
        desk, contacts: Contacts, database_url: str, tmp_path: Path,
        run_bot: Callable[..., BotRun]) -> None:
    contacts.set(actor_id=ADMIN, telegram_id=LEADER, changes={"phone": "13900000001"})
    file = tmp_path / "register.xlsx"
    run = run_bot("staff", "export", str(file), DATABASE_URL=database_url)
    assert run.status == 0, run.err
    assert file.stat().st_mode & 0o777 == 0o600
    wb = load_workbook(file)
    ws = wb.active
    header = [c.value for c in ws[1]]
    phone, email = header.index("手机"), header.index("邮箱")
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert rows[LEADER][phone].value == "13900000001"
    rows[ZHAO][email].value = "zhao@example.org"
    wb.save(file)
    run = run_bot("staff", "import", str(file), DATABASE_URL=database_url)
    assert run.status == 0, run.err
    assert "联系方式更新 1 人" in run.out
    assert contacts.get(ZHAO) == Contact(ZHAO, "", "zhao@example.org")

    rows[LI][phone].value = "110"
    wb.save(file)
    run = run_bot("staff", "import", str(file), DATABASE_URL=database_url)
    assert run.status == 1
    row = next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == LI)
    column = "ABCDEFGHIJKL"[phone]
    assert f"第 {row} 行 {column} 列（手机）：“110”不是有效的手机号" in run.err
    assert LI not in contacts.all()

    run = run_bot("staff", "export", "--no-contacts", str(file), DATABASE_URL=database_url)
    assert run.status == 0, run.err
    assert "手机" not in [c.value for c in load_workbook(file).active[1]]
