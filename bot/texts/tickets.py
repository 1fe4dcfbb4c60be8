"""Text for tickets: the card, lists, history, warnings, prompts and refusals.

Every value from a citizen or the database goes through `escape` (`bot.texts.escape`).
`masked=True` (a group chat, a leader's private chat) masks the whole card or history with
THE masker (``bot.services.masker``): the citizen's own name and phone as known secrets
wherever they appear (content, address, event notes such as a feedback or a callback) plus
every labelled name, phone, ID and bank card.
Refusals and field problems are returned as plain text (a button's alert shows no HTML);
handlers escape them for a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo

from bot.services.masker import Secrets, mask, mask_name, mask_phone
from bot.services.tickets import stages
from bot.services.tickets.errors import Refusal, TicketError
from bot.services.tickets.fields import FieldProblem, Issue
from bot.services.tickets.history import (
    CalledBack,
    Dispatched,
    EventDetail,
    Extended,
    Reclassified,
    UrgencyChanged,
    load_detail,
)
from bot.services.tickets.indexes import SIMILAR_WINDOW_DAYS
from bot.services.tickets.labels import FIELD_LABELS_ZH
from bot.services.tickets.repeats import REPEAT_WINDOW_DAYS
from bot.services.tickets.vocabulary import EventName
from bot.services.tickets.workflow import Action, Status
from bot.services.timefmt import fmt_dt, fmt_duration, time_left
from bot.texts.escape import escape
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
    "feedback_unread": ("这条没有标明“背景：”“过程：”“结果：”“后续：”，未记入反馈。"),
    "feedback_left_out": "未标明部分的文字未记入反馈：“{text}”",
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
             "overdue": "<b>已超时工单</b>（签收、联系、首次反馈或办结超时）",
             "find": "<b>搜索结果</b>"}
LIST_PAGE = "第 {page}/{pages} 页，共 {total} 件"
COMPLEX_USAGE = ("用法：/complex &lt;工单编号&gt; 标记为复杂疑难（办结时限按复杂疑难重新计算）；"
                 "/complex &lt;工单编号&gt; 取消 撤销标记")
FIND_USAGE = "用法：/find 关键词（可多个，用空格分开），例如 /find 朝阳医院 态度"
URGENT_SET = "已将工单 {no} 标记为“{urgency}”。"
HISTORY_HEAD = "<b>工单 {no} 全部记录</b>"
#: What follows the number in /complex to undo the mark (see COMPLEX_USAGE).
COMPLEX_UNDO = "取消"
PICK_L2 = "{l1}：请选择二级分类"
VIEW_ONLY = "您的角色只能查看工单。"
EXPIRED = "操作已过期，请重新点选。"
CANCELLED_SHORT = "已取消"
ACTION_CANCELLED = "已取消，工单未改变。"
UNIT_NOT_FOUND = "没有找到该单位，请点选或输入准确名称。"
DISPATCHED_TO = "派发至：{units}"
CALLBACK_OUTCOMES = ("已解决", "未解决", "未接通")  # button order: td1:0, td1:1, td1:2
CALLBACK_OUTCOME = "回访：{outcome}"
SATISFACTION_CHOSEN = "满意度：{satisfaction}"
BTN_DISPATCH = "确定派发"
BTN_CONFIRM_CLOSE = "确认办结"
CLOSE_CONFIRM = "<b>确认办结此工单？</b>办结后不能再修改，请点“确认办结”。"
CLOSE_CONFIRM_SHORT = "请再点“确认办结”完成办结。"
BTN_SKIP = "跳过"
BTN_REFRESH = "刷新"
BTN_HISTORY = "全部记录"
ACTION_BUTTONS: dict[Action, str] = {a: a.value for a in Action} | {Action.contact: "已联系"}

FIELD_PROMPTS_ZH: dict[str, str] = {
    "platform_no": "请输入工单编号（6–32位数字、字母或“-”）：",
    "citizen_name": "请输入来电人姓名：",
    "phone": "请输入联系电话（手机号或北京固话）：",
    "request_type": "请输入诉求类型（投诉/举报/求助/咨询/建议/表扬）：",
    "category": "请输入问题分类，格式“一级分类/二级分类”，例如“医疗服务/服务态度”：",
    "unit": "请输入承办单位名称（可用简称，例如“朝阳医院”）：",
    "urgency": "请输入紧急程度（一般/急/重点/紧急/涉稳）：",
    "content": "请输入诉求内容：",
    "address": "请输入地址：",
    "received_at": "请输入来电时间，例如“2026-11-25 09:12”：",
    "industry": "请输入所属行业：",
    "platform_deadline": "请输入办理时限，例如“2026-12-02 18:00”：",
    "answered_on_spot": "请输入是否即时办结（咨询已当场答复：是/否）：",
    "complex_case": "请输入是否复杂疑难（是/否）：",
}

FIELD_PROBLEMS: dict[Issue, str] = {
    Issue.required: "{label}不能为空，请重新输入。",
    Issue.phone: "联系电话“{value}”不是有效的手机号或北京固话，请核对后重新输入。",
    Issue.platform_no: ("工单编号“{value}”格式不正确：应为6–32位数字、字母或“-”，"
                        "请核对后重新输入。"),
    Issue.name_long: "来电人姓名“{value}”过长（最多20个字），请核对后重新输入。",
    Issue.name_digits: "来电人姓名“{value}”中含有号码，请只填写姓名，电话请填在联系电话中。",
    Issue.choice: "{label}“{value}”无效，请从以下选项中选择：{options}。",
    Issue.unit: "承办单位“{value}”未找到。您要找的是不是：{options}？请输入准确的单位名称。",
    Issue.unit_none: "承办单位“{value}”未找到，请输入准确的单位名称。",
    Issue.category: ("问题分类“{value}”未找到。相近的分类有：{options}。"
                     "请按“一级分类/二级分类”输入。"),
    Issue.category_none: ("问题分类“{value}”未找到，请按“一级分类/二级分类”输入，"
                          "例如“医疗服务/服务态度”。"),
    Issue.category_l2: ("问题分类“{value}”缺少或无法识别二级分类，可选：{options}。"
                        "请按“一级分类/二级分类”输入。"),
    Issue.time: ("{label}“{value}”不是有效的时间，请重新输入，例如“2026-11-25 09:12”"
                 "或“11月25日9时12分”（分钟写两位）。"),
    Issue.time_future: "来电时间“{value}”晚于当前时间，请核对后重新输入。",
    Issue.deadline_early: "办理时限“{value}”早于来电时间，请核对后重新输入。",
    Issue.unknown_field: "未知字段：{value}",
    Issue.yes_no: "{label}“{value}”无法识别，请填写“是”或“否”。",
    Issue.invalid: "{label}无法识别，请重新输入。",
    Issue.parse_failed: "工单内容无法解析，请检查后重新粘贴，或逐项输入。",
}

REFUSALS: dict[Refusal, str] = {
    Refusal.incomplete: "工单信息不完整，缺少：{missing}。",
    Refusal.consult_only: "只有“咨询”类工单可以即时办结，请改为“即时办结：否”或核对诉求类型。",
    Refusal.duplicate: "工单编号 {platform_no} 已登记（{status}），发送 /t {platform_no} 查看。",
    Refusal.not_found: "工单不存在。",
    Refusal.not_allowed: "当前状态为“{status}”，{why}。",
    Refusal.no_units: "请至少选择一个承办单位。",
    Refusal.feedback_incomplete: ("反馈内容缺少：{missing}。"
                                  "请按“背景、过程、结果、后续”四部分补全。"),
    Refusal.callback_incomplete: "请选择是否解决和满意度。",
    Refusal.reason_required: "请填写原因。",
    Refusal.extend_incomplete: "请填写新的办结时限和延期原因。",
    Refusal.extend_not_later: "新的办结时限须晚于当前时限。",
    Refusal.already_complex: "工单已是“复杂疑难”。",
    Refusal.not_complex: "工单未标记为“复杂疑难”。",
    Refusal.reclass_closed: "工单已{status}，不能再修改时限类别。",
    Refusal.same_urgency: "工单已是“{urgency}”。",
    Refusal.urgent_not_saved: ("⚠️ 工单 {platform_no} {what}：系统暂时无法发出领导提醒，"
                               "为免漏报，本次{undone}。请稍后重试；情况紧急请先电话联系领导。"),
}
# Refusal.urgent_not_saved: logging a new ticket (False) or re-marking one (True)
URGENT_NOT_SAVED = {False: ("未登记", "未保存"), True: ("未改为“{urgency}”", "未作修改")}
WHY_NOT: dict[Action, str] = {
    Action.sign: "只有“待签收”的工单可以签收",
    Action.contact: "工单签收后、办结前才能记录联系来电人",
    Action.dispatch: "工单需先签收（或处于督办中）才能派发",
    Action.feedback: "工单派发后才能录入承办单位反馈",
    Action.callback: "收到承办单位反馈后才能回访",
    Action.close: "回访完成后才能办结",
    Action.supervise: "只有已反馈或已回访的工单可以督办",
    Action.give_back: "只有待签收或已签收（尚未派发）的工单可以退回",
    Action.extend: "只有办理中的工单可以申请延期",
}

# History: what an event's detail says (the person's own note follows where it belongs).
CONTACTED = "已联系来电人"
CLOSED_AT_LOGGING = "当场答复，登记即办结"
NO_DEADLINE = "无"
SYSTEM = "系统"
_SHORT_TIME = "%m-%d %H:%M"


def with_choice_hint(prompt: str) -> str:
    """"请输入…：" → "请输入…（点选按钮，或直接输入）：" (the hint before the colon)."""
    return prompt.removesuffix("：") + ASK_CHOICE_HINT + "："


def field_problem(p: FieldProblem) -> str:
    """What is wrong with a field's value and how to fix it (plain text)."""
    options = "、".join(p.options)
    label = FIELD_LABELS_ZH.get(p.field, p.field)
    return FIELD_PROBLEMS[p.issue].format(label=label, value=p.value, options=options)


def refusal(exc: TicketError) -> str:
    """Why a ticket operation was refused (plain text)."""
    fields = dict(exc.fields)
    if exc.code is Refusal.not_allowed:
        fields["why"] = WHY_NOT[Action(str(fields["action"]))]
    if exc.code is Refusal.incomplete:  # field names → their labels
        names: list[str] = list(fields["missing"])  # type: ignore[call-overload]
        fields["missing"] = [FIELD_LABELS_ZH.get(f, f) for f in names]
    if "missing" in fields:
        fields["missing"] = "、".join(fields["missing"])  # type: ignore[call-overload]
    if exc.code is Refusal.urgent_not_saved:
        what, undone = URGENT_NOT_SAVED[bool(fields["remark"])]
        fields["what"], fields["undone"] = what.format(urgency=fields["urgency"]), undone
    return REFUSALS[exc.code].format(**fields)


def feedback_more(missing: list[str], *, read_nothing: bool, left_out: str) -> str:
    """What the feedback still lacks, after saying what of this message was not taken."""
    lines = []
    if read_nothing:
        lines.append(ACTION_PROMPT["feedback_unread"])
    elif left_out:
        lines.append(ACTION_PROMPT["feedback_left_out"].format(text=escape(left_out[:40])))
    lines.append(ACTION_PROMPT["feedback_more"].format(parts="、".join(missing)))
    return "\n".join(lines)


def urgency_label(urgency: str) -> str:
    return f"{URGENCY_MARK.get(urgency, '')}{urgency}"


def render_card(t: Ticket, events: list[TicketEvent], *, now: datetime, masked: bool,
                names: dict[int, str] | None = None) -> str:
    """The ticket card: fields, deadlines with time left, the last events."""
    names = names or {}
    name = mask_name(t.citizen_name) if masked else t.citizen_name
    phone = mask_phone(t.phone) if masked else t.phone
    # masked before the cut, so the cut never leaves half a number readable
    content = mask(t.content, ticket_secrets(t)) if masked else t.content
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
        lines.append(f"地址：{escape(t.address)}")
    lines.append(f"来电：{fmt_dt(t.received_at, now)}")
    lines.append(f"内容：{escape(content)}")
    lines += _deadline_lines(t, now)
    if t.solved is not None or t.satisfaction:
        solved = "已解决" if t.solved else "未解决"
        lines.append(f"回访：{solved} · {escape(t.satisfaction or '')}")
    repeats = [x for x in t.repeat_refs.split("、") if x]
    similar = [x for x in t.similar_refs.split("、") if x]
    lines += warning_lines(repeats, similar, repeat_count=t.repeat_count)
    if events:
        lines.append("<b>最近记录</b>")
        lines += [event_line(e, now, names) for e in events]
    text = "\n".join(lines)
    return mask(text, ticket_secrets(t)) if masked else text


def ticket_secrets(t: Ticket) -> Secrets:
    """The citizen's data a ticket knows (masked in groups), and its number (kept)."""
    refs = [x for x in f"{t.repeat_refs}、{t.similar_refs}".split("、") if x]
    return Secrets.of([t.citizen_name], [t.phone], [t.platform_no, *refs])


STAGE_NAMES: dict[stages.Stage, str] = {
    stages.Stage.sign: "签收", stages.Stage.contact: "联系",
    stages.Stage.feedback: "首次反馈", stages.Stage.complete: "办结",
}
PROVISIONAL = "（暂定，节假日安排未导入）"


def _deadline_lines(t: Ticket, now: datetime) -> list[str]:
    """One line per stage still pending (the same stages /overdue and the lists use)."""
    out = []
    for stage, due in stages.pending(t):
        mark = PROVISIONAL if stage is stages.Stage.complete and t.deadlines_provisional else ""
        out.append(f"{STAGE_NAMES[stage]}时限：{fmt_dt(due, now)}（{time_left(due, now)}）{mark}")
    return out


def event_line(e: TicketEvent, now: datetime, names: Mapping[int, str]) -> str:
    who = names.get(e.actor_id or 0, SYSTEM if e.actor_id is None else str(e.actor_id))
    words = " ".join(event_words(e, now.tzinfo).split())  # one line each (a feedback has four)
    note = f"：{escape(words[:80])}" if words else ""
    return f"· {fmt_dt(e.at, now)} {escape(who)} {escape(e.action)}{note}"


def event_words(e: TicketEvent, tz: tzinfo | None) -> str:
    """An event's detail and note in words (older events kept their words in the note)."""
    detail = load_detail(e.detail)
    if detail is not None:
        return _detail_words(detail, e.note, tz)
    if not e.note and e.action == Action.contact:
        return CONTACTED
    if not e.note and e.action == EventName.logged and e.to_status == Status.closed:
        return CLOSED_AT_LOGGING
    return e.note


def _detail_words(d: EventDetail, note: str, tz: tzinfo | None) -> str:
    if isinstance(d, Dispatched):
        cc = f"；抄送：{'、'.join(d.copied_to)}" if d.copied_to else ""
        # shown after "派发：" in the history, so the units come first, without a second 派发
        return f"{'、'.join(d.units)}{cc}" + (f"；{note}" if note else "")
    if isinstance(d, CalledBack):
        parts = [("已解决" if d.solved else "未解决"), d.satisfaction or ""] if d.reached \
            else ["未接通"]
        if d.recording:
            parts.append(f"录音：{d.recording}")
        parts.append(note)
        return "；".join(p for p in parts if p)
    if isinstance(d, Extended):
        return f"时限 {_short(d.old, tz)} → {_short(d.new, tz)}；原因：{note}"
    if isinstance(d, Reclassified):
        return f"时限类别 {d.policy_class}；办结时限 {_short(d.old, tz)} → {_short(d.new, tz)}"
    assert isinstance(d, UrgencyChanged)
    return f"{d.old} → {d.new}"


def _short(when: datetime | None, tz: tzinfo | None) -> str:
    return when.astimezone(tz).strftime(_SHORT_TIME) if when else NO_DEADLINE


def list_page(kind: str, rows: list[Ticket], *, now: datetime, page: int, pages: int,
              total: int, counts: Mapping[str, int] | None = None) -> str:
    """One page of a list (/mine, /open, /overdue, /find); /open's first page counts first."""
    lines = [LIST_HEAD[kind]]
    if counts is not None:
        lines.append("　".join(f"{k} {v}" for k, v in counts.items()) or LIST_EMPTY)
    lines += [list_line(t, now) for t in rows] or [LIST_EMPTY]
    if total:
        lines.append(LIST_PAGE.format(page=page, pages=pages, total=total))
    return "\n".join(lines)


def history(t: Ticket, events: list[TicketEvent], *, now: datetime,
            names: Mapping[int, str], masked: bool) -> str:
    """全部记录; in a group masked like the card (event notes quote the citizen)."""
    lines = [HISTORY_HEAD.format(no=escape(t.platform_no))]
    text = "\n".join(lines + [event_line(e, now, names) for e in events])
    return mask(text, ticket_secrets(t)) if masked else text


def list_line(t: Ticket, now: datetime) -> str:
    """One ticket in a list: every overdue stage named (as on the card), else the next one."""
    late = stages.overdue(t, now)
    nxt = stages.next_due(t)
    if len(late) == 1:
        due = f" · ⏰{STAGE_NAMES[late[0][0]]}{time_left(late[0][1], now)}"
    elif late:  # "⏰已超时：签收 9 小时 40 分钟、联系 9 小时 10 分钟"
        due = " · ⏰已超时：" + "、".join(f"{STAGE_NAMES[s]} {fmt_duration(now - d)}"
                                        for s, d in late)
    elif nxt is not None:
        due = f" · {STAGE_NAMES[nxt[0]]}{time_left(nxt[1], now)}"
    else:
        due = ""
    return (f"{URGENCY_MARK.get(t.urgency, '')}<code>{escape(t.platform_no)}</code> "
            f"{escape(t.status)} · {escape(t.category_l1)} · {escape(t.unit)}{due}")


def warning_lines(repeat_refs: list[str], similar_refs: list[str], *,
                  repeat_count: int | None = None) -> list[str]:
    """一人多反映 and 多人反映同一问题, as found when the ticket was logged (shown on its card)."""
    lines = []
    if repeat_refs:
        refs = escape("、".join(repeat_refs[:10]))
        n = repeat_count if repeat_count is not None else len(repeat_refs)
        lines.append(f"⚠️ 一人多反映：该来电人近 {REPEAT_WINDOW_DAYS} 天另有 {n} 件：{refs}")
    if similar_refs:
        refs = escape("、".join(similar_refs[:10]))
        lines.append(f"⚠️ 多人反映同一问题：近 {SIMILAR_WINDOW_DAYS} 天相似工单 "
                     f"{len(similar_refs)} 件：{refs}")
    return lines
