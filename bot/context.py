"""Typed shared state: what every handler and job can reach through `context.svc`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.services.reference_store import ReferenceStore
from bot.services.staff import StaffDirectory
from bot.services.tickets import TicketService


@dataclass
class Services:
    """Long-lived services built once by `build_application()`."""

    settings: Settings
    engine: Engine
    clock: Clock
    staff: StaffDirectory
    reference: ReferenceStore
    tickets: TicketService
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


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    @property
    def svc(self) -> Services:
        return self.bot_data.svc


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)
