"""The chart (CJK font, no missing glyphs), the XLSX and the DOCX, opened and read back."""

from __future__ import annotations

import io
import warnings
from datetime import datetime

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from bot.clock import MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.reports.config import ReportConfig
from bot.services.reports.periods import week_of
from bot.services.reports.service import ReportService
from bot.texts.reports import chart
from bot.texts.reports.files import build_files
from bot.texts.reports.fonts import find_cjk_font
from tests.reports.helpers import at
from tests.reports.test_figures import fixture


@pytest.fixture
def service(engine: Engine, clock: MovableClock) -> ReportService:
    return ReportService(engine, clock, ReportConfig.load())


def test_a_cjk_font_is_found_and_covers_the_labels():
    font = find_cjk_font()
    assert font.path.is_file() and font.source in {"fontconfig", "matplotlib", "package",
                                                   "bundled"}
    from matplotlib.ft2font import FT2Font

    ft = FT2Font(str(font.path))
    for ch in "受理量趋势问题分类诉求类型响应率解决率满意率综合得分周报":
        assert ft.get_char_index(ord(ch)) != 0, ch


def test_chart_renders_chinese_without_missing_glyphs(engine: Engine, service: ReportService):
    fixture(engine)
    f = service.figures(week_of(at(2026, 11, 18).date(), tz=SHANGHAI))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = chart.dashboard(f)
        png2 = chart.ranking("承办单位（前十）", f.by_unit)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    assert png.startswith(b"\x89PNG") and png2.startswith(b"\x89PNG")
    assert len(png) > 20_000  # a real picture, not an empty canvas


def test_missing_glyph_is_a_warning_that_fails_tests():
    """matplotlib reports missing glyphs as a UserWarning (pytest turns it into an error)."""
    from matplotlib.figure import Figure

    fig = Figure()
    fig.subplots().set_title("受理")
    with pytest.warns(UserWarning, match="missing from font"):
        fig.savefig(io.BytesIO(), format="png")  # default DejaVu Sans: no CJK


def test_xlsx_sheets_and_contents(engine: Engine, service: ReportService):
    fixture(engine)
    files = build_files(service, week_of(at(2026, 11, 18).date(), tz=SHANGHAI))
    assert files.docx is None  # weekly: no Word draft
    wb = load_workbook(io.BytesIO(files.xlsx or b""), read_only=True)
    for name in ("概览", "三率", "诉求类型", "问题分类一级", "问题分类二级", "承办单位", "行业",
                 "紧急程度", "一人多反映", "多人反映同一问题", "重点案件", "工单清单"):
        assert name in wb.sheetnames, name
    overview = {r[0]: r[1] for r in wb["概览"].iter_rows(min_row=2, values_only=True)}
    assert overview["受理总量"] == 6 and overview["上期受理"] == 1
    assert overview["环比（%）"] == 500.0 and overview["超期"] == 2
    assert overview["紧急提醒（次）"] == 0
    rates = {r[0]: r for r in wb["三率"].iter_rows(min_row=2, values_only=True)}
    assert rates["响应率"][1:4] == (4, 5, 80.0)
    assert rates["解决率"][1:4] == (2, 3, 66.67)
    assert rates["满意率"][1:4] == (1.9, 3, 63.33)
    rows = list(wb["工单清单"].iter_rows(values_only=True))
    assert rows[0][0] == "工单编号" and len(rows) == 7
    assert rows[1][3] == "13900000001"  # full personal data: private file only
    assert {r[11] for r in rows[1:]} >= {"已办结", "退回", "已派发"}
    wb.close()


def test_xlsx_dates_are_excel_dates_with_frozen_filtered_headers(engine: Engine,
                                                                 service: ReportService):
    """Every sheet: header frozen, an auto-filter over the table, sensible widths; every
    date-time a real Excel date shown as yyyy-mm-dd hh:mm (in the ticket list too)."""
    fixture(engine)
    files = build_files(service, week_of(at(2026, 11, 18).date(), tz=SHANGHAI))
    wb = load_workbook(io.BytesIO(files.xlsx or b""))  # not read-only: sheet views and filters
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        widths = [d.width for d in ws.column_dimensions.values() if d.width]
        assert widths and all(6 <= w <= 60 for w in widths), (ws.title, widths)
    tickets = wb["工单清单"]
    header = [c.value for c in tickets[1]]
    assert tickets.auto_filter.ref == f"A1:Y{tickets.max_row}"
    dated = [header.index(h) for h in ("受理时间", "签收时间", "派发时间", "办结时限", "办结时间")]
    cells = [row[i] for row in tickets.iter_rows(min_row=2) for i in dated
             if row[i].value is not None]
    assert cells and all(c.is_date and c.number_format == "yyyy-mm-dd hh:mm" for c in cells)
    received = sorted(row[1].value for row in tickets.iter_rows(min_row=2))
    assert received[0] >= datetime(2026, 11, 16) and received[-1] < datetime(2026, 11, 23)
    overview = {r[0].value: r[1] for r in wb["概览"].iter_rows(min_row=2)}
    as_of = overview["数据截至"]
    assert as_of.is_date and as_of.number_format == "yyyy-mm-dd hh:mm"
    wb.close()


def test_docx_has_the_four_sections_figures_and_fill_marks(engine: Engine,
                                                           service: ReportService):
    fixture(engine)
    period = service.period("custom", ["2026-11-16", "2026-11-22"])
    files = build_files(service, period)
    assert files.docx is not None
    doc = Document(io.BytesIO(files.docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    for heading in ("一、综合考评情况", "二、案件分布情况", "三、案件重点分析", "四、问题与对策"):
        assert heading in text
    assert "共受理接诉即办工单 6 件" in text
    assert "docs/" not in text  # a report for officials cites no developer documentation
    assert "响应率 80.00%" in text and "解决率 66.67%" in text and "满意率 63.33%" in text
    marks = [r for p in doc.paragraphs for r in p.runs if r.text.startswith("【请填写")]
    assert len(marks) >= 4 and all(r.font.highlight_color is not None for r in marks)
    assert len(doc.inline_shapes) >= 3  # dashboard + two ranking charts
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "医疗服务" in cells and "139****0001" in cells
    everything = text + cells
    assert "13900000001" not in everything and "张三" not in everything  # masked
