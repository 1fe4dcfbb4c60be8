"""A demo ticket's life: the history a real ticket of its kind would have.

登记 → 签收 → 派发 → (联系) → 反馈 → 回访 → 办结, each at a plausible time inside its deadline
(signing within minutes, around the clock; units answer in office hours; callbacks in the day),
with the side paths at the shares a district hotline sees: a few signed or first contacted
late, closed after the deadline (超期), extended (延期), returned as not the commission's duty
(退回), and unsolved callbacks sent back for a second handling (督办 → 派发 → 反馈 → 回访).

`plan` draws the whole life; `settle` applies the steps that happened by `now`, so tickets
received long ago are finished and only recent ones are still open, spread over the statuses
as the clock left them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.services.calendar.work import WorkCalendar
from bot.services.reports.demo.content import Words
from bot.services.tickets.history import CalledBack, Dispatched, EventDetail, Extended
from bot.services.tickets.vocabulary import ALERT_URGENCIES, SATISFACTION, EventName
from bot.services.tickets.workflow import Action, Status

#: Urgencies handled at once (their own short deadlines; never returned or left late).
FAST = frozenset({"紧急", "涉稳"})


@dataclass(frozen=True)
class Step:
    """One history event: when, which action, the status after it, what it set."""

    at: datetime
    action: str
    status: str
    note: str = ""
    detail: EventDetail | None = None
    sets: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Odds:
    """How often each side path happens (shares of the tickets that reach that point)."""

    late_sign: float = 0.02
    late_contact: float = 0.04
    overdue: float = 0.05
    extend: float = 0.05
    give_back: float = 0.03
    reached: float = 0.92
    solved: float = 0.78
    solved_again: float = 0.7  # after a second handling
    supervise: float = 0.35  # of the reached but unsolved


def _min(m: float) -> timedelta:
    return timedelta(minutes=m)


class Lifecycle:
    def __init__(self, rng: random.Random, words: Words, calendar: WorkCalendar,
                 odds: Odds = Odds()) -> None:
        self.rng, self.words, self.calendar, self.odds = rng, words, calendar, odds

    def plan(self, row: dict[str, Any], *, late: bool) -> list[Step]:
        """Every step of the ticket's life, in order. `late` allows the late side paths."""
        rng, odds = self.rng, self.odds
        logged = Step(row["created_at"], EventName.logged.value, row["status"])
        if row["status"] != Status.new.value:  # e.g. 咨询 answered on the spot: closed
            return [logged]
        fast = row["urgency"] in FAST
        urgent = row["urgency"] in ALERT_URGENCIES  # leaders are waiting: never signed late
        signed = self._sign_at(row, fast, late and not urgent and rng.random() < odds.late_sign)
        steps = [logged, Step(signed, Action.sign.value, Status.signed.value,
                              sets=(("signed_at", signed),))]
        if not fast and rng.random() < odds.give_back:
            steps.append(Step(signed + _min(rng.uniform(5, 60)), Action.give_back.value,
                              Status.returned.value,
                              note=self.words.reason(self.words.c.return_reasons)))
            return steps
        dispatched = signed + _min(rng.uniform(1, 8 if fast else 25))
        steps.append(self._dispatch(row, dispatched))
        due = row["complete_by"] or dispatched + timedelta(days=5)
        new_due = None
        if not fast and row["complete_by"] is not None and rng.random() < odds.extend:
            new_due = self.calendar.add_workdays(due, rng.choice((3, 5, 7, 10)))
        overdue = late and not fast and rng.random() < odds.overdue
        handling = self._handling(row, dispatched, new_due or due, fast=fast,
                                  overdue=overdue, late=late, first=True)
        first_answer = handling[0].at
        if new_due is not None:
            at = dispatched + (min(first_answer, due) - dispatched) * rng.uniform(0.4, 0.9)
            steps.append(Step(at, Action.extend.value, Status.dispatched.value,
                              note=self.words.reason(self.words.c.extend_reasons),
                              detail=Extended(old=due, new=new_due),
                              sets=(("complete_by", new_due), ("extension_count", 1))))
        contact = self._contact_at(row, dispatched, first_answer,
                                   late and rng.random() < odds.late_contact)
        if contact is not None:
            steps.append(Step(contact, Action.contact.value, Status.dispatched.value,
                              sets=(("contacted_at", contact),)))
        steps += handling
        steps.sort(key=lambda s: s.at)  # stable: the contact and the extension slot in
        return steps

    # ---------------------------------------------------------------- the stages
    def _sign_at(self, row: dict[str, Any], fast: bool, late: bool) -> datetime:
        created, by = row["created_at"], row["sign_by"]
        if by is None:
            return created + _min(self.rng.uniform(2, 30))
        if late and not fast:
            return by + _min(self.rng.uniform(5, 120))
        wait = _min(self.rng.uniform(1, 10) if fast else 1 + self.rng.expovariate(1 / 12))
        return created + min(wait, (by - created) * 0.9)

    def _dispatch(self, row: dict[str, Any], at: datetime) -> Step:
        return Step(at, Action.dispatch.value, Status.dispatched.value,
                    detail=Dispatched(units=[row["unit"]]),
                    sets=(("dispatched_at", at), ("dispatched_units", row["unit"])))

    def _contact_at(self, row: dict[str, Any], dispatched: datetime, first_answer: datetime,
                    late: bool) -> datetime | None:
        """First contact with the caller: before the unit's answer, mostly in time."""
        by = row["contact_by"]
        if by is None:
            return None
        if late:
            t = by + timedelta(hours=self.rng.uniform(0.5, 12))
        elif by > dispatched:
            t = dispatched + (by - dispatched) * self.rng.uniform(0.05, 0.6)
        else:
            t = dispatched + _min(self.rng.uniform(2, 20))
        return max(min(t, first_answer - _min(1)), dispatched + _min(1))

    def _handling(self, row: dict[str, Any], start: datetime, due: datetime, *, fast: bool,
                  overdue: bool, late: bool, first: bool) -> list[Step]:
        """The unit's answer, the callback, then 办结 — or 督办 and a second handling (which
        may run past the deadline only when `late` allows it)."""
        rng, odds = self.rng, self.odds
        due = max(due, start + timedelta(hours=2))  # a deadline already gone: answer soon
        answer, callback, close = self._times(row, start, due, fast=fast, overdue=overdue,
                                              first=first)
        reached = rng.random() < odds.reached
        solved = reached and rng.random() < (odds.solved if first else odds.solved_again)
        sat = self._satisfaction(solved) if reached else None
        steps = [
            Step(answer, Action.feedback.value, Status.feedback.value,
                 note=self.words.feedback(row["unit"], answer), sets=(("feedback_at", answer),)),
            Step(callback, Action.callback.value, Status.called_back.value,
                 detail=CalledBack(reached=reached, solved=solved if reached else None,
                                   satisfaction=sat,
                                   recording=f"{row['platform_no']}-{1 if first else 2}.mp3"),
                 sets=(("callback_at", callback), ("callback_reached", reached),
                       ("solved", solved if reached else None), ("satisfaction", sat),
                       ("contacted_at", callback))),
        ]
        sup = callback + _min(rng.uniform(10, 120))
        again = sup + _min(rng.uniform(10, 180))
        if (first and reached and not solved and rng.random() < odds.supervise
                and (late or again + timedelta(days=1) < due)):
            steps += [Step(sup, Action.supervise.value, Status.supervised.value,
                           note=self.words.reason(self.words.c.supervise_reasons),
                           sets=(("supervise_count", 1),)),
                      self._dispatch(row, again)]
            second_due = max(due, again + timedelta(days=3)) if late else due
            return steps + self._handling(row, again, second_due, fast=fast, overdue=False,
                                          late=late, first=False)
        steps.append(Step(close, Action.close.value, Status.closed.value,
                          sets=(("closed_at", close),)))
        return steps

    def _times(self, row: dict[str, Any], start: datetime, due: datetime, *, fast: bool,
               overdue: bool, first: bool) -> tuple[datetime, datetime, datetime]:
        """When the unit answers, the callback is made and the ticket is closed."""
        rng = self.rng
        if overdue:  # the unit answers after the deadline: closed late (超期)
            answer = due + timedelta(hours=rng.uniform(2, 30))
            callback = answer + timedelta(hours=rng.uniform(1, 20))
            return answer, callback, callback + _min(rng.uniform(5, 90))
        first_by = row["first_feedback_by"] if first else None
        limit = first_by if first_by is not None and first_by > start else due
        answer = start + (limit - start) * rng.uniform(0.3, 0.9 if fast else 0.6)
        if not fast:
            answer = self._daytime(answer, start, limit, 9, 18)
        callback = answer + min(timedelta(hours=rng.uniform(1, 30)),
                                (due - answer) * rng.uniform(0.2, 0.7))
        if not fast:
            callback = self._daytime(callback, answer, due, 9, 20)
        close = callback + min(_min(rng.uniform(5, 90)), (due - callback) / 2)
        return answer, callback, close

    def _daytime(self, t: datetime, after: datetime, before: datetime, h0: int,
                 h1: int) -> datetime:
        """Move `t` into office hours of its day when that stays inside (after, before)."""
        if h0 <= t.hour < h1:
            return t
        moved = t.replace(hour=self.rng.randrange(h0, h1), minute=self.rng.randrange(60))
        return moved if after < moved < before else t

    def _satisfaction(self, solved: bool) -> str:
        r = self.rng.random()
        if r < (0.82 if solved else 0.25):
            return SATISFACTION[0]
        return SATISFACTION[1] if r < (0.95 if solved else 0.55) else SATISFACTION[2]


def settle(row: dict[str, Any], steps: Sequence[Step], now: datetime) -> list[Step]:
    """Apply to `row` the steps that happened by `now`; returns them."""
    done = [s for s in steps if s.at <= now]
    for s in done:
        row["status"] = s.status
        for key, value in s.sets:
            if key == "contacted_at" and row[key] is not None:
                continue  # a callback counts as contact only when none was made before
            row[key] = value
        row["updated_at"] = max(row["updated_at"], s.at)
    return done
