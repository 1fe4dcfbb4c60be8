"""The rows that refer to a demo ticket by id: its history events, the alert a 紧急/涉稳/重点
ticket raised, and the reminder steps already due when the demo data was written.

The alerts are finished the way the real ones end — a leader pressed 收到 within minutes (a
few were never acknowledged) and the alert closed when the ticket was dispatched — so the
reports count them and nothing escalates at the next start. The reminder steps are recorded
as skipped: nobody was reminded of a demo ticket, and nobody is reminded of the past later.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.services.alerts.common import CLOSING_STATUSES
from bot.services.reminders.steps import Step as ReminderStep
from bot.services.reports.demo.lifecycle import Step
from bot.services.tickets.history import dump_detail
from bot.services.tickets.vocabulary import ALERT_URGENCIES
from models.alert import AlertStatus

#: Alerts a leader acknowledged (the rest closed unacknowledged when the ticket moved on).
ACKED = 0.95
BATCH = "demo"


def event_rows(ticket_id: int, steps: Sequence[Step]) -> list[dict[str, Any]]:
    """`TicketEvent` rows (no actor: the demo has no staff; shown as 系统)."""
    out = []
    before: str | None = None
    for s in steps:
        out.append({"ticket_id": ticket_id, "at": s.at, "actor_id": None, "action": s.action,
                    "from_status": before, "to_status": s.status, "note": s.note,
                    "detail": dump_detail(s.detail)})
        before = s.status
    return out


def ledger_rows(ticket_id: int, skipped: Sequence[ReminderStep],
                now: datetime) -> list[dict[str, Any]]:
    """`ReminderSent` rows for the steps already due: recorded, skipped, never sent."""
    return [{"ticket_id": ticket_id, "kind": s.kind, "lead": s.lead, "due_at": s.due_at,
             "fire_at": s.fire_at, "status": "skipped", "recipients": "", "batch": BATCH,
             "enqueued": True, "created_at": now} for s in skipped]


def alert_rows(ticket_id: int, row: dict[str, Any], steps: Sequence[Step],
               rng: random.Random) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """(the `Alert` row, its `AlertEvent` rows without `alert_id`) for an urgent ticket."""
    if row["urgency"] not in ALERT_URGENCIES or not steps:
        return None
    raised = steps[0].at
    ended = next((s for s in steps if s.status in CLOSING_STATUSES and s is not steps[0]),
                 None)
    if ended is None:  # still waiting at `now` (a slow policy): it raises no alert here
        return None
    acked = raised + timedelta(minutes=rng.uniform(1, 12)) if rng.random() < ACKED else None
    if acked is not None:
        acked = min(acked, ended.at)
    alert = {
        "ticket_id": ticket_id, "urgency": row["urgency"], "ticket_status": steps[0].status,
        "note": "", "status": AlertStatus.closed.value, "level": 0, "repeat": 0,
        "raised_by": None, "raised_at": raised, "next_escalation_at": None,
        "acked_by": None, "acked_at": acked, "snoozed_until": None, "snooze_count": 0,
        "closed_at": ended.at, "close_reason": ended.status, "undeliverable": "",
    }
    events = [{"at": raised, "actor_id": None, "action": "raise", "level": 0, "note": ""},
              {"at": raised, "actor_id": None, "action": "level", "level": 0, "note": ""}]
    if acked is not None:
        events.append({"at": acked, "actor_id": None, "action": "ack", "level": 0, "note": ""})
    events.append({"at": ended.at, "actor_id": None, "action": "close", "level": 0,
                   "note": ended.status})
    return alert, events
