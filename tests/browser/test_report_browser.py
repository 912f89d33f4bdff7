"""The report page in a real browser: its texts save by themselves, and two people writing the same text
see each other's words instead of overwriting them."""

from __future__ import annotations

import os
import re
import uuid

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the conftest explains it, or fails in CI
    if os.environ.get("FACILITATOR_REQUIRE_BROWSER"):
        raise
    pytest.skip("the playwright package is not installed (pip install -e '.[test]')", allow_module_level=True)


def open_report(login, live_server):
    context, page = login("secretariat")
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    event_id = next(int(m.group(1)) for h in hrefs if (m := re.fullmatch(r"/events/(\d+)", h)))
    page.goto(live_server.url(f"/events/{event_id}/report"))
    return context, page


def status(page, field: str):
    return page.locator(f'[data-report-text="{field}"] .text-status')


def test_a_text_is_saved_without_pressing_any_button_and_kept_after_reload(login, live_server):
    _, page = open_report(login, live_server)
    expect(page.get_by_role("button", name="Save report texts")).to_be_hidden()
    summary = page.get_by_label("Summary of this session").first
    field = summary.get_attribute("id")
    text = f"The panel agreed on joint teams ({uuid.uuid4().hex[:6]})."
    summary.fill(text)
    expect(status(page, field)).to_have_text("Saved")
    page.reload()
    expect(page.locator(f"#{field}")).to_have_value(text)


def test_the_second_writer_sees_a_conflict_with_both_texts(login, live_server):
    tag = uuid.uuid4().hex[:6]
    _, first = open_report(login, live_server)
    _, second = open_report(login, live_server)  # opened before the first one saves

    first.locator("#conclusions").fill(f"First writer's way forward {tag}")
    expect(status(first, "conclusions")).to_have_text("Saved")

    second.locator("#conclusions").fill(f"Second writer's way forward {tag}")
    second.locator("#conclusions").blur()
    box = second.locator('[data-report-text="conclusions"]')
    expect(box.locator(".conflict-notice")).to_contain_text("changed this text")
    expect(box.locator(".their-text")).to_have_text(f"First writer's way forward {tag}")
    expect(second.locator("#conclusions")).to_have_value(f"Second writer's way forward {tag}")

    second.get_by_role("button", name="Keep my text (replace theirs)").click()
    expect(status(second, "conclusions")).to_have_text("Saved")
    first.reload()
    expect(first.locator("#conclusions")).to_have_value(f"Second writer's way forward {tag}")


def test_leaving_with_an_unsaved_text_asks_first(login, live_server):
    _, page = open_report(login, live_server)
    page.route("**/report/texts/**", lambda route: route.abort())  # the venue's Wi-Fi is down
    page.locator("#disclaimer").fill(f"Not official views {uuid.uuid4().hex[:6]}")
    page.locator("#disclaimer").blur()
    expect(status(page, "disclaimer")).to_have_text("Not saved — retry")
    with page.expect_event("dialog") as dialog:
        page.close(run_before_unload=True)
    assert dialog.value.type == "beforeunload"
    dialog.value.accept()


def test_the_pdf_is_offered_with_its_progress_and_then_downloaded(login, live_server):
    from ..test_report_pdf import require

    require("soffice", "libreoffice-writer-nogui")
    _, page = open_report(login, live_server)
    page.get_by_role("button", name="PDF report (.pdf)").click()
    link = page.locator("#pdf-status").get_by_role("link", name="Download the PDF")
    expect(link).to_be_visible(timeout=180_000)
    with page.expect_download() as download:
        link.click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
