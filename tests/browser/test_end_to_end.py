"""The whole day in a real browser: a rapporteur types by keyboard, the board and the plenary see it, a
moderator merges points from two workshops into a statement and writes a conclusion of their own, and the
secretariat downloads the report."""

from __future__ import annotations

import io
import re
import uuid

import docx

from .conftest import api_items
from .test_capture_browser import CATEGORIES, board_texts, capture_texts, expect, open_board, open_capture, type_item


def _links(page, pattern: str) -> list[int]:
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [int(m.group(1)) for h in hrefs if (m := re.fullmatch(pattern, h))]


def test_from_the_rapporteurs_keyboard_to_the_word_report(login, live_server, rooms):
    tag = uuid.uuid4().hex[:6]
    texts = {c: f"{c.replace('_', ' ').capitalize()} {tag}: joint teams need faster data exchange" for c in CATEGORIES}

    rapporteur, capture = login("rapporteur")
    open_capture(capture, live_server, rooms[0])
    for category, text in texts.items():
        type_item(capture, category, text)
    for category, text in texts.items():
        expect(capture_texts(capture, category).filter(has_text=text)).to_have_count(1)
    expect(capture.locator("#save-status")).to_have_text("Saved")

    viewer, board = login("viewer")
    open_board(board, live_server, rooms[0])
    for category, text in texts.items():
        expect(board_texts(board, category).filter(has_text=text)).to_have_count(1)

    # The moderator writes in another workshop's room, then merges the two recommendations.
    moderator, page = login("moderator")
    other_room = next(r for r in _links(page, r"/rooms/(\d+)/capture") if r not in rooms)
    event_id = _links(page, r"/events/(\d+)")[0]
    other_text = f"Recommendation {tag}: single contact points for smuggling cases in every country"
    open_capture(page, live_server, other_room)
    type_item(page, "recommendation", other_text)
    expect(page.locator("#save-status")).to_have_text("Saved")

    page.goto(live_server.url(f"/events/{event_id}/plenary"))
    for text in [*texts.values(), other_text]:
        expect(page.locator("li.plenary-item", has_text=text)).to_have_count(1)
    for text in (texts["recommendation"], other_text):
        page.locator("li.plenary-item", has_text=text).locator("input.select-item").check()
    page.locator("#merge-button").click()
    statement_text = f"Statement {tag}: exchange data faster through single national contact points"
    form = page.locator("#statement-form")
    form.locator("textarea[name=text]").fill(statement_text)
    form.locator("select[name=section]").select_option("recommendation")
    form.locator("#statement-form-save").click()
    statement = page.locator("li.statement", has_text=statement_text)
    expect(statement).to_have_count(1)
    expect(statement.locator(".statement-number")).to_have_text(re.compile(r"\([a-z]+\)"))
    # The merged items show as merged on the plenary page and in their rooms' data.
    expect(page.locator("li.plenary-item", has_text=other_text)).to_contain_text("merged into")
    merged = [i for i in api_items(rapporteur, live_server, rooms[0]) if i["text"] == texts["recommendation"]]
    assert len(merged) == 1 and merged[0]["statement"]

    # A conclusion of the moderators' own, written directly in its section, with an explanatory text.
    page.get_by_role("button", name="New statement in Conclusions").click()
    own_text = f"Conclusion {tag}: meet again next year"
    form.locator("textarea[name=text]").fill(own_text)
    form.locator("textarea[name=details]").fill(f"Details {tag}: the host rotates.\n\nEveryone is welcome.")
    expect(form.locator("#statement-form-count")).to_have_text("Written directly, without items from the rooms.")
    form.locator("#statement-form-save").click()
    own = page.locator("section[data-section=conclusion] li.statement", has_text=own_text)
    expect(own.locator(".statement-details p")).to_have_text([f"Details {tag}: the host rotates.",
                                                                "Everyone is welcome."])
    expect(own.locator(".statement-sources-label")).to_have_text("No items merged.")

    # The secretariat downloads the report: each point once, the merged ones under their statement.
    secretariat, report_page = login("secretariat")
    report_page.goto(live_server.url(f"/events/{event_id}/report"))
    with report_page.expect_download() as download:
        report_page.get_by_role("link", name=re.compile("Word report")).click()
    document = docx.Document(io.BytesIO(download.value.path().read_bytes()))
    body = "\n".join(p.text for p in document.paragraphs)
    for text in [*texts.values(), other_text, statement_text, own_text, f"Details {tag}: the host rotates."]:
        assert body.count(text) == 1, text
    assert body.index(own_text) < body.index(f"Details {tag}: the host rotates.")
    assert body.index(statement_text) < body.index(other_text)  # the source follows its statement
