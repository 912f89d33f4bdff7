"""Secretariat pages: create and set up an event, its programme, rooms, categories and people.

Every route here is guarded by `common._guard`, so a new route cannot forget the check.
"""

from flask import Blueprint

bp = Blueprint("setup", __name__, url_prefix="/setup")

from . import common, conclusions, event, people, programme, workshops  # noqa: E402,F401
