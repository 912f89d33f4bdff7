"""Logging in and out, wrong passwords, CSRF, and the cookies a browser keeps."""

import sqlalchemy as sa

from facilitator.extensions import db
from facilitator.models import User

from .conftest import PASSWORD


def test_login_and_logout(client, make_user):
    make_user("ana")

    response = client.post("/login", data={"username": "ana", "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200 and "Ana" in home.get_data(as_text=True)

    response = client.post("/logout", data={})
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # back to the login page


def test_username_is_not_case_sensitive(client, make_user):
    make_user("Ana")
    assert client.post("/login", data={"username": "ana", "password": PASSWORD}).status_code == 302


def test_wrong_password_is_refused_with_a_message(client, make_user):
    make_user("ana")

    response = client.post("/login", data={"username": "ana", "password": "not it"})

    assert response.status_code == 401
    assert "Wrong username or password" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_unknown_user_gets_the_same_answer(client):
    response = client.post("/login", data={"username": "nobody", "password": "whatever"})
    assert response.status_code == 401
    assert "Wrong username or password" in response.get_data(as_text=True)


def test_deactivated_user_cannot_log_in(client, make_user):
    user = make_user("ana")
    user.active = False
    db.session.commit()
    assert client.post("/login", data={"username": "ana", "password": PASSWORD}).status_code == 401


def test_login_without_csrf_token_is_rejected(client, make_user):
    make_user("ana")

    response = client.post("/login", data={"username": "ana", "password": PASSWORD}, csrf=False)

    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_logout_without_csrf_token_does_not_log_out(client, make_user, login):
    make_user("ana")
    login(client, "ana")

    assert client.post("/logout", data={}, csrf=False).status_code == 400
    assert client.get("/").status_code == 200


def test_an_api_call_without_csrf_token_gets_an_answer_shaped_like_every_other(client, make_user, login):
    """Scripts read `ok` and `error` on every answer, refusals of the CSRF check included (docs/protocol.md)."""
    make_user("ana")
    login(client, "ana")

    response = client.api("POST", "/api/rooms/1/items", json={"category": "challenge", "text": "x"}, csrf=False)

    assert response.status_code == 400
    assert response.get_json() == {"ok": False, "error": "csrf", "message": response.get_json()["message"]}
    assert "reload" in response.get_json()["message"]
    assert client.api("GET", "/api/rooms/999999").get_json()["ok"] is False  # and a 404


def test_passwords_are_stored_hashed(make_user):
    make_user("ana")
    stored = db.session.scalar(sa.select(User.password_hash).where(User.username == "ana"))
    assert PASSWORD not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


def test_login_redirects_only_to_local_pages(client, make_user):
    make_user("ana")
    response = client.post("/login?next=https://evil.example/", data={"username": "ana", "password": PASSWORD})
    assert response.headers["Location"] == "/"

    client.post("/logout", data={})
    response = client.post("/login?next=/events/1", data={"username": "ana", "password": PASSWORD})
    assert response.headers["Location"] == "/events/1"


def test_session_cookie_is_http_only_and_same_site(client, make_user):
    make_user("ana")
    client.post("/login", data={"username": "ana", "password": PASSWORD})
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_pages_send_security_headers(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_login_is_throttled_after_repeated_failures(app, client, make_user):
    make_user("ana")
    make_user("ben")
    for _ in range(5):
        assert client.post("/login", data={"username": "ana", "password": "guess"}).status_code == 401

    response = client.post("/login", data={"username": "ana", "password": PASSWORD})
    assert response.status_code == 429 and "Too many failed attempts" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still not logged in

    # Another account is not held up; the same account from another address is (tests/test_throttle.py).
    assert client.post("/login", data={"username": "ben", "password": PASSWORD}).status_code == 302
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert elsewhere.post("/login", data={"username": "ana", "password": PASSWORD}).status_code == 429


def test_logging_out_ends_the_login_for_every_tab_and_socket(client, login, socket_client, demo_event):
    """A capture page's socket keeps its own copy of the session: logging out elsewhere must still stop it."""
    import uuid

    from facilitator.models import Item
    from facilitator.services.events import event_rooms

    room = next(r for r in event_rooms(demo_event) if r.workshop.number == 1)
    login(client, "rapporteur", "rapporteur-demo")
    sock = socket_client(client)
    assert sock.emit("join", {"room": room.id, "since": None})["ok"]

    client.post("/logout", data={})  # another tab of the same browser

    answer = sock.emit("mutate", {"room": room.id, "op": "create", "mutation_id": str(uuid.uuid4()),
                                  "item": str(uuid.uuid4()), "category": "challenge", "text": "Queued"})
    assert answer["error"] == "login_required" and "kept" in answer["message"]
    assert db.session.scalar(sa.select(sa.func.count(Item.id))) == 0
    assert not socket_client(client).connected


def test_an_expired_login_is_refused(app, client, login, make_user):
    from datetime import timedelta

    from facilitator.models import LoginSession, utcnow

    make_user("ana")
    login(client, "ana")
    assert client.get("/").status_code == 200
    db.session.execute(sa.update(LoginSession).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert client.get("/").status_code == 302


def test_ended_logins_are_cleared_at_the_next_login_and_others_stay(app, make_user, login):
    from facilitator.models import LoginSession

    make_user("ana")
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "ana")
    laptop.post("/logout", data={})
    login(phone, "ana")  # the laptop's login has ended: it is cleared now
    assert db.session.scalar(sa.select(sa.func.count(LoginSession.id))) == 1
    login(laptop, "ana")  # the phone's login is still in use: it stays, and so does the phone
    assert db.session.scalar(sa.select(sa.func.count(LoginSession.id))) == 2
    assert phone.get("/").status_code == 200 and laptop.get("/").status_code == 200
