"""WSGI entry point for production servers: `gunicorn wsgi:app` (see docs/deployment.md)."""

from facilitator import create_app

app = create_app()
