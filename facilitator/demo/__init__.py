"""The demo conference (EMN 2016) and one account per role, for trying facilitator out."""

from __future__ import annotations

from importlib.resources import files

import sqlalchemy as sa

from ..extensions import db
from ..models import Event, Role
from ..services.accounts import assign, create_user, get_user
from ..services.events import event_rooms
from ..services.programme import import_programme
from ..services.suggestions import Vocabulary, read_vocabulary

DEMO_FILE = "emn-2016.yaml"
VOCABULARY_FILE = "vocabulary.yaml"  # the demo subject's synonyms for the plenary's merge suggestions
# (username, password, role, what it may do); passwords are public: the demo binds to 127.0.0.1 only.
DEMO_ACCOUNTS = [
    ("secretariat", "secretariat-demo", Role.SECRETARIAT, "sets up the event, people and the report"),
    ("moderator", "moderator-demo", Role.MODERATOR, "runs the boards and the plenary"),
    ("rapporteur", "rapporteur-demo", Role.RAPPORTEUR, "writes in Workshop 1 (both rounds)"),
    ("viewer", "viewer-demo", Role.VIEWER, "reads the boards"),
]


def demo_programme() -> str:
    return files(__package__).joinpath(DEMO_FILE).read_text(encoding="utf-8")


def demo_vocabulary() -> Vocabulary:
    """The demo subject's words for the merge suggestions (no code names a subject: it lives here)."""
    return read_vocabulary(str(files(__package__).joinpath(VOCABULARY_FILE)))


def load_demo() -> Event:
    """Import the demo event and its accounts unless they are already there; safe to call on every start."""
    event = db.session.scalar(sa.select(Event).where(Event.title == "European Conference 2016").limit(1))
    if event is None:
        event = import_programme(demo_programme())
    for username, password, role, _ in DEMO_ACCOUNTS:
        user = get_user(username) or create_user(username, password, name=f"Demo {role.value}")
        if role is Role.RAPPORTEUR:
            for room in event_rooms(event):
                if room.workshop is not None and room.workshop.number == 1:
                    assign(user, event, role, room)
        else:
            assign(user, event, role)
    db.session.commit()
    return event
