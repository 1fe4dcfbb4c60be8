"""The callback ledger (回访台账) as an XLSX: one row per callback, the missing recordings in
red; a second sheet with the period and the counts.

Times are real Excel date-times in the bot's zone (``yyyy-mm-dd hh:mm``); the header row is
frozen and filtered. No citizen name or phone is in it (ticket numbers, staff, answers and
the staff's own note); it goes to a manager's or leader's private chat only.
"""

from __future__ import annotations

import io
from datetime import tzinfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.services.compliance.ledger import Ledger, LedgerRow
from bot.texts.compliance_tickets import kinds
from bot.texts.reports.periods import label

BOLD = Font(bold=True)
MISSING = PatternFill("solid", fgColor="FFC7CE")
HEADER = PatternFill("solid", fgColor="DDEBF7")
DATETIME = "yyyy-mm-dd hh:mm"
#: (header, width) of each column, in order
COLUMNS = (("序号", 6), ("工单编号", 18), ("回访时间", 17), ("回访人", 10), ("承办单位", 24),
           ("是否解决", 9), ("满意度", 10), ("备注", 40), ("录音", 14), ("附件", 18))
RECORDING_YES, RECORDING_MISSING, RECORDING_NOT_NEEDED = "有", "缺录音", "未接通"


def _result(r: LedgerRow) -> tuple[str, str]:
    if not r.reached:
        return "未接通", "—"
    solved = "—" if r.solved is None else ("解决" if r.solved else "未解决")
    return solved, r.satisfaction or "—"


def _recording(r: LedgerRow) -> str:
    if r.recordings:
        return RECORDING_YES
    return RECORDING_MISSING if r.missing else RECORDING_NOT_NEEDED


def _rows(ws: Worksheet, ledger: Ledger, tz: tzinfo) -> None:
    ws.title = "回访台账"
    ws.append([title for title, _ in COLUMNS])
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEADER
    for n, r in enumerate(ledger.rows, start=1):
        solved, satisfaction = _result(r)
        ws.append([n, r.platform_no, r.at.astimezone(tz).replace(tzinfo=None),
                   r.staff.name if r.staff else "—", r.unit, solved, satisfaction, r.note or None,
                   _recording(r), kinds(r.files) or "—"])
        ws.cell(ws.max_row, 3).number_format = DATETIME
        ws.cell(ws.max_row, 8).alignment = Alignment(wrap_text=True, vertical="top")
        if r.missing:
            for cell in ws[ws.max_row]:
                cell.fill = MISSING
            ws.cell(ws.max_row, 9).font = BOLD
    for i, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{ws.max_row}"


def _summary(ws: Worksheet, ledger: Ledger) -> None:
    rows = ledger.rows
    reached = [r for r in rows if r.reached]
    ws.append(["回访台账", label(ledger.period)])
    ws["A1"].font = Font(bold=True, size=13)
    for name, value in (("回访次数", len(rows)), ("接通", len(reached)),
                        ("未接通", len(rows) - len(reached)),
                        ("有录音", sum(1 for r in rows if r.recordings)),
                        ("缺录音（接通但未附录音）", ledger.missing),
                        ("解决", sum(1 for r in reached if r.solved)),
                        ("满意", sum(1 for r in reached if r.satisfaction == "满意")),
                        ("基本满意", sum(1 for r in reached if r.satisfaction == "基本满意")),
                        ("不满意", sum(1 for r in reached if r.satisfaction == "不满意"))):
        ws.append([name, value])
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 30


def ledger_xlsx(ledger: Ledger, tz: tzinfo) -> bytes:
    wb = Workbook()
    _rows(wb.active, ledger, tz)
    _summary(wb.create_sheet("汇总"), ledger)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def file_name(ledger: Ledger) -> str:
    return f"回访台账_{ledger.period.key.replace('~', '_')}.xlsx"
