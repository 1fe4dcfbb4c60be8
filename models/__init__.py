"""SQLModel tables. Importing this package registers every table on `SQLModel.metadata`."""

from models.audit import AuditLog
from models.outbox import OutboxMessage
from models.staff import AccessRequest, Role, Staff
from models.ticket import ReferenceData, Ticket, TicketEvent

__all__ = [
    "AccessRequest",
    "AuditLog",
    "OutboxMessage",
    "ReferenceData",
    "Role",
    "Staff",
    "Ticket",
    "TicketEvent",
]
