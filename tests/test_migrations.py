"""The migrations build the schema from an empty database, on SQLite and on PostgreSQL, and match the models."""

import os
import uuid

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
