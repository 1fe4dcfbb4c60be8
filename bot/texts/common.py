"""Text for access control, /start, /help and errors."""

from __future__ import annotations

from bot.texts.escape import escape

REFUSAL = (
    "您好，本机器人仅供接诉即办值班团队内部使用。\n"
    "您的 Telegram ID 是 <code>{user_id}</code>，如需使用，请把它发给管理员登记。"
)
REFUSAL_CALLBACK = "您尚未登记，无法使用本机器人。"
NOT_ALLOWED = "抱歉，您的角色（{role}）不能使用这个功能。发送 /help 查看可用功能。"
GROUP_ONLY_PRIVATE = "请在与机器人的私聊中使用 /{command}。"
ERROR = "抱歉，处理时出错了，请稍后再试。如一直失败，请联系管理员。"
ERROR_ADMIN = "⚠️ 机器人出错：<code>{error}</code>\n更新类型：{kind}"
# the same error again within the hour is not told one by one (a user could flood admins)
ERROR_ADMIN_REPEATS = "\n上次通知后同一错误又出现 {count} 次（同一错误每小时最多通知一次）。"
CANCELLED = "已取消。"
NOTHING_TO_CANCEL = "当前没有进行中的操作。"
UNKNOWN_COMMAND = "没有这个命令。发送 /help 查看可用功能。"
START_MENU = "开始使用"  # the only command strangers see in the menu
BTN_CANCEL = "取消"
BTN_PREVIOUS = "‹ 上一页"
BTN_NEXT = "下一页 ›"

START = "您好，{name}（{role}）！\n我是接诉即办值班助手。\n\n{help}"
HELP_HEAD = "<b>您可以使用：</b>"
HELP_GROUP_HEAD = "<b>群里可用：</b>"
HELP_LINE = "{usage} — {description}"


def help_text(lines: list[tuple[str, str]], *, group: bool = False) -> str:
    head = HELP_GROUP_HEAD if group else HELP_HEAD
    body = "\n".join(HELP_LINE.format(usage=escape(u), description=escape(d)) for u, d in lines)
    return f"{head}\n{body}"

# a button whose data is not (or no longer) understood: forged, from an old keyboard, or a
# dialogue that has ended
BUTTON_STALE = "按钮已失效，请重新打开"
# a number typed after a command that no record can have (quoted as typed, escaped)
NO_SUCH_NUMBER = "编号 {number} 不存在，请检查后重新输入。"
