"""The staff register as an XLSX file: export, and an all-or-nothing import.

The columns are the register's labels (``vocab.REGISTER_COLUMNS``), so an exported file can
be edited and imported back. Import: `TG号` is required and must name a registered person;
a column present in the file sets that field for every row (an empty cell clears it), a
column left out is not touched. Any bad row refuses the whole file with every problem listed.
"""

from __future__ import annotations

import io
import os
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from bot.services.compliance import vocab
from bot.services.compliance.errors import ComplianceError, RegisterImportError, RowProblem
from bot.services.compliance.register import RecordView, StaffRegister, check, parse_value
from models.staff import Role

_LABEL_TO_FIELD = {label: key for key, label in vocab.FIELD_LABELS.items()}


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    changed: int
    dry_run: bool


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


def export_xlsx(views: list[RecordView]) -> bytes:
    """One row per person, in the import's columns (dates as dates, yes/no as 是/否)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "人员台账"
    ws.append(list(vocab.REGISTER_COLUMNS))
    for v in views:
        exam = None if v.exam_passed is None else ("通过" if v.exam_passed else "未通过")
        medical = None if v.medical is None else ("是" if v.medical else "否")
        ws.append([v.member.telegram_id, v.member.name, v.hire_date, v.leave_date,
                   "是" if v.leave_approved else "否", v.education, v.major, medical,
                   v.onboarding_date, exam])
    for column, width in zip("ABCDEFGHIJ", (14, 10, 12, 12, 12, 8, 16, 10, 14, 10),
                             strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


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
                 ) -> list[tuple[int, dict[str, Any]]]:
    """Every row as (telegram_id, changes), or RegisterImportError listing every problem."""
    rows = _rows(source)
    header = [_cell_text(h) for h in (rows[0] if rows else ())]
    if vocab.COL_TG not in header:
        raise RegisterImportError([RowProblem(1, "missing_column", {"column": vocab.COL_TG})])
    problems: list[RowProblem] = []
    items: list[tuple[int, dict[str, Any]]] = []
    seen: dict[int, int] = {}
    for number, raw in enumerate(rows[1:], start=2):
        cells = {h: _cell_text(v) for h, v in zip(header, raw, strict=False) if h}
        if not any(cells.values()):
            continue
        try:
            tid, changes = _row(register, cells)
        except ComplianceError as exc:
            problems.append(RowProblem(number, exc.code, exc.fields))
            continue
        if tid in seen:
            problems.append(RowProblem(number, "duplicate_row", {"first": seen[tid]}))
            continue
        seen[tid] = number
        items.append((tid, changes))
    if problems:
        raise RegisterImportError(problems)
    return items


def _row(register: StaffRegister, cells: dict[str, str]) -> tuple[int, dict[str, Any]]:
    raw_id = cells.get(vocab.COL_TG, "")
    if not (raw_id.isascii() and raw_id.isdigit()) or len(raw_id) > 15:  # no TG id is longer
        raise ComplianceError("unknown_person", who=raw_id)
    member = register.staff.get_any(int(raw_id))
    if member is None:
        raise ComplianceError("unknown_person", who=raw_id)
    if member.role == Role.leader:
        raise ComplianceError("not_team", name=member.name)
    name = cells.get(vocab.COL_NAME, "")
    if name and name != member.name:
        raise ComplianceError("name_mismatch", who=raw_id, name=name, registered=member.name)
    changes = {_LABEL_TO_FIELD[h]: parse_value(_LABEL_TO_FIELD[h], text)
               for h, text in cells.items() if h in _LABEL_TO_FIELD}
    current = register.get(member.telegram_id)
    merged = current.values() | changes
    check(RecordView(member, **merged))
    return member.telegram_id, changes


def import_xlsx(register: StaffRegister, source: str | os.PathLike[str] | bytes, *,
                actor_id: int | None, dry_run: bool = False) -> ImportResult:
    """Check the whole file, then (unless `dry_run`) write it in one transaction."""
    items = read_changes(register, source)
    if dry_run:
        return ImportResult(len(items), 0, 0, True)
    created, changed = register.apply_many(items, actor_id=actor_id)
    return ImportResult(len(items), created, changed, False)
