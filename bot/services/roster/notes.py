"""What the roster tells people on its own, as notes the courier renders per audience.

Each note is a snapshot: it carries everything its text needs (the slot with its team, the
swap with both names, the tickets with their content and the citizen's name and phone) so
it can be rendered later, after a restart, for whoever reads the chat it goes to. The
daily post and the handover hold the unmasked content; ``bot.texts.daily`` masks it for
groups. The value types inside (``Slot``, ``SwapView``…) are the roster's frozen dataclasses,
which pydantic stores as JSON and reads back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.services.outbox.notes import Note
from bot.services.roster.model import Slot, SwapView
from bot.services.roster.shifts import DayClass, ShiftInstance


@dataclass(frozen=True)
class TicketLine:
    """One ticket in a list of the daily post or the handover."""

    platform_no: str
    urgency: str
    status: str
    unit: str
    category: str
    at: datetime | None  # the deadline or time the line is about
    content: str  # the start of the content, unmasked (texts mask it for groups)
    citizen_name: str
    phone: str


@dataclass(frozen=True)
class AlertSummary:
    raised: int
    acknowledged: int
    unacknowledged: int
    escalated: int


class DailyPost(Note):
    """值班日报 for ``day`` as of ``as_of``: today's teams, yesterday's intake, open issues."""

    kind = "roster.daily"

    day: date
    as_of: datetime
    slots: list[Slot]
    intake_total: int
    by_type: dict[str, int]
    by_urgency: dict[str, int]
    dispatched: int
    closed: int
    overdue_total: int
    overdue: list[TicketLine]
    urgent_total: int
    urgent: list[TicketLine]  # urgent tickets logged yesterday
    alerts: AlertSummary | None
    due_today_total: int
    due_today: list[TicketLine]
    overnight_total: int
    overnight: list[TicketLine]
    overnight_left: int | None  # the reminders feature's count left overnight (at midnight)


class HandoverPost(Note):
    """交接班 to the ``incoming`` shift: open work, what falls due, unacknowledged alerts and
    the outgoing shift's notes."""

    kind = "roster.handover"

    as_of: datetime
    incoming: Slot
    outgoing: Slot | None
    open_counts: dict[str, int]  # status → count, in workflow order
    open_total: int
    inherited: list[TicketLine]
    due_total: int
    due: list[TicketLine]
    unacked: list[tuple[str, str]]  # (platform number, urgency)
    unacked_source: str  # "alerts" or "tickets"
    notes: list[tuple[str, str]]  # (author, note)


class RosterGaps(Note):
    """To the managers: tomorrow's shifts with nobody on them."""

    kind = "roster.gaps"

    day: date
    now: datetime
    gaps: list[ShiftInstance]
    day_class: DayClass


class RosterChanged(Note):
    """To a person a manager put on (``added``) or took off a shift."""

    kind = "roster.changed"

    slot: Slot
    added: bool
    now: datetime


class SwapOffered(Note):
    """To the duty group: a shift needs someone to take it (with the 接班 button)."""

    kind = "roster.swap_offered"

    swap: SwapView
    now: datetime


class SwapAsk(Note):
    """To each manager: approve or reject a taken swap (with the buttons)."""

    kind = "roster.swap_ask"

    swap: SwapView
    now: datetime


class SwapDecided(Note):
    """The group's offer, edited: approved or rejected."""

    kind = "roster.swap_decided"

    swap: SwapView
    now: datetime
    approved: bool


class SwapApproved(Note):
    """To the offerer or (``taker``) the taker: the swap went through."""

    kind = "roster.swap_approved"

    swap: SwapView
    now: datetime
    taker: bool


class SwapRejected(Note):
    """To the offerer and the taker: the shift stays with the offerer."""

    kind = "roster.swap_rejected"

    swap: SwapView
    now: datetime


class SwapExpired(Note):
    """The group's offer, edited (or, ``to_offerer``, the offerer told): nobody completed it
    in time."""

    kind = "roster.swap_expired"

    swap: SwapView
    to_offerer: bool
