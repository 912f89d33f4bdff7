"""add report texts and house templates

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:42:24.432643

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_report_template_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_template')),
    sa.UniqueConstraint('event_id', name=op.f('uq_report_template_event_id'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conclusions', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('programme_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.Text(), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('programme_session', schema=None) as batch_op:
        batch_op.drop_column('summary')

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('conclusions')

    op.drop_table('report_template')
