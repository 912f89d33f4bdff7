"""add conclusion sections, statement details and continuous numbering

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 10:00:00.000000

Every existing event gets the sections its statements could go in before: one per category, then
"Conclusions", and a section for any other key a statement still names (e.g. "recommendation" when no
category had that key), so every statement keeps its place and its (a), (b) numbers.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# The headings sections had before they could be named.
OLD_HEADINGS = {"recommendation": "Recommendations", "conclusion": "Conclusions"}


def upgrade():
    op.create_table('conclusion_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('heading', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_conclusion_section_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conclusion_section')),
    sa.UniqueConstraint('event_id', 'key', name=op.f('uq_conclusion_section_event_id_key'))
    )
    with op.batch_alter_table('conclusion_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conclusion_section_event_id'), ['event_id'], unique=False)

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('continuous_numbering', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('statement_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details', sa.Text(), server_default='', nullable=False))

    _add_sections_for_existing_events()


def _add_sections_for_existing_events():
    conn = op.get_bind()
    event = sa.table('event', sa.column('id', sa.Integer))
    category = sa.table('category', sa.column('event_id', sa.Integer), sa.column('key', sa.String),
                        sa.column('name', sa.String), sa.column('position', sa.Integer))
    statement = sa.table('statement', sa.column('event_id', sa.Integer), sa.column('section', sa.String))
    section = sa.table('conclusion_section', sa.column('event_id', sa.Integer), sa.column('key', sa.String),
                       sa.column('heading', sa.String), sa.column('position', sa.Integer))
    rows = []
    for (event_id,) in conn.execute(sa.select(event.c.id).order_by(event.c.id)):
        headings = {key: name for key, name in conn.execute(
            sa.select(category.c.key, category.c.name).where(category.c.event_id == event_id)
            .order_by(category.c.position, category.c.key))}
        used = conn.execute(sa.select(statement.c.section).where(statement.c.event_id == event_id)
                            .distinct().order_by(statement.c.section)).scalars()
        for key in [key for key in used if key != 'conclusion'] + ['conclusion']:  # conclusions came last
            headings.setdefault(key, OLD_HEADINGS.get(key, key.replace('_', ' ').capitalize()))
        rows += [{'event_id': event_id, 'key': key, 'heading': heading, 'position': position}
                 for position, (key, heading) in enumerate(headings.items())]
    if rows:
        conn.execute(section.insert(), rows)


def downgrade():
    with op.batch_alter_table('statement_revision', schema=None) as batch_op:
        batch_op.drop_column('details')

    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_column('details')

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('continuous_numbering')

    with op.batch_alter_table('conclusion_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conclusion_section_event_id'))

    op.drop_table('conclusion_section')
