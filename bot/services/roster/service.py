"""The duty roster: who is on which shift, and everything that changes it.

For other features: :meth:`RosterService.on_duty` (members on duty at a moment, with their
role, e.g. 带班), :meth:`shift_lead`, :meth:`current_shift`, :meth:`next_shift`. Alerts and
reminders call ``svc.roster.on_duty(now)`` to find "the duty officer now".

Changes: file import (CSV/XLSX, all-or-nothing), a manager's quick ``set_slot``, swaps
(offer → take → approve), special periods. Nothing here knows Telegram.

The service is assembled from one module per concern — ``queries``
(reads), ``imports`` (file import, ``set_slot``), ``swaps``, ``specials`` (special periods,
handover notes) — with the value types in ``model`` and the spreadsheet reader in ``files``.
"""

from __future__ import annotations

from typing import Any

from bot.services.roster.imports import RosterImport
from bot.services.roster.shifts import ShiftConfig
from bot.services.roster.specials import RosterSpecials
from bot.services.roster.swaps import RosterSwaps


class RosterService(RosterImport, RosterSwaps, RosterSpecials):
    """The roster as the rest of the bot sees it: reads, imports, swaps and special periods
    on one object (``svc.roster``), built from the per-concern mixins."""


# ---------------------------------------------------------------------- wiring


def attach(svc: Any) -> None:
    """Build the roster from the settings, put it on ``svc.roster`` and add the scheduler
    (daily post, handovers, gap report, swap expiry) to the tick."""
    from bot.services.roster.daily import DutyScheduler

    settings = svc.settings
    config = ShiftConfig.load(settings.shifts_file, tz=settings.tz)
    service = RosterService(svc.engine, svc.clock, svc.staff, svc.calendar, config)
    svc.roster = service
    scheduler = DutyScheduler(
        engine=svc.engine, roster=service, outbox=svc.outbox, staff=svc.staff,
        duty_group_id=settings.duty_group_id, daily_at=settings.daily_summary_at,
        services=lambda: (getattr(svc, "alerts", None), getattr(svc, "reminders", None)))
    service.scheduler = scheduler
    svc.periodic.append(scheduler.scan)
    alerts = getattr(svc, "alerts", None)
    if alerts is not None and getattr(alerts, "duty_officer", False) is None:
        # the alert service's documented plug-in point for "who is on duty now"
        alerts.duty_officer = lambda _ticket, at: [m.telegram_id for m in service.on_duty(at)]
