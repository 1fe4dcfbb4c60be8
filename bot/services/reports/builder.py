"""Every figure of the reports, computed with SQL aggregates over indexed columns.

Nothing here loads a period's tickets into Python except the content clustering
(`clusters.py`, bounded by configuration) and the short lists shown in the reports (LIMIT n).
The rate definitions are in `docs/reports.md`; the code below is that text, clause by clause.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

from bot.services.reports.clusters import Cluster, ClusterDoc, cluster_tickets
from bot.services.reports.config import ReportConfig
from bot.services.reports.figures import (
    AlertStats,
    Counts,
    Figures,
    Rates,
    RepeatCaller,
    TicketLine,
)
from bot.services.reports.periods import Period
from bot.services.tickets.workflow import OPEN_STATUSES, Status
from models.ticket import Ticket

KEY_URGENCIES = ("重点", "紧急", "涉稳")
URGENCY_ORDER = ("一般", "急", "重点", "紧急", "涉稳")
TYPE_ORDER = ("投诉", "举报", "求助", "咨询", "建议", "表扬")
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


class FigureBuilder:
    def __init__(self, engine: Engine, config: ReportConfig) -> None:
        self.engine, self.config = engine, config

    # -------------------------------------------------------------- pieces, public for tests
    def counts(self, conn: Any, start: datetime, end: datetime, as_of: datetime) -> Counts:
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

    def total(self, conn: Any, start: datetime, end: datetime) -> int:
        q = select(func.count()).select_from(Ticket.__table__).where(
            _in(T.received_at, start, end))
        return int(conn.execute(q).scalar_one())

    def rates(self, conn: Any, start: datetime, end: datetime, as_of: datetime) -> Rates:
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
                _count_if(T.satisfaction == "满意"), _count_if(T.satisfaction == "基本满意"),
                _count_if(T.satisfaction == "不满意"),
            ).where(_in(col, start, until), T.callback_at.is_not(None),
                    T.callback_reached.is_(True))
            per_basis[basis] = tuple(int(x or 0) for x in conn.execute(q).one())
        reached, solved = per_basis[cfg.solved_basis][:2]
        sat_reached, _, n1, n2, n3 = per_basis[cfg.satisfied_basis]
        w = cfg.satisfaction_weights
        return Rates(int(due), int(responded or 0), reached, solved, sat_reached, n1, n2, n3,
                     (w["满意"], w["基本满意"], w["不满意"]))

    def dimensions(self, conn: Any, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
        cols = (T.request_type, T.category_l1, T.category_l2, T.unit, T.industry, T.urgency,
                T.status)
        q = select(*cols, func.count()).where(_in(T.received_at, start, end)).group_by(*cols)
        return [tuple(r) for r in conn.execute(q).all()]

    def cat1(self, conn: Any, start: datetime, end: datetime) -> dict[str, int]:
        q = select(T.category_l1, func.count()).where(_in(T.received_at, start, end)) \
            .group_by(T.category_l1)
        return {str(k): int(v) for k, v in conn.execute(q).all()}

    def series(self, conn: Any, period: Period) -> list[tuple[str, int]]:
        buckets = period.buckets()
        whens = [(T.received_at < b_end, i) for i, (_, _, b_end) in enumerate(buckets)]
        bucket = case(*whens, else_=len(buckets))
        q = select(bucket, func.count()).where(_in(T.received_at, period.start, period.end)) \
            .group_by(bucket)
        got = {int(k): int(v) for k, v in conn.execute(q).all()}
        return [(label, got.get(i, 0)) for i, (label, _, _) in enumerate(buckets)]

    def repeat_callers(self, conn: Any, start: datetime, end: datetime
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

    def recurring(self, conn: Any, start: datetime, end: datetime) -> int:
        """Callers in the period who also called in the lookback window before it."""
        before = start - timedelta(days=self.config.recurring_lookback_days)
        t2 = Ticket.__table__.alias("earlier")
        earlier = select(t2.c.id).where(t2.c.phone == T.phone,
                                        _in(t2.c.received_at, before, start)).exists()
        q = select(func.count(func.distinct(T.phone))).where(
            _in(T.received_at, start, end), T.phone != "", earlier)
        return int(conn.execute(q).scalar_one())

    def _lines(self, conn: Any, *cond: Any, order: Any, limit: int = LIST_LIMIT
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

    def cluster_docs(self, conn: Any, start: datetime, end: datetime, limit: int
                     ) -> tuple[list[ClusterDoc], int]:
        total = self.total(conn, start, end)
        q = select(T.id, T.received_at, T.phone, T.category_l1, T.unit, T.content,
                   T.platform_no) \
            .where(_in(T.received_at, start, end)).order_by(T.received_at.desc()).limit(limit)
        docs = [ClusterDoc(int(r[0]), r[1], r[2] or "", r[3], r[4], r[5] or "", r[6])
                for r in conn.execute(q).yield_per(5000)]
        docs.reverse()
        return docs, total

    # -------------------------------------------------------------- everything
    def build(self, period: Period, *, now: datetime,
              alert_stats: Callable[[datetime, datetime], AlertStats | None] | None = None,
              kb_gaps: Callable[[datetime, datetime], int | None] | None = None,
              with_clusters: bool = True) -> Figures:
        cfg = self.config
        as_of = min(period.end, now)
        prev, yoy = period.previous(), period.last_year()
        s, e = period.start, period.end
        with self.engine.connect() as conn:
            counts = self.counts(conn, s, e, as_of)
            dims = self.dimensions(conn, s, e)
            rates = self.rates(conn, s, e, as_of)
            prev_rates = self.rates(conn, prev.start, prev.end, min(prev.end, now))
            yoy_rates = self.rates(conn, yoy.start, yoy.end, min(yoy.end, now))
            cat1_prev = self.cat1(conn, prev.start, prev.end)
            cat1_yoy = self.cat1(conn, yoy.start, yoy.end)
            series = self.series(conn, period)
            repeat, n_callers, n_rep_tickets = self.repeat_callers(conn, s, e)
            recurring = self.recurring(conn, s, e)
            open_now = [T.status.in_(OPEN)]
            overdue_now = int(conn.execute(select(func.count()).where(
                *open_now, T.complete_by.is_not(None), T.complete_by < now)).scalar_one())
            long_cut = now - timedelta(days=cfg.long_open_days)
            long_cond = (*open_now, T.received_at < min(long_cut, e))
            long_count = int(conn.execute(select(func.count()).where(*long_cond)).scalar_one())
            long_open = self._lines(conn, *long_cond, order=T.received_at.asc())
            reopened = self._lines(conn, _in(T.received_at, s, e), T.supervise_count > 0,
                                   order=T.received_at.asc())
            key_list = self._lines(conn, _in(T.received_at, s, e),
                                   T.urgency.in_(KEY_URGENCIES), order=T.received_at.asc(),
                                   limit=50)
            clusters: list[Cluster] = []
            n_groups = clustered = 0
            note = ""
            if with_clusters:
                docs, total = self.cluster_docs(conn, s, e, cfg.clusters.max_tickets)
                if total > len(docs):
                    note = f"期内工单 {total} 件，聚类仅取最近 {len(docs)} 件。"
                groups = cluster_tickets(docs, cfg.clusters)
                n_groups = len(groups)
                clustered = sum(g.size for g in groups)
                clusters = groups[:cfg.clusters.show]
                del docs
        return Figures(
            period=period, generated_at=now, as_of=as_of, counts=counts,
            prev_total=sum(cat1_prev.values()), yoy_total=sum(cat1_yoy.values()),
            prev_period=prev, yoy_period=yoy,
            by_type=_ordered(_sum(dims, 0), TYPE_ORDER),
            by_cat1=_top(_sum(dims, 1), cfg.top_n),
            by_cat2=_top(_sum_pair(dims, 1, 2), cfg.top_n),
            by_unit=_top(_sum(dims, 3), 10_000),
            by_industry=_top(_sum(dims, 4, empty="未填写"), 10_000),
            by_urgency=_ordered(_sum(dims, 5), URGENCY_ORDER),
            by_status=_ordered(_sum(dims, 6), tuple(s.value for s in Status)),
            cat1_prev=cat1_prev, cat1_yoy=cat1_yoy, series=series,
            rates=rates, prev_rates=prev_rates, yoy_rates=yoy_rates,
            score_weights=cfg.score_weights, open_overdue_now=overdue_now,
            repeat_callers=repeat, repeat_caller_count=n_callers,
            repeat_ticket_count=n_rep_tickets, recurring_callers=recurring,
            long_open_count=long_count, long_open=long_open, reopened=reopened,
            key_case_list=key_list, key_by_urgency=[
                (u, n) for u, n in _ordered(_sum(dims, 5), URGENCY_ORDER)
                if u in KEY_URGENCIES],
            clusters=clusters, cluster_total=n_groups, clustered_tickets=clustered,
            cluster_note=note,
            alerts=alert_stats(s, e) if alert_stats else None,
            kb_gaps=kb_gaps(s, e) if kb_gaps else None,
            config=cfg,
        )

    # -------------------------------------------------------------- the ticket list (XLSX)
    def ticket_rows(self, period: Period, *, now: datetime, limit: int | None = None
                    ) -> Iterator[tuple[Any, ...]]:
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
        with self.engine.connect() as conn:
            yield from conn.execute(q).yield_per(2000)


def _aware(v: datetime | None) -> datetime | None:
    if v is None:
        return None
    if v.tzinfo is None:
        from datetime import UTC
        return v.replace(tzinfo=UTC)
    return v


def _sum(rows: list[tuple[Any, ...]], i: int, *, empty: str = "（空）") -> Counter[str]:
    c: Counter[str] = Counter()
    for r in rows:
        c[str(r[i]) if r[i] else empty] += int(r[-1])
    return c


def _sum_pair(rows: list[tuple[Any, ...]], i: int, j: int) -> Counter[str]:
    c: Counter[str] = Counter()
    for r in rows:
        c[f"{r[i]}/{r[j]}" if r[j] else str(r[i])] += int(r[-1])
    return c


def _top(c: Counter[str], n: int) -> list[tuple[str, int]]:
    return sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def _ordered(c: Counter[str], order: tuple[str, ...]) -> list[tuple[str, int]]:
    known = [(k, c[k]) for k in order if c.get(k)]
    rest = sorted(((k, v) for k, v in c.items() if k not in order), key=lambda kv: -kv[1])
    return known + rest
