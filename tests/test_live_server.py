"""A real server process and real python-socketio clients over WebSocket on 127.0.0.1."""

import re
import threading
import uuid

import socketio

from .conftest import http_login, running_server


def _connect(base: str, http) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
    # websocket-client sends the page's Origin itself, as a browser does.
    client.connect(base, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10)
    return client


def test_a_second_client_receives_an_item_created_by_the_first(tmp_path):
    with running_server(tmp_path) as (base, _):
        rapporteur_http = http_login(base, "rapporteur", "rapporteur-demo")
        viewer_http = http_login(base, "viewer", "viewer-demo")
        # The rapporteur's home page links to the capture page of each of their rooms.
        room_id = int(re.search(r"/rooms/(\d+)/capture", rapporteur_http.get(base + "/").text).group(1))

        rapporteur = _connect(base, rapporteur_http)
        viewer = _connect(base, viewer_http)
        received, arrived = [], threading.Event()

        @viewer.on("change")
        def on_change(change):
            received.append(change)
            arrived.set()

        try:
            assert viewer.call("join", {"room": room_id, "since": None}, timeout=10)["ok"]
            assert rapporteur.call("join", {"room": room_id, "since": None}, timeout=10)["can_write"] is True
            item = str(uuid.uuid4())
            # Appended at the end of its category (no position), the usual case.
            create = {"room": room_id, "op": "create", "mutation_id": str(uuid.uuid4()), "item": item,
                      "category": "challenge", "text": "Information is not shared across borders"}
            ack = rapporteur.call("mutate", create, timeout=10)
            assert ack["ok"] and ack["item"]["version"] == 1 and ack["item"]["room"] == room_id

            assert arrived.wait(10), "the viewer never received the change"
            assert [(c["seq"], c["item"]["id"], c["item"]["text"], c["item"]["room"]) for c in received] == [
                (ack["seq"], item, "Information is not shared across borders", room_id)]
            # The stored answer of a replay, the change log read by catch-up, the API's 201 body and its
            # snapshot all name the room too.
            assert rapporteur.call("mutate", create, timeout=10) == ack
            caught_up = viewer.call("sync", {"room": room_id, "since": 0}, timeout=10)
            assert [c["item"]["room"] for c in caught_up["changes"]] == [room_id]
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', rapporteur_http.get(base + "/").text)
            created = rapporteur_http.post(f"{base}/api/rooms/{room_id}/items", timeout=10,
                                           json={"category": "challenge", "text": "Over HTTP"},
                                           headers={"X-CSRFToken": token.group(1)})
            assert created.status_code == 201 and created.json()["item"]["room"] == room_id
            snapshot = viewer_http.get(f"{base}/api/rooms/{room_id}", timeout=10).json()
            assert [(i["id"], i["room"]) for i in snapshot["items"]][0] == (item, room_id)
        finally:
            rapporteur.disconnect()
            viewer.disconnect()


def _try_connect(base: str, headers: dict, transports: list[str]) -> tuple[bool, list]:
    client = socketio.Client(reconnection=False)
    errors = []
    client.on("connect_error", errors.append)
    try:
        client.connect(base, headers=headers, transports=transports, wait_timeout=5)
    except socketio.exceptions.ConnectionError:
        pass
    connected = client.connected
    if connected:
        client.disconnect()
    return connected, errors


def test_a_socket_from_another_origin_is_refused(tmp_path):
    with running_server(tmp_path) as (base, _):
        http = http_login(base, "viewer", "viewer-demo")
        cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
        # Polling lets the test set the Origin header exactly as a hostile page's browser would.
        assert _try_connect(base, {"Cookie": cookie, "Origin": base}, ["polling"])[0] is True
        assert _try_connect(base, {"Cookie": cookie, "Origin": "https://evil.example"}, ["polling"])[0] is False


def test_an_anonymous_socket_is_told_to_log_in(tmp_path):
    with running_server(tmp_path) as (base, _):
        connected, errors = _try_connect(base, {}, ["websocket"])
        assert connected is False
        assert errors == [{"message": "login required"}]
