"""Set-up pages of the event itself: its details and the categories items go under (conclusion sections are
in conclusions.py)."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..models import Category
from ..services import events
from . import bp
from .common import form_fields, owned, save, save_form
from .forms import CategoryForm, EventForm


@bp.route("/events/new", methods=["GET", "POST"])
def new_event():
    """Create an empty event with the default categories."""
    form = EventForm()
    if response := save_form(
        form,
        lambda: events.create_event(creator=current_user, **form_fields(form, EventForm.FIELDS)),
        "Event created. Add its programme, workshops and rounds.",
        lambda event: url_for("main.event", event_id=event.id),
    ):
        return response
    return render_template("setup/event_form.html", form=form, event=None)


@bp.route("/events/<int:event_id>/settings", methods=["GET", "POST"])
def edit_event(event_id: int):
    """Edit the event's details and report texts."""
    form = EventForm(obj=g.event)
    if response := save_form(form, lambda: events.update_event(g.event, **form_fields(form, EventForm.FIELDS)),
                             "Event details saved.", url_for("setup.edit_event", event_id=event_id)):
        return response
    return render_template("setup/event_form.html", form=form, event=g.event)


# Categories -----------------------------------------------------------------------------------------


@bp.route("/events/<int:event_id>/categories", methods=["GET", "POST"])
def categories(event_id: int):
    """List the headings items go under, and add one."""
    form = CategoryForm()
    if response := save_form(form, lambda: events.add_category(g.event, form.name.data), "Category added.",
                             url_for("setup.categories", event_id=event_id)):
        return response
    return render_template("setup/categories.html", form=form, event=g.event)


@bp.route("/events/<int:event_id>/categories/<int:category_id>/rename", methods=["POST"])
def rename_category(event_id: int, category_id: int):
    """Rename a heading; items under it keep their place."""
    category = owned(Category, category_id)
    form = CategoryForm()
    target = url_for("setup.categories", event_id=event_id)
    if not form.validate_on_submit():
        flash("A category needs a name of at most 200 characters.", "error")
        return redirect(target)
    renamed = save(lambda: events.rename_category(category, form.name.data), "Category renamed.", target)
    return renamed or redirect(target)


@bp.route("/events/<int:event_id>/categories/<int:category_id>/move", methods=["POST"])
def move_category(event_id: int, category_id: int):
    """Move a heading left or right."""
    category = owned(Category, category_id)
    events.move_category(category, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(url_for("setup.categories", event_id=event_id))


@bp.route("/events/<int:event_id>/categories/<int:category_id>/delete", methods=["POST"])
def delete_category(event_id: int, category_id: int):
    """Delete an unused heading."""
    category = owned(Category, category_id)
    target = url_for("setup.categories", event_id=event_id)
    return save(lambda: events.delete_category(category), "Category deleted.", target) or redirect(target)
