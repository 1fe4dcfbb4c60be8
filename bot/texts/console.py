"""Text the console mode prints itself (the bot's own messages are printed as they are).

The console writes to a terminal, not to Telegram, so these are plain text, not HTML.
"""

from __future__ import annotations

BANNER = (
    "接诉即办值班助手 · 控制台模式\n"
    "当前用户：{name}（TG号 {user_id}，角色 {role}）\n"
    "直接输入消息；输入按钮编号可点按钮（只对最新消息上的按钮有效）；"
    "/group 文字 发到值班群；/quit、Ctrl-D 或 Ctrl-C 退出。\n"
    "先试试 /help"
)
LOG_FILE = "日志写入 {path}"
ROLE_CREATED = "已把 TG号 {user_id} 登记为{role}。"
ROLE_CHANGED = "TG号 {user_id} 的角色已从{before}改为{role}（已记入审计日志）。"
BOT = "\n🤖 {where}{edited}"
GROUP = "【值班群】"
EDITED = "（已更新）"
TOAST = "💬 {text}"
FILE_SAVED = "[文件已保存：{path}]"
FILE_EMPTY = "[文件没有内容，未保存]"
BUTTON = "[{number}] {label}"
BUTTON_EXPIRED = "⚠️ 按钮 {number} 已失效：编号只对最新消息上的按钮有效，请看上面最新的编号。"
BYE = "已退出控制台。"
INTERRUPTED = "\n已中断，正在退出…"
FORCED = "\n强制退出。"
