"""Who is on duty now, as far as the reminder feature can tell.

The roster's members come in several shapes, so this reads it defensively: a missing or
failing roster means "nobody known", and the callers fall back to handlers and managers
rather than dropping a reminder.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.failures import log_failure
from bot.services.reminders.records import LEAD_ROLES, TUPLE_LEAD_ROLES
from bot.services.staff.directory import StaffDirectory

log = logging.getLogger(__name__)


class DutyLookup:
    """(staff on duty, shift leads on duty) at a moment, active staff only."""

    def __init__(self, *, roster: Any, staff: StaffDirectory) -> None:
        self.roster, self.staff = roster, staff

    def on_duty(self, now: datetime) -> tuple[list[int], list[int]]:
        fn = getattr(self.roster, "on_duty", None)
        if fn is None:
            return [], []
        try:
            members = list(fn(now) or [])
        except Exception as exc:
            log_failure(log, "roster.on_duty failed; falling back to handlers and managers", exc)
            return [], []
        staff: list[int] = []
        leads: list[int] = []
        for m in members:
            tid = _member_id(m)
            if tid is None or self.staff.get(tid) is None:
                continue
            (leads if _is_lead(m) else staff).append(tid)
        return list(dict.fromkeys(staff)), list(dict.fromkeys(leads))


def _member_id(m: Any) -> int | None:
    for name in ("telegram_id", "staff_id", "user_id", "member_id"):
        value = getattr(m, name, None)
        if isinstance(value, int):
            return value
    if isinstance(m, int):
        return m
    if isinstance(m, tuple) and m and isinstance(m[0], int):
        return m[0]
    return None


def _is_lead(m: Any) -> bool:
    if getattr(m, "is_lead", False):
        return True
    for name in ("duty_role", "role", "shift_role"):
        value = getattr(m, name, None)
        text = str(getattr(value, "value", value) or "").lower()
        if text in LEAD_ROLES:
            return True
    if isinstance(m, tuple) and len(m) > 1:
        return str(m[1]).lower() in TUPLE_LEAD_ROLES
    return False
