"""The monthly work report to the commission (合同 六.2: business, staff changes, staff
assessment), gathered as data; ``bot/texts`` writes the DOCX with marked places for the
project lead's judgement.

The assessment section is the service period (or the calendar year) to date, as of the
month's last day — where the acceptance check would stand if it were held then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.services.compliance.business import BusinessFigures, BusinessSummary
from bot.services.compliance.incidents import IncidentLog, IncidentView
from bot.services.compliance.periods import AssessPeriod, default_period
from bot.services.compliance.register import RecordView, StaffRegister
from bot.services.compliance.reportlog import WorkReportBook
from bot.services.compliance.results import Assessment
from bot.services.compliance.tracker import Tracker
from bot.services.compliance.trainings import TrainingLog, TrainingView


@dataclass(frozen=True)
class WorkReportDraft:
    month: AssessPeriod
    generated_at: datetime
    business: BusinessSummary | None  # None: figures unavailable, to be filled in by hand
    hires: tuple[RecordView, ...]
    departures: tuple[RecordView, ...]
    trainings: tuple[TrainingView, ...]
    incidents: tuple[IncidentView, ...]
    onboarded: tuple[RecordView, ...]  # on-boarding training in the month
    assessment: Assessment

    @property
    def stem(self) -> str:
        return f"工作汇报_{self.month.key}"


class WorkReports:
    def __init__(self, *, clock: Clock, tracker: Tracker, register: StaffRegister,
                 trainings: TrainingLog, incidents: IncidentLog, book: WorkReportBook,
                 business: BusinessFigures) -> None:
        self.clock, self.tracker, self.register = clock, tracker, register
        self.trainings, self.incidents, self.book = trainings, incidents, book
        self.business = business

    def draft(self, month: AssessPeriod) -> WorkReportDraft:
        """Everything the report says about `month` (synchronous: run it off the loop)."""
        today = self.clock.today()
        first, last = month.first, month.as_of(today)
        year_view = default_period(month.last, self.tracker.rules.service)
        onboarded = tuple(v for v in self.register.records()
                          if v.onboarding_date and first <= v.onboarding_date <= last)
        return WorkReportDraft(
            month=month, generated_at=self.clock.now(),
            business=self.business(month.first.year, month.first.month),
            hires=tuple(self.register.hires(first, last)),
            departures=tuple(self.register.departures(first, last)),
            trainings=tuple(self.trainings.between(first, last)),
            incidents=tuple(self.incidents.between(first, last)),
            onboarded=onboarded,
            assessment=self.tracker.assess(year_view, today=min(month.last, today)))

    def mark_produced(self, month: AssessPeriod, *, actor_id: int | None) -> None:
        """Called once the file went out: stops the month-end reminder."""
        self.book.mark(month.key, actor_id=actor_id)

    def produced(self, month: AssessPeriod) -> bool:
        return bool(self.book.produced([month.key]))
