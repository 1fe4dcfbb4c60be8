"""The in-memory indexes over recent tickets: /find's text index and the similarity index.

Filled from the database at start (`load_recent`) and kept current as tickets are logged and
dispatched; both are bounded by a window of days so memory stays small.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.clock import Clock
from bot.services.tickets.search import TicketSearchIndex, search_text
from bot.services.tickets.similar import SimilarityIndex
from models.db import session_scope
from models.ticket import Ticket

#: Tickets /find can reach.
FIND_WINDOW_DAYS = 730
#: Tickets a new one is compared with (多人反映同一问题).
SIMILAR_WINDOW_DAYS = 30


class TicketIndexes:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine, self.clock = engine, clock
        self.similar = SimilarityIndex()
        self.search = TicketSearchIndex()

    def load_recent(self) -> int:
        """Fill both indexes from the database (at start); the number of tickets read."""
        now = self.clock.now()
        since = now - timedelta(days=FIND_WINDOW_DAYS)
        similar_since = now - timedelta(days=SIMILAR_WINDOW_DAYS)
        with session_scope(self.engine) as s:
            rows = s.exec(select(Ticket.id, Ticket.platform_no, Ticket.received_at,
                                 Ticket.citizen_name, Ticket.phone, Ticket.unit,
                                 Ticket.dispatched_units, Ticket.address, Ticket.content)
                          .where(Ticket.received_at >= since)).all()
        self.search.load((r[0], r[2], search_text(*r[1:2], *r[3:])) for r in rows)
        for tid, no, at, *_rest, content in rows:
            if at >= similar_since:
                self.similar.add(tid, no, at, content)
        return len(rows)

    def add(self, t: Ticket) -> None:
        """A ticket just logged."""
        assert t.id is not None
        self.similar.add(t.id, t.platform_no, t.received_at, t.content)
        self.reindex(t)

    def reindex(self, t: Ticket) -> None:
        """A ticket whose searchable text changed (dispatched to other units)."""
        assert t.id is not None
        self.search.put(t.id, search_text(t.platform_no, t.citizen_name, t.phone, t.unit,
                                          t.dispatched_units, t.address, t.content))
