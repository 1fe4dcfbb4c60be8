"""Text for tickets: the card, lists, warnings, prompts and refusals.

Every value from a citizen or the database goes through `html.escape`. `masked=True` (any
group chat) replaces the citizen's name and phone, and phone-like numbers in the content.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.services.privacy import mask_name, mask_phone, mask_text
from bot.services.tickets.service import Warnings
from bot.services.timefmt import fmt_dt, time_left
from models.ticket import Ticket, TicketEvent

URGENCY_MARK = {"紧急": "🔴", "涉稳": "🟣", "重点": "🟠", "急": "🟡", "一般": "⚪"}

NEW_INTRO = (
    "请粘贴工单内容（每行“标签：内容”），或按提示逐项填写。随时发送 /cancel 取消。"
)
NEW_TIMEOUT = "登记工单已超时取消，已填写的内容未保存。请重新发送 /new。"
NEW_CANCELLED = "已取消登记，未保存任何内容。"
NEW_ERRORS = "以下内容需要修改：\n{errors}"
NEW_CREATED = "✅ 工单已登记："
NEW_PRIVATE_ONLY = "工单含市民个人信息，请在与机器人的私聊中登记。"
ASK_CHOICE_HINT = "（点选按钮，或直接输入）"
T_USAGE = "用法：/t &lt;工单编号&gt;，例如 /t 2026112500123"
T_NOT_FOUND = "没有找到工单 {no}。请核对编号，或用 /find 关键词 搜索。"
ACTION_DONE = "✅ 已{action}。"
ACTION_PROMPT = {
    "feedback": "请输入承办单位的反馈，需包括背景、过程、结果、后续四部分，例如：\n"
                "背景：…\n过程：…\n结果：…\n后续：…",
    "feedback_more": "反馈还缺少：{parts}。请补充这几部分（可只发缺少的部分）。",
    "supervise": "请输入督办原因（将要求承办单位二次处置）：",
    "give_back": "请输入退回原因（例如：不属于本委职责，应由××部门办理）：",
    "extend_date": "请输入新的办结时限，例如 2026-12-05 18:00：",
    "extend_reason": "请输入延期原因：",
    "callback_solved": "回访：问题是否解决？",
    "callback_sat": "回访：来电人是否满意？",
    "callback_note": "请输入回访备注（可写录音编号）；没有请点“跳过”。",
    "dispatch": "请选择承办单位（可多选），选好后点“确定派发”。抄送各单位的分管领导。",
}
DISPATCH_NONE = "请至少选择一个承办单位。"
EXTEND_BAD_DATE = "无法识别“{value}”，请按 2026-12-05 18:00 的格式输入新的办结时限。"
LIST_EMPTY = "没有符合条件的工单。"
LIST_HEAD = {"mine": "<b>我的在办工单</b>", "open": "<b>全部在办工单</b>",
             "overdue": "<b>已超时工单</b>", "find": "<b>搜索结果</b>"}
LIST_PAGE = "第 {page}/{pages} 页，共 {total} 件"
COMPLEX_USAGE = ("用法：/complex &lt;工单编号&gt; 标记为复杂疑难（办结时限按复杂疑难重新计算）；"
                 "/complex &lt;工单编号&gt; 取消 撤销标记")
FIND_USAGE = "用法：/find 关键词（可多个，用空格分开），例如 /find 朝阳医院 态度"
URGENT_SET = "已将工单 {no} 标记为“{urgency}”。"
HISTORY_HEAD = "<b>工单 {no} 全部记录</b>"


def urgency_label(urgency: str) -> str:
    return f"{URGENCY_MARK.get(urgency, '')}{urgency}"


def render_card(t: Ticket, events: list[TicketEvent], *, now: datetime, masked: bool,
                names: dict[int, str] | None = None) -> str:
    """The ticket card: fields, deadlines with time left, the last events."""
    names = names or {}
    name = mask_name(t.citizen_name) if masked else t.citizen_name
    phone = mask_phone(t.phone) if masked else t.phone
    content = mask_text(t.content, names=[t.citizen_name], phones=[t.phone]) if masked \
        else t.content
    if len(content) > 600:
        content = content[:600] + "…"
    lines = [
        f"<b>工单 {escape(t.platform_no)}</b> · {escape(t.status)} · {urgency_label(t.urgency)}",
        f"类型：{escape(t.request_type)}　分类：{escape(t.category_l1)}"
        + (f"/{escape(t.category_l2)}" if t.category_l2 else ""),
        f"承办：{escape(t.dispatched_units or t.unit)}",
        f"来电人：{escape(name)}　电话：{escape(phone)}",
    ]
    if t.address:
        lines.append(f"地址：{escape(mask_text(t.address) if masked else t.address)}")
    lines.append(f"来电：{fmt_dt(t.received_at, now)}")
    lines.append(f"内容：{escape(content)}")
    lines += _deadline_lines(t, now)
    if t.solved is not None or t.satisfaction:
        solved = "已解决" if t.solved else "未解决"
        lines.append(f"回访：{solved} · {escape(t.satisfaction or '')}")
    if t.repeat_refs:
        lines.append(f"⚠️ 一人多反映：近期另有 {t.repeat_count} 件")
    if t.similar_refs:
        lines.append(f"⚠️ 相似诉求：{escape(t.similar_refs[:120])}")
    if events:
        lines.append("<b>最近记录</b>")
        lines += [event_line(e, now, names) for e in events]
    return "\n".join(lines)


def _deadline_lines(t: Ticket, now: datetime) -> list[str]:
    if t.status in ("已办结", "退回"):
        return []
    out = []
    mark = "（暂定，节假日安排未导入）" if t.deadlines_provisional else ""
    if t.status == "待签收" and t.sign_by:
        out.append(f"签收时限：{fmt_dt(t.sign_by, now)}（{time_left(t.sign_by, now)}）")
    if t.contacted_at is None and t.contact_by:
        out.append(f"联系时限：{fmt_dt(t.contact_by, now)}（{time_left(t.contact_by, now)}）")
    if t.complete_by:
        out.append(f"办结时限：{fmt_dt(t.complete_by, now)}（{time_left(t.complete_by, now)}）"
                   + mark)
    return out


def event_line(e: TicketEvent, now: datetime, names: dict[int, str]) -> str:
    who = names.get(e.actor_id or 0, "系统" if e.actor_id is None else str(e.actor_id))
    note = f"：{escape(e.note[:80])}" if e.note else ""
    return f"· {fmt_dt(e.at, now)} {escape(who)} {escape(e.action)}{note}"


def list_line(t: Ticket, now: datetime) -> str:
    due = f" · {time_left(t.complete_by, now)}" if t.complete_by else ""
    return (f"{URGENCY_MARK.get(t.urgency, '')}<code>{escape(t.platform_no)}</code> "
            f"{escape(t.status)} · {escape(t.category_l1)} · {escape(t.unit)}{due}")


def render_warnings(w: Warnings) -> str:
    lines = []
    if w.repeat_refs:
        refs = "、".join(w.repeat_refs[:10])
        lines.append(f"⚠️ 一人多反映：该来电人近 90 天另有 {len(w.repeat_refs)} 件：{escape(refs)}")
    if w.similar:
        refs = "、".join(f"{s.platform_no}" for s in w.similar[:10])
        lines.append(f"⚠️ 多人反映同一问题：近 30 天相似工单 {len(w.similar)} 件：{escape(refs)}")
    return "\n".join(lines)
