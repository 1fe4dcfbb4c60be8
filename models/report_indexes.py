"""Indexes the reports need on the ticket table (rates by callback and due time, open by age).

Declared here, next to no table of their own, so that the metadata matches the migration
(`reports indexes`) and autogenerate never proposes to drop them.
"""

from __future__ import annotations

from sqlalchemy import Index

from models.ticket import Ticket

IX_CALLBACK_AT = Index("ix_ticket_callback_at", Ticket.callback_at)  # type: ignore[arg-type]
IX_CONTACT_BY = Index("ix_ticket_contact_by", Ticket.contact_by)  # type: ignore[arg-type]
# open tickets by age (long-standing problems): status IN (…) AND received_at < …
IX_STATUS_RECEIVED = Index("ix_ticket_status_received", Ticket.status,  # type: ignore[arg-type]
                           Ticket.received_at)

__all__ = ["IX_CALLBACK_AT", "IX_CONTACT_BY", "IX_STATUS_RECEIVED"]
