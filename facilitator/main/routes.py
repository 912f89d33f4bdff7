import sqlalchemy as sa
from flask import abort, current_app, jsonify, render_template
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Event
from ..services.access import can_create_event, can_view_event, is_secretariat, rooms_to_write, visible_events
from ..services.events import event_rooms, programme_by_day
from . import bp


@bp.route("/")
@login_required
def home():
    """The user's events, and the rooms they write in."""
    events = visible_events(current_user)
    rooms = {event.id: rooms_to_write(current_user, event) for event in events}
    return render_template("main/home.html", events=events, rooms=rooms, can_create=can_create_event(current_user))


@bp.route("/events/<int:event_id>")
@login_required
def event(event_id: int):
    """The event overview: programme by day and every room."""
    event = db.session.get(Event, event_id) or abort(404)
    if not can_view_event(current_user, event):
        abort(403)
    rooms = event_rooms(event)
    return render_template(
        "main/event.html",
        event=event,
        days=programme_by_day(event),
        rounds=event.rounds,
        rooms=rooms,
        writable={room.id for room in rooms_to_write(current_user, event)},
        is_secretariat=is_secretariat(current_user, event),
    )


@bp.route("/healthz")
def healthz():
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise. No login needed."""
    checks = {"database": "ok"}
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        current_app.logger.exception("health check: database unreachable")
        db.session.rollback()
        checks["database"] = "unreachable"
    checks["message_queue"] = "configured" if current_app.config["SOCKETIO_MESSAGE_QUEUE"] else "none"
    healthy = checks["database"] == "ok"
    return jsonify(status="ok" if healthy else "unavailable", **checks), 200 if healthy else 503
