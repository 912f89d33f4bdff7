"""Programme sessions with a room of their own (plenary panels, the plenary feedback), their people, the
rounds a workshop runs in, and sessions left out of the report: from the programme file to the report."""

import io
import uuid
from pathlib import Path

import docx
import pytest

from facilitator.extensions import db
from facilitator.models import Role, Room
from facilitator.services.capture import perform_mutation
from facilitator.services.events import event_rooms
from facilitator.services.programme import import_programme
from facilitator.services.report.data import report_data
from facilitator.services.report.exports import export_rows
from facilitator.services.statements import event_items, perform_statement_mutation
from facilitator.writer.report import build_report

FIXTURES = Path(__file__).parent / "fixtures" / "programmes"


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def emn():
    """EMN 2016 with its four panels and the plenary feedback captured in rooms of their own."""
    event = import_programme((FIXTURES / "emn-2016.yaml").read_text(encoding="utf-8"))
    db.session.commit()
    return event


def session_room(event, title_start: str) -> Room:
    return next(r for r in event_rooms(event) if r.programme_session and r.title.startswith(title_start))


def workshop_room(event, workshop: int, round_: int) -> Room:
    return next(r for r in event_rooms(event) if r.workshop and (r.workshop.number, r.round.number) == (workshop,
                                                                                                           round_))


def write(user, room, text, category="challenge", **extra):
    item = new_id()
    answer = perform_mutation(user, room, {"op": "create", "mutation_id": new_id(), "item": item,
                                           "category": category, "text": text, **extra}).answer
    db.session.commit()
    assert answer["ok"], answer
    return item


def test_panels_get_rooms_of_their_own_next_to_the_workshop_rooms(emn):
    rooms = event_rooms(emn)
    assert len([r for r in rooms if r.workshop]) == 12
    assert [r.label for r in rooms if r.programme_session] == [
        "Plenary Panel I. Implementing the EU action Plan against migrant smuggling: Intra-EU agency cooperation",
        "Plenary Panel II. Tackling migrant smuggling: A multidisciplinary approach",
        "Panel III: Smuggling routes, modi operandi and humanitarian assistance",
        "Plenary Feedback on the outcome of the workshops",
        "Panel IV. Actions against smuggling: The way forward – next steps",
    ]
    panel = session_room(emn, "Panel III")
    assert panel.event_id == emn.id and panel.subtitle == "Panel"
    assert panel.questions[0] == "Smuggling by sea: the Mediterranean Route"
    assert workshop_room(emn, 3, 2).label == "Workshop 3, Round 2"
    assert workshop_room(emn, 3, 2).questions == emn.workshops[2].questions


def test_a_panel_rapporteur_captures_in_the_panel_room_and_nowhere_else(client, login, make_user, socket_client,
                                                                        emn):
    panel = session_room(emn, "Panel III")
    make_user("panel-rapporteur", Role.RAPPORTEUR, emn, panel)
    login(client, "panel-rapporteur")

    page = client.get(f"/rooms/{panel.id}/capture").get_data(as_text=True)
    assert "Panel III: Smuggling routes" in page and "Smuggling by sea: the Mediterranean Route" in page
    assert client.get(f"/rooms/{workshop_room(emn, 1, 1).id}/capture").status_code == 403
    home = client.get("/").get_data(as_text=True)
    assert f"/rooms/{panel.id}/capture" in home

    sock = socket_client(client)
    assert sock.emit("join", {"room": panel.id, "since": None})["ok"]
    answer = sock.emit("mutate", {"room": panel.id, "op": "create", "mutation_id": new_id(), "item": new_id(),
                                  "category": "challenge", "text": "Document fraud on air routes", "question": 2})
    assert answer["ok"] and answer["item"]["question"] == 2
    answer = sock.emit("mutate", {"room": panel.id, "op": "create", "mutation_id": new_id(), "item": new_id(),
                                  "category": "challenge", "text": "No such question", "question": 5})
    assert not answer["ok"] and "question" in answer["message"]
    other = workshop_room(emn, 1, 1)
    answer = sock.emit("mutate", {"room": other.id, "op": "create", "mutation_id": new_id(), "item": new_id(),
                                  "category": "challenge", "text": "Not mine"})
    assert not answer["ok"]

    board = client.get(f"/rooms/{panel.id}/board").get_data(as_text=True)
    assert "Panel III: Smuggling routes" in board


def test_panel_items_reach_the_plenary_and_the_report_under_their_session(client, login, make_user, emn):
    moderator = make_user("mod", Role.MODERATOR, emn)
    panel = session_room(emn, "Panel III")
    feedback = session_room(emn, "Plenary Feedback")
    fraud = write(moderator, panel, "Document fraud on air routes")
    write(moderator, feedback, "Keep the network of contact points", category="recommendation")
    contact = write(moderator, workshop_room(emn, 1, 1), "Single contact points", category="recommendation")

    assert {i.client_id for i in event_items(emn)} >= {fraud, contact}
    login(client, "mod")
    page = client.get(f"/events/{emn.id}/plenary").get_data(as_text=True)
    assert f'data-room="{panel.id}" data-group="s{panel.programme_session_id}"' in page
    perform_statement_mutation(moderator, emn, {
        "op": "create", "mutation_id": new_id(), "statement": new_id(), "section": "recommendation",
        "text": "Contact points everywhere", "items": [contact]})
    db.session.commit()

    report = report_data(emn)
    panel_session = next(s for s in report.sessions if s.title.startswith("Panel III"))
    assert [(c.name, [i.text for i in c.items]) for c in panel_session.categories] == [
        ("Challenges", ["Document fraud on air routes"])]
    assert panel_session.rapporteurs == ["Mod"]
    assert (panel_session.chair_label, panel_session.chair) == (
        "Chair", "Dana Spinant, Head of Unit, Irregular Migration and Return Policy, European Commission (TBC)")
    assert "Organisation: " not in "".join(panel_session.speakers)
    assert all("Document fraud" not in i.text for w in report.workshops for c in w.categories for i in c.items)
    rows = {row["text"]: row for row in export_rows(emn)}
    assert rows["Document fraud on air routes"]["room"].startswith("Panel III") and \
        rows["Document fraud on air routes"]["workshop"] == ""

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(build_report(report))).paragraphs)
    programme = text[text.rindex("Programme and session summaries\n"):]  # after the contents
    chapter = programme[programme.index("Panel III: Smuggling routes"):programme.index("Workshops: Round 2")]
    assert "Chair: Dana Spinant" in chapter and "Document fraud on air routes" in chapter
    assert "Rapporteurs: Mod" in chapter


def test_breaks_are_left_out_of_the_report_unless_asked(emn):
    report = report_data(emn)
    assert "Dinner + drinks" not in [s.title for s in report.sessions]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(build_report(report))).paragraphs)
    document = docx.Document(io.BytesIO(build_report(report)))
    annex = [row.cells[2].text for row in document.tables[0].rows]
    assert "Dinner" not in text and not any("Dinner" in cell for cell in annex)
    assert any("Presentation of the short documentary" in cell for cell in annex)

    dinner = next(s for s in emn.programme_sessions if s.title == "Dinner + drinks")
    dinner.in_report = True
    db.session.commit()
    assert "Dinner + drinks" in [s.title for s in report_data(emn).sessions]


def test_secretariat_gives_a_session_people_and_a_room_of_its_own(client, login, make_user, emn):
    make_user("sec", Role.SECRETARIAT, emn)
    make_user("dana", name="Dana Spinant")
    login(client, "sec")
    opening = next(s for s in emn.programme_sessions if s.title == "Plenary opening")
    url = f"/setup/events/{emn.id}/programme/{opening.id}"
    form = client.get(url).get_data(as_text=True)
    assert 'value="Klaas Dijkhoff"' in form and 'name="people_rows-3-name"' in form  # three people, then empty rows

    response = client.post(url, data={
        "kind": "plenary", "title": "Plenary opening", "day": "2016-01-12", "in_report": "default",
        "capture": "y", "location": "Room A, 2nd floor",
        "people_rows-0-order": "2", "people_rows-0-role": "speaker", "people_rows-0-name": "Klaas Dijkhoff",
        "people_rows-1-order": "1", "people_rows-1-role": "moderator", "people_rows-1-name": "Dana Spinant",
        "people_rows-1-title": "Head of Unit", "people_rows-1-user": "dana",
        "people_rows-2-order": "3", "people_rows-2-role": "speaker", "people_rows-2-name": "",
    })
    assert response.status_code == 302
    db.session.expire_all()
    assert [(p.role.value, p.display, p.user.username if p.user else None) for p in opening.people] == [
        ("moderator", "Dana Spinant, Head of Unit", "dana"), ("speaker", "Klaas Dijkhoff", None)]
    assert opening.capture_room is not None and opening.capture_room.location == "Room A, 2nd floor"
    event_page = client.get(f"/events/{emn.id}").get_data(as_text=True)
    assert f"/rooms/{opening.capture_room.id}/board" in event_page and "Room A, 2nd floor" in event_page

    refused = client.post(url, data={"kind": "plenary", "title": "Plenary opening", "in_report": "no",
                                     "people_rows-0-role": "speaker", "people_rows-0-name": "X",
                                     "people_rows-0-user": "nobody"})
    assert refused.status_code == 200 and "no account" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert len(opening.people) == 2 and opening.in_report

    room_id = opening.capture_room.id
    write(make_user("mod", Role.MODERATOR, emn), opening.capture_room, "Said at the opening")
    kept = client.post(url, data={"kind": "plenary", "title": "Plenary opening", "in_report": "no"})
    assert "already holds captured items" in kept.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Room, room_id) is not None


def test_a_workshop_runs_in_the_rounds_chosen_for_it(client, login, make_user, emn):
    make_user("sec", Role.SECRETARIAT, emn)
    login(client, "sec")
    workshop = emn.workshops[4]
    round_one, round_two = emn.rounds
    url = f"/setup/events/{emn.id}/workshops/{workshop.id}"
    fields = {"number": "5", "title": workshop.title, "rounds_shown": "1", "location": "Room C"}

    assert client.post(url, data={**fields, "rounds": [str(round_two.id)]}).status_code == 302
    db.session.expire_all()
    assert [(r.round.number, r.location) for r in workshop.rooms] == [(2, "Room C")]

    write(make_user("mod", Role.MODERATOR, emn), workshop.rooms[0], "Said in round 2")
    page = client.post(url, data={**fields, "rounds": [str(round_one.id)]}).get_data(as_text=True)
    assert "already holds items in Round 2" in page
    db.session.expire_all()
    assert sorted(r.round.number for r in workshop.rooms) == [2]

    added = client.post(f"/setup/events/{emn.id}/workshops", data={
        "number": "7", "title": "Late addition", "rounds_shown": "1", "rounds": [str(round_one.id)],
        "people_rows-0-role": "panellist", "people_rows-0-name": "A. Expert", "people_rows-0-organisation": "IOM"})
    assert added.status_code == 302
    db.session.expire_all()
    late = emn.workshops[-1]
    assert [r.round.number for r in late.rooms] == [1] and [p.display for p in late.people] == ["A. Expert, IOM"]
