"""Refusals of alert operations, as data: ``bot.texts.alerts.error`` words them.

One small class per case, each carrying what its message needs, so a handler can catch
:class:`AlertError` and render whichever case it was.
"""

from __future__ import annotations

from datetime import datetime


class AlertError(ValueError):
    """A refused alert operation (nothing was changed)."""


class AlertGone(AlertError):
    """The alert behind a button does not exist (any more)."""


class AlertEnded(AlertError):
    """The alert is closed or expired without anybody's 收到."""


class AlreadyAcked(AlertError):
    """Somebody pressed 收到 already."""

    def __init__(self, *, name: str, at: datetime, now: datetime) -> None:
        super().__init__(f"acknowledged by {name}")
        self.name, self.at, self.now = name, at, now


class TicketNotFound(AlertError):
    def __init__(self, platform_no: str) -> None:
        super().__init__(f"no ticket {platform_no!r}")
        self.platform_no = platform_no


class TicketEnded(AlertError):
    """/urgent on a ticket that is closed or returned."""

    def __init__(self, platform_no: str, status: str) -> None:
        super().__init__(f"ticket {platform_no!r} is {status!r}")
        self.platform_no, self.status = platform_no, status


class RaiseFailed(AlertError):
    """/urgent could not store the alert (e.g. the database was locked). Nothing changed:
    with ``remark`` the ticket was NOT re-marked (its urgency and its alert go together)."""

    def __init__(self, platform_no: str, *, urgency: str, remark: bool) -> None:
        super().__init__(f"no alert for ticket {platform_no!r}")
        self.platform_no, self.urgency, self.remark = platform_no, urgency, remark


class SectionUnknown(AlertError):
    """/setsection with something that is not one of the commission's sections."""

    def __init__(self, text: str, options: list[str]) -> None:
        super().__init__(f"unknown section {text!r}")
        self.text, self.options = text, options


class MemberNotFound(AlertError):
    def __init__(self, telegram_id: int) -> None:
        super().__init__(f"no staff member {telegram_id}")
        self.telegram_id = telegram_id


class LinkInvalid(AlertError):
    """`/start ack_<token>` with a token that was never issued (mistyped, or cut off)."""


class LinkNotYours(AlertError):
    """A personal deep link (an SMS, a call, an e-mail to one person) opened by someone
    else."""


class NotARecipient(AlertError):
    """收到/暂缓 from someone the alert was not sent to (e.g. a forged button)."""
