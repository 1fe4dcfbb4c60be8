"""Synthetic tickets so a new user can try every report (`python -m bot demo-data`).

Deterministic for a seed. The mix follows a district health commission's hotline: categories
and units from the packaged reference data, request types, urgency, seasonality (flu-vaccine
autumn, winter and summer infectious disease, the Spring Festival dip), office-hour peaks,
repeat callers (一人多反映) and bursts of many callers about one problem (多人反映同一问题).
Demo tickets are numbered ``DEMO<year><seq>``; a database holding any other ticket is "real"
and refused unless forced. Rows go in with SQLAlchemy Core ``insert()`` in chunks.

The words (templates, names, places, the category mix) are data: `bot/data/demo_tickets.yaml`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from bot.configfiles.errors import ConfigFileError
from bot.configfiles.yaml_source import YamlSource
from bot.services.reference.data import load_reference
from bot.services.tickets.workflow import Status
from models.ticket import Ticket

PREFIX = "DEMO"
CHUNK = 5000
CONTENT_FILE = Path(__file__).resolve().parents[2] / "data" / "demo_tickets.yaml"

MONTH_WEIGHTS = (0.95, 0.7, 1.0, 1.0, 1.0, 1.05, 1.15, 1.15, 1.05, 1.1, 1.15, 1.05)
OTHER = "其他"  # the catch-all category (its templates serve categories without their own)
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 11, 8, 10, 13, 13, 12, 10, 7, 6, 5, 4, 3, 2)


class DemoContent(BaseModel):
    """The words of the demo tickets (`bot/data/demo_tickets.yaml`); order matters (seeded)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = 1
    category_weights: dict[str, int]
    seasonal: dict[str, dict[int, float]]
    type_by_category: dict[str, dict[str, int]]
    default_types: dict[str, int]
    industry: dict[str, str]
    default_industry: str
    surnames: str
    given: str
    places: list[str]
    address: str
    depts: list[str]
    unit_prefixes: list[str]
    templates: dict[str, list[str]]
    who: list[str]
    when: list[str]
    bad: list[str]
    details: list[str]
    bursts: list[tuple[str, str]]
    burst_verb: str
    filler: list[str]


@lru_cache(maxsize=1)
def content() -> DemoContent:
    """The packaged demo content, read once."""
    return YamlSource(CONTENT_FILE, ConfigFileError).validate(DemoContent)


@dataclass(frozen=True)
class DemoResult:
    inserted: int
    first_no: str
    last_no: str


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


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Gen:
    def __init__(self, seed: int, tz: tzinfo) -> None:
        self.rng = random.Random(seed)
        self.tz = tz
        self.c = content()
        ref = load_reference()
        self.categories = ref.categories
        units = ref.units
        kind: dict[str, list[str]] = {}
        for u in units:
            kind.setdefault(u.kind, []).append(u.name)
        self.hospitals = kind.get("医院", ["朝阳医院"])
        self.chc = kind.get("社区卫生服务中心", ["社区卫生服务中心"])
        self.cdc = (kind.get("疾控中心") or ["疾控中心"])[0]
        self.supervision = (kind.get("监督所") or ["卫生监督所"])[0]
        sections = {u.name for u in units if u.kind == "科室"}

        def sec(name: str) -> str:
            return name if name in sections else next(iter(sorted(sections)), name)

        emergency = next((h for h in self.hospitals if "急救" in h), self.hospitals[0])
        mch = next((h for h in self.hospitals if "妇幼" in h), self.hospitals[0])
        self.unit_for: dict[str, Callable[[], str]] = {
            "医疗服务": self._hospital, "预约挂号": self._hospital, "医德医风": self._hospital,
            "医疗纠纷": self._hospital,
            "疫苗接种": lambda: self.rng.choice(self.chc) if self.rng.random() < 0.8 else self.cdc,
            "出生医学证明": lambda: mch, "母婴保健": lambda: mch,
            "计划生育奖励扶助": lambda: sec("人口家庭科"),
            "控烟": lambda: self.supervision, "公共场所卫生": lambda: self.supervision,
            "生活饮用水": lambda: self.supervision, "医疗美容与非法行医": lambda: self.supervision,
            "院前急救120": lambda: emergency, "职业健康": lambda: sec("职业健康科"),
            "老年健康与医养结合": lambda: self.rng.choice(self.chc)
            if self.rng.random() < 0.6 else sec("老龄健康科"),
            "传染病防控": lambda: self.cdc, "执业注册": lambda: sec("医政医管科"),
            OTHER: lambda: sec("办公室"),
        }
        # a few large hospitals take most hospital tickets
        self.hospital_weights = [max(1, 12 - i) for i in range(len(self.hospitals))]
        self.repeaters = [self._phone() for _ in range(2000)]
        self.repeater_names = [self._name() for _ in self.repeaters]
        self.repeater_cats = [_weighted(self.rng, self.c.category_weights)
                              for _ in self.repeaters]

    def _hospital(self) -> str:
        return self.rng.choices(self.hospitals, weights=self.hospital_weights)[0]

    def _phone(self) -> str:
        return "1" + self.rng.choice("3578") + "".join(self.rng.choices("0123456789", k=9))

    def _name(self) -> str:
        return self.rng.choice(self.c.surnames) + "".join(self.rng.choices(
            self.c.given, k=self.rng.choice((1, 2, 2))))

    def _content(self, cat: str, unit: str) -> str:
        rng = self.rng
        c = self.c
        tpl = rng.choice(c.templates.get(cat) or c.templates[OTHER])
        return tpl.format(who=rng.choice(c.who), unit=self.short(unit), dept=rng.choice(c.depts),
                          bad=rng.choice(c.bad), detail=rng.choice(c.details),
                          n=rng.randint(2, 9), place=rng.choice(c.places),
                          when=rng.choice(c.when))

    def short(self, unit: str) -> str:
        """The unit's name as callers say it (without the district or university prefix)."""
        for prefix in self.c.unit_prefixes:
            unit = unit.replace(prefix, "")
        return unit

    def times(self, n: int, start: datetime, end: datetime) -> list[datetime]:
        """n receipt times between start and end with month, weekday and hour patterns."""
        rng = self.rng
        days = []
        d = start
        while d < end:
            w = MONTH_WEIGHTS[d.month - 1] * (0.75 if d.weekday() >= 5 else 1.0)
            days.append((d, w))
            d += timedelta(days=1)
        picks = rng.choices([x for x, _ in days], weights=[w for _, w in days], k=n)
        hours = rng.choices(range(24), weights=HOUR_WEIGHTS, k=n)
        out = []
        for day, h in zip(picks, hours, strict=True):
            t = day.replace(hour=h, minute=rng.randrange(60), second=rng.randrange(60))
            out.append(min(t, end - timedelta(seconds=1)))
        out.sort()
        return out

    def ticket(self, no: str, at: datetime, now: datetime, *, cat: str | None = None,
               content: str | None = None, phone: str | None = None, name: str | None = None,
               unit: str | None = None) -> dict[str, Any]:
        rng = self.rng
        if cat is None:
            weights = {k: v * self.c.seasonal.get(k, {}).get(at.month, 1.0)
                       for k, v in self.c.category_weights.items()}
            cat = _weighted(rng, weights)
        l2s = self.categories.get(cat) or [OTHER]
        cat2 = rng.choice(l2s[:-1] or l2s) if rng.random() < 0.9 else l2s[-1]
        unit = unit or self.unit_for.get(cat, self._hospital)()
        content = content or self._content(cat, unit)
        rtype = _weighted(rng, self.c.type_by_category.get(cat, self.c.default_types))
        urg_r = rng.random()
        urgency = ("涉稳" if urg_r < 0.004 else "紧急" if urg_r < 0.015 else
                   "重点" if urg_r < 0.04 else "急" if urg_r < 0.12 else "一般")
        fast = urgency in ("紧急", "涉稳")
        sign_by = at + timedelta(minutes=30 if fast else 120)
        contact_by = at + timedelta(hours=2 if fast else 24)
        complete_by = at + timedelta(days=1 if fast else 7)
        row: dict[str, Any] = {
            "platform_no": no, "received_at": at, "citizen_name": name or self._name(),
            "phone": phone or self._phone(), "address": self.c.address.format(
                place=rng.choice(self.c.places), n=rng.randint(1, 30)),
            "request_type": rtype, "category_l1": cat,
            "category_l2": cat2, "unit": unit,
            "industry": self.c.industry.get(cat, self.c.default_industry),
            "urgency": urgency, "complex_case": False, "content": content,
            "platform_deadline": None, "status": Status.new.value, "handler_id": None,
            "created_by": None, "created_at": at, "updated_at": at, "sign_by": sign_by,
            "contact_by": contact_by, "first_feedback_by": None, "complete_by": complete_by,
            "deadlines_provisional": False, "policy_class": "demo", "signed_at": None,
            "contacted_at": None, "dispatched_at": None, "feedback_at": None,
            "callback_at": None, "closed_at": None, "dispatched_units": "", "copied_to": "",
            "solved": None, "satisfaction": None, "callback_reached": None,
            "extension_count": 0, "supervise_count": 0, "repeat_count": 0, "repeat_refs": "",
            "similar_refs": "",
        }
        self._progress(row, at, now, fast)
        return row

    def _progress(self, row: dict[str, Any], at: datetime, now: datetime, fast: bool) -> None:
        """Move the ticket along the workflow as far as `now` allows."""
        rng = self.rng
        steps: list[tuple[str, datetime]] = []
        t = at + timedelta(minutes=rng.randint(3, 25) if rng.random() < 0.95 else
                           rng.randint(130, 600))
        if rng.random() < 0.03:  # 退回: not this commission's duty
            if t <= now:
                row.update(status=Status.returned.value, signed_at=None, updated_at=t)
            return
        steps.append(("signed_at", t))
        t2 = t + timedelta(minutes=rng.randint(5, 60))
        steps.append(("dispatched_at", t2))
        contact = at + (timedelta(minutes=rng.randint(20, 100)) if fast else
                        timedelta(hours=rng.uniform(1, 20)))
        if rng.random() < 0.06:
            contact += timedelta(hours=30)
        if contact <= now:
            row["contacted_at"] = contact
        extend = rng.random() < 0.05
        long_open = rng.random() < 0.01  # stays with the unit: a long-standing problem
        fb = t2 + timedelta(days=rng.uniform(0.2, 1 if fast else 6.5))
        if rng.random() < 0.05:
            fb += timedelta(days=rng.uniform(1, 5))
        if not long_open:
            cb = fb + timedelta(hours=rng.uniform(2, 40))
            close = cb + timedelta(hours=rng.uniform(0.5, 8))
            steps += [("feedback_at", fb), ("callback_at", cb), ("closed_at", close)]
        status_after = {"signed_at": Status.signed, "dispatched_at": Status.dispatched,
                        "feedback_at": Status.feedback, "callback_at": Status.called_back,
                        "closed_at": Status.closed}
        for field_name, when in steps:
            if when > now:
                break
            row[field_name] = when
            row["status"] = status_after[field_name].value
            row["updated_at"] = max(row["updated_at"], when)
        if row["dispatched_at"]:
            row["dispatched_units"] = row["unit"]
        if extend and row["dispatched_at"]:
            row["extension_count"] = 1
            row["complete_by"] = row["complete_by"] + timedelta(days=7)
        if row["callback_at"]:
            reached = rng.random() < 0.88
            row["callback_reached"] = reached
            if reached:
                solved = rng.random() < 0.78
                r = rng.random()
                sat = ("满意" if r < (0.82 if solved else 0.25) else
                       "基本满意" if r < (0.95 if solved else 0.55) else "不满意")
                row.update(solved=solved, satisfaction=sat)
                if not solved and rng.random() < 0.3:
                    row["supervise_count"] = 1
                    if row["status"] == Status.called_back.value:
                        row["status"] = Status.supervised.value


def generate(engine: Engine, *, tickets: int, year: int, now: datetime, seed: int = 12345,
             force: bool = False, tz: tzinfo | None = None,
             progress: Callable[[int], None] | None = None) -> DemoResult:
    """Insert `tickets` synthetic tickets received in `year` (up to `now`).

    Times are local to `tz` (default: the zone of `now`, i.e. the clock's configured zone).
    """
    real = 0 if force else real_ticket_count(engine)
    if real:
        raise RealTicketsError(real)
    tz = tz or now.tzinfo
    if tz is None:
        raise ValueError("`now` must be aware (the clock's now)")
    start = datetime(year, 1, 1, tzinfo=tz)
    end = min(datetime(year + 1, 1, 1, tzinfo=tz), now)
    if end <= start:
        raise YearNotStartedError(year)
    gen = _Gen(seed + year, tz)
    c = Ticket.__table__.c
    with engine.connect() as conn:
        last = conn.execute(select(func.max(c.platform_no)).where(
            c.platform_no.like(f"{PREFIX}{year}%"))).scalar_one()
    first_seq = int(last[len(PREFIX) + 4:]) + 1 if last else 1
    nos = iter(range(first_seq, first_seq + tickets))
    rows = _rows(gen, tickets, start, end, now, year, nos)
    inserted = 0
    first_no = last_no = ""
    stmt = insert(Ticket.__table__)
    chunk: list[dict[str, Any]] = []
    with engine.begin() as conn:
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                conn.execute(stmt, chunk)
                inserted += len(chunk)
                first_no = first_no or chunk[0]["platform_no"]
                last_no = chunk[-1]["platform_no"]
                chunk = []
                if progress:
                    progress(inserted)
        if chunk:
            conn.execute(stmt, chunk)
            inserted += len(chunk)
            first_no = first_no or chunk[0]["platform_no"]
            last_no = chunk[-1]["platform_no"]
    return DemoResult(inserted, first_no, last_no)


def _rows(gen: _Gen, n: int, start: datetime, end: datetime, now: datetime, year: int,
          nos: Iterator[int]) -> Iterator[dict[str, Any]]:
    rng = gen.rng
    n_burst = max(1, n // 1500) if n >= 200 else 0
    burst_sizes = [rng.randint(4, 25) for _ in range(n_burst)]
    n_repeat = n // 25 if n >= 100 else 0
    n_callers = max(5, min(len(gen.repeaters), n // 200))
    caller_weights = [1 / (i + 1) ** 0.5 for i in range(n_callers)]
    n_plain = max(0, n - sum(burst_sizes) - n_repeat)
    plan: list[tuple[datetime, Any]] = [(t, None) for t in gen.times(n_plain, start, end)]
    for size in burst_sizes:  # 多人反映同一问题: several callers, a few days
        cat, text = rng.choice(gen.c.bursts)
        unit = gen.unit_for.get(cat, gen._hospital)()
        text = text.format(place=rng.choice(gen.c.places), unit=gen.short(unit))
        t0 = gen.times(1, start, end)[0]
        for _ in range(size):
            t = min(t0 + timedelta(hours=rng.uniform(0, 24 * 10)), end - timedelta(seconds=1))
            plan.append((t, ("burst", cat, text, unit)))
    for _ in range(n_repeat):  # 一人多反映: a pool of frequent callers, each on their topic
        i = rng.choices(range(n_callers), weights=caller_weights)[0]
        t = gen.times(1, start, end)[0]
        plan.append((t, ("repeat", i)))
    plan.sort(key=lambda x: x[0])
    for seq, (at, what) in zip(nos, plan, strict=False):
        no = f"{PREFIX}{year}{seq:07d}"
        if what is None:
            yield gen.ticket(no, at, now)
        elif what[0] == "burst":
            _, cat, text, unit = what
            words = [rng.choice(gen.c.who), gen.c.burst_verb, text, rng.choice(gen.c.filler)]
            yield gen.ticket(no, at, now, cat=cat, content="".join(words), unit=unit)
        else:
            i = what[1]
            row = gen.ticket(no, at, now, cat=gen.repeater_cats[i], phone=gen.repeaters[i],
                             name=gen.repeater_names[i])
            row["repeat_count"] = 1
            yield row
