"""Text for members' contacts (/setcontact, the admins' /staff): phones and e-mail addresses
for the alert channels beyond Telegram. Both commands are admins' only: nothing else shows a
contact (channel messages @-mention through the vendor's field, never in the text)."""

from __future__ import annotations

from bot.services.staff.contacts import Contact, ContactError, ContactRefusal
from bot.services.staff.directory import Member
from bot.texts.escape import escape

SETCONTACT_USAGE = (
    "用法：/setcontact &lt;TG号&gt; phone &lt;手机号&gt; 和/或 email &lt;邮箱&gt;\n"
    "用于紧急提醒的短信、语音电话、邮件和群机器人@提醒；填“-”清除。\n"
    "例如：/setcontact 123456789 phone 13800000001 email wang@example.org"
)
REFUSALS: dict[ContactRefusal, str] = {
    ContactRefusal.nothing: "请写明要登记的 phone（手机号）或 email（邮箱）。",
    ContactRefusal.bad_field: "“{text}”不是可登记的项目：请用 phone 或 email。",
    ContactRefusal.missing_value: "{field} 后面缺少要登记的值（填“-”清除）。",
    ContactRefusal.bad_phone: "“{text}”不是有效的手机号（应为 11 位，如 13800000001）。",
    ContactRefusal.bad_email: "“{text}”不是有效的邮箱地址。",
    ContactRefusal.not_found: "没有找到 TG号 {telegram_id} 的人员，请先用 /adduser 登记。",
}
NONE = "未登记"


def error(exc: ContactError) -> str:
    return escape(REFUSALS[exc.code].format(**exc.fields))


def contact_words(c: Contact) -> str:
    """In full: for the admin who set it, and the admins' /staff."""
    phone = escape(c.phone) if c.phone else NONE
    email = escape(c.email) if c.email else NONE
    return f"手机 {phone} · 邮箱 {email}"


def contact_set(member: Member, c: Contact) -> str:
    return (f"✅ 已登记 {escape(member.name)}（<code>{member.telegram_id}</code>）的联系方式："
            f"{contact_words(c)}。")


def staff_suffix(c: Contact | None) -> str:
    """What the admins' /staff adds to a member's line (nothing when none is on record)."""
    if c is None or not (c.phone or c.email):
        return ""
    return " · " + " · ".join(x for x in (f"📱{escape(c.phone)}" if c.phone else "",
                                           f"✉️{escape(c.email)}" if c.email else "") if x)
