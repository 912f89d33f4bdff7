"""Plenary synthesis: statements merging items across workshops, numbering, counting, voting, access."""

import uuid

import pytest
import sqlalchemy as sa

from facilitator.extensions import db
from facilitator.formatting import letter
from facilitator.models import Item, Statement, StatementRevision, User, Vote
from facilitator.services.capture import item_json, perform_mutation, snapshot
from facilitator.services.events import event_rooms
from facilitator.services.statements import summary

from .conftest import table_counts


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def items(demo_event):
    """Items captured in three rooms of two workshops, as the demo moderator (who writes everywhere)."""
    moderator = db.session.scalar(sa.select(User).where(User.username == "moderator"))
    rooms = {(r.workshop.number, r.round.number): r for r in event_rooms(demo_event)}
    texts = {
        "w1r1": ((1, 1), "recommendation", "Create single contact points on smuggling in each Member State"),
        "w1r2": ((1, 2), "recommendation", "Every Member State should set up one national contact point"),
        "w2r1": ((2, 1), "recommendation", "Use financial investigations systematically"),
        "w2r1c": ((2, 1), "challenge", "Payments go through hawala and are hard to trace"),
    }
    out = {}
    for key, (room_key, category, text) in texts.items():
        item_id = new_id()
        perform_mutation(moderator, rooms[room_key], {"op": "create", "mutation_id": new_id(), "item": item_id,
                                                      "category": category, "text": text})
        out[key] = item_id
    return out


@pytest.fixture
def moderator(client, login, socket_client, demo_event):
    login(client, "moderator", "moderator-demo")
    sock = socket_client(client)
    answer = sock.emit("plenary:join", {"event": demo_event.id, "since": None})
    assert answer["ok"] and answer["can_moderate"] is True
    return sock


def mutate(sock, event, op, statement, **fields):
    return sock.emit("plenary:mutate", {"event": event.id, "op": op, "mutation_id": new_id(),
                                        "statement": statement, **fields})


def test_merge_items_from_two_workshops_edit_reorder_unmerge(moderator, demo_event, items):
    first = new_id()
    answer = mutate(moderator, demo_event, "create", first, section="recommendation",
                    text="National contact points and financial investigations",
                    items=[items["w1r1"], items["w2r1"]])
    assert answer["ok"] and answer["statement"]["number"] == "(a)" and answer["statement"]["version"] == 1
    assert set(answer["statement"]["items"]) == {items["w1r1"], items["w2r1"]}

    answer = mutate(moderator, demo_event, "edit", first, base_version=1,
                    text="Set up single national contact points")
    assert answer["ok"] and answer["statement"]["text"] == "Set up single national contact points"

    second = new_id()
    mutate(moderator, demo_event, "create", second, section="recommendation", text="Second", items=[items["w1r2"]])
    answer = mutate(moderator, demo_event, "move", second, base_version=1, position=0)
    assert answer["statement"]["number"] == "(a)"
    snapshot = moderator.emit("plenary:join", {"event": demo_event.id, "since": None})
    numbers = {s["id"]: s["number"] for s in snapshot["statements"]}
    assert numbers == {second: "(a)", first: "(b)"}  # the ids stay, the numbers follow the order

    answer = mutate(moderator, demo_event, "unmerge", first, base_version=2, items=[items["w2r1"]])
    assert answer["ok"] and answer["statement"]["items"] == [items["w1r1"]]
    assert db.session.scalar(sa.select(Item.statement_id).where(Item.client_id == items["w2r1"])) is None

    revisions = db.session.scalars(sa.select(StatementRevision).join(Statement).where(
        Statement.client_id == first).order_by(StatementRevision.id)).all()
    assert [r.op for r in revisions] == ["create", "edit", "unmerge"]
    assert set(revisions[0].sources) == {items["w1r1"], items["w2r1"]}


def test_merged_items_show_as_merged_in_their_rooms(moderator, demo_event, items, app, login, socket_client):
    board_client = app.test_client()
    login(board_client, "viewer", "viewer-demo")
    board = socket_client(board_client)
    room_id = db.session.scalar(sa.select(Item.room_id).where(Item.client_id == items["w1r1"]))
    board.emit("join", {"room": room_id, "since": None})
    board.received()

    statement = new_id()
    mutate(moderator, demo_event, "create", statement, section="recommendation", text="Merged",
           items=[items["w1r1"]])

    changes = board.received("change")
    assert [(c["op"], c["item"]["id"], c["item"]["statement"]) for c in changes] == [
        ("merge", items["w1r1"], statement)]
    item = board.emit("join", {"room": room_id, "since": None})["items"][0]
    assert item["statement"] == statement and item["version"] == 1  # the rapporteur's version is untouched

    mutate(moderator, demo_event, "delete", statement, base_version=1)
    assert board.received("change")[-1]["item"]["statement"] is None
    answer = mutate(moderator, demo_event, "restore", statement, base_version=2)
    assert answer["statement"]["items"] == [items["w1r1"]]


def test_a_room_snapshot_shows_each_item_as_its_changes_do(moderator, demo_event, items):
    """Joining reads plain rows; a change carries the item as stored: a board must not tell them apart."""
    mutate(moderator, demo_event, "create", new_id(), section="recommendation", text="Merged", items=[items["w2r1"]])
    merged, challenge = (db.session.scalar(sa.select(Item).where(Item.client_id == items[key]))
                         for key in ("w2r1", "w2r1c"))
    room = merged.room
    perform_mutation(merged.author, room, {"op": "delete", "mutation_id": new_id(), "item": items["w2r1c"],
                                           "base_version": 1})
    challenge.author.name = ""  # shown by username
    db.session.commit()
    merged.author_id = None  # its author's account was removed
    db.session.commit()
    db.session.expire_all()

    state = snapshot(room)
    by_id = {item["id"]: item for item in state["items"]}
    assert by_id[items["w2r1"]]["statement"] is not None and by_id[items["w2r1"]]["author"] is None
    assert by_id[items["w2r1c"]]["state"] == "deleted" and by_id[items["w2r1c"]]["author"] == "moderator"
    assert state["items"] == [item_json(challenge), item_json(merged)]  # challenges come before recommendations


def test_an_item_is_merged_once_and_counted_once(moderator, demo_event, items):
    mutate(moderator, demo_event, "create", new_id(), section="recommendation", text="One",
           items=[items["w1r1"], items["w1r2"]])
    before = table_counts()
    answer = mutate(moderator, demo_event, "create", new_id(), section="recommendation", text="Two",
                    items=[items["w1r1"]])
    assert answer["error"] == "invalid" and "already merged" in answer["message"]
    assert table_counts() == before

    recommendations = next(s for s in summary(demo_event) if s["key"] == "recommendation")
    # Three recommendation items: two merged into one statement, one still open: three points become two.
    assert recommendations == {"key": "recommendation", "name": "Recommendations", "statements": 1,
                               "merged_items": 2, "open_items": 1, "points": 2}
    challenges = next(s for s in summary(demo_event) if s["key"] == "challenge")
    assert (challenges["statements"], challenges["open_items"], challenges["points"]) == (0, 1, 1)


def test_numbering_runs_a_to_z_then_aa():
    assert [letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "a", "b", "z", "aa", "ab", "az", "ba", "zz", "aaa"]


def test_twenty_eight_statements_are_numbered_in_order(moderator, demo_event, items):
    for n in range(28):
        item = items["w2r1c"] if n == 0 else None
        fields = {"items": [item]} if item else {"items": [_new_item(demo_event, f"Point {n}")]}
        assert mutate(moderator, demo_event, "create", new_id(), section="conclusion", text=f"Conclusion {n}",
                      **fields)["ok"]
    snapshot = moderator.emit("plenary:join", {"event": demo_event.id, "since": None})
    numbers = [s["number"] for s in sorted(snapshot["statements"], key=lambda s: s["position"])
               if s["section"] == "conclusion"]
    assert numbers[:2] == ["(a)", "(b)"] and numbers[25:] == ["(z)", "(aa)", "(ab)"]


def _new_item(event, text):
    moderator = db.session.scalar(sa.select(User).where(User.username == "moderator"))
    item_id = new_id()
    perform_mutation(moderator, event_rooms(event)[3], {"op": "create", "mutation_id": new_id(), "item": item_id,
                                                        "category": "challenge", "text": text})
    return item_id


def test_replayed_statement_mutation_is_applied_once_and_stale_edit_conflicts(moderator, demo_event, items):
    statement = new_id()
    payload = {"event": demo_event.id, "op": "create", "mutation_id": new_id(), "statement": statement,
               "section": "recommendation", "text": "Once", "items": [items["w1r1"]]}
    assert moderator.emit("plenary:mutate", payload) == moderator.emit("plenary:mutate", payload)
    assert db.session.scalar(sa.select(sa.func.count(Statement.id))) == 1

    assert mutate(moderator, demo_event, "edit", statement, base_version=1, text="Moderator A")["ok"]
    stale = mutate(moderator, demo_event, "edit", statement, base_version=1, text="Moderator B")
    assert stale["error"] == "conflict" and stale["statement"]["text"] == "Moderator A"
    texts = db.session.scalars(sa.select(StatementRevision.text)).all()
    assert "Moderator B" in texts


def test_plenary_reconnect_gets_exactly_the_missed_changes(moderator, demo_event, items, app, login,
                                                           socket_client):
    other_client = app.test_client()
    login(other_client, "secretariat", "secretariat-demo")
    other = socket_client(other_client)
    seen = other.emit("plenary:join", {"event": demo_event.id, "since": None})
    other.disconnect()
    first, second = new_id(), new_id()
    mutate(moderator, demo_event, "create", first, section="conclusion", text="A", items=[items["w1r1"]])
    mutate(moderator, demo_event, "create", second, section="conclusion", text="B", items=[items["w2r1"]])

    other = socket_client(other_client)
    answer = other.emit("plenary:join", {"event": demo_event.id, "since": seen["seq"],
                                         "rooms": {str(k): v["seq"] for k, v in seen["rooms"].items()}})
    assert [(c["seq"], c["statement"]["id"]) for c in answer["changes"]] == [(1, first), (2, second)]
    merged_rooms = {k: v["changes"] for k, v in answer["rooms"].items() if v["changes"]}
    assert sorted(c["item"]["id"] for changes in merged_rooms.values() for c in changes) == sorted(
        [items["w1r1"], items["w2r1"]])


@pytest.mark.parametrize("who", ["rapporteur", "viewer"])
def test_rapporteurs_and_viewers_cannot_shape_statements(client, login, socket_client, demo_event, items, who):
    login(client, who, f"{who}-demo")
    sock = socket_client(client)
    assert sock.emit("plenary:join", {"event": demo_event.id, "since": None})["can_moderate"] is False
    before = table_counts()
    answer = sock.emit("plenary:mutate", {"event": demo_event.id, "op": "create", "mutation_id": new_id(),
                                          "statement": new_id(), "section": "conclusion", "text": "x",
                                          "items": [items["w1r1"]]})
    assert answer["error"] == "forbidden"
    assert sock.emit("plenary:suggestions", {"event": demo_event.id})["error"] == "forbidden"
    assert table_counts() == before


def test_outsiders_cannot_read_the_plenary(client, login, make_user, socket_client, demo_event):
    make_user("outsider")
    login(client, "outsider")
    assert socket_client(client).emit("plenary:join", {"event": demo_event.id, "since": None})["error"] == "forbidden"
    assert client.get(f"/events/{demo_event.id}/plenary").status_code == 403


# Voting ----------------------------------------------------------------------------------------------


@pytest.fixture
def statements(moderator, demo_event, items):
    ids = [new_id(), new_id()]
    mutate(moderator, demo_event, "create", ids[0], section="recommendation", text="Contact points",
           items=[items["w1r1"], items["w1r2"]])
    mutate(moderator, demo_event, "create", ids[1], section="recommendation", text="Follow the money",
           items=[items["w2r1"]])
    return ids


@pytest.fixture
def participant(app, socket_client, demo_event):
    """A phone without an account that joined with the code shown on the projector."""
    from facilitator.services.voting import join_code

    code = join_code(demo_event)
    db.session.commit()
    phone = app.test_client()
    assert phone.get(f"/j/{code.lower()}").status_code == 302
    sock = socket_client(phone)
    assert sock.connected
    return sock


def _set_voting(client, event, action, **form):
    return client.post(f"/events/{event.id}/plenary/voting", data={"action": action, **form})


def vote(sock, event, statement, vote_id=None):
    return sock.emit("vote", {"event": event.id, "action": "add", "vote": vote_id or new_id(),
                              "statement": statement})


def test_participants_vote_only_while_open_and_within_their_dots(app, client, login, statements, participant,
                                                                 demo_event):
    joined = participant.emit("plenary:join", {"event": demo_event.id, "since": None})
    assert joined["ok"] and "rooms" not in joined and joined["ballot"]["votes"] == []
    assert vote(participant, demo_event, statements[0])["error"] == "closed"

    secretariat = app.test_client()
    login(secretariat, "secretariat", "secretariat-demo")
    assert _set_voting(secretariat, demo_event, "open", dots=3).status_code == 302

    answers = [vote(participant, demo_event, statements[i]) for i in (0, 0, 1, 1)]
    assert [a["ok"] for a in answers] == [True, True, True, False]
    assert answers[3]["error"] == "no_dots_left" and answers[2]["left"] == 0
    tally = participant.received("tally")[-1]
    assert tally["counts"] == {statements[0]: 2, statements[1]: 1} and tally["ballots"] == 1

    removed = participant.emit("vote", {"event": demo_event.id, "action": "remove",
                                        "vote": answers[0]["votes"][0]["id"]})
    assert removed["left"] == 1

    _set_voting(secretariat, demo_event, "close")
    assert vote(participant, demo_event, statements[1])["error"] == "closed"
    _set_voting(secretariat, demo_event, "clear")
    assert db.session.scalar(sa.select(sa.func.count(Vote.id))) == 0


def test_a_replayed_vote_counts_once(app, login, statements, participant, demo_event):
    secretariat = app.test_client()
    login(secretariat, "secretariat", "secretariat-demo")
    _set_voting(secretariat, demo_event, "open", dots=5)
    vote_id = new_id()
    first = vote(participant, demo_event, statements[0], vote_id)
    second = vote(participant, demo_event, statements[0], vote_id)
    assert first == second and first["left"] == 4
    assert db.session.scalar(sa.select(sa.func.count(Vote.id))) == 1


def test_participants_cannot_merge_or_read_rooms(participant, demo_event, items):
    answer = participant.emit("plenary:mutate", {"event": demo_event.id, "op": "create", "mutation_id": new_id(),
                                                 "statement": new_id(), "section": "conclusion", "text": "x",
                                                 "items": [items["w1r1"]]})
    assert answer["error"] == "login_required"  # participants have no account
    room_id = event_rooms(demo_event)[0].id
    assert participant.emit("join", {"room": room_id, "since": None})["error"] == "login_required"


@pytest.mark.parametrize("who", ["moderator", "rapporteur", "viewer"])
def test_only_the_secretariat_opens_voting(client, login, demo_event, who):
    login(client, who, f"{who}-demo")
    assert _set_voting(client, demo_event, "open", dots=5).status_code == 403
    db.session.refresh(demo_event)
    assert demo_event.voting_open is False


def test_wrong_join_code_is_refused_and_the_vote_page_needs_a_code(client, demo_event):
    response = client.post("/join", data={"code": "NOPE42"})
    assert response.status_code == 404 and "not known" in response.get_data(as_text=True)
    response = client.get(f"/events/{demo_event.id}/vote")
    assert response.status_code == 302 and response.headers["Location"].endswith("/join")


def test_the_ballot_survives_a_reload_of_the_voting_page(app, login, socket_client, statements, demo_event):
    from facilitator.services.voting import join_code

    secretariat = app.test_client()
    login(secretariat, "secretariat", "secretariat-demo")
    _set_voting(secretariat, demo_event, "open", dots=3)
    phone = app.test_client()
    phone.get(f"/j/{join_code(demo_event)}")
    first = socket_client(phone)
    vote(first, demo_event, statements[0])
    vote(first, demo_event, statements[1])
    first.disconnect()

    assert phone.get(f"/events/{demo_event.id}/vote").status_code == 200  # the reload
    again = socket_client(phone)
    ballot = again.emit("plenary:join", {"event": demo_event.id, "since": None, "items": False})["ballot"]
    assert ballot["left"] == 1 and len(ballot["votes"]) == 2
    assert vote(again, demo_event, statements[0])["left"] == 0
    assert vote(again, demo_event, statements[0])["error"] == "no_dots_left"


def test_dots_on_a_deleted_statement_come_back(app, login, moderator, statements, participant, demo_event):
    secretariat = app.test_client()
    login(secretariat, "secretariat", "secretariat-demo")
    _set_voting(secretariat, demo_event, "open", dots=2)
    vote(participant, demo_event, statements[0])
    assert vote(participant, demo_event, statements[0])["left"] == 0
    mutate(moderator, demo_event, "delete", statements[0], base_version=1)
    assert vote(participant, demo_event, statements[1])["left"] == 1


def test_a_move_between_sections_renumbers_both(moderator, statements, demo_event):
    answer = mutate(moderator, demo_event, "edit", statements[0], base_version=1, section="conclusion")
    assert answer["statement"]["number"] == "(a)"
    change = moderator.received("change")[-1]
    assert change["orders"]["recommendation"] == [statements[1]]
    assert change["orders"]["conclusion"] == [statements[0]]
