"""Inline keyboards. Callback data is short, prefixed and versioned (`t1:sg:42`), written by
the codec (`bot/callbackdata`)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbackdata.codec import encode
from bot.callbackdata.kinds import CONFIRM_CLOSE, HISTORY, REFRESH, PagePress, TicketPress
from bot.services.tickets.workflow import Action, allowed_actions
from bot.texts import alerts as alert_texts
from bot.texts import common as common_texts
from bot.texts import tickets as ticket_texts

# action → short code used in callback data
ACTION_CODES: dict[Action, str] = {
    Action.sign: "sg",
    Action.contact: "ct",
    Action.dispatch: "dp",
    Action.feedback: "fb",
    Action.callback: "cb",
    Action.close: "cl",
    Action.supervise: "sv",
    Action.give_back: "rt",
    Action.extend: "ex",
}
CODE_ACTIONS = {v: k for k, v in ACTION_CODES.items()}


def _ticket(code: str, ticket_id: int) -> str:
    return encode(TicketPress(code, ticket_id))


def ticket_actions(
    ticket_id: int, status: str, *, with_history: bool = True
) -> InlineKeyboardMarkup:
    """Buttons for exactly the actions allowed from this status, three to a row."""
    buttons = [
        InlineKeyboardButton(ticket_texts.ACTION_BUTTONS[a],
                             callback_data=_ticket(ACTION_CODES[a], ticket_id))
        for a in allowed_actions(status)
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    extra = [InlineKeyboardButton(ticket_texts.BTN_REFRESH,
                                  callback_data=_ticket(REFRESH, ticket_id))]
    if with_history:
        extra.append(InlineKeyboardButton(ticket_texts.BTN_HISTORY,
                                          callback_data=_ticket(HISTORY, ticket_id)))
    rows.append(extra)
    return InlineKeyboardMarkup(rows)


def with_alert_buttons(markup: InlineKeyboardMarkup, alert_id: int) -> InlineKeyboardMarkup:
    """A card's buttons with 收到/暂缓 of the ticket's waiting alert on top (for people who
    may press them)."""
    rows = [[InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in alert_texts.alert_buttons(alert_id, loose=True)]
    return InlineKeyboardMarkup(rows + [list(row) for row in markup.inline_keyboard])


def confirm_close(ticket_id: int) -> InlineKeyboardMarkup:
    """确认办结, or 取消 (which just shows the card's buttons again)."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(ticket_texts.BTN_CONFIRM_CLOSE,
                             callback_data=_ticket(CONFIRM_CLOSE, ticket_id)),
        InlineKeyboardButton(common_texts.BTN_CANCEL, callback_data=_ticket(REFRESH, ticket_id)),
    ]])


def choices(
    prefix: str,
    options: list[str],
    *,
    per_row: int = 3,
    extra: list[tuple[str, str]] | None = None,
) -> InlineKeyboardMarkup:
    """Buttons for a closed choice; data is `<prefix>:<index>` so it stays under 64 bytes."""
    buttons = [
        InlineKeyboardButton(o, callback_data=f"{prefix}:{i}") for i, o in enumerate(options)
    ]
    rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    if extra:
        rows.append([InlineKeyboardButton(label, callback_data=data) for label, data in extra])
    return InlineKeyboardMarkup(rows)


def multi_select(
    prefix: str, options: list[str], chosen: set[int], *, confirm: str, per_row: int = 2
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(("✅ " if i in chosen else "") + o, callback_data=f"{prefix}:{i}")
        for i, o in enumerate(options)
    ]
    rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    rows.append(
        [
            InlineKeyboardButton(confirm, callback_data=f"{prefix}:ok"),
            InlineKeyboardButton(common_texts.BTN_CANCEL, callback_data=f"{prefix}:no"),
        ]
    )
    return InlineKeyboardMarkup(rows)


def pager(kind: str, page: int, pages: int, arg: str = "") -> InlineKeyboardMarkup | None:
    """Previous/next buttons for list commands; `arg` carries e.g. the /find words' key."""
    if pages <= 1:
        return None
    row = []
    if page > 1:
        row.append(InlineKeyboardButton(common_texts.BTN_PREVIOUS,
                                        callback_data=encode(PagePress(kind, page - 1, arg))))
    if page < pages:
        row.append(InlineKeyboardButton(common_texts.BTN_NEXT,
                                        callback_data=encode(PagePress(kind, page + 1, arg))))
    return InlineKeyboardMarkup([row])
