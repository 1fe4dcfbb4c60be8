"""The compliance feature's collaborators in one frozen bundle for `Services`.

Built in `bot/app.py: build_services` (each part gets only what it uses); handlers reach the
part they need, e.g. `svc.compliance.trainings`. Not a service of its own: no behaviour here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.compliance.attachments import AttachmentStore
from bot.services.compliance.gate import OnboardingGate
from bot.services.compliance.incident_args import FindTicket
from bot.services.compliance.incidents import IncidentLog
from bot.services.compliance.ledger import CallbackLedger
from bot.services.compliance.policies import PolicyShelf
from bot.services.compliance.register import StaffRegister
from bot.services.compliance.reminders import ComplianceReminders
from bot.services.compliance.rules import AssessmentRules
from bot.services.compliance.ticket_files import TicketFiles
from bot.services.compliance.tracker import Tracker
from bot.services.compliance.trainings import TrainingLog
from bot.services.compliance.workreport import WorkReports


@dataclass(frozen=True)
class Compliance:
    rules: AssessmentRules
    register: StaffRegister
    trainings: TrainingLog
    attachments: AttachmentStore
    policies: PolicyShelf
    incidents: IncidentLog
    find_ticket: FindTicket
    tracker: Tracker
    workreports: WorkReports
    reminders: ComplianceReminders
    gate: OnboardingGate
    ticket_files: TicketFiles
    ledger: CallbackLedger
