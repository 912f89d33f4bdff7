"""Fixtures: a migrated database (SQLite by default, PostgreSQL when TEST_DATABASE_URL is set),
an app, a test client that fills in CSRF tokens like a browser would, and factories for users."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_wtf.csrf import generate_csrf

from facilitator import create_app
from facilitator.config import TestConfig
from facilitator.extensions import db
from facilitator.models import Role
from facilitator.services.accounts import assign, create_user

PASSWORD = "correct horse battery"


def reset_postgres(url: str) -> None:
    """Start from an empty schema: the test database is ours to wipe, never DATABASE_URL."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


class CSRFClient(FlaskClient):
    """A test client whose form posts carry a valid CSRF token, as a page served by the app would."""

    def csrf_token(self) -> str:
        if self.get_cookie("session") is None:
            self.get("/login")
        cookie = self.get_cookie("session")
        app = self.application
        with app.app_context(), app.test_request_context(headers={"Cookie": f"session={cookie.value}"}):
            return generate_csrf()

    def open(self, *args, **kwargs):
        """Serve each request in its own app context (own `g`, own database session), as in production,
        then expire the test's session so it reads what the request committed."""
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response

    def post(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if csrf and isinstance(data, dict) and "csrf_token" not in data:
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        return super().post(*args, **kwargs)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        reset_postgres(url)
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        INSTANCE_PATH=str(tmp_path_factory.mktemp("instance")),
    )
    app.test_client_class = CSRFClient
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def app_context(app):
    """Each test runs in an app context and leaves every table empty behind it."""
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())


@pytest.fixture
def client(app) -> CSRFClient:
    return app.test_client()


@pytest.fixture
def make_user():
    """Create a user, optionally with a role in an event or room; returns the User."""

    def make(username: str, role: Role | None = None, event=None, room=None, **kwargs):
        user = create_user(username, PASSWORD, name=kwargs.pop("name", username.title()), **kwargs)
        if role is not None:
            assign(user, event, role, room)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login():
    """Log a client in through the real login form."""

    def do_login(client: CSRFClient, username: str, password: str = PASSWORD):
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, f"login as {username} failed: {response.status_code}"
        return response

    return do_login


@pytest.fixture
def demo_event():
    """The EMN 2016 demo conference, imported from the shipped programme file, with its demo accounts."""
    from facilitator.demo import load_demo

    return load_demo()


def table_counts() -> dict[str, int]:
    """Row count of every table: to prove a rejected change wrote nothing."""
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }
