"""add room summary revisions and the board's show summary

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:57:39.632361

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('room_summary_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), server_default='change', nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('mutation_id', sa.String(length=36), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_room_summary_revision_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_room_summary_revision_room_id_room'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_summary_revision'))
    )
    with op.batch_alter_table('room_summary_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_summary_revision_room_id'), ['room_id'], unique=False)

    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.add_column(sa.Column('show_summary', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_column('show_summary')

    with op.batch_alter_table('room_summary_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_summary_revision_room_id'))

    op.drop_table('room_summary_revision')
