"""add live capture tables

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:30:46.764594

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stream', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change')),
    sa.UniqueConstraint('stream', 'seq', name=op.f('uq_change_stream_seq'))
    )
    op.create_table('mutation',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_mutation_room_id_room'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_mutation_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mutation'))
    )
    with op.batch_alter_table('mutation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mutation_room_id'), ['room_id'], unique=False)

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_index', sa.Integer(), nullable=True))

    with op.batch_alter_table('item_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='change', nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_item_revision_item_id_version'), type_='unique')

    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('board_token', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_room_board_token'), ['board_token'])



def downgrade():
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_room_board_token'), type_='unique')
        batch_op.drop_column('board_token')
        batch_op.drop_column('last_seq')

    with op.batch_alter_table('item_revision', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_item_revision_item_id_version'), ['item_id', 'version'])
        batch_op.drop_column('kind')

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('question_index')

    with op.batch_alter_table('mutation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mutation_room_id'))

    op.drop_table('mutation')
    op.drop_table('change')
