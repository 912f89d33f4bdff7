"""Fault injection for the reliability drills (docs/reliability.md). Off unless the variable is set.

FACILITATOR_FAULT_CRASH_AFTER_COMMIT=N kills the server process right after the Nth committed mutation,
before its ack is sent: the worst moment for a client, which must resend and still save it once.
"""

import os
import threading

_lock = threading.Lock()
_committed = 0


def after_commit() -> None:
    """Called after a mutation is committed and before its ack; crashes when the drill asks for it."""
    global _committed
    limit = os.environ.get("FACILITATOR_FAULT_CRASH_AFTER_COMMIT")
    if not limit:
        return
    with _lock:
        _committed += 1
        if _committed >= int(limit):
            os._exit(70)
