"""The secretariat's report page: preview, editable texts, house template, and downloads."""

import re

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from ..extensions import db, socketio
from ..models import Event
from ..services.access import is_secretariat
from ..services.protocol import Refusal
from ..services.report.data import report_data
from ..services.report.exports import export_csv, export_rows
from ..services.report.settings import CHOICES, FRONT_TEXTS, report_settings, update_report_options
from ..services.report.templates import house_template, remove_house_template, replace_house_template
from ..services.report.texts import report_texts, save_text, set_text, text_versions
from ..writer.pdf import NOT_INSTALLED, PdfJobs, available
from ..writer.report import TemplateError, build_report

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
    return f"{slug}-outcome-report.{extension}" if extension in ("docx", "pdf") else f"{slug}-items.{extension}"


def _key_points_only() -> bool:
    return request.args.get("scope") == "key"


def _with_votes() -> bool:
    """Dot totals of the plenary vote go in the report only when asked."""
    return request.args.get("votes") == "1"


def _mode(value=None) -> str | None:
    """The mode a download asks for ("draft" or "final"); None: the event's report settings say."""
    value = request.args.get("mode") if value is None else value
    return value if value in CHOICES["mode"] else None


def _build(event: Event, key_points_only: bool, with_votes: bool, mode: str | None) -> bytes:
    """The .docx as it would be downloaded now, in the house template if it still passes the checks."""
    report, template = report_data(event, key_points_only, with_votes=with_votes, mode=mode), house_template(event)
    try:
        return build_report(report, template.data if template else None)
    except TemplateError as error:  # stored before uploads were checked: the report must still download
        current_app.logger.warning("House template of event %s refused at build: %s", event.id, error)
        flash(f"The house template {template.filename} can no longer be used, so the report was built with "
              f"facilitator's own styles. {error}", "error")
        return build_report(report)


def _page(event: Event, drafts: dict[str, str] | None = None, conflicts: dict[str, dict] | None = None):
    template = house_template(event)
    pdf_job = _pdf_jobs().get(event.id, request.args.get("pdf", "")) if request.args.get("pdf") else None
    return render_template("reports/report.html", event=event,
                           report=report_data(event, _key_points_only(), with_votes=_with_votes()),
                           key_points_only=_key_points_only(), with_votes=_with_votes(), template=template,
                           settings=report_settings(event), choices=CHOICES, front_texts=FRONT_TEXTS,
                           template_form=TemplateForm(),
                           texts={**report_texts(event), **(drafts or {})}, versions=text_versions(event),
                           conflicts=conflicts or {}, pdf_job=pdf_job,
                           pdf_missing=None if available(current_app.config["SOFFICE_PATH"]) else NOT_INSTALLED)


@bp.route("/events/<int:event_id>/report")
@login_required
def report(event_id: int):
    """Preview of the report as it will be downloaded, with the texts the secretariat writes."""
    return _page(_event(event_id))


@bp.route("/events/<int:event_id>/report/texts", methods=["POST"])
@login_required
def save_texts(event_id: int):
    """Save the page's texts in one go (the page without JavaScript; with it, each text saves by itself).
    A text someone else saved meanwhile is not overwritten: the page comes back with both."""
    event = _event(event_id)
    drafts, conflicts = {}, {}
    for field in report_texts(event):
        if field not in request.form:
            continue
        base = request.form.get(f"version-{field}", type=int)
        try:
            if base is None:  # a form from before texts had versions
                set_text(event, field, request.form[field], current_user)
                continue
            answer = save_text(current_user, event, field, request.form[field], base)
        except Refusal as refusal:
            answer = refusal.answer
        if not answer["ok"]:
            drafts[field], conflicts[field] = request.form[field], answer
    db.session.commit()
    if conflicts:
        flash("Some texts were not saved: see the notes beside them.", "error")
        return _page(event, drafts, conflicts), 409
    flash("Report texts saved.", "success")
    return redirect(url_for("reports.report", event_id=event.id, scope=request.args.get("scope")))


@bp.route("/events/<int:event_id>/report/texts/<field>", methods=["POST"])
@login_required
def save_one_text(event_id: int, field: str):
    """Save one text: JSON {text, base_version}; answers ok with the new version, or a conflict with the
    text someone else saved (409)."""
    event = _event(event_id)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(ok=False, error="invalid", message="Send a JSON object with text and base_version."), 400
    try:
        answer = save_text(current_user, event, field, data.get("text"), data.get("base_version"))
    except Refusal as refusal:
        db.session.rollback()
        return jsonify(refusal.answer), 404 if refusal.answer.get("field") == "field" else 400
    db.session.commit()
    return jsonify(answer), 200 if answer["ok"] else 409


@bp.route("/events/<int:event_id>/report/settings", methods=["POST"])
@login_required
def save_settings(event_id: int):
    """Save how the report is written: draft or final, the grouping of outcomes, numbering, the annex."""
    event = _event(event_id)
    try:
        update_report_options(event, request.form)
    except Refusal as refusal:
        db.session.rollback()
        flash(refusal.answer["message"], "error")
    else:
        db.session.commit()
        flash("Report settings saved.", "success")
    return redirect(url_for("reports.report", event_id=event.id, _anchor="settings-heading"))


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
    """The outcome report as a Word document, built now from what was captured; `mode` (draft or final)
    overrides the report settings."""
    event = _event(event_id)
    data = _build(event, _key_points_only(), _with_votes(), _mode())
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


# PDF ---------------------------------------------------------------------------------------------------


def _pdf_jobs() -> PdfJobs:
    """This process's PDF conversions, made on first use."""
    jobs = current_app.extensions.get("facilitator.pdf")
    if jobs is None:
        jobs = current_app.extensions["facilitator.pdf"] = PdfJobs(
            current_app.config["SOFFICE_PATH"], current_app.config["PDF_TIMEOUT_SECONDS"],
            socketio.start_background_task)
    return jobs


def _pdf_status(event: Event, job) -> dict:
    answer = {"ok": job.state != "failed", **job.as_dict(),
              "status_url": url_for("reports.pdf_status", event_id=event.id, job=job.key)}
    if job.state == "done":
        answer["download_url"] = url_for("reports.download_pdf", event_id=event.id, job=job.key)
    if job.state == "failed":
        answer["error"] = "conversion_failed"
    return answer


@bp.route("/events/<int:event_id>/report.pdf", methods=["POST"])
@login_required
def make_pdf(event_id: int):
    """Start converting the report (as the .docx download would be now) to PDF, in the background."""
    event = _event(event_id)
    wants_json = request.is_json
    if not available(current_app.config["SOFFICE_PATH"]):
        if wants_json:
            return jsonify(ok=False, error="unavailable", message=NOT_INSTALLED), 503
        flash(NOT_INSTALLED, "error")
        return redirect(url_for("reports.report", event_id=event.id))
    options = (request.get_json(silent=True) or {}) if wants_json else request.form
    key_only, votes = options.get("scope") == "key", options.get("votes") in ("1", True)
    data = _build(event, key_only, votes, _mode(options.get("mode", "")))
    job = _pdf_jobs().request(event.id, data)
    if wants_json:
        return jsonify(_pdf_status(event, job)), 202
    return redirect(url_for("reports.report", event_id=event.id, pdf=job.key, scope="key" if key_only else None,
                            votes="1" if votes else None, _anchor="pdf"))


@bp.route("/events/<int:event_id>/report.pdf/status")
@login_required
def pdf_status(event_id: int):
    """Where a conversion is: pending, done (with the download address) or failed (with the reason)."""
    event = _event(event_id)
    job = _pdf_jobs().get(event.id, request.args.get("job", ""))
    if job is None:
        return jsonify(ok=False, error="not_found",
                       message="This PDF is no longer on the server (it may have restarted): ask for it again."), 404
    return jsonify(_pdf_status(event, job))


@bp.route("/events/<int:event_id>/report.pdf")
@login_required
def download_pdf(event_id: int):
    """A finished conversion's PDF."""
    event = _event(event_id)
    job = _pdf_jobs().get(event.id, request.args.get("job", ""))
    if job is None or job.state != "done":
        abort(404)
    return Response(job.pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(event, "pdf")}"'})
