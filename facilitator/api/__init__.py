"""JSON HTTP API for scripts and integrations: the same reads and mutations as the socket protocol."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from . import routes  # noqa: E402,F401
