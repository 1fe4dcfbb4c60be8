"""The reports in chat: the summary (HTML), the progress and refusal lines, the captions of
the chart and the files. No personal data ever goes into the summary: phones are masked."""

from __future__ import annotations

from bot.services.masker import mask_phone
from bot.services.reports.figures import Figures
from bot.services.reports.periods import Period, PeriodError
from bot.texts.escape import escape
from bot.texts.reports.common import NA, masked, rate, score, title, trend
from bot.texts.reports.periods import KIND_ZH, label, why

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
WITH_DOCX = "和 Word 初稿"
FILES_NOT_SENT = ("📎 Excel 明细含来电人个人信息，不在群内发送。请先私聊机器人发送 /start，"
                  "再在私聊中发送该命令获取文件。")
CHART_CAPTION = "{title}｜{label}"
XLSX_CAPTION = "{title}明细（含来电人信息，请勿转发）"
DOCX_CAPTION = "{title}分析报告初稿（Word），标黄处请填写研判意见"


def bad_period(exc: PeriodError, kind: str) -> str:
    """Why the period was refused and how to write it (HTML)."""
    return BAD_PERIOD.format(why=escape(why(exc)), usage=escape(USAGE[kind]))


def working(kind: str, period: Period) -> str:
    return WORKING.format(kind=escape(KIND_ZH[kind]), label=escape(label(period)))


def chart_caption(f: Figures) -> str:
    return CHART_CAPTION.format(title=escape(title(f)), label=escape(label(f.period)))


def xlsx_caption(f: Figures) -> str:
    return escape(XLSX_CAPTION.format(title=title(f)))


def docx_caption(f: Figures) -> str:
    return escape(DOCX_CAPTION.format(title=title(f)))


def files_sent_privately(*, with_docx: bool) -> str:
    return FILES_SENT_PRIVATELY.format(docx=WITH_DOCX if with_docx else "")


def summary(f: Figures) -> str:
    """The chat summary: short lines that read well on a phone; no personal data."""
    c, r = f.counts, f.rates
    lines = [
        f"📊 <b>{escape(title(f))}</b>",
        f"{escape(label(f.period))}",
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
    return "\n".join(lines + _watch_lines(f))


def _watch_lines(f: Figures) -> list[str]:
    """The second block: overdue, repeats, clusters, key cases, alerts, knowledge-base gaps."""
    c = f.counts
    lines = [
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
    return lines
