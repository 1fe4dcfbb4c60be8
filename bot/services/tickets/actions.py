"""Changing a ticket: the workflow actions, 复杂疑难 and the urgency.

Each change is one transaction that checks what it needs (refusing with a `TicketError`
and changing nothing), updates the ticket and writes one history event: the person's note
in `note`, what the change carried in `detail` (`bot.services.tickets.history`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.services.calendar.work import WorkCalendar
from bot.services.tickets import workflow
from bot.services.tickets.deadlines import DeadlinePolicy
from bot.services.tickets.errors import Refusal, TicketError
from bot.services.tickets.feedback import missing_feedback_parts
from bot.services.tickets.history import (
    CalledBack,
    Dispatched,
    EventDetail,
    Extended,
    Reclassified,
    UrgencyChanged,
    dump_detail,
)
from bot.services.tickets.indexes import TicketIndexes
from bot.services.tickets.listeners import UrgentChange, UrgentListeners, all_or_nothing
from bot.services.tickets.vocabulary import (
    ALERT_URGENCIES,
    SATISFACTION,
    EventName,
)
from bot.services.tickets.workflow import OPEN_STATUSES, Action
from models.db import session_scope
from models.ticket import Ticket, TicketEvent


@dataclass
class ActionInput:
    """What an action carries besides the ticket: a note, units, callback results, a date."""

    note: str = ""
    units: list[str] = field(default_factory=list)
    copied_to: list[str] = field(default_factory=list)
    solved: bool | None = None
    satisfaction: str | None = None
    reached: bool = True
    recording: str = ""
    new_deadline: datetime | None = None


class TicketActions:
    def __init__(self, engine: Engine, clock: Clock, policy: DeadlinePolicy,
                 calendar: WorkCalendar, *, indexes: TicketIndexes,
                 urgent: UrgentListeners) -> None:
        self.engine, self.clock, self.policy, self.calendar = engine, clock, policy, calendar
        self.indexes, self.urgent = indexes, urgent

    def apply(self, *, ticket_id: int, action: Action, actor_id: int,
              data: ActionInput | None = None) -> Ticket:
        """Apply one workflow action, or raise TicketError with the reason it is refused."""
        data = data or ActionInput()
        now = self.clock.now()
        with session_scope(self.engine) as s:
            t = s.get(Ticket, ticket_id, with_for_update=True)
            if t is None:
                raise TicketError(Refusal.not_found)
            refused = workflow.check(t.status, action)
            if refused is not None:
                raise refused
            before = t.status
            detail = _FIELDS[action](t, data, now)
            t.status = workflow.target(before, action).value
            t.updated_at = now
            t.next_reminder_at = None  # reminders re-plan from the new state (next scan)
            if action in (Action.sign, Action.dispatch) and t.handler_id is None:
                t.handler_id = actor_id
            s.add(t)
            s.add(TicketEvent(ticket_id=t.id, at=now, actor_id=actor_id, action=action.value,
                              from_status=before, to_status=t.status, note=data.note[:2000],
                              detail=dump_detail(detail)))
        if action is Action.dispatch:
            self.indexes.reindex(t)
        return t

    def set_complex(self, *, ticket_id: int, actor_id: int, complex_case: bool = True) -> Ticket:
        """Mark (or unmark) a ticket 复杂疑难: its deadlines are re-counted with that policy
        row from the time it was received; an extended or platform ``complete_by`` stays."""
        now = self.clock.now()
        with session_scope(self.engine) as s:
            t = s.get(Ticket, ticket_id, with_for_update=True)
            if t is None:
                raise TicketError(Refusal.not_found)
            if t.complex_case == complex_case:
                raise TicketError(Refusal.already_complex if complex_case
                                  else Refusal.not_complex)
            if t.status not in OPEN_STATUSES:
                raise TicketError(Refusal.reclass_closed, status=t.status)
            dl = self.policy.compute(received_at=t.received_at, urgency=t.urgency,
                                     request_type=t.request_type, calendar=self.calendar,
                                     complex_case=complex_case,
                                     platform_deadline=t.platform_deadline)
            old = t.complete_by
            t.complex_case, t.policy_class = complex_case, dl.policy_class
            t.sign_by, t.contact_by = dl.sign_by, dl.contact_by
            t.first_feedback_by = dl.first_feedback_by
            if t.extension_count == 0:
                t.complete_by = dl.complete_by
            t.deadlines_provisional = dl.provisional
            t.updated_at, t.next_reminder_at = now, None
            s.add(t)
            name = EventName.complex if complex_case else EventName.not_complex
            detail = Reclassified(policy_class=dl.policy_class, old=old, new=t.complete_by)
            s.add(TicketEvent(ticket_id=t.id, at=now, actor_id=actor_id, action=name.value,
                              from_status=t.status, to_status=t.status,
                              detail=dump_detail(detail)))
        return t

    def set_urgency(self, *, ticket_id: int, urgency: str, actor_id: int,
                    note: str = "") -> Ticket:
        """Re-mark a ticket's urgency; marking it 紧急/涉稳/重点 raises an alert (with `note`)
        in the same transaction: if the alert cannot be stored, the urgency stays as it was
        (`Refusal.urgent_not_saved`)."""
        now = self.clock.now()
        change = UrgentChange("", urgency, remark=True) if urgency in ALERT_URGENCIES \
            else None
        with all_or_nothing(change):
            with session_scope(self.engine) as s:
                t = s.get(Ticket, ticket_id, with_for_update=True)
                if t is None:
                    raise TicketError(Refusal.not_found)
                if t.urgency == urgency:
                    raise TicketError(Refusal.same_urgency, urgency=urgency)
                if change is not None:
                    change.platform_no = t.platform_no
                detail = UrgencyChanged(old=t.urgency, new=urgency)
                t.urgency, t.updated_at = urgency, now
                s.add(t)
                s.add(TicketEvent(ticket_id=t.id, at=now, actor_id=actor_id,
                                  action=EventName.urgency.value, from_status=t.status,
                                  to_status=t.status, detail=dump_detail(detail)))
                if change is not None:
                    self.urgent.tell(s, t, actor_id, note)
        return t


# ---------------------------------------------------------------- what each action sets
# Each checks its input (raising TicketError before anything is changed), sets the ticket's
# fields and returns what the history event should record beside the note.

Fields = Callable[[Ticket, ActionInput, datetime], EventDetail | None]


def _sign(t: Ticket, d: ActionInput, now: datetime) -> None:
    t.signed_at = now


def _contact(t: Ticket, d: ActionInput, now: datetime) -> None:
    t.contacted_at = t.contacted_at or now


def _dispatch(t: Ticket, d: ActionInput, now: datetime) -> EventDetail:
    if not d.units:
        raise TicketError(Refusal.no_units)
    t.dispatched_units = "、".join(d.units)[:512]
    t.copied_to = "、".join(d.copied_to)[:512]
    t.dispatched_at = now
    t.unit = d.units[0]
    return Dispatched(units=d.units, copied_to=d.copied_to)


def _feedback(t: Ticket, d: ActionInput, now: datetime) -> None:
    missing = missing_feedback_parts(d.note)
    if missing:
        raise TicketError(Refusal.feedback_incomplete, missing=missing)
    t.feedback_at = now


def _callback(t: Ticket, d: ActionInput, now: datetime) -> EventDetail:
    if d.reached and (d.solved is None or d.satisfaction not in SATISFACTION):
        raise TicketError(Refusal.callback_incomplete)
    t.callback_at, t.callback_reached = now, d.reached
    t.solved, t.satisfaction = (d.solved, d.satisfaction) if d.reached else (None, None)
    t.contacted_at = t.contacted_at or now
    return CalledBack(reached=d.reached, solved=t.solved, satisfaction=t.satisfaction,
                      recording=d.recording)


def _close(t: Ticket, d: ActionInput, now: datetime) -> None:
    t.closed_at = now


def _with_reason(t: Ticket, d: ActionInput, now: datetime) -> None:
    if not d.note.strip():
        raise TicketError(Refusal.reason_required)


def _supervise(t: Ticket, d: ActionInput, now: datetime) -> None:
    _with_reason(t, d, now)
    t.supervise_count += 1


def _extend(t: Ticket, d: ActionInput, now: datetime) -> EventDetail:
    if d.new_deadline is None or not d.note.strip():
        raise TicketError(Refusal.extend_incomplete)
    if d.new_deadline <= now or (t.complete_by and d.new_deadline <= t.complete_by):
        raise TicketError(Refusal.extend_not_later)
    old = t.complete_by
    t.complete_by = d.new_deadline
    t.extension_count += 1
    return Extended(old=old, new=d.new_deadline)


_FIELDS: dict[Action, Fields] = {
    Action.sign: _sign,
    Action.contact: _contact,
    Action.dispatch: _dispatch,
    Action.feedback: _feedback,
    Action.callback: _callback,
    Action.close: _close,
    Action.supervise: _supervise,
    Action.give_back: _with_reason,
    Action.extend: _extend,
}
