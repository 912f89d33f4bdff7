"""Secretariat pages for people: accounts and who does what in the event."""

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, url_for
from wtforms import SelectChoice

from ..extensions import db
from ..models import Assignment, Role, Room, User
from ..services.accounts import AccountError, assign, create_user, get_user, unassign
from ..services.events import event_rooms
from . import bp
from .common import owned
from .forms import AssignmentForm, UserForm


def _assignment_form() -> AssignmentForm:
    form = AssignmentForm(prefix="assign")
    form.room.choices = [SelectChoice(0, "Whole event")] + [
        SelectChoice(room.id, room.label) for room in event_rooms(g.event)
    ]
    return form


def _page(user_form: UserForm, assignment_form: AssignmentForm, status: int = 200):
    assignments = db.session.scalars(
        sa.select(Assignment)
        .join(Assignment.user)
        .where(Assignment.event_id == g.event.id)
        .order_by(Assignment.role, User.username)
    ).all()
    return render_template(
        "setup/people.html", event=g.event, assignments=assignments, user_form=user_form,
        assignment_form=assignment_form,
    ), status


def _apply(action, success: str):
    try:
        action()
    except AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
        return False
    db.session.commit()
    flash(success, "success")
    return True


@bp.route("/events/<int:event_id>/people")
def people(event_id: int):
    """Who has which role in the event, with forms to add accounts and roles."""
    return _page(UserForm(prefix="user"), _assignment_form())


@bp.route("/events/<int:event_id>/people/users", methods=["POST"])
def add_user(event_id: int):
    """Create an account (it has no role until one is assigned)."""
    form = UserForm(prefix="user")
    if form.validate_on_submit():
        data = form.data
        if _apply(
            lambda: create_user(data["username"], data["password"], data["name"], data["email"]),
            f"Account {data['username']!r} created. Now give it a role below.",
        ):
            return redirect(url_for("setup.people", event_id=event_id))
    return _page(form, _assignment_form(), 422)


@bp.route("/events/<int:event_id>/people/assignments", methods=["POST"])
def add_assignment(event_id: int):
    """Give an existing account a role in the event or in one room."""
    form = _assignment_form()
    if form.validate_on_submit():
        user = get_user(form.username.data)
        if user is None:
            flash(f"There is no account {form.username.data!r}; create it first.", "error")
        else:
            room = owned(Room, form.room.data) if form.room.data else None
            role = Role(form.role.data)
            if _apply(lambda: assign(user, g.event, role, room), f"{user.display_name} is now {role.value}."):
                return redirect(url_for("setup.people", event_id=event_id))
    return _page(UserForm(prefix="user"), form, 422)


@bp.route("/events/<int:event_id>/people/assignments/<int:assignment_id>/delete", methods=["POST"])
def delete_assignment(event_id: int, assignment_id: int):
    """Take a role away (the account itself stays)."""
    assignment = owned(Assignment, assignment_id)
    _apply(lambda: unassign(assignment), "Role removed.")
    return redirect(url_for("setup.people", event_id=event_id))

