"""The 接诉即办 workflow: statuses, actions and which action is allowed from which status.

待签收 → 已签收 → 已派发 → 已反馈 → 已回访 → 已办结, with the side paths 退回 (not this
commission's duty), 延期 (an extension: the status stays, the completion deadline moves) and
督办 (supervision: the unit must handle the case a second time, so it is dispatched again).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.services.tickets.errors import Refusal, TicketError


class Status(enum.StrEnum):
    new = "待签收"
    signed = "已签收"
    dispatched = "已派发"
    feedback = "已反馈"
    called_back = "已回访"
    closed = "已办结"
    returned = "退回"
    supervised = "督办"


OPEN_STATUSES = frozenset(Status) - {Status.closed, Status.returned}


class Action(enum.StrEnum):
    sign = "签收"
    contact = "联系"
    dispatch = "派发"
    feedback = "反馈"
    callback = "回访"
    close = "办结"
    supervise = "督办"
    give_back = "退回"
    extend = "延期"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status | None  # None: the status does not change


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(Action.sign, frozenset({Status.new}), Status.signed),
        Transition(Action.contact, frozenset({Status.signed, Status.dispatched,
                                              Status.supervised}), None),
        Transition(Action.dispatch, frozenset({Status.signed, Status.supervised}),
                   Status.dispatched),
        Transition(Action.feedback, frozenset({Status.dispatched}), Status.feedback),
        Transition(Action.callback, frozenset({Status.feedback}), Status.called_back),
        Transition(Action.close, frozenset({Status.called_back}), Status.closed),
        Transition(Action.supervise, frozenset({Status.feedback, Status.called_back}),
                   Status.supervised),
        Transition(Action.give_back, frozenset({Status.new, Status.signed}), Status.returned),
        Transition(Action.extend, frozenset({Status.signed, Status.dispatched,
                                             Status.supervised}), None),
    )
}


def allowed_actions(status: Status | str) -> list[Action]:
    """The actions allowed from a status, in the order the buttons show them."""
    s = Status(status)
    return [a for a, t in TRANSITIONS.items() if s in t.sources and a is not Action.contact] + (
        [Action.contact] if s in TRANSITIONS[Action.contact].sources else []
    )


def check(status: Status | str, action: Action) -> TicketError | None:
    """None when the action is allowed from this status, else the refusal to raise or show."""
    s = Status(status)
    if s in TRANSITIONS[action].sources:
        return None
    return TicketError(Refusal.not_allowed, status=s, action=action)


def target(status: Status | str, action: Action) -> Status:
    t = TRANSITIONS[action].target
    return Status(status) if t is None else t
