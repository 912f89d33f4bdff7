"""let any session have a capture room and people

Rooms belong to an event directly and are either one workshop in one round or one programme session;
sessions and workshops get their people as rows (the old `chair`, `speakers` and `panellists` texts
move there, as names); sessions can be left out of the report (breaks are, from now on).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

ROOM_KINDS = ("(workshop_id IS NOT NULL AND round_id IS NOT NULL AND programme_session_id IS NULL)"
              " OR (workshop_id IS NULL AND round_id IS NULL AND programme_session_id IS NOT NULL)")
ROLES = ('chair', 'moderator', 'speaker', 'panellist')

programme_session = sa.table(
    'programme_session', sa.column('id', sa.Integer), sa.column('kind', sa.String), sa.column('chair', sa.String),
    sa.column('speakers', sa.JSON), sa.column('in_report', sa.Boolean))
workshop = sa.table('workshop', sa.column('id', sa.Integer), sa.column('event_id', sa.Integer),
                    sa.column('panellists', sa.JSON))
room = sa.table('room', sa.column('id', sa.Integer), sa.column('event_id', sa.Integer),
                sa.column('workshop_id', sa.Integer), sa.column('programme_session_id', sa.Integer))
session_person = sa.table(
    'session_person', sa.column('programme_session_id', sa.Integer), sa.column('workshop_id', sa.Integer),
    sa.column('position', sa.Integer), sa.column('role', sa.String), sa.column('name', sa.String),
    sa.column('title', sa.String), sa.column('organisation', sa.String))


def upgrade():
    op.create_table('session_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_session_id', sa.Integer(), nullable=True),
    sa.Column('workshop_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum(*ROLES, name='person_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('organisation', sa.String(length=300), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(programme_session_id IS NULL) <> (workshop_id IS NULL)', name=op.f('ck_session_person_one_owner')),
    sa.ForeignKeyConstraint(['programme_session_id'], ['programme_session.id'], name=op.f('fk_session_person_programme_session_id_programme_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_session_person_user_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_session_person_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_person'))
    )
    with op.batch_alter_table('session_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_person_programme_session_id'), ['programme_session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_person_workshop_id'), ['workshop_id'], unique=False)

    _people_to_rows()

    with op.batch_alter_table('programme_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_report', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.drop_column('chair')
        batch_op.drop_column('speakers')
    op.execute(programme_session.update().where(programme_session.c.kind == 'break').values(in_report=False))
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_column('panellists')

    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('programme_session_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('location', sa.String(length=200), server_default='', nullable=False))
    op.execute(room.update().values(event_id=sa.select(workshop.c.event_id)
                                    .where(workshop.c.id == room.c.workshop_id).scalar_subquery()))
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.alter_column('event_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('workshop_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('round_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_room_event_id'), ['event_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_room_programme_session_id'), ['programme_session_id'])
        batch_op.create_foreign_key(batch_op.f('fk_room_event_id_event'), 'event', ['event_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_room_programme_session_id_programme_session'), 'programme_session', ['programme_session_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(batch_op.f('ck_room_workshop_or_session'), ROOM_KINDS)


def _people_to_rows():
    """The old texts become people, name only: a chair, then the speakers; a workshop's panellists."""
    conn = op.get_bind()
    rows = []
    for session_id, chair, speakers in conn.execute(
            sa.select(programme_session.c.id, programme_session.c.chair, programme_session.c.speakers)):
        names = [('chair', chair)] + [('speaker', name) for name in speakers or []]
        rows += _rows(names, programme_session_id=session_id, workshop_id=None)
    for workshop_id, panellists in conn.execute(sa.select(workshop.c.id, workshop.c.panellists)):
        rows += _rows([('panellist', name) for name in panellists or []], programme_session_id=None,
                      workshop_id=workshop_id)
    if rows:
        op.bulk_insert(session_person, rows)


def _rows(names, **owner):
    names = [(role, str(name).strip()) for role, name in names if name and str(name).strip()]
    return [dict(owner, position=position, role=role, name=name[:500], title='', organisation='')
            for position, (role, name) in enumerate(names)]


def downgrade():
    conn = op.get_bind()
    # Session rooms cannot exist before this revision: their items go with them.
    room_ids = [r[0] for r in conn.execute(sa.select(room.c.id).where(room.c.programme_session_id.is_not(None)))]
    if room_ids:
        item = sa.table('item', sa.column('id', sa.Integer), sa.column('room_id', sa.Integer))
        revision = sa.table('item_revision', sa.column('item_id', sa.Integer))
        assignment = sa.table('assignment', sa.column('room_id', sa.Integer))
        item_ids = sa.select(item.c.id).where(item.c.room_id.in_(room_ids))
        conn.execute(revision.delete().where(revision.c.item_id.in_(item_ids)))
        conn.execute(item.delete().where(item.c.room_id.in_(room_ids)))
        conn.execute(assignment.delete().where(assignment.c.room_id.in_(room_ids)))
        conn.execute(room.delete().where(room.c.id.in_(room_ids)))

    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_room_workshop_or_session'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_room_programme_session_id_programme_session'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_room_event_id_event'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_room_programme_session_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_room_event_id'))
        batch_op.alter_column('round_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('workshop_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('location')
        batch_op.drop_column('programme_session_id')
        batch_op.drop_column('event_id')

    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('panellists', sa.JSON(), nullable=True))
    with op.batch_alter_table('programme_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('speakers', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('chair', sa.String(length=500), server_default='', nullable=False))
        batch_op.drop_column('in_report')
    _rows_to_people()
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.alter_column('panellists', existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table('programme_session', schema=None) as batch_op:
        batch_op.alter_column('speakers', existing_type=sa.JSON(), nullable=False)

    with op.batch_alter_table('session_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_person_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_session_person_programme_session_id'))
    op.drop_table('session_person')


def _rows_to_people():
    """Back to texts: the first chair or moderator as the chair, everyone else as speakers or panellists."""
    conn = op.get_bind()
    person = sa.table('session_person', sa.column('programme_session_id', sa.Integer),
                      sa.column('workshop_id', sa.Integer), sa.column('position', sa.Integer),
                      sa.column('role', sa.String), sa.column('name', sa.String), sa.column('title', sa.String),
                      sa.column('organisation', sa.String))
    sessions, workshops = {}, {}
    for row in conn.execute(sa.select(person).order_by(person.c.position)):
        text = ', '.join(part for part in (row.name, row.title, row.organisation) if part)
        if row.programme_session_id is not None:
            chair, speakers = sessions.setdefault(row.programme_session_id, ([], []))
            (chair if row.role in ('chair', 'moderator') and not chair else speakers).append(text)
        else:
            workshops.setdefault(row.workshop_id, []).append(text)
    for session_id in [r[0] for r in conn.execute(sa.select(programme_session.c.id))]:
        chair, speakers = sessions.get(session_id, ([], []))
        conn.execute(programme_session.update().where(programme_session.c.id == session_id)
                     .values(chair=(chair or [''])[0][:500], speakers=speakers))
    for workshop_id in [r[0] for r in conn.execute(sa.select(workshop.c.id))]:
        conn.execute(workshop.update().where(workshop.c.id == workshop_id)
                     .values(panellists=workshops.get(workshop_id, [])))
