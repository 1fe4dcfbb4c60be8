"""Tickets: one service object over the collaborators that do the work.

* `TicketIndexes` — the in-memory /find and similarity indexes, filled at start;
* `TicketIntake` — logging a ticket (deadlines, warnings, the urgent listeners);
* `TicketActions` — the workflow actions, 复杂疑难 and re-marking the urgency;
* `TicketQueries` — one ticket, its history and the paged lists.

Handlers and the other features hold the `TicketService`; each method says which
collaborator answers. Nothing here knows Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.services.calendar.work import WorkCalendar
from bot.services.tickets.actions import ActionInput, TicketActions
from bot.services.tickets.deadlines import DeadlinePolicy
from bot.services.tickets.fields import ParsedTicket
from bot.services.tickets.indexes import TicketIndexes
from bot.services.tickets.intake import Created, TicketIntake
from bot.services.tickets.listeners import UrgentListener, UrgentListeners
from bot.services.tickets.queries import Page, TicketQueries
from bot.services.tickets.repeats import WarningFinder
from bot.services.tickets.workflow import Action
from models.ticket import Ticket, TicketEvent


class TicketService:
    def __init__(self, engine: Engine, clock: Clock, policy: DeadlinePolicy,
                 calendar: WorkCalendar, *, on_urgent: Sequence[UrgentListener] = ()) -> None:
        self.engine, self.clock, self.policy, self.calendar = engine, clock, policy, calendar
        self.indexes = TicketIndexes(engine, clock)
        urgent = UrgentListeners(on_urgent)
        self.intake = TicketIntake(engine, clock, policy, calendar, indexes=self.indexes,
                                   warnings=WarningFinder(self.indexes.similar), urgent=urgent)
        self.actions = TicketActions(engine, clock, policy, calendar, indexes=self.indexes,
                                     urgent=urgent)
        self.queries = TicketQueries(engine, clock, self.indexes.search)

    def load_recent(self) -> int:
        """Fill the in-memory indexes from the database (at start)."""
        return self.indexes.load_recent()

    # -------------------------------------------------------------------- changes
    def create(self, *, data: ParsedTicket, actor_id: int, complex_case: bool = False,
               answered_on_spot: bool = False) -> Created:
        return self.intake.create(data=data, actor_id=actor_id, complex_case=complex_case,
                                  answered_on_spot=answered_on_spot)

    def apply(self, *, ticket_id: int, action: Action, actor_id: int,
              data: ActionInput | None = None) -> Ticket:
        return self.actions.apply(ticket_id=ticket_id, action=action, actor_id=actor_id,
                                  data=data)

    def set_complex(self, *, ticket_id: int, actor_id: int, complex_case: bool = True) -> Ticket:
        return self.actions.set_complex(ticket_id=ticket_id, actor_id=actor_id,
                                        complex_case=complex_case)

    def set_urgency(self, *, ticket_id: int, urgency: str, actor_id: int,
                    note: str = "") -> Ticket:
        return self.actions.set_urgency(ticket_id=ticket_id, urgency=urgency,
                                        actor_id=actor_id, note=note)

    # -------------------------------------------------------------------- reads
    def get(self, platform_no: str) -> Ticket | None:
        return self.queries.get(platform_no)

    def get_by_id(self, ticket_id: int) -> Ticket | None:
        return self.queries.get_by_id(ticket_id)

    def events(self, ticket_id: int, *, limit: int = 5) -> list[TicketEvent]:
        return self.queries.events(ticket_id, limit=limit)

    def mine(self, handler_id: int, *, offset: int = 0, limit: int = 10) -> Page:
        return self.queries.mine(handler_id, offset=offset, limit=limit)

    def top_units(self, *, limit: int = 8, days: int = 90) -> list[str]:
        return self.queries.top_units(limit=limit, days=days)

    def open_counts(self) -> dict[str, int]:
        return self.queries.open_counts()

    def open_list(self, *, offset: int = 0, limit: int = 10) -> Page:
        return self.queries.open_list(offset=offset, limit=limit)

    def overdue(self, *, offset: int = 0, limit: int = 10) -> Page:
        return self.queries.overdue(offset=offset, limit=limit)

    def find(self, words: str, *, offset: int = 0, limit: int = 10) -> Page:
        return self.queries.find(words, offset=offset, limit=limit)
