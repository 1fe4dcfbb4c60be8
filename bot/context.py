"""Typed shared state: what every handler and job can reach through `context.svc`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.channels.config import ChannelsConfig
from bot.clock import Clock
from bot.config import Settings
from bot.scheduler import Scheduler
from bot.services.alerts.service import AlertService
from bot.services.alerts.urgent import UrgentDesk
from bot.services.calendar.work import WorkCalendar
from bot.services.compliance.desk import Compliance
from bot.services.outbox.store import Outbox
from bot.services.outbox.wakeup import Wakeup
from bot.services.reference.store import ReferenceStore
from bot.services.reminders.service import ReminderService
from bot.services.reports.service import ReportService
from bot.services.roster.daily import DutyScheduler
from bot.services.roster.service import RosterService
from bot.services.staff.contacts import Contacts
from bot.services.staff.directory import StaffDirectory
from bot.services.tickets.service import TicketService
from knowledge_base.service import KnowledgeBase


@dataclass(frozen=True)
class Services:
    """Every long-lived service, built once by `bot.app.build_services()`."""

    settings: Settings
    engine: Engine
    clock: Clock
    wakeup: Wakeup
    outbox: Outbox
    staff: StaffDirectory
    reference: ReferenceStore
    calendar: WorkCalendar
    roster: RosterService
    alerts: AlertService
    tickets: TicketService
    urgent: UrgentDesk
    reminders: ReminderService
    duty: DutyScheduler
    kb: KnowledgeBase
    reports: ReportService
    compliance: Compliance
    scheduler: Scheduler
    contacts: Contacts  # phones and addresses for the channels beyond Telegram
    channels: ChannelsConfig  # CHANNELS_FILE
    channel_wakeup: Wakeup  # rung when a channel row is queued (the channel courier waits)
    owns_engine: bool = False
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
    channel_courier: Any  # bot.channels.courier.ChannelCourier


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    @property
    def svc(self) -> Services:
        return self.bot_data.svc

    @property
    def courier(self) -> Any:
        return self.bot_data.courier


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)
