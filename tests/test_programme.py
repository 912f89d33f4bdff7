"""Programme import and export: the shipped demo, broken files rejected whole, and the round trip."""

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from facilitator.demo import demo_programme
from facilitator.extensions import db
from facilitator.models import Event, PersonRole, Room, SessionKind
from facilitator.services.events import event_rooms
from facilitator.services.programme import ProgrammeError, export_programme, import_programme

from .conftest import table_counts

SMALL = """
event:
  title: Test meeting
  start_date: 2024-03-01
workshops:
  - {number: 1, title: Borders}
  - {number: 2, title: Finance}
rounds:
  - {number: 1, workshops: [1, 2]}
sessions:
  - {kind: workshop_round, title: Workshops, day: 2024-03-01, start: "10:00", round: 1}
"""


def test_demo_programme_has_the_emn_2016_structure():
    event = import_programme(demo_programme())
    db.session.commit()

    assert event.title == "European Conference 2016"
    assert [w.number for w in event.workshops] == [1, 2, 3, 4, 5, 6]
    assert [r.label for r in event.rounds] == ["Round 1", "Round 2"]
    rooms = event_rooms(event)
    assert len(rooms) == 12
    assert {(room.round.number, room.workshop.number) for room in rooms} == {
        (r, w) for r in (1, 2) for w in range(1, 7)
    }
    kinds = [s.kind for s in event.programme_sessions]
    assert kinds.count(SessionKind.WORKSHOP_ROUND) == 2
    assert SessionKind.PLENARY_FEEDBACK in kinds
    panel_one = next(s for s in event.programme_sessions if s.title.startswith("Plenary Panel I."))
    assert "Implementation of the Hotspot approach" in panel_one.questions
    assert [c.name for c in event.categories] == ["Challenges", "Best practices", "Recommendations"]
    assert all(w.questions and w.description for w in event.workshops)
    assert event.rounds[0].programme_session.title == "Workshops: Round 1"


BROKEN = [
    pytest.param(
        SMALL.replace("{number: 2, title: Finance}", "{number: 2}"),
        "workshops[1].title",
        "Field required",
        id="missing-field",
    ),
    pytest.param(
        SMALL.replace("{number: 2, title: Finance}", "{number: two, title: Finance}"),
        "workshops[1].number",
        "valid integer",
        id="wrong-type",
    ),
    pytest.param(
        SMALL.replace("workshops: [1, 2]", "workshops: [1, 3]"),
        "rounds[0].workshops[1]",
        "unknown workshop number 3",
        id="unknown-workshop",
    ),
    pytest.param(
        SMALL.replace("{number: 2, title: Finance}", "{number: 1, title: Finance}"),
        "workshops[1].number",
        "duplicate number 1",
        id="duplicate-number",
    ),
    pytest.param(
        SMALL.replace("round: 1}", "round: 4}"), "sessions[0].round", "unknown round number 4", id="unknown-round"
    ),
    pytest.param(
        SMALL.replace("start: \"10:00\"", "start: \"25:00\""), "sessions[0].start", "time", id="bad-time"
    ),
    pytest.param(SMALL.replace("title: Borders}", "title: Borders, speaker: x}"), "workshops[0].speaker",
                 "unknown field", id="unknown-field"),
    pytest.param("event: [unclosed", "line 1", "not valid YAML", id="not-yaml"),
    pytest.param(SMALL.replace('round: 1}', 'round: 1, capture: true}'), "sessions[0].capture",
                 "workshop round captures in its workshops' rooms", id="capture-on-a-round"),
    pytest.param(SMALL + "  - {kind: panel, title: P, location: Room A}\n", "sessions[1].location", "capture: true",
                 id="location-without-room"),
    pytest.param(SMALL + "  - {kind: panel, title: P, people: [{role: chair}]}\n", "sessions[1].people[0]",
                 "at least a name", id="nameless-person"),
    pytest.param(SMALL + "  - {kind: panel, title: P, people: [{role: host, name: A}]}\n",
                 "sessions[1].people[0].role", "chair", id="unknown-role"),
    pytest.param(SMALL.replace("title: Borders}", "title: Borders, people: [{name: A, user: nobody}]}"),
                 "workshops[0].people[0].user", "no account 'nobody'", id="unknown-account"),
    pytest.param(SMALL + "  - {kind: break, title: Lunch, in_report: maybe}\n", "sessions[1].in_report",
                 "boolean", id="bad-in-report"),
]


@pytest.mark.parametrize(("text", "place", "message"), BROKEN)
def test_broken_file_is_rejected_whole_with_its_place(text, place, message):
    import_programme(SMALL)  # an existing event must stay untouched too
    db.session.commit()
    before = table_counts()

    with pytest.raises(ProgrammeError) as caught:
        import_programme(text)
    db.session.rollback()

    assert any(p.startswith(place) and message in m for p, m in caught.value.errors), caught.value.errors
    assert table_counts() == before


def test_error_found_after_writing_started_leaves_nothing(monkeypatch):
    """Even a failure half-way through the inserts (here: a forced one) rolls the whole import back."""
    import facilitator.services.programme as programme

    before = table_counts()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(programme, "add_round", fail)
    with pytest.raises(RuntimeError):
        import_programme(SMALL)
    db.session.rollback()
    assert table_counts() == before


def people(owner) -> list[tuple]:
    return [(p.role, p.name, p.title, p.organisation, p.user_id) for p in owner.people]


def shape(event):
    """Everything the programme file says about an event."""
    return {
        "event": (event.title, event.subtitle, event.venue, event.start_date, event.end_date,
                  event.organisers, event.introduction, event.disclaimer),
        "sessions": [(s.kind, s.title, s.day, s.start_time, s.end_time, people(s), s.questions, s.description,
                      s.round.number if s.round else None, s.in_report,
                      s.capture_room.location if s.capture_room else None) for s in event.programme_sessions],
        "workshops": [(w.number, w.title, w.description, w.questions, people(w)) for w in event.workshops],
        "rooms": sorted((r.label, r.location) for r in event_rooms(event)),
        "categories": [(c.key, c.name) for c in event.categories],
    }


def test_export_then_import_gives_the_same_event_back():
    original = import_programme(demo_programme())
    db.session.commit()
    exported = export_programme(original)

    copy = import_programme(exported)
    db.session.commit()

    assert copy.id != original.id
    assert export_programme(copy) == exported
    assert shape(copy) == shape(original)


def test_round_with_some_workshops_survives_the_round_trip():
    text = SMALL + "  - {kind: workshop_round, title: Second, round: 2}\n"
    text = text.replace("rounds:\n", "rounds:\n  - {number: 2, title: Afternoon, workshops: [2]}\n")
    event = import_programme(text)
    db.session.commit()
    assert sorted((r.round.number, r.workshop.number) for r in event_rooms(event)) == [(1, 1), (1, 2), (2, 2)]

    copy = import_programme(export_programme(event))
    db.session.commit()
    assert sorted((r.round.number, r.workshop.number) for r in event_rooms(copy)) == [(1, 1), (1, 2), (2, 2)]
    assert [r.title for r in copy.rounds] == ["", "Afternoon"]


def test_json_file_is_accepted_too():
    event = import_programme('{"event": {"title": "JSON meeting"}, "workshops": [{"number": 1, "title": "A"}],'
                             ' "rounds": [{"number": 1}]}')
    db.session.commit()
    assert event.title == "JSON meeting"
    assert len(event_rooms(event)) == 1


def test_import_page_shows_errors_and_changes_nothing(client, login, make_user, demo_event):
    login(client, "secretariat", "secretariat-demo")
    before = table_counts()
    broken = SMALL.replace("workshops: [1, 2]", "workshops: [1, 9]").encode()

    response = client.post("/setup/events/import", data={"file": (io.BytesIO(broken), "programme.yaml")})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "rounds[0].workshops[1]" in page and "unknown workshop number 9" in page
    assert table_counts() == before


def test_import_page_creates_the_event_and_its_rooms(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")

    response = client.post("/setup/events/import", data={"file": (io.BytesIO(SMALL.encode()), "p.yaml")})

    assert response.status_code == 302
    event = db.session.scalar(sa.select(Event).where(Event.title == "Test meeting"))
    assert response.headers["Location"].endswith(f"/events/{event.id}")
    assert db.session.scalar(sa.select(sa.func.count(Room.id)).join(Room.workshop).where(
        Room.workshop.has(event_id=event.id))) == 2
    # The importer runs the new event as its secretariat.
    assert client.get(f"/setup/events/{event.id}/settings").status_code == 200


def test_export_route_downloads_the_programme(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    response = client.get(f"/setup/events/{demo_event.id}/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True) == export_programme(demo_event)


FIXTURES = Path(__file__).parent / "fixtures" / "programmes"


@pytest.mark.parametrize("name", ["emn-2016.yaml", "kyiv-2017.yaml", "eurojust-2023.yaml"])
def test_real_programmes_import_with_panel_rooms_and_export_to_the_same_event(name):
    original = import_programme((FIXTURES / name).read_text(encoding="utf-8"))
    db.session.commit()
    panels = [s for s in original.programme_sessions if s.kind is SessionKind.PANEL]
    assert any(s.capture_room for s in panels), "each fixture has a plenary panel with a room of its own"

    exported = export_programme(original)
    copy = import_programme(exported)
    db.session.commit()
    assert export_programme(copy) == exported
    assert shape(copy) == shape(original)


def test_eurojust_panels_have_panellists_with_titles_and_organisations():
    event = import_programme((FIXTURES / "eurojust-2023.yaml").read_text(encoding="utf-8"))
    db.session.commit()
    second = next(s for s in event.programme_sessions if s.title.startswith("Second session"))
    assert [(p.role, p.title, p.organisation) for p in second.people][1] == (
        PersonRole.PANELLIST, "Senior prosecutor and Focus Group member", "Germany")
    assert [r.label for r in event_rooms(event) if r.programme_session][-1] == "Conclusions and way forward"


def test_an_old_file_imports_unchanged_and_its_export_gives_the_same_event():
    old = SMALL.replace("title: Borders}", "title: Borders, panellists: [A. Expert, B. Expert]}") + (
        "  - {kind: panel, title: Panel, chair: 'Dana Spinant, Head of Unit', speakers: [Europol, Frontex]}\n"
        "  - {kind: break, title: Dinner + drinks}\n")
    event = import_programme(old)
    db.session.commit()
    panel = event.programme_sessions[1]
    assert [(p.role, p.name, p.title) for p in panel.people] == [
        (PersonRole.CHAIR, "Dana Spinant, Head of Unit", ""), (PersonRole.SPEAKER, "Europol", ""),
        (PersonRole.SPEAKER, "Frontex", "")]
    assert [p.name for p in event.workshops[0].people] == ["A. Expert", "B. Expert"]
    assert [s.in_report for s in event.programme_sessions] == [True, True, False]
    assert all(r.workshop for r in event_rooms(event)) and len(event_rooms(event)) == 2

    copy = import_programme(export_programme(event))
    db.session.commit()
    assert shape(copy) == shape(event)


def test_new_fields_survive_the_round_trip(make_user):
    make_user("dana")
    text = SMALL.replace("title: Borders}", "title: Borders, location: Room B}") + (
        "  - kind: panel\n    title: Panel\n    capture: true\n    location: Room A, 2nd floor\n"
        "    people:\n      - {role: moderator, name: Dana, title: Head of Unit, organisation: EC, user: dana}\n"
        "      - {organisation: Europol}\n"
        "  - {kind: break, title: Coffee, in_report: true}\n  - {kind: plenary, title: Aside, in_report: false}\n")
    event = import_programme(text)
    db.session.commit()
    panel = event.programme_sessions[1]
    assert panel.capture_room.location == "Room A, 2nd floor"
    assert [(p.role, p.display, p.user.username if p.user else None) for p in panel.people] == [
        (PersonRole.MODERATOR, "Dana, Head of Unit, EC", "dana"), (PersonRole.SPEAKER, "Europol", None)]
    assert [r.location for r in event.workshops[0].rooms] == ["Room B"]
    assert [s.in_report for s in event.programme_sessions] == [True, True, True, False]

    exported = export_programme(event)
    assert "in_report" in exported and "capture: true" in exported and "user: dana" in exported
    copy = import_programme(exported)
    db.session.commit()
    assert shape(copy) == shape(event)


def test_the_report_block_sets_the_reports_layout_and_imprint_as_saved_texts():
    """What a published report carries besides its content is known before the event: it comes with the file,
    and the report page shows it as saved texts, each at version 1."""
    event = import_programme(
        "event: {title: Expert meeting}\n"
        "report: {mode: final, annex: compact, heading_numbers: true, isbn: 978-0-00-000000-0,\n"
        "         place: Kyiv, address: \"Street 1\\nCity\"}\n")
    db.session.commit()
    settings = event.report_settings
    assert (settings.mode, settings.annex, settings.heading_numbers, settings.grouping) == (
        "final", "compact", True, "category")
    assert (settings.isbn, settings.place, settings.address) == ("978-0-00-000000-0", "Kyiv", "Street 1\nCity")
    from facilitator.services.report.texts import text_versions

    assert text_versions(event) == {"isbn": 1, "place": 1, "address": 1}
    again = import_programme(export_programme(event))
    assert export_programme(again) == export_programme(event)


def test_a_report_block_with_an_unknown_choice_is_refused_with_its_place():
    with pytest.raises(ProgrammeError) as caught:
        import_programme("event: {title: Meeting}\nreport: {mode: published}\n")
    assert "report" in str(caught.value) and "mode: choose one of draft, final" in str(caught.value)
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0
