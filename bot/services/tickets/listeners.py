"""Who is told when a ticket is logged or re-marked 紧急/涉稳/重点.

The composition root passes the listeners (the alert service's `raise_for_ticket`) to
`TicketService`; a failing listener is logged and never loses the ticket itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from models.ticket import Ticket

log = logging.getLogger(__name__)

# Told when a ticket is logged or re-marked 紧急/涉稳/重点: (ticket, actor id, note).
UrgentListener = Callable[[Ticket, int, str], None]


class UrgentListeners:
    def __init__(self, listeners: Sequence[UrgentListener]) -> None:
        self.listeners = tuple(listeners)

    def tell(self, t: Ticket, actor_id: int, note: str) -> None:
        for listener in self.listeners:
            try:
                listener(t, actor_id, note)
            except Exception:  # an alert problem must never lose the ticket itself
                log.exception("urgent hook failed for ticket %s", t.id)
