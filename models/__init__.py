"""SQLModel tables. Importing this package registers every table on `SQLModel.metadata`."""

from models.audit import AuditLog
from models.staff import AccessRequest, Role, Staff

__all__ = ["AccessRequest", "AuditLog", "Role", "Staff"]
