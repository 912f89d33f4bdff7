"""What every response and every state-changing request gets, whoever sends it: nosniff on all answers
(Engine.IO's too) and a refusal for requests sent from another site's page."""

import pytest

from facilitator.extensions import db
from facilitator.services.events import event_rooms

FOREIGN = "https://evil.example"


@pytest.fixture
def room(demo_event):
    return event_rooms(demo_event)[0]


@pytest.fixture
def secretariat(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    return client


def _save_introduction(client, event, text: str, **headers):
    return client.post(f"/events/{event.id}/report/texts", data={"introduction": text}, headers=headers)


@pytest.mark.parametrize("headers", [{"Origin": FOREIGN}, {"Referer": FOREIGN + "/page"}, {"Origin": "null"},
                                     {"Origin": FOREIGN, "Referer": "http://localhost/events"}])
def test_a_form_post_from_another_site_is_refused_even_with_a_valid_token(secretariat, demo_event, headers):
    response = _save_introduction(secretariat, demo_event, "Written from elsewhere", **headers)
    assert response.status_code == 403
    assert "sent from another site" in response.get_data(as_text=True)
    db.session.refresh(demo_event)
    assert demo_event.introduction != "Written from elsewhere"


@pytest.mark.parametrize("headers", [{}, {"Origin": "http://localhost"}, {"Referer": "http://localhost/events/1"}])
def test_a_form_post_from_our_own_page_or_a_script_is_accepted(secretariat, demo_event, headers):
    assert _save_introduction(secretariat, demo_event, "Our own words", **headers).status_code == 302
    db.session.refresh(demo_event)
    assert demo_event.introduction == "Our own words"


def test_the_public_base_url_is_our_own_origin(app, secretariat, demo_event, monkeypatch):
    """Behind a proxy that does not forward the host, the browser's Origin is the public address."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://facilitator.example.org/")
    response = _save_introduction(secretariat, demo_event, "Via the proxy", Origin="https://facilitator.example.org")
    assert response.status_code == 302
    assert _save_introduction(secretariat, demo_event, "x", Origin=FOREIGN).status_code == 403


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/api/rooms/{room}/items", {"category": "challenge", "text": "From elsewhere"}),
    ("PATCH", "/api/rooms/{room}/items/00000000-0000-4000-8000-000000000000", {"base_version": 1, "text": "x"}),
    ("DELETE", "/api/rooms/{room}/items/00000000-0000-4000-8000-000000000000", {"base_version": 1}),
])
def test_an_api_call_from_another_site_is_refused_in_json(client, login, room, method, path, body):
    login(client, "rapporteur", "rapporteur-demo")
    response = client.open(path.format(room=room.id), method=method, json=body,
                           headers={"X-CSRFToken": client.csrf_token(), "Origin": FOREIGN})
    assert response.status_code == 403
    assert response.get_json() == {"ok": False, "error": "origin", "message": response.get_json()["message"]}
    assert "sent from another site" in response.get_json()["message"]
    assert client.get(f"/api/rooms/{room.id}").get_json()["items"] == []


def test_reading_from_another_site_is_not_refused(client, login, room):
    login(client, "rapporteur", "rapporteur-demo")
    assert client.get(f"/api/rooms/{room.id}", headers={"Origin": FOREIGN}).status_code == 200


@pytest.mark.parametrize("path", ["/socket.io/?EIO=4&transport=polling", "/static/favicon.svg", "/login",
                                  "/no-such-page"])
def test_every_response_says_nosniff(client, path):
    with client.get(path) as response:
        assert response.status_code in (200, 404)
        assert response.headers.get_all("X-Content-Type-Options") == ["nosniff"]
        if path.startswith("/socket.io/"):  # Engine.IO's own answer: the open packet
            assert response.status_code == 200 and response.get_data(as_text=True).startswith("0{")
