"""Automated accessibility checks: axe-core on every page of facilitator, in a real browser, with real content.

axe-core (tests/browser/vendor/axe.min.js, MPL-2.0) is loaded into each page from a same-origin URL that the
test answers itself, so the page's Content Security Policy (script-src 'self') stays in force. A page fails
on any violation axe rates "serious" or "critical". The content is the screenshots' (the `showcase` fixture,
test_screenshots.py): items in several rooms with key points and guiding questions, merged statements, voting
open with dots. Nothing done here is saved, so the screenshots still show that content.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the conftest explains it, or fails in CI
    if os.environ.get("FACILITATOR_REQUIRE_BROWSER"):
        raise
    pytest.skip("the playwright package is not installed (pip install -e '.[test]')", allow_module_level=True)

from .test_screenshots import BALLOTS, DOTS, LAPTOP, PROJECTOR, STATEMENTS, Showcase, dots

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_PATH = "/__tests__/axe.min.js"  # answered by the test (page.route), never by the app
PHONE = {"width": 390, "height": 844}
FAILING = ("serious", "critical")


@dataclass(frozen=True)
class Visit:
    """Who opens which page, how wide the screen is, what to wait for, and what to do before the check."""

    user: str | None  # None: anonymous; "participant": the first participant's device (joined, has voted)
    path: Callable[[Showcase], str]
    ready: Callable | None = None
    then: Callable | None = None
    viewport: dict | None = None


def saved(page):
    expect(page.locator("#save-status")).to_have_text("Saved")


def live(page):
    expect(page.locator("#connection-text")).to_have_text("Live")


def vote_ready(page):
    """The first participant's ballot: their dots on the statements, and the dots they have left."""
    expect(page.locator("#vote-connection")).to_have_text("Live")
    expect(page.locator("li.vote-statement")).to_have_count(len(STATEMENTS))
    placed = len(BALLOTS[0])
    expect(page.locator("#dots-left")).to_have_text(f"You have {dots(DOTS - placed)} left ({placed} placed).")
    expect(page.locator("li.vote-statement.has-dots")).to_have_count(len(set(BALLOTS[0])))


def projector_ready(page):
    live(page)
    expect(page.locator("#vote-panel")).to_be_visible()


def open_editor(page):
    """A rapporteur rewording an item: the item's editor is open."""
    page.locator("li.item").first.get_by_role("button", name="Edit").click()
    expect(page.locator("li.item textarea.item-edit-text").first).to_be_focused()


def merging(page):
    """A moderator merging two unmerged items: the new statement's form is open."""
    boxes = page.locator("#pool input.select-item:not([disabled])")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.locator("#merge-button").click()
    expect(page.locator("#statement-text")).to_be_focused()


def submit_empty(page):
    """The login form sent without a username or password: the fields show their errors."""
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".field-has-error")).to_have_count(2)


def go_offline(page):
    """The rapporteur's connection drops: the save status says so, the items stay."""
    page.context.set_offline(True)
    expect(page.locator("#save-status")).to_have_text("Offline (0)")


def find_similar(page):
    """A moderator asks for suggestions of similar items from different rooms."""
    page.locator("#suggestions-button").click()
    expect(page.locator("#suggestions-status")).to_have_text(re.compile(r"found"))


def event_path(suffix: str = "") -> Callable[[Showcase], str]:
    return lambda s: f"/events/{s.event}{suffix}"


def room_path(kind: str) -> Callable[[Showcase], str]:
    return lambda s: f"/rooms/{s.rooms[1, 1]}/{kind}"


VISITS = {
    "login": Visit(None, lambda s: "/login"),
    "login-errors": Visit(None, lambda s: "/login", then=submit_empty),
    "join": Visit(None, lambda s: "/join"),
    "home": Visit("rapporteur", lambda s: "/"),
    "event": Visit("secretariat", event_path()),
    "capture": Visit("rapporteur", room_path("capture"), saved),
    "capture-editing": Visit("rapporteur", room_path("capture"), saved, open_editor),
    "capture-offline": Visit("rapporteur", room_path("capture"), saved, go_offline),
    "capture-phone": Visit("rapporteur", room_path("capture"), saved, viewport=PHONE),
    "board": Visit("viewer", room_path("board"), live),
    "plenary": Visit("moderator", event_path("/plenary"), saved, viewport=PROJECTOR),
    "plenary-merging": Visit("moderator", event_path("/plenary"), saved, merging),
    "plenary-suggestions": Visit("moderator", event_path("/plenary"), saved, find_similar),
    "plenary-secretariat": Visit("secretariat", event_path("/plenary"), saved),
    "projector": Visit("moderator", event_path("/plenary/projector"), projector_ready, viewport=PROJECTOR),
    "vote": Visit("participant", lambda s: "", vote_ready, viewport=PHONE),
    "report": Visit("secretariat", event_path("/report")),
}


def run_axe(page, base: str) -> list[dict]:
    """Load axe-core from a same-origin URL (allowed by the page's CSP) and return its violations."""
    page.route(base + AXE_PATH, lambda route: route.fulfill(
        status=200, content_type="text/javascript; charset=utf-8", body=AXE.read_text(encoding="utf-8")))
    page.add_script_tag(url=base + AXE_PATH)
    return page.evaluate("""async () => {
      const results = await axe.run(document, {resultTypes: ["violations"]});
      return results.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
      }));
    }""")


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


@pytest.mark.parametrize("name", list(VISITS))
def test_page_has_no_serious_accessibility_violations(showcase, name):
    visit = VISITS[name]
    viewport = visit.viewport or LAPTOP
    if visit.user == "participant":
        page = showcase.participant(viewport, voter=0)
    else:
        page = showcase.page(visit.user, visit.path(showcase), viewport)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    if visit.ready:
        visit.ready(page)
    if visit.then:
        visit.then(page)

    violations = run_axe(page, showcase.base)
    url = page.url
    page.context.close()
    showcase.contexts.remove(page.context)

    failing = [v for v in violations if v["impact"] in FAILING]
    others = [v for v in violations if v["impact"] not in FAILING]
    if others:  # reported (pytest -rP shows them), not failed on
        print(f"{name}: minor or moderate findings:\n{describe(others)}")
    assert not failing, f"{name} ({url}):\n{describe(failing)}"
    assert errors == [], errors
