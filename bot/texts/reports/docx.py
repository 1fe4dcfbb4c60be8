"""The Word draft of an analysis report: the four sections filled with the figures, tables and
charts, and highlighted places (【请填写：…】) where the team writes its judgement.

Personal data is masked (phones 138****8000, names 张*, numbers in content) — the draft goes
to the commission.
"""

from __future__ import annotations

import io
from datetime import datetime, tzinfo

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from bot.services.masker import mask_phone
from bot.services.reports.figures import Figures, TicketLine, change
from bot.texts.reports import chart
from bot.texts.reports.common import NA, cluster_note, masked, points, rate, score, trend
from bot.texts.reports.periods import date_range, label

DOC_KIND = {"week": "周", "month": "月度", "quarter": "季度", "halfyear": "半年", "year": "年度",
            "custom": "专题"}
DOC_TITLE = "朝阳区卫生健康委员会接诉即办工作{kind}分析报告"
DOC_SUBTITLE = "（{label}，{range}）"
DOC_DRAFT = "初稿：由值班助手根据系统数据自动生成，数据截至 {as_of}。标黄处请填写研判意见。"
SECTIONS = ("一、综合考评情况", "二、案件分布情况", "三、案件重点分析", "四、问题与对策")
FILL = "【请填写：{what}】"
LINE_HEADER = ["工单编号", "受理日期", "问题分类", "承办单位", "紧急程度", "办理进展", "诉求摘要"]
SHARE_HEADER = ["件数", "占比"]
BODY_FONT = "仿宋"
HEAD_FONT = "黑体"


def _cjk(run_or_style: object, name: str) -> None:
    el = run_or_style.element  # type: ignore[attr-defined]
    rpr = el.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def _fill(doc: Document, what: str) -> Paragraph:  # type: ignore[valid-type]
    p = doc.add_paragraph()
    run = p.add_run(FILL.format(what=what))
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    run.bold = True
    return p


def _dt(v: datetime | None, tz: tzinfo) -> str:
    return NA if v is None else v.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _table(doc: Document, header: list[str], rows: list[list[object]]) -> None:  # type: ignore[valid-type]
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    for cell, h in zip(t.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(h)
        run.bold = True
    for r in rows:
        cells = t.add_row().cells
        for cell, v in zip(cells, r, strict=True):
            cell.text = str(v)
    doc.add_paragraph()


def _share(v: int, total: int) -> str:
    return NA if not total else f"{100.0 * v / total:.1f}%"


def _shares(rows: list[tuple[str, int]], total: int) -> list[list[object]]:
    return [[k, v, _share(v, total)] for k, v in rows]


def _picture(doc: Document, png: bytes, width_cm: float = 15.5) -> None:  # type: ignore[valid-type]
    doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _line_rows(ls: list[TicketLine], tz: tzinfo) -> list[list[object]]:
    out: list[list[object]] = []
    for t in ls:
        progress = t.status
        if t.closed_at:
            progress += f"（{_dt(t.closed_at, tz)[:10]} 办结"
            if t.solved is not None:
                progress += "，已解决" if t.solved else "，未解决"
            if t.satisfaction:
                progress += f"，{t.satisfaction}"
            progress += "）"
        out.append([t.platform_no, _dt(t.received_at, tz)[:10], t.category, t.unit, t.urgency,
                    progress, masked(t.content)[:60]])
    return out


def build_docx(f: Figures, *, dashboard_png: bytes, tz: tzinfo) -> bytes:
    """The draft: title, the four sections, and yellow places for the team's judgement."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    _cjk(normal, BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        _cjk(doc.styles[name], HEAD_FONT)
    head = doc.add_heading(DOC_TITLE.format(kind=DOC_KIND[f.period.kind]), 0)
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(DOC_SUBTITLE.format(label=label(f.period),
                                                range=date_range(f.period)))
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note = doc.add_paragraph().add_run(DOC_DRAFT.format(as_of=_dt(f.as_of, tz)))
    note.italic = True
    _assessment(doc, f, dashboard_png)
    _distribution(doc, f)
    doc.add_heading(SECTIONS[2], 1)
    _problems(doc, f, tz)
    _key_cases(doc, f, tz)
    _measures(doc, f)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _assessment(doc: Document, f: Figures, png: bytes) -> None:  # type: ignore[valid-type]
    """一、综合考评情况: intake, the three rates and the score against last period and year."""
    c, r, w = f.counts, f.rates, f.score_weights
    doc.add_heading(SECTIONS[0], 1)
    doc.add_paragraph(
        f"{label(f.period)}，我委共受理接诉即办工单 {c.total} 件，环比"
        f"{trend(c.total, f.prev_total)}（上期 {f.prev_total} 件），同比"
        f"{trend(c.total, f.yoy_total)}（去年同期 {f.yoy_total} 件）。响应率 "
        f"{rate(r.response)}，解决率 {rate(r.solved_rate)}，满意率 {rate(r.satisfied_rate)}；"
        f"按 {w['response']:g}×响应率 + {w['solved']:g}×解决率 + {w['satisfied']:g}×满意率 "
        f"计算，综合得分 {score(f.score)}（上期 {score(f.prev_score)}）。")
    rows: list[list[object]] = []
    for name, cur, prev, yoy in (
        ("响应率", r.response, f.prev_rates.response, f.yoy_rates.response),
        ("解决率", r.solved_rate, f.prev_rates.solved_rate, f.yoy_rates.solved_rate),
        ("满意率", r.satisfied_rate, f.prev_rates.satisfied_rate, f.yoy_rates.satisfied_rate),
    ):
        rows.append([name, rate(cur), rate(prev), points(cur, prev), rate(yoy),
                     points(cur, yoy)])
    rows.append(["综合得分", score(f.score), score(f.prev_score),
                 points(f.score, f.prev_score), score(f.yoy_score),
                 points(f.score, f.yoy_score)])
    _table(doc, ["指标", "本期", "上期", "环比", "去年同期", "同比"], rows)
    doc.add_paragraph(
        f"口径：响应率 = 按时签收且按时首次联系 {r.responded} 件 ÷ 期内到期 {r.due} 件；"
        f"解决率 = 已解决 {r.solved} 件 ÷ 有效回访 {r.reached} 件；满意率 = （满意 "
        f"{r.satisfied} + {r.sat_weights[1]:g}×基本满意 {r.basic}）÷ 有效回访 "
        f"{r.sat_reached} 件。")
    _picture(doc, png)
    _fill(doc, "本期考评排名、得分变化及原因分析")


def _distribution(doc: Document, f: Figures) -> None:  # type: ignore[valid-type]
    """二、案件分布情况: request types, categories, units, industries and urgency."""
    total = f.counts.total
    doc.add_heading(SECTIONS[1], 1)
    doc.add_heading("（一）诉求类型", 2)
    _table(doc, ["诉求类型", *SHARE_HEADER], _shares(f.by_type, total))
    doc.add_heading("（二）问题分类", 2)
    _table(doc, ["一级分类", *SHARE_HEADER, "环比", "同比"],
           [[k, v, _share(v, total), trend(v, f.cat1_prev.get(k)),
             trend(v, f.cat1_yoy.get(k))] for k, v in f.by_cat1])
    _picture(doc, chart.ranking("问题分类（一级）", f.by_cat1), 13)
    _table(doc, ["二级分类", *SHARE_HEADER], _shares(f.by_cat2, total))
    doc.add_heading("（三）承办单位", 2)
    _table(doc, ["承办单位", *SHARE_HEADER], _shares(f.by_unit[:15], total))
    _picture(doc, chart.ranking("承办单位（前十）", f.by_unit), 13)
    doc.add_heading("（四）行业与紧急程度", 2)
    _table(doc, ["行业", *SHARE_HEADER], _shares(f.by_industry[:15], total))
    _table(doc, ["紧急程度", *SHARE_HEADER], _shares(f.by_urgency, total))
    _fill(doc, "案件分布特点研判（高发问题、增幅较大的分类与单位及原因）")


def _problems(doc: Document, f: Figures, tz: tzinfo) -> None:  # type: ignore[valid-type]
    """三 (一)(二): overdue and extended cases, repeat callers, clusters, long-standing."""
    c, cfg = f.counts, f.config
    doc.add_heading("（一）超期与延期", 2)
    doc.add_paragraph(
        f"期内受理工单中超期 {c.overdue} 件，申请延期 {c.extended} 件，督办（二次处置）"
        f"{c.supervised} 件，退回 {c.returned} 件；截至出报时全部在办工单中超期 "
        f"{f.open_overdue_now} 件。")
    doc.add_heading("（二）突出问题", 2)
    doc.add_paragraph(f"1. 一人多反映：{f.repeat_caller_count} 位来电人反映 "
                      f"{f.repeat_ticket_count} 件（同一号码期内 ≥ "
                      f"{cfg.repeat_min_tickets} 件）。")
    _table(doc, ["来电号码", "件数", "主要问题"],
           [[mask_phone(x.phone), x.count, "、".join(x.categories)]
            for x in f.repeat_callers[:10]])
    doc.add_paragraph(f"2. 多人反映同一问题：诉求内容聚类得到 {f.cluster_total} 组、共 "
                      f"{f.clustered_tickets} 件（每组 ≥ {cfg.clusters.min_size} 件、≥ "
                      f"{cfg.clusters.min_callers} 个来电号码）。{cluster_note(f)}")
    _table(doc, ["序号", "件数", "来电人数", "问题分类", "涉及单位", "时间", "代表性诉求"],
           [[i, cl.size, cl.callers, cl.category, "、".join(cl.units),
             f"{_dt(cl.first_at, tz)[5:10]}—{_dt(cl.last_at, tz)[5:10]}",
             masked(cl.sample)[:60]] for i, cl in enumerate(f.clusters, 1)])
    doc.add_paragraph(
        f"3. 长期问题：超过 {cfg.long_open_days} 天仍未办结 {f.long_open_count} 件；"
        f"期内经督办二次处置 {c.supervised} 件；跨月重复来电（期初前 "
        f"{cfg.recurring_lookback_days} 天内也曾来电）{f.recurring_callers} 人。")
    if f.long_open:
        _table(doc, LINE_HEADER, _line_rows(f.long_open[:10], tz))
    if f.reopened:
        _table(doc, LINE_HEADER, _line_rows(f.reopened[:10], tz))


def _key_cases(doc: Document, f: Figures, tz: tzinfo) -> None:  # type: ignore[valid-type]
    """三 (三)(四): key cases and their progress, urgent alerts and knowledge-base gaps."""
    doc.add_heading("（三）重点案件及进展", 2)
    doc.add_paragraph("期内重点、紧急、涉稳案件 " + "、".join(
        f"{u} {n} 件" for u, n in f.key_by_urgency) + f"，合计 {f.counts.key_cases} 件。"
        if f.key_by_urgency else "期内无重点、紧急、涉稳案件。")
    if f.key_case_list:
        _table(doc, LINE_HEADER, _line_rows(f.key_case_list[:20], tz))
    doc.add_heading("（四）紧急提醒与知识库", 2)
    if f.alerts is None:
        doc.add_paragraph("紧急提醒：—（提醒功能未启用，无统计）。")
    else:
        med = NA if f.alerts.median_ack_minutes is None else \
            f"{f.alerts.median_ack_minutes:.0f} 分钟"
        doc.add_paragraph(f"紧急提醒 {f.alerts.raised} 次，已确认 {f.alerts.acked} 次，未确认 "
                          f"{f.alerts.unacked} 次，确认用时中位数 {med}。")
    doc.add_paragraph("知识库缺口：" + ("—（未启用缺口统计）。" if f.kb_gaps is None
                                   else f"{f.kb_gaps} 条检索未命中，待补充。"))
    _fill(doc, "典型案例分析（案情、处置过程、结果与经验）")


def _measures(doc: Document, f: Figures) -> None:  # type: ignore[valid-type]
    """四、问题与对策: hints from the data, then the places the team fills in."""
    doc.add_heading(SECTIONS[3], 1)
    doc.add_paragraph("数据提示（自动生成，供研判参考）：")
    for hint in _hints(f):
        doc.add_paragraph(hint, style="List Bullet")
    _fill(doc, "存在的主要问题")
    _fill(doc, "对策与建议")
    _fill(doc, "下一步工作安排")


def _hints(f: Figures) -> list[str]:
    c, r = f.counts, f.rates
    out = []
    if f.by_cat1:
        k, v = f.by_cat1[0]
        out.append(f"“{k}”类诉求最多，{v} 件，占 {_share(v, c.total)}。")
    rises = [(k, v, change(v, f.cat1_prev.get(k))) for k, v in f.by_cat1]
    rises = [x for x in rises if x[2] is not None and x[2] >= 20 and x[1] >= 5]
    for k, v, pct in sorted(rises, key=lambda x: -(x[2] or 0))[:3]:
        out.append(f"“{k}”类环比上升 {pct:.1f}%（{f.cat1_prev.get(k, 0)} → {v} 件）。")
    for name, cur, prev in (("响应率", r.response, f.prev_rates.response),
                            ("解决率", r.solved_rate, f.prev_rates.solved_rate),
                            ("满意率", r.satisfied_rate, f.prev_rates.satisfied_rate)):
        if cur is not None and prev is not None and cur < prev:
            out.append(f"{name}较上期下降 {prev - cur:.2f} 个百分点。")
    if c.overdue:
        out.append(f"超期 {c.overdue} 件，需督促承办单位按时反馈。")
    if f.clusters:
        cl = f.clusters[0]
        units = "、".join(cl.units[:2])
        out.append(f"最大的一组同类诉求 {cl.size} 件（{cl.category}，{units}）。")
    if f.repeat_callers:
        out.append(f"反复来电最多的号码 {mask_phone(f.repeat_callers[0].phone)} 共 "
                   f"{f.repeat_callers[0].count} 件。")
    return out or ["本期无明显异常。"]
