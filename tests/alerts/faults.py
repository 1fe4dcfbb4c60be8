"""Instrumented points along the urgent path, for fault injection and simulated crashes.

Nothing in the production code knows about this: the points are SQLAlchemy events (every
insert of the tables the urgent path writes, every flush and commit) and wrappers around
the collaborators the path calls (recipients, the outbox, the note builder, the ticket
indexes). ``arm`` makes one future hit raise — an ``OperationalError`` ("database is
locked") for a fault, or :class:`SimulatedCrash` (a BaseException, like a kill -9 that no
``except Exception`` can swallow) for a crash.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import col, select

from bot.app import build_services
from bot.clock import MovableClock
from bot.config import Settings
from bot.context import Services
from bot.services.alerts.escalation import Escalator
from bot.services.alerts.mail import AlertMail
from bot.services.alerts.policy import EscalationPolicy
from bot.services.alerts.recipients import RecipientResolver
from bot.services.alerts.service import AlertService
from bot.services.alerts.urgent import UrgentDesk
from bot.services.outbox.store import Outbox
from bot.services.tickets.deadlines import DeadlinePolicy
from bot.services.tickets.fields import ParsedTicket
from bot.services.tickets.indexes import TicketIndexes
from bot.services.tickets.service import TicketService
from models.alert import Alert, AlertEvent
from models.db import session_scope
from models.outbox import OutboxMessage
from models.staff import Role
from models.ticket import Ticket, TicketEvent

_WROTE = "faults.wrote"


class SimulatedCrash(BaseException):
    """The process dies here (in-process stand-in for kill -9)."""


def locked(point: str) -> OperationalError:
    return OperationalError(f"-- fault at {point}", None, Exception("database is locked"))


TABLES = (Ticket, TicketEvent, Alert, AlertEvent, OutboxMessage)
WRAPPED: tuple[tuple[type, str], ...] = (
    (RecipientResolver, "resolve"), (Outbox, "enqueue"), (AlertMail, "send_level"),
    (Escalator, "level_note"), (TicketIndexes, "add"),
)


class Points:
    """Counts hits of every instrumented point; raises at the armed one."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self._when: Callable[[str, int], bool] | None = None
        self._make: Callable[[str], BaseException] = locked
        self.fired: str | None = None

    def arm(self, make: Callable[[str], BaseException], *, name: str | None = None,
            nth: int = 1, at_hit: int | None = None) -> None:
        """Raise at the `nth` hit of point `name`, or at overall hit number `at_hit`
        (counted from now)."""
        start, seen = len(self.hits), [0]

        def when(point: str, total: int) -> bool:
            if at_hit is not None:
                return total - start == at_hit
            if point == name:
                seen[0] += 1
                return seen[0] == nth
            return False

        self._when, self._make, self.fired = when, make, None

    def disarm(self) -> None:
        self._when = None

    def hit(self, point: str) -> None:
        self.hits.append(point)
        if self._when is not None and self._when(point, len(self.hits)):
            self._when, self.fired = None, point
            raise self._make(point)


@pytest.fixture
def points(monkeypatch: pytest.MonkeyPatch) -> Iterator[Points]:
    p = Points()
    listeners: list[tuple[Any, str, Callable[..., None]]] = []
    for table in TABLES:
        for when in ("before_insert", "after_insert"):
            name = f"{when} {table.__name__}"
            fn = functools.partial(_on_insert, p, name)
            listeners.append((table, when, fn))
    listeners.append((OrmSession, "before_flush", functools.partial(_on_session, p,
                                                                     "before_flush")))
    listeners.append((OrmSession, "after_flush", functools.partial(_after_flush, p)))
    listeners.append((OrmSession, "before_commit", functools.partial(_before_commit, p)))
    for target, when, fn in listeners:
        event.listen(target, when, fn)
    for cls, attr in WRAPPED:
        monkeypatch.setattr(cls, attr, _wrapped(p, f"{cls.__name__}.{attr}",
                                                getattr(cls, attr)))
    yield p
    for target, when, fn in listeners:
        event.remove(target, when, fn)


def _on_insert(p: Points, name: str, *_: object) -> None:
    p.hit(name)


def _on_session(p: Points, name: str, *_: object) -> None:
    p.hit(name)


def _after_flush(p: Points, session: OrmSession, *_: object) -> None:
    session.info[_WROTE] = True
    p.hit("after_flush")


def _before_commit(p: Points, session: OrmSession) -> None:
    """"before_commit writing" is the commit of a transaction that wrote something (the
    urgent change itself), "before_commit" one of a read."""
    p.hit("before_commit writing" if session.info.get(_WROTE) else "before_commit")


def _wrapped(p: Points, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        p.hit(f"before {name}")
        out = fn(*args, **kwargs)
        p.hit(f"after {name}")
        return out
    return wrapper


# ---------------------------------------------------------------- the services under test
LEADER, LEADER2, STAFF = 3001, 3002, 2001
DUTY_GROUP = -100100
FIRST_LEVEL = {LEADER, LEADER2, DUTY_GROUP}  # the packaged policy's level 1, no sections


def services(engine: Engine, clock: MovableClock, tmp_path: Path) -> Services:
    settings = Settings(_env_file=None, telegram_bot_token="1:x",  # type: ignore[call-arg]
                        database_url=engine.url.render_as_string(hide_password=False),
                        holidays_file=tmp_path / "h.yaml", duty_group_id=DUTY_GROUP)
    svc = build_services(settings, engine=engine, clock=clock)
    for tid, role, name in [(LEADER, Role.leader, "王主任"), (LEADER2, Role.leader, "李主任"),
                            (STAFF, Role.staff, "张值班")]:
        svc.staff.add(actor_id=1, telegram_id=tid, role=role, name=name)
    return svc


@dataclass
class Parts:
    """What a restarted process rebuilds from the database: the ticket and alert services
    (as `build_services` wires them) and /urgent."""

    tickets: TicketService
    alerts: AlertService
    desk: UrgentDesk


def restart(svc: Services) -> Parts:
    settings, engine, clock = svc.settings, svc.engine, svc.clock
    alerts = AlertService(
        engine=engine, clock=clock, staff=svc.staff, reference=svc.reference,
        outbox=svc.outbox, policy=EscalationPolicy.load(tz=settings.tz),
        duty_group_id=settings.duty_group_id, leader_group_id=settings.leader_group_id)
    tickets = TicketService(engine, clock, DeadlinePolicy.load(tz=settings.tz), svc.calendar,
                            on_urgent=(alerts.raise_for_ticket,))
    return Parts(tickets, alerts, UrgentDesk(tickets=tickets, alerts=alerts))


def urgent_data(no: str, urgency: str = "紧急") -> ParsedTicket:
    return ParsedTicket(platform_no=no, citizen_name="张三丰", phone="13800138000",
                        request_type="投诉", category_l1="医疗服务", category_l2="服务态度",
                        unit="首都医科大学附属北京朝阳医院", urgency=urgency,
                        content="张三丰反映急诊无人接诊")


def orphan(engine: Engine, clock: MovableClock, no: str) -> int:
    """An urgent ticket stored without its alert, as an older version could leave one."""
    now = clock.now()
    with session_scope(engine) as s:
        t = Ticket(platform_no=no, received_at=now, request_type="求助",
                   category_l1="医疗服务", unit="首都医科大学附属北京朝阳医院", urgency="涉稳",
                   content="旧版本留下的紧急工单", handler_id=STAFF, created_by=STAFF,
                   created_at=now, updated_at=now)
        s.add(t)
        s.flush()
        assert t.id is not None
        return t.id


@dataclass(frozen=True)
class Stored:
    tickets: dict[str, Ticket]  # by platform number
    alerts: dict[int, list[Alert]]  # by ticket id
    rows: list[OutboxMessage]
    raise_events: dict[int, int]  # alert id -> "raise" events


def stored(engine: Engine) -> Stored:
    with session_scope(engine) as s:
        tickets = {t.platform_no: t for t in s.exec(select(Ticket)).all()}
        alerts: dict[int, list[Alert]] = {}
        for a in s.exec(select(Alert).order_by(col(Alert.id))).all():
            alerts.setdefault(a.ticket_id, []).append(a)
        rows = list(s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())
        raises: dict[int, int] = {}
        for e in s.exec(select(AlertEvent).where(AlertEvent.action == "raise")).all():
            raises[e.alert_id] = raises.get(e.alert_id, 0) + 1
    return Stored(tickets, alerts, rows, raises)


def first_level_chats(rows: list[OutboxMessage], alert_id: int) -> list[int]:
    """The chats of the alert's first-level copies, one entry per row."""
    prefix = f"alert:{alert_id}:L0:r0:"
    return sorted(r.chat_id for r in rows if r.dedup_key.startswith(prefix))
