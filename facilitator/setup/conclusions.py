"""Secretariat page for the conclusions: the sections statements go under, and how they are numbered."""

from flask import flash, g, redirect, render_template, request, url_for

from ..extensions import db
from ..models import ConclusionSection
from ..services import conclusions
from ..services.conclusions import statement_counts
from . import bp
from .common import owned, save, save_form
from .forms import ConclusionSectionForm


def _target(event_id: int) -> str:
    return url_for("setup.conclusion_sections", event_id=event_id)


@bp.route("/events/<int:event_id>/conclusions", methods=["GET", "POST"])
def conclusion_sections(event_id: int):
    """List the conclusion sections with their statement counts, and add one."""
    form = ConclusionSectionForm()
    if response := save_form(form, lambda: conclusions.add_section(g.event, form.heading.data), "Section added.",
                             _target(event_id)):
        return response
    return render_template("setup/conclusions.html", form=form, event=g.event, counts=statement_counts(g.event))


@bp.route("/events/<int:event_id>/conclusions/<int:section_id>/rename", methods=["POST"])
def rename_conclusion_section(event_id: int, section_id: int):
    """Change a section's heading; its statements stay in it."""
    section = owned(ConclusionSection, section_id)
    form = ConclusionSectionForm()
    if not form.validate_on_submit():
        flash("A section needs a heading of at most 300 characters.", "error")
        return redirect(_target(event_id))
    return (save(lambda: conclusions.rename_section(section, form.heading.data), "Section renamed.", _target(event_id))
            or redirect(_target(event_id)))


@bp.route("/events/<int:event_id>/conclusions/<int:section_id>/move", methods=["POST"])
def move_conclusion_section(event_id: int, section_id: int):
    """Move a section up or down."""
    section = owned(ConclusionSection, section_id)
    conclusions.move_section(section, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(_target(event_id))


@bp.route("/events/<int:event_id>/conclusions/<int:section_id>/delete", methods=["POST"])
def delete_conclusion_section(event_id: int, section_id: int):
    """Delete a section that holds no statements."""
    section = owned(ConclusionSection, section_id)
    return save(lambda: conclusions.delete_section(section), "Section deleted.", _target(event_id)) or redirect(
        _target(event_id))


@bp.route("/events/<int:event_id>/conclusions/numbering", methods=["POST"])
def conclusion_numbering(event_id: int):
    """Number statements per section, or on across sections."""
    continuous = request.form.get("numbering") == "continuous"
    message = "Statements are now numbered across sections." if continuous else \
        "Statements are now numbered per section."
    return save(lambda: conclusions.set_numbering(g.event, continuous), message, _target(event_id)) or redirect(
        _target(event_id))
