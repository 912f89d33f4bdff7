"""facilitator: workshop facilitation and outcome capture for conferences and expert meetings.

This module imports nothing heavy: `facilitator run` serves under gevent, which must patch the standard
library before Flask, SQLAlchemy, psycopg or redis create their locks and sockets (see __main__.py).
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def create_app(*args, **kwargs):
    """Build the app (facilitator/app.py)."""
    from .app import create_app as build

    return build(*args, **kwargs)
