"""Pages every signed-in user sees: home and the event overview."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from . import routes  # noqa: E402,F401
