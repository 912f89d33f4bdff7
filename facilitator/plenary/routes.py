import io

import segno
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..grants import ensure_ballot, grant_event, participant_events
from ..models import Event
from ..realtime.broadcast import emit_tally
from ..services import voting
from ..services.access import can_moderate, can_view_event, is_secretariat
from ..services.conclusions import sections
from ..services.protocol import Refusal
from ..services.throttle import JOIN_CODES_PER_ADDRESS, limiter, wait_message
from . import bp


def _event(event_id: int) -> Event:
    event = db.session.get(Event, event_id) or abort(404)
    if not can_view_event(current_user, event):
        abort(403)
    return event


def join_link(event: Event) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL")
    path = url_for("plenary.join_with_code", code=voting.join_code(event))
    return base.rstrip("/") + path if base else url_for("plenary.join_with_code", code=event.join_code, _external=True)


def _page(event: Event, template: str):
    link = join_link(event)
    # The one write of these GETs: the event's join code, made the first time a page shows it. Committed after
    # it is made, so the link on the page is the code that the QR code and the voting page use.
    db.session.commit()
    return render_template(
        template, event=event, sections=sections(event), can_moderate=can_moderate(current_user, event),
        is_secretariat=is_secretariat(current_user, event), link=link,
        config={"event": event.id, "user": current_user.id,
                "can-moderate": "true" if can_moderate(current_user, event) else "false",
                "continuous-numbering": "true" if event.continuous_numbering else "false",
                "max-length": current_app.config["MAX_ITEM_LENGTH"]},
    )


@bp.route("/events/<int:event_id>/plenary")
@login_required
def plenary(event_id: int):
    """The plenary feedback page: every room's items, and the statements the moderators merge them into."""
    return _page(_event(event_id), "plenary/plenary.html")


@bp.route("/events/<int:event_id>/plenary/projector")
@login_required
def projector(event_id: int):
    """The plenary on the hall's screen: numbered statements per section and the live vote tally."""
    return _page(_event(event_id), "plenary/projector.html")


@bp.route("/events/<int:event_id>/plenary/voting", methods=["POST"])
@login_required
def voting_settings(event_id: int):
    """Secretariat: open voting (with a number of dots per participant), close it, or clear all votes."""
    event = _event(event_id)
    if not is_secretariat(current_user, event):
        abort(403)
    action = request.form.get("action")
    try:
        if action == "open":
            voting.open_voting(event, request.form.get("dots", type=int) or 0)
            message = f"Voting is open: {event.dots_per_ballot} dots each, code {event.join_code}."
        elif action == "close":
            voting.close_voting(event)
            message = "Voting is closed."
        elif action == "clear":
            voting.clear_votes(event)
            message = "All votes were cleared."
        else:
            abort(400)
    except Refusal as refusal:
        db.session.rollback()
        flash(refusal.answer["message"], "error")
    else:
        db.session.commit()
        flash(message, "success")
        emit_tally(voting.tally(event))
    return redirect(url_for("plenary.plenary", event_id=event.id) + "#voting")


@bp.route("/events/<int:event_id>/plenary/qr.svg")
@login_required
def join_qr(event_id: int):
    """The QR code participants scan to vote."""
    event = _event(event_id)
    out = io.BytesIO()
    segno.make(join_link(event), error="m").save(out, kind="svg", scale=8, border=2, xmldecl=False)
    db.session.commit()
    return Response(out.getvalue(), mimetype="image/svg+xml")


def _code_wait() -> int:
    return limiter().wait((JOIN_CODES_PER_ADDRESS, request.remote_addr or "unknown"))


def _wrong_code() -> None:
    limiter().failed((JOIN_CODES_PER_ADDRESS, request.remote_addr or "unknown"))


@bp.route("/join", methods=["GET", "POST"])
def join():
    """Participants type the code shown on the projector (no account needed)."""
    if request.method == "POST":
        wait = _code_wait()
        if wait:
            flash(f"Too many wrong codes from your network. {wait_message(wait)}", "error")
            return render_template("plenary/join.html"), 429, {"Retry-After": str(wait)}
        event = voting.event_by_code(request.form.get("code", ""))
        if event is not None:
            return redirect(url_for("plenary.join_with_code", code=event.join_code))
        _wrong_code()
        flash("That code is not known. Check the code on the screen and try again.", "error")
        return render_template("plenary/join.html"), 404
    return render_template("plenary/join.html")


@bp.route("/j/<code>")
def join_with_code(code: str):
    """The link in the QR code: remembers the event for this device, then shows the voting page."""
    wait = _code_wait()
    if wait:
        # Checked before the code, even a right one: otherwise guessing would go on behind the refusals.
        message = f"Too many wrong codes were tried from your network. {wait_message(wait)}"
        return render_template("errors/error.html", code=429, title="Too many tries", message=message), 429, {
            "Retry-After": str(wait)}
    event = voting.event_by_code(code)
    if event is None:
        _wrong_code()
        abort(404)
    grant_event(event.id)
    ensure_ballot()
    return redirect(url_for("plenary.vote", event_id=event.id))


@bp.route("/events/<int:event_id>/vote")
def vote(event_id: int):
    """A participant's ballot: the statements and their dots; updates live."""
    event = db.session.get(Event, event_id) or abort(404)
    if event_id not in participant_events() and not can_view_event(current_user, event):
        return redirect(url_for("plenary.join"))
    ensure_ballot()
    return render_template("plenary/vote.html", event=event, sections=sections(event),
                           config={"event": event.id, "user": "ballot",
                                   "continuous-numbering": "true" if event.continuous_numbering else "false"})
