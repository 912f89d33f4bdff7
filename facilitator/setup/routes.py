from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ..extensions import db, login_manager
from ..models import Category, Event, PersonRole, ProgrammeSession, Round, SessionKind, Workshop
from ..services import events
from ..services.access import can_create_event, is_secretariat
from ..services.accounts import get_user
from ..services.programme import ProgrammeError, export_programme, import_programme
from . import bp
from .forms import (
    CategoryForm,
    EventForm,
    ImportForm,
    ProgrammeSessionForm,
    RoundForm,
    WorkshopForm,
)


@bp.before_request
def _guard():
    """Every set-up page: signed in, and secretariat of the event in the URL (or allowed to create one)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    event_id = (request.view_args or {}).get("event_id")
    if event_id is None:
        if not can_create_event(current_user):
            abort(403)
        return None
    g.event = db.session.get(Event, event_id) or abort(404)
    if not is_secretariat(current_user, g.event):
        abort(403)
    return None


def _owned(model, object_id: int):
    """Load a part of g.event by id; parts of other events are 404, not someone else's to edit."""
    obj = db.session.get(model, object_id)
    event_id = obj.event_id if obj is not None else None
    if obj is None or event_id != g.event.id:
        abort(404)
    return obj


def _save(action, success: str, target):
    """Run a set-up change, commit once, and tell the secretariat how it went.

    Returns a redirect to `target` (a URL, or a function of the action's result) on success, None on a
    rule violation (the page is shown again with the message and the user's input).
    """
    try:
        result = action()
    except events.SetupError as error:
        db.session.rollback()
        flash(str(error), "error")
        return None
    db.session.commit()
    flash(success, "success")
    return redirect(target(result) if callable(target) else target)


def _fields(form, names):
    return {name: getattr(form, name).data for name in names}


# Events ---------------------------------------------------------------------------------------------


@bp.route("/events/new", methods=["GET", "POST"])
def new_event():
    """Create an empty event with the default categories."""
    form = EventForm()
    if form.validate_on_submit():
        response = _save(
            lambda: events.create_event(creator=current_user, **_fields(form, EventForm.FIELDS)),
            "Event created. Add its programme, workshops and rounds.",
            lambda event: url_for("main.event", event_id=event.id),
        )
        if response:
            return response
    return render_template("setup/event_form.html", form=form, event=None)


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


@bp.route("/events/<int:event_id>/settings", methods=["GET", "POST"])
def edit_event(event_id: int):
    """Edit the event's details and report texts."""
    form = EventForm(obj=g.event)
    if form.validate_on_submit():
        response = _save(
            lambda: events.update_event(g.event, **_fields(form, EventForm.FIELDS)),
            "Event details saved.",
            url_for("setup.edit_event", event_id=event_id),
        )
        if response:
            return response
    return render_template("setup/event_form.html", form=form, event=g.event)


# Programme ------------------------------------------------------------------------------------------


BLANK_PEOPLE_ROWS = 2


def _fill_people(rows, people: list, default_role: PersonRole) -> None:
    """Show one row per person, then blank rows to add more (only on GET: a POST keeps what was typed)."""
    if request.method != "GET":
        return
    for position, person in enumerate(people):
        rows.append_entry({"order": position + 1, "role": person.role.value, "name": person.name,
                           "title": person.title, "organisation": person.organisation,
                           "user": person.user.username if person.user else ""})
    for position in range(len(people), len(people) + BLANK_PEOPLE_ROWS):
        rows.append_entry({"order": position + 1, "role": default_role.value})


def _people(rows) -> list[dict]:
    """The rows typed on the page, sorted by their order; an unknown account is refused."""
    ordered = sorted(enumerate(rows.data), key=lambda pair: (pair[1]["order"] is None, pair[1]["order"] or 0, pair[0]))
    people = []
    for index, row in ordered:
        user = get_user(row["user"]) if row["user"] else None
        if row["user"] and user is None:
            raise events.SetupError(f"There is no account {row['user']!r} (people, row {index + 1}).")
        people.append({**row, "user": user})
    return people


def _save_session(entry: ProgrammeSession | None, form: ProgrammeSessionForm) -> ProgrammeSession:
    """Add or update a programme entry with its people, capture room and place in the report."""
    fields = _fields(form, ProgrammeSessionForm.FIELDS)
    fields["kind"] = SessionKind(fields["kind"])
    in_report = {"yes": True, "no": False}.get(form.in_report.data)
    people = _people(form.people_rows)
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
    _fill_people(form.people_rows, [], PersonRole.SPEAKER)
    if form.validate_on_submit():
        response = _save(
            lambda: _save_session(None, form),
            "Programme entry added.",
            url_for("setup.programme", event_id=event_id),
        )
        if response:
            return response
    return render_template(
        "setup/programme.html", form=form, event=g.event, days=events.programme_by_day(g.event))


@bp.route("/events/<int:event_id>/programme/<int:session_id>", methods=["GET", "POST"])
def edit_programme_session(event_id: int, session_id: int):
    """Edit one programme entry: its details, people, capture room and place in the report."""
    entry = _owned(ProgrammeSession, session_id)
    form = ProgrammeSessionForm(obj=entry)
    if request.method == "GET":
        form.kind.data = entry.kind.value  # the select holds values, the model an enum
        form.in_report.data = "yes" if entry.in_report else "no"
        form.capture.data = entry.capture_room is not None
        form.location.data = entry.capture_room.location if entry.capture_room else ""
    _fill_people(form.people_rows, entry.people, PersonRole.SPEAKER)
    if form.validate_on_submit():
        response = _save(
            lambda: _save_session(entry, form),
            "Programme entry saved.",
            url_for("setup.programme", event_id=event_id),
        )
        if response:
            return response
    return render_template("setup/session_form.html", form=form, event=g.event, entry=entry)


@bp.route("/events/<int:event_id>/programme/<int:session_id>/move", methods=["POST"])
def move_programme_session(event_id: int, session_id: int):
    """Move a programme entry up or down."""
    entry = _owned(ProgrammeSession, session_id)
    events.move_programme_session(entry, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(url_for("setup.programme", event_id=event_id) + f"#session-{entry.id}")


@bp.route("/events/<int:event_id>/programme/<int:session_id>/delete", methods=["POST"])
def delete_programme_session(event_id: int, session_id: int):
    """Remove a programme entry."""
    entry = _owned(ProgrammeSession, session_id)
    return _save(
        lambda: events.delete_programme_session(entry),
        f"Removed {entry.title!r} from the programme.",
        url_for("setup.programme", event_id=event_id),
    ) or redirect(url_for("setup.programme", event_id=event_id))


# Workshops ------------------------------------------------------------------------------------------


def _workshop_form(workshop: Workshop | None = None) -> WorkshopForm:
    form = WorkshopForm(obj=workshop)
    form.rounds.choices = [SelectChoice(r.id, r.label) for r in g.event.rounds]
    if request.method == "GET":
        if workshop is None:
            form.number.data = max((w.number for w in g.event.workshops), default=0) + 1
            form.rounds.data = [r.id for r in g.event.rounds]  # by default a workshop runs in every round
        else:
            form.rounds.data = [room.round_id for room in workshop.rooms]
            form.location.data = events.workshop_location(workshop)
    _fill_people(form.people_rows, workshop.people if workshop else [], PersonRole.PANELLIST)
    return form


def _save_workshop(workshop: Workshop | None, form: WorkshopForm) -> Workshop:
    """Add or update a workshop with its panellists, the rounds it runs in and where its rooms are."""
    fields = _fields(form, WorkshopForm.FIELDS)
    rounds = None  # without the round boxes (no rounds yet, or a script): every round, or as it was
    if form.rounds_shown.data == "1":
        rounds = [r for r in g.event.rounds if r.id in set(form.rounds.data or [])]
    people = _people(form.people_rows)
    if workshop is None:
        workshop = events.add_workshop(g.event, rounds=rounds, location=form.location.data or "", **fields)
    else:
        events.update_workshop(workshop, **fields)
        if rounds is not None:
            events.set_workshop_rounds(workshop, rounds)
        events.set_workshop_location(workshop, form.location.data or "")
    events.set_people(workshop, people)
    return workshop


@bp.route("/events/<int:event_id>/workshops", methods=["GET", "POST"])
def workshops(event_id: int):
    """List the workshops and add one (it gets a room in each round it runs in)."""
    form = _workshop_form()
    if form.validate_on_submit():
        response = _save(
            lambda: _save_workshop(None, form),
            "Workshop added.",
            url_for("setup.workshops", event_id=event_id),
        )
        if response:
            return response
    return render_template("setup/workshops.html", form=form, event=g.event)


@bp.route("/events/<int:event_id>/workshops/<int:workshop_id>", methods=["GET", "POST"])
def edit_workshop(event_id: int, workshop_id: int):
    """Edit a workshop: number, title, description, questions, panellists, rounds and location."""
    workshop = _owned(Workshop, workshop_id)
    form = _workshop_form(workshop)
    if form.validate_on_submit():
        response = _save(
            lambda: _save_workshop(workshop, form),
            "Workshop saved.",
            url_for("setup.workshops", event_id=event_id),
        )
        if response:
            return response
    return render_template("setup/workshop_form.html", form=form, event=g.event, workshop=workshop)


@bp.route("/events/<int:event_id>/workshops/<int:workshop_id>/delete", methods=["POST"])
def delete_workshop(event_id: int, workshop_id: int):
    """Delete a workshop and its rooms, unless they hold items."""
    workshop = _owned(Workshop, workshop_id)
    target = url_for("setup.workshops", event_id=event_id)
    return _save(lambda: events.delete_workshop(workshop), "Workshop deleted.", target) or redirect(target)


# Rounds ---------------------------------------------------------------------------------------------


def _round_form(round_: Round | None = None) -> RoundForm:
    if request.method == "GET" and round_ is not None:
        form = RoundForm(data={"number": round_.number, "title": round_.title,
                               "programme_session": round_.programme_session_id or 0})
    elif request.method == "GET":
        form = RoundForm(data={"number": max((r.number for r in g.event.rounds), default=0) + 1})
    else:
        form = RoundForm()
    slots = [s for s in g.event.programme_sessions if s.kind is SessionKind.WORKSHOP_ROUND]
    form.programme_session.choices = [SelectChoice(0, "(none)")] + [SelectChoice(s.id, s.title) for s in slots]
    return form


@bp.route("/events/<int:event_id>/rounds", methods=["GET", "POST"])
def rounds(event_id: int):
    """List the rounds and add one (it opens a room for every workshop)."""
    form = _round_form()
    if form.validate_on_submit():
        slot = _owned(ProgrammeSession, form.programme_session.data) if form.programme_session.data else None
        response = _save(
            lambda: events.add_round(g.event, form.number.data, form.title.data, programme_session=slot),
            "Round added.",
            url_for("setup.rounds", event_id=event_id),
        )
        if response:
            return response
    return render_template("setup/rounds.html", form=form, event=g.event)


@bp.route("/events/<int:event_id>/rounds/<int:round_id>", methods=["GET", "POST"])
def edit_round(event_id: int, round_id: int):
    """Rename or renumber a round, or tie it to a programme slot."""
    round_ = _owned(Round, round_id)
    form = _round_form(round_)
    if form.validate_on_submit():
        slot = _owned(ProgrammeSession, form.programme_session.data) if form.programme_session.data else None
        response = _save(
            lambda: events.update_round(round_, form.number.data, form.title.data, slot),
            "Round saved.",
            url_for("setup.rounds", event_id=event_id),
        )
        if response:
            return response
    return render_template("setup/round_form.html", form=form, event=g.event, round=round_)


@bp.route("/events/<int:event_id>/rounds/<int:round_id>/delete", methods=["POST"])
def delete_round(event_id: int, round_id: int):
    """Delete a round and its rooms, unless they hold items."""
    round_ = _owned(Round, round_id)
    target = url_for("setup.rounds", event_id=event_id)
    return _save(lambda: events.delete_round(round_), "Round deleted.", target) or redirect(target)


# Categories -----------------------------------------------------------------------------------------


@bp.route("/events/<int:event_id>/categories", methods=["GET", "POST"])
def categories(event_id: int):
    """List the headings items go under, and add one."""
    form = CategoryForm()
    if form.validate_on_submit():
        response = _save(
            lambda: events.add_category(g.event, form.name.data),
            "Category added.",
            url_for("setup.categories", event_id=event_id),
        )
        if response:
            return response
    return render_template("setup/categories.html", form=form, event=g.event)


@bp.route("/events/<int:event_id>/categories/<int:category_id>/rename", methods=["POST"])
def rename_category(event_id: int, category_id: int):
    """Rename a heading; items under it keep their place."""
    category = _owned(Category, category_id)
    form = CategoryForm()
    target = url_for("setup.categories", event_id=event_id)
    if not form.validate_on_submit():
        flash("A category needs a name of at most 200 characters.", "error")
        return redirect(target)
    renamed = _save(lambda: events.rename_category(category, form.name.data), "Category renamed.", target)
    return renamed or redirect(target)


@bp.route("/events/<int:event_id>/categories/<int:category_id>/move", methods=["POST"])
def move_category(event_id: int, category_id: int):
    """Move a heading left or right."""
    category = _owned(Category, category_id)
    events.move_category(category, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(url_for("setup.categories", event_id=event_id))


@bp.route("/events/<int:event_id>/categories/<int:category_id>/delete", methods=["POST"])
def delete_category(event_id: int, category_id: int):
    """Delete an unused heading."""
    category = _owned(Category, category_id)
    target = url_for("setup.categories", event_id=event_id)
    return _save(lambda: events.delete_category(category), "Category deleted.", target) or redirect(target)
