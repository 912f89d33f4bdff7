"""add report settings

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 10:00:00.000000

One row per event, made when the secretariat first changes a setting: events without one keep the draft
report they had.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('grouping', sa.String(length=16), nullable=False),
    sa.Column('heading_numbers', sa.Boolean(), nullable=False),
    sa.Column('annex', sa.String(length=16), nullable=False),
    sa.Column('session_items', sa.String(length=16), nullable=False),
    sa.Column('numbered_conclusions', sa.Boolean(), nullable=False),
    sa.Column('report_title', sa.Text(), nullable=False),
    sa.Column('place', sa.Text(), nullable=False),
    sa.Column('authors', sa.Text(), nullable=False),
    sa.Column('publisher', sa.Text(), nullable=False),
    sa.Column('copyright', sa.Text(), nullable=False),
    sa.Column('isbn', sa.Text(), nullable=False),
    sa.Column('doi', sa.Text(), nullable=False),
    sa.Column('catalogue_number', sa.Text(), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_report_settings_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_settings')),
    sa.UniqueConstraint('event_id', name=op.f('uq_report_settings_event_id'))
    )


def downgrade():
    op.drop_table('report_settings')
