"""Real-browser fixtures: Debian's chromium driven by Playwright, against a real `facilitator run --demo`.

The browser is Debian's chromium (`apt-get install chromium`), never one downloaded by `playwright install`.
Without it the browser tests are skipped, unless FACILITATOR_REQUIRE_BROWSER is set (as in CI): then they fail.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field

import pytest

from ..conftest import running_server

CHROMIUM = "/usr/bin/chromium"
REQUIRE = "FACILITATOR_REQUIRE_BROWSER"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}


def browser_unavailable(reason: str):
    """Skip, or fail when the environment demands real-browser tests (CI)."""
    if os.environ.get(REQUIRE):
        pytest.fail(f"{reason} ({REQUIRE} is set, so this is an error)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def app_context():
    """The browser tests talk to a server process of their own: no in-process app, no table wiping."""
    yield


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)):
        browser_unavailable("Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        browser_unavailable("the playwright package is not installed (pip install -e '.[test]')")
    # Long enough for a reconnect and a resent outbox, short enough to fail fast.
    expect.set_options(timeout=15_000)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@dataclass
class LiveServer:
    base: str
    rooms: list[int] = field(default_factory=list)  # the rapporteur's rooms: Workshop 1, rounds 1 and 2

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, browser):
    """One demo server for the whole browser suite; tests keep apart by room and by unique item texts."""
    with running_server(tmp_path_factory.mktemp("browser-server")) as (base, _output):
        yield LiveServer(base)


@pytest.fixture
def login(browser, live_server):
    """Open a new browser context (its own cookies and localStorage) logged in through the real form."""
    contexts = []

    def log_in(username: str, password: str | None = None):
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server.url("/login"))
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password or f"{username}-demo")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(live_server.url("/"))
        if not live_server.rooms and username == "rapporteur":
            hrefs = page.locator("a[href$='/capture']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
            live_server.rooms = [int(re.fullmatch(r"/rooms/(\d+)/capture", h).group(1)) for h in hrefs]
        return context, page

    yield log_in
    for context in contexts:
        context.close()


@pytest.fixture
def rooms(login, live_server) -> list[int]:
    """The rapporteur's rooms, read from the capture links of their home page."""
    if not live_server.rooms:
        login("rapporteur")
    assert len(live_server.rooms) == 2, live_server.rooms
    return live_server.rooms


def api_items(context, live_server: LiveServer, room: int) -> list[dict]:
    """The server's items of a room (deleted ones included), through the JSON API with the context's login."""
    response = context.request.get(live_server.url(f"/api/rooms/{room}"))
    assert response.ok, response.status
    body = response.json()
    assert body["ok"] is True
    return body["items"]


@pytest.fixture(scope="session")
def showcase(browser, tmp_path_factory):
    """A demo server of its own, full of realistic content (test_screenshots.build_showcase: items in several
    rooms, merged statements, voting open with dots), built once for the screenshot and accessibility tests.
    Those tests only look at it (nothing they do is saved), so they can run in any order."""
    from .test_screenshots import build_showcase

    with running_server(tmp_path_factory.mktemp("showcase-server")) as (base, _output):
        show = build_showcase(browser, base)
        try:
            yield show
        finally:
            show.close()
