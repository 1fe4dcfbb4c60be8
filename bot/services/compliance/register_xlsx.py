"""The staff register as an XLSX file: export, and an all-or-nothing import.

The columns are the register's labels (``vocab.REGISTER_COLUMNS``), so an exported file can
be edited and imported back. Import: `TG号` is required and must name a registered person;
a column present in the file sets that field for every row (an empty cell clears it), a
column left out is not touched. Any bad row refuses the whole file with every problem listed.

Two optional columns carry a member's contact for the alert channels, 手机 and 邮箱: checked
by the same rules as /setcontact, an empty cell leaves the contact on record as it is and
`-` clears it. Leaders have no register entry, so a leader's row may only carry contacts.
The export has those columns only when asked for them (the command line, run by the operator
who is an admin); nothing sends this file to a chat.
"""

from __future__ import annotations

import io
import os
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from bot.services.compliance import vocab
from bot.services.compliance.errors import ComplianceError, RegisterImportError, RowProblem
from bot.services.compliance.register import RecordView, StaffRegister, check, parse_value
from bot.services.staff import contacts as contact_rules
from bot.services.staff.contacts import Contact, ContactError, Contacts
from bot.services.staff.directory import Member
from models.db import session_scope
from models.staff import Role

_LABEL_TO_FIELD = {label: key for key, label in vocab.FIELD_LABELS.items()}


@dataclass(frozen=True)
class RowChanges:
    """One checked row: the register fields to set (none for a leader) and the contact
    fields whose cell was filled in (an empty contact cell changes nothing)."""

    telegram_id: int
    register: dict[str, Any]
    contact: dict[str, str]


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    changed: int
    dry_run: bool
    contacts: int = 0  # members whose phone or e-mail changed


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


def export_xlsx(views: list[RecordView], contacts: Mapping[int, Contact] | None = None
                ) -> bytes:
    """One row per person, in the import's columns (dates as dates, yes/no as 是/否); with
    `contacts` (the admins' copy) also 手机 and 邮箱 in full, as text cells."""
    wb = Workbook()
    ws = wb.active
    ws.title = "人员台账"
    columns = list(vocab.REGISTER_COLUMNS)
    if contacts is not None:
        columns += list(vocab.CONTACT_COLUMNS)
    ws.append(columns)
    for v in views:
        exam = None if v.exam_passed is None else ("通过" if v.exam_passed else "未通过")
        medical = None if v.medical is None else ("是" if v.medical else "否")
        row: list[Any] = [v.member.telegram_id, v.member.name, v.hire_date, v.leave_date,
                          "是" if v.leave_approved else "否", v.education, v.major, medical,
                          v.onboarding_date, exam]
        if contacts is not None:
            c = contacts.get(v.member.telegram_id)
            row += [c.phone or None, c.email or None] if c else [None, None]
        ws.append(row)
    for i, width in enumerate((14, 10, 12, 12, 12, 8, 16, 10, 14, 10, 14, 26)[:len(columns)]):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str) and cell.column > len(vocab.REGISTER_COLUMNS):
                cell.number_format = "@"  # a phone stays text when edited
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_contact_holders(views: list[RecordView], members: Sequence[Member],
                         contacts: Mapping[int, Contact]) -> list[RecordView]:
    """The register's people, then active leaders and anyone else with a contact on record
    (with empty register cells), so the admins' export carries every contact."""
    listed = {v.member.telegram_id for v in views}
    extra = [RecordView(m) for m in members if m.telegram_id not in listed
             and ((m.active and m.role == Role.leader) or m.telegram_id in contacts)]
    return views + sorted(extra, key=lambda v: (v.member.role != Role.leader, v.member.name))


def _rows(source: str | os.PathLike[str] | bytes) -> list[tuple[Any, ...]]:
    try:
        data = io.BytesIO(source) if isinstance(source, bytes) else source
        wb = load_workbook(data, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise RegisterImportError([RowProblem(0, "bad_file", {"why": type(exc).__name__})]) \
            from None
    try:
        return [tuple(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def read_changes(register: StaffRegister, source: str | os.PathLike[str] | bytes
                 ) -> list[RowChanges]:
    """Every row's checked changes, or RegisterImportError listing every problem."""
    rows = _rows(source)
    header = [_cell_text(h) for h in (rows[0] if rows else ())]
    if vocab.COL_TG not in header:
        raise RegisterImportError([RowProblem(1, "missing_column", {"column": vocab.COL_TG})])
    letters = {h: get_column_letter(i + 1) for i, h in reversed(list(enumerate(header))) if h}
    problems: list[RowProblem] = []
    items: list[RowChanges] = []
    seen: dict[int, int] = {}
    for number, raw in enumerate(rows[1:], start=2):
        cells = {h: _cell_text(v) for h, v in zip(header, raw, strict=False) if h}
        if not any(cells.values()):
            continue
        try:
            item = _row(register, number, cells, letters)
        except ComplianceError as exc:
            problems.append(RowProblem(number, exc.code, exc.fields))
            continue
        except RegisterImportError as exc:  # bad cells, each named by its column
            problems.extend(exc.problems)
            continue
        if item.telegram_id in seen:
            problems.append(RowProblem(number, "duplicate_row", {"first": seen[item.telegram_id]}))
            continue
        seen[item.telegram_id] = number
        items.append(item)
    if problems:
        raise RegisterImportError(problems)
    return items


def _member(register: StaffRegister, cells: dict[str, str]) -> Member:
    raw_id = cells.get(vocab.COL_TG, "")
    if not (raw_id.isascii() and raw_id.isdigit()) or len(raw_id) > 15:  # no TG id is longer
        raise ComplianceError("unknown_person", who=raw_id)
    member = register.staff.get_any(int(raw_id))
    if member is None:
        raise ComplianceError("unknown_person", who=raw_id)
    name = cells.get(vocab.COL_NAME, "")
    if name and name != member.name:
        raise ComplianceError("name_mismatch", who=raw_id, name=name, registered=member.name)
    return member


def _cells(number: int, cells: dict[str, str], letters: dict[str, str]
           ) -> tuple[dict[str, Any], dict[str, str]]:
    """The register and contact values of a row; every bad cell is reported."""
    fields: dict[str, Any] = {}
    contact: dict[str, str] = {}
    problems: list[RowProblem] = []
    for header, text in cells.items():
        try:
            if header in _LABEL_TO_FIELD:
                fields[_LABEL_TO_FIELD[header]] = parse_value(_LABEL_TO_FIELD[header], text)
            elif header in vocab.CONTACT_COLUMNS and text:  # empty: the contact stays
                field = vocab.CONTACT_COLUMNS[header]
                contact[field] = contact_rules.parse_value(field, text)
        except (ComplianceError, ContactError) as exc:
            problems.append(RowProblem(number, str(exc.code), exc.fields, letters[header],
                                       header))
    if problems:
        raise RegisterImportError(problems)
    return fields, contact


def _row(register: StaffRegister, number: int, cells: dict[str, str],
         letters: dict[str, str]) -> RowChanges:
    member = _member(register, cells)
    fields, contact = _cells(number, cells, letters)
    if member.role == Role.leader:  # no register entry: only contacts (or empty cells)
        if any(v not in (None, False) for v in fields.values()):
            raise ComplianceError("not_team", name=member.name)
        return RowChanges(member.telegram_id, {}, contact)
    merged = register.get(member.telegram_id).values() | fields
    check(RecordView(member, **merged))
    return RowChanges(member.telegram_id, fields, contact)


def import_xlsx(register: StaffRegister, source: str | os.PathLike[str] | bytes, *,
                contacts: Contacts, actor_id: int | None,
                dry_run: bool = False) -> ImportResult:
    """Check the whole file, then (unless `dry_run`) write it, register entries and contacts,
    in one transaction."""
    items = read_changes(register, source)
    if dry_run:
        return ImportResult(len(items), 0, 0, True)
    with session_scope(register.engine) as s:
        created, changed = register.apply_many(
            s, [(r.telegram_id, r.register) for r in items if r.register], actor_id=actor_id)
        touched = contacts.apply_many(s, [(r.telegram_id, r.contact) for r in items],
                                      actor_id=actor_id)
    return ImportResult(len(items), created, changed, False, touched)
