"""reports indexes

Revision ID: a3c5e7f90b12
Revises: 7ba5e4020aaf
Create Date: 2026-11-25 23:58:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = 'a3c5e7f90b12'
down_revision: str | None = '7ba5e4020aaf'  # independent of other features' heads
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_ticket_callback_at', 'ticket', ['callback_at'], unique=False)
    op.create_index('ix_ticket_contact_by', 'ticket', ['contact_by'], unique=False)
    op.create_index('ix_ticket_status_received', 'ticket', ['status', 'received_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_ticket_status_received', table_name='ticket')
    op.drop_index('ix_ticket_contact_by', table_name='ticket')
    op.drop_index('ix_ticket_callback_at', table_name='ticket')
