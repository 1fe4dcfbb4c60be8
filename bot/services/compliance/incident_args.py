"""Reading `/incident mistake|complaint|other …` into a recorded incident.

    mistake   [日期] <工单编号> <签收|分派|督办> [人员] <说明>   (人员 defaults to the handler)
    complaint [日期] <人员> [工单编号] <说明>
    other     [日期] <说明>

A word is taken as the optional person or ticket only when it names one, so a note may start
with any other word.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.services.compliance import vocab
from bot.services.compliance.errors import ComplianceError
from bot.services.compliance.incidents import IncidentLog, IncidentView, TicketRef
from bot.services.compliance.people import resolve, try_resolve
from bot.services.compliance.periods import parse_date

FindTicket = Callable[[str], TicketRef | None]


def _date_first(words: list[str]) -> tuple[date | None, list[str]]:
    if words:
        try:
            return parse_date(words[0]), words[1:]
        except ComplianceError:
            pass
    return None, words


def record_command(log: IncidentLog, args: list[str], *, find_ticket: FindTicket,
                   actor_id: int | None) -> IncidentView:
    """Record the incident a command describes; raises ComplianceError saying what to fix."""
    if not args:
        raise ComplianceError("bad_incident_kind", text="")
    kind = vocab.INCIDENT_KIND_WORDS.get(args[0].lower())
    if kind is None:
        raise ComplianceError("bad_incident_kind", text=args[0])
    occurred_on, words = _date_first(list(args[1:]))
    if kind == vocab.MISTAKE:
        if len(words) < 3:
            raise ComplianceError("missing_args", kind=kind)
        ticket = _ticket(find_ticket, words[0])
        stage = words[1]
        person = try_resolve(log.staff, words[2]) if len(words) > 3 else None
        note = " ".join(words[3:] if person else words[2:])
        return log.record_mistake(ticket=ticket, stage=stage, note=note, actor_id=actor_id,
                                  telegram_id=person.telegram_id if person else None,
                                  occurred_on=occurred_on)
    if kind == vocab.COMPLAINT:
        if len(words) < 2:
            raise ComplianceError("missing_args", kind=kind)
        person = resolve(log.staff, words[0])
        ticket = find_ticket(words[1]) if len(words) > 2 else None
        note = " ".join(words[2:] if ticket else words[1:])
        return log.record_complaint(telegram_id=person.telegram_id, note=note,
                                    actor_id=actor_id, occurred_on=occurred_on, ticket=ticket)
    if not words:
        raise ComplianceError("missing_args", kind=kind)
    return log.record_other(note=" ".join(words), actor_id=actor_id, occurred_on=occurred_on)


def _ticket(find_ticket: FindTicket, number: str) -> TicketRef:
    ticket = find_ticket(number.strip())
    if ticket is None:
        raise ComplianceError("ticket_not_found", text=number)
    return ticket
