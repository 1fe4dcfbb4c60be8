"""The monthly work report to the commission (合同 六.2) as a Word draft: business figures,
staff changes, staff assessment (trainings, incidents), the 考核细则 self-check, and
highlighted 【请填写/请判断：…】 places for the project lead.

The draft goes to the commission: no citizen data (the business part is aggregates only;
incidents name the ticket by platform number).
"""

from __future__ import annotations

import io
from datetime import tzinfo

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Pt

from bot.services.compliance.business import BusinessSummary
from bot.services.compliance.workreport import WorkReportDraft
from bot.texts.compliance_words import (
    KIND_ZH,
    RATIO_LABELS,
    RULE_TITLES,
    STATUS,
    amounts,
    moment,
    period_label,
    ratio_threshold,
    ratio_value,
    rule_line,
    yuan,
)

FONT = "仿宋"
HEAD_FONT = "黑体"


def _cjk(style_or_run: object, name: str) -> None:
    rpr = style_or_run.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _mark(doc: DocumentType, what: str) -> None:
    """A highlighted place where the project lead writes or decides."""
    run = doc.add_paragraph().add_run(f"【{what}】")
    run.bold = True
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _table(doc: DocumentType, header: list[str], rows: list[list[object]]) -> None:
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    for cell, h in zip(t.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(h).bold = True
    for r in rows:
        for cell, v in zip(t.add_row().cells, r, strict=True):
            cell.text = "" if v is None else str(v)
    doc.add_paragraph()


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}%"


def _business(doc: DocumentType, b: BusinessSummary | None) -> None:
    doc.add_heading("一、业务工作情况", level=1)
    if b is None:
        _mark(doc, "请填写：本月业务数据（系统未能生成，请参照 /monthly 月报）")
        return
    doc.add_paragraph(
        f"统计期 {b.first} 至 {b.last}，共受理诉求 {b.total} 件（上期 {b.prev_total} 件），"
        f"已办结 {b.closed} 件、在办 {b.open} 件，超期 {b.overdue} 件；重点、紧急及涉稳案件 "
        f"{b.key_cases} 件，督办 {b.supervised} 件，退回 {b.returned} 件。响应率 "
        f"{_pct(b.response_rate)}，解决率 {_pct(b.solved_rate)}，"
        f"满意率 {_pct(b.satisfied_rate)}。")
    if b.top_categories:
        doc.add_paragraph("主要问题类别：" + "、".join(f"{c} {n} 件" for c, n in b.top_categories)
                          + "。")
    if b.top_units:
        doc.add_paragraph("主要承办单位："
                          + "、".join(f"{u} {n} 件" for u, n in b.top_units) + "。")
    doc.add_paragraph(f"一人多次反映 {b.repeat_callers} 人；长期未办结 {b.long_open} 件。")
    _mark(doc, "请填写：重点工作、亮点及突出问题的处理情况")


def _staff_changes(doc: DocumentType, d: WorkReportDraft) -> None:
    doc.add_heading("二、人事变动情况", level=1)
    team = d.assessment.staffing
    doc.add_paragraph(f"截至 {team.as_of}，驻场团队 {len(team.team)} 人。本月入职 "
                      f"{len(d.hires)} 人，离职 {len(d.departures)} 人。")
    rows: list[list[object]] = [["入职", v.member.name, v.hire_date, v.education or "未填",
                                 "通过" if v.exam_passed else "未通过/未考"] for v in d.hires]
    rows += [["离职", v.member.name, v.leave_date, v.education or "未填",
              "甲方已同意" if v.leave_approved else "未经甲方同意"] for v in d.departures]
    if rows:
        _table(doc, ["变动", "姓名", "日期", "学历", "说明"], rows)
    ratios = [f"{RATIO_LABELS[r.key]} {ratio_value(r)}（要求 {ratio_threshold(r)}）"
              for r in team.ratios]
    doc.add_paragraph("人员配置：" + "；".join(ratios) + "。")
    if d.departures:
        _mark(doc, "请填写：离职原因及补员安排")


def _assessment_of_staff(doc: DocumentType, d: WorkReportDraft, tz: tzinfo) -> None:
    doc.add_heading("三、员工考核情况", level=1)
    doc.add_paragraph(f"本月开展培训及活动 {len(d.trainings)} 次。")
    if d.trainings:
        _table(doc, ["日期", "类型", "主题", "参加人数", "效果跟踪"],
               [[t.held_on, t.kind, t.topic, len(t.attendees), t.follow_up or "未记录"]
                for t in d.trainings])
    if d.onboarded:
        doc.add_paragraph("本月入职培训及岗前考核：" + "、".join(
            f"{v.member.name}（{'通过' if v.exam_passed else '未通过/未考'}）"
            for v in d.onboarded) + "。")
    active = [i for i in d.incidents if not i.removed]
    doc.add_paragraph(f"本月考核事项 {len(active)} 项（失误、投诉属实、其他违约）。")
    if active:
        _table(doc, ["日期", "类型", "人员", "工单编号", "环节", "说明"],
               [[i.occurred_on, KIND_ZH[i.kind], i.person.name if i.person else "",
                 i.platform_no or "", i.stage or "", i.note] for i in active])
    _mark(doc, "请判断：员工考核结论（优秀/合格/需改进人员及整改措施）")


def _self_check(doc: DocumentType, d: WorkReportDraft) -> None:
    a = d.assessment
    doc.add_heading("四、考核细则自查", level=1)
    doc.add_paragraph(f"自查范围：{period_label(a.period)}，统计至 {a.as_of}。")
    _table(doc, ["考核项", "状态", "情况", "扣款/风险"],
           [[RULE_TITLES[r.rule], STATUS[r.status], rule_line(r), amounts(r)] for r in a.rules])
    doc.add_paragraph(f"预计扣款合计 {yuan(a.total)}；风险金额 {yuan(a.potential)}"
                      "（尚可补救或需甲方认定）。")
    _mark(doc, "请判断：各项风险的整改措施与完成时间")


def workreport_docx(d: WorkReportDraft, tz: tzinfo) -> bytes:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT  # type: ignore[attr-defined]
    normal.font.size = Pt(12)  # type: ignore[attr-defined]
    _cjk(normal, FONT)
    for level in (0, 1):
        _cjk(doc.styles["Title" if level == 0 else "Heading 1"], HEAD_FONT)
    title = doc.add_heading(f"朝阳区卫生健康委接诉即办项目 {period_label(d.month)}工作汇报", 0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"（初稿，生成于 {moment(d.generated_at, tz)}）")
    _business(doc, d.business)
    _staff_changes(doc, d)
    _assessment_of_staff(doc, d, tz)
    _self_check(doc, d)
    doc.add_heading("五、存在问题及下月工作计划", level=1)
    _mark(doc, "请填写：存在的问题、改进措施及下月工作计划")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def file_name(d: WorkReportDraft) -> str:
    return f"{d.stem}.docx"
