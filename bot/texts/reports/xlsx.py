"""The XLSX workbook: one sheet per table and the ticket list (streamed, openpyxl write-only).

The workbook holds citizens' personal data (ticket list, repeat callers): it is sent only in a
private chat or written by the command line, never to a group.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, tzinfo
from typing import Any
from xml.etree import ElementTree as ET

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bot.services.reports.figures import Figures, TicketLine, change
from bot.services.reports.service import TicketList
from bot.texts.reports.common import cluster_note, title
from bot.texts.reports.periods import bucket_label, date_range, label

DATE_FORMAT = "yyyy-mm-dd hh:mm"  # every date-time cell: a real Excel date, shown like this
EXCEL_EPOCH = datetime(1899, 12, 30)
HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
SHEET_OVERVIEW = "概览"
SHEET_TICKETS = "工单清单"
TICKET_HEADERS = (
    "工单编号", "受理时间", "来电人", "联系电话", "地址", "诉求类型", "一级分类", "二级分类",
    "承办单位", "行业", "紧急程度", "状态", "签收时间", "首次联系时间", "派发时间", "办结时限",
    "办结时间", "是否超期", "延期次数", "督办次数", "回访接通", "是否解决", "满意度",
    "重复来电次数", "诉求内容",
)
TICKET_WIDTHS = (18, 18, 10, 14, 24, 8, 16, 14, 30, 12, 8, 8, 18, 18, 18, 18, 18, 8, 8, 8, 8, 8,
                 8, 8, 60)
LIST_CAPPED = "（仅列前 {n} 件，共 {total} 件；完整清单请用命令行 python -m bot report …）"
LINE_HEADER = ["工单编号", "受理时间", "诉求类型", "问题分类", "承办单位", "紧急程度", "状态",
               "办结时限", "办结时间", "是否解决", "满意度", "督办次数", "延期次数", "诉求内容"]
SHARE_HEADER = ("件数", "占比（%）")
NA = "—"

# (sheet, header, rows, column widths): one table per sheet
Table = tuple[str, list[str], list[Any] | list[tuple[Any, ...]], list[int] | None]


def _local(v: Any, tz: tzinfo) -> Any:
    if isinstance(v, datetime):
        return v.astimezone(tz).replace(tzinfo=None) if v.tzinfo else v
    return v


def _cell(ws: WriteOnlyWorksheet, v: Any, tz: tzinfo) -> Any:
    """A value as written: date-times as date cells with DATE_FORMAT, the rest as they are."""
    if not isinstance(v, datetime):
        return v
    cell = WriteOnlyCell(ws, value=_local(v, tz))
    cell.number_format = DATE_FORMAT
    return cell


def _width(v: Any) -> int:
    """Display width of a value: a CJK character takes two columns."""
    text = v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else str(v)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _widths(header: list[str], rows: list[Any]) -> list[int]:
    """Column widths from the header and the first rows' values, within 6..60."""
    widths = [_width(h) for h in header]
    for r in rows[:200]:
        for i, v in enumerate(r[:len(widths)]):
            widths[i] = max(widths[i], _width(v) if v is not None else 0)
    return [min(60, max(6, w + 2)) for w in widths]


def _frame(ws: WriteOnlyWorksheet, header_row: int, columns: int, rows: int) -> None:
    """Freeze everything above the first data row; a filter on the header."""
    ws.freeze_panes = f"A{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{_col(columns)}{header_row + max(rows, 1)}"


def _header(ws: WriteOnlyWorksheet, names: Iterable[str]) -> None:
    row = []
    for n in names:
        cell = WriteOnlyCell(ws, value=n)
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
        cell.alignment = Alignment(horizontal="center")
        row.append(cell)
    ws.append(row)


def _table(wb: Workbook, table: Table, tz: tzinfo) -> None:
    title_, header, rows, widths = table
    ws = wb.create_sheet(title_[:31])
    for i, w in enumerate(widths or _widths(header, rows), start=1):
        ws.column_dimensions[_col(i)].width = w
    _frame(ws, 1, len(header), len(rows))
    _header(ws, header)
    for r in rows:
        ws.append([_cell(ws, v, tz) for v in r])


def _col(i: int) -> str:
    s = ""
    while i:
        i, rem = divmod(i - 1, 26)
        s = chr(65 + rem) + s
    return s


def _pct(v: float | None) -> Any:
    return NA if v is None else round(v, 2)


def _share(rows: list[tuple[str, int]], total: int) -> list[tuple[str, int, Any]]:
    return [(k, v, _pct(100.0 * v / total) if total else NA) for k, v in rows]


def _lines(ls: list[TicketLine]) -> list[list[Any]]:
    return [[t.platform_no, t.received_at, t.request_type, t.category, t.unit, t.urgency,
             t.status, t.complete_by, t.closed_at,
             NA if t.solved is None else ("是" if t.solved else "否"), t.satisfaction or NA,
             t.supervise_count, t.extension_count, t.content] for t in ls]


def build_xlsx(f: Figures, tickets: TicketList, *, tz: tzinfo) -> bytes:
    """The workbook: the overview, one sheet per table, then the ticket list (streamed)."""
    wb = Workbook(write_only=True)
    for table in (_overview(f), *_rate_tables(f), *_breakdowns(f), *_case_tables(f)):
        _table(wb, table, tz)
    ws = wb.create_sheet(SHEET_TICKETS)
    for i, width in enumerate(TICKET_WIDTHS, start=1):
        ws.column_dimensions[_col(i)].width = width
    first = 2
    if tickets.total > tickets.shown:
        ws.append([LIST_CAPPED.format(n=tickets.shown, total=tickets.total)])
        first = 3
    _frame(ws, first - 1, len(TICKET_HEADERS), min(tickets.shown, tickets.total))
    _header(ws, TICKET_HEADERS)
    buf = io.BytesIO()
    wb.save(buf)
    return _append_rows(buf.getvalue(), SHEET_TICKETS,
                        lambda style: _ticket_xml(tickets.rows, first, tz, style))


def _overview(f: Figures) -> Table:
    c, a = f.counts, f.alerts
    rows: list[tuple[str, Any]] = [
        ("报表", title(f)), ("时段", label(f.period)), ("起止", date_range(f.period)),
        ("数据截至", f.as_of), ("受理总量", c.total), ("上期受理", f.prev_total),
        ("环比（%）", _pct(change(c.total, f.prev_total))), ("去年同期受理", f.yoy_total),
        ("同比（%）", _pct(change(c.total, f.yoy_total))), ("已办结", c.closed),
        ("在办", c.open), ("退回", c.returned), ("超期", c.overdue), ("延期", c.extended),
        ("督办（二次处置）", c.supervised), ("重点案件", c.key_cases),
        ("当前在办超期（全部）", f.open_overdue_now),
        ("一人多反映（人）", f.repeat_caller_count), ("一人多反映（件）", f.repeat_ticket_count),
        ("跨月重复来电（人）", f.recurring_callers),
        ("多人反映同一问题（组）", f.cluster_total),
        ("多人反映同一问题（件）", f.clustered_tickets),
        (f"长期未办结（>{f.config.long_open_days}天）", f.long_open_count),
        ("紧急提醒（次）", NA if a is None else a.raised),
        ("紧急提醒已确认", NA if a is None else a.acked),
        ("确认用时中位数（分钟）", NA if a is None or a.median_ack_minutes is None
         else round(a.median_ack_minutes, 1)),
        ("知识库缺口", NA if f.kb_gaps is None else f.kb_gaps),
    ]
    if f.cluster_cap is not None:
        rows.append(("聚类说明", cluster_note(f)))
    return SHEET_OVERVIEW, ["项目", "数值"], rows, [28, 40]


def _rate_tables(f: Figures) -> list[Table]:
    r, w = f.rates, f.score_weights
    rates = [
        ("响应率", r.responded, r.due, _pct(r.response), _pct(f.prev_rates.response),
         _pct(f.yoy_rates.response), w["response"]),
        ("解决率", r.solved, r.reached, _pct(r.solved_rate), _pct(f.prev_rates.solved_rate),
         _pct(f.yoy_rates.solved_rate), w["solved"]),
        ("满意率", round(r.satisfied * r.sat_weights[0] + r.basic * r.sat_weights[1]
                      + r.unsatisfied * r.sat_weights[2], 2), r.sat_reached,
         _pct(r.satisfied_rate), _pct(f.prev_rates.satisfied_rate),
         _pct(f.yoy_rates.satisfied_rate), w["satisfied"]),
        ("综合得分", "", "", _pct(f.score), _pct(f.prev_score), _pct(f.yoy_score), ""),
    ]
    return [
        ("三率", ["指标", "分子", "分母", "本期（%）", "上期（%）", "去年同期（%）", "权重"],
         rates, [12, 10, 10, 12, 12, 14, 8]),
        ("满意度构成", ["满意", "基本满意", "不满意", "有效回访"],
         [(r.satisfied, r.basic, r.unsatisfied, r.sat_reached)], None),
        ("趋势", ["时段", "受理量"], [(bucket_label(k), n) for k, n in f.series], [12, 10]),
    ]


def _breakdowns(f: Figures) -> list[Table]:
    total = f.counts.total
    cat1 = [(k, v, _pct(100.0 * v / total) if total else NA, f.cat1_prev.get(k, 0),
             _pct(change(v, f.cat1_prev.get(k))), f.cat1_yoy.get(k, 0),
             _pct(change(v, f.cat1_yoy.get(k)))) for k, v in f.by_cat1]
    return [
        ("诉求类型", ["诉求类型", *SHARE_HEADER], _share(f.by_type, total), [12, 8, 10]),
        ("问题分类一级", ["一级分类", *SHARE_HEADER, "上期", "环比（%）", "去年同期", "同比（%）"],
         cat1, [20, 8, 10, 8, 10, 10, 10]),
        ("问题分类二级", ["分类", *SHARE_HEADER], _share(f.by_cat2, total), [28, 8, 10]),
        ("承办单位", ["承办单位", *SHARE_HEADER], _share(f.by_unit, total), [34, 8, 10]),
        ("行业", ["行业", *SHARE_HEADER], _share(f.by_industry, total), [20, 8, 10]),
        ("紧急程度", ["紧急程度", *SHARE_HEADER], _share(f.by_urgency, total), [12, 8, 10]),
        ("办理状态", ["状态", *SHARE_HEADER], _share(f.by_status, total), [12, 8, 10]),
    ]


def _case_tables(f: Figures) -> list[Table]:
    return [
        ("一人多反映", ["联系电话", "来电人", "件数", "主要问题", "工单编号"],
         [(x.phone, x.name, x.count, "、".join(x.categories), "、".join(x.platform_nos))
          for x in f.repeat_callers], [16, 10, 8, 30, 60]),
        ("多人反映同一问题", ["序号", "件数", "来电人数", "问题分类", "涉及单位", "首次", "最近",
                       "代表性诉求", "工单编号"],
         [(i, cl.size, cl.callers, cl.category, "、".join(cl.units), cl.first_at, cl.last_at,
           cl.sample, "、".join(cl.platform_nos)) for i, cl in enumerate(f.clusters, 1)],
         [6, 6, 8, 16, 30, 18, 18, 60, 60]),
        ("长期未办结", LINE_HEADER, _lines(f.long_open), None),
        ("督办重办", LINE_HEADER, _lines(f.reopened), None),
        ("重点案件", LINE_HEADER, _lines(f.key_case_list), None),
    ]


# ---------------------------------------------------------------- the fast ticket list
# openpyxl spends ~10 µs a cell; the ticket list (up to tens of thousands of rows × 25 columns)
# is written as sheet XML directly (inline strings), streamed into the saved workbook.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_COLS = [_col(i) for i in range(1, 27)]
_YES_NO = {True: "是", False: "否"}  # 1 and 0 (SQLite) hash as True/False
_DATE_COLS = frozenset({1, 12, 13, 14, 15, 16})
_BOOL_COLS = frozenset({17, 20, 21})


def _serial(v: datetime, tz: tzinfo) -> float:
    """Excel's date number (days since 1899-12-30) of a local time, to the second."""
    return round((_local(v, tz) - EXCEL_EPOCH).total_seconds() / 86400, 8)


def _ticket_xml(rows: Iterable[tuple[Any, ...]], first: int, tz: tzinfo,
                date_style: int) -> Iterator[str]:
    n = first
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            if v is None:
                continue
            ref = f"{_COLS[i]}{n}"
            if i in _BOOL_COLS:
                v = _YES_NO.get(v, "")
            elif i in _DATE_COLS and isinstance(v, datetime):
                cells.append(f'<c r="{ref}" s="{date_style}"><v>{_serial(v, tz)}</v></c>')
                continue
            if isinstance(v, int | float) and not isinstance(v, bool):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                text = _ILLEGAL.sub("", str(v))[:32000].translate(_ESC)
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}'
                             "</t></is></c>")
        yield f'<row r="{n}">{"".join(cells)}</row>'
        n += 1


def _sheet_path(z: zipfile.ZipFile, title: str) -> str:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    book = ET.fromstring(z.read("xl/workbook.xml"))
    rid = next(s.get(f"{{{ns['r']}}}id") for s in book.iter(f"{{{ns['m']}}}sheet")
               if s.get("name") == title)
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target") for r in rels.iter(f"{{{ns['p']}}}Relationship")
                  if r.get("Id") == rid)
    assert target is not None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _with_date_style(styles: str) -> tuple[str, int]:
    """styles.xml with one more cell format (DATE_FORMAT), and that format's index."""
    ids = [int(x) for x in re.findall(r'numFmtId="(\d+)"', styles)]
    fmt_id = max([163, *ids]) + 1
    fmt = f'<numFmt numFmtId="{fmt_id}" formatCode="{DATE_FORMAT}"/>'
    if "<numFmts" in styles:
        styles = re.sub(r'<numFmts count="(\d+)">',
                        lambda m: f'<numFmts count="{int(m.group(1)) + 1}">', styles, count=1)
        styles = styles.replace("</numFmts>", fmt + "</numFmts>", 1)
    else:
        styles = re.sub(r"(<styleSheet[^>]*>)", rf'\1<numFmts count="1">{fmt}</numFmts>', styles,
                        count=1)
    count = int(re.search(r'<cellXfs count="(\d+)">', styles).group(1))  # type: ignore[union-attr]
    xf = (f'<xf numFmtId="{fmt_id}" fontId="0" fillId="0" borderId="0" '
          'applyNumberFormat="1" xfId="0"/>')
    styles = styles.replace(f'<cellXfs count="{count}">', f'<cellXfs count="{count + 1}">', 1)
    styles = styles.replace("</cellXfs>", xf + "</cellXfs>", 1)
    return styles, count


def _append_rows(data: bytes, title: str, rows: Callable[[int], Iterator[str]]) -> bytes:
    """Insert rows (sheet XML, given the date style's index) at the end of the sheet's
    <sheetData> in a saved workbook; the date style is added to its styles."""
    src = zipfile.ZipFile(io.BytesIO(data))
    path = _sheet_path(src, title)
    styles, date_style = _with_date_style(src.read("xl/styles.xml").decode("utf-8"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/styles.xml":
                dst.writestr(item, styles.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)
                continue
            if item.filename != path:
                dst.writestr(item, body, compress_type=zipfile.ZIP_DEFLATED)
                continue
            xml = body.decode("utf-8")
            cut = xml.index("</sheetData>")
            with dst.open(item.filename, "w", force_zip64=True) as f:
                f.write(xml[:cut].encode("utf-8"))
                chunk: list[str] = []
                for r in rows(date_style):
                    chunk.append(r)
                    if len(chunk) >= 500:
                        f.write("".join(chunk).encode("utf-8"))
                        chunk = []
                f.write("".join(chunk).encode("utf-8"))
                f.write(xml[cut:].encode("utf-8"))
    return out.getvalue()
