"""The migrations build the schema from an empty database, on SQLite and on PostgreSQL, and match the models."""

import os
import uuid
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from facilitator import MIGRATIONS_DIR
from facilitator.extensions import db, migrate


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new database on the same kind of server the suite runs on."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield "sqlite:///" + str(tmp_path / "empty.db")
        return
    name = f"facilitator_migrations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _migrations_app(url: str) -> Flask:
    # Only the database and Alembic: a second full app would re-bind the one Socket.IO server.
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    return app


def test_migrations_build_the_schema_from_empty_and_match_the_models(empty_database_url):
    app = _migrations_app(empty_database_url)
    with app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []

        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"user", "event", "programme_session", "workshop", "round", "room", "category", "item",
                "item_revision", "assignment", "alembic_version"} <= tables
        with db.engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert differences == [], f"models and migrations disagree: {differences}"

        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()


def test_a_new_revision_takes_the_next_number_after_the_head(empty_database_url, tmp_path):
    """`facilitator db revision` names the file and revision 000N+1, so the history stays numbered."""
    import shutil

    from flask_migrate import revision

    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    heads = sorted(p.name[:4] for p in (copy / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = empty_database_url
    db.init_app(app)
    migrate.init_app(app, db, directory=str(copy), render_as_batch=True)
    with app.app_context():
        revision(directory=str(copy), message="add something new")
        db.engine.dispose()
    expected = f"{int(heads[-1]) + 1:04d}"
    created = copy / "versions" / f"{expected}_add_something_new.py"
    assert created.exists(), sorted(p.name for p in (copy / "versions").iterdir())
    assert f"revision = '{expected}'" in created.read_text()
    assert f"down_revision = '{heads[-1]}'" in created.read_text()


def test_upgrading_from_0005_gives_existing_events_sections_that_keep_every_statement(empty_database_url):
    """Events made before conclusion sections existed: one section per category, then Conclusions, and one
    for any other key a statement still names, so every statement keeps its section and its number."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = empty_database_url
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    with app.app_context():
        upgrade(revision="0005")
        tables = sa.MetaData()
        tables.reflect(db.engine)
        event, category, statement = tables.tables["event"], tables.tables["category"], tables.tables["statement"]
        now = datetime(2016, 1, 13, 17, 0, tzinfo=timezone.utc)
        with db.engine.begin() as conn:
            for event_id, title in [(1, "Old meeting"), (2, "Meeting without statements")]:
                conn.execute(event.insert().values(
                    id=event_id, title=title, subtitle="", venue="", organisers=[], language="en", introduction="",
                    disclaimer="", created_at=now))
                conn.execute(category.insert(), [
                    {"event_id": event_id, "key": "challenge", "name": "Challenges", "position": 0},
                    {"event_id": event_id, "key": "good_practice", "name": "Good practices", "position": 1}])
            conn.execute(statement.insert(), [
                {"event_id": 1, "client_id": str(uuid.uuid4()), "section": section, "text": section, "position": 0,
                 "state": state, "version": 1, "created_at": now, "updated_at": now}
                for section, state in [("conclusion", "active"), ("recommendation", "active"),
                                       ("challenge", "active"), ("deleted_category", "deleted")]])

        upgrade()
        with db.engine.connect() as conn:
            sections = conn.execute(sa.text(
                "SELECT event_id, key, heading, position FROM conclusion_section ORDER BY event_id, position"
            )).all()
            details = conn.execute(sa.text("SELECT details FROM statement")).scalars().all()
            continuous = conn.execute(sa.text("SELECT continuous_numbering FROM event")).scalars().all()
        assert [tuple(row) for row in sections] == [
            (1, "challenge", "Challenges", 0), (1, "good_practice", "Good practices", 1),
            (1, "deleted_category", "Deleted category", 2), (1, "recommendation", "Recommendations", 3),
            (1, "conclusion", "Conclusions", 4),
            (2, "challenge", "Challenges", 0), (2, "good_practice", "Good practices", 1),
            (2, "conclusion", "Conclusions", 2),
        ]
        assert details == [""] * 4 and not any(continuous)

        downgrade(revision="0005")
        assert "conclusion_section" not in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_upgrade_from_0005_keeps_rooms_items_and_people(empty_database_url):
    """An event captured before 0006 comes through with its rooms, items, speakers and panellists."""
    app = _migrations_app(empty_database_url)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":  # as the app runs it (app.py): cascades are live
            sa.event.listen(db.engine, "connect", lambda conn, _: conn.execute("PRAGMA foreign_keys=ON"))
        upgrade(revision="0005")
        now = "2016-01-12 10:00:00+00:00"
        with db.engine.begin() as conn:
            def insert(table, **values):
                columns = ", ".join(f'"{name}"' for name in values)
                marks = ", ".join(f":{name}" for name in values)
                conn.execute(sa.text(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})'), values)

            insert("event", id=1, title="EMN", subtitle="", venue="", organisers="[]", language="en",
                   introduction="", disclaimer="", created_at=now, plenary_seq=0, voting_open=False,
                   dots_per_ballot=5, conclusions="")
            insert("programme_session", id=1, event_id=1, position=1, kind="panel", title="Panel III", chair="Dana",
                   speakers='["Red Cross", "NCA"]', questions="[]", description="", summary="")
            insert("programme_session", id=2, event_id=1, position=2, kind="break", title="Dinner", chair="",
                   speakers="[]", questions="[]", description="", summary="")
            insert("workshop", id=1, event_id=1, number=1, title="Finance", description="", questions="[]",
                   panellists='["A. Expert"]')
            insert("round", id=1, event_id=1, number=1, title="", programme_session_id=None)
            insert("room", id=1, workshop_id=1, round_id=1, last_seq=1)
            insert("category", id=1, event_id=1, key="challenge", name="Challenges", position=0)
            insert("item", id=1, room_id=1, category_id=1, client_id="c1", text="Kept", position=0,
                   is_key_point=False, state="active", version=1, created_at=now, updated_at=now)

        upgrade()

        with db.engine.connect() as conn:
            rows = lambda sql: [tuple(r) for r in conn.execute(sa.text(sql))]  # noqa: E731
            assert rows("SELECT id, event_id, workshop_id, round_id, programme_session_id, location FROM room") == [
                (1, 1, 1, 1, None, "")]
            assert rows("SELECT room_id, text FROM item") == [(1, "Kept")]
            assert rows("SELECT programme_session_id, workshop_id, position, role, name FROM session_person "
                        "ORDER BY id") == [(1, None, 0, "chair", "Dana"), (1, None, 1, "speaker", "Red Cross"),
                                           (1, None, 2, "speaker", "NCA"), (None, 1, 0, "panellist", "A. Expert")]
            assert rows("SELECT title, in_report FROM programme_session ORDER BY id") == [
                ("Panel III", True), ("Dinner", False)]

        downgrade(revision="0005")
        with db.engine.connect() as conn:
            assert [tuple(r) for r in conn.execute(sa.text("SELECT chair, speakers FROM programme_session "
                                                           "ORDER BY id"))][0][0] == "Dana"
            assert conn.execute(sa.text("SELECT count(*) FROM item")).scalar() == 1
        db.engine.dispose()
