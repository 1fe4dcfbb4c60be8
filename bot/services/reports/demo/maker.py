"""One demo ticket from an arrival: who calls about what, which unit, how urgent, the deadlines
the configured policy gives it, the warnings logging would have shown, and its life up to now.

Nothing is left the way a start-up would trip over: a ticket still open at `now` is never
overdue by more than `STALE` (its late steps are drawn again, in time), urgent tickets are
never left waiting for their first 收到 (none arrive in the last `QUIET`), and every reminder
step already due at `now` is recorded as skipped, so the first scheduler run sends only what
truly falls due from then on.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.services.calendar.work import WorkCalendar
from bot.services.reminders.steps import NEVER, current_step, next_fire, open_milestones
from bot.services.reminders.steps import Step as ReminderStep
from bot.services.reports.demo.content import INCIDENT_TYPES, Words
from bot.services.reports.demo.lifecycle import Lifecycle, Step, settle
from bot.services.reports.demo.plan import Arrival
from bot.services.reports.demo.units import UnitPicker
from bot.services.tickets.deadlines import DeadlinePolicy
from bot.services.tickets.repeats import REPEAT_WINDOW_DAYS
from bot.services.tickets.vocabulary import ALERT_URGENCIES, CONSULTATION, DEFAULT_URGENCY
from bot.services.tickets.workflow import OPEN_STATUSES, Status
from models.ticket import Ticket

#: (urgency, share) of the tickets; the rest are 一般. A burst is a key case more often.
URGENCY_SHARES = (("涉稳", 0.004), ("紧急", 0.011), ("重点", 0.025), ("急", 0.08))
BURST_KEY_CASE = 0.2
#: 咨询 answered during the call and closed at logging (the policy's 即时办结 row).
ON_THE_SPOT = 0.4
#: Incident tickets marked 复杂疑难 (longer deadline).
COMPLEX = 0.015
#: An open ticket is never left overdue longer than this at `now`.
STALE = timedelta(hours=30)
#: No urgent ticket arrives this close to `now` (it would still be waiting for 收到).
QUIET = timedelta(hours=3)
BURST_TYPES = {"投诉": 5, "举报": 2, "求助": 2}
PRAISE = "表扬"
_OPEN = frozenset(s.value for s in OPEN_STATUSES)


@dataclass
class Made:
    """A ticket row (no id yet), its history up to now and the reminder steps already due."""

    row: dict[str, Any]
    steps: list[Step]
    skipped: list[ReminderStep]


class TicketMaker:
    def __init__(self, *, rng: random.Random, words: Words, units: UnitPicker,
                 policy: DeadlinePolicy, calendar: WorkCalendar, now: datetime,
                 leads: Sequence[int]) -> None:
        self.rng, self.words, self.units = rng, words, units
        self.policy, self.calendar, self.now, self.leads = policy, calendar, now, tuple(leads)
        self.life = Lifecycle(rng, words, calendar)
        c = words.c
        self.categories, self.weights = list(c.category_weights), list(c.category_weights.values())
        self.callers: dict[int, tuple[str, str]] = {}  # frequent caller → (phone, name)
        self.by_phone: dict[str, list[tuple[datetime, str]]] = {}
        self.by_burst: dict[int, list[str]] = {}  # burst → its tickets so far
        self.burst_units: dict[int, str] = {}

    def make(self, a: Arrival, no: str) -> Made:
        row = self._row(a, no)
        a.made = row
        steps, skipped = self._life(row)
        return Made(row, steps, skipped)

    # ---------------------------------------------------------------- the ticket as logged
    def _row(self, a: Arrival, no: str) -> dict[str, Any]:
        rng, at = self.rng, a.at
        cat, rtype, unit, text, phone, name = self._what(a)
        urgency = self._urgency(a)
        on_spot = rtype == CONSULTATION and urgency == DEFAULT_URGENCY and \
            rng.random() < ON_THE_SPOT
        complex_case = rtype in INCIDENT_TYPES and urgency == DEFAULT_URGENCY and \
            rng.random() < COMPLEX
        dl = self.policy.compute(received_at=at, urgency=urgency, request_type=rtype,
                                 calendar=self.calendar, complex_case=complex_case,
                                 answered_on_spot=on_spot)
        created = min(at + timedelta(minutes=rng.uniform(1, 6)), self.now)  # logged just after
        closed = self.policy.classes[dl.policy_class].no_deadlines
        repeat_refs = self._repeats(phone, at, no)
        return {
            "platform_no": no, "received_at": at, "citizen_name": name, "phone": phone,
            "address": self.words.address(), "request_type": rtype, "category_l1": cat,
            "category_l2": self.units.category_l2(cat), "unit": unit,
            "industry": self.words.c.industry.get(cat, self.words.c.default_industry),
            "urgency": urgency, "complex_case": complex_case, "content": text,
            "platform_deadline": None,
            "status": Status.closed.value if closed else Status.new.value,
            "handler_id": None, "created_by": None, "created_at": created,
            "updated_at": created, "sign_by": dl.sign_by, "contact_by": dl.contact_by,
            "first_feedback_by": dl.first_feedback_by, "complete_by": dl.complete_by,
            "deadlines_provisional": dl.provisional, "policy_class": dl.policy_class,
            "next_reminder_at": None, "signed_at": None, "contacted_at": None,
            "dispatched_at": None, "feedback_at": None, "callback_at": None,
            "closed_at": created if closed else None, "dispatched_units": "", "copied_to": "",
            "solved": None, "satisfaction": None, "callback_reached": None,
            "extension_count": 0, "supervise_count": 0, "repeat_count": len(repeat_refs),
            "repeat_refs": "、".join(repeat_refs)[:512],
            "similar_refs": self._similar(a, no),
        }

    def _what(self, a: Arrival) -> tuple[str, str, str, str, str, str]:
        """(category, request type, unit, content, phone, name) of the call."""
        rng, words = self.rng, self.words
        first = a.first.made if a.first is not None else None
        if first is not None:
            cat, rtype, unit = first["category_l1"], first["request_type"], first["unit"]
        else:
            cat = a.category or self._season_category(a.at)
            kinds = BURST_TYPES if a.kind == "burst" else \
                words.c.type_by_category.get(cat, words.c.default_types)
            rtype = rng.choices(list(kinds), weights=list(kinds.values()))[0]
            # praise is for the people who cared for someone: a hospital's staff
            unit = self.units.hospital() if rtype == PRAISE else self._unit(a, cat)
        if a.kind == "burst":
            text = words.burst(a.text.format(place=a.place, unit=words.short(unit)))
        elif first is not None and rtype in INCIDENT_TYPES:
            text = words.follow_up(first["content"], first["received_at"])
        else:
            text = words.content(cat, rtype, unit=unit, at=a.at)
        if first is not None:
            return cat, rtype, unit, text, first["phone"], first["citizen_name"]
        if a.caller is not None:
            phone, name = self.callers.setdefault(a.caller, (words.phone(), words.name()))
            return cat, rtype, unit, text, phone, name
        return cat, rtype, unit, text, words.phone(), words.name()

    def _unit(self, a: Arrival, cat: str) -> str:
        if a.group is None:
            return self.units.unit(cat)
        if a.group not in self.burst_units:  # the callers of one burst name one unit
            self.burst_units[a.group] = self.units.unit(cat)
        return self.burst_units[a.group]

    def _season_category(self, at: datetime) -> str:
        seasonal = self.words.c.seasonal
        weights = [w * seasonal.get(k, {}).get(at.month, 1.0)
                   for k, w in zip(self.categories, self.weights, strict=True)]
        return self.rng.choices(self.categories, weights=weights)[0]

    def _urgency(self, a: Arrival) -> str:
        r = self.rng.random()
        if a.kind == "burst" and r < BURST_KEY_CASE:
            urgency = "重点"
        else:
            urgency = DEFAULT_URGENCY
            for name, share in URGENCY_SHARES:
                if r < share:
                    urgency = name
                    break
                r -= share
        if urgency in ALERT_URGENCIES and a.at > self.now - QUIET:
            return "急"  # not an alert: an urgent ticket now would still await 收到
        return urgency

    def _repeats(self, phone: str, at: datetime, no: str) -> list[str]:
        """一人多反映 as logging shows it: this caller's tickets of the last 90 days."""
        earlier = self.by_phone.setdefault(phone, [])
        since = at - timedelta(days=REPEAT_WINDOW_DAYS)
        refs = [n for t, n in reversed(earlier) if t >= since][:20]
        earlier.append((at, no))
        return refs

    def _similar(self, a: Arrival, no: str) -> str:
        """多人反映同一问题 as logging shows it: the earlier tickets of the same burst."""
        if a.group is None:
            return ""
        group = self.by_burst.setdefault(a.group, [])
        refs = "、".join(reversed(group[-10:]))
        group.append(no)
        return refs

    # ---------------------------------------------------------------- its life until now
    def _life(self, row: dict[str, Any]) -> tuple[list[Step], list[ReminderStep]]:
        logged = dict(row)
        steps = settle(row, self.life.plan(row, late=True), self.now)
        if self._stale(row):  # it would nag at once: this one was handled in time
            row.clear()
            row.update(logged)
            steps = settle(row, self.life.plan(row, late=False), self.now)
        return steps, self._reminders(row)

    def _stale(self, row: dict[str, Any]) -> bool:
        if row["status"] not in _OPEN:
            return False
        return any(due < self.now - STALE for _, due in open_milestones(Ticket(**row)))

    def _reminders(self, row: dict[str, Any]) -> list[ReminderStep]:
        """The reminder steps already due (recorded as skipped) and when the next one is."""
        if row["status"] not in _OPEN:
            row["next_reminder_at"] = NEVER
            return []
        milestones = open_milestones(Ticket(**row))
        row["next_reminder_at"] = min((next_fire(due, self.now, self.leads)
                                       for _, due in milestones), default=NEVER)
        return [s for kind, due in milestones
                if (s := current_step(kind, due, self.now, self.leads)) is not None]
