"""Rate limits as an attacker and a venue meet them: login guessing, join floods, join-code guessing.

Time is the injected clock (the `clock` fixture): it stands still unless a test advances it, so every
count below is exact however busy the machine is.
"""

import uuid

import pytest
import redis

from facilitator.extensions import db
from facilitator.services import capture
from facilitator.services.events import event_rooms
from facilitator.services.throttle import Limiter, MemoryStore, RedisStore, limiter_for
from facilitator.services.voting import join_code

from .conftest import PASSWORD


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def log_in(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


# Logins ------------------------------------------------------------------------------------------------


def test_one_account_guessed_from_many_addresses_is_slowed_and_the_owner_is_not_kept_out(app, make_user, clock):
    make_user("ana")
    owners_laptop = from_address(app, "198.51.100.9")
    assert log_in(owners_laptop, "ana").status_code == 302
    owners_laptop.post("/logout", data={})

    # The probe: 105 wrong passwords from 21 addresses. Only the first five are even checked.
    attackers = [from_address(app, f"10.0.0.{n}") for n in range(21)]
    answers = [log_in(attackers[n % 21], "ana", f"guess {n}") for n in range(105)]
    assert [a.status_code for a in answers].count(401) == 5
    refused = answers[5]
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"
    assert "Too many failed attempts. Wait 2 seconds and try again." in refused.get_data(as_text=True)

    # An attacker who tries again the moment each wait ends waits longer every time, but never past 5 minutes.
    waits = []
    for n in range(12):
        wait = int(log_in(attackers[n], "ana", "still guessing").headers["Retry-After"])
        waits.append(wait)
        clock.advance(wait)
        assert log_in(attackers[n], "ana", f"guess {n}").status_code == 401
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300, 300]

    # Meanwhile the owner's own browser is not held up at all, and a new one only until the wait ends.
    new_phone = from_address(app, "203.0.113.50")
    held_up = log_in(new_phone, "ana")
    assert held_up.status_code == 429 and new_phone.get("/").status_code == 302
    assert log_in(owners_laptop, "ana").status_code == 302
    clock.advance(int(held_up.headers["Retry-After"]))
    assert log_in(new_phone, "ana").status_code == 302


def test_one_address_trying_many_accounts_is_slowed_but_not_a_whole_venue_for_one_persons_typos(
        app, make_user, clock):
    make_user("ben")
    make_user("carl")
    venue = [from_address(app, "192.0.2.1") for _ in range(3)]
    for _ in range(3):  # one person's typos
        assert log_in(venue[0], "ben", "typo").status_code == 401
    assert log_in(venue[1], "carl").status_code == 302  # someone else behind the same NAT address

    # The probe: one password on 105 accounts from one address. After 30 failures the address waits.
    answers = [log_in(venue[2], f"user{n}", "Summer2024!").status_code for n in range(105)]
    assert answers.count(401) == 27 and answers.count(429) == 78  # 3 typos + 27 = 30 failures
    elsewhere = from_address(app, "192.0.2.99")
    assert log_in(elsewhere, "ben").status_code == 302
    clock.advance(1)
    assert log_in(venue[2], "user200", "Summer2024!").status_code == 401  # one more try after the wait...
    assert log_in(venue[2], "user201", "Summer2024!").headers["Retry-After"] == "2"  # ...then a longer wait


# Several processes: one Redis ----------------------------------------------------------------------------


@pytest.fixture
def processes(app, redis_server, clock):
    """Two limiters on one Redis, each with its own memory, as two server processes have; `use(i)` makes the
    app count with process i's limiter."""
    made = [limiter_for({"SOCKETIO_MESSAGE_QUEUE": redis_server.url}) for _ in range(2)]
    for limiter in made:
        limiter.clock = clock
    own = app.extensions["limiter"]

    def use(index: int) -> Limiter:
        app.extensions["limiter"] = made[index]
        return made[index]

    yield use
    app.extensions["limiter"] = own


def test_two_processes_count_failed_logins_together(app, make_user, processes):
    make_user("ana")
    browser = from_address(app, "10.1.1.1")
    for attempt in range(5):
        processes(attempt % 2)  # a balancer sends each attempt to either process
        assert log_in(browser, "ana", "guess").status_code == 401
    for index in (0, 1):
        processes(index)
        assert log_in(browser, "ana").status_code == 429


def test_two_processes_count_snapshot_calls_of_one_address_together(app, socket_client, board_room, processes,
                                                                    monkeypatch):
    monkeypatch.setitem(app.config, "SNAPSHOTS_PER_ADDRESS_PER_MINUTE", 12)
    room = board_room
    answers = []
    for index in (0, 1):
        processes(index)
        for _ in range(2):  # two sockets per process, four joins each
            sock = socket_client(board_viewer(app, room, "10.2.2.2"))
            answers += [sock.emit("join", {"room": room.id, "since": None}) for _ in range(4)]
    assert [a["ok"] for a in answers] == [True] * 12 + [False] * 4
    assert answers[-1]["error"] == "rate_limited" and answers[-1]["retry_after"] > 0


def test_a_redis_outage_falls_back_to_counting_in_the_process(app, make_user, redis_server, processes, clock):
    make_user("ana")
    limiter = processes(0)
    browser = from_address(app, "10.3.3.3")
    assert isinstance(limiter.store, RedisStore)
    assert log_in(browser, "ana", "guess").status_code == 401
    redis_server.stop()
    for _ in range(5):
        assert log_in(browser, "ana", "guess").status_code == 401  # counted in memory, never a 500
    assert log_in(browser, "ana").status_code == 429

    redis_server.start()
    clock.advance(limiter.store.pause)  # Redis is tried again after a pause
    assert log_in(from_address(app, "10.3.3.4"), "ben", "guess").status_code == 401
    assert redis.Redis.from_url(redis_server.url).keys("facilitator:limit:login-account:ben:*")


def test_the_limiter_counts_in_memory_without_a_redis_queue():
    assert isinstance(limiter_for({"SOCKETIO_MESSAGE_QUEUE": None}).store, MemoryStore)


# Join floods ---------------------------------------------------------------------------------------------


def board_viewer(app, room, address: str):
    """A phone without an account that opened the room's board link."""
    token = db.session.get(type(room), room.id).board_token
    phone = from_address(app, address)
    assert phone.get(f"/b/{token}").status_code == 200
    return phone


@pytest.fixture
def board_room(client, login, demo_event):
    room = next(r for r in event_rooms(demo_event) if r.workshop.number == 1 and r.round.number == 1)
    login(client, "viewer", "viewer-demo")
    client.get(f"/rooms/{room.id}/board")  # makes the board link
    return room


@pytest.fixture
def snapshot_builds(monkeypatch):
    """How many times a room snapshot was read from the database."""
    builds = []
    read = capture._read_snapshot
    monkeypatch.setattr(capture, "_read_snapshot", lambda room: builds.append(room.id) or read(room))
    return builds


def test_a_join_flood_from_anonymous_board_sockets_is_refused_and_costs_one_snapshot(
        app, client, login, socket_client, board_room, snapshot_builds, clock):
    room = board_room
    socks = [socket_client(board_viewer(app, room, "10.4.4.4")) for _ in range(10)]
    answers = [sock.emit("join", {"room": room.id, "since": None}) for sock in socks for _ in range(150)]

    served = [a for a in answers if a["ok"]]
    refused = [a for a in answers if not a["ok"]]
    assert len(served) == 100 and len(refused) == 1400  # ten per socket
    assert all(a["error"] == "rate_limited" and a["retry_after"] == 10 and "nothing was done" in a["message"]
               for a in refused)
    assert snapshot_builds == [room.id]  # one build for the room at its sequence
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["status"] == "ok"

    # A change moves the sequence: the next joins see it, built once more for all of them.
    writer = app.test_client()
    login(writer, "rapporteur", "rapporteur-demo")
    answer = socket_client(writer).emit("mutate", {"room": room.id, "op": "create", "mutation_id": str(uuid.uuid4()),
                                                   "item": str(uuid.uuid4()), "category": "challenge", "text": "New"})
    assert answer["ok"]
    clock.advance(10)
    again = [sock.emit("join", {"room": room.id, "since": None}) for sock in socks]
    assert all(a["ok"] and [i["text"] for i in a["items"]] == ["New"] for a in again)
    assert snapshot_builds == [room.id, room.id]


def test_snapshot_calls_are_limited_per_address_across_sockets_and_logins(app, login, socket_client, board_room,
                                                                          monkeypatch):
    room = board_room
    monkeypatch.setitem(app.config, "SNAPSHOTS_PER_ADDRESS_PER_MINUTE", 15)
    anonymous = [socket_client(board_viewer(app, room, "10.5.5.5")) for _ in range(2)]
    answers = [sock.emit("sync", {"room": room.id, "since": 0}) for sock in anonymous for _ in range(8)]
    logged_in = from_address(app, "10.5.5.5")
    login(logged_in, "viewer", "viewer-demo")
    refused = socket_client(logged_in).emit("join", {"room": room.id, "since": None})
    elsewhere = socket_client(board_viewer(app, room, "10.6.6.6")).emit("join", {"room": room.id, "since": None})
    assert [a["ok"] for a in answers] == [True] * 15 + [False]
    assert refused["error"] == "rate_limited" and 0 < refused["retry_after"] <= 60
    assert elsewhere["ok"]


# Join codes ----------------------------------------------------------------------------------------------


def test_guessing_join_codes_is_slowed_per_address(app, demo_event, clock):
    code = join_code(demo_event)
    db.session.commit()
    guesser = from_address(app, "10.7.7.7")
    answers = [guesser.get(f"/j/WRONG{n}").status_code for n in range(150)]
    assert answers.count(404) == 30 and answers.count(429) == 120

    page = guesser.get(f"/j/{code}")  # even the right code waits: otherwise guessing would go on
    assert page.status_code == 429 and "Too many wrong codes" in page.get_data(as_text=True)
    form = guesser.post("/join", data={"code": code})
    assert form.status_code == 429 and "Wait 1 second and try again." in form.get_data(as_text=True)
    assert from_address(app, "10.8.8.8").get(f"/j/{code}").status_code == 302  # the rest of the hall
    clock.advance(int(page.headers["Retry-After"]))
    assert guesser.get(f"/j/{code}").status_code == 302


# Behind a reverse proxy ----------------------------------------------------------------------------------


def test_behind_a_trusted_proxy_each_client_address_counts_on_its_own(app, monkeypatch):
    from facilitator.app import trust_proxies

    monkeypatch.setattr(app, "wsgi_app", trust_proxies(app.wsgi_app, 1))  # as create_app does with TRUSTED_PROXIES=1
    nginx = app.test_client()  # every request arrives from the proxy's address

    def attempt(client_address: str, username: str) -> int:
        return nginx.post("/login", data={"username": username, "password": "wrong"},
                          headers={"X-Forwarded-For": client_address}).status_code

    assert [attempt("10.9.9.1", f"user{n}") for n in range(31)].count(429) == 1
    assert attempt("10.9.9.2", "someone") == 401  # another client behind the same proxy is not held up
