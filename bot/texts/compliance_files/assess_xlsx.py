"""The assessment as an XLSX: a summary sheet, one sheet per rule with its evidence, and the
staffing ratios with the team list. Staff names appear (it goes to managers' and leaders'
private chats); no citizen data is in any evidence.
"""

from __future__ import annotations

import io
from datetime import tzinfo

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from bot.services.compliance.incidents import IncidentView
from bot.services.compliance.policies import PolicyStatus
from bot.services.compliance.register import RecordView
from bot.services.compliance.results import (
    Assessment,
    EventCount,
    MonthReport,
    QuarterDepartures,
    RuleResult,
    Status,
    TrainingYear,
)
from bot.services.compliance.trainings import TrainingView
from bot.texts.compliance_words import (
    KIND_ZH,
    RATIO_LABELS,
    RULE_TITLES,
    SHEET_NAMES,
    STATUS,
    day,
    moment,
    period_label,
    ratio_threshold,
    ratio_value,
    rule_line,
)

BOLD = Font(bold=True)
FILLS = {Status.met: PatternFill("solid", fgColor="C6EFCE"),
         Status.at_risk: PatternFill("solid", fgColor="FFEB9C"),
         Status.failed: PatternFill("solid", fgColor="FFC7CE")}


def _head(ws: Worksheet, *titles: str) -> None:
    ws.append(list(titles))
    for cell in ws[ws.max_row]:
        cell.font = BOLD


def _summary(ws: Worksheet, a: Assessment) -> None:
    ws.title = "汇总"
    ws.append([f"考核自查：{period_label(a.period)}（统计至 {a.as_of}）"])
    ws["A1"].font = Font(bold=True, size=13)
    _head(ws, "考核项", "状态", "情况", "扣款（元）", "风险金额（元）")
    for r in a.rules:
        ws.append([RULE_TITLES[r.rule], STATUS[r.status], rule_line(r), r.deduction, r.potential])
        ws.cell(ws.max_row, 2).fill = FILLS[r.status]
    ws.append(["合计", "", "", a.total, a.potential])
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    ws.append([])
    _head(ws, "人员配置", "状态", "实际", "要求", "未填")
    for ratio in a.staffing.ratios:
        ws.append([RATIO_LABELS[ratio.key], STATUS[ratio.status], ratio_value(ratio),
                   ratio_threshold(ratio), ratio.unknown])
        ws.cell(ws.max_row, 2).fill = FILLS[ratio.status]
    for col, width in zip("ABCDE", (40, 10, 60, 14, 14), strict=True):
        ws.column_dimensions[col].width = width


def _training_rows(ws: Worksheet, r: RuleResult) -> None:
    _head(ws, "培训年度", "要求", "已办", "少办", "是否结束", "落后进度", "编号", "日期", "类型",
          "主题", "参加人数", "效果跟踪")
    for y in r.evidence:
        assert isinstance(y, TrainingYear)
        behind = "；".join(f"{by} 前应 {n} 次" for by, n in y.behind)
        base = [f"{y.first}~{y.last}", y.required, y.held, y.missing, "是" if y.over else "否",
                behind]
        for t in y.trainings or (None,):
            ws.append(base + (_training_cells(t) if t else [""] * 6))


def _training_cells(t: TrainingView) -> list[object]:
    return [t.id, t.held_on, t.kind, t.topic, len(t.attendees), t.follow_up or "未记录"]


def _evidence_rows(ws: Worksheet, r: RuleResult, tz: tzinfo) -> None:
    first = r.evidence[0] if r.evidence else None
    if r.rule == "trainings":
        _training_rows(ws, r)
    elif isinstance(first, PolicyStatus) or r.rule == "policies":
        _head(ws, "制度", "状态", "版本", "修订日期", "上传时间", "文件")
        for p in r.evidence:
            assert isinstance(p, PolicyStatus)
            ws.append([p.policy, "有" if p.present else "缺失", p.version, day(p.revised_on),
                       moment(p.uploaded_at, tz), p.file_name])
    elif r.rule == "departures":
        _head(ws, "季度", "统计起", "统计止", "允许", "未经同意流失", "超出", "姓名", "TG号",
              "离职日期", "甲方同意")
        for q in r.evidence:
            assert isinstance(q, QuarterDepartures)
            base = [q.key, q.first, q.last, q.allowed, len(q.counted), q.extra]
            people = [*q.counted, *q.approved]
            for v in people or [None]:
                ws.append(base + (_person(v) if v else [""] * 4))
    elif r.rule in ("mistakes", "complaints", "others"):
        _incident_rows(ws, r, tz)
    elif r.rule == "service_events":
        _head(ws, "类型", "要求", "已办", "编号", "日期", "主题")
        for c in r.evidence:
            assert isinstance(c, EventCount)
            for t in c.trainings or (None,):
                ws.append([c.kind, c.required, len(c.trainings)]
                          + ([t.id, t.held_on, t.topic] if t else ["", "", ""]))
    elif r.rule == "monthly_report":
        _head(ws, "月份", "已生成", "生成时间")
        for m in r.evidence:
            assert isinstance(m, MonthReport)
            ws.append([m.key, "是" if m.produced_at else "否", moment(m.produced_at, tz)])
    else:
        _head(ws, "姓名", "TG号", "入职日期", "入职培训", "岗前考试")
        for v in r.evidence:
            assert isinstance(v, RecordView)
            exam = "未填" if v.exam_passed is None else ("通过" if v.exam_passed else "未通过")
            ws.append([v.member.name, v.member.telegram_id, v.hire_date, v.onboarding_date,
                       exam])


def _person(v: RecordView) -> list[object]:
    return [v.member.name, v.member.telegram_id, v.leave_date, "是" if v.leave_approved else "否"]


def _incident_rows(ws: Worksheet, r: RuleResult, tz: tzinfo) -> None:
    _head(ws, "编号", "日期", "类型", "人员", "工单编号", "环节", "说明", "记录人", "记录时间")
    for i in r.evidence:
        assert isinstance(i, IncidentView)
        ws.append([i.id, i.occurred_on, KIND_ZH[i.kind], i.person.name if i.person else "",
                   i.platform_no or "", i.stage or "", i.note,
                   i.recorded_by.name if i.recorded_by else "", moment(i.recorded_at, tz)])


def _rule_sheet(wb: Workbook, r: RuleResult, tz: tzinfo) -> None:
    ws = wb.create_sheet(SHEET_NAMES[r.rule])
    ws.append([RULE_TITLES[r.rule]])
    ws["A1"].font = Font(bold=True, size=12)
    window = f"{r.window[0]} ~ {r.window[1]}" if r.window else "—"
    ws.append(["状态", STATUS[r.status], "扣款（元）", r.deduction, "风险金额（元）", r.potential,
               "统计范围", window])
    ws.cell(2, 2).fill = FILLS[r.status]
    ws.append([])
    _evidence_rows(ws, r, tz)
    for col in "ABCDEFGHIJKL":
        ws.column_dimensions[col].width = 14


def _team_sheet(wb: Workbook, a: Assessment) -> None:
    ws = wb.create_sheet("人员台账")
    _head(ws, "姓名", "TG号", "入职日期", "学历", "专业", "医学专业", "入职培训", "岗前考试")
    for v in a.staffing.team:
        ws.append([v.member.name, v.member.telegram_id, v.hire_date, v.education or "未填",
                   v.major or "", "未填" if v.medical is None else ("是" if v.medical else "否"),
                   v.onboarding_date,
                   "未填" if v.exam_passed is None else ("通过" if v.exam_passed else "未通过")])
    for m in a.staffing.unregistered:
        ws.append([m.name, m.telegram_id, "未填"])


def assessment_xlsx(a: Assessment, tz: tzinfo) -> bytes:
    wb = Workbook()
    _summary(wb.active, a)
    for r in a.rules:
        _rule_sheet(wb, r, tz)
    _team_sheet(wb, a)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def file_name(a: Assessment) -> str:
    return f"考核自查_{a.period.key.replace('~', '_')}.xlsx"
