"""Capture pages for rapporteurs and projector boards for everyone in the room."""

from flask import Blueprint

bp = Blueprint("capture", __name__)

from . import offline, routes  # noqa: E402,F401
