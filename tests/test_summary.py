"""A room's summary, written live beside the items: versions, conflicts kept, once-only, catch-up, access."""

import uuid

import pytest
import sqlalchemy as sa

from facilitator.extensions import db
from facilitator.models import Room, RoomSummaryRevision
from facilitator.services.events import event_rooms

from .conftest import table_counts

NARRATIVE = ("The panel opened with the state of play.\n\n"
             "- Data sharing is slow[^1]\n- Contact points are missing\n\n"
             "[^1]: Two to six weeks per request.")


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def room(demo_event):
    """Workshop 1, Round 1: the demo rapporteur writes here."""
    return next(r for r in event_rooms(demo_event) if r.workshop.number == 1 and r.round.number == 1)


@pytest.fixture
def rapporteur(client, login, socket_client, room):
    login(client, "rapporteur", "rapporteur-demo")
    sock = socket_client(client)
    assert sock.emit("join", {"room": room.id, "since": None})["ok"]
    return sock


@pytest.fixture
def other(app, login, socket_client, room):
    """Which role signs in on a second browser: its socket, already in the room."""

    def connect(who: str):
        flask_client = app.test_client()
        login(flask_client, who, f"{who}-demo")
        sock = socket_client(flask_client)
        assert sock.emit("join", {"room": room.id, "since": None})["ok"]
        return sock

    return connect


def save(sock, room, text, base_version, mutation_id=None):
    return sock.emit("mutate", {"room": room.id, "op": "summary", "mutation_id": mutation_id or new_id(),
                                "base_version": base_version, "text": text})


def stored(room) -> tuple[str, int]:
    db.session.expire_all()
    current = db.session.get(Room, room.id)
    return current.summary, current.summary_version


def test_a_summary_is_written_then_edited_with_versions_acks_and_one_change_each(rapporteur, room, other):
    board = other("viewer")
    board.received()

    first = save(rapporteur, room, "The panel opened.", 0)
    assert first["ok"] and first["op"] == "summary" and first["seq"] == 1
    assert first["summary"]["text"] == "The panel opened." and first["summary"]["version"] == 1
    assert first["summary"]["author"] == "Demo rapporteur" and first["summary"]["updated_at"]

    second = save(rapporteur, room, NARRATIVE, 1)
    assert second["ok"] and second["summary"]["version"] == 2 and second["seq"] == 2
    assert second["summary"]["text"] == NARRATIVE  # paragraphs, bullets and footnotes as typed

    changes = board.received("change")
    assert [(c["seq"], c["op"], c["summary"]["version"], c["summary"]["text"]) for c in changes] == [
        (1, "summary", 1, "The panel opened."), (2, "summary", 2, NARRATIVE)]
    assert stored(room) == (NARRATIVE, 2)
    history = db.session.scalars(sa.select(RoomSummaryRevision.text).where(RoomSummaryRevision.room_id == room.id)
                                 .order_by(RoomSummaryRevision.id)).all()
    assert history == ["The panel opened.", NARRATIVE]


def test_the_snapshot_and_the_api_carry_the_summary(rapporteur, room, client):
    assert rapporteur.emit("join", {"room": room.id, "since": None})["summary"] == {
        "text": "", "version": 0, "updated_at": None, "author": None}
    saved = save(rapporteur, room, NARRATIVE, 0)["summary"]

    joined = rapporteur.emit("join", {"room": room.id, "since": None})
    assert joined["summary"] == saved and joined["show_summary"] is False
    assert client.get(f"/api/rooms/{room.id}").get_json()["summary"] == saved


def test_a_stale_save_is_a_conflict_carrying_the_current_summary_and_both_texts_are_kept(rapporteur, room, other):
    moderator = other("moderator")
    save(rapporteur, room, "Start", 0)

    mine = save(rapporteur, room, "Rapporteur's narrative", 1)
    theirs = save(moderator, room, "Moderator's narrative", 1)

    assert mine["ok"] is True
    assert theirs["ok"] is False and theirs["error"] == "conflict"
    assert theirs["summary"]["text"] == "Rapporteur's narrative" and theirs["summary"]["version"] == 2
    assert "Demo rapporteur" in theirs["message"]
    assert stored(room) == ("Rapporteur's narrative", 2)
    kept = db.session.execute(sa.select(RoomSummaryRevision.kind, RoomSummaryRevision.version, RoomSummaryRevision.text)
                              .where(RoomSummaryRevision.room_id == room.id)
                              .order_by(RoomSummaryRevision.id)).all()
    assert [tuple(row) for row in kept] == [("change", 1, "Start"), ("change", 2, "Rapporteur's narrative"),
                                            ("conflict", 1, "Moderator's narrative")]
    assert room.last_seq == 2  # the conflict changed nothing anyone must catch up on


def test_a_resent_save_is_applied_once(rapporteur, room):
    mutation_id = new_id()
    first = save(rapporteur, room, "Said once", 0, mutation_id)
    again = save(rapporteur, room, "Said once", 0, mutation_id)

    assert first["ok"] and again == first
    assert stored(room) == ("Said once", 1)
    assert db.session.scalar(sa.select(sa.func.count(RoomSummaryRevision.id))) == 1


def test_a_reconnecting_client_catches_up_on_the_summary(rapporteur, room, other):
    viewer = other("viewer")
    seen = viewer.emit("join", {"room": room.id, "since": None})["seq"]
    viewer.disconnect()

    rapporteur.emit("mutate", {"room": room.id, "op": "create", "mutation_id": new_id(), "item": new_id(),
                               "category": "challenge", "text": "An item"})
    save(rapporteur, room, NARRATIVE, 0)

    answer = rapporteur.emit("sync", {"room": room.id, "since": seen})
    assert [c["op"] for c in answer["changes"]] == ["create", "summary"]
    assert answer["changes"][1]["summary"]["text"] == NARRATIVE


def test_line_ends_and_control_characters_are_cleaned_and_blank_means_empty(rapporteur, room):
    assert save(rapporteur, room, "One\r\n\r\n- two\x07\tthree\n", 0)["summary"]["text"] == "One\n\n- two three\n"
    assert save(rapporteur, room, "  \n\n ", 1)["summary"]["text"] == ""


BAD = [
    pytest.param({"text": "x"}, "base_version", id="no-base-version"),
    pytest.param({"text": "x", "base_version": -1}, "base_version", id="negative-base-version"),
    pytest.param({"text": "x", "base_version": "0"}, "base_version", id="base-version-as-string"),
    pytest.param({"base_version": 0}, "text", id="no-text"),
    pytest.param({"text": 42, "base_version": 0}, "text", id="text-not-a-string"),
    pytest.param({"text": "x" * 50_001, "base_version": 0}, "text", id="too-long"),
    pytest.param({"text": "half an emoji \ud83d", "base_version": 0}, "text", id="lone-surrogate"),
    pytest.param({"text": "nul \x00", "base_version": 0}, "text", id="nul"),
    pytest.param({"text": "x", "base_version": 0, "item": new_id()}, "item", id="unknown-field"),
]


@pytest.mark.parametrize(("fields", "field"), BAD)
def test_bad_summaries_are_refused_and_change_nothing(rapporteur, room, fields, field):
    save(rapporteur, room, "Kept", 0)
    before = table_counts()

    answer = rapporteur.emit("mutate", {"room": room.id, "op": "summary", "mutation_id": new_id(), **fields})

    assert (answer["ok"], answer["error"], answer["field"]) == (False, "invalid", field), answer
    assert answer["message"]
    assert table_counts() == before and stored(room) == ("Kept", 1)


def test_the_length_limit_is_configurable(app, rapporteur, room, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_SUMMARY_LENGTH", 10)
    answer = save(rapporteur, room, "eleven char", 0)
    assert answer["error"] == "invalid" and "at most 10 characters" in answer["message"]
    assert save(rapporteur, room, "ten chars!", 0)["ok"]


def test_a_full_summary_fits_in_a_message_the_page_sends(app):
    """The capture page sends nothing over MAX_MESSAGE_BYTES (static/js/capture/outbox.js): a summary of the maximum
    length in 4-byte characters (emoji) must still fit."""
    assert app.config["MAX_SUMMARY_LENGTH"] * 4 + 1024 <= app.config["MAX_MESSAGE_BYTES"]


@pytest.mark.parametrize("who", ["viewer", "outsider"])
def test_only_writers_of_the_room_save_a_summary(app, login, socket_client, make_user, room, who):
    if who == "outsider":
        make_user("outsider")
    flask_client = app.test_client()
    login(flask_client, who, f"{who}-demo" if who == "viewer" else "correct horse battery")
    before = table_counts()

    answer = save(socket_client(flask_client), room, "Not mine to write", 0)

    assert answer["error"] == "forbidden"
    assert table_counts() == before


def test_a_board_link_can_watch_the_summary_but_not_write_it(app, login, socket_client, room, rapporteur):
    viewer = app.test_client()
    login(viewer, "viewer", "viewer-demo")
    viewer.get(f"/rooms/{room.id}/board")
    token = db.session.get(Room, room.id).board_token
    participant = app.test_client()
    participant.get(f"/b/{token}")
    phone = socket_client(participant)
    assert phone.emit("join", {"room": room.id, "since": None})["ok"]

    assert save(phone, room, "From a phone", 0)["error"] == "login_required"
    assert phone.emit("mutate", {"room": room.id, "op": "show_summary", "mutation_id": new_id(),
                                 "show": True})["error"] == "login_required"
    saved = save(rapporteur, room, "From the rapporteur", 0)
    assert saved["ok"], saved
    assert [c["summary"]["text"] for c in phone.received("change")] == ["From the rapporteur"]


def test_moderators_choose_to_show_the_summary_on_the_board_and_open_boards_follow(rapporteur, room, other):
    board = other("viewer")
    board.received()
    toggle = {"room": room.id, "op": "show_summary", "show": True}

    refused = rapporteur.emit("mutate", {**toggle, "mutation_id": new_id()})
    assert refused["error"] == "forbidden"
    moderator = other("moderator")
    shown = moderator.emit("mutate", {**toggle, "mutation_id": new_id()})

    assert shown["ok"] and shown["show_summary"] is True
    assert [(c["op"], c["show_summary"]) for c in board.received("change")] == [("show_summary", True)]
    assert board.emit("join", {"room": room.id, "since": None})["show_summary"] is True
    hidden = moderator.emit("mutate", {**toggle, "show": False, "mutation_id": new_id()})
    assert hidden["ok"] and db.session.get(Room, room.id).show_summary is False


def test_the_http_api_saves_the_summary_with_the_same_answers(as_rapporteur, client, room):
    url = f"/api/rooms/{room.id}/summary"
    created = client.api("PUT", url, json={"text": NARRATIVE, "base_version": 0, "mutation_id": new_id()})
    assert created.status_code == 200 and created.get_json()["summary"]["version"] == 1

    stale = client.api("PUT", url, json={"text": "Stale", "base_version": 0})
    assert stale.status_code == 409 and stale.get_json()["summary"]["text"] == NARRATIVE
    assert client.api("PUT", url, json={"text": "x" * 50_001, "base_version": 1}).status_code == 400
    assert client.api("PUT", url, json={"text": "x", "base_version": 1}, csrf=False).status_code == 400
    assert client.api("PUT", f"/api/rooms/{room.id}/show-summary", json={"show": True}).status_code == 403
    changes = client.get(f"/api/rooms/{room.id}/changes?since=0").get_json()["changes"]
    assert [c["summary"]["text"] for c in changes] == [NARRATIVE]


def test_viewers_cannot_save_a_summary_over_http(client, login, room):
    login(client, "viewer", "viewer-demo")
    before = table_counts()
    response = client.api("PUT", f"/api/rooms/{room.id}/summary", json={"text": "x", "base_version": 0})
    assert response.status_code == 403 and table_counts() == before


@pytest.fixture
def as_rapporteur(client, login, room):
    login(client, "rapporteur", "rapporteur-demo")
