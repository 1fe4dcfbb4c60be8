"""Text for staff administration, access requests and the reference data managers import."""

from __future__ import annotations

from bot.services.reference.problems import Problem, ReferenceDataError, ReferenceProblem
from bot.services.reference.units import UNIT_KINDS
from bot.services.staff.directory import StaffError, StaffRefusal
from bot.texts.escape import escape

ADDUSER_USAGE = (
    "用法：/adduser &lt;TG号&gt; &lt;角色&gt; &lt;姓名&gt;\n"
    "角色可选：staff（值班员）、leader（领导）、manager（项目经理/组长）、admin（管理员）\n"
    "例如：/adduser 123456789 staff 张三"
)
SETROLE_USAGE = "用法：/setrole &lt;TG号&gt; &lt;角色&gt;\n例如：/setrole 123456789 leader"
DELUSER_USAGE = "用法：/deluser &lt;TG号&gt;\n例如：/deluser 123456789"
ADDED = "✅ 已登记：{name}（{tid}），角色：{role}。"
REACTIVATED = "✅ 已更新：{name}（{tid}），角色：{role}。"
ROLE_SET = "✅ 已将 {name}（{tid}）的角色改为：{role}。"
DEACTIVATED = "✅ 已停用 {name}（{tid}），历史记录保留。"
WELCOME = "✅ 您已被登记为{role}。发送 /help 查看可用功能。"
ROLE_CHANGED = "您的角色已改为：{role}。发送 /help 查看可用功能。"
STAFF_HEAD = "<b>人员名单</b>（在岗 {active} 人）"
STAFF_LINE = "{mark} {name} · {role} · <code>{tid}</code>"
STAFF_INACTIVE_HEAD = "<b>已停用</b>"

REQUEST = (
    "🔔 有人申请使用机器人：\n姓名：{name}\nTG号：<code>{tid}</code>\n"
    "请选择登记为哪个角色，或忽略。"
)
REQUEST_APPROVED = "✅ {admin} 已将 {name}（<code>{tid}</code>）登记为{role}。"
REQUEST_IGNORED = "已忽略 {name}（<code>{tid}</code>）的申请（{admin}）。"
REQUEST_DONE = "该申请已处理过了。"
BTN_APPROVE = "登记为{role}"
BTN_IGNORE = "忽略"

STAFF_REFUSALS: dict[StaffRefusal, str] = {
    StaffRefusal.bad_role: "角色“{text}”无效，可选：staff、leader、manager、admin。",
    StaffRefusal.bad_telegram_id: "“{text}”不是有效的 Telegram 用户 ID（应为纯数字）。",
    StaffRefusal.name_missing: "请填写姓名。",
    StaffRefusal.name_too_long: "姓名太长（最多 {limit} 个字）。",
    StaffRefusal.already_registered: "{name}（{telegram_id}）已登记为该角色，无需重复操作。",
    StaffRefusal.own_admin_role: "不能取消自己的管理员角色，请让另一位管理员操作。",
    StaffRefusal.deactivate_self: "不能停用自己。",
    StaffRefusal.already_inactive: "{name}（{telegram_id}）已是停用状态。",
    StaffRefusal.not_found: "没有找到 TG号 {telegram_id} 的人员，请先用 /adduser 登记。",
}


def staff_error(exc: StaffError) -> str:
    """The refusal in words, HTML-escaped (it may quote what the admin typed)."""
    if not isinstance(exc.code, StaffRefusal):  # a caller still passing its own words
        return escape(exc.code)
    return escape(STAFF_REFUSALS[exc.code].format(**exc.fields))


# ---------------------------------------------------------------- reference data (plain text)
# Shown by `python -m bot units import` and at start-up; not HTML.

UNITS_IMPORTED = ("已导入：承办单位 {units} 个，问题分类 {categories} 类 / {items} 项，"
                  "行业 {industries} 个。")
UNITS_EXPORTED = "已导出到 {path}"
REFERENCE_INVALID = "参考数据有误：\n{problems}"

_SECTION_SHAPES = {
    "units": "units：应为承办单位列表",
    "categories": "categories：应为“一级分类: [二级分类…]”的映射",
}


def _unit_entry(p: ReferenceProblem, *, raw: bool = False) -> str:
    name = p.name if raw else (p.name or "（无名称）")
    return f"units 第{p.index}项“{name}”"


def _reference_words(p: ReferenceProblem) -> str:
    code, joined = p.code, "、".join(p.values)
    if code is Problem.file:
        if p.line is None:
            return f"无法读取文件 {p.value}：{p.detail}"
        return f"{p.value} 第 {p.line} 行：{p.detail}"
    if code in (Problem.not_list, Problem.not_mapping):
        shape = "应为列表" if code is Problem.not_list else "应为“简称: 全称”的映射"
        return _SECTION_SHAPES.get(p.section, f"{p.section}：{shape}")
    simple = {
        Problem.top_not_mapping: "文件顶层应为键值映射（units、categories 等）。",
        Problem.entry_not_mapping: f"units 第{p.index}项：应为键值映射（name、kind、section…）",
        Problem.unknown_fields: f"{_unit_entry(p, raw=True)}：未知字段 {', '.join(p.values)}",
        Problem.aliases_not_list: f"{_unit_entry(p, raw=True)}：aliases 应为列表",
        Problem.l2_not_list: f"categories“{p.name}”：二级分类应为列表",
        Problem.urgency_without_name: f"urgencies 第{p.index}项：缺少 name",
        Problem.missing_field: f"{_unit_entry(p)}：缺少字段 {p.field}",
        Problem.bad_kind: f"{_unit_entry(p)}：kind“{p.value}”无效，应为 {'/'.join(UNIT_KINDS)}",
        Problem.unknown_section: f"{_unit_entry(p)}：section“{p.value}”不是已登记的委机关科室",
        Problem.duplicate_unit: f"{_unit_entry(p)}：单位名称重复",
        Problem.duplicate_key: f"{_unit_entry(p)}：名称或简称“{p.value}”与“{p.target}”重复",
        Problem.no_units: "units：至少需要一个承办单位",
        Problem.no_categories: "categories：至少需要一个问题分类",
        Problem.empty_l2: f"categories“{p.name}”：至少需要一个二级分类",
        Problem.duplicate_l2: f"categories“{p.name}”：二级分类重复：{joined}",
        Problem.empty_list: f"{p.section}：不能为空",
        Problem.duplicate_values: f"{p.section}：重复项：{joined}",
        Problem.alias_target: f"{p.section}“{p.name}”：指向不存在的“{p.target}”",
        Problem.unknown_alert: f"urgencies：alert 中的“{p.name}”不存在",
    }
    return simple[code]


def reference_problem(p: ReferenceProblem) -> str:
    """One problem, naming the entry (and its line when it came from a file)."""
    words = _reference_words(p)
    if p.line is not None and p.code is not Problem.file:
        words += f"（第 {p.line} 行）"
    return words


def reference_error(exc: ReferenceDataError) -> str:
    return REFERENCE_INVALID.format(
        problems="\n".join(f"- {reference_problem(p)}" for p in exc.problems))


def database_lost(problem: str, path: str) -> str:
    """To the admins when the database file vanished or was replaced under a running bot."""
    what = "被删除" if problem == "deleted" else "被替换"
    return (f"⚠️ 数据库文件 <code>{escape(path)}</code> 已{what}，机器人已停止以免丢失数据，"
            "将由系统服务自动重启。请检查数据文件和备份。")
