"""The secretariat's report page: preview, editable texts, house template, and downloads."""

import re

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from ..extensions import db
from ..models import Event
from ..services.access import is_secretariat
from ..services.report import (
    export_csv,
    export_rows,
    house_template,
    remove_house_template,
    replace_house_template,
    report_data,
)
from .docx_report import TemplateError, build_report

bp = Blueprint("reports", __name__)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class TemplateForm(FlaskForm):
    file = FileField("House template (.docx)", validators=[FileRequired()])


def _event(event_id: int) -> Event:
    event = db.session.get(Event, event_id) or abort(404)
    if not is_secretariat(current_user, event):
        abort(403)
    return event


def _filename(event: Event, extension: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", event.title).strip("-")[:60] or f"event-{event.id}"
    return f"{slug}-outcome-report.{extension}" if extension == "docx" else f"{slug}-items.{extension}"


def _key_points_only() -> bool:
    return request.args.get("scope") == "key"


@bp.route("/events/<int:event_id>/report")
@login_required
def report(event_id: int):
    """Preview of the report as it will be downloaded, with the texts the secretariat writes."""
    event = _event(event_id)
    return render_template("reports/report.html", event=event, report=report_data(event, _key_points_only()),
                           key_points_only=_key_points_only(), template=house_template(event),
                           template_form=TemplateForm())


@bp.route("/events/<int:event_id>/report/texts", methods=["POST"])
@login_required
def save_texts(event_id: int):
    """Save the introduction, disclaimer, conclusions and session summaries in one go."""
    event = _event(event_id)
    for field in ("introduction", "disclaimer", "conclusions"):
        if field in request.form:
            setattr(event, field, request.form[field].strip())
    for entry in event.programme_sessions:
        key = f"summary-{entry.id}"
        if key in request.form:
            entry.summary = request.form[key].strip()
    db.session.commit()
    flash("Report texts saved.", "success")
    return redirect(url_for("reports.report", event_id=event.id, scope=request.args.get("scope")))


@bp.route("/events/<int:event_id>/report/template", methods=["POST"])
@login_required
def upload_template(event_id: int):
    """Use an organisation's .docx for the report's styles, headers and footers, once it passed the checks."""
    event = _event(event_id)
    form = TemplateForm()
    if not form.validate_on_submit():
        flash("Choose a .docx file to upload.", "error")
        return redirect(url_for("reports.report", event_id=event.id))
    try:
        replace_house_template(event, form.file.data.filename, form.file.data.read())
    except TemplateError as error:
        db.session.rollback()
        flash(f"This template was not accepted; the report keeps its current styles. {error}", "error")
    else:
        db.session.commit()
        flash("The report now uses this template.", "success")
    return redirect(url_for("reports.report", event_id=event.id))


@bp.route("/events/<int:event_id>/report/template/delete", methods=["POST"])
@login_required
def delete_template(event_id: int):
    """Go back to facilitator's own report styles."""
    event = _event(event_id)
    remove_house_template(event)
    db.session.commit()
    flash("The report uses facilitator's own styles again.", "success")
    return redirect(url_for("reports.report", event_id=event.id))


@bp.route("/events/<int:event_id>/report.docx")
@login_required
def download_docx(event_id: int):
    """The outcome report as a Word document, built now from what was captured."""
    event = _event(event_id)
    report, template = report_data(event, _key_points_only()), house_template(event)
    try:
        data = build_report(report, template.data if template else None)
    except TemplateError as error:  # stored before uploads were checked: the report must still download
        current_app.logger.warning("House template of event %s refused at build: %s", event.id, error)
        flash(f"The house template {template.filename} can no longer be used, so the report was built with "
              f"facilitator's own styles. {error}", "error")
        data = build_report(report)
    return Response(data, mimetype=DOCX,
                    headers={"Content-Disposition": f'attachment; filename="{_filename(event, "docx")}"'})


@bp.route("/events/<int:event_id>/items.csv")
@login_required
def download_csv(event_id: int):
    """Every item with room, workshop, round, category, author and times, for a spreadsheet."""
    event = _event(event_id)
    return Response(export_csv(event), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(event, "csv")}"'})


@bp.route("/events/<int:event_id>/items.json")
@login_required
def download_json(event_id: int):
    """Every item as JSON, for scripts."""
    event = _event(event_id)
    response = jsonify(event={"id": event.id, "title": event.title}, items=export_rows(event))
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(event, "json")}"'
    return response
