"""Characters that are not text (a lone UTF-16 surrogate, NUL, U+FFFF) get a clear `invalid` answer naming the
field on every way in, and nothing is stored: never a 500, never a socket closed, never a half-written row."""

import io
import uuid

import pytest
import sqlalchemy as sa

from facilitator.extensions import db
from facilitator.models import Event
from facilitator.services.events import event_rooms
from facilitator.services.programme import ProgrammeError, parse_programme

from .conftest import table_counts

SURROGATE = "bad surrogate \ud800 here"  # what a broken paste or a JS string cut inside an emoji gives
NOT_TEXT = ["bad surrogate \ud800 here", "low half \udc00", "nul \x00 byte", "non-character \uffff"]


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def room(demo_event):
    return next(r for r in event_rooms(demo_event) if r.workshop.number == 1 and r.round.number == 1)


@pytest.fixture
def rapporteur(client, login, room):
    login(client, "rapporteur", "rapporteur-demo")
    return client


@pytest.mark.parametrize("text", NOT_TEXT)
def test_api_refuses_text_that_cannot_be_stored_and_stores_nothing(rapporteur, room, text):
    before = table_counts()

    response = rapporteur.api("POST", f"/api/rooms/{room.id}/items", json={"category": "challenge", "text": text})

    assert response.status_code == 400
    body = response.get_json()
    assert body["ok"] is False and body["error"] == "invalid" and body["field"] == "text", body
    assert "not text" in body["message"]
    assert table_counts() == before
    ok = rapporteur.api("POST", f"/api/rooms/{room.id}/items", json={"category": "challenge", "text": "Fine"})
    assert ok.status_code == 201


def test_api_names_any_field_and_field_name_that_cannot_be_stored(rapporteur, room):
    before = table_counts()
    bad_category = rapporteur.api("POST", f"/api/rooms/{room.id}/items", json={"category": "x\x00", "text": "t"})
    bad_key = rapporteur.api("POST", f"/api/rooms/{room.id}/items", json={"text": "t", "category": "challenge",
                                                                          "\udfff": 1})
    assert (bad_category.status_code, bad_category.get_json()["field"]) == (400, "category")
    assert bad_key.status_code == 400 and bad_key.get_json()["error"] == "invalid"
    assert all("not text" in r.get_json()["message"] for r in (bad_category, bad_key))
    assert table_counts() == before


def test_api_refuses_a_body_that_is_not_json_or_a_query_string_with_nul(rapporteur, room):
    not_json = rapporteur.open(f"/api/rooms/{room.id}/items", method="POST", data=b'{"text": "\xed\xa0\x80',
                               headers={"X-CSRFToken": rapporteur.csrf_token(), "Content-Type": "application/json"})
    nul_query = rapporteur.get(f"/api/rooms/{room.id}/changes?since=%00")
    assert not_json.status_code == 400 and not_json.get_json()["error"] == "invalid"
    assert nul_query.status_code == 400
    assert nul_query.get_json() == {"ok": False, "error": "invalid", "field": "since",
                                    "message": nul_query.get_json()["message"]}
    assert "not text" in nul_query.get_json()["message"]


@pytest.mark.parametrize("text", NOT_TEXT)
def test_socket_mutate_answers_invalid_naming_the_field(client, login, socket_client, room, text):
    login(client, "rapporteur", "rapporteur-demo")
    sock = socket_client(client)
    assert sock.emit("join", {"room": room.id, "since": None})["ok"]
    item = new_id()
    created = sock.emit("mutate", {"room": room.id, "op": "create", "mutation_id": new_id(), "item": item,
                                   "category": "challenge", "text": "Fine"})
    before = table_counts()

    answers = [
        sock.emit("mutate", {"room": room.id, "op": "create", "mutation_id": new_id(), "item": new_id(),
                             "category": "challenge", "text": text}),
        sock.emit("mutate", {"room": room.id, "op": "edit", "mutation_id": new_id(), "item": item,
                             "base_version": created["item"]["version"], "text": text}),
    ]

    for answer in answers:
        assert answer["ok"] is False and answer["error"] == "invalid" and answer["field"] == "text", answer
    assert table_counts() == before
    assert sock.connected


def test_plenary_statement_text_is_refused_naming_the_field(client, login, socket_client, demo_event):
    login(client, "moderator", "moderator-demo")
    sock = socket_client(client)
    assert sock.emit("plenary:join", {"event": demo_event.id, "since": None})["ok"]
    before = table_counts()

    answer = sock.emit("plenary:mutate", {"event": demo_event.id, "op": "create", "mutation_id": new_id(),
                                          "statement": new_id(), "section": "recommendation", "text": SURROGATE})
    dismissed = sock.emit("plenary:dismiss", {"event": demo_event.id, "items": ["a\ud800", "b"]})

    assert (answer["ok"], answer["error"], answer["field"]) == (False, "invalid", "text"), answer
    assert (dismissed["error"], dismissed["field"]) == ("invalid", "items.0")
    assert table_counts() == before


@pytest.mark.parametrize("title", ["Meeting \x00 one", "Meeting \uffff one"])
def test_a_form_post_shows_which_field_cannot_be_saved(client, login, demo_event, title):
    login(client, "secretariat", "secretariat-demo")
    before = table_counts()

    response = client.post("/setup/events/new", data={"title": title, "language": "en"})

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "title" in page and "not text" in page and "Nothing was saved" in page
    assert table_counts() == before


def test_report_texts_and_login_refuse_characters_that_cannot_be_stored(client, login, demo_event):
    assert client.post("/login", data={"username": "secretariat\x00", "password": "x"}).status_code == 400
    login(client, "secretariat", "secretariat-demo")
    introduction = demo_event.introduction

    response = client.post(f"/events/{demo_event.id}/report/texts", data={"introduction": "Intro \uffff"})

    assert response.status_code == 400 and "introduction" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, demo_event.id).introduction == introduction
    assert client.get(f"/events/{demo_event.id}/report.docx").status_code == 200


@pytest.mark.parametrize(("escape", "place"), [(r"\ud800", "workshops[1].title"), (r"\0", "workshops[1].title")])
def test_a_programme_file_with_characters_that_are_not_text_is_refused(escape, place):
    text = ('event: {title: Test meeting}\n'
            f'workshops:\n  - {{number: 1, title: Borders}}\n  - {{number: 2, title: "Fin{escape}ance"}}\n')

    with pytest.raises(ProgrammeError) as refused:
        parse_programme(text)

    assert refused.value.errors[0][0] == place and "not text" in refused.value.errors[0][1]


def test_the_import_page_shows_the_refused_programme_field(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    before = table_counts()
    broken = b'event: {title: "Meeting \\ud800"}\n'

    response = client.post("/setup/events/import", data={"file": (io.BytesIO(broken), "programme.yaml")})

    assert response.status_code == 422
    assert "event.title" in response.get_data(as_text=True) and "not text" in response.get_data(as_text=True)
    assert table_counts() == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 1
