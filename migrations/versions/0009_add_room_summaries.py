"""add room summaries

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:56:21.218977

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('summary_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_column('summary_version')
        batch_op.drop_column('summary')
