"""merge feature branches

Revision ID: 1149e286bd6f
Revises: 4968a980e767, 5ffe37a0cd89, 9f8862955059, a3c5e7f90b12, ef62503bbab6
Create Date: 2026-11-26 00:18:14.252080
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base


revision: str = '1149e286bd6f'
down_revision: str | None = ('4968a980e767', '5ffe37a0cd89', '9f8862955059', 'a3c5e7f90b12', 'ef62503bbab6')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
