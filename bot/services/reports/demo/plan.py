"""When the demo tickets arrive and which of them belong together.

Most tickets are independent callers. A few per cent are not, at the shares a district
hotline sees: 一人多反映 — a handful of frequent callers through the year, and callers who ring
again a few days later because their problem is not settled — and 多人反映同一问题 — now and
then several people within days about one problem (a burst). Receipt times follow the
months (flu season, the Spring Festival dip), the weekdays and office hours.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.services.reports.demo.content import DemoContent

MONTH_WEIGHTS = (0.95, 0.7, 1.0, 1.0, 1.0, 1.05, 1.15, 1.15, 1.05, 1.1, 1.15, 1.05)
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 11, 8, 10, 13, 13, 12, 10, 7, 6, 5, 4, 3, 2)
#: One burst (several callers, one problem) per this many tickets, of 3–12 tickets each.
TICKETS_PER_BURST = 400
BURST_SIZE = (3, 12)
#: Frequent callers: one per this many tickets, each calling 4–14 times in the year.
TICKETS_PER_FREQUENT_CALLER = 700
FREQUENT_CALLS = (4, 14)
#: Callers who ring again about the same ticket, 1–10 days later: one per this many tickets.
TICKETS_PER_FOLLOW_UP = 70
FOLLOW_UP_DAYS = (1.0, 10.0)

Kind = Literal["plain", "burst", "frequent", "follow_up"]


@dataclass(eq=False)
class Arrival:
    """One ticket to make: when it arrives and what it belongs to."""

    at: datetime
    kind: Kind = "plain"
    category: str | None = None  # burst, frequent: fixed; else drawn with the season
    text: str = ""  # burst: the sentence the callers share
    place: str = ""  # burst: where it happens
    group: int | None = None  # burst: which one (its callers name one unit)
    caller: int | None = None  # frequent: which caller of the pool
    first: Arrival | None = None  # follow_up: the caller's earlier ticket
    made: dict[str, Any] = field(default_factory=dict)  # the ticket row, once made


def times(rng: random.Random, n: int, start: datetime, end: datetime) -> list[datetime]:
    """n receipt times in [start, end) with month, weekday and hour patterns, in order."""
    days = []
    d = start.replace(hour=0, minute=0, second=0, microsecond=0)
    while d < end:
        w = MONTH_WEIGHTS[d.month - 1] * (0.75 if d.weekday() >= 5 else 1.0)
        days.append((d, w))
        d += timedelta(days=1)  # aware arithmetic keeps local midnight
    day_list = [x for x, _ in days]
    day_cum = list(itertools.accumulate(w for _, w in days))
    hour_cum = list(itertools.accumulate(HOUR_WEIGHTS))
    out: list[datetime] = []
    while len(out) < n:  # the first and last day are partial: draw again outside [start, end)
        k = n - len(out)
        picks = rng.choices(day_list, cum_weights=day_cum, k=k)
        hours = rng.choices(range(24), cum_weights=hour_cum, k=k)
        for day, hour in zip(picks, hours, strict=True):
            t = day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
            if start <= t < end:
                out.append(t)
    out.sort()
    return out


def arrivals(rng: random.Random, n: int, start: datetime, end: datetime,
             c: DemoContent) -> list[Arrival]:
    """The n arrivals of [start, end), in order of receipt."""
    n_burst = n // TICKETS_PER_BURST if n >= 200 else 0
    burst_sizes = [rng.randint(*BURST_SIZE) for _ in range(n_burst)]
    n_callers = n // TICKETS_PER_FREQUENT_CALLER
    calls = [rng.randint(*FREQUENT_CALLS) for _ in range(n_callers)]
    n_follow = n // TICKETS_PER_FOLLOW_UP if n >= 100 else 0
    n_plain = max(0, n - sum(burst_sizes) - sum(calls) - n_follow)
    plan = [Arrival(t) for t in times(rng, n_plain, start, end)]
    last = end - timedelta(seconds=1)
    for group, size in enumerate(burst_sizes):
        cat, text = rng.choice(c.bursts)
        place = rng.choice(c.areas) + rng.choice(c.estates)
        t0 = times(rng, 1, start, end)[0]
        for _ in range(size):
            t = min(t0 + timedelta(hours=rng.uniform(0, 24 * 10)), last)
            plan.append(Arrival(t, "burst", category=cat, text=text, place=place, group=group))
    categories, weights = list(c.category_weights), list(c.category_weights.values())
    for i, k in enumerate(calls):
        cat = rng.choices(categories, weights=weights)[0]
        plan += [Arrival(t, "frequent", category=cat, caller=i)
                 for t in times(rng, k, start, end)]
    plain = [a for a in plan if a.kind == "plain"]
    for first in rng.sample(plain, min(n_follow, len(plain))):
        t = first.at + timedelta(days=rng.uniform(*FOLLOW_UP_DAYS))
        plan.append(Arrival(min(t, last), "follow_up", first=first) if t < end
                    else Arrival(times(rng, 1, start, end)[0]))
    plan.sort(key=lambda a: a.at)
    return plan
