"""The deadline stages of a ticket and the one rule for "overdue at stage X".

A ticket has up to four deadlines: 签收 (``sign_by``, while it waits to be signed), 联系
(``contact_by``, until the citizen is contacted), 首次反馈 (``first_feedback_by``, until the
unit's feedback is in) and 办结 (``complete_by``, while it is open). A stage is *pending*
while the ticket is open and that step is not done; it is *overdue* once the clock is past
its deadline (a deadline is inclusive). The card, every ticket list (/overdue, /mine, /open),
the reminders and the due-today digest all ask this module, in Python (``pending``,
``overdue``) or in SQL (``overdue_condition``), so they cannot disagree.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, or_, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from bot.services.tickets.workflow import OPEN_STATUSES, Status
from models.ticket import Ticket

_OPEN = frozenset(s.value for s in OPEN_STATUSES)


class Stage(enum.StrEnum):
    """The deadline stages, in the order a ticket meets them (values are the reminder kinds)."""

    sign = "sign"
    contact = "contact"
    feedback = "feedback"
    complete = "complete"


@dataclass(frozen=True)
class _Rule:
    stage: Stage
    deadline: Any  # the Ticket column holding the deadline
    # whether the step is still to do, in Python and in SQL (beside "the ticket is open")
    todo: Callable[[Ticket], bool]
    todo_sql: Callable[[], ColumnElement[bool]]

    def due(self, t: Ticket) -> datetime | None:
        return getattr(t, self.deadline.key)


_RULES: tuple[_Rule, ...] = (
    _Rule(Stage.sign, Ticket.sign_by, lambda t: t.status == Status.new.value,
          lambda: Ticket.status == Status.new.value),
    _Rule(Stage.contact, Ticket.contact_by, lambda t: t.contacted_at is None,
          lambda: col(Ticket.contacted_at).is_(None)),
    _Rule(Stage.feedback, Ticket.first_feedback_by, lambda t: t.feedback_at is None,
          lambda: col(Ticket.feedback_at).is_(None)),
    _Rule(Stage.complete, Ticket.complete_by, lambda t: True, true),
)


def is_past(due: datetime, now: datetime) -> bool:
    """A deadline is inclusive: overdue only once the clock is past it."""
    return now > due


def pending(t: Ticket) -> list[tuple[Stage, datetime]]:
    """The deadlines the ticket still has to meet, in stage order."""
    if t.status not in _OPEN:
        return []
    out = []
    for rule in _RULES:
        due = rule.due(t)
        if due is not None and rule.todo(t):
            out.append((rule.stage, due))
    return out


def overdue(t: Ticket, now: datetime) -> list[tuple[Stage, datetime]]:
    """The pending stages whose deadline has passed, in stage order."""
    return [(stage, due) for stage, due in pending(t) if is_past(due, now)]


def next_due(t: Ticket) -> tuple[Stage, datetime] | None:
    """The pending stage that falls due first (None: no deadline left)."""
    return min(pending(t), key=lambda x: x[1], default=None)


def _overdue_at(rule: _Rule, now: datetime) -> ColumnElement[bool]:
    column = col(rule.deadline)
    return and_(column.is_not(None), rule.todo_sql(), column < now)


def overdue_condition(now: datetime) -> ColumnElement[bool]:
    """SQL: the ticket is open and at least one stage is overdue (as ``overdue``)."""
    return and_(col(Ticket.status).in_(sorted(_OPEN)),
                or_(*(_overdue_at(rule, now) for rule in _RULES)))


def first_overdue_deadline(now: datetime) -> ColumnElement[Any]:
    """SQL: the deadline of the first overdue stage, to list the most overdue first."""
    return case(*((_overdue_at(rule, now), col(rule.deadline)) for rule in _RULES),
                else_=col(Ticket.complete_by))
