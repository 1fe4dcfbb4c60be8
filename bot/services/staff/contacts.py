"""Members' phones and e-mail addresses, for the alert channels beyond Telegram.

Admins record them (`/setcontact <TG号> phone 138… email …`, or the 手机/邮箱 columns of the staff
register import, `bot/services/compliance/register_xlsx.py`); the escalation reads them to send
SMS, place calls, write e-mail and @-mention people in a group robot's message. They are kept
apart from the staff cache on purpose: only the few callers that need an address ask for it,
and nothing else carries one around. Audit entries say which field changed, never the value.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.services.masker import digits_of
from bot.services.staff import audit
from bot.services.staff.directory import StaffDirectory
from models.db import session_scope
from models.staff import StaffContact

FIELDS = {"phone": "phone", "手机": "phone", "电话": "phone", "mobile": "phone",
          "email": "email", "mail": "email", "邮箱": "email", "e-mail": "email"}
CLEAR_WORDS = frozenset({"-", "无", "清除", "删除", "none", "clear"})
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+$")


class ContactRefusal(enum.StrEnum):
    """Why /setcontact changed nothing; the fields each carries are listed."""

    nothing = "nothing"  # no field given
    bad_field = "bad_field"  # text
    missing_value = "missing_value"  # field
    bad_phone = "bad_phone"  # text
    bad_email = "bad_email"  # text
    not_found = "not_found"  # telegram_id


class ContactError(ValueError):
    def __init__(self, code: ContactRefusal, **fields: object) -> None:
        super().__init__(f"{code}: {fields}")
        self.code, self.fields = code, fields


@dataclass(frozen=True)
class Contact:
    telegram_id: int
    phone: str = ""  # 11 digits, mainland mobile
    email: str = ""


def parse_phone(text: str) -> str:
    """A mainland mobile number in any common writing (+86, spaces, dashes) → 11 digits."""
    digits = digits_of(text)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not _MOBILE.match(digits) or re.search(r"[A-Za-z]", text):
        raise ContactError(ContactRefusal.bad_phone, text=text)
    return digits


def parse_email(text: str) -> str:
    address = text.strip()
    if not _EMAIL.match(address):
        raise ContactError(ContactRefusal.bad_email, text=text)
    return address


def parse_changes(words: Sequence[str]) -> dict[str, str]:
    """`phone +86 138 0000 0001 email a@b.cn` → {"phone": "13800000001", "email": "a@b.cn"}:
    a value runs up to the next field word; a clear word (`-`, 无, 清除) empties a field."""
    if not words:
        raise ContactError(ContactRefusal.nothing)
    field = FIELDS.get(words[0].strip().lower())
    if field is None:
        raise ContactError(ContactRefusal.bad_field, text=words[0])
    values: dict[str, list[str]] = {field: []}
    for word in words[1:]:
        nxt = FIELDS.get(word.strip().lower())
        if nxt is not None:
            field = nxt
            values[field] = []
        else:
            values[field].append(word)
    changes: dict[str, str] = {}
    for name, parts in values.items():
        value = " ".join(parts).strip()
        if not value:
            raise ContactError(ContactRefusal.missing_value, field=name)
        changes[name] = parse_value(name, value)
    return changes


def parse_value(field: str, text: str) -> str:
    """One field's new value (`phone` or `email`): a clear word (`-`, 无, 清除) empties it.
    Shared by /setcontact and the staff register import, so both accept the same writing."""
    value = text.strip()
    if value.lower() in CLEAR_WORDS:
        return ""
    return parse_phone(value) if field == "phone" else parse_email(value)


class Contacts:
    def __init__(self, engine: Engine, clock: Clock, staff: StaffDirectory) -> None:
        self.engine, self.clock, self.staff = engine, clock, staff

    def set(self, *, actor_id: int, telegram_id: int, changes: dict[str, str],
            chat_id: int | None = None) -> Contact:
        """Apply parsed changes (see `parse_changes`) to a registered member's contact."""
        if self.staff.get_any(telegram_id) is None:
            raise ContactError(ContactRefusal.not_found, telegram_id=telegram_id)
        with session_scope(self.engine) as s:
            return self._write(s, s.get(StaffContact, telegram_id), telegram_id, changes,
                               actor_id=actor_id, chat_id=chat_id)

    def apply_many(self, session: Session, items: Sequence[tuple[int, dict[str, str]]], *,
                   actor_id: int | None) -> int:
        """Write checked changes for many members inside the caller's transaction (the staff
        register import, all or nothing with the register's own fields). A field already
        holding its new value is not written, so re-importing an export audits nothing.
        Returns how many members' contacts changed."""
        wanted = [tid for tid, changes in items if changes]
        if not wanted:
            return 0
        rows = {r.telegram_id: r for r in session.exec(select(StaffContact).where(
            col(StaffContact.telegram_id).in_(wanted))).all()}
        changed = 0
        for telegram_id, changes in items:
            row = rows.get(telegram_id)
            diff = {f: v for f, v in changes.items() if (getattr(row, f) if row else "") != v}
            if diff:
                self._write(session, row, telegram_id, diff, actor_id=actor_id)
                changed += 1
        return changed

    def _write(self, s: Session, row: StaffContact | None, telegram_id: int,
               changes: dict[str, str], *, actor_id: int | None,
               chat_id: int | None = None) -> Contact:
        """Set the fields and audit which ones changed (never the values)."""
        now = self.clock.now()
        row = row or StaffContact(telegram_id=telegram_id, updated_at=now)
        for field, value in changes.items():
            setattr(row, field, value)
        row.updated_at, row.updated_by = now, actor_id
        s.add(row)
        audit.record(session=s, clock=self.clock, actor_id=actor_id, chat_id=chat_id,
                     action="staff.contact", target=str(telegram_id),
                     detail=",".join(sorted(changes)))  # which fields, never the values
        return Contact(telegram_id, row.phone, row.email)

    def get(self, telegram_id: int) -> Contact:
        return self.of([telegram_id]).get(telegram_id, Contact(telegram_id))

    def of(self, ids: Iterable[int]) -> dict[int, Contact]:
        """The contacts on record for these members (members without one are left out)."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        with session_scope(self.engine) as s:
            rows = s.exec(select(StaffContact).where(
                col(StaffContact.telegram_id).in_(wanted))).all()
            return {r.telegram_id: Contact(r.telegram_id, r.phone, r.email) for r in rows}

    def all(self) -> dict[int, Contact]:
        with session_scope(self.engine) as s:
            rows = s.exec(select(StaffContact)).all()
            return {r.telegram_id: Contact(r.telegram_id, r.phone, r.email) for r in rows}
