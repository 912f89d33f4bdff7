"""The capture page and the board in a real browser (Debian's chromium), against a real demo server.

What is checked is what a rapporteur or a viewer would notice (texts on screen, the save status), and what
the server really stored, read back through the JSON API.
"""

from __future__ import annotations

import os
import re
import uuid
from collections import Counter

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the conftest explains it, or fails in CI
    if os.environ.get("FACILITATOR_REQUIRE_BROWSER"):
        raise
    pytest.skip("the playwright package is not installed (pip install -e '.[test]')", allow_module_level=True)

from .conftest import api_items

CATEGORIES = ["challenge", "best_practice", "recommendation"]

# Records what a page would do behind the user's back: CSP violations (reported even when nothing is logged).
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


def save_status(page):
    return page.locator("#save-status")


def open_capture(page, live_server, room: int):
    page.goto(live_server.url(f"/rooms/{room}/capture"))
    expect(save_status(page)).to_have_text("Saved")


def open_board(page, live_server, room: int):
    page.goto(live_server.url(f"/rooms/{room}/board"))
    expect(page.locator("#connection-text")).to_have_text("Live")


def type_item(page, category: str, text: str, *, paste: bool = False):
    """Only the keyboard: focus the category's box, type (or paste, which is quicker), press Enter."""
    page.locator(f"#new-{category}").focus()
    if paste:
        page.keyboard.insert_text(text)
    else:
        page.keyboard.type(text)
    page.keyboard.press("Enter")


def capture_texts(page, category: str):
    return page.locator(f"#column-{category} ol.items li.item .item-text")


def board_texts(page, category: str):
    return page.locator(f".board-column[data-category='{category}'] .board-item-text")


def active(items: list[dict], tag: str = "") -> list[dict]:
    """Active items (with `tag` in their text), in board order: by category, then position."""
    chosen = [i for i in items if i["state"] == "active" and tag in i["text"]]
    return sorted(chosen, key=lambda i: (CATEGORIES.index(i["category"]), i["position"]))


def watch(page) -> dict:
    """Collect dialogs, console errors and page errors of a page."""
    seen = {"dialogs": [], "console": [], "errors": []}

    def on_dialog(dialog):
        seen["dialogs"].append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda msg: seen["console"].append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.add_init_script(WATCH_CSP)
    return seen


def test_keyboard_capture_reaches_the_board_once(login, live_server, rooms):
    room = rooms[0]  # Workshop 1, round 1: this test's alone, so the columns show only its items
    typed = {
        "challenge": ["No single contact point on smuggling in most Member States",
                      "Intelligence from the hotspots reaches investigators too late"],
        "best_practice": ["Joint investigation teams with Europol support",
                          "Liaison officers posted in countries of origin and transit"],
        "recommendation": ["Set up a network of national contact points on smuggling",
                           "Agree on a common template for risk analysis reports"],
    }
    viewer, board = login("viewer")
    open_board(board, live_server, room)
    rapporteur, page = login("rapporteur")
    open_capture(page, live_server, room)

    # The first box is the next stop after the guiding questions (the category tabs are for narrow screens).
    page.locator(".guiding-questions summary").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#new-challenge")).to_be_focused()
    for category, texts in typed.items():
        for text in texts:
            type_item(page, category, text)
            expect(page.locator(f"#new-{category}")).to_have_value("")  # the box is emptied for the next one
            expect(page.locator(f"#new-{category}")).to_be_focused()

    expect(save_status(page)).to_have_text("Saved")
    expect(page.locator("li.item.pending")).to_have_count(0)
    for category, texts in typed.items():
        expect(capture_texts(page, category)).to_have_text(texts)
        expect(board_texts(board, category)).to_have_text(texts)
    expect(page.locator("#column-challenge .column-count")).to_have_text("(2)")

    items = api_items(rapporteur, live_server, room)
    stored = Counter((i["category"], i["text"]) for i in items if i["state"] == "active")
    assert stored == Counter((c, t) for c, texts in typed.items() for t in texts)  # each exactly once
    assert [i["text"] for i in active(items)] == [t for texts in typed.values() for t in texts]
    assert all(i["author"] == "Demo rapporteur" and i["version"] == 1 for i in items)
    # The viewer reads the same through the API.
    assert Counter(i["text"] for i in api_items(viewer, live_server, room)) == Counter(
        t for texts in typed.values() for t in texts)


def test_offline_items_are_sent_once_in_order_when_back_online(login, live_server, rooms):
    room = rooms[1]
    tag = uuid.uuid4().hex[:6]
    texts = [f"Offline note {n:02d} [{tag}]" for n in range(1, 21)]
    edited = f"Offline note 07, corrected while offline [{tag}]"
    viewer, board = login("viewer")
    open_board(board, live_server, room)
    rapporteur, page = login("rapporteur")
    open_capture(page, live_server, room)

    rapporteur.set_offline(True)
    expect(save_status(page)).to_have_text(re.compile(r"^Offline \(0\)$"))
    for text in texts:
        type_item(page, "best_practice", text, paste=True)
    mine = capture_texts(page, "best_practice").filter(has_text=tag)
    expect(mine).to_have_text(texts)  # on screen at once, marked pending
    expect(page.locator("#column-best_practice li.item.pending")).to_have_count(20)
    expect(save_status(page)).to_have_text("Offline (20)")

    # Edit the 7th with the keyboard: select it, Enter opens the editor, Enter saves.
    seventh = page.locator("#column-best_practice li.item").filter(has=page.get_by_text(texts[6], exact=True))
    seventh_id = seventh.get_attribute("data-id")
    seventh.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#edit-{seventh_id}")).to_be_focused()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(edited)
    page.keyboard.press("Enter")
    expected = texts[:6] + [edited] + texts[7:]
    expect(mine).to_have_text(expected)
    expect(save_status(page)).to_have_text("Offline (21)")
    expect(save_status(page)).to_have_attribute("data-state", "offline")
    expect(board_texts(board, "best_practice").filter(has_text=tag)).to_have_count(0)  # nothing went out

    rapporteur.set_offline(False)
    expect(save_status(page)).to_have_text("Saved")
    expect(page.locator("li.item.pending")).to_have_count(0)
    expect(mine).to_have_text(expected)
    expect(board_texts(board, "best_practice").filter(has_text=tag)).to_have_text(expected)
    expect(page.locator(".notice")).to_have_count(0)

    items = active(api_items(rapporteur, live_server, room), tag)
    assert [i["text"] for i in items] == expected  # all 20, once each, in the typed order
    assert all(i["category"] == "best_practice" for i in items)
    assert {i["id"]: i["version"] for i in items}[seventh_id] == 2
    assert page.locator("#column-best_practice li.item").filter(has_text=tag).evaluate_all(
        "lis => lis.map(li => li.dataset.id)") == [i["id"] for i in items]


def test_item_text_is_shown_as_text_and_never_run(login, live_server, rooms):
    room = rooms[1]
    tag = uuid.uuid4().hex[:6]
    hostile = {
        "challenge": f"<img src=x onerror=alert(1)> [{tag}]",
        "best_practice": f"</script><script>alert(1)</script> [{tag}]",
        "recommendation": f"{{{{7*7}}}} [{tag}]",
    }
    viewer, board = login("viewer")
    rapporteur, page = login("rapporteur")
    seen = {"board": watch(board), "capture": watch(page)}
    open_board(board, live_server, room)
    open_capture(page, live_server, room)

    for category, text in hostile.items():
        type_item(page, category, text)
    expect(save_status(page)).to_have_text("Saved")

    def check_shown_literally():
        for category, text in hostile.items():
            expect(capture_texts(page, category).filter(has_text=tag)).to_have_text([text])
            expect(board_texts(board, category).filter(has_text=tag)).to_have_text([text])
        expect(page.locator("#capture ol.items img, #capture ol.items script")).to_have_count(0)
        expect(board.locator("#board .board-items img, #board .board-items script")).to_have_count(0)

    check_shown_literally()
    # Once more as rendered from the server's snapshot (not from what was typed on this page).
    page.reload()
    board.reload()
    expect(save_status(page)).to_have_text("Saved")
    expect(board.locator("#connection-text")).to_have_text("Live")
    check_shown_literally()

    stored = {i["category"]: i["text"] for i in active(api_items(rapporteur, live_server, room), tag)}
    assert stored == hostile
    for name, p in (("board", board), ("capture", page)):
        assert p.evaluate("window.__cspViolations") == [], name
        assert seen[name]["dialogs"] == [], name
        assert seen[name]["errors"] == [], name
        problems = [m for m in seen[name]["console"]
                    if m.startswith("error:") or "Content Security Policy" in m or "Refused to" in m]
        assert problems == [], name


def test_unacknowledged_items_survive_a_reload_and_arrive_once(login, live_server, rooms):
    room = rooms[1]
    tag = uuid.uuid4().hex[:6]
    texts = [f"Queued before the reload {n} [{tag}]" for n in (1, 2)]
    viewer, board = login("viewer")
    open_board(board, live_server, room)
    rapporteur, page = login("rapporteur")

    # Between the page and the server: pass everything, but drop the answers to mutations when told to,
    # as when the connection dies after the server committed but before the ack came back.
    drop_acks = {"on": False}

    def relay(ws):
        server = ws.connect_to_server()
        ws.on_message(lambda message: server.send(message))

        def to_page(message):
            is_mutation_ack = isinstance(message, str) and message.startswith("43") and '"mutation_id"' in message
            if not (drop_acks["on"] and is_mutation_ack):
                ws.send(message)

        server.on_message(to_page)

    page.route_web_socket(re.compile(r".*/socket\.io/.*"), relay)
    open_capture(page, live_server, room)

    rapporteur.set_offline(True)
    expect(save_status(page)).to_have_text("Offline (0)")
    for text in texts:
        type_item(page, "challenge", text)
    expect(save_status(page)).to_have_text("Offline (2)")

    drop_acks["on"] = True
    rapporteur.set_offline(False)
    # The server applied the first one (the board shows it), but the page never heard back.
    expect(board_texts(board, "challenge").filter(has_text=tag)).to_have_text(texts[:1])
    expect(save_status(page)).to_have_text("Saving… (2)")
    # The first is shown as the server has it (its `change` came through), the second is still pending.
    expect(page.locator("#column-challenge li.item.pending .item-text").filter(has_text=tag)).to_have_text(texts[1:])

    drop_acks["on"] = False
    page.reload()
    # The outbox came back from localStorage: the first is resent (and not applied twice), the second sent.
    expect(save_status(page)).to_have_text("Saved")
    expect(capture_texts(page, "challenge").filter(has_text=tag)).to_have_text(texts)
    expect(board_texts(board, "challenge").filter(has_text=tag)).to_have_text(texts)
    expect(page.locator(".notice")).to_have_count(0)  # the resent one was not refused as a conflict either
    items = active(api_items(rapporteur, live_server, room), tag)
    assert [i["text"] for i in items] == texts
    assert all(i["version"] == 1 for i in items)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('facilitator.outbox.'))") == []


def test_a_conflicting_edit_keeps_the_users_text_and_a_delete_can_be_undone(login, live_server, rooms):
    room = rooms[1]
    tag = uuid.uuid4().hex[:6]
    rapporteur, page = login("rapporteur")
    moderator, other = login("moderator")  # writes in every room, here through the HTTP API
    csrf = other.locator("input[name=csrf_token]").first.get_attribute("value")
    open_capture(page, live_server, room)
    type_item(page, "recommendation", f"Draft recommendation [{tag}]")
    expect(save_status(page)).to_have_text("Saved")
    item = active(api_items(rapporteur, live_server, room), tag)[0]
    li = page.locator(f"li.item[data-id='{item['id']}']")

    # The rapporteur opens the editor; meanwhile the moderator changes the text; then the rapporteur saves.
    li.get_by_role("button", name="Edit").click()
    page.keyboard.type(" (mine)")
    answer = moderator.request.patch(live_server.url(f"/api/rooms/{room}/items/{item['id']}"),
                                     data={"text": f"Moderator's wording [{tag}]", "base_version": item["version"]},
                                     headers={"X-CSRFToken": csrf})
    assert answer.ok, answer.text()
    expect(li.locator(".item-text")).to_have_text(f"Moderator's wording [{tag}]")
    page.keyboard.press("Enter")
    notice = li.locator(".notice")
    expect(notice).to_contain_text("Not saved, conflict")
    expect(notice.locator(".notice-mine-text")).to_have_text(f"Draft recommendation [{tag}] (mine)")
    assert active(api_items(rapporteur, live_server, room), tag)[0]["text"] == f"Moderator's wording [{tag}]"

    notice.get_by_role("button", name="Apply my version again").click()
    expect(li.locator(".item-text")).to_have_text(f"Draft recommendation [{tag}] (mine)")
    expect(save_status(page)).to_have_text("Saved")
    expect(page.locator(".notice")).to_have_count(0)
    stored = active(api_items(rapporteur, live_server, room), tag)
    assert [(i["text"], i["version"]) for i in stored] == [(f"Draft recommendation [{tag}] (mine)", 3)]

    # Delete with the keyboard, then undo with Control+Z.
    li.focus()
    page.keyboard.press("Delete")
    expect(page.locator("#undo-toast")).to_be_visible()
    expect(li).to_have_count(0)
    expect(save_status(page)).to_have_text("Saved")
    assert active(api_items(rapporteur, live_server, room), tag) == []
    page.keyboard.press("ControlOrMeta+z")
    expect(li).to_be_focused()
    expect(page.locator("#undo-toast")).to_be_hidden()
    expect(save_status(page)).to_have_text("Saved")
    assert [i["text"] for i in active(api_items(rapporteur, live_server, room), tag)] == [
        f"Draft recommendation [{tag}] (mine)"]
