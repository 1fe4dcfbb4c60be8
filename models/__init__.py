"""SQLModel tables. Importing this package registers every table on `SQLModel.metadata`."""

from models.audit import AuditLog
from models.staff import AccessRequest, Role, Staff
from models.ticket import ReferenceData, Ticket, TicketEvent

__all__ = [
    "AccessRequest", "AuditLog", "ReferenceData", "Role", "Staff", "Ticket", "TicketEvent",
]
