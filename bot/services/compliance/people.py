"""Finding a person from what a manager typed: a Telegram id or an exact name.

Departed people stay findable (their register entry and incidents are still edited after
they leave), so this looks at everyone registered, active or not.
"""

from __future__ import annotations

import unicodedata
from typing import Protocol

from bot.services.compliance.errors import ComplianceError
from bot.services.staff.directory import Member


class People(Protocol):
    """What the compliance services read from the staff directory."""

    def get_any(self, telegram_id: int) -> Member | None: ...

    def all(self) -> list[Member]: ...


def resolve(people: People, text: str) -> Member:
    """The member a manager means by `text`; raises unknown_person / ambiguous_person."""
    who = unicodedata.normalize("NFKC", text).strip().lstrip("@")
    if who.isdigit():
        member = people.get_any(int(who)) if len(who) <= 15 else None  # no id is longer
        if member is None:
            raise ComplianceError("unknown_person", who=who)
        return member
    found = [m for m in people.all() if m.name == who]
    active = [m for m in found if m.active]
    if len(active) == 1 or (len(found) == 1):
        return active[0] if active else found[0]
    if not found:
        raise ComplianceError("unknown_person", who=who)
    raise ComplianceError("ambiguous_person", who=who, count=len(found))


def try_resolve(people: People, text: str) -> Member | None:
    """The member, or None when `text` names nobody (or several people)."""
    try:
        return resolve(people, text)
    except ComplianceError:
        return None
