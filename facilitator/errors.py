"""Error pages: a clear message for people, JSON for API and socket clients, never a stack trace."""

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .services.text import UNSTORABLE, problem


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _unstorable_field() -> tuple[str, str] | None:
    """The first query parameter, form field or upload name holding a character that cannot be stored."""
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            wrong = problem(name) or problem(value)
            if wrong:
                return UNSTORABLE.sub("\ufffd", name), wrong
    for name, upload in request.files.items(multi=True):
        wrong = problem(upload.filename or "")
        if wrong:
            return name, f"file name {wrong}"
    return None


def _message(error: HTTPException) -> str | None:
    """What to tell the client when the error says more than its class's stock text (None when it does not)."""
    if error.code == 413:
        limit, size = current_app.config.get("MAX_CONTENT_LENGTH"), request.content_length
        if limit and (size is None or size > limit):  # else one form field over MAX_FORM_MEMORY_SIZE: stock text
            return (f"This upload is larger than the limit of {limit / (1024 * 1024):g} MB. "
                    "Choose a smaller file and try again; nothing was saved.")
    if error.description != type(error).description:
        return error.description  # e.g. abort(403, "...") with a reason
    return None


def register_error_handlers(app: Flask) -> None:
    @app.before_request
    def refuse_unstorable_input():
        """Every form and query string at once (services/text.py): a clear refusal naming the field, never a 500."""
        found = _unstorable_field()
        if found is None:
            return None
        name, wrong = found
        message = f"The field “{name}” {wrong}. Nothing was saved."
        if wants_json():
            return jsonify(ok=False, error="invalid", field=name, message=message), 400
        return render_template("errors/error.html", code=400, title="Not saved",
                               message=message + " Go back: what you typed is still in the form."), 400

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        """A form posted without a valid token: usually a page left open from before a restart."""
        message = "This form has expired or was not sent from facilitator. Go back, reload the page and try again."
        if wants_json():
            return jsonify(ok=False, error="csrf", message=message), 400
        return render_template("errors/error.html", code=400, title="Form expired", message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        """Every HTTP error gets the same friendly page (or JSON body)."""
        message = _message(error)
        if wants_json():
            error_key = error.name.lower().replace(" ", "_")
            return jsonify(ok=False, error=error_key, message=message or error.description), error.code
        titles = {403: "Not allowed", 404: "Not found"}
        messages = {
            403: "Your account does not have access to this page. Ask the event's secretariat if you need it.",
            404: "There is nothing at this address. It may have been removed, or the link is mistyped.",
        }
        return (
            render_template(
                "errors/error.html",
                code=error.code,
                title=titles.get(error.code, error.name),
                message=message or messages.get(error.code, error.description),
            ),
            error.code,
        )

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        """Log the bug, roll back anything half-done, and tell the user nothing was saved."""
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("Unhandled error on %s", request.path)
        db.session.rollback()
        message = "Something went wrong on the server; nothing from this request was saved. Please try again."
        if wants_json():
            return jsonify(ok=False, error="server_error", message=message), 500
        return render_template("errors/error.html", code=500, title="Server error", message=message), 500
