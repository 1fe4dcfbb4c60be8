"""Every kind of button data the bot writes and reads (see `bot/callbackdata/__init__.py`).

One block per feature. A kind's only reader is its handler, through `codec.parse`; the
writers call `codec.encode`, so the format lives here alone.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from bot.callbackdata.codec import (
    INDEX,
    LAYOUTS,
    MAX_BYTES,
    ROW_ID,
    TELEGRAM_ID,
    Day,
    Flag,
    Int,
    Named,
    OneOf,
    Word,
    register,
)

ROLES = ("staff", "leader", "manager")
IGNORE = "no"


class AccessRequest(NamedTuple):
    """`ar1:<role|no>:<telegram id>`: an admin answers an access request."""

    choice: str
    telegram_id: int


register(AccessRequest, ("ar1", OneOf((*ROLES, IGNORE)), TELEGRAM_ID))

LIST_KINDS = ("mine", "open", "overdue", "find")
MAX_PAGE = 100_000


class PagePress(NamedTuple):
    """`pg1:<list>:<page>:<arg>`: turn a page of /mine, /open, /overdue or /find."""

    kind: str
    page: int
    arg: str = ""


register(PagePress, ("pg1", OneOf(LIST_KINDS), Int(1, MAX_PAGE), OneOf(("", "f"))))

# the ticket actions' short codes (handlers/keyboards.py), 确认办结, 刷新 and 记录
ACTION_CODES = ("sg", "ct", "dp", "fb", "cb", "cl", "sv", "rt", "ex")
CONFIRM_CLOSE, REFRESH, HISTORY = "cc", "rf", "hi"


class TicketPress(NamedTuple):
    """`t1:<code>:<ticket id>`: a button on a ticket card."""

    code: str
    ticket_id: int


register(TicketPress, ("t1", OneOf((*ACTION_CODES, CONFIRM_CLOSE, REFRESH, HISTORY)), ROW_ID))

OK, NO, SKIP, SAVE = "ok", "no", "skip", "save"


class ActionPick(NamedTuple):
    """`td1:<index|ok|no>`: a choice inside a ticket action's dialogue (units, outcomes)."""

    index: int = -1
    word: str = ""


register(ActionPick, ("td1", INDEX), ("td1", Named("word", OneOf((OK, NO)))))


class NewTicketPick(NamedTuple):
    """`nf1:<index>`: a suggested value while /new asks for a field."""

    index: int


register(NewTicketPick, ("nf1", INDEX))

ACK, SNOOZE = "ack", "snz"
LOOSE = "x"  # the alert buttons sit on a message that is not an alert copy (a /t card)


class AlertPress(NamedTuple):
    """`al1:<ack|snz>:<alert id>[:x]`: 收到 or 暂缓 (ask for a reason)."""

    action: str
    alert_id: int
    loose: bool = False


register(AlertPress, ("al1", OneOf((ACK, SNOOZE)), ROW_ID),
         ("al1", OneOf((ACK, SNOOZE)), ROW_ID, Flag(LOOSE)))


class AlertReason(NamedTuple):
    """`al1:sr:<alert id>:<reason index>`: the reason for 暂缓."""

    alert_id: int
    reason: int


register(AlertReason, ("al1", "sr", ROW_ID, INDEX))


class ReminderDone(NamedTuple):
    """`rm1:done:<ticket id>`: 已处理 on a reminder."""

    ticket_id: int


class ReminderSnooze(NamedTuple):
    """`rm1:snz:<ticket id>:<deadline kind>`: remind me again in an hour."""

    ticket_id: int
    kind: str


register(ReminderDone, ("rm1", "done", ROW_ID))
register(ReminderSnooze, ("rm1", "snz", ROW_ID, Word()))
MAX_SHIFT_ORDER = 99


class SwapPick(NamedTuple):
    """`sw1:pk:<yyyymmdd>:<shift order>`: offer this shift of mine."""

    day: date
    order: int


class SwapPress(NamedTuple):
    """`sw1:<take|ok|no>:<swap id>`: take a colleague's shift; a manager approves/rejects."""

    action: str
    swap_id: int


TAKE = "take"
register(SwapPick, ("sw1", "pk", Day(), Int(0, MAX_SHIFT_ORDER)))
register(SwapPress, ("sw1", OneOf((TAKE, OK, NO)), ROW_ID))


class KbOpen(NamedTuple):
    """`kb1:o:<entry id>[:<query token>]`: show an entry found by a search."""

    entry_id: int
    token: str = ""


class KbGap(NamedTuple):
    """`kb1:gap:<query token>`: record the search as a gap."""

    token: str


class KbDelete(NamedTuple):
    """`kb1:del:<entry id>`: confirm /kb_del."""

    entry_id: int


class KbCancel(NamedTuple):
    """`kb1:x`: cancel /kb_del."""

    word: str = "x"


class KbCloseGap(NamedTuple):
    """`kb1:gc:<gap id>`: close a gap from /kb_gaps."""

    gap_id: int


TOKEN = Word(16)
register(KbOpen, ("kb1", "o", ROW_ID), ("kb1", "o", ROW_ID, TOKEN))
register(KbGap, ("kb1", "gap", TOKEN))
register(KbDelete, ("kb1", "del", ROW_ID))
register(KbCancel, ("kb1", OneOf(("x",))))
register(KbCloseGap, ("kb1", "gc", ROW_ID))


class KbDialogue(NamedTuple):
    """`kbd1:<no|skip|save>`, `kbd1:cat:<index>`, `kbd1:f:<field>`: inside /kb_add, /kb_edit."""

    word: str = ""
    index: int = -1
    field: str = ""


register(KbDialogue, ("kbd1", OneOf((NO, SKIP, SAVE))),
         ("kbd1", "cat", Named("index", INDEX)), ("kbd1", "f", Named("field", Word())))


class StaffField(NamedTuple):
    """`cs1:f:<telegram id>:<field>`: edit one field of a staff register card."""

    telegram_id: int
    field: str


class StaffChoice(NamedTuple):
    """`cs1:v:<telegram id>:<field>:<index|x>`: a value for it (x: clear)."""

    telegram_id: int
    field: str
    index: int = -1  # -1: clear


CLEAR = "x"
register(StaffField, ("cs1", "f", TELEGRAM_ID, Word()))
register(StaffChoice, ("cs1", "v", TELEGRAM_ID, Word(), INDEX),
         ("cs1", "v", TELEGRAM_ID, Word(), CLEAR))


class PolicyPick(NamedTuple):
    """`cp1:<index>`: upload that required policy."""

    index: int


register(PolicyPick, ("cp1", INDEX))


class MistakePress(NamedTuple):
    """`tm1:m:<ticket id>`: 标记失误 on a manager's card."""

    ticket_id: int


class MistakeStage(NamedTuple):
    """`tm1:s:<ticket id>:<stage index>`: the stage the mistake happened at."""

    ticket_id: int
    index: int


class MistakeCancel(NamedTuple):
    """`tm1:x`."""

    word: str = "x"


register(MistakePress, ("tm1", "m", ROW_ID))
register(MistakeStage, ("tm1", "s", ROW_ID, INDEX))
register(MistakeCancel, ("tm1", OneOf(("x",))))


class RecordingSkip(NamedTuple):
    """`tr1:skip`: no recording of the 回访 call now."""

    word: str = SKIP


register(RecordingSkip, ("tr1", OneOf((SKIP,))))


# ----------------------------------------------------------------------------- all kinds
def parse_any(data: str | None) -> tuple[object, ...] | None:
    """The value of whichever kind the data encodes (for the tests)."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    pieces = data.split(":")
    for layout in LAYOUTS:
        value = layout.decode(pieces)
        if value is not None:
            return value
    return None


def prefixes() -> set[str]:
    """Every registered prefix (each has a handler in bot/routes.py)."""
    return {layout.prefix for layout in LAYOUTS}
