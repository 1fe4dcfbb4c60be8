"""ticket event detail: what a history event carried, as JSON

Revision ID: b1c7e2d94a3f
Revises: 868c093e04e7
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b1c7e2d94a3f'
down_revision: str | None = '868c093e04e7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('ticketevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detail', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ticketevent', schema=None) as batch_op:
        batch_op.drop_column('detail')
