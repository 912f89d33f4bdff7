"""Set-up pages of the programme: its entries (sessions with their people and capture rooms), and the
programme file an event is imported from and exported to."""

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..models import PersonRole, ProgrammeSession, SessionKind
from ..services import events
from ..services.programme import ProgrammeError, export_programme, import_programme
from . import bp
from .common import fill_people, form_fields, owned, save, save_form, typed_people
from .forms import ImportForm, ProgrammeSessionForm


@bp.route("/events/import", methods=["GET", "POST"])
def import_event():
    """Create an event from a programme file; a file with any error is rejected whole."""
    form = ImportForm()
    errors = []
    if form.validate_on_submit():
        try:
            event = import_programme(form.file.data.read(), creator=current_user)
        except ProgrammeError as error:
            db.session.rollback()
            errors = error.errors
        else:
            db.session.commit()
            flash(f"Imported {event.title!r} with {len(events.event_rooms(event))} rooms.", "success")
            return redirect(url_for("main.event", event_id=event.id))
    return render_template("setup/import.html", form=form, errors=errors), (422 if errors else 200)


@bp.route("/events/<int:event_id>/export")
def export_event(event_id: int):
    """Download the programme file of the event."""
    filename = f"programme-{event_id}.yaml"
    return Response(
        export_programme(g.event),
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

def _save_session(entry: ProgrammeSession | None, form: ProgrammeSessionForm) -> ProgrammeSession:
    """Add or update a programme entry with its people, capture room and place in the report."""
    fields = form_fields(form, ProgrammeSessionForm.FIELDS)
    fields["kind"] = SessionKind(fields["kind"])
    in_report = {"yes": True, "no": False}.get(form.in_report.data)
    people = typed_people(form.people_rows)
    if entry is None:
        entry = events.add_programme_session(g.event, in_report=in_report, **fields)
    else:
        if not form.capture.data:  # first, so that a session can become a workshop round in the same step
            events.set_capture_room(entry, False)
        events.update_programme_session(entry, in_report=in_report, **fields)
    events.set_people(entry, people)
    if form.capture.data:
        events.set_capture_room(entry, True, form.location.data or "")
    return entry


@bp.route("/events/<int:event_id>/programme", methods=["GET", "POST"])
def programme(event_id: int):
    """List the programme and add an entry to it."""
    form = ProgrammeSessionForm()
    fill_people(form.people_rows, [], PersonRole.SPEAKER)
    if response := save_form(form, lambda: _save_session(None, form), "Programme entry added.",
                             url_for("setup.programme", event_id=event_id)):
        return response
    return render_template(
        "setup/programme.html", form=form, event=g.event, days=events.programme_by_day(g.event))


@bp.route("/events/<int:event_id>/programme/<int:session_id>", methods=["GET", "POST"])
def edit_programme_session(event_id: int, session_id: int):
    """Edit one programme entry: its details, people, capture room and place in the report."""
    entry = owned(ProgrammeSession, session_id)
    form = ProgrammeSessionForm(obj=entry)
    if request.method == "GET":
        form.kind.data = entry.kind.value  # the select holds values, the model an enum
        form.in_report.data = "yes" if entry.in_report else "no"
        form.capture.data = entry.capture_room is not None
        form.location.data = entry.capture_room.location if entry.capture_room else ""
    fill_people(form.people_rows, entry.people, PersonRole.SPEAKER)
    if response := save_form(form, lambda: _save_session(entry, form), "Programme entry saved.",
                             url_for("setup.programme", event_id=event_id)):
        return response
    return render_template("setup/session_form.html", form=form, event=g.event, entry=entry)


@bp.route("/events/<int:event_id>/programme/<int:session_id>/move", methods=["POST"])
def move_programme_session(event_id: int, session_id: int):
    """Move a programme entry up or down."""
    entry = owned(ProgrammeSession, session_id)
    events.move_programme_session(entry, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(url_for("setup.programme", event_id=event_id) + f"#session-{entry.id}")


@bp.route("/events/<int:event_id>/programme/<int:session_id>/delete", methods=["POST"])
def delete_programme_session(event_id: int, session_id: int):
    """Remove a programme entry."""
    entry = owned(ProgrammeSession, session_id)
    return save(
        lambda: events.delete_programme_session(entry),
        f"Removed {entry.title!r} from the programme.",
        url_for("setup.programme", event_id=event_id),
    ) or redirect(url_for("setup.programme", event_id=event_id))
