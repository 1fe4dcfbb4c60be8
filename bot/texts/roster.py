"""Text for the roster, /duty, /roster_set, /special, /handover notes and swaps.

HTML; every value from the database or a user goes through ``escape``
(``bot.texts.escape``). The daily post, the handover and the gap report are in
``bot.texts.daily``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.services.roster.errors import Overlap, Refusal, RosterError, RosterImportError
from bot.services.roster.notes import RosterChanged
from bot.services.roster.vocab import HOLIDAY_KIND
from bot.services.timefmt import fmt_date
from bot.texts.audience import Audience, Rendered, Renderer
from bot.texts.escape import escape

if TYPE_CHECKING:
    from bot.services.roster.model import DutyMember, ImportResult, Slot
    from bot.services.roster.shifts import DayClass, ShiftDef, ShiftInstance

NOBODY = "⚠️ 未排班"

DUTY_HEAD = "<b>当前值班</b>"
DUTY_NEXT = "<b>下一班</b>"
DUTY_NONE = "当前不在任何班次内。"
ROSTER_USAGE = "用法：/roster（本周）或 /roster next（下周）"
ROSTER_SET_USAGE = ("用法：/roster_set &lt;日期&gt; &lt;班次&gt; &lt;姓名…&gt;\n"
                    "例如 /roster_set 2026-11-26 夜班 张值班:带班 李值班\n"
                    "姓名后加 :带班 表示带班；写“无”清空该班次。")
SPECIAL_USAGE = ("用法：/special &lt;起始日期&gt; &lt;结束日期&gt; &lt;名称&gt;\n"
                 "例如 /special 2026-11-05 2026-11-10 重大任务：进博会保障\n"
                 "/special 查看；/special del &lt;编号&gt; 删除。")
SPECIAL_NONE = "近期没有特殊时段。"
HANDOVER_USAGE = "用法：/handover &lt;交接事项&gt;，例如 /handover 朝阳医院的反馈明早九点前要催。"
DAILY_USAGE = "用法：/daily 或 /daily &lt;日期&gt;，例如 /daily 2026-11-25"
NEXT_WEEK_ARGS = ("next", "下周")  # /roster next
DELETE_ARGS = ("del", "删除")  # /special del 3
IMPORT_USAGE = ("用法：python -m bot roster import FILE"
                "（.csv 或 .xlsx，表头 date,shift,staff,role）")


def shift_hours(shift: ShiftDef) -> str:
    """``08:00–20:00``, ``20:00–次日08:00``."""
    nxt = "次日" if shift.crosses_midnight else ""
    return f"{shift.start:%H:%M}–{nxt}{shift.end:%H:%M}"


def day_label(day: DayClass) -> str:
    """``工作日 · 日常专班``, ``法定节假日（国庆节） · 节假日专班 · 重大任务：…（暂定）``."""
    parts = [day.kind + (f"（{day.holiday_name}）" if day.holiday_name
                         and day.kind == HOLIDAY_KIND else ""), day.team]
    if day.special:
        parts.append(day.special)
    text = " · ".join(parts)
    return text + ("（暂定）" if day.provisional else "")


def shift_label(inst: ShiftInstance, now: datetime | date | None = None) -> str:
    """``11月26日（周四） 夜班 20:00–次日08:00`` (the year only when not ``now``'s)."""
    return f"{fmt_date(inst.date, now)} {escape(inst.name)} {shift_hours(inst.shift)}"


def people(members: Sequence[DutyMember]) -> str:
    if not members:
        return NOBODY
    return "、".join(escape(m.name) + (f"（{escape(m.role)}）" if m.role else "")
                    for m in members)


def slot_block(slot: Slot, now: datetime, *, with_day: bool = True) -> list[str]:
    day = f" · {escape(day_label(slot.day))}" if with_day else ""
    lines = [shift_label(slot.instance, now) + day]
    lead = slot.lead
    lines.append(f"带班：{escape(lead.name)}" if lead else "带班：未指定")
    lines.append(f"值班：{people(slot.members)}")
    return lines


def render_duty(current: Slot | None, nxt: Slot, now: datetime) -> str:
    lines = [DUTY_HEAD]
    lines += slot_block(current, now) if current else [DUTY_NONE]
    lines += ["", DUTY_NEXT, *slot_block(nxt, now)]
    return "\n".join(lines)


def render_week(slots: Sequence[Slot], title: str, now: datetime) -> str:
    lines = [f"<b>{escape(title)}</b>"]
    current_day: date | None = None
    for sl in slots:
        if sl.instance.date != current_day:
            current_day = sl.instance.date
            lines.append(f"\n<b>{fmt_date(current_day, now)}</b> {escape(day_label(sl.day))}")
        lines.append(f"  {escape(sl.instance.name)} {shift_hours(sl.instance.shift)}："
                     f"{people(sl.members)}")
    return "\n".join(lines)


def week_title(monday: date, *, next_week: bool) -> str:
    return (("下周排班" if next_week else "本周排班")
            + f"（{monday:%m-%d} 至 {monday + timedelta(days=6):%m-%d}）")


def special_removed(special_id: int) -> str:
    return f"已删除特殊时段 #{special_id}。"


def roster_set_done(slot: Slot, now: datetime) -> str:
    return "✅ 已更新排班：\n" + "\n".join(slot_block(slot, now))


def roster_changed_private(slot: Slot, added: bool, now: datetime) -> str:
    what = "你已被安排值班" if added else "你已被调出"
    return f"📅 排班变更：{what}：{shift_label(slot.instance, now)}。发送 /duty 查看。"


def _changed(n: RosterChanged, audience: Audience) -> Rendered:
    return Rendered(roster_changed_private(n.slot, n.added, n.now))


#: note class → renderer, merged into bot.texts.render's table
RENDERERS: dict[type[Any], Renderer] = {RosterChanged: _changed}


def specials_list(rows: Sequence[tuple[int, date, date, str]], now: datetime) -> str:
    if not rows:
        return SPECIAL_NONE
    lines = ["<b>特殊时段（节假日专班）</b>"]
    lines += [f"#{i} {fmt_date(a, now)} 至 {fmt_date(b, now)}：{escape(name)}"
              for i, a, b, name in rows]
    return "\n".join(lines)


def special_done(special_id: int, start: date, end: date, name: str, now: datetime) -> str:
    return (f"✅ 已设特殊时段 #{special_id}：{fmt_date(start, now)} 至 {fmt_date(end, now)} "
            f"{escape(name)}，期间由节假日专班值守。")


def handover_noted(inst: ShiftInstance, now: datetime) -> str:
    return f"✅ 已记录交接事项，{shift_label(inst, now)} 交班时发给下一班。"


# --------------------------------------------------------------------------- refusals

_SWAP_STATE = {"open": "还没有人接班。", "taken": "已有人接班，正在等待批准。",
               "approved": "这个换班已经批准。", "rejected": "这个换班已被驳回。",
               "expired": "换班申请已过期。", "cancelled": "换班申请已取消。"}


def _overlap(o: Overlap, e: Callable[[str], str]) -> str:
    where = f"第 {o.other_row} 行" if o.other_row is not None else "现有排班"
    return (f"{e(o.name)} 的 {o.date} {e(o.shift)} 与{where}的 {o.other_date} "
            f"{e(o.other_shift)} 时间重叠")


_Fmt = Callable[[dict[str, Any], Callable[[str], str]], str]
_ERRORS: dict[Refusal, str | _Fmt] = {
    Refusal.bad_date: "日期“{text}”无效，应为 YYYY-MM-DD，例如 2026-11-26。",
    Refusal.unknown_staff_id: "TG号 {text} 不是在册人员。",
    Refusal.unknown_staff: "“{text}”不是在册人员（请先用 /adduser 登记，或写 TG号）。",
    Refusal.ambiguous_staff: lambda f, e: (
        f"“{e(f['text'])}”有重名（TG号 {'、'.join(str(i) for i in f['ids'])}），请改写 TG号。"),
    Refusal.unknown_shift: lambda f, e: (
        f"班次“{e(f['name'])}”不存在，可用：{e('、'.join(f['names']))}。"),
    Refusal.named_twice: "{name} 写了两次。",
    Refusal.overlaps: lambda f, e: "；".join(_overlap(o, e) for o in f["overlaps"]) + "。",
    Refusal.missing_shift: "缺少班次",
    Refusal.missing_staff: "缺少值班人员",
    Refusal.role_too_long: "角色太长（最多 {limit} 个字）",
    Refusal.duplicate_row: "与第 {first_row} 行重复（{name} 同一班次出现两次）",
    Refusal.overlap: lambda f, e: _overlap(f["overlap"], e),
    Refusal.file_missing: "文件不存在：{path}",
    Refusal.file_type: lambda f, e: (
        f"不支持的文件类型 {e(f['suffix']) or '（无扩展名）'}，请用 .csv 或 .xlsx。"),
    Refusal.bad_encoding: "文件编码无法识别，请另存为 UTF-8 CSV。",
    Refusal.bad_xlsx: "无法读取 Excel 文件：{reason}",
    Refusal.empty_file: "文件是空的。",
    Refusal.bad_header: lambda f, e: (
        f"表头应为 date,shift,staff,role（role 可省略），缺少：{e(', '.join(f['missing']))}"),
    Refusal.no_rows: "文件中没有排班数据（表头之后没有内容）。",
    Refusal.too_many_rows: "一次最多导入 {limit} 行。",
    Refusal.no_such_shift: "班次不存在。",
    Refusal.shift_started: "这个班次已经开始，不能再换班。",
    Refusal.not_on_shift: "你不在这个班次上。",
    Refusal.swap_pending: "这个班次已经在换班中，请等待接班或批准。",
    Refusal.own_shift: "不能接自己的班。",
    Refusal.already_on_shift: "你已经在这个班次上了。",
    Refusal.take_overlap: lambda f, e: "不能接班：" + _overlap(f["overlap"], e) + "。",
    Refusal.swap_cancelled: "排班已变动，原值班人已不在这个班次上，换班已取消。",
    Refusal.taker_on_shift: "接班人已经在这个班次上了。",
    Refusal.no_swap: "换班申请不存在。",
    Refusal.swap_expired: "换班申请已过期。",
    Refusal.swap_state: lambda f, e: _SWAP_STATE.get(f["status"], "换班状态已变化。"),
    Refusal.special_name_missing: "请填写名称，例如 重大任务：进博会保障。",
    Refusal.special_name_long: "名称太长（最多 {limit} 个字）。",
    Refusal.special_backwards: "结束日期不能早于开始日期。",
    Refusal.special_too_long: "特殊时段最长 {days} 天。",
    Refusal.no_special: "没有编号为 {special_id} 的特殊时段。",
    Refusal.note_missing: "请写交接事项，例如 /handover 朝阳医院的回复明早九点前要催。",
    Refusal.note_too_long: "交接事项太长（最多 {limit} 字）。",
    Refusal.not_in_shift: "当前不在任何班次内。",
    Refusal.daily_future: "日报只能查看今天或以前的日期。",
}
# Inside a row of a refused file the same problem reads shorter (no example, no full stop).
_IN_ROW: dict[Refusal, str | _Fmt] = {
    Refusal.bad_date: "日期“{text}”无效，应为 YYYY-MM-DD",
    Refusal.unknown_shift: lambda f, e: (
        f"班次“{e(f['name'])}”不存在（可用：{e('、'.join(f['names']))}）"),
}


def _plain(text: str) -> str:
    return text


def _say(template: str | _Fmt, err: RosterError, html: bool) -> str:
    e = escape if html else _plain
    if callable(template):
        return template(err.fields, e)
    return template.format(**{k: e(str(v)) for k, v in err.fields.items()})


def error(err: RosterError, *, html: bool = True) -> str:
    """Why a roster operation was refused, in Chinese. ``html=False`` for plain-text places
    (a button's pop-up answer, the command line)."""
    if isinstance(err, RosterImportError):
        return import_refused(err, html=html)
    return _say(_ERRORS[err.code], err, html)


def daily_refused(err: RosterError) -> str:
    """/daily with a date that is not one (then the usage) or in the future."""
    if err.code is Refusal.bad_date:
        return f"{error(err)}\n{DAILY_USAGE}"
    return error(err)


def import_problems(err: RosterImportError, *, html: bool = True) -> list[str]:
    """One line per problem: ``第 4 行：班次“中班”不存在（可用：白班、夜班）``."""
    out = []
    for row, problem in err.errors:
        if row is None:
            out.append(error(problem, html=html))
            continue
        template = _IN_ROW.get(problem.code)
        text = _say(template, problem, html) if template is not None \
            else error(problem, html=html).rstrip("。")
        out.append(f"第 {row} 行：{text}")
    return out


def import_refused(err: RosterImportError, *, html: bool = True) -> str:
    return "导入被拒绝，整个文件未导入（请改正后重新导入）：\n" + "\n".join(
        import_problems(err, html=html))


def import_done(r: ImportResult) -> str:
    return (f"已导入 {r.rows} 条排班（{r.slots} 个班次，{r.dates[0]} 至 {r.dates[1]}），"
            f"替换原有 {r.replaced} 条。")


def import_checked(r: ImportResult) -> str:
    return (f"检查通过：{r.rows} 条排班，{r.slots} 个班次，{r.dates[0]} 至 {r.dates[1]}"
            "（未写入，去掉 --dry-run 导入）。")


def import_refused_head(err: RosterImportError) -> str:
    return f"导入被拒绝，整个文件未导入（{len(err.errors)} 处问题）："


def config_error(detail: str) -> str:
    return "配置文件错误: " + detail


def roster_line(slot: Slot) -> str:
    """One line of ``python -m bot roster show`` (plain text, aligned columns)."""
    team = "、".join(m.name + (f"（{m.role}）" if m.role else "") for m in slot.members)
    inst = slot.instance
    return (f"{inst.date} {inst.name:<3} {shift_hours(inst.shift):<14} "
            f"{day_label(slot.day):<16} {team or '（未排班）'}")
