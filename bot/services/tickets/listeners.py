"""Who is told when a ticket is logged or re-marked 紧急/涉稳/重点.

The composition root passes the listeners (the alert service's `raise_for_ticket`) to
`TicketService`. A listener runs INSIDE the ticket's transaction and gets its open session:
what it writes (the alert and its first deliveries) commits with the ticket, and if it
raises, the ticket is not logged (or not re-marked) either. An urgent ticket is never stored
without its alert; the caller is told instead (`Refusal.urgent_not_saved`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlmodel import Session

from bot.services.tickets.errors import Refusal, TicketError
from models.ticket import Ticket

log = logging.getLogger(__name__)

# Told inside the ticket's transaction: (session, ticket, actor id, note).
UrgentListener = Callable[[Session, Ticket, int, str], None]


class UrgentListeners:
    def __init__(self, listeners: Sequence[UrgentListener]) -> None:
        self.listeners = tuple(listeners)

    def tell(self, s: Session, t: Ticket, actor_id: int, note: str) -> None:
        """Tell every listener in the ticket's transaction; a failure propagates (and rolls
        the ticket back) — it must never leave an urgent ticket without its alert."""
        for listener in self.listeners:
            listener(s, t, actor_id, note)


@dataclass
class UrgentChange:
    """What an urgent change is about, for the refusal if it fails (the ticket number is
    filled in once the transaction has read the ticket)."""

    platform_no: str
    urgency: str
    remark: bool  # re-marking an existing ticket (False: logging a new one)


@contextmanager
def all_or_nothing(change: UrgentChange | None) -> Iterator[None]:
    """Wrap an urgent change's whole transaction, commit included: any failure other than a
    refusal (a locked database, a failing listener) means nothing was stored, and becomes
    `Refusal.urgent_not_saved` so the person is told the ticket was NOT logged / re-marked.
    A change that is not urgent (``None``) lets errors through as before."""
    try:
        yield
    except TicketError:
        raise
    except Exception as exc:
        if change is None:
            raise
        log.error("urgent ticket %s not %s: its alert could not be stored with it",
                  change.platform_no, "re-marked" if change.remark else "logged",
                  exc_info=True)
        raise TicketError(Refusal.urgent_not_saved, platform_no=change.platform_no,
                          urgency=change.urgency, remark=change.remark) from exc
