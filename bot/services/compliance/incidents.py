"""Incidents: the assessment items against the team (考核细则 4–6).

* a handling mistake (失误) at 签收 / 分派 / 督办 on a ticket — −¥2,000 each by default;
* a verified complaint (投诉属实) against a staff member — −¥5,000;
* another breach of the contract (其他违约) — −¥5,000.

Managers record them; only admins remove one, and removal keeps the row with who, when and
why (the assessment ignores removed items, the history shows them). The ticket card's
"标记失误" button will call :meth:`IncidentLog.record_mistake` with the ticket's id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.clock import Clock
from bot.services.compliance import vocab
from bot.services.compliance.errors import ComplianceError
from bot.services.compliance.people import People
from bot.services.staff import audit
from bot.services.staff.directory import Member
from models.compliance import Incident
from models.db import session_scope


class TicketRef(Protocol):
    """The little an incident needs of a ticket (the ticket service's row satisfies it)."""

    id: int | None
    platform_no: str
    handler_id: int | None


@dataclass(frozen=True)
class IncidentView:
    id: int
    kind: str
    occurred_on: date
    person: Member | None
    ticket_id: int | None
    platform_no: str | None
    stage: str | None
    note: str
    recorded_by: Member | None
    recorded_at: datetime
    removed_at: datetime | None = None
    removed_by: Member | None = None
    removed_reason: str = ""

    @property
    def removed(self) -> bool:
        return self.removed_at is not None


def parse_stage(text: str) -> str:
    t = text.strip()
    stage = vocab.STAGE_ALIASES.get(t, t)
    if stage not in vocab.STAGES:
        raise ComplianceError("bad_stage", text=text, choices=list(vocab.STAGES))
    return stage


class IncidentLog:
    def __init__(self, engine: Engine, clock: Clock, staff: People) -> None:
        self.engine, self.clock, self.staff = engine, clock, staff

    def record_mistake(self, *, ticket: TicketRef, stage: str, note: str,
                       actor_id: int | None, telegram_id: int | None = None,
                       occurred_on: date | None = None) -> IncidentView:
        """A handling mistake on a ticket at a stage; the person defaults to its handler."""
        if ticket.id is None:
            raise ComplianceError("ticket_not_found", text=ticket.platform_no)
        person = telegram_id if telegram_id is not None else ticket.handler_id
        return self._record(vocab.MISTAKE, note=note, actor_id=actor_id, telegram_id=person,
                            occurred_on=occurred_on, ticket_id=ticket.id,
                            platform_no=ticket.platform_no, stage=parse_stage(stage))

    def record_complaint(self, *, telegram_id: int, note: str, actor_id: int | None,
                         occurred_on: date | None = None,
                         ticket: TicketRef | None = None) -> IncidentView:
        return self._record(vocab.COMPLAINT, note=note, actor_id=actor_id,
                            telegram_id=telegram_id, occurred_on=occurred_on,
                            ticket_id=ticket.id if ticket else None,
                            platform_no=ticket.platform_no if ticket else None)

    def record_other(self, *, note: str, actor_id: int | None, occurred_on: date | None = None,
                     telegram_id: int | None = None) -> IncidentView:
        return self._record(vocab.OTHER, note=note, actor_id=actor_id, telegram_id=telegram_id,
                            occurred_on=occurred_on)

    def _record(self, kind: str, *, note: str, actor_id: int | None, telegram_id: int | None,
                occurred_on: date | None, ticket_id: int | None = None,
                platform_no: str | None = None, stage: str | None = None) -> IncidentView:
        note = " ".join(note.split())
        if not note:
            raise ComplianceError("empty_text")
        today = self.clock.today()
        occurred_on = occurred_on or today
        if occurred_on > today:
            raise ComplianceError("future_date", text=occurred_on.isoformat())
        with session_scope(self.engine) as s:
            row = Incident(kind=kind, occurred_on=occurred_on, telegram_id=telegram_id,
                           ticket_id=ticket_id, platform_no=platform_no, stage=stage,
                           note=note[:1000], recorded_by=actor_id, recorded_at=self.clock.now())
            s.add(row)
            s.flush()
            audit.record(session=s, clock=self.clock, actor_id=actor_id,
                         action=f"compliance.incident_{kind}", target=str(row.id),
                         detail=platform_no)
            return self._view(row)

    def remove(self, *, incident_id: int, actor_id: int, reason: str) -> IncidentView:
        """Take an item out of the assessment (admins; the handler checks the role)."""
        reason = " ".join(reason.split())
        if not reason:
            raise ComplianceError("empty_text")
        with session_scope(self.engine) as s:
            row = s.get(Incident, incident_id)
            if row is None:
                raise ComplianceError("incident_not_found", id=incident_id)
            if row.removed_at is not None:
                raise ComplianceError("incident_removed", id=incident_id)
            row.removed_at, row.removed_by = self.clock.now(), actor_id
            row.removed_reason = reason[:256]
            s.add(row)
            audit.record(session=s, clock=self.clock, actor_id=actor_id,
                         action="compliance.incident_remove", target=str(incident_id),
                         detail=reason)
            return self._view(row)

    def get(self, incident_id: int) -> IncidentView:
        with session_scope(self.engine) as s:
            row = s.get(Incident, incident_id)
            if row is None:
                raise ComplianceError("incident_not_found", id=incident_id)
            return self._view(row)

    def between(self, first: date, last: date, *,
                include_removed: bool = False) -> list[IncidentView]:
        with session_scope(self.engine) as s:
            q = select(Incident).where(col(Incident.occurred_on) >= first,
                                       col(Incident.occurred_on) <= last)
            if not include_removed:
                q = q.where(col(Incident.removed_at).is_(None))
            rows = s.exec(q.order_by(col(Incident.occurred_on), col(Incident.id))).all()
            return [self._view(r) for r in rows]

    def _member(self, telegram_id: int | None) -> Member | None:
        return self.staff.get_any(telegram_id) if telegram_id is not None else None

    def _view(self, row: Incident) -> IncidentView:
        assert row.id is not None
        return IncidentView(row.id, row.kind, row.occurred_on, self._member(row.telegram_id),
                            row.ticket_id, row.platform_no, row.stage, row.note,
                            self._member(row.recorded_by), row.recorded_at, row.removed_at,
                            self._member(row.removed_by), row.removed_reason)
