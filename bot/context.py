"""Typed shared state: what every handler and job can reach through `context.svc`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.services.calendar.work import WorkCalendar
from bot.services.outbox.store import Outbox
from bot.services.reference.store import ReferenceStore
from bot.services.staff.directory import StaffDirectory
from bot.services.tickets.service import TicketService

if TYPE_CHECKING:
    from bot.services.alerts.service import AlertService
    from bot.services.reminders.service import ReminderService
    from bot.services.reports.service import ReportService
    from bot.services.roster.service import RosterService
    from knowledge_base.service import KnowledgeBase


@dataclass
class Services:
    """Long-lived services built once by `build_application()`."""

    settings: Settings
    engine: Engine
    clock: Clock
    staff: StaffDirectory
    reference: ReferenceStore
    tickets: TicketService
    outbox: Outbox
    calendar: WorkCalendar
    owns_engine: bool = False
    # Called on every scheduler tick with "now"; each enqueues whatever fell due (reminders,
    # escalations, scheduled posts). Plain functions: no Telegram.
    periodic: list[Callable[[datetime], object]] = field(default_factory=list)
    # Feature services, set by each feature's `attach(svc)` (see bot/app.py build_services).
    # >>> feature service fields
    alerts: AlertService | None = None
    reminders: ReminderService | None = None
    roster: RosterService | None = None
    reports: ReportService | None = None
    kb: KnowledgeBase | None = None
    # <<< feature service fields
    # members whose per-chat command menu Telegram has accepted in this process
    menus_synced: set[int] = field(default_factory=set)

    @property
    def group_ids(self) -> set[int]:
        ids = {self.settings.duty_group_id, self.settings.leader_group_id}
        return {i for i in ids if i is not None}


class BotData:
    """`application.bot_data`: holds the services; PTB creates it with no arguments."""

    svc: Services
    courier: Any  # handlers.delivery.Courier (typed loosely to keep this module light)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    @property
    def svc(self) -> Services:
        return self.bot_data.svc

    @property
    def courier(self) -> Any:
        return self.bot_data.courier


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)
