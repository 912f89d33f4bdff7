"""What every set-up page shares: the secretariat guard, loading a part of the event, saving a change, and the
people rows of the programme and workshop forms."""

from flask import abort, flash, g, redirect, request
from flask_login import current_user

from ..extensions import db, login_manager
from ..models import Event, PersonRole
from ..services import events
from ..services.access import can_create_event, is_secretariat
from ..services.accounts import get_user
from . import bp


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


def owned(model, object_id: int):
    """Load a part of g.event by id; parts of other events are 404, not someone else's to edit."""
    obj = db.session.get(model, object_id)
    event_id = obj.event_id if obj is not None else None
    if obj is None or event_id != g.event.id:
        abort(404)
    return obj


def save(action, success: str, target):
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


def save_form(form, action, success: str, target):
    """An add or edit page: a valid submit is saved as `save` does; None shows the page (again, with its errors)."""
    return save(action, success, target) if form.validate_on_submit() else None


def form_fields(form, names):
    return {name: getattr(form, name).data for name in names}


BLANK_PEOPLE_ROWS = 2


def fill_people(rows, people: list, default_role: PersonRole) -> None:
    """Show one row per person, then blank rows to add more (only on GET: a POST keeps what was typed)."""
    if request.method != "GET":
        return
    for position, person in enumerate(people):
        rows.append_entry({"order": position + 1, "role": person.role.value, "name": person.name,
                           "title": person.title, "organisation": person.organisation,
                           "user": person.user.username if person.user else ""})
    for position in range(len(people), len(people) + BLANK_PEOPLE_ROWS):
        rows.append_entry({"order": position + 1, "role": default_role.value})


def typed_people(rows) -> list[dict]:
    """The rows typed on the page, sorted by their order; an unknown account is refused."""
    ordered = sorted(enumerate(rows.data), key=lambda pair: (pair[1]["order"] is None, pair[1]["order"] or 0, pair[0]))
    people = []
    for index, row in ordered:
        user = get_user(row["user"]) if row["user"] else None
        if row["user"] and user is None:
            raise events.SetupError(f"There is no account {row['user']!r} (people, row {index + 1}).")
        people.append({**row, "user": user})
    return people
