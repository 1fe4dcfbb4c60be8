"""The SQL behind the report figures: aggregates over indexed columns, one query per figure.

Nothing here loads a period's tickets into Python except the content clustering input
(`cluster_docs`, bounded by configuration) and the short lists shown in the reports (LIMIT n).
The rate definitions are in `docs/reports.md`; the code below is that text, clause by clause.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from bot.services.reports.clusters import ClusterDoc
from bot.services.reports.config import ReportConfig
from bot.services.reports.figures import Counts, Rates, RepeatCaller, TicketLine
from bot.services.reports.periods import Period
from bot.services.reports.vocab import KEY_URGENCIES, SATISFACTION
from bot.services.tickets.workflow import OPEN_STATUSES, Status
from models.ticket import Ticket

OPEN = tuple(sorted(s.value for s in OPEN_STATUSES))
LIST_LIMIT = 20

T = Ticket.__table__.c  # plain columns: faster to compile than the ORM attributes


# ------------------------------------------------------------------ SQL pieces
def _in(col: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(col >= start, col < end)


def _count_if(cond: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def overdue_condition(as_of: datetime) -> ColumnElement[bool]:
    """超期: past its completion deadline and closed late, or still not closed at `as_of`."""
    return and_(
        T.complete_by.is_not(None),
        or_(and_(T.closed_at.is_not(None), T.closed_at > T.complete_by),
            and_(T.closed_at.is_(None), T.status != Status.returned.value,
                 T.complete_by < as_of)),
    )


def response_ok_condition() -> ColumnElement[bool]:
    """Signed within sign_by and first contact within contact_by (a missing limit is met)."""
    return and_(
        T.signed_at.is_not(None), or_(T.sign_by.is_(None), T.signed_at <= T.sign_by),
        T.contacted_at.is_not(None),
        or_(T.contact_by.is_(None), T.contacted_at <= T.contact_by),
    )


def due_condition(start: datetime, until: datetime) -> ColumnElement[bool]:
    """Due in the period: the contact deadline (else the sign deadline) in [start, until)."""
    return or_(_in(T.contact_by, start, until),
               and_(T.contact_by.is_(None), _in(T.sign_by, start, until)))


class FigureQueries:
    """One method per figure; each takes an open connection and the bounds it counts in."""

    def __init__(self, config: ReportConfig) -> None:
        self.config = config

    # -------------------------------------------------------------- pieces, public for tests
    def counts(self, conn: Connection, start: datetime, end: datetime, as_of: datetime) -> Counts:
        q = select(
            func.count(),
            _count_if(T.status == Status.closed.value),
            _count_if(T.status.in_(OPEN)),
            _count_if(T.status == Status.returned.value),
            _count_if(overdue_condition(as_of)),
            _count_if(T.extension_count > 0),
            _count_if(T.supervise_count > 0),
            _count_if(T.urgency.in_(KEY_URGENCIES)),
            _count_if(T.repeat_count > 0),
        ).where(_in(T.received_at, start, end))
        row = conn.execute(q).one()
        return Counts(*(int(x or 0) for x in row))

    def total(self, conn: Connection, start: datetime, end: datetime) -> int:
        q = select(func.count()).select_from(Ticket.__table__).where(
            _in(T.received_at, start, end))
        return int(conn.execute(q).scalar_one())

    def rates(self, conn: Connection, start: datetime, end: datetime, as_of: datetime) -> Rates:
        cfg = self.config
        until = min(end, as_of)
        due_q = select(func.count(), _count_if(response_ok_condition())).where(
            due_condition(start, until))
        if cfg.response_exclude:
            due_q = due_q.where(T.status.not_in(cfg.response_exclude))
        due, responded = conn.execute(due_q).one()
        per_basis: dict[str, tuple[int, ...]] = {}
        for basis in {cfg.solved_basis, cfg.satisfied_basis}:
            col = T.callback_at if basis == "callback_at" else T.received_at
            q = select(
                func.count(), _count_if(T.solved.is_(True)),
                *(_count_if(T.satisfaction == level) for level in SATISFACTION),
            ).where(_in(col, start, until), T.callback_at.is_not(None),
                    T.callback_reached.is_(True))
            per_basis[basis] = tuple(int(x or 0) for x in conn.execute(q).one())
        reached, solved = per_basis[cfg.solved_basis][:2]
        sat_reached, _, n1, n2, n3 = per_basis[cfg.satisfied_basis]
        w = cfg.satisfaction_weights
        return Rates(int(due), int(responded or 0), reached, solved, sat_reached, n1, n2, n3,
                     (w[SATISFACTION[0]], w[SATISFACTION[1]], w[SATISFACTION[2]]))

    def dimensions(self, conn: Connection, start: datetime, end: datetime
                   ) -> list[tuple[Any, ...]]:
        cols = (T.request_type, T.category_l1, T.category_l2, T.unit, T.industry, T.urgency,
                T.status)
        q = select(*cols, func.count()).where(_in(T.received_at, start, end)).group_by(*cols)
        return [tuple(r) for r in conn.execute(q).all()]

    def cat1(self, conn: Connection, start: datetime, end: datetime) -> dict[str, int]:
        q = select(T.category_l1, func.count()).where(_in(T.received_at, start, end)) \
            .group_by(T.category_l1)
        return {str(k): int(v) for k, v in conn.execute(q).all()}

    def series(self, conn: Connection, period: Period) -> list[tuple[str, int]]:
        """Tickets per bucket of the trend chart, as (bucket key, count)."""
        buckets = period.buckets()
        whens = [(T.received_at < b_end, i) for i, (_, _, b_end) in enumerate(buckets)]
        bucket = case(*whens, else_=len(buckets))
        q = select(bucket, func.count()).where(_in(T.received_at, period.start, period.end)) \
            .group_by(bucket)
        got = {int(k): int(v) for k, v in conn.execute(q).all()}
        return [(key, got.get(i, 0)) for i, (key, _, _) in enumerate(buckets)]

    def repeat_callers(self, conn: Connection, start: datetime, end: datetime
                       ) -> tuple[list[RepeatCaller], int, int]:
        n = func.count().label("n")
        q = select(T.phone, n).where(_in(T.received_at, start, end), T.phone != "") \
            .group_by(T.phone).having(func.count() >= self.config.repeat_min_tickets) \
            .order_by(n.desc(), T.phone)
        rows = conn.execute(q).all()
        callers, tickets = len(rows), sum(int(r[1]) for r in rows)
        top = {str(r[0]): int(r[1]) for r in rows[:LIST_LIMIT]}
        if not top:
            return [], callers, tickets
        dq = select(T.phone, T.citizen_name, T.platform_no, T.category_l1) \
            .where(_in(T.received_at, start, end), T.phone.in_(list(top))) \
            .order_by(T.received_at)
        nos: dict[str, list[str]] = {p: [] for p in top}
        cats: dict[str, Counter[str]] = {p: Counter() for p in top}
        names: dict[str, str] = {}
        for phone, name, no, cat in conn.execute(dq).all():
            nos[phone].append(no)
            cats[phone][cat] += 1
            if name:
                names[phone] = name
        out = [RepeatCaller(p, names.get(p, ""), c, nos[p], [k for k, _ in
                                                            cats[p].most_common(3)])
               for p, c in top.items()]
        return out, callers, tickets

    def recurring(self, conn: Connection, start: datetime, end: datetime) -> int:
        """Callers in the period who also called in the lookback window before it."""
        before = start - timedelta(days=self.config.recurring_lookback_days)
        t2 = Ticket.__table__.alias("earlier")
        earlier = select(t2.c.id).where(t2.c.phone == T.phone,
                                        _in(t2.c.received_at, before, start)).exists()
        q = select(func.count(func.distinct(T.phone))).where(
            _in(T.received_at, start, end), T.phone != "", earlier)
        return int(conn.execute(q).scalar_one())

    def lines(self, conn: Connection, *cond: Any, order: Any, limit: int = LIST_LIMIT
               ) -> list[TicketLine]:
        q = select(T.platform_no, T.received_at, T.request_type, T.category_l1, T.category_l2,
                   T.unit, T.urgency, T.status, T.closed_at, T.complete_by, T.solved,
                   T.satisfaction, T.supervise_count, T.extension_count, T.content) \
            .where(*cond).order_by(order).limit(limit)
        out = []
        for r in conn.execute(q).all():
            cat = f"{r[3]}/{r[4]}" if r[4] else r[3]
            out.append(TicketLine(r[0], _aware(r[1]), r[2], cat, r[5], r[6], r[7],
                                  _aware(r[8]), _aware(r[9]), r[10], r[11], r[12], r[13],
                                  (r[14] or "")[:120]))
        return out

    def cluster_docs(self, conn: Connection, start: datetime, end: datetime, limit: int
                     ) -> tuple[list[ClusterDoc], int]:
        total = self.total(conn, start, end)
        q = select(T.id, T.received_at, T.phone, T.category_l1, T.unit, T.content,
                   T.platform_no) \
            .where(_in(T.received_at, start, end)).order_by(T.received_at.desc()).limit(limit)
        docs = [ClusterDoc(int(r[0]), r[1], r[2] or "", r[3], r[4], r[5] or "", r[6])
                for r in conn.execute(q).yield_per(5000)]
        docs.reverse()
        return docs, total

    # -------------------------------------------------------------- the ticket list (XLSX)
    def ticket_rows(self, conn: Connection, period: Period, *, now: datetime,
                    limit: int | None = None) -> Iterator[tuple[Any, ...]]:
        """Stream the period's tickets (with personal data: for the private XLSX only)."""
        as_of = min(period.end, now)
        q = select(T.platform_no, T.received_at, T.citizen_name, T.phone, T.address,
                   T.request_type, T.category_l1, T.category_l2, T.unit, T.industry, T.urgency,
                   T.status, T.signed_at, T.contacted_at, T.dispatched_at, T.complete_by,
                   T.closed_at, overdue_condition(as_of), T.extension_count, T.supervise_count,
                   T.callback_reached, T.solved, T.satisfaction, T.repeat_count, T.content) \
            .where(_in(T.received_at, period.start, period.end)).order_by(T.received_at)
        if limit is not None:
            q = q.limit(limit)
        yield from conn.execute(q).yield_per(2000)

    def overdue_now(self, conn: Connection, now: datetime) -> int:
        """Open tickets past their completion deadline at `now` (whatever their receipt)."""
        return int(conn.execute(select(func.count()).where(
            T.status.in_(OPEN), T.complete_by.is_not(None), T.complete_by < now)).scalar_one())

    def long_open(self, conn: Connection, period: Period, now: datetime
                  ) -> tuple[int, list[TicketLine]]:
        """Open tickets received over `long_open_days` before now (and before the period end)."""
        cut = now - timedelta(days=self.config.long_open_days)
        cond = (T.status.in_(OPEN), T.received_at < min(cut, period.end))
        count = int(conn.execute(select(func.count()).where(*cond)).scalar_one())
        return count, self.lines(conn, *cond, order=T.received_at.asc())

    def reopened(self, conn: Connection, period: Period) -> list[TicketLine]:
        return self.lines(conn, _in(T.received_at, period.start, period.end),
                          T.supervise_count > 0, order=T.received_at.asc())

    def key_cases(self, conn: Connection, period: Period) -> list[TicketLine]:
        return self.lines(conn, _in(T.received_at, period.start, period.end),
                          T.urgency.in_(KEY_URGENCIES), order=T.received_at.asc(), limit=50)


def _aware(v: datetime | None) -> datetime | None:
    if v is None:
        return None
    if v.tzinfo is None:
        return v.replace(tzinfo=UTC)
    return v
