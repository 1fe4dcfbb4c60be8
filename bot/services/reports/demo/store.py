"""Write the demo tickets (`python -m bot demo-data`): rows, history, alerts, reminder ledger.

Deterministic for a seed and a `now`. By default the tickets cover the thirteen months before
this one and this month up to `now` (see `window`); `year` asks for one calendar year instead.
Demo tickets are numbered ``DEMO<year><seq>``; a database holding any other ticket is "real"
and refused unless forced. Rows go in with SQLAlchemy Core `insert()` in chunks; each chunk's
history events, urgent alerts and reminder ledger rows follow it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection, Engine

from bot.services.calendar.work import WorkCalendar
from bot.services.reminders.leads import parse_leads
from bot.services.reports.demo.content import Words, content
from bot.services.reports.demo.maker import Made, TicketMaker
from bot.services.reports.demo.plan import arrivals
from bot.services.reports.demo.records import alert_rows, event_rows, ledger_rows
from bot.services.reports.demo.units import UnitPicker
from bot.services.tickets.deadlines import DeadlinePolicy
from bot.services.tickets.workflow import OPEN_STATUSES
from models.alert import Alert, AlertEvent
from models.db import refresh_statistics
from models.reminder import ReminderSent
from models.ticket import Ticket, TicketEvent

PREFIX = "DEMO"
CHUNK = 2000
#: The reminder leads of the default settings (REMINDER_LEADS).
DEFAULT_LEADS = parse_leads("24h,2h,0")
_OPEN = frozenset(s.value for s in OPEN_STATUSES)


@dataclass(frozen=True)
class DemoResult:
    inserted: int
    first_no: str
    last_no: str
    open: int = 0  # of them still open at `now` (the last days' tickets)


class RealTicketsError(RuntimeError):
    """The database holds tickets that are not demo tickets (and `force` was not given)."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} real tickets in the database")
        self.count = count


class YearNotStartedError(ValueError):
    """The year asked for begins after `now`."""

    def __init__(self, year: int) -> None:
        super().__init__(f"year {year} has not started")
        self.year = year


def real_ticket_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Ticket.__table__).where(
            Ticket.__table__.c.platform_no.not_like(f"{PREFIX}%"))).scalar_one())


def window(now: datetime, year: int | None, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) of the receipt times: one calendar year, or by default this month so far
    and the thirteen before it — so `/weekly` and `/monthly` (whatever day the assessment month
    starts) find their period of a year earlier complete, and their 同比 means something."""
    if year is None:
        months = now.year * 12 + now.month - 1 - 13
        return datetime(months // 12, months % 12 + 1, 1, tzinfo=tz), now
    start = datetime(year, 1, 1, tzinfo=tz)
    end = min(datetime(year + 1, 1, 1, tzinfo=tz), now)
    if end <= start:
        raise YearNotStartedError(year)
    return start, end


def generate(engine: Engine, *, tickets: int, now: datetime, year: int | None = None,
             seed: int = 12345, force: bool = False, tz: tzinfo | None = None,
             policy: DeadlinePolicy | None = None, calendar: WorkCalendar | None = None,
             leads: Sequence[int] = DEFAULT_LEADS, history: bool = True,
             progress: Callable[[int], None] | None = None) -> DemoResult:
    """Insert `tickets` synthetic tickets received before `now` (see the module docstring).

    Times are local to `tz` (default: the zone of `now`, i.e. the clock's configured zone).
    `policy`, `calendar` and `leads` should be the bot's (the deadlines and reminder steps it
    would compute); `history=False` skips the history events (the benchmarks' millions).
    """
    real = 0 if force else real_ticket_count(engine)
    if real:
        raise RealTicketsError(real)
    tz = tz or now.tzinfo
    if tz is None:
        raise ValueError("`now` must be aware (the clock's now)")
    now = now.astimezone(tz)
    start, end = window(now, year, tz)
    rng = random.Random(f"demo:{seed}:{start.date().isoformat()}")
    words = Words(rng, content())
    calendar = calendar or WorkCalendar.load(tz=tz)
    maker = TicketMaker(rng=rng, words=words, units=UnitPicker(rng),
                        policy=policy or DeadlinePolicy.load(tz=tz), calendar=calendar,
                        now=now, leads=leads)
    plan = arrivals(rng, tickets, start, end, words.c)
    numbers = _Numbers(engine, range(start.year, end.year + 1))
    made = (maker.make(a, numbers.next(a.at)) for a in plan)
    inserted = still_open = 0
    first_no = last_no = ""
    with engine.begin() as conn:
        for chunk in _chunks(made, CHUNK):
            _write(conn, chunk, now=now, rng=rng, history=history)
            inserted += len(chunk)
            still_open += sum(1 for m in chunk if m.row["status"] in _OPEN)
            first_no = first_no or chunk[0].row["platform_no"]
            last_no = chunk[-1].row["platform_no"]
            if progress:
                progress(inserted)
    refresh_statistics(engine)
    return DemoResult(inserted, first_no, last_no, still_open)


class _Numbers:
    """DEMO<year><seq>: numbered in order of receipt, per year, after those already there."""

    def __init__(self, engine: Engine, years: range) -> None:
        c = Ticket.__table__.c
        self.next_seq: dict[int, int] = {}
        with engine.connect() as conn:  # read before the writing transaction starts
            for year in years:
                last = conn.execute(select(func.max(c.platform_no)).where(
                    c.platform_no.like(f"{PREFIX}{year}%"))).scalar_one()
                self.next_seq[year] = int(last[len(PREFIX) + 4:]) + 1 if last else 1

    def next(self, at: datetime) -> str:
        seq = self.next_seq[at.year]
        self.next_seq[at.year] = seq + 1
        return f"{PREFIX}{at.year}{seq:07d}"


def _chunks(items: Iterator[Made], size: int) -> Iterator[list[Made]]:
    chunk: list[Made] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _write(conn: Connection, chunk: list[Made], *, now: datetime, rng: random.Random,
           history: bool) -> None:
    """One chunk of tickets, then what refers to them by id."""
    t = Ticket.__table__
    conn.execute(insert(t), [m.row for m in chunk])  # executemany: RETURNING would go row by row
    nos = [m.row["platform_no"] for m in chunk]
    id_of = dict(conn.execute(select(t.c.platform_no, t.c.id).where(
        t.c.platform_no.in_(nos))).all())
    ids = [id_of[no] for no in nos]
    events: list[dict[str, Any]] = []
    ledger: list[dict[str, Any]] = []
    alerts: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for ticket_id, m in zip(ids, chunk, strict=True):
        if history:
            events += event_rows(ticket_id, m.steps)
        ledger += ledger_rows(ticket_id, m.skipped, now)
        alert = alert_rows(ticket_id, m.row, m.steps, rng)
        if alert is not None:
            alerts.append(alert)
    if events:
        conn.execute(insert(TicketEvent.__table__), events)
    if ledger:
        conn.execute(insert(ReminderSent.__table__), ledger)
    if alerts:
        a = Alert.__table__  # type: ignore[attr-defined]
        conn.execute(insert(a), [x for x, _ in alerts])
        tickets = [x["ticket_id"] for x, _ in alerts]  # one alert per demo ticket
        alert_of = dict(conn.execute(select(a.c.ticket_id, a.c.id).where(
            a.c.ticket_id.in_(tickets))).all())
        steps = [{**e, "alert_id": alert_of[x["ticket_id"]]} for x, evs in alerts for e in evs]
        conn.execute(insert(AlertEvent.__table__), steps)  # type: ignore[attr-defined]
