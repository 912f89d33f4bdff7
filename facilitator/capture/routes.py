import io
import secrets

import segno
from flask import Response, abort, current_app, render_template, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..grants import grant_room
from ..models import Room
from ..services.access import can_moderate_room, can_view_event, can_write_room
from . import bp


def _room(room_id: int, allowed) -> Room:
    """The room, if it exists (else 404) and `allowed(user, room)` lets the current user in (else 403)."""
    room = db.session.get(Room, room_id) or abort(404)
    if not allowed(current_user, room):
        abort(403)
    return room


def _may_view(user, room: Room) -> bool:
    return can_view_event(user, room.event)


def board_link(room: Room) -> str:
    """The short link participants open on their phones; its token is made the first time it is shown."""
    if room.board_token is None:
        room.board_token = secrets.token_urlsafe(6)
        db.session.commit()
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for("capture.public_board", token=room.board_token)
    return url_for("capture.public_board", token=room.board_token, _external=True)


def _page_config(room: Room, can_write: bool) -> dict:
    """What the page script needs, passed as data attributes (no inline script under our CSP)."""
    return {
        "room": room.id,
        "user": current_user.id if current_user.is_authenticated else "guest",
        "can-write": "true" if can_write else "false",
        "max-length": current_app.config["MAX_ITEM_LENGTH"],
        "max-summary-length": current_app.config["MAX_SUMMARY_LENGTH"],
        "max-message-bytes": current_app.config["MAX_MESSAGE_BYTES"],
        "can-moderate": "true" if can_moderate_room(current_user, room) else "false",
    }


@bp.route("/rooms/<int:room_id>/capture")
@login_required
def capture(room_id: int):
    """The rapporteur's page: type items under each category; works offline and resends when back."""
    room = _room(room_id, can_write_room)
    return render_template("capture/capture.html", room=room, event=room.event,
                           config=_page_config(room, True))


@bp.route("/rooms/<int:room_id>/board")
@login_required
def board(room_id: int):
    """The projector board of a room, with the short link and QR code for participants' phones."""
    room = _room(room_id, _may_view)
    return render_template("capture/board.html", room=room, event=room.event, link=board_link(room),
                           config=_page_config(room, False))


@bp.route("/b/<token>")
def public_board(token: str):
    """A participant's read-only board, opened from the short link or QR code; no account needed."""
    room = db.session.scalar(db.select(Room).where(Room.board_token == token)) or abort(404)
    grant_room(room.id)
    return render_template("capture/board.html", room=room, event=room.event, link=None,
                           config=_page_config(room, False))


@bp.route("/rooms/<int:room_id>/qr.svg")
@login_required
def board_qr(room_id: int):
    """The QR code of the board's short link, drawn on the server (no network, no script)."""
    room = _room(room_id, _may_view)
    out = io.BytesIO()
    segno.make(board_link(room), error="m").save(out, kind="svg", scale=8, border=2, xmldecl=False)
    return Response(out.getvalue(), mimetype="image/svg+xml")
