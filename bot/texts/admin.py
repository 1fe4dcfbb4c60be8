"""Text for staff administration and access requests."""

from __future__ import annotations

from html import escape

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


def database_lost(problem: str, path: str) -> str:
    """To the admins when the database file vanished or was replaced under a running bot."""
    what = "被删除" if problem == "deleted" else "被替换"
    return (f"⚠️ 数据库文件 <code>{escape(path)}</code> 已{what}，机器人已停止以免丢失数据，"
            "将由系统服务自动重启。请检查数据文件和备份。")
