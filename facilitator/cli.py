"""The `facilitator` command: run the server, manage the database, users and programme files."""

from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, routes_command, shell_command
from flask_migrate import upgrade

from . import create_app
from .app import settle_for_serving
from .extensions import db, socketio


def _create_app(*_args, **_kwargs):
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False)
def main():
    """facilitator: workshop facilitation and outcome capture."""


main.add_command(shell_command)
main.add_command(routes_command)


@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--demo", is_flag=True, help="Load the demo conference, its accounts and its vocabulary.")
def run_command(host: str, port: int, demo: bool):
    """Migrate the database, optionally load the demo, and serve the app (HTTP and Socket.IO)."""
    app = current_app._get_current_object()
    upgrade()
    if demo:
        from .demo import DEMO_ACCOUNTS, demo_vocabulary, load_demo

        event = load_demo()
        if not app.config.get("SUGGESTIONS_VOCABULARY"):  # the demo's subject, for the merge suggestions
            app.extensions["suggestions_vocabulary"] = demo_vocabulary()
        click.echo(f"\nDemo event loaded: {event.title}")
        click.echo("Demo logins (username / password):")
        for username, password, role, does in DEMO_ACCOUNTS:
            click.echo(f"  {username:<12} / {password:<18} {role.value}: {does}")
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    click.echo(f"\nfacilitator is running at http://{shown_host}:{port}/  (Ctrl+C to stop)")
    click.echo(f"Database: {db.engine.url.render_as_string(hide_password=True)}\n")
    # Flask's app.run() refuses to start under its own CLI (FLASK_RUN_FROM_CLI); this command is the server.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    settle_for_serving()
    try:
        # gevent's WSGI server (the entry point, __main__.py, has monkey-patched for it).
        socketio.run(app, host=host, port=port, use_reloader=False, log_output=False)
    except OSError as error:
        click.echo(f"Cannot listen on {host}:{port}: {error.strerror}. Try another --port.", err=True)
        sys.exit(1)


@main.command("create-user")
@click.argument("username")
@click.option("--name", default="", help="Full name shown to others.")
@click.option("--email", default=None)
@click.option("--admin", is_flag=True, help="Site administrator: may create events and open all of them.")
@click.password_option(help="Prompted for when not given.")
def create_user_command(username: str, name: str, email: str | None, admin: bool, password: str):
    """Create an account (give it roles on the event's People page)."""
    from .services.accounts import AccountError, create_user

    try:
        create_user(username, password, name=name, email=email, is_admin=admin)
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {'admin ' if admin else ''}user {username!r}.")


@main.command("import-programme")
@click.argument("path", type=click.File("rb"))
def import_programme_command(path):
    """Create an event from a programme file (docs/programme-format.md)."""
    from .services.events import event_rooms
    from .services.programme import ProgrammeError, import_programme

    try:
        event = import_programme(path.read())
    except ProgrammeError as error:
        db.session.rollback()
        lines = "\n".join(f"  {place or '(file)'}: {message}" for place, message in error.errors)
        raise click.ClickException(f"{path.name} was not imported:\n{lines}") from None
    db.session.commit()
    click.echo(f"Imported event {event.id}: {event.title} ({len(event_rooms(event))} rooms).")


@main.command("export-programme")
@click.argument("event_id", type=int)
@click.argument("path", type=click.File("w", encoding="utf-8"), default="-")
def export_programme_command(event_id: int, path):
    """Write an event's programme file (to PATH, or standard output)."""
    from .models import Event
    from .services.programme import export_programme

    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"There is no event {event_id}.")
    path.write(export_programme(event))
