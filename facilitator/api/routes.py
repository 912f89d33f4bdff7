"""Room reads and item mutations over HTTP (docs/protocol.md, "HTTP API").

Each route maps onto the same capture service as the socket handlers; answers have the same shape.
"""

import uuid

from flask import jsonify, request
from flask_login import current_user

from ..extensions import db
from ..realtime.broadcast import emit_changes
from ..services import capture
from ..services.protocol import Refusal, invalid
from . import bp

STATUS = {"invalid": 400, "forbidden": 403, "not_found": 404, "conflict": 409, "login_required": 401}


@bp.before_request
def _require_login():
    """The API answers 401 in JSON instead of redirecting to the login page."""
    if not current_user.is_authenticated:
        return jsonify(ok=False, error="login_required", message="Log in first."), 401
    return None


@bp.errorhandler(Refusal)
def _refused(error: Refusal):
    db.session.rollback()
    return jsonify(error.answer), STATUS.get(error.answer["error"], 400)


def _readable_room(room_id: int):
    room = capture.get_room(room_id)
    capture.require_view(current_user, room)
    return room


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise invalid("Send a JSON object with Content-Type: application/json.")
    return data


def _mutate(room_id: int, data: dict, created: bool = False):
    room = capture.get_room(room_id)
    data.setdefault("mutation_id", str(uuid.uuid4()))
    outcome = capture.perform_mutation(current_user, room, data)
    emit_changes(outcome.broadcasts)
    status = (201 if created else 200) if outcome.answer["ok"] else STATUS.get(outcome.answer["error"], 400)
    return jsonify(outcome.answer), status


@bp.get("/rooms/<int:room_id>")
def room_snapshot(room_id: int):
    """All items of a room and the sequence they are current to."""
    return jsonify(ok=True, **capture.snapshot(_readable_room(room_id)))


@bp.get("/rooms/<int:room_id>/changes")
def room_changes(room_id: int):
    """The changes after `?since=N` (or a snapshot when too many were missed)."""
    since = request.args.get("since", type=int)
    if since is None or since < 0:
        raise invalid("since: give the last sequence number seen, e.g. ?since=0", "since")
    return jsonify(ok=True, **capture.room_changes_since(_readable_room(room_id), since))


@bp.post("/rooms/<int:room_id>/items")
def create_item(room_id: int):
    """Create an item; send `mutation_id` (and `item`) UUIDs to make retries safe."""
    data = _body()
    data.setdefault("item", str(uuid.uuid4()))
    return _mutate(room_id, {**data, "op": "create"}, created=True)


@bp.patch("/rooms/<int:room_id>/items/<item_id>")
def edit_item(room_id: int, item_id: str):
    """Edit text, category, key point or question link; `position` makes it a move (with `category` only)."""
    data = _body()
    return _mutate(room_id, {**data, "op": "move" if "position" in data else "edit", "item": item_id})


@bp.delete("/rooms/<int:room_id>/items/<item_id>")
def delete_item(room_id: int, item_id: str):
    """Delete an item (it can be restored); needs `base_version`."""
    return _mutate(room_id, {**_body(), "op": "delete", "item": item_id})


@bp.post("/rooms/<int:room_id>/items/<item_id>/restore")
def restore_item(room_id: int, item_id: str):
    """Bring a deleted item back; needs `base_version`."""
    return _mutate(room_id, {**_body(), "op": "restore", "item": item_id})


@bp.put("/rooms/<int:room_id>/summary")
def save_summary(room_id: int):
    """Save the room's summary written from `base_version` (0 for a room without one); a stale one is a conflict."""
    return _mutate(room_id, {**_body(), "op": "summary"})


@bp.put("/rooms/<int:room_id>/show-summary")
def show_summary(room_id: int):
    """Moderators: show the summary on the room's board (`{"show": true}`), or hide it."""
    return _mutate(room_id, {**_body(), "op": "show_summary"})
