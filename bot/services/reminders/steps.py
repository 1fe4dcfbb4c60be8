"""The reminder timetable of one deadline, as pure functions of the clock.

Kept free of the database and the outbox so the rules ("which step is due now", "when is the
next one") can be reasoned about and tested on their own; the scan only asks these questions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.services.reminders.leads import DAY_MIN
from bot.services.tickets import stages
from bot.services.tickets.workflow import OPEN_STATUSES
from models.ticket import Ticket

#: Overdue notices start this long after the deadline (a deadline is inclusive).
OVERDUE_AFTER_MIN = 1
#: "Nothing more to remind" (closed tickets, tickets without deadlines).
NEVER = datetime(9999, 1, 1, tzinfo=UTC)

KINDS: tuple[str, ...] = ("sign", "contact", "feedback", "complete")
#: Ledger kind of a "remind me in an hour" step: ``<kind>:snz``.
SNOOZE_SUFFIX = ":snz"
_OPEN = frozenset(s.value for s in OPEN_STATUSES)


# --------------------------------------------------------------------------- steps


@dataclass(frozen=True)
class Step:
    kind: str
    lead: int  # minutes before due_at; negative = overdue (-1 - n*1440)
    due_at: datetime
    fire_at: datetime

    @property
    def overdue(self) -> bool:
        return self.lead < 0

    @property
    def overdue_day(self) -> int:
        """0 for the first overdue notice, 1 the next day, …"""
        return (-self.lead - OVERDUE_AFTER_MIN) // DAY_MIN if self.lead < 0 else -1


def _overdue_lead(n: int) -> int:
    return -(OVERDUE_AFTER_MIN + n * DAY_MIN)


def _fire(due: datetime, lead: int) -> datetime:
    return due - timedelta(minutes=lead)


def open_milestones(t: Ticket) -> list[tuple[str, datetime]]:
    """The deadlines a ticket still has to meet, as (kind, deadline): the stages that
    `bot.services.tickets.stages` says are pending, so reminders agree with the card."""
    return [(stage.value, due) for stage, due in stages.pending(t)]


def current_step(kind: str, due: datetime, now: datetime, leads: Sequence[int]) -> Step | None:
    """The latest step of this deadline whose time has come (None: nothing yet)."""
    first_overdue = _fire(due, _overdue_lead(0))
    if now >= first_overdue:
        n = int((now - first_overdue) // timedelta(days=1))
        lead = _overdue_lead(n)
        return Step(kind, lead, due, _fire(due, lead))
    for lead in sorted(leads):  # smallest lead = latest fire time first
        if _fire(due, lead) <= now:
            return Step(kind, lead, due, _fire(due, lead))
    return None


def next_fire(due: datetime, now: datetime, leads: Sequence[int]) -> datetime:
    """The first step time of this deadline strictly after ``now``."""
    for lead in sorted(leads, reverse=True):
        fire = _fire(due, lead)
        if fire > now:
            return fire
    first_overdue = _fire(due, _overdue_lead(0))
    if first_overdue > now:
        return first_overdue
    n = int((now - first_overdue) // timedelta(days=1)) + 1
    return _fire(due, _overdue_lead(n))
