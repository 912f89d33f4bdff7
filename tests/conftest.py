"""Fixtures: a migrated database (SQLite by default, PostgreSQL when TEST_DATABASE_URL is set),
an app, a test client that fills in CSRF tokens like a browser would, and factories for users."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_wtf.csrf import generate_csrf

from facilitator import PROJECT_ROOT, create_app
from facilitator.config import TestConfig
from facilitator.extensions import db, socketio
from facilitator.models import Role
from facilitator.services.accounts import assign, create_user

from .redis_server import redis_server  # noqa: F401 (a fixture for every test module)

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

    def api(self, method: str, url: str, json=None, csrf: bool = True):
        """A JSON API call as a script would make it: session cookie plus the X-CSRFToken header."""
        headers = {"X-CSRFToken": self.csrf_token()} if csrf and method != "GET" else {}
        return self.open(url, method=method, json=json, headers=headers)


def pytest_collection_modifyitems(config, items):
    """Mark the tests that run their own server processes: their database does not follow TEST_DATABASE_URL
    (a `facilitator run` on SQLite, or a PostgreSQL database of their own), so CI runs them once, not per database."""
    for item in items:
        if "browser" in item.path.parts or item.path.name in OWN_SERVER_MODULES:
            item.add_marker(pytest.mark.own_server)


OWN_SERVER_MODULES = {"test_live_server.py", "test_scale_out.py"}


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


class FakeClock:
    """The rate limits' clock in tests: time moves only when a test says so, however busy the machine is."""

    def __init__(self, now: float = 1_700_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def clock(app) -> FakeClock:
    """Every test's rate limits start empty, on a clock that stands still until the test advances it."""
    limiter = app.extensions["limiter"]
    limiter.clock = FakeClock()
    yield limiter.clock
    limiter.store.clear()


@pytest.fixture(autouse=True)
def app_context(app):
    """Each test runs in an app context and leaves every table empty (and the snapshot cache) behind it."""
    from facilitator.services.capture import snapshots

    with app.app_context():
        yield
        snapshots.clear()  # the next test's rooms reuse these ids from sequence 0
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


class SocketClient:
    """Flask-SocketIO's test client, logged in through a Flask test client's cookies; each event is
    handled in its own app context, as on a server."""

    def __init__(self, app, flask_client):
        self.app = app
        with app.app_context():
            self.sio = socketio.test_client(app, flask_test_client=flask_client)

    @property
    def connected(self) -> bool:
        return self.sio.is_connected()

    def emit(self, event: str, data=None):
        """Send an event and return the server's acknowledgement."""
        with self.app.app_context():
            answer = self.sio.emit(event, data, callback=True)
        db.session.expire_all()
        return answer

    def received(self, name: str | None = None) -> list:
        """Events pushed to this client since the last call (their first argument)."""
        with self.app.app_context():
            events = self.sio.get_received()
        return [e["args"][0] for e in events if name is None or e["name"] == name]

    def disconnect(self):
        with self.app.app_context():
            self.sio.disconnect()


@pytest.fixture
def socket_client(app):
    """Open a Socket.IO connection with the cookies (the login) of the given Flask test client."""
    clients = []

    def connect(flask_client) -> SocketClient:
        client = SocketClient(app, flask_client)
        clients.append(client)
        return client

    yield connect
    for client in clients:
        if client.connected:
            client.disconnect()


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(instance_path, *args: str, env: dict | None = None, port: int | None = None):
    """Run `facilitator run --demo` as a real process (SQLite in `instance_path`, unless `env` names a
    DATABASE_URL) on `port`, or a free one. Yields (base_url, output_so_far); the process is stopped after.
    Starting it again with the same instance path and port is a server restart.
    """
    port = port or free_port()
    command = [sys.executable, "-m", "facilitator", "run", "--demo", "--port", str(port), *args]
    with _serving(command, instance_path, env, port, started="running at") as served:
        yield served


@contextmanager
def running_gunicorn(instance_path, env: dict | None = None, port: int | None = None):
    """Serve wsgi.py as docs/deployment.md says production does (gunicorn, one gevent worker).
    It neither migrates nor loads the demo: start it on a database that has both."""
    port = port or free_port()
    command = [sys.executable, "-m", "gunicorn", "-k", "gevent", "-w", "1", "-b", f"127.0.0.1:{port}",
               "--chdir", str(PROJECT_ROOT), "wsgi:app"]
    with _serving(command, instance_path, env, port, started="Booting worker") as served:
        yield served


@contextmanager
def _serving(command: list[str], instance_path, env: dict | None, port: int, started: str):
    os.makedirs(instance_path, exist_ok=True)
    overrides = env or {}
    env = {**os.environ, "FACILITATOR_INSTANCE": str(instance_path), "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    env.pop("SOCKETIO_MESSAGE_QUEUE", None)
    env.update(overrides)
    process = subprocess.Popen(command, cwd=instance_path, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    output = ""
    drain = None
    try:
        deadline = time.monotonic() + 60
        while started not in output and time.monotonic() < deadline and process.poll() is None:
            output += process.stdout.readline()
        assert started in output, f"the server did not start:\n{output}"
        # Keep reading its log, or a long session fills the pipe and the server blocks on a write.
        drain = threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True)
        drain.start()
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield base, output
    finally:
        process.terminate()
        process.wait(timeout=10)
        if drain is not None:
            drain.join(timeout=10)
        process.stdout.close()


def http_login(base: str, username: str, password: str):
    """Log in over real HTTP, as a browser does; returns a requests session holding the cookie."""
    import requests

    http = requests.Session()
    page = http.get(base + "/login", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    response = http.post(base + "/login", data={"username": username, "password": password,
                                                "csrf_token": token.group(1)}, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return http
