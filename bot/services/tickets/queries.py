"""Reading tickets: one by number or id, its history, and the paged lists staff open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.services.tickets.search import TicketSearchIndex
from bot.services.tickets.stages import first_overdue_deadline, overdue_condition
from bot.services.tickets.workflow import OPEN_STATUSES, Status
from models.db import session_scope
from models.ticket import Ticket, TicketEvent

Page = tuple[int, list[Ticket]]  # (how many in all, this page)


def open_statuses() -> list[str]:
    return [s.value for s in OPEN_STATUSES]


def by_number(s: Session, platform_no: str) -> Ticket | None:
    return s.exec(select(Ticket).where(Ticket.platform_no == platform_no)).first()


class TicketQueries:
    def __init__(self, engine: Engine, clock: Clock, search: TicketSearchIndex) -> None:
        self.engine, self.clock, self.search = engine, clock, search

    def get(self, platform_no: str) -> Ticket | None:
        with session_scope(self.engine) as s:
            return by_number(s, platform_no.strip())

    def get_by_id(self, ticket_id: int) -> Ticket | None:
        with session_scope(self.engine) as s:
            return s.get(Ticket, ticket_id)

    def events(self, ticket_id: int, *, limit: int = 5) -> list[TicketEvent]:
        """The last `limit` events, oldest first."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
                          .order_by(col(TicketEvent.id).desc()).limit(limit)).all()
        return list(reversed(rows))

    def mine(self, handler_id: int, *, offset: int = 0, limit: int = 10) -> Page:
        cond = [Ticket.handler_id == handler_id, col(Ticket.status).in_(open_statuses())]
        return self._page(cond, offset, limit)

    def top_units(self, *, limit: int = 8, days: int = 90) -> list[str]:
        """The units most tickets went to lately (offered as buttons when logging)."""
        since = self.clock.now() - timedelta(days=days)
        with session_scope(self.engine) as s:
            rows = s.exec(select(Ticket.unit, func.count()).where(Ticket.received_at >= since)
                          .group_by(Ticket.unit).order_by(func.count().desc()).limit(limit)).all()
        return [unit for unit, _ in rows]

    def open_counts(self) -> dict[str, int]:
        """Open tickets per status, in workflow order (statuses with none left out)."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(Ticket.status, func.count()).where(
                col(Ticket.status).in_(open_statuses())).group_by(Ticket.status)).all()
        counts = dict(rows)
        return {st.value: counts.get(st.value, 0) for st in Status if st.value in counts}

    def open_list(self, *, offset: int = 0, limit: int = 10) -> Page:
        return self._page([col(Ticket.status).in_(open_statuses())], offset, limit)

    def overdue(self, *, offset: int = 0, limit: int = 10) -> Page:
        """Open tickets late at any stage (签收, 联系, 首次反馈, 办结), the most overdue first."""
        now = self.clock.now()
        return self._page([overdue_condition(now)], offset, limit,
                          order=first_overdue_deadline(now).asc())

    def find(self, words: str, *, offset: int = 0, limit: int = 10) -> Page:
        """Tickets containing every word (newest first); typos fall back to fuzzy matching."""
        ids, _fuzzy = self.search.search(words)
        page = ids[offset:offset + limit]
        if not page:
            return len(ids), []
        with session_scope(self.engine) as s:
            rows = {t.id: t for t in s.exec(select(Ticket).where(col(Ticket.id).in_(page)))}
        return len(ids), [rows[i] for i in page if i in rows]

    def _page(self, cond: list[Any], offset: int, limit: int, order: Any = None) -> Page:
        with session_scope(self.engine) as s:
            total = s.exec(select(func.count()).select_from(Ticket).where(*cond)).one()
            q = select(Ticket).where(*cond).order_by(
                order if order is not None else col(Ticket.received_at).desc()
            ).offset(offset).limit(limit)
            return int(total), list(s.exec(q).all())
