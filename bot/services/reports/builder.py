"""FigureBuilder: every figure of one report, gathered in one connection from `queries.py`.

The figures come in four groups (intake and rates, callers, case lists, clusters), each a
small method returning its `Figures` fields, so `build` reads as the list of what a report
holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection, Engine

from bot.services.reports.clusters import cluster_tickets
from bot.services.reports.config import ReportConfig
from bot.services.reports.figures import AlertStats, ClusterCap, Figures
from bot.services.reports.periods import Period
from bot.services.reports.queries import FigureQueries
from bot.services.reports.vocab import (
    EMPTY,
    KEY_URGENCIES,
    NO_INDUSTRY,
    TYPE_ORDER,
    URGENCY_ORDER,
)
from bot.services.tickets.workflow import Status

NO_CLUSTERS: dict[str, Any] = {"clusters": [], "cluster_total": 0, "clustered_tickets": 0,
                               "cluster_cap": None}


class FigureBuilder:
    def __init__(self, engine: Engine, config: ReportConfig) -> None:
        self.engine, self.config = engine, config
        self.queries = FigureQueries(config)

    def build(self, period: Period, *, now: datetime,
              alert_stats: Callable[[datetime, datetime], AlertStats | None] | None = None,
              kb_gaps: Callable[[datetime, datetime], int | None] | None = None,
              with_clusters: bool = True) -> Figures:
        """Every figure of `period` as seen at `now` (figures stop at the period's end)."""
        as_of = min(period.end, now)
        with self.engine.connect() as conn:
            parts = {**self._intake(conn, period, now, as_of), **self._callers(conn, period),
                     **self._lists(conn, period, now),
                     **(self._clusters(conn, period) if with_clusters else NO_CLUSTERS)}
        s, e = period.start, period.end
        return Figures(period=period, generated_at=now, as_of=as_of, config=self.config,
                       alerts=alert_stats(s, e) if alert_stats else None,
                       kb_gaps=kb_gaps(s, e) if kb_gaps else None, **parts)

    def ticket_rows(self, period: Period, *, now: datetime, limit: int | None = None
                    ) -> Iterator[tuple[Any, ...]]:
        """Stream the period's tickets (with personal data: for the private XLSX only)."""
        with self.engine.connect() as conn:
            yield from self.queries.ticket_rows(conn, period, now=now, limit=limit)

    # -------------------------------------------------------------- the groups of figures
    def _intake(self, conn: Connection, period: Period, now: datetime, as_of: datetime
                ) -> dict[str, Any]:
        """Counts, the breakdowns, the trend and the rates, with the previous period and
        the same period a year earlier."""
        q, cfg = self.queries, self.config
        prev, yoy = period.previous(), period.last_year()
        s, e = period.start, period.end
        dims = q.dimensions(conn, s, e)
        cat1_prev, cat1_yoy = q.cat1(conn, prev.start, prev.end), q.cat1(conn, yoy.start, yoy.end)
        by_urgency = _ordered(_sum(dims, 5), URGENCY_ORDER)
        return {
            "counts": q.counts(conn, s, e, as_of),
            "prev_total": sum(cat1_prev.values()), "yoy_total": sum(cat1_yoy.values()),
            "prev_period": prev, "yoy_period": yoy,
            "by_type": _ordered(_sum(dims, 0), TYPE_ORDER),
            "by_cat1": _top(_sum(dims, 1), cfg.top_n),
            "by_cat2": _top(_sum_pair(dims, 1, 2), cfg.top_n),
            "by_unit": _top(_sum(dims, 3), 10_000),
            "by_industry": _top(_sum(dims, 4, empty=NO_INDUSTRY), 10_000),
            "by_urgency": by_urgency,
            "by_status": _ordered(_sum(dims, 6), tuple(st.value for st in Status)),
            "key_by_urgency": [(u, n) for u, n in by_urgency if u in KEY_URGENCIES],
            "cat1_prev": cat1_prev, "cat1_yoy": cat1_yoy, "series": q.series(conn, period),
            "rates": q.rates(conn, s, e, as_of),
            "prev_rates": q.rates(conn, prev.start, prev.end, min(prev.end, now)),
            "yoy_rates": q.rates(conn, yoy.start, yoy.end, min(yoy.end, now)),
            "score_weights": cfg.score_weights,
        }

    def _callers(self, conn: Connection, period: Period) -> dict[str, Any]:
        """一人多反映 and callers who also called before the period."""
        repeat, n_callers, n_tickets = self.queries.repeat_callers(conn, period.start,
                                                                   period.end)
        return {"repeat_callers": repeat, "repeat_caller_count": n_callers,
                "repeat_ticket_count": n_tickets,
                "recurring_callers": self.queries.recurring(conn, period.start, period.end)}

    def _lists(self, conn: Connection, period: Period, now: datetime) -> dict[str, Any]:
        """Overdue now, long-standing, supervised and key cases."""
        q = self.queries
        long_count, long_open = q.long_open(conn, period, now)
        return {"open_overdue_now": q.overdue_now(conn, now), "long_open_count": long_count,
                "long_open": long_open, "reopened": q.reopened(conn, period),
                "key_case_list": q.key_cases(conn, period)}

    def _clusters(self, conn: Connection, period: Period) -> dict[str, Any]:
        """多人反映同一问题 over at most `clusters.max_tickets` of the period's latest tickets."""
        cfg = self.config.clusters
        docs, total = self.queries.cluster_docs(conn, period.start, period.end,
                                                cfg.max_tickets)
        cap = ClusterCap(total=total, used=len(docs)) if total > len(docs) else None
        groups = cluster_tickets(docs, cfg)
        return {"clusters": groups[:cfg.show], "cluster_total": len(groups),
                "clustered_tickets": sum(g.size for g in groups), "cluster_cap": cap}


def _sum(rows: list[tuple[Any, ...]], i: int, *, empty: str = EMPTY) -> Counter[str]:
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
