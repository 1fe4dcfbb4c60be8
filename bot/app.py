"""`build_application()`: the one place every handler and job is registered.

Production (`python -m bot`), the console mode, the tests and the benchmarks all call it.
"""

from __future__ import annotations

import logging
import warnings

from sqlalchemy.engine import Engine
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.clock import Clock
from bot.config import Settings
from bot.context import CONTEXT_TYPES, BotContext, BotData, Services
from bot.ratelimit import FanoutRateLimiter
from bot.services import alerts as alerts_service
from bot.services import reminders as reminders_service
from bot.services import reports as reports_service
from bot.services import roster as roster_service
from bot.services import similar
from bot.services.calendar import WorkCalendar
from bot.services.deadlines import DeadlinePolicy
from bot.services.outbox import Outbox
from bot.services.reference_store import ReferenceStore
from bot.services.staff import StaffDirectory
from bot.services.tickets import TicketService
from handlers import (
    access,
    admin,
    alerts,
    delivery,
    errors,
    fallback,
    menus,
    reminders,
    start,
    ticker,
    ticket_actions,
    ticket_new,
    tickets,
)
from handlers import daily as daily_handlers
from handlers import kb as kb_handlers
from handlers import reports as reports_handlers
from handlers import roster as roster_handlers
from knowledge_base import service as kb_service
from models.db import make_engine

log = logging.getLogger(__name__)

GATE_GROUP = -1  # runs before every feature handler


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
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
    builder = builder.rate_limiter(FanoutRateLimiter())
    app = builder.build()
    # Our dialogues mix message and button steps on purpose (per_message=False); PTB warns
    # about that pattern at construction, which is expected here.
    warnings.filterwarnings("ignore", message=r"If 'per_message=False'", category=PTBUserWarning)
    data: BotData = app.bot_data
    data.svc = build_services(settings, engine=engine, clock=clock, owns_engine=owns_engine)
    data.courier = delivery.Courier(app.bot, data.svc)
    _register_handlers(app)
    app.add_error_handler(errors.on_error)
    assert app.job_queue is not None
    app.job_queue.run_repeating(ticker.tick, interval=settings.tick_seconds, first=0.1,
                                name="tick")
    return app


def build_services(settings: Settings, *, engine: Engine, clock: Clock,
                   owns_engine: bool = False) -> Services:
    """Load configuration files and build the domain services (no Telegram here).

    A bad deadline-policy or holiday file raises PolicyError/CalendarFileError, whose message
    names the file and line; the command line turns it into one line and exit status 2.
    """
    calendar = WorkCalendar.load(settings.holidays_file)
    policy = DeadlinePolicy.load(settings.deadline_policy_file)
    svc = Services(
        settings=settings, engine=engine, clock=clock, staff=StaffDirectory(engine, clock),
        reference=ReferenceStore(engine, clock), calendar=calendar,
        tickets=TicketService(engine, clock, policy, calendar), outbox=Outbox(engine, clock),
        owns_engine=owns_engine,
    )
    svc.periodic.append(svc.reference.refresh)  # imports made by `python -m bot units import`
    # Feature services: each module's `attach(svc)` builds its service, sets it on `svc`,
    # and appends its periodic producers to `svc.periodic`. One line per feature.
    # >>> feature services
    alerts_service.attach(svc)
    reminders_service.attach(svc)
    roster_service.attach(svc)
    reports_service.attach(svc)
    svc.kb = kb_service.build_knowledge_base(engine, clock,
                                              seed_starter=settings.kb_seed_starter)
    svc.periodic.append(svc.kb.refresh)
    # <<< feature services
    return svc


def _register_handlers(app: Application) -> None:  # type: ignore[type-arg]
    # Group -1: the access gate sees every update first and stops strangers and foreign groups.
    app.add_handler(TypeHandler(Update, access.gate), group=GATE_GROUP)

    # Group 0: features. Within a group the first matching handler wins, so the dialogues
    # come first: while one runs, its own /cancel and text handlers take precedence.
    svc = app.bot_data.svc
    app.add_handler(_new_ticket_dialogue(svc.settings.new_ticket_timeout_minutes))
    app.add_handler(_ticket_action_dialogue(svc.settings.new_ticket_timeout_minutes))
    app.add_handler(CommandHandler("start", start.start))
    app.add_handler(CommandHandler("help", start.help_command))
    app.add_handler(CommandHandler("adduser", admin.adduser))
    app.add_handler(CommandHandler("setrole", admin.setrole))
    app.add_handler(CommandHandler("deluser", admin.deluser))
    app.add_handler(CommandHandler("staff", admin.staff_list))
    app.add_handler(CallbackQueryHandler(admin.access_request_button, pattern=r"^ar1:"))
    app.add_handler(CommandHandler("t", tickets.show_ticket))
    app.add_handler(CommandHandler("mine", tickets.mine))
    app.add_handler(CommandHandler("open", tickets.open_tickets))
    app.add_handler(CommandHandler("overdue", tickets.overdue))
    app.add_handler(CommandHandler("find", tickets.find))
    app.add_handler(CommandHandler("complex", tickets.mark_complex))
    app.add_handler(CallbackQueryHandler(tickets.page_button, pattern=r"^pg1:"))
    # Feature handlers: each module's `register(app)` adds its handlers. One line per feature.
    # >>> feature handlers
    alerts.register(app)
    reminders.register(app)
    roster_handlers.register(app)
    daily_handlers.register(app)
    reports_handlers.register(app)
    kb_handlers.register(app)
    # <<< feature handlers
    app.add_handler(CommandHandler("cancel", fallback.cancel_nothing))

    # Last in group 0, so they only see what no handler above took.
    app.add_handler(
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, fallback.unknown_command))


def _new_ticket_dialogue(timeout_minutes: int) -> ConversationHandler:  # type: ignore[type-arg]
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler("new", ticket_new.start_new)],
        states={
            ticket_new.ASK: [MessageHandler(text, ticket_new.answer_text),
                             CallbackQueryHandler(ticket_new.answer_button, pattern=r"^nf1:")],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, ticket_new.timed_out)],
        },
        fallbacks=[CommandHandler("cancel", ticket_new.cancel)],
        conversation_timeout=timeout_minutes * 60,
        name="new_ticket",
    )


def _ticket_action_dialogue(timeout_minutes: int) -> ConversationHandler:  # type: ignore[type-arg]
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(ticket_actions.on_button, pattern=r"^t1:")],
        states={
            ticket_actions.TEXT: [MessageHandler(text, ticket_actions.on_text)],
            ticket_actions.PICK: [CallbackQueryHandler(ticket_actions.on_pick, pattern=r"^td1:"),
                                  MessageHandler(text, ticket_actions.on_text)],
        },
        fallbacks=[CommandHandler("cancel", ticket_actions.cancel),
                   CallbackQueryHandler(ticket_actions.on_button, pattern=r"^t1:")],
        conversation_timeout=timeout_minutes * 60,
        allow_reentry=True,
        name="ticket_action",
    )


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    svc = app.bot_data.svc
    svc.staff.ensure_admins(svc.settings.admin_ids)
    similar.warm_up()
    svc.tickets.load_recent()
    courier = app.bot_data.courier
    svc.outbox.on_enqueue = courier.kick
    courier.start()
    await menus.sync_all_menus(app.bot, svc)
    log.info("bot ready: %d active staff", len(svc.staff.active()))


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    await app.bot_data.courier.stop()
    svc = app.bot_data.svc
    if svc.owns_engine:
        svc.engine.dispose()


__all__ = ["BotContext", "build_application"]
