"""add plenary statements and voting

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:35:35.547180

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dismissed_suggestion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_dismissed_suggestion_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dismissed_suggestion')),
    sa.UniqueConstraint('event_id', 'key', name=op.f('uq_dismissed_suggestion_event_id_key'))
    )
    op.create_table('statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('section', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('active', 'deleted', name='statement_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_statement_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_statement_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement')),
    sa.UniqueConstraint('client_id', name=op.f('uq_statement_client_id'))
    )
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_event_id'), ['event_id'], unique=False)

    op.create_table('statement_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('op', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('section', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('active', 'deleted', name='statement_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('mutation_id', sa.String(length=36), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_statement_revision_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_statement_revision_statement_id_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_revision'))
    )
    with op.batch_alter_table('statement_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_revision_statement_id'), ['statement_id'], unique=False)

    op.create_table('vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('ballot', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_vote_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_vote_statement_id_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote')),
    sa.UniqueConstraint('client_id', name=op.f('uq_vote_client_id'))
    )
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.create_index('ix_vote_event_id_ballot', ['event_id', 'ballot'], unique=False)
        batch_op.create_index(batch_op.f('ix_vote_statement_id'), ['statement_id'], unique=False)

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plenary_seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('join_code', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('voting_open', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('dots_per_ballot', sa.Integer(), server_default='5', nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_event_join_code'), ['join_code'])

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('statement_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_item_statement_id'), ['statement_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_item_statement_id_statement'), 'statement', ['statement_id'], ['id'], ondelete='SET NULL')

    # The ledger now serves every stream (rooms and the plenary): name the stream instead of the room.
    with op.batch_alter_table('mutation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stream', sa.String(length=32), nullable=True))
    op.execute("UPDATE mutation SET stream = 'room:' || CAST(room_id AS VARCHAR(20))")
    with op.batch_alter_table('mutation', schema=None) as batch_op:
        batch_op.alter_column('stream', existing_type=sa.String(length=32), nullable=False)
        batch_op.drop_index(batch_op.f('ix_mutation_room_id'))
        batch_op.drop_constraint(batch_op.f('fk_mutation_room_id_room'), type_='foreignkey')
        batch_op.drop_column('room_id')


def downgrade():
    op.execute("DELETE FROM mutation WHERE stream NOT LIKE 'room:%'")
    with op.batch_alter_table('mutation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_id', sa.INTEGER(), nullable=True))
    op.execute("UPDATE mutation SET room_id = CAST(SUBSTR(stream, 6) AS INTEGER)")
    with op.batch_alter_table('mutation', schema=None) as batch_op:
        batch_op.alter_column('room_id', existing_type=sa.INTEGER(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_mutation_room_id_room'), 'room', ['room_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_mutation_room_id'), ['room_id'], unique=False)
        batch_op.drop_column('stream')

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_item_statement_id_statement'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_item_statement_id'))
        batch_op.drop_column('statement_id')

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_event_join_code'), type_='unique')
        batch_op.drop_column('dots_per_ballot')
        batch_op.drop_column('voting_open')
        batch_op.drop_column('join_code')
        batch_op.drop_column('plenary_seq')

    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_statement_id'))
        batch_op.drop_index('ix_vote_event_id_ballot')

    op.drop_table('vote')
    with op.batch_alter_table('statement_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_revision_statement_id'))

    op.drop_table('statement_revision')
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_event_id'))

    op.drop_table('statement')
    op.drop_table('dismissed_suggestion')
