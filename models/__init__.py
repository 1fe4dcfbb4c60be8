"""SQLModel tables. Importing this package registers every table on `SQLModel.metadata`."""

from models.alert import Alert, AlertEvent, AlertLink
from models.audit import AuditLog
from models.channel import ChannelState
from models.compliance import (
    Attachment,
    Incident,
    PolicyRevision,
    StaffRecord,
    Training,
    TrainingAttendance,
    WorkReportLog,
)
from models.kb import KbEntry, KbGap, KbPick, KbSynonym, KbVector, KbVersion
from models.outbox import OutboxMessage
from models.reminder import OvernightItem, OvernightSweep, ReminderSent, ReminderSnooze
from models.report_indexes import IX_CALLBACK_AT, IX_CONTACT_BY, IX_STATUS_RECEIVED
from models.roster import HandoverNote, RosterEntry, SpecialPeriod, SwapOffer
from models.staff import AccessRequest, Role, Staff, StaffContact
from models.ticket import ReferenceData, Ticket, TicketEvent

__all__ = [
    "IX_CALLBACK_AT",
    "IX_CONTACT_BY",
    "IX_STATUS_RECEIVED",
    "AccessRequest",
    "Alert",
    "AlertEvent",
    "AlertLink",
    "Attachment",
    "AuditLog",
    "ChannelState",
    "HandoverNote",
    "Incident",
    "KbEntry",
    "KbGap",
    "KbPick",
    "KbSynonym",
    "KbVector",
    "KbVersion",
    "OutboxMessage",
    "OvernightItem",
    "OvernightSweep",
    "PolicyRevision",
    "ReferenceData",
    "ReminderSent",
    "ReminderSnooze",
    "Role",
    "RosterEntry",
    "SpecialPeriod",
    "Staff",
    "StaffContact",
    "StaffRecord",
    "SwapOffer",
    "Ticket",
    "TicketEvent",
    "Training",
    "TrainingAttendance",
    "WorkReportLog",
]
