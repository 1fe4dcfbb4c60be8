"""Wording of the reports: the chat summary (HTML), file names, and the labels the XLSX and
DOCX builders use. No personal data ever goes into the summary: phones and names are masked."""

from __future__ import annotations

from html import escape

from bot.services.privacy import mask_phone, mask_text
from bot.services.reports.figures import Figures, change
from bot.services.reports.periods import KIND_ZH

__all__ = ["KIND_ZH"]

NA = "—"

USAGE = {
    "week": "用法：/weekly（上一完整周）或 /weekly 2026-11-18（该日所在的周）",
    "month": "用法：/monthly（上一考核月）或 /monthly 2026-11",
    "quarter": "用法：/quarterly（上一季度）或 /quarterly 2026-Q3",
    "halfyear": "用法：/halfyear（上一个半年）或 /halfyear 2026-H1",
    "year": "用法：/annual（上一年）或 /annual 2026",
    "custom": "用法：/report 2026-10-01 2026-10-31（起止日期均含）",
}
WORKING = "⏳ 正在生成{kind}（{label}），请稍候…"
BAD_PERIOD = "⚠️ {why}\n{usage}"
FAILED = "⚠️ 报表生成失败，请稍后再试或联系管理员。"
FILES_SENT_PRIVATELY = "📎 含个人信息的 Excel 明细{docx}已私信发给您。"
FILES_NOT_SENT = ("📎 Excel 明细含来电人个人信息，不在群内发送。请先私聊机器人发送 /start，"
                  "再在私聊中发送该命令获取文件。")
CHART_CAPTION = "{title}｜{label}"
XLSX_CAPTION = "{title}明细（含来电人信息，请勿转发）"
DOCX_CAPTION = "{title}分析报告初稿（Word），标黄处请填写研判意见"


def title(f: Figures) -> str:
    return f"接诉即办{KIND_ZH[f.period.kind]}"


def file_stem(f: Figures) -> str:
    key = f.period.key.replace("~", "_")
    return f"接诉即办{KIND_ZH[f.period.kind]}_{key}"


def rate(v: float | None) -> str:
    return NA if v is None else f"{v:.2f}%"


def score(v: float | None) -> str:
    return NA if v is None else f"{v:.2f}"


def trend(cur: float | None, old: float | None) -> str:
    pct = change(cur, old)
    if pct is None:
        return NA
    if pct == 0:
        return "持平"
    return f"{'↑' if pct > 0 else '↓'}{abs(pct):.1f}%"


def points(cur: float | None, old: float | None) -> str:
    """Difference in percentage points (for rates)."""
    if cur is None or old is None:
        return NA
    d = round(cur - old, 2)
    if d == 0:
        return "持平"
    return f"{'↑' if d > 0 else '↓'}{abs(d):.2f}个百分点"


def masked(text: str) -> str:
    return mask_text(text)


def summary(f: Figures) -> str:
    """The chat summary: short lines that read well on a phone; no personal data."""
    c, r = f.counts, f.rates
    lines = [
        f"📊 <b>{escape(title(f))}</b>",
        f"{escape(f.period.label)}",
        "",
        f"受理 <b>{c.total}</b> 件，环比 {trend(c.total, f.prev_total)}，"
        f"同比 {trend(c.total, f.yoy_total)}",
        f"已办结 {c.closed}，在办 {c.open}，退回 {c.returned}",
        f"响应率 {rate(r.response)}（{r.responded}/{r.due}）",
        f"解决率 {rate(r.solved_rate)}（{r.solved}/{r.reached}）",
        f"满意率 {rate(r.satisfied_rate)}（有效回访 {r.sat_reached}）",
        f"综合得分 <b>{score(f.score)}</b>（上期 {score(f.prev_score)}）",
    ]
    if f.by_cat1:
        top = "、".join(f"{escape(k)} {v}" for k, v in f.by_cat1[:3])
        lines.append(f"主要问题：{top}")
    if f.by_unit:
        top = "、".join(f"{escape(k)} {v}" for k, v in f.by_unit[:3])
        lines.append(f"主要承办单位：{top}")
    lines += [
        "",
        f"⏰ 超期 {c.overdue}，延期 {c.extended}，督办 {c.supervised}；"
        f"当前在办超期 {f.open_overdue_now}",
        f"🔁 一人多反映 {f.repeat_caller_count} 人 {f.repeat_ticket_count} 件；"
        f"跨月重复来电 {f.recurring_callers} 人",
        f"👥 多人反映同一问题 {f.cluster_total} 组 {f.clustered_tickets} 件",
        f"📌 重点案件 {c.key_cases} 件；长期未办结（>{f.config.long_open_days}天）"
        f"{f.long_open_count} 件",
    ]
    if f.alerts is not None:
        med = NA if f.alerts.median_ack_minutes is None else \
            f"{f.alerts.median_ack_minutes:.0f} 分钟"
        lines.append(f"🚨 紧急提醒 {f.alerts.raised} 次，已确认 {f.alerts.acked}，"
                     f"确认用时中位数 {med}")
    else:
        lines.append(f"🚨 紧急提醒：{NA}（提醒功能未启用）")
    lines.append(f"📚 知识库缺口：{NA if f.kb_gaps is None else f.kb_gaps}"
                 + ("（知识库缺口统计未启用）" if f.kb_gaps is None else ""))
    for cl in f.clusters[:2]:
        lines.append(f"· {escape(cl.category)}（{cl.size} 件）："
                     f"{escape(masked(cl.sample)[:40])}…")
    for rc in f.repeat_callers[:2]:
        lines.append(f"· 来电 {mask_phone(rc.phone)} 反映 {rc.count} 次："
                     f"{escape('、'.join(rc.categories))}")
    return "\n".join(lines)


# ------------------------------------------------------------------ XLSX labels
SHEET_OVERVIEW = "概览"
SHEET_TICKETS = "工单清单"
TICKET_HEADERS = (
    "工单编号", "受理时间", "来电人", "联系电话", "地址", "诉求类型", "一级分类", "二级分类",
    "承办单位", "行业", "紧急程度", "状态", "签收时间", "首次联系时间", "派发时间", "办结时限",
    "办结时间", "是否超期", "延期次数", "督办次数", "回访接通", "是否解决", "满意度",
    "重复来电次数", "诉求内容",
)
LIST_CAPPED = "（仅列前 {n} 件，共 {total} 件；完整清单请用命令行 python -m bot report …）"

# ------------------------------------------------------------------ DOCX wording
DOC_TITLE = "朝阳区卫生健康委员会接诉即办工作{kind}分析报告"
DOC_SUBTITLE = "（{label}，{range}）"
DOC_DRAFT = "初稿：由值班助手根据系统数据自动生成，数据截至 {as_of}。标黄处请填写研判意见。"
SECTIONS = ("一、综合考评情况", "二、案件分布情况", "三、案件重点分析", "四、问题与对策")
FILL = "【请填写：{what}】"
