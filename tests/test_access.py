"""Who may open what: table-driven over every route, so a new route without a check fails here."""

import pytest
from flask import url_for

from facilitator.models import Role
from facilitator.services.events import event_rooms

# Routes anyone may open without logging in. Everything else must send anonymous users to the login page
# (or, for the JSON API, answer 401). The public board is reached only through its secret short link.
PUBLIC_ENDPOINTS = {"static", "auth.login", "capture.public_board", "plenary.join", "plenary.join_with_code",
                    "plenary.vote", "main.healthz"}


@pytest.fixture
def ids(demo_event):
    """A value for every URL argument the routes use, all inside the demo event."""
    assignment = next(a for a in demo_event.assignments if a.role is Role.RAPPORTEUR)
    return {
        "event_id": demo_event.id,
        "session_id": demo_event.programme_sessions[0].id,
        "workshop_id": demo_event.workshops[0].id,
        "round_id": demo_event.rounds[0].id,
        "category_id": demo_event.categories[0].id,
        "section_id": demo_event.conclusion_sections[0].id,
        "assignment_id": assignment.id,
        "room_id": event_rooms(demo_event)[0].id,
        "item_id": "00000000-0000-4000-8000-000000000000",
        "field": "introduction",
    }


def _requests(app, ids, prefix=""):
    """(method, url) for every rule whose endpoint starts with `prefix`."""
    out = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith(prefix) or rule.endpoint in PUBLIC_ENDPOINTS:
                continue
            missing = set(rule.arguments) - set(ids)
            assert not missing, f"{rule.endpoint}: add a value for {missing} to the ids fixture"
            url = url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments})
            for method in sorted(rule.methods & {"GET", "POST", "PATCH", "DELETE"}):
                out.append((rule.endpoint, method, url))
    return out


def _send(client, method, url):
    if method == "GET":
        return client.get(url)
    if url.startswith("/api/"):
        return client.api(method, url, json={})
    return client.open(url, method=method, data={"csrf_token": client.csrf_token()})


def test_every_route_sends_anonymous_users_to_login(app, client, ids):
    requests = _requests(app, ids)
    assert len(requests) > 20
    for endpoint, method, url in requests:
        response = _send(client, method, url)
        if endpoint.startswith("api."):
            assert response.status_code == 401, f"{method} {url} ({endpoint}) answered {response.status_code}"
            assert response.get_json()["error"] == "login_required"
            continue
        assert response.status_code == 302, f"{method} {url} ({endpoint}) answered {response.status_code}"
        assert "/login" in response.headers["Location"], f"{method} {url} did not ask to log in"


@pytest.mark.parametrize("username", ["rapporteur", "viewer", "moderator", "outsider", "other-secretariat"])
def test_secretariat_routes_refuse_everyone_else(app, client, ids, login, make_user, username):
    if username == "outsider":
        make_user("outsider")
    if username == "other-secretariat":
        from facilitator.extensions import db
        from facilitator.services.accounts import create_user
        from facilitator.services.events import create_event

        from .conftest import PASSWORD

        create_event("Another meeting", creator=create_user("other-secretariat", PASSWORD))
        db.session.commit()
    password = f"{username}-demo" if username in ("rapporteur", "viewer", "moderator") else None
    login(client, username, *([password] if password else []))

    for endpoint, method, url in _requests(app, ids, prefix="setup."):
        if username == "other-secretariat" and endpoint in ("setup.new_event", "setup.import_event"):
            continue  # a secretariat member may start a new event of their own
        response = _send(client, method, url)
        assert response.status_code == 403, f"{username}: {method} {url} ({endpoint}) answered {response.status_code}"


def test_secretariat_can_open_every_setup_page(app, client, ids, login):
    login(client, "secretariat", "secretariat-demo")
    for endpoint, method, url in _requests(app, ids, prefix="setup."):
        if method == "GET":
            assert client.get(url).status_code == 200, f"GET {url} ({endpoint})"


def test_parts_of_another_event_are_not_found(app, client, ids, login, make_user, demo_event):
    """An id from event B in the URL of event A is refused, even for A's secretariat."""
    from facilitator.extensions import db
    from facilitator.services.events import add_workshop, create_event

    other = create_event("Another meeting")
    workshop = add_workshop(other, 1, "Elsewhere")
    db.session.commit()
    login(client, "secretariat", "secretariat-demo")

    assert client.get(f"/setup/events/{demo_event.id}/workshops/{workshop.id}").status_code == 404
    assert client.post(f"/setup/events/{demo_event.id}/workshops/{workshop.id}/delete", data={}).status_code == 404
    assert db.session.get(type(workshop), workshop.id) is not None
    assert client.get(f"/setup/events/{other.id}/settings").status_code == 403


def test_event_page_is_for_people_of_the_event(client, login, make_user, demo_event):
    make_user("outsider")
    login(client, "outsider")
    response = client.get(f"/events/{demo_event.id}")
    assert response.status_code == 403
    assert "Not allowed" in response.get_data(as_text=True)
    assert client.get("/events/99999").status_code == 404


@pytest.mark.parametrize("username", ["secretariat", "moderator", "rapporteur", "viewer"])
def test_every_role_of_the_event_sees_its_page(client, login, demo_event, username):
    login(client, username, f"{username}-demo")
    assert client.get(f"/events/{demo_event.id}").status_code == 200
