"""The plenary feedback pages: synthesis for moderators, projector view, and dot voting for participants."""

from flask import Blueprint

bp = Blueprint("plenary", __name__)

from . import routes  # noqa: E402,F401
