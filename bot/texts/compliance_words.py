"""Words of the assessment shared by the chat summary, the XLSX and the work report DOCX:
rule titles, statuses, ratio labels, amounts and one line of evidence per item.

Plain text (no HTML): callers escape for the chat; the files take it as it is.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from bot.services.compliance.incidents import IncidentView
from bot.services.compliance.periods import AssessPeriod
from bot.services.compliance.policies import PolicyStatus
from bot.services.compliance.register import RecordView
from bot.services.compliance.results import (
    EventCount,
    MonthReport,
    QuarterDepartures,
    Ratio,
    RuleResult,
    Status,
    TrainingYear,
)
from bot.services.compliance.trainings import TrainingView

RULE_TITLES = {
    "trainings": "（1）业务培训每年不少于 2 次并跟踪效果",
    "policies": "（2）四项制度齐全",
    "departures": "（3）驻场人员季度流失不超过 4 人",
    "mistakes": "（4）签收、分派、督办失误",
    "complaints": "（5）被投诉经核实属实",
    "others": "（6）违反合同其他规定",
    "service_events": "合同六.14 两次全系统培训、一次宣传活动",
    "monthly_report": "合同六.2 每月向甲方汇报",
    "onboarding": "合同六.4 入职培训及岗前考核后上岗",
}
SHEET_NAMES = {
    "trainings": "1培训", "policies": "2制度", "departures": "3人员流失", "mistakes": "4失误",
    "complaints": "5投诉", "others": "6其他违约", "service_events": "全系统培训与宣传",
    "monthly_report": "月度汇报", "onboarding": "岗前考核",
}
STATUS = {Status.met: "达标", Status.at_risk: "有风险", Status.failed: "未达标"}
STATUS_MARK = {Status.met: "✅", Status.at_risk: "⚠️", Status.failed: "❌"}
RATIO_LABELS = {
    "headcount": "团队人数", "bachelor": "本科及以上", "college": "专科及以上",
    "pass": "岗前考核合格率", "departures": "本季度流失（未经同意）",
    "turnover": "本季度流失率", "medical": "医学专业（优先）",
}
KIND_ZH = {"mistake": "失误", "complaint": "投诉属实", "other": "其他违约"}
PERIOD_KIND = {"year": "年度", "quarter": "季度", "month": "月度", "service": "服务期",
               "custom": "时段"}


def yuan(amount: int) -> str:
    return f"¥{amount:,}"


def day(d: date | None) -> str:
    return d.isoformat() if d else "—"


def moment(at: datetime | None, tz: tzinfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at else "—"


def period_label(p: AssessPeriod) -> str:
    if p.kind == "quarter":
        return f"{p.first.year}年第{(p.first.month - 1) // 3 + 1}季度"
    if p.kind == "month":
        return f"{p.first.year}年{p.first.month}月"
    if p.kind == "year":
        return f"{p.first.year}年"
    return f"{p.first.isoformat()} 至 {p.last.isoformat()}"


def ratio_value(r: Ratio) -> str:
    if r.value is None:
        return "—"
    if r.key in ("headcount", "departures"):
        return f"{int(r.value)} 人"
    return f"{r.value:.1f}%（{r.num}/{r.den}）"


def ratio_threshold(r: Ratio) -> str:
    if r.threshold is None:
        return "—"
    if r.key == "headcount":
        return f"≥ {r.threshold:g} 人"
    if r.key == "departures":
        return f"≤ {r.threshold:g} 人"
    if r.key == "turnover":
        return f"< {r.threshold:g}%"
    return f"≥ {r.threshold:g}%"


def amounts(r: RuleResult) -> str:
    """"扣 ¥50,000" / "风险 ¥15,000" / "—"."""
    parts = []
    if r.deduction:
        parts.append(f"扣 {yuan(r.deduction)}")
    if r.potential:
        parts.append(f"风险 {yuan(r.potential)}")
    return "，".join(parts) or "—"


def rule_line(r: RuleResult) -> str:
    """One line per rule: the short figure that explains its status."""
    ev = r.evidence
    if r.rule == "trainings":
        return "；".join(f"{y.first}~{y.last} 已办 {y.held}/{y.required} 次"
                        + (f"（{len(y.no_follow_up)} 次未记效果跟踪）" if y.no_follow_up else "")
                        for y in ev if isinstance(y, TrainingYear)) or "无"
    if r.rule == "policies":
        missing = [p.policy for p in ev if isinstance(p, PolicyStatus) and not p.present]
        return "缺：" + "、".join(missing) if missing else "四项齐全"
    if r.rule == "departures":
        return "；".join(f"{q.key} {len(q.counted)} 人" + (f"（超 {q.extra}）" if q.extra else "")
                        for q in ev if isinstance(q, QuarterDepartures)) or "无"
    if r.rule in ("mistakes", "complaints", "others"):
        return f"{len(ev)} 次"
    if r.rule == "service_events":
        return "；".join(f"{c.kind} {len(c.trainings)}/{c.required}"
                        for c in ev if isinstance(c, EventCount))
    if r.rule == "monthly_report":
        missed = [m.key for m in ev if isinstance(m, MonthReport) and m.produced_at is None]
        return "未生成：" + "、".join(missed) if missed else f"{len(ev)} 个月均已生成"
    return f"未通过考核 {len(ev)} 人" if ev else "全部通过"


def evidence_line(item: object, tz: tzinfo) -> str:
    """One line per evidence item (people by name; tickets by platform number only)."""
    if isinstance(item, TrainingView):
        follow = "已跟踪" if item.follow_up else "未记效果跟踪"
        return (f"#{item.id} {item.held_on} {item.kind}《{item.topic}》"
                f" {len(item.attendees)} 人参加，{follow}")
    if isinstance(item, IncidentView):
        who = item.person.name if item.person else "—"
        ticket = f" 工单 {item.platform_no}" if item.platform_no else ""
        stage = f"（{item.stage}）" if item.stage else ""
        return (f"#{item.id} {item.occurred_on} {KIND_ZH[item.kind]}{stage} {who}{ticket}："
                f"{item.note}")
    if isinstance(item, RecordView):
        left = f"，{item.leave_date} 离职" if item.leave_date else ""
        return f"{item.member.name}（{item.member.telegram_id}）{left}"
    if isinstance(item, PolicyStatus):
        if not item.present:
            return f"《{item.policy}》缺失"
        return f"《{item.policy}》第 {item.version} 版，修订 {item.revised_on}"
    if isinstance(item, MonthReport):
        return f"{item.key} " + (f"已生成 {moment(item.produced_at, tz)}"
                                 if item.produced_at else "未生成")
    return str(item)
