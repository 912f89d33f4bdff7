"""Live capture over Socket.IO: mutations with acks and versions, once-only replay, conflicts, catch-up."""

import uuid

import pytest
import sqlalchemy as sa

from facilitator.extensions import db, socketio
from facilitator.models import Item, ItemRevision
from facilitator.services.events import event_rooms

from .conftest import table_counts


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def room(demo_event):
    """Workshop 1, Round 1: the demo rapporteur writes here."""
    return next(r for r in event_rooms(demo_event) if r.workshop.number == 1 and r.round.number == 1)


@pytest.fixture
def rapporteur(client, login, socket_client, room):
    """The demo rapporteur's socket, already in the room."""
    login(client, "rapporteur", "rapporteur-demo")
    sock = socket_client(client)
    assert sock.emit("join", {"room": room.id, "since": None})["ok"]
    return sock


def create(sock, room, text="Lack of data sharing", category="challenge", **extra):
    item = new_id()
    answer = sock.emit("mutate", {"room": room.id, "op": "create", "mutation_id": new_id(), "item": item,
                                  "category": category, "text": text, **extra})
    return item, answer


def change(sock, room, op, item, base_version, **fields):
    return sock.emit("mutate", {"room": room.id, "op": op, "mutation_id": new_id(), "item": item,
                                "base_version": base_version, **fields})


def test_create_edit_move_delete_restore_with_acks_and_versions(rapporteur, room):
    item, answer = create(rapporteur, room, "  Lack of\tdata sharing  ")
    assert answer["ok"] and answer["item"]["version"] == 1 and answer["seq"] == 1
    assert answer["item"]["text"] == "Lack of data sharing"

    answer = change(rapporteur, room, "edit", item, 1, text="Too little data sharing", key_point=True, question=0)
    assert answer["ok"] and answer["item"]["version"] == 2
    assert answer["item"]["key_point"] is True and answer["item"]["question"] == 0

    second, _ = create(rapporteur, room, "Joint investigation teams work", category="best_practice")
    answer = change(rapporteur, room, "move", item, 2, category="best_practice", position=0)
    assert answer["ok"] and answer["item"]["category"] == "best_practice" and answer["item"]["version"] == 3

    answer = change(rapporteur, room, "delete", item, 3)
    assert answer["ok"] and answer["item"]["state"] == "deleted"
    answer = change(rapporteur, room, "restore", item, 4)
    assert answer["ok"] and answer["item"]["state"] == "active" and answer["item"]["version"] == 5

    stored = db.session.scalar(sa.select(Item).where(Item.client_id == item))
    assert (stored.text, stored.version, stored.category.key, stored.position) == (
        "Too little data sharing", 5, "best_practice", 0)
    assert [r.version for r in stored.revisions] == [1, 2, 3, 4, 5]
    snapshot = rapporteur.emit("join", {"room": room.id, "since": None})
    assert [i["id"] for i in snapshot["items"] if i["category"] == "best_practice"] == [item, second]
    assert snapshot["seq"] == 6


def test_a_move_carrying_an_edit_is_refused_rather_than_dropping_the_edit(rapporteur, room):
    item, _ = create(rapporteur, room, "Kept as typed")

    answer = change(rapporteur, room, "move", item, 1, position=0, text="Would be lost")

    assert answer["error"] == "invalid" and answer["field"] == "position"
    snapshot = rapporteur.emit("join", {"room": room.id, "since": None})
    assert [(i["text"], i["version"]) for i in snapshot["items"]] == [("Kept as typed", 1)]


def test_the_same_mutation_sent_twice_creates_one_item(rapporteur, room):
    payload = {"room": room.id, "op": "create", "mutation_id": new_id(), "item": new_id(),
               "category": "recommendation", "text": "Set up national contact points"}

    first = rapporteur.emit("mutate", payload)
    second = rapporteur.emit("mutate", payload)

    assert first["ok"] and second == first
    assert db.session.scalar(sa.select(sa.func.count(Item.id))) == 1
    assert room.last_seq == 1


def test_replayed_edit_is_applied_once(rapporteur, room):
    item, _ = create(rapporteur, room)
    payload = {"room": room.id, "op": "edit", "mutation_id": new_id(), "item": item, "base_version": 1,
               "text": "Edited once"}
    assert rapporteur.emit("mutate", payload)["item"]["version"] == 2
    assert rapporteur.emit("mutate", payload)["item"]["version"] == 2
    assert db.session.scalar(sa.select(Item.version).where(Item.client_id == item)) == 2


def test_two_edits_on_the_same_version_give_one_success_one_conflict_and_keep_both(
        rapporteur, room, client, app, login, socket_client):
    item, _ = create(rapporteur, room, "Original wording")
    other_client = app.test_client()
    login(other_client, "moderator", "moderator-demo")
    moderator = socket_client(other_client)

    first = change(rapporteur, room, "edit", item, 1, text="Rapporteur's wording")
    second = change(moderator, room, "edit", item, 1, text="Moderator's wording")

    assert first["ok"] is True
    assert second["ok"] is False and second["error"] == "conflict"
    assert second["item"]["text"] == "Rapporteur's wording" and second["item"]["version"] == 2
    texts = db.session.scalars(sa.select(ItemRevision.text).join(ItemRevision.item).where(Item.client_id == item)).all()
    assert {"Original wording", "Rapporteur's wording", "Moderator's wording"} <= set(texts)
    assert db.session.scalar(sa.select(Item.text).where(Item.client_id == item)) == "Rapporteur's wording"


def test_a_second_client_in_the_room_receives_the_change(rapporteur, room, app, login, socket_client):
    viewer_client = app.test_client()
    login(viewer_client, "viewer", "viewer-demo")
    viewer = socket_client(viewer_client)
    assert viewer.emit("join", {"room": room.id, "since": None})["ok"]
    viewer.received()

    item, answer = create(rapporteur, room, "Seen on the board")

    changes = viewer.received("change")
    assert [(c["seq"], c["op"], c["item"]["id"], c["item"]["text"]) for c in changes] == [
        (answer["seq"], "create", item, "Seen on the board")]


def test_reconnect_with_an_old_sequence_receives_exactly_what_was_missed(rapporteur, room, app, login,
                                                                          socket_client):
    first, _ = create(rapporteur, room, "Before the drop")
    viewer_client = app.test_client()
    login(viewer_client, "viewer", "viewer-demo")
    viewer = socket_client(viewer_client)
    seen = viewer.emit("join", {"room": room.id, "since": None})
    assert seen["seq"] == 1
    viewer.disconnect()

    second, _ = create(rapporteur, room, "While away 1")
    change(rapporteur, room, "edit", first, 1, text="Edited while away")
    third, _ = create(rapporteur, room, "While away 2")

    viewer = socket_client(viewer_client)
    answer = viewer.emit("join", {"room": room.id, "since": seen["seq"]})
    assert answer["ok"] and answer["seq"] == 4
    assert [(c["seq"], c["op"], c["item"]["id"]) for c in answer["changes"]] == [
        (2, "create", second), (3, "edit", first), (4, "create", third)]
    assert viewer.emit("sync", {"room": room.id, "since": 4})["changes"] == []


def test_a_sequence_the_server_does_not_know_gets_a_snapshot(rapporteur, room):
    create(rapporteur, room)
    answer = rapporteur.emit("sync", {"room": room.id, "since": 999})
    assert answer["snapshot"]["seq"] == 1 and len(answer["snapshot"]["items"]) == 1


def test_presence_lists_who_writes_in_the_room(rapporteur, room, app, login, socket_client):
    moderator_client = app.test_client()
    login(moderator_client, "moderator", "moderator-demo")
    moderator = socket_client(moderator_client)
    rapporteur.received()
    moderator.emit("join", {"room": room.id, "since": None})
    people = rapporteur.received("presence")[-1]["people"]
    assert {(p["name"], p["role"]) for p in people} == {("Demo rapporteur", "rapporteur"),
                                                        ("Demo moderator", "rapporteur")}

    # Boards and viewers are not listed, and joining costs the room no presence message.
    viewer_client = app.test_client()
    login(viewer_client, "viewer", "viewer-demo")
    socket_client(viewer_client).emit("join", {"room": room.id, "since": None})
    assert rapporteur.received("presence") == []

    moderator.disconnect()
    assert {p["name"] for p in rapporteur.received("presence")[-1]["people"]} == {"Demo rapporteur"}


BAD_PAYLOADS = [
    pytest.param("not an object", "invalid", id="not-an-object"),
    pytest.param({"op": "create"}, "invalid", id="missing-everything"),
    pytest.param({"op": "create", "mutation_id": "123", "item": "x"}, "invalid", id="bad-uuid"),
    pytest.param({"op": "fly", "mutation_id": "M", "item": "I", "text": "x", "category": "challenge"},
                 "invalid", id="unknown-op"),
    pytest.param({"op": "create", "mutation_id": "M", "item": "I", "category": "challenge"}, "invalid",
                 id="missing-text"),
    pytest.param({"op": "create", "mutation_id": "M", "item": "I", "text": 42, "category": "challenge"},
                 "invalid", id="text-not-a-string"),
    pytest.param({"op": "create", "mutation_id": "M", "item": "I", "text": "x" * 4001, "category": "challenge"},
                 "invalid", id="too-long"),
    pytest.param({"op": "create", "mutation_id": "M", "item": "I", "text": "\x00\x07  \x1b", "category": "challenge"},
                 "invalid", id="only-control-characters"),
    pytest.param({"op": "create", "mutation_id": "M", "item": "I", "text": "x", "category": "gossip"},
                 "invalid", id="unknown-category"),
    pytest.param({"op": "create", "mutation_id": "M", "item": "I", "text": "x", "category": "challenge",
                  "question": 99}, "invalid", id="unknown-question"),
    pytest.param({"op": "create", "mutation_id": "M", "item": "I", "text": "x", "category": "challenge",
                  "colour": "red"}, "invalid", id="unknown-field"),
    pytest.param({"op": "edit", "mutation_id": "M", "item": "I", "text": "x"}, "invalid", id="edit-without-version"),
    pytest.param({"op": "edit", "mutation_id": "M", "item": "I", "base_version": "1", "text": "x"}, "invalid",
                 id="version-as-string"),
    pytest.param({"op": "edit", "mutation_id": "M", "item": "I", "base_version": 1, "text": "x"}, "not_found",
                 id="unknown-item"),
    pytest.param({"room": 99999, "op": "create", "mutation_id": "M", "item": "I", "text": "x",
                  "category": "challenge"}, "not_found", id="unknown-room"),
    pytest.param({"room": "one", "op": "create", "mutation_id": "M", "item": "I", "text": "x",
                  "category": "challenge"}, "invalid", id="room-not-a-number"),
]


@pytest.mark.parametrize(("payload", "error"), BAD_PAYLOADS)
def test_bad_payload_gets_an_error_and_changes_nothing(rapporteur, room, payload, error):
    create(rapporteur, room, "Already there")
    before_counts = table_counts()
    before = rapporteur.emit("join", {"room": room.id, "since": None})
    if isinstance(payload, dict):
        payload = {"room": room.id, **payload}
        payload = {k: (new_id() if v in ("M", "I") else v) for k, v in payload.items()}

    answer = rapporteur.emit("mutate", payload)

    assert answer["ok"] is False and answer["error"] == error, answer
    assert answer["message"]
    assert table_counts() == before_counts
    assert rapporteur.emit("join", {"room": room.id, "since": None}) == before
    # The handler keeps serving the same connection.
    assert create(rapporteur, room, "Still works")[1]["ok"]


def test_control_characters_are_removed_and_line_breaks_kept(rapporteur, room):
    _, answer = create(rapporteur, room, "First line\r\nsecond\x07 line\u202e")
    assert answer["item"]["text"] == "First line\nsecond line\u202e"


def test_user_text_is_stored_as_typed(rapporteur, room):
    samples = ["Обмін інформацією", "İstanbul taahhütleri", "تبادل المعلومات", "Data 📊 sharing",
               "<img src=x onerror=alert(1)>", "{{7*7}}"]
    for text in samples:
        assert create(rapporteur, room, text)[1]["item"]["text"] == text


def test_a_deleted_item_must_be_restored_before_it_changes(rapporteur, room):
    item, _ = create(rapporteur, room)
    change(rapporteur, room, "delete", item, 1)
    for op, fields in [("edit", {"text": "x"}), ("move", {"position": 0, "category": "recommendation"})]:
        answer = change(rapporteur, room, op, item, 2, **fields)
        assert answer["error"] == "invalid" and "restore" in answer["message"]
    assert change(rapporteur, room, "restore", item, 2)["ok"]


def test_an_item_id_from_another_room_is_refused_without_showing_it(rapporteur, room, demo_event):
    item, _ = create(rapporteur, room, "Secret of room one")
    other = next(r for r in event_rooms(demo_event) if r.workshop.number == 1 and r.round.number == 2)
    answer = rapporteur.emit("mutate", {"room": other.id, "op": "create", "mutation_id": new_id(), "item": item,
                                        "category": "challenge", "text": "x"})
    assert answer["error"] == "invalid" and "item" not in answer


def test_appending_moves_no_other_item_and_inserting_renumbers(rapporteur, room):
    first, _ = create(rapporteur, room, "First")
    middle, _ = create(rapporteur, room, "Middle")
    third, _ = create(rapporteur, room, "Third")
    change(rapporteur, room, "delete", middle, 1)

    appended, answer = create(rapporteur, room, "Appended")
    change_sent = [c for c in rapporteur.received("change") if c["item"]["id"] == appended][-1]
    assert change_sent["orders"] == {}  # nothing else moved, so nothing else is named
    _, answer = create(rapporteur, room, "Put first", position=0)
    assert answer["ok"]

    items = rapporteur.emit("join", {"room": room.id, "since": None})["items"]
    ordered = [i["text"] for i in sorted(items, key=lambda i: i["position"]) if i["state"] == "active"]
    assert ordered == ["Put first", "First", "Third", "Appended"]


def test_the_capture_page_sends_nothing_the_socket_would_drop_unanswered(app, client, login, socket_client, room):
    """The page refuses to send a mutation over MAX_MESSAGE_BYTES (static/js/capture/outbox.js); the socket closes
    unanswered only far above it, and anything up to it gets a clear answer, so nothing loops in the outbox."""
    limit = app.config["MAX_MESSAGE_BYTES"]
    assert socketio.server.eio.max_http_buffer_size >= 4 * limit  # a polling POST may carry a few messages
    assert app.config["MAX_ITEM_LENGTH"] * 6 + 1024 <= limit  # a full-length item as JSON still fits
    login(client, "rapporteur", "rapporteur-demo")
    page = client.get(f"/rooms/{room.id}/capture").get_data(as_text=True)
    assert f'data-max-message-bytes="{limit}"' in page
    sock = socket_client(client)
    before = table_counts()

    answer = sock.emit("mutate", {"room": room.id, "op": "create", "mutation_id": new_id(), "item": new_id(),
                                  "category": "challenge", "text": "x" * (limit - 300)})

    assert (answer["ok"], answer["error"], answer["field"]) == (False, "invalid", "text")
    assert "at most" in answer["message"]
    assert table_counts() == before
