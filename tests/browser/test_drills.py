"""Fault drills (docs/reliability.md): nothing a rapporteur typed is lost, whatever the venue does to the network,
the server or the message queue, and whatever happens to their login.

Each drill runs a real browser (Debian's chromium) against server processes of its own, breaks something on
purpose, and then checks the DATABASE: every typed item exactly once (one row, one revision per change, the
version it should have), in the typed order, with the edits. The indicator must end on "Saved" and the board
must show what the database holds.

Run one drill with `-k`, e.g. `pytest tests/browser/test_drills.py -k offline_reload` (see docs/reliability.md).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the conftest explains it, or fails in CI
    if os.environ.get("FACILITATOR_REQUIRE_BROWSER"):
        raise
    pytest.skip("the playwright package is not installed (pip install -e '.[test]')", allow_module_level=True)

from ..conftest import free_port
from ..test_scale_out import shared_database  # noqa: F401 (a fixture)
from .conftest import VIEWPORT

FAULT = "FACILITATOR_FAULT_CRASH_AFTER_COMMIT"
RECONNECT_MS = 30_000  # a restarted server: its start (a few seconds) plus Socket.IO's back-off (at most 5 s)
OUTBOX_KEYS = "Object.keys(localStorage).filter(k => k.startsWith('facilitator.outbox.'))"
LOGIN_ENDED = "Your login has ended: new notes are kept in this browser, not sent yet."


# Servers -------------------------------------------------------------------------------------------------


class ServerProcess:
    """`facilitator run --demo` as its own process, like tests/conftest.py's running_server, but one that a
    drill can kill (SIGKILL) or watch die. The same instance path and port again is a restart."""

    def __init__(self, instance: Path, port: int, env: dict | None = None):
        self.instance, self.port, self.env = Path(instance), port, env or {}
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None
        self.log: list[str] = []
        self._drain: threading.Thread | None = None

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def database(self) -> str:
        return self.env.get("DATABASE_URL") or f"sqlite:///{self.instance / 'facilitator.db'}"

    def start(self) -> ServerProcess:
        self.instance.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "FACILITATOR_INSTANCE": str(self.instance), "PYTHONUNBUFFERED": "1"}
        for name in ("DATABASE_URL", "SOCKETIO_MESSAGE_QUEUE", FAULT):
            env.pop(name, None)
        env.update(self.env)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "facilitator", "run", "--demo", "--port", str(self.port)],
            cwd=self.instance, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            line = self.process.stdout.readline()
            self.log.append(line)
            if "running at" in line:
                break
        assert any("running at" in line for line in self.log), "the server did not start:\n" + "".join(self.log)
        # Keep reading its log, or a long drill fills the pipe and the server blocks on a write.
        self._drain = threading.Thread(target=lambda: self.log.extend(self.process.stdout), daemon=True)
        self._drain.start()
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url("/login"), timeout=2).close()
                break
            except OSError:
                time.sleep(0.1)
        return self

    def kill(self) -> None:
        """kill -9: no shutdown of any kind, as when the machine or the process is lost."""
        self.process.send_signal(signal.SIGKILL)

    def wait_for_exit(self, page, seconds: float = 15) -> int:
        """Wait for the process to end, letting the page run meanwhile (Playwright's handlers, e.g. a
        SocketRelay's, only run while the test is inside a Playwright call)."""
        deadline = time.monotonic() + seconds
        while self.process.poll() is None and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        return self.process.wait(timeout=1)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._drain is not None:
            self._drain.join(timeout=10)
        self.process.stdout.close()


@pytest.fixture
def servers(tmp_path):
    """Start server processes (`servers("node", port=...)`); every one is stopped after the drill."""
    started: list[ServerProcess] = []

    def start(name: str = "server", *, port: int | None = None, env: dict | None = None) -> ServerProcess:
        server = ServerProcess(tmp_path / name, port or free_port(), env)
        started.append(server)
        return server.start()

    yield start
    for server in reversed(started):
        server.stop()


@pytest.fixture
def people(browser):
    """Log someone in, in a browser context of their own (own cookies, localStorage and service worker)."""
    contexts = []

    def log_in(server: ServerProcess, username: str):
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        fill_login(page, server, username)
        return context, page

    yield log_in
    for context in contexts:
        context.close()


def fill_login(page, server: ServerProcess, username: str) -> None:
    page.goto(server.url("/login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"{username}-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server.url("/"))


def writable_rooms(page) -> list[int]:
    """The rooms a logged-in rapporteur writes in, from the capture links of the home page."""
    hrefs = page.locator("a[href$='/capture']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [int(re.fullmatch(r"/rooms/(\d+)/capture", h).group(1)) for h in hrefs]


# The pages ----------------------------------------------------------------------------------------------


def save_status(page):
    return page.locator("#save-status")


def open_capture(page, server: ServerProcess, room: int, *, offline_ready: bool = False) -> None:
    page.goto(server.url(f"/rooms/{room}/capture"))
    expect(save_status(page)).to_have_text("Saved")
    if offline_ready:  # the service worker has kept the page and its scripts: it can be reloaded offline
        expect(page.locator("#capture")).to_have_attribute("data-offline", "kept")


def open_board(page, server: ServerProcess, room: int) -> None:
    page.goto(server.url(f"/rooms/{room}/board"))
    expect(page.locator("#connection-text")).to_have_text("Live")


def type_item(page, category: str, text: str) -> None:
    page.locator(f"#new-{category}").focus()
    page.keyboard.insert_text(text)
    page.keyboard.press("Enter")
    expect(page.locator(f"#new-{category}")).to_have_value("")


def capture_texts(page, category: str, tag: str):
    return page.locator(f"#column-{category} ol.items li.item .item-text").filter(has_text=tag)


def board_texts(page, category: str, tag: str):
    return page.locator(f".board-column[data-category='{category}'] .board-item-text").filter(has_text=tag)


def outbox(page) -> list[dict]:
    """The page's durable outbox (every room's), as kept in localStorage."""
    return page.evaluate(
        f"{OUTBOX_KEYS}.flatMap(k => JSON.parse(localStorage.getItem(k)))")


def kept_pages(page) -> list[str]:
    """The capture pages the service worker keeps for offline use (static/sw.js)."""
    return list(page.evaluate(
        "async () => (await caches.keys()).includes('facilitator-pages-v1')"
        " ? (await (await caches.open('facilitator-pages-v1')).keys()).map(r => r.url) : []"))


class TabNetwork:
    """Takes one tab offline and back (context.set_offline would take the other tabs of the context with it)."""

    def __init__(self, context, page):
        self.session = context.new_cdp_session(page)
        self.session.send("Network.enable")

    def set_offline(self, offline: bool) -> None:
        self.session.send("Network.emulateNetworkConditions",
                          {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


class SocketRelay:
    """Stands between a page and the server on the Socket.IO WebSocket; passes every frame, but can hold back
    the page's `mutate` events, or call `on_mutate(n)` on the nth one (and drop it when that returns True)."""

    def __init__(self, page):
        self.hold = False
        self.held: list[tuple] = []
        self.mutates = 0
        self.on_mutate = None
        page.route_web_socket(re.compile(r".*/socket\.io/.*"), self._route)

    def _route(self, ws):
        server = ws.connect_to_server()

        def to_server(message):
            if isinstance(message, str) and message.startswith("42") and '"mutate"' in message[:40]:
                self.mutates += 1
                if self.on_mutate is not None and self.on_mutate(self.mutates):
                    return  # dropped: it never reaches the server
                if self.hold:
                    self.held.append((server, message))
                    return
            server.send(message)

        ws.on_message(to_server)
        server.on_message(lambda message: ws.send(message))

    def release(self) -> None:
        self.hold = False
        held, self.held = self.held, []
        for server, message in held:
            server.send(message)


# The database --------------------------------------------------------------------------------------------


def stored_items(database: str, room: int, tag: str) -> list[dict]:
    """The room's items with `tag` in their text, read from the server's database itself, in board order;
    with the number of revisions of kind "change" each has (one per applied mutation)."""
    engine = sa.create_engine(database)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT i.client_id AS id, i.text, c.key AS category, c.position AS category_position,"
                " i.position, i.state, i.version,"
                " (SELECT count(*) FROM item_revision r WHERE r.item_id = i.id AND r.kind = 'change') AS revisions"
                " FROM item i JOIN category c ON c.id = i.category_id"
                " WHERE i.room_id = :room AND i.text LIKE :pattern"), {"room": room, "pattern": f"%{tag}%"})
            items = [dict(row._mapping) for row in rows]
    finally:
        engine.dispose()
    return sorted(items, key=lambda i: (i["state"] != "active", i["category_position"], i["position"]))


def assert_stored_once(database: str, room: int, tag: str, expected: list[str], *, category: str,
                       edited: dict[str, int] | None = None) -> list[dict]:
    """Exactly the expected texts are stored, once each, active, in this order, in this category; each item was
    applied once per mutation (version and revisions: 1 for a new one, 1 more per edit)."""
    edited = edited or {}
    items = stored_items(database, room, tag)
    texts = [i["text"] for i in items]
    duplicates = [text for text, n in Counter(texts).items() if n > 1]
    assert duplicates == [], f"stored more than once: {duplicates}"
    assert texts == expected, f"stored {texts}\nexpected {expected}"
    assert all(i["state"] == "active" and i["category"] == category for i in items), items
    for item in items:
        versions = 1 + edited.get(item["text"], 0)
        assert (item["version"], item["revisions"]) == (versions, versions), item
    return items


# Drill 1 ------------------------------------------------------------------------------------------------


def test_drill_offline_reload_keeps_every_item(servers, people):
    """Offline, 20 items and an edit, the tab reloaded while still offline, then online: all arrive once, in order.
    The reloaded page shows the room as last seen (items saved before the outage), not only the queued ones."""
    server = servers()
    tag = uuid.uuid4().hex[:6]
    texts = [f"Offline note {n:02d} [{tag}]" for n in range(1, 21)]
    edited = f"Offline note 07, corrected while offline [{tag}]"
    expected = texts[:6] + [edited] + texts[7:]
    rapporteur, page = people(server, "rapporteur")
    room = writable_rooms(page)[1]
    viewer, board = people(server, "viewer")
    open_board(board, server, room)
    open_capture(page, server, room, offline_ready=True)
    saved_tag = uuid.uuid4().hex[:6]
    saved = f"Said before the outage [{saved_tag}]"
    type_item(page, "challenge", saved)
    expect(save_status(page)).to_have_text("Saved")

    rapporteur.set_offline(True)
    expect(save_status(page)).to_have_text("Offline (0)")
    for text in texts:
        type_item(page, "best_practice", text)
    seventh = page.locator("#column-best_practice li.item").filter(has=page.get_by_text(texts[6], exact=True))
    seventh_id = seventh.get_attribute("data-id")
    seventh.focus()
    page.keyboard.press("Enter")  # opens the editor
    expect(page.locator(f"#edit-{seventh_id}")).to_be_focused()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.insert_text(edited)
    page.keyboard.press("Enter")
    expect(capture_texts(page, "best_practice", tag)).to_have_text(expected)
    expect(save_status(page)).to_have_text("Offline (21)")

    # Reload with no network: the service worker gives back the kept page, which reads the outbox back.
    response = page.reload()
    assert response is not None and response.ok and response.from_service_worker
    assert page.evaluate("navigator.onLine") is False
    expect(save_status(page)).to_have_text("Offline (21)")
    expect(save_status(page)).to_have_attribute("data-state", "offline")
    expect(capture_texts(page, "best_practice", tag)).to_have_text(expected)
    expect(page.locator("#column-best_practice li.item.pending")).to_have_count(20)
    expect(capture_texts(page, "challenge", saved_tag)).to_have_text([saved])  # the copy this browser kept
    expect(page.locator("#column-challenge li.item.pending")).to_have_count(0)
    assert stored_items(server.database, room, tag) == []  # nothing went out
    expect(board_texts(board, "best_practice", tag)).to_have_count(0)

    rapporteur.set_offline(False)
    expect(save_status(page)).to_have_text("Saved")
    expect(page.locator("li.item.pending")).to_have_count(0)
    expect(page.locator(".notice")).to_have_count(0)
    expect(capture_texts(page, "best_practice", tag)).to_have_text(expected)
    expect(board_texts(board, "best_practice", tag)).to_have_text(expected)
    expect(capture_texts(page, "challenge", saved_tag)).to_have_text([saved])
    items = assert_stored_once(server.database, room, tag, expected, category="best_practice", edited={edited: 1})
    assert {i["id"]: i["version"] for i in items}[seventh_id] == 2
    assert page.evaluate(OUTBOX_KEYS) == []


# Drill 2 ------------------------------------------------------------------------------------------------


# Slow: two server starts and a reconnect (about 15 s).
def test_drill_server_killed_mid_flush_resends_without_loss_or_duplicates(servers, people):
    """kill -9 of the server while the page flushes its queue, more items typed while it is down, a restart on the
    same port: what was acknowledged is still there, the rest is sent, nothing twice, the board converges."""
    server = servers("node")
    tag = uuid.uuid4().hex[:6]
    online = [f"Saved before the crash {n} [{tag}]" for n in (1, 2)]
    queued = [f"Queued while offline {n} [{tag}]" for n in range(1, 9)]
    while_down = [f"Typed while the server was down {n} [{tag}]" for n in (1, 2)]
    viewer, board = people(server, "viewer")
    rapporteur, page = people(server, "rapporteur")
    room = writable_rooms(page)[0]
    relay = SocketRelay(page)
    open_board(board, server, room)
    open_capture(page, server, room)

    for text in online:
        type_item(page, "challenge", text)
    expect(save_status(page)).to_have_text("Saved")
    rapporteur.set_offline(True)
    expect(save_status(page)).to_have_text("Offline (0)")
    for text in queued:
        type_item(page, "challenge", text)
    expect(save_status(page)).to_have_text("Offline (8)")

    # Back online, the page flushes its queue; when its 4th mutation is on the wire, the server is killed.
    first = relay.mutates

    def kill_on_the_fourth(n):
        if n == first + 4:
            server.kill()
            return True
        return False

    relay.on_mutate = kill_on_the_fourth
    rapporteur.set_offline(False)
    assert server.wait_for_exit(page) == -signal.SIGKILL
    relay.on_mutate = None
    expect(save_status(page)).to_have_text("Offline (5)")
    waiting = [m["text"] for m in outbox(page)]
    assert waiting == queued[3:]
    # Acknowledged means stored: the database (the server is down) holds exactly what the page saw acknowledged.
    acknowledged = online + queued[:3]
    assert_stored_once(server.database, room, tag, acknowledged, category="challenge")

    for text in while_down:
        type_item(page, "challenge", text)
    expect(save_status(page)).to_have_text("Offline (7)")

    restarted = servers("node", port=server.port)
    expected = online + queued + while_down
    expect(save_status(page)).to_have_text("Saved", timeout=RECONNECT_MS)
    expect(capture_texts(page, "challenge", tag)).to_have_text(expected)
    expect(page.locator(".notice")).to_have_count(0)
    expect(board_texts(board, "challenge", tag)).to_have_text(expected, timeout=RECONNECT_MS)
    assert_stored_once(restarted.database, room, tag, expected, category="challenge")
    assert page.evaluate(OUTBOX_KEYS) == []


# Slow: two server starts and a reconnect (about 10 s).
def test_drill_crash_after_commit_before_ack_saves_once(servers, people):
    """The server dies right after committing the 3rd item, before its ack: after a restart the page resends it,
    the server answers it from its record, and all 5 items are stored once."""
    server = servers("node", env={FAULT: "3"})
    tag = uuid.uuid4().hex[:6]
    texts = [f"Item {n} of five [{tag}]" for n in range(1, 6)]
    viewer, board = people(server, "viewer")
    rapporteur, page = people(server, "rapporteur")
    room = writable_rooms(page)[0]
    open_board(board, server, room)
    open_capture(page, server, room)

    for text in texts:
        type_item(page, "recommendation", text)
    assert server.wait_for_exit(page) == 70, "".join(server.log)  # the fault fired (faults.py exits with 70)
    expect(save_status(page)).to_have_text("Offline (3)")
    # The 3rd is committed, but the page never heard so: it is still in its outbox, with the two after it.
    assert_stored_once(server.database, room, tag, texts[:3], category="recommendation")
    assert [m["text"] for m in outbox(page)] == texts[2:]

    restarted = servers("node", port=server.port)  # the same database, without the fault
    expect(save_status(page)).to_have_text("Saved", timeout=RECONNECT_MS)
    expect(capture_texts(page, "recommendation", tag)).to_have_text(texts)
    expect(page.locator(".notice")).to_have_count(0)  # the resent 3rd was answered as saved, not as a conflict
    expect(board_texts(board, "recommendation", tag)).to_have_text(texts, timeout=RECONNECT_MS)
    assert_stored_once(restarted.database, room, tag, texts, category="recommendation")
    assert page.evaluate(OUTBOX_KEYS) == []


# Drill 3 ------------------------------------------------------------------------------------------------

REDIS_DOWN_SECONDS = 10
CONVERGE_MS = 75_000


# Slow: Redis stays down for 10 s, then the board has up to 75 s to converge.
def test_drill_redis_outage_board_converges_by_resync(shared_database, redis_server, servers, people):  # noqa: F811
    """Two processes behind the Redis message queue; Redis stops for 10 s while the rapporteur (on node B) adds
    items: they are all saved, and the board (on node A) shows exactly what the database holds once Redis is back."""
    env = {"DATABASE_URL": shared_database, "SOCKETIO_MESSAGE_QUEUE": redis_server.url,
           "SECRET_KEY": "shared-by-both-processes"}
    node_a = servers("a", env=env)  # one after the other: the first migrates the database and loads the demo
    node_b = servers("b", env=env)
    tag = uuid.uuid4().hex[:6]
    before = f"Before the outage [{tag}]"
    during = [f"While Redis was down {n} [{tag}]" for n in range(1, 7)]
    after = f"After Redis came back [{tag}]"
    rapporteur, page = people(node_b, "rapporteur")
    room = writable_rooms(page)[0]
    viewer, board = people(node_a, "viewer")
    open_board(board, node_a, room)
    open_capture(page, node_b, room)

    type_item(page, "challenge", before)
    expect(save_status(page)).to_have_text("Saved")
    expect(board_texts(board, "challenge", tag)).to_have_text([before])  # through Redis, from B to A

    redis_server.stop()
    down_at = time.monotonic()
    for n, text in enumerate(during):
        type_item(page, "challenge", text)
        expect(save_status(page)).to_have_text("Saved")  # saving does not need the message queue
        time.sleep(max(0.0, down_at + (n + 1) * REDIS_DOWN_SECONDS / len(during) - time.monotonic()))
    assert not redis_server.is_up()
    redis_server.start()
    back_at = time.monotonic()
    caught_up_during_outage = board_texts(board, "challenge", tag).count() - 1  # by resync alone

    type_item(page, "challenge", after)
    expect(save_status(page)).to_have_text("Saved")
    expected = [before, *during, after]
    stored = assert_stored_once(node_b.database, room, tag, expected, category="challenge")
    # The board has missed broadcasts; its periodic resync (every 15-30 s) and its gap check catch it up.
    expect(board_texts(board, "challenge", tag)).to_have_text(expected, timeout=CONVERGE_MS)
    converged = time.monotonic() - back_at
    assert converged < CONVERGE_MS / 1000
    print(f"board: {caught_up_during_outage}/{len(during)} outage items shown when Redis came back; "
          f"all {len(expected)} shown {converged:.1f} s after")
    shown = board.locator(".board-column[data-category='challenge'] li.board-item").filter(has_text=tag)
    assert shown.evaluate_all("lis => lis.map(li => li.dataset.id)") == [i["id"] for i in stored]
    assert len(stored_items(node_a.database, room, tag)) == shown.count() == len(expected)


# Drill 4 ------------------------------------------------------------------------------------------------


def test_drill_logout_in_another_tab_keeps_the_queue_until_the_next_login(servers, people):
    """Items queued (offline in one tab, in flight in another) when the user logs out in a third tab: no socket
    writes any more, the pages say so and keep the items; after logging in again they are saved once."""
    server = servers()
    tag = uuid.uuid4().hex[:6]
    offline_texts = [f"Queued offline before the logout {n} [{tag}]" for n in (1, 2, 3)]
    in_flight = f"In flight during the logout [{tag}]"
    rapporteur, home = people(server, "rapporteur")
    first_room, second_room = writable_rooms(home)
    offline_tab = rapporteur.new_page()
    open_capture(offline_tab, server, first_room, offline_ready=True)
    live_tab = rapporteur.new_page()
    relay = SocketRelay(live_tab)
    open_capture(live_tab, server, second_room)

    # One tab loses the network and queues three items.
    network = TabNetwork(rapporteur, offline_tab)
    network.set_offline(True)
    expect(save_status(offline_tab)).to_have_text("Offline (0)")
    for text in offline_texts:
        type_item(offline_tab, "challenge", text)
    expect(save_status(offline_tab)).to_have_text("Offline (3)")
    # Another keeps its connection, but its next item is held up on the way (a stalled network).
    relay.hold = True
    type_item(live_tab, "challenge", in_flight)
    expect(save_status(live_tab)).to_have_text("Saving… (1)")
    assert len(relay.held) == 1

    # Log out in the third tab, with the page's own button.
    home.goto(server.url("/"))
    assert set(kept_pages(home)) == {server.url(f"/rooms/{room}/capture") for room in (first_room, second_room)}
    home.get_by_role("button", name="Log out").click()
    home.wait_for_url(re.compile(r".*/login$"))
    expect(home.get_by_text("You are logged out.")).to_be_visible()
    # The service worker dropped the pages it kept: nobody else gets this user's page from it, offline.
    for _ in range(50):
        if kept_pages(home) == []:
            break
        home.wait_for_timeout(100)
    assert kept_pages(home) == []

    # The socket that was open before the logout refuses the write: login_required.
    relay.release()
    expect(live_tab.locator("#connection-message")).to_contain_text(LOGIN_ENDED)
    expect(save_status(live_tab)).to_have_text("Offline (1)")
    # The offline tab comes back: its new connection is refused for want of a login; it keeps its items too.
    network.set_offline(False)
    expect(offline_tab.locator("#connection-message")).to_contain_text(LOGIN_ENDED)
    expect(save_status(offline_tab)).to_have_text("Offline (3)")
    expect(capture_texts(offline_tab, "challenge", tag)).to_have_text(offline_texts)
    time.sleep(2)  # give a wrongly accepted write time to land, before checking that none did
    assert stored_items(server.database, first_room, tag) == []
    assert stored_items(server.database, second_room, tag) == []
    queued = Counter(m["text"] for m in outbox(home))
    assert queued == Counter([*offline_texts, in_flight])  # in localStorage, for the next login

    # Log in again in the same browser, open the capture pages again: the queues are sent, once.
    fill_login(home, server, "rapporteur")
    for tab, room, texts in ((offline_tab, first_room, offline_texts), (live_tab, second_room, [in_flight])):
        tab.goto(server.url(f"/rooms/{room}/capture"))
        expect(save_status(tab)).to_have_text("Saved")
        expect(tab.locator("#connection-message")).to_be_hidden()
        expect(capture_texts(tab, "challenge", tag)).to_have_text(texts)
        assert_stored_once(server.database, room, tag, texts, category="challenge")
    assert home.evaluate(OUTBOX_KEYS) == []
