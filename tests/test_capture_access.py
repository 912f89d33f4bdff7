"""Who may read and write a room, over every socket event and every API route."""

import uuid

import pytest
import sqlalchemy as sa

from facilitator.extensions import db
from facilitator.models import Item, Role
from facilitator.services.events import event_rooms

from .conftest import table_counts

# (who, may read the room, may write in it)
MATRIX = [
    ("viewer", True, False),
    ("other-rapporteur", True, False),
    ("rapporteur", True, True),
    ("moderator", True, True),
    ("secretariat", True, True),
    ("outsider", False, False),
]


@pytest.fixture
def room(demo_event):
    return next(r for r in event_rooms(demo_event) if r.workshop.number == 1 and r.round.number == 1)


@pytest.fixture
def existing_item(room, demo_event):
    """An item written by the demo rapporteur, for edit/delete attempts."""
    from facilitator.models import User
    from facilitator.services.capture import perform_mutation

    author = db.session.scalar(sa.select(User).where(User.username == "rapporteur"))
    item_id = str(uuid.uuid4())
    perform_mutation(author, room, {"op": "create", "mutation_id": str(uuid.uuid4()), "item": item_id,
                                    "category": "challenge", "text": "Existing"})
    return item_id


@pytest.fixture
def as_user(app, client, login, make_user, demo_event):
    def become(who):
        if who == "other-rapporteur":
            other_room = next(r for r in event_rooms(demo_event) if r.workshop.number == 2)
            make_user("other-rapporteur", Role.RAPPORTEUR, demo_event, other_room)
            login(client, "other-rapporteur")
        elif who == "outsider":
            make_user("outsider")
            login(client, "outsider")
        else:
            login(client, who, f"{who}-demo")
        return client

    return become


def _mutations(room, item_id):
    return [
        {"op": "create", "item": str(uuid.uuid4()), "category": "challenge", "text": "New"},
        {"op": "edit", "item": item_id, "base_version": 1, "text": "Changed"},
        {"op": "move", "item": item_id, "base_version": 1, "position": 0, "category": "recommendation"},
        {"op": "delete", "item": item_id, "base_version": 1},
        {"op": "restore", "item": item_id, "base_version": 1},
    ]


@pytest.mark.parametrize(("who", "may_read", "may_write"), MATRIX)
def test_socket_events_by_role(as_user, socket_client, room, existing_item, who, may_read, may_write):
    sock = socket_client(as_user(who))

    for event in ("join", "sync"):
        answer = sock.emit(event, {"room": room.id, "since": 0})
        assert answer["ok"] is may_read, (who, event, answer)
        if not may_read:
            assert answer["error"] == "forbidden"

    for mutation in _mutations(room, existing_item):
        before = table_counts()
        answer = sock.emit("mutate", {"room": room.id, "mutation_id": str(uuid.uuid4()), **mutation})
        if may_write:
            assert answer["ok"] is True, (who, mutation["op"], answer)
            # Undo the effect for the next op: each op starts from the item at version 1.
            db.session.execute(sa.update(Item).where(Item.client_id == existing_item).values(version=1))
            db.session.commit()
        else:
            assert answer == {**answer, "ok": False, "error": "forbidden"}, (who, mutation["op"], answer)
            assert table_counts() == before
    assert sock.emit("leave", {"room": room.id})["ok"]


def test_anonymous_socket_is_refused(client, socket_client):
    sock = socket_client(client)
    assert not sock.connected


def test_a_logged_out_browser_cannot_connect(client, login, socket_client, demo_event):
    login(client, "rapporteur", "rapporteur-demo")
    client.post("/logout", data={})
    assert not socket_client(client).connected


@pytest.mark.parametrize(("who", "may_read", "may_write"), MATRIX)
def test_api_routes_by_role(as_user, room, existing_item, who, may_read, may_write):
    client = as_user(who)
    read_status = 200 if may_read else 403
    assert client.get(f"/api/rooms/{room.id}").status_code == read_status
    assert client.get(f"/api/rooms/{room.id}/changes?since=0").status_code == read_status

    base = f"/api/rooms/{room.id}/items"
    calls = [
        ("POST", base, {"category": "challenge", "text": "New"}, 201),
        ("PATCH", f"{base}/{existing_item}", {"base_version": 1, "text": "Changed"}, 200),
        ("PATCH", f"{base}/{existing_item}", {"base_version": 1, "position": 0}, 200),
        ("DELETE", f"{base}/{existing_item}", {"base_version": 1}, 200),
        ("POST", f"{base}/{existing_item}/restore", {"base_version": 1}, 200),
    ]
    for method, url, body, ok_status in calls:
        before = table_counts()
        response = client.api(method, url, json=body)
        if may_write:
            assert response.status_code == ok_status, (who, method, url, response.get_json())
            db.session.execute(sa.update(Item).where(Item.client_id == existing_item).values(version=1))
            db.session.commit()
        else:
            assert response.status_code == 403, (who, method, url, response.get_json())
            assert table_counts() == before


@pytest.mark.parametrize("who", ["rapporteur", "viewer", "other-rapporteur", "outsider"])
def test_pages_by_role(as_user, room, who):
    client = as_user(who)
    capture_status = 200 if who == "rapporteur" else 403
    board_status = 403 if who == "outsider" else 200
    assert client.get(f"/rooms/{room.id}/capture").status_code == capture_status
    assert client.get(f"/rooms/{room.id}/board").status_code == board_status
    assert client.get(f"/rooms/{room.id}/qr.svg").status_code == board_status


def test_board_link_lets_a_participant_watch_one_room_only(app, client, login, socket_client, demo_event, room):
    login(client, "viewer", "viewer-demo")
    page = client.get(f"/rooms/{room.id}/board").get_data(as_text=True)
    token = db.session.get(type(room), room.id).board_token
    assert token and f"/b/{token}" in page
    qr = client.get(f"/rooms/{room.id}/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data

    participant = app.test_client()
    assert not socket_client(participant).connected  # no link opened yet: no socket
    assert participant.get(f"/b/{token}").status_code == 200
    sock = socket_client(participant)
    assert sock.connected
    assert sock.emit("join", {"room": room.id, "since": None})["ok"] is True
    other_room = next(r for r in event_rooms(demo_event) if r.id != room.id)
    # Anything beyond the link needs an account.
    assert sock.emit("join", {"room": other_room.id, "since": None})["error"] == "login_required"
    answer = sock.emit("mutate", {"room": room.id, "op": "create", "mutation_id": str(uuid.uuid4()),
                                  "item": str(uuid.uuid4()), "category": "challenge", "text": "x"})
    assert answer["error"] == "login_required"  # writing needs an account
    assert participant.get("/b/not-a-token").status_code == 404


def test_api_conflict_and_bad_input_statuses(as_user, room, existing_item):
    client = as_user("rapporteur")
    base = f"/api/rooms/{room.id}/items"
    assert client.api("PATCH", f"{base}/{existing_item}", json={"base_version": 1, "text": "One"}).status_code == 200
    stale = client.api("PATCH", f"{base}/{existing_item}", json={"base_version": 1, "text": "Two"})
    assert stale.status_code == 409 and stale.get_json()["item"]["text"] == "One"
    assert client.api("POST", base, json={"category": "challenge", "text": ""}).status_code == 400
    assert client.api("POST", base, json=["not", "an", "object"]).status_code == 400
    assert client.api("POST", "/api/rooms/99999/items", json={"category": "challenge", "text": "x"}).status_code == 404
    assert client.api("POST", base, json={"category": "challenge", "text": "x"}, csrf=False).status_code == 400
    snapshot = client.get(f"/api/rooms/{room.id}").get_json()
    assert [i["text"] for i in snapshot["items"]] == ["One"]


def test_api_patch_mixing_a_move_with_an_edit_is_refused(as_user, room, existing_item):
    """Text sent with a position used to become a move that dropped the text; now nothing is stored."""
    client = as_user("rapporteur")
    url = f"/api/rooms/{room.id}/items/{existing_item}"
    for edit in ({"text": "Lost wording"}, {"key_point": True}, {"question": 0}):
        mixed = client.api("PATCH", url, json={"base_version": 1, "position": 0, **edit})
        assert mixed.status_code == 400
        assert mixed.get_json()["error"] == "invalid"
        assert "two changes" in mixed.get_json()["message"]
    [item] = client.get(f"/api/rooms/{room.id}").get_json()["items"]
    assert (item["text"], item["version"], item["key_point"]) == ("Existing", 1, False)
    move = client.api("PATCH", url, json={"base_version": 1, "position": 0, "category": "best_practice"})
    assert move.status_code == 200 and move.get_json()["item"]["category"] == "best_practice"


def test_a_flooding_socket_is_throttled_without_slowing_other_rooms(app, as_user, socket_client, demo_event, room,
                                                                     clock):
    flooder = socket_client(as_user("rapporteur"))
    other_client = app.test_client()
    other_client.post("/login", data={"username": "moderator", "password": "moderator-demo"})
    other = socket_client(other_client)
    other_room = next(r for r in event_rooms(demo_event) if r.workshop.number == 2)

    # 400 malformed mutations at once (the clock stands still): 300 are handled, the rest refused unhandled.
    answers = [flooder.emit("mutate", {"room": room.id}) for _ in range(400)]
    assert [a["error"] for a in answers] == ["invalid"] * 300 + ["rate_limited"] * 100
    assert answers[-1]["retry_after"] == 10
    assert other.emit("sync", {"room": other_room.id, "since": 0})["ok"] is True
    clock.advance(10)
    assert flooder.emit("mutate", {"room": room.id})["error"] == "invalid"  # the next window is open again
