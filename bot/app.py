"""`build_application()`: the one place every handler and job is registered.

Production (`python -m bot`), the console mode, the tests and the benchmarks all call it.
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.clock import Clock
from bot.config import Settings
from bot.context import CONTEXT_TYPES, BotContext, BotData, Services
from bot.services.staff import StaffDirectory
from handlers import access, admin, errors, fallback, menus, start
from models.db import make_engine

log = logging.getLogger(__name__)

GATE_GROUP = -1  # runs before every feature handler
FALLBACK_GROUP = 1  # runs only when no feature handler in group 0 took the update


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
    rate_limit: bool = True,
) -> Application:  # type: ignore[type-arg]
    """Build the Application with every handler, the services and the scheduled jobs."""
    clock = clock or Clock(settings.tz)
    owns_engine = engine is None
    engine = engine or make_engine(settings.database_url)
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz))
        .context_types(CONTEXT_TYPES)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        file_base = base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base
        builder = builder.base_url(base).base_file_url(file_base)
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    app = builder.build()
    data: BotData = app.bot_data
    data.svc = Services(settings=settings, engine=engine, clock=clock,
                        staff=StaffDirectory(engine, clock), owns_engine=owns_engine)
    _register_handlers(app)
    app.add_error_handler(errors.on_error)
    return app


def _register_handlers(app: Application) -> None:  # type: ignore[type-arg]
    # Group -1: the access gate sees every update first and stops strangers and foreign groups.
    app.add_handler(TypeHandler(Update, access.gate), group=GATE_GROUP)

    # Group 0: features. Within a group the first matching handler wins.
    app.add_handler(CommandHandler("start", start.start))
    app.add_handler(CommandHandler("help", start.help_command))
    app.add_handler(CommandHandler("adduser", admin.adduser))
    app.add_handler(CommandHandler("setrole", admin.setrole))
    app.add_handler(CommandHandler("deluser", admin.deluser))
    app.add_handler(CommandHandler("staff", admin.staff_list))
    app.add_handler(CallbackQueryHandler(admin.access_request_button, pattern=r"^ar1:"))
    app.add_handler(CommandHandler("cancel", fallback.cancel_nothing))

    # Group 1: only reached when nothing above handled the update.
    app.add_handler(
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, fallback.unknown_command),
        group=FALLBACK_GROUP,
    )


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    svc = app.bot_data.svc
    svc.staff.ensure_admins(svc.settings.admin_ids)
    await menus.sync_all_menus(app.bot, svc)
    log.info("bot ready: %d active staff", len(svc.staff.active()))


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    svc = app.bot_data.svc
    if svc.owns_engine:
        svc.engine.dispose()


__all__ = ["BotContext", "build_application"]
