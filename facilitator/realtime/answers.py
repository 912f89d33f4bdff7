"""The wrapper every Socket.IO handler runs in (realtime/capture.py, statements.py, voting.py).

Every handler answers through the ack callback with {"ok": true, ...} or {"ok": false, "error", "message"};
none lets an exception escape, so one bad payload never disturbs the connection or anyone else.
"""

from __future__ import annotations

import functools
import logging

from flask import current_app, request

from ..extensions import db
from ..services.protocol import Refusal
from ..services.throttle import EVENTS_PER_SOCKET, SNAPSHOTS_PER_SOCKET, Budget, limiter

log = logging.getLogger(__name__)


def answers(handler=None, *, snapshot: bool = False):
    """Turn refusals into error answers and unexpected failures into a logged, rolled-back server_error.

    Every event spends from its socket's budget; events that answer with snapshots (`snapshot=True`) also
    from a tighter one per socket and one per address, so a flood of joins is refused before it costs anything.
    """
    if handler is None:
        return functools.partial(answers, snapshot=snapshot)

    @functools.wraps(handler)
    def wrapper(*args):
        try:
            wait = limiter().spend(*_budgets(snapshot))
            if wait:
                return {"ok": False, "error": "rate_limited", "retry_after": wait,
                        "message": f"Too many messages; nothing was done. Send it again in {wait} s."}
            return handler(*args)
        except Refusal as error:
            db.session.rollback()
            return error.answer
        except Exception:
            log.exception("socket handler %s failed", handler.__name__)
            db.session.rollback()
            return {"ok": False, "error": "server_error", "message": "The server could not do this; nothing was saved."}

    return wrapper


def _budgets(snapshot: bool) -> list[tuple[Budget, str]]:
    budgets = [(EVENTS_PER_SOCKET, request.sid)]
    if snapshot:
        per_address = Budget("snapshots-address", current_app.config["SNAPSHOTS_PER_ADDRESS_PER_MINUTE"], 60)
        budgets += [(SNAPSHOTS_PER_SOCKET, request.sid), (per_address, request.remote_addr or "unknown")]
    return budgets
