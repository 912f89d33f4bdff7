"""The secretariat sets up an event through its pages: details, programme, rooms, categories, people."""

import sqlalchemy as sa

from facilitator.extensions import db
from facilitator.models import Assignment, Event, Item, ProgrammeSession, Role, Room
from facilitator.services.events import event_rooms

from .conftest import PASSWORD, table_counts


def _event(title):
    return db.session.scalar(sa.select(Event).where(Event.title == title))


def test_secretariat_builds_an_event_from_scratch(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")

    response = client.post("/setup/events/new", data={"title": "Kyiv expert meeting", "language": "en",
                                                       "start_date": "2017-05-15", "end_date": "2017-05-16"})
    assert response.status_code == 302
    event = _event("Kyiv expert meeting")
    assert [c.key for c in event.categories] == ["challenge", "best_practice", "recommendation"]
    base = f"/setup/events/{event.id}"

    questions = "What works?\n\nWhat is missing?"
    for number, title in [(1, "Legal frameworks"), (2, "Victim identification")]:
        response = client.post(f"{base}/workshops", data={"number": number, "title": title, "questions": questions})
        assert response.status_code == 302
    response = client.post(f"{base}/rounds", data={"number": 1, "title": "Morning", "programme_session": 0})
    assert response.status_code == 302
    assert client.post(f"{base}/workshops", data={"number": 3, "title": "Data"}).status_code == 302

    db.session.expire_all()
    assert sorted((r.round.number, r.workshop.number) for r in event_rooms(event)) == [(1, 1), (1, 2), (1, 3)]
    assert event.workshops[0].questions == ["What works?", "What is missing?"]

    response = client.post(f"{base}/programme", data={"kind": "workshop_round", "title": "Workshops",
                                                      "day": "2017-05-15", "start_time": "10:00", "end_time": "12:30",
                                                      "people_rows-0-order": "2", "people_rows-0-role": "speaker",
                                                      "people_rows-0-name": "B. Expert",
                                                      "people_rows-1-order": "1", "people_rows-1-role": "moderator",
                                                      "people_rows-1-name": "A. Expert",
                                                      "people_rows-1-organisation": "IOM",
                                                      "people_rows-2-order": "3", "people_rows-2-role": "speaker"})
    assert response.status_code == 302
    entry = db.session.scalar(sa.select(ProgrammeSession).where(ProgrammeSession.event_id == event.id))
    assert [p.display for p in entry.people] == ["A. Expert, IOM", "B. Expert"] and entry.start_time.hour == 10

    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Legal frameworks" in page and "Workshops" in page and page.count('class="room') >= 3


def test_duplicate_workshop_number_is_refused_and_nothing_changes(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    before = table_counts()

    response = client.post(f"/setup/events/{demo_event.id}/workshops", data={"number": 2, "title": "Twice"})

    assert response.status_code == 200
    assert "Workshop number 2 is already used" in response.get_data(as_text=True)
    assert table_counts() == before


def test_form_errors_are_shown_next_to_the_field(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    response = client.post(f"/setup/events/{demo_event.id}/programme",
                           data={"kind": "panel", "title": "", "start_time": "nine"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This field is required" in page and 'aria-invalid="true"' in page


def test_session_ending_before_it_starts_is_refused(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    before = table_counts()
    response = client.post(f"/setup/events/{demo_event.id}/programme",
                           data={"kind": "panel", "title": "Backwards", "start_time": "12:00", "end_time": "11:00"})
    assert "ends before it starts" in response.get_data(as_text=True)
    assert table_counts() == before


def test_workshop_with_items_cannot_be_deleted(client, login, demo_event):
    room = event_rooms(demo_event)[0]
    item = Item(room=room, category=demo_event.categories[0], client_id="00000000-0000-4000-8000-000000000001",
                text="Too little data sharing")
    db.session.add(item)
    db.session.commit()
    login(client, "secretariat", "secretariat-demo")

    response = client.post(f"/setup/events/{demo_event.id}/workshops/{room.workshop.id}/delete", data={},
                           follow_redirects=True)

    assert "already hold captured items" in response.get_data(as_text=True)
    assert db.session.get(Room, room.id) is not None


def test_empty_round_can_be_deleted_with_its_rooms(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    round_two = demo_event.rounds[1]
    client.post(f"/setup/events/{demo_event.id}/rounds/{round_two.id}/delete", data={})
    db.session.expire_all()
    assert len(event_rooms(demo_event)) == 6


def test_categories_are_renamed_reordered_and_deleted(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    base = f"/setup/events/{demo_event.id}/categories"
    challenge, best, recommendation = demo_event.categories

    client.post(f"{base}/{best.id}/rename", data={"name": "Good practices"})
    client.post(f"{base}/{recommendation.id}/move", data={"direction": "up"})
    client.post(base, data={"name": "Open questions"})
    db.session.expire_all()

    assert [(c.key, c.name) for c in demo_event.categories] == [
        ("challenge", "Challenges"), ("recommendation", "Recommendations"),
        ("best_practice", "Good practices"), ("open_questions", "Open questions"),
    ]
    added = demo_event.categories[-1]
    client.post(f"{base}/{added.id}/delete", data={})
    db.session.expire_all()
    assert len(demo_event.categories) == 3


def test_secretariat_adds_a_rapporteur_who_then_sees_their_room(app, client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    base = f"/setup/events/{demo_event.id}/people"
    room = next(r for r in event_rooms(demo_event) if r.workshop.number == 3 and r.round.number == 2)

    response = client.post(f"{base}/users", data={"user-username": "olena", "user-name": "Olena K.",
                                                  "user-password": "a long enough secret"})
    assert response.status_code == 302
    response = client.post(f"{base}/assignments", data={"assign-username": "olena", "assign-role": "rapporteur",
                                                        "assign-room": room.id})
    assert response.status_code == 302
    assert "Olena K." in client.get(base).get_data(as_text=True)

    other = app.test_client()
    login(other, "olena", "a long enough secret")
    home = other.get("/").get_data(as_text=True)
    assert "European Conference 2016" in home and "Workshop 3, Round 2" in home


def test_rapporteur_needs_a_room_and_last_secretariat_stays(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    base = f"/setup/events/{demo_event.id}/people"
    before = table_counts()

    response = client.post(f"{base}/assignments", data={"assign-username": "viewer", "assign-role": "rapporteur",
                                                        "assign-room": 0})
    assert "Choose the room" in response.get_data(as_text=True)

    secretariat = db.session.scalar(sa.select(Assignment).where(
        Assignment.event_id == demo_event.id, Assignment.role == Role.SECRETARIAT))
    response = client.post(f"{base}/assignments/{secretariat.id}/delete", data={}, follow_redirects=True)
    assert "at least one secretariat member" in response.get_data(as_text=True)
    assert table_counts() == before


def test_short_password_and_taken_username_are_refused(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    base = f"/setup/events/{demo_event.id}/people/users"
    before = table_counts()
    page = client.post(base, data={"user-username": "newbie", "user-password": "short"}).get_data(as_text=True)
    assert "at least 8 characters" in page
    page = client.post(base, data={"user-username": "Viewer", "user-password": PASSWORD}).get_data(as_text=True)
    assert "already taken" in page
    assert table_counts() == before


def test_event_details_are_saved(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    response = client.post(f"/setup/events/{demo_event.id}/settings", data={
        "title": "European Conference 2016", "language": "en", "venue": "Amsterdam",
        "organisers": "EMN\nMinistry", "start_date": "2016-01-13", "end_date": "2016-01-12"})
    assert "end date is before the start date" in response.get_data(as_text=True)
    db.session.expire_all()
    assert demo_event.venue != "Amsterdam"
    client.post(f"/setup/events/{demo_event.id}/settings", data={
        "title": "European Conference 2016", "language": "en", "venue": "Amsterdam", "organisers": "EMN\nMinistry"})
    db.session.expire_all()
    assert demo_event.venue == "Amsterdam" and demo_event.organisers == ["EMN", "Ministry"]
