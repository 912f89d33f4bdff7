"""docs/protocol.md is what third-party clients are written from: its examples must have the server's shape."""

import json
import re
import uuid
from pathlib import Path

from facilitator.services.events import event_rooms

PROTOCOL = (Path(__file__).resolve().parent.parent / "docs" / "protocol.md").read_text(encoding="utf-8")


def _example(heading: str) -> dict:
    """The first JSON example under a heading of docs/protocol.md."""
    section = PROTOCOL.split(heading + "\n", 1)[1]
    return json.loads(re.search(r"```json\n(.*?)```", section, flags=re.S).group(1))


def test_the_item_and_statement_examples_have_the_fields_the_server_sends(client, login, socket_client, demo_event):
    login(client, "moderator", "moderator-demo")
    sock = socket_client(client)
    room = event_rooms(demo_event)[0]
    item = sock.emit("mutate", {"room": room.id, "op": "create", "mutation_id": str(uuid.uuid4()),
                                "item": str(uuid.uuid4()), "category": "challenge", "text": "An item"})["item"]
    statement = sock.emit("plenary:mutate", {"event": demo_event.id, "op": "create", "mutation_id": str(uuid.uuid4()),
                                             "statement": str(uuid.uuid4()), "text": "A statement",
                                             "section": "recommendation", "items": [item["id"]]})["statement"]

    assert set(_example("## Item")) == set(item)
    assert set(_example("### Statement")) == set(statement)


def test_the_summary_example_has_the_fields_the_server_sends(client, login, socket_client, demo_event):
    login(client, "moderator", "moderator-demo")
    room = event_rooms(demo_event)[0]
    summary = socket_client(client).emit("mutate", {"room": room.id, "op": "summary", "mutation_id": str(uuid.uuid4()),
                                                    "base_version": 0, "text": "A narrative"})["summary"]

    assert set(_example("## Summary")) == set(summary)
