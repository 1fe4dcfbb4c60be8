"""The composition root: every service built with its collaborators, every handler registered.

Production (`python -m bot`), the console mode, the tests and the benchmarks all call
`build_application()` (or `build_services()` when they need no Telegram). Reading this file
top to bottom tells who talks to whom: services are constructed in dependency order and
handed what they use; the few events with listeners are declared in `build_services`; the
handlers, in dispatch order, are in `bot/routes.py`; the clock-driven producers are the
`Scheduler` list below.
"""

from __future__ import annotations

import functools
import logging
import ssl
import warnings

import httpx
from pydantic import TypeAdapter
from sqlalchemy.engine import Engine
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, BaseUpdateProcessor, Defaults
from telegram.request import HTTPXRequest
from telegram.warnings import PTBUserWarning

from bot import logsafety
from bot.boundary import PrivacyBot
from bot.channels.config import load_channels
from bot.channels.courier import ChannelCourier
from bot.channels.ledger import ChannelLedger
from bot.channels.senders import Senders
from bot.clock import Clock
from bot.config import Settings
from bot.configfiles.types import HHMM
from bot.context import CONTEXT_TYPES, BotContext, BotData, Services
from bot.offload import db
from bot.ratelimit import FanoutRateLimiter
from bot.routes import routes
from bot.scheduler import Producer, Scheduler
from bot.services.alerts.policy import EscalationPolicy
from bot.services.alerts.service import AlertService
from bot.services.alerts.urgent import UrgentDesk
from bot.services.calendar.work import WorkCalendar
from bot.services.compliance.attachments import AttachmentStore
from bot.services.compliance.business import business_source
from bot.services.compliance.desk import Compliance
from bot.services.compliance.gate import OnboardingGate
from bot.services.compliance.incidents import IncidentLog
from bot.services.compliance.ledger import CallbackLedger
from bot.services.compliance.policies import PolicyShelf
from bot.services.compliance.register import StaffRegister
from bot.services.compliance.reminders import ComplianceReminders
from bot.services.compliance.reportlog import WorkReportBook
from bot.services.compliance.rules import load_rules
from bot.services.compliance.ticket_files import TicketFiles
from bot.services.compliance.tracker import Tracker
from bot.services.compliance.trainings import TrainingLog
from bot.services.compliance.workreport import WorkReports
from bot.services.outbox.lanes import ChannelRows
from bot.services.outbox.retention import Retention
from bot.services.outbox.store import Outbox
from bot.services.outbox.wakeup import Wakeup
from bot.services.reference.store import ReferenceStore
from bot.services.reminders.service import ReminderService, build_reminders
from bot.services.reports.config import ReportConfig
from bot.services.reports.service import ReportService
from bot.services.roster.daily import DutyScheduler
from bot.services.roster.digest import DutyDigest
from bot.services.roster.service import build_roster
from bot.services.roster.shifts import ShiftConfig
from bot.services.staff.contacts import Contacts
from bot.services.staff.directory import StaffDirectory
from bot.services.tickets import similar
from bot.services.tickets.deadlines import DeadlinePolicy
from bot.services.tickets.service import TicketService
from bot.services.timefmt import use_zone
from bot.texts.audience import Audience, private_audience
from bot.updates import ChatOrderedProcessor
from handlers import delivery, errors, menus, ticker
from knowledge_base.service import KnowledgeBase, build_knowledge_base
from models.db import make_engine

log = logging.getLogger(__name__)


def build_services(settings: Settings, *, engine: Engine, clock: Clock,
                   owns_engine: bool = False) -> Services:
    """Load the configuration files and build the domain services (no Telegram here).

    A bad configuration file raises ConfigFileError naming the file and line; the command
    line turns it into one line and exit status 2.
    """
    use_zone(settings.tz)  # every time shown, in the configured TIMEZONE
    calendar = WorkCalendar.load(settings.holidays_file, tz=settings.tz)
    channels = load_channels(settings.channels_file)  # robots, gateways, SMTP (secrets)
    logsafety.hide(*channels.secrets())  # never in a log line, whatever an error prints
    wakeup, channel_wakeup = Wakeup(), Wakeup()  # the Telegram and the channel couriers'
    outbox = Outbox(engine, clock, wakeup, channel_wakeup)
    staff = StaffDirectory(engine, clock)
    contacts = Contacts(engine, clock, staff)
    reference = ReferenceStore(engine, clock)
    gate = OnboardingGate(engine, staff, mode=settings.onboarding_gate)  # asked by the roster
    roster = build_roster(engine=engine, clock=clock, staff=staff, calendar=calendar,
                          config=ShiftConfig.load(settings.shifts_file, tz=settings.tz),
                          outbox=outbox, duty_group_id=settings.duty_group_id, gate=gate)
    alerts = AlertService(
        engine=engine, clock=clock, staff=staff, reference=reference, outbox=outbox,
        policy=EscalationPolicy.load(settings.escalation_policy_file, tz=settings.tz,
                                     default_wait_minutes=settings.escalate_after_minutes,
                                     channels=channels.names()),
        duty_group_id=settings.duty_group_id, leader_group_id=settings.leader_group_id,
        ack_timeout_minutes=settings.alert_ack_timeout_minutes,
        snooze_minutes=settings.alert_snooze_minutes, roster=roster, contacts=contacts)
    # Listeners: a ticket logged or re-marked 紧急/涉稳/重点 raises an alert, inside the
    # ticket's own transaction (both are stored, or neither).
    tickets = TicketService(
        engine, clock, DeadlinePolicy.load(settings.deadline_policy_file, tz=settings.tz),
        calendar, on_urgent=(alerts.raise_for_ticket,))
    reminders = build_reminders(
        engine=engine, clock=clock, staff=staff, outbox=outbox, policy=tickets.policy,
        calendar=calendar, roster=roster, duty_group_id=settings.duty_group_id,
        holidays_file=settings.holidays_file, tz=settings.tz, leads=settings.reminder_leads,
        sweep_at=settings.overnight_sweep_at, digest_at=settings.reminder_digest_at)
    duty = DutyScheduler(
        engine=engine, roster=roster, outbox=outbox, staff=staff,
        digest=DutyDigest(engine=engine, roster=roster, alerts=alerts, reminders=reminders),
        duty_group_id=settings.duty_group_id,
        daily_at=TypeAdapter(HHMM).validate_python(settings.daily_summary_at))
    report_config = ReportConfig.load(  # before the knowledge base, the slow part of a start
        settings.report_config_file, month_start_day=settings.report_month_start_day)
    kb = build_knowledge_base(engine, clock, seed_starter=settings.kb_seed_starter)
    reports = ReportService(engine, clock, report_config, kb=kb)
    compliance = _compliance(settings, engine=engine, clock=clock, staff=staff, outbox=outbox,
                             tickets=tickets, reports=reports, gate=gate)
    scheduler = _scheduler(settings, engine=engine, wakeup=wakeup, reference=reference,
                           alerts=alerts, reminders=reminders, duty=duty, kb=kb,
                           compliance=compliance)
    return Services(
        settings=settings, engine=engine, clock=clock, wakeup=wakeup, outbox=outbox,
        staff=staff, reference=reference, calendar=calendar, roster=roster, alerts=alerts,
        tickets=tickets, urgent=UrgentDesk(tickets=tickets, alerts=alerts),
        reminders=reminders, duty=duty, kb=kb, reports=reports, compliance=compliance,
        scheduler=scheduler, contacts=contacts, channels=channels,
        channel_wakeup=channel_wakeup, owns_engine=owns_engine)


def _scheduler(settings: Settings, *, engine: Engine, wakeup: Wakeup,
               reference: ReferenceStore, alerts: AlertService, reminders: ReminderService,
               duty: DutyScheduler, kb: KnowledgeBase, compliance: Compliance) -> Scheduler:
    """What runs on the clock, in this order on every tick; the courier is rung after."""
    retention = Retention(engine, days=settings.outbox_retention_days)
    return Scheduler([
        Producer("reference reload", reference.refresh),  # `python -m bot units import`
        Producer("urgent tickets without an alert", alerts.reconcile),  # safety net
        Producer("alert escalation", alerts.scan),
        Producer("reminders", reminders.scan),
        Producer("daily post and handovers", duty.scan),
        Producer("knowledge-base reload", kb.refresh),  # `python -m bot kb import`
        Producer("compliance reminders", compliance.reminders.scan),  # trainings, work report
        Producer("outbox retention", retention.purge),  # OUTBOX_RETENTION_DAYS
    ], after=wakeup.ring)


def _compliance(settings: Settings, *, engine: Engine, clock: Clock, staff: StaffDirectory,
                outbox: Outbox, tickets: TicketService, reports: ReportService,
                gate: OnboardingGate | None = None) -> Compliance:
    """The contract-compliance collaborators (docs/assessment.md), each given what it uses
    (`gate`: the one the roster was given, so both ask the same)."""
    rules = load_rules(settings.assessment_rules_file)
    register = StaffRegister(engine, clock, staff)
    trainings = TrainingLog(engine, clock, staff)
    attachments = AttachmentStore(engine, clock, settings.attachments_dir,
                                  max_bytes=settings.attachment_max_mb * 1024 * 1024)
    policies = PolicyShelf(engine, clock, attachments, rules.policies.required)
    incidents = IncidentLog(engine, clock, staff)
    book = WorkReportBook(engine, clock)
    tracker = Tracker(rules=rules, clock=clock, register=register, trainings=trainings,
                      policies=policies, incidents=incidents, reports=book)
    workreports = WorkReports(
        clock=clock, tracker=tracker, register=register, trainings=trainings,
        incidents=incidents, book=book,
        business=business_source(reports, start_day=settings.report_month_start_day,
                                 tz=settings.tz))
    reminders = ComplianceReminders(rules=rules, tracker=tracker, reports=book, outbox=outbox,
                                    staff=staff, tz=settings.tz)
    return Compliance(rules=rules, register=register, trainings=trainings,
                      attachments=attachments, policies=policies, incidents=incidents,
                      find_ticket=tickets.get, tracker=tracker, workreports=workreports,
                      reminders=reminders,
                      gate=gate or OnboardingGate(engine, staff, mode=settings.onboarding_gate),
                      ticket_files=TicketFiles(attachments, tickets.get_by_id),
                      ledger=CallbackLedger(engine, staff))


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
    update_processor: BaseUpdateProcessor | None = None,
    rate_limiter: FanoutRateLimiter | None = None,
) -> Application:  # type: ignore[type-arg]
    """Build the Application with every handler, the services and the scheduled tick.

    Updates go through :class:`ChatOrderedProcessor` (chats concurrently, each chat in order).
    Two hooks for the end-to-end tests: ``update_processor`` replaces it with a subclass that
    also tells them when each update has been fully handled;
    ``rate_limiter`` replaces the default flood limits (tests that move the clock a day in a
    second would otherwise wait out Telegram's per-chat pace in real time).
    """
    clock = clock or Clock(settings.tz)
    owns_engine = engine is None
    engine = engine or make_engine(settings.database_url)
    builder = (
        ApplicationBuilder()
        .bot(make_bot(settings, rate_limiter or FanoutRateLimiter()))
        .context_types(CONTEXT_TYPES)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    app = builder.concurrent_updates(update_processor or ChatOrderedProcessor()).build()
    # Our dialogues mix message and button steps on purpose (per_message=False); PTB warns
    # about that pattern at construction, which is expected here.
    warnings.filterwarnings("ignore", message=r"If 'per_message=False'", category=PTBUserWarning)
    svc = build_services(settings, engine=engine, clock=clock, owns_engine=owns_engine)
    data: BotData = app.bot_data
    data.svc = svc
    data.courier = delivery.Courier(
        app.bot, outbox=svc.outbox, clock=clock, wakeup=svc.wakeup,
        audience_of=_audience_resolver(svc),
        # Listeners: a delivery that failed for good (blocked, rejected, gave up).
        on_failed=(svc.alerts.on_delivery_failed,),
        idle_seconds=settings.tick_seconds, send_timeout=settings.send_timeout_seconds)
    # Channels beyond Telegram: their own courier, lanes and doorbell (docs/channels.md).
    data.channel_courier = ChannelCourier(
        rows=ChannelRows(engine, clock), senders=Senders(svc.channels),
        ledger=ChannelLedger(engine, clock), clock=clock, wakeup=svc.channel_wakeup,
        config=svc.channels,
        # Listeners: a channel that keeps failing (once per run of failures).
        on_down=(svc.alerts.on_channel_down,),
        username=lambda: app.bot.username, idle_seconds=settings.tick_seconds)
    for handler, group in routes(dialogue_timeout_minutes=settings.new_ticket_timeout_minutes):
        app.add_handler(handler, group=group)
    # one notice to the admins per distinct error per hour (a user cannot flood them)
    app.add_error_handler(errors.ErrorHandler(clock).on_error)
    assert app.job_queue is not None
    app.job_queue.run_repeating(ticker.tick, interval=settings.tick_seconds, first=0.1,
                                name="tick")
    return app


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context per process: each new one loads the CA bundle again (about 40 ms,
    twice per Application); a context may serve any number of connections."""
    return httpx.create_ssl_context()


def make_bot(settings: Settings, rate_limiter: FanoutRateLimiter) -> PrivacyBot:
    """The application's one bot: the privacy boundary (``bot.boundary``) around the Bot API,
    pointed at another Bot API server when configured (a local one, or the tests' emulator).

    Built here rather than by ``ApplicationBuilder`` so its class is ours; the requests are
    what the builder would make: a pool of 256 connections for calls (sends given
    ``SEND_TIMEOUT_SECONDS`` to be read and written), one for ``getUpdates``; both share the
    process's TLS context.
    """
    urls: dict[str, str] = {}
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        urls["base_url"] = base
        urls["base_file_url"] = (base[: -len("/bot")] + "/file/bot" if base.endswith("/bot")
                                 else base)
    timeout = settings.send_timeout_seconds
    return PrivacyBot(
        settings.token, **urls,
        defaults=Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz),
        request=HTTPXRequest(connection_pool_size=256, read_timeout=timeout,
                             write_timeout=timeout, httpx_kwargs={"verify": _tls()}),
        get_updates_request=HTTPXRequest(connection_pool_size=1,
                                         httpx_kwargs={"verify": _tls()}),
        rate_limiter=rate_limiter)


def _audience_resolver(svc: Services):  # type: ignore[no-untyped-def]
    """Who reads a chat decides what they may see: groups and leaders get masked text."""
    def audience_of(chat_id: int) -> Audience:
        if chat_id < 0 or chat_id in svc.group_ids:
            return Audience.GROUP
        member = svc.staff.get(chat_id)
        return Audience.STAFF if member is None else private_audience(member.role)
    return audience_of


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    svc = app.bot_data.svc
    await db(svc.staff.ensure_admins, svc.settings.admin_ids)
    await db(similar.warm_up)
    await db(svc.tickets.load_recent)
    app.bot_data.courier.start()
    app.bot_data.channel_courier.start()  # after getMe: the deep links need the username
    await menus.sync_all_menus(app.bot, svc)
    log.info("bot ready: %d active staff", len(svc.staff.active()))


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    await app.bot_data.courier.stop()
    await app.bot_data.channel_courier.stop()
    svc = app.bot_data.svc
    if svc.owns_engine:
        svc.engine.dispose()


__all__ = ["BotContext", "build_application", "build_services"]
