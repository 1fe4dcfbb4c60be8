"""Compliance reminders to the managers (a `Producer` in the scheduler list):

* the training year is behind its schedule — on the milestone day (e.g. 1 July with no
  training yet) and every 7 days after while still behind;
* the month's work report has not been produced — daily from a few days before month end
  until a few days into the next month (both from the rules file).

Checked once a day at `reminders_at`; the outbox's keys keep each reminder single even if
the bot restarts the same day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol

from bot.services.compliance.notes import TrainingBehindNote, WorkReportDueNote
from bot.services.compliance.periods import AssessPeriod, month, month_end
from bot.services.compliance.reportlog import WorkReportBook
from bot.services.compliance.rules import AssessmentRules
from bot.services.compliance.tracker import Tracker
from bot.services.outbox.notes import Note
from bot.services.outbox.store import NORMAL, Outbox
from bot.services.staff.directory import Member
from models.staff import Role


class Recipients(Protocol):
    def active(self, *roles: Role) -> list[Member]: ...


class ComplianceReminders:
    def __init__(self, *, rules: AssessmentRules, tracker: Tracker, reports: WorkReportBook,
                 outbox: Outbox, staff: Recipients, tz: tzinfo) -> None:
        self.rules, self.tracker, self.reports = rules, tracker, reports
        self.outbox, self.staff, self.tz = outbox, staff, tz
        self._checked: date | None = None

    def scan(self, now: datetime) -> int:
        """Enqueue today's reminders once the daily time has come; returns how many."""
        local = now.astimezone(self.tz)
        day = local.date()
        if local.time() < self.rules.reminders_at or self._checked == day:
            return 0
        self._checked = day
        notes: list[Note] = [*self.training_notes(day), *self.report_notes(day)]
        chats = [m.telegram_id for m in self.staff.active(Role.manager)] or [
            m.telegram_id for m in self.staff.active(Role.admin)]
        sent = 0
        for note in notes:
            for chat in chats:
                key = f"cmp:{note.kind}:{day.isoformat()}:{chat}"
                if self.outbox.enqueue(key=key, kind="compliance", ref=note.kind, chat_id=chat,
                                       note=note, priority=NORMAL) is not None:
                    sent += 1
        return sent

    def _in_service(self, day: date) -> bool:
        service = self.rules.service
        return service is None or service.start <= day <= service.end

    def training_notes(self, day: date) -> list[TrainingBehindNote]:
        if not self._in_service(day):
            return []
        cfg = self.rules.trainings
        out = []
        for first, last in self.rules.training_years(day, day):
            year = self.tracker.training_year(first, last, day)
            if year.over or not year.behind:
                continue
            by, expected = year.behind[-1]
            if (day - by).days % 7 == 0:
                out.append(TrainingBehindNote(year_first=first, year_last=last, by=by,
                                              expected=expected, held=year.held,
                                              per_year=cfg.per_year, amount=cfg.amount))
        return out

    def report_target(self, day: date) -> tuple[AssessPeriod, date] | None:
        """The month whose report is due around `day`, and the last day to remind."""
        cfg = self.rules.monthly_report
        end = month_end(day.year, day.month)
        if (end - day).days < cfg.remind_days_before_end:
            return month(day.year, day.month), end + timedelta(days=cfg.grace_days)
        if day.day <= cfg.grace_days:
            prev = day.replace(day=1) - timedelta(days=1)
            return month(prev.year, prev.month), prev + timedelta(days=cfg.grace_days)
        return None

    def report_notes(self, day: date) -> list[WorkReportDueNote]:
        target = self.report_target(day)
        if target is None:
            return []
        period, last_day = target
        service = self.rules.service
        if service is not None and (period.last < service.start or period.first > service.end):
            return []
        if self.reports.produced([period.key]):
            return []
        return [WorkReportDueNote(month=period.key, last_day=last_day)]
