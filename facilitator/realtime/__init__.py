"""Socket.IO: handlers for client events, and broadcasting committed changes to rooms."""


def register_handlers() -> None:
    """Importing the handler modules registers their `@socketio.on` handlers."""
    from . import capture, connection, statements, voting  # noqa: F401
