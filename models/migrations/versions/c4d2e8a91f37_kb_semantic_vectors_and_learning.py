"""knowledge base: entry vectors (semantic search), similar phrasings, picks (learning)

Revision ID: c4d2e8a91f37
Revises: b1c7e2d94a3f
Create Date: 2026-11-30 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.base


revision: str = 'c4d2e8a91f37'
down_revision: str | None = 'b1c7e2d94a3f'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('kbentry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('similar', sa.Text(), nullable=False, server_default=''))

    op.create_table('kbvector',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('model', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('model_version', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('text_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('dim', sa.Integer(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['kbentry.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('entry_id', 'model', name='uq_kbvector_entry_model')
    )
    with op.batch_alter_table('kbvector', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kbvector_entry_id'), ['entry_id'], unique=False)

    op.create_table('kbpick',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('query', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('query_key', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('picked_by', sa.BigInteger(), nullable=True),
    sa.Column('picked_at', models.base.AwareDateTime(timezone=True), nullable=False),
    sa.Column('by_manager', sa.Boolean(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('decided_at', models.base.AwareDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['kbentry.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('kbpick', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kbpick_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kbpick_picked_at'), ['picked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_kbpick_query_key'), ['query_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_kbpick_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('kbpick', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kbpick_status'))
        batch_op.drop_index(batch_op.f('ix_kbpick_query_key'))
        batch_op.drop_index(batch_op.f('ix_kbpick_picked_at'))
        batch_op.drop_index(batch_op.f('ix_kbpick_entry_id'))
    op.drop_table('kbpick')
    with op.batch_alter_table('kbvector', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kbvector_entry_id'))
    op.drop_table('kbvector')
    with op.batch_alter_table('kbentry', schema=None) as batch_op:
        batch_op.drop_column('similar')
