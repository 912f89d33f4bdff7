"""Socket.IO handler of the plenary's dot voting (docs/protocol.md)."""

from __future__ import annotations

from flask import session

from ..extensions import socketio
from ..grants import BALLOT
from ..services import voting
from ..services.protocol import Refusal, invalid
from .answers import answers
from .broadcast import emit_tally
from .statements import readable_event


def ballot() -> str:
    """This device's ballot, made by the voting page (an HTTP response can set the cookie; a socket cannot)."""
    if BALLOT not in session:
        raise Refusal("no_ballot", "Open the voting page again to get your ballot.")
    return session[BALLOT]


@socketio.on("vote")
@answers
def on_vote(data):
    """Voting page (participants with the join code, or people of the event): add or take back one dot."""
    event = readable_event(data)
    action = data.get("action")
    if action == "add":
        answer = voting.cast_vote(event, ballot(), data)
    elif action == "remove":
        answer = voting.withdraw_vote(event, ballot(), data)
    else:
        raise invalid("action: 'add' or 'remove'", "action")
    emit_tally(voting.tally(event))
    return answer
