"""Production mode: two server processes (`facilitator run` and gunicorn) sharing PostgreSQL and a Redis queue.

Needs the local PostgreSQL (127.0.0.1:5432) and redis-server, of which it starts a private one on a free port.
Without them it skips with the reason; CI sets FACILITATOR_REQUIRE_SERVICES so that a missing service fails instead.
"""

import os
import re
import threading
import time
import uuid

import pytest
import socketio
import sqlalchemy as sa

from .conftest import http_login, running_gunicorn, running_server
from .redis_server import _unavailable

ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def shared_database():
    """A fresh PostgreSQL database for the two servers, dropped afterwards."""
    try:
        admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        admin.connect().close()
    except sa.exc.OperationalError:
        _unavailable("PostgreSQL is not running at 127.0.0.1:5432")
    name = f"facilitator_scale_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Viewer:
    """A board-like client that applies changes in sequence and resyncs on a gap, as docs/protocol.md says."""

    def __init__(self, base, http, room):
        self.room, self.seq, self.items, self.lock = room, 0, {}, threading.Lock()
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.2)
        self.client.on("change", self._on_change)
        cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
        self.client.connect(base, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10)
        self._apply_answer(self.client.call("join", {"room": room, "since": None}, timeout=10))

    def _apply_answer(self, answer):
        with self.lock:
            state = answer.get("snapshot", answer)
            if "items" in state:
                self.items = {i["id"]: i for i in state["items"]}
            for change in state.get("changes", []):
                self.items[change["item"]["id"]] = change["item"]
            self.seq = state["seq"]

    def _on_change(self, change):
        with self.lock:
            if change["seq"] <= self.seq:
                return
            if change["seq"] == self.seq + 1:
                self.items[change["item"]["id"]] = change["item"]
                self.seq = change["seq"]
                return
        # A gap: something was missed (e.g. while the message queue was down). Ask for it.
        threading.Thread(target=self.sync, daemon=True).start()

    def sync(self):
        self._apply_answer(self.client.call("sync", {"room": self.room, "since": self.seq}, timeout=10))

    def texts(self):
        with self.lock:
            return sorted(i["text"] for i in self.items.values())


def _create(base, http, room, text):
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', http.get(base + "/").text).group(1)
    response = http.post(f"{base}/api/rooms/{room}/items", json={
        "mutation_id": str(uuid.uuid4()), "item": str(uuid.uuid4()), "category": "challenge", "text": text},
        headers={"X-CSRFToken": token}, timeout=10)
    assert response.status_code == 201, response.text


def _wait_for(predicate, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_two_servers_share_items_through_redis_and_converge_after_a_redis_restart(shared_database, redis_server,
                                                                                   tmp_path):
    env = {"DATABASE_URL": shared_database, "SOCKETIO_MESSAGE_QUEUE": redis_server.url,
           "SECRET_KEY": "shared-by-both-processes"}
    # Node A, `facilitator run`, migrates the database and loads the demo; node B is then served as
    # docs/deployment.md says production is (gunicorn, one gevent worker, wsgi.py).
    with running_server(tmp_path / "a", env=env) as (node_a, _), \
            running_gunicorn(tmp_path / "b", env=env) as (node_b, _):
        health = http_login(node_a, "viewer", "viewer-demo").get(node_a + "/healthz", timeout=10).json()
        assert health == {"status": "ok", "database": "ok", "message_queue": "configured"}
        rapporteur = http_login(node_b, "rapporteur", "rapporteur-demo")
        room = int(re.search(r"/rooms/(\d+)/capture", rapporteur.get(node_b + "/").text).group(1))
        viewer = Viewer(node_a, http_login(node_a, "viewer", "viewer-demo"), room)
        try:
            _create(node_b, rapporteur, room, "Created on node B")
            assert _wait_for(lambda: viewer.texts() == ["Created on node B"]), viewer.texts()

            redis_server.stop()
            _create(node_b, rapporteur, room, "Created while Redis was down")  # saved, but not broadcast
            time.sleep(1)
            redis_server.start()

            # The queue's listener reconnects with a back-off; the first change it delivers shows the viewer
            # its gap, and the resync brings what it missed.
            def delivered_again():
                return any(text.startswith("After the restart") for text in viewer.texts())

            deadline, n = time.monotonic() + 75, 0
            while not delivered_again():
                assert time.monotonic() < deadline, "the message queue never delivered again"
                _create(node_b, rapporteur, room, f"After the restart {n}")
                n += 1
                _wait_for(delivered_again, 3)
            database = {i["text"] for i in rapporteur.get(f"{node_b}/api/rooms/{room}", timeout=10).json()["items"]}
            assert _wait_for(lambda: set(viewer.texts()) == database, 10), (viewer.texts(), database)
            assert "Created while Redis was down" in viewer.texts()
        finally:
            viewer.client.disconnect()
