"""The alert service: its parts built and wired in one constructor, and the calls the rest of
the bot makes (raise, scan, 收到/暂缓, a failed delivery, the lists).

Parts, each with only what it uses: ``Sections`` (leaders' sections), ``RecipientResolver``
(who gets a level), ``ChannelPlanner`` (a level's messages beyond Telegram), ``AlertMail``
(what goes in the outbox, under which key), ``AlertLinks`` (the deep links in channel
messages), ``Escalator`` (the periodic scan), ``Raiser``, ``Reconciler`` (urgent tickets left
without an alert), ``Acks`` (收到/暂缓), ``Undelivered`` (the couriers' failures),
``AlertQueries`` (reads) and ``Waiting`` (alerts still waiting for 收到, sent again on
request).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.clock import Clock
from bot.services.alerts.acks import Acks
from bot.services.alerts.channels import ChannelPlanner
from bot.services.alerts.common import AckResult, OnDutySource, Recipient, name_of
from bot.services.alerts.errors import AlertEnded, AlertGone, AlreadyAcked
from bot.services.alerts.escalation import Escalator
from bot.services.alerts.links import AlertLinks
from bot.services.alerts.mail import AlertMail
from bot.services.alerts.notes import AlertSent
from bot.services.alerts.policy import EscalationPolicy
from bot.services.alerts.presses import Presses
from bot.services.alerts.queries import AlertQueries, AlertStats
from bot.services.alerts.raising import Raiser
from bot.services.alerts.recipients import RecipientResolver
from bot.services.alerts.reconcile import Reconciler
from bot.services.alerts.sections import Sections
from bot.services.alerts.undelivered import Undelivered
from bot.services.alerts.waiting import Waiting
from bot.services.outbox.store import Outbox, Outgoing
from bot.services.reference.store import ReferenceStore
from bot.services.staff.contacts import Contacts
from bot.services.staff.directory import Member, StaffDirectory
from models.alert import Alert, AlertStatus
from models.db import session_scope
from models.ticket import Ticket


class AlertService:
    """Urgent alerts end to end; each call goes to the one part that does it."""

    def __init__(self, *, engine: Engine, clock: Clock, policy: EscalationPolicy,
                 staff: StaffDirectory, reference: ReferenceStore, outbox: Outbox,
                 duty_group_id: int | None = None, leader_group_id: int | None = None,
                 ack_timeout_minutes: float = 60, snooze_minutes: float = 30,
                 roster: OnDutySource | None = None, contacts: Contacts | None = None) -> None:
        self.engine, self.clock, self.staff = engine, clock, staff
        self.sections = Sections(engine=engine, clock=clock, staff=staff, reference=reference)
        self.recipients = RecipientResolver(
            policy=policy, staff=staff, clock=clock, section_of=self.sections.section_of,
            roster=roster, duty_group_id=duty_group_id, leader_group_id=leader_group_id)
        self.links = AlertLinks(engine, clock)
        self.mail = AlertMail(outbox, duty_group_id=duty_group_id, links=self.links)
        channels = ChannelPlanner(recipients=self.recipients, contacts_of=contacts.of) \
            if contacts is not None else None
        self.escalator = Escalator(engine=engine, clock=clock, policy=policy,
                                   recipients=self.recipients, mail=self.mail, staff=staff,
                                   channels=channels)
        self.raiser = Raiser(engine=engine, clock=clock,
                             first_level=self.escalator.first_level)
        self.reconciler = Reconciler(engine=engine, raiser=self.raiser)
        self.acks = Acks(engine=engine, clock=clock, staff=staff, mail=self.mail,
                         ack_timeout=timedelta(minutes=ack_timeout_minutes),
                         snooze_for=timedelta(minutes=snooze_minutes))
        self.undelivered = Undelivered(engine=engine, clock=clock, staff=staff,
                                       recipients=self.recipients, mail=self.mail)
        self.queries = AlertQueries(engine)
        self.waiting = Waiting(engine=engine, clock=clock, mail=self.mail,
                               level_note=self.escalator.level_note)
        self.presses = Presses(engine=engine, clock=clock, mail=self.mail)

    # ------------------------------------------------------------------ the policy
    @property
    def policy(self) -> EscalationPolicy:
        return self.escalator.policy

    @policy.setter
    def policy(self, policy: EscalationPolicy) -> None:
        """Swap the policy (tests use another file); both parts that read it get it."""
        self.escalator.policy = self.recipients.policy = policy

    @property
    def snooze_for(self) -> timedelta:
        return self.acks.snooze_for

    # ------------------------------------------------------------------ raising, the scan
    def raise_for_ticket(self, s: Session, ticket: Ticket, actor_id: int,
                         note: str = "") -> None:
        """Ticket-service listener, inside the ticket's transaction ``s``: a ticket is being
        logged or re-marked urgent. Raising fails that transaction if it fails."""
        self.raiser.raise_in(s, ticket, actor_id, note)

    def raise_now(self, t: Ticket, actor_id: int | None, note: str) -> tuple[Alert, bool]:
        """Raise (or return the open) alert for a ticket; True when it is new."""
        return self.raiser.raise_now(t, actor_id, note)

    def reconcile(self, now: datetime) -> int:
        """Scheduler producer: an urgent ticket waiting to be handed on without any alert
        gets one (the safety net under `raise_for_ticket`)."""
        return self.reconciler.run(now)

    def recipients_of(self, a: Alert, t: Ticket) -> list[Recipient]:
        """Who the first level of an alert goes to."""
        return self.recipients.resolve(a, t, 0)

    def scan(self, now: datetime) -> int:
        """Scheduler producer: close finished alerts, run every due escalation step."""
        return self.escalator.scan(now)

    def on_delivery_failed(self, row: Outgoing, why: str) -> None:
        """Courier listener: a copy did not reach someone; the managers are told."""
        self.undelivered.on_delivery_failed(row, why)

    def on_channel_down(self, *, channel: str, detail: str, failures: int, since: datetime,
                        ref: str) -> None:
        """Channel-courier listener: a channel keeps failing; the managers are told once."""
        self.undelivered.on_channel_down(channel=channel, detail=detail, failures=failures,
                                         since=since, ref=ref)

    def open_link(self, token: str, actor_id: int) -> AlertSent:
        """A channel message's deep link opened in Telegram: the alert as it stands, with its
        收到 button (AlertError when it is acknowledged, closed or the link is not theirs)."""
        alert_id = self.links.open(token, actor_id)
        now = self.clock.now()
        with session_scope(self.engine) as s:
            a = s.get(Alert, alert_id)
            t = s.get(Ticket, a.ticket_id) if a is not None else None
        if a is None or t is None:
            raise AlertGone()
        if a.acked_by is not None:
            raise AlreadyAcked(name=name_of(self.staff, a.acked_by), at=a.acked_at or now,
                               now=now)
        if a.status == AlertStatus.closed.value:
            raise AlertEnded()
        self.presses.link_opened(alert_id, actor_id, a.level)  # then 收到 counts from them
        return self.escalator.level_note(a, t, max(a.level, 0), a.repeat, now)

    # ------------------------------------------------------------------ 收到 / 暂缓
    def check_press(self, alert_id: int, *, actor_id: int, chat_id: int) -> None:
        """收到/暂缓 count only from the alert's recipients (AlertError otherwise)."""
        self.presses.check(alert_id, actor_id=actor_id, chat_id=chat_id)

    def is_recipient(self, alert_id: int, *, actor_id: int, chat_id: int) -> bool:
        return self.presses.is_recipient(alert_id, actor_id=actor_id, chat_id=chat_id)

    def ack(self, *, alert_id: int, actor_id: int) -> AckResult:
        return self.acks.ack(alert_id=alert_id, actor_id=actor_id)

    def check_snoozable(self, alert_id: int) -> Alert:
        return self.acks.check_snoozable(alert_id)

    def snooze(self, *, alert_id: int, actor_id: int, reason: str) -> Alert:
        return self.acks.snooze(alert_id=alert_id, actor_id=actor_id, reason=reason)

    def set_section(self, *, actor_id: int, telegram_id: int, text: str,
                    chat_id: int | None = None) -> tuple[Member, str | None]:
        return self.sections.set_section(actor_id=actor_id, telegram_id=telegram_id,
                                         text=text, chat_id=chat_id)

    # ------------------------------------------------------------------ reads
    def open_alert(self, ticket_id: int) -> Alert | None:
        return self.queries.open_alert(ticket_id)

    def live(self, *, limit: int = 30) -> list[tuple[Alert, str]]:
        return self.queries.live(limit=limit)

    def acked_by_member(self, telegram_id: int, *, limit: int = 10) -> list[tuple[Alert, str]]:
        return self.queries.acked_by_member(telegram_id, limit=limit)

    def alerts_between(self, start: datetime, end: datetime) -> AlertStats:
        return self.queries.alerts_between(start, end)

    # ------------------------------------------------------------------ waiting for 收到
    def waiting_alerts(self, *, limit: int = 10) -> list[tuple[Alert, Ticket]]:
        return self.waiting.all(limit=limit)

    def waiting_alert(self, ticket_id: int) -> Alert | None:
        return self.waiting.for_ticket(ticket_id)

    def waiting_for(self, chat_id: int) -> list[tuple[Alert, Ticket]]:
        return self.waiting.addressed_to(chat_id)

    def send_again(self, rows: Sequence[tuple[Alert, Ticket]], chat_id: int, tag: str) -> int:
        return self.waiting.send_again(rows, chat_id, tag)
