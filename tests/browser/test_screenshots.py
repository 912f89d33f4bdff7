"""The README's screenshots (docs/screenshots/), taken by the tests from realistic demo content, and checked.

A demo server of its own (so no other test's items show up) is filled the way a conference fills it:
rapporteurs and moderators capture workshop outcomes in several rooms (in the style of the Eurojust 2023
outcome report), the moderators merge statements from different workshops on the plenary page, the
secretariat opens voting and a few participants put their dots. Each screenshot is taken only after the page
shows that content. The `showcase` fixture (in conftest.py) builds it once, with `build_showcase`, for these
tests and the accessibility tests.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the conftest explains it, or fails in CI
    if os.environ.get("FACILITATOR_REQUIRE_BROWSER"):
        raise
    pytest.skip("the playwright package is not installed (pip install -e '.[test]')", allow_module_level=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LAPTOP = {"width": 1280, "height": 800}
PROJECTOR = {"width": 1920, "height": 1080}
DOTS = 5


@dataclass(frozen=True)
class Note:
    """An item to capture: (workshop, round) room, category, text; `question` is a guiding question index."""

    key: str
    room: tuple[int, int]
    category: str
    text: str
    key_point: bool = False
    question: int | None = None


# Workshop 1 is the demo rapporteur's (both rounds): those are typed by the rapporteur, the rest by a moderator.
NOTES = [
    Note("w1-data-protection", (1, 1), "challenge",
         "Data protection rules are seen as a hindrance to sharing operational data between judicial authorities",
         key_point=True, question=0),
    Note("w1-mla-replies", (1, 1), "challenge",
         "Requests for mutual legal assistance to some non-EU countries go unanswered for months"),
    Note("w1-language", (1, 1), "challenge", "Language barriers slow down judicial cooperation in many cases"),
    Note("w1-article-21", (1, 1), "best_practice",
         "Spontaneous exchange of information under Article 21 of the Eurojust Regulation", question=0),
    Note("w1-focus-group", (1, 1), "best_practice",
         "Focus Group meetings build the trust needed before formal requests are sent"),
    Note("w1-share-early", (1, 1), "recommendation",
         "Share information between judicial authorities early, even spontaneously, so that more JITs are set up",
         key_point=True),
    Note("w1-contact-points", (1, 1), "recommendation",
         "Appoint contact points for migrant smuggling in every Member State and partner country", question=2),
    Note("w1r2-liaison", (1, 2), "best_practice",
         "Liaison Prosecutors posted at Eurojust and in partner countries boost judicial cooperation"),
    Note("w2-hawala", (2, 1), "challenge",
         "Payments through hawala, underground banking and cryptocurrencies are very hard to trace", key_point=True),
    Note("w2-low-level", (2, 1), "challenge",
         "Investigations stop at drivers and facilitators instead of the organisers abroad"),
    Note("w2-parallel", (2, 1), "best_practice", "Parallel financial investigations from the first day of a case"),
    Note("w2-financial", (2, 1), "recommendation",
         "Conduct financial investigations more often and more thoroughly in smuggling cases"),
    Note("w3-adverts", (3, 1), "challenge", "Smugglers advertise their services openly on social media",
         key_point=True),
    Note("w3-early-prosecutor", (3, 1), "recommendation",
         "Involve prosecutors from the start of an Operational Task Force so that the evidence is admissible"),
    Note("w4-no-contact", (4, 1), "challenge",
         "Some non-EU countries have no contact point and no law against migrant smuggling"),
    Note("w4-follow-money", (4, 1), "recommendation",
         "Follow the money: carriers and banks should report suspicious payments for crossings"),
    Note("w5-language", (5, 1), "challenge",
         "Language barriers slow down cooperation with the judicial authorities of third countries"),
    Note("w6-in-person", (6, 1), "best_practice",
         "Prosecutors from EU and non-EU countries meet in person every year and keep in touch afterwards"),
    Note("w6-specialised", (6, 1), "recommendation",
         "Create specialised prosecution offices and judicial chambers for migrant smuggling and THB cases"),
]


@dataclass(frozen=True)
class Agreed:
    """A statement the moderators agree on the plenary page, merging the items named by their keys."""

    section: str
    text: str
    items: tuple[str, ...]


STATEMENTS = [
    Agreed("challenge", "Cooperation with some non-EU countries is hampered by unanswered requests for mutual legal "
           "assistance and missing contact points.", ("w1-mla-replies", "w4-no-contact")),
    Agreed("recommendation", "Conduct financial investigations in every migrant smuggling case, including payments "
           "made through hawala and cryptocurrencies.", ("w2-financial", "w4-follow-money", "w2-hawala")),
    Agreed("recommendation", "Create specialised prosecution offices for migrant smuggling cases.",
           ("w6-specialised",)),
    Agreed("conclusion", "Cooperation requires mutual trust, which is best built by meeting in person.",
           ("w1-focus-group", "w6-in-person")),
]
# Each participant's dots, by statement (index in STATEMENTS).
BALLOTS = [[0, 0, 1], [0, 2, 3, 3], [1, 1, 0, 3]]


@dataclass
class Showcase:
    """A demo server full of realistic content, and logged-in browser pages on it."""

    base: str
    browser: object
    event: int = 0
    rooms: dict[tuple[int, int], int] = field(default_factory=dict)  # (workshop, round) -> room id
    ids: dict[str, str] = field(default_factory=dict)  # note key -> item id
    join_code: str = ""
    logins: dict[str, dict] = field(default_factory=dict)  # username -> storage state
    voters: list[dict] = field(default_factory=list)  # each participant's storage state (their ballot), as BALLOTS
    contexts: list = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, username: str | None, path: str, viewport: dict = LAPTOP):
        """A new context (logged in as `username`, or anonymous) showing `path`."""
        if username is not None and username not in self.logins:
            context = self._context(LAPTOP)
            page = context.new_page()
            page.goto(self.url("/login"))
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(f"{username}-demo")
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(self.url("/"))
            self.logins[username] = context.storage_state()
            context.close()
            self.contexts.remove(context)
        context = self._context(viewport, self.logins.get(username))
        page = context.new_page()
        page.goto(self.url(path))
        return page

    def participant(self, viewport: dict = LAPTOP, voter: int | None = None):
        """A participant's phone or laptop: no account, joins with the code shown on the projector; or the
        device of participant number `voter`, who voted as in BALLOTS."""
        if voter is None:
            page = self.page(None, f"/j/{self.join_code}", viewport)
        else:
            page = self._context(viewport, self.voters[voter]).new_page()
            page.goto(self.url(f"/events/{self.event}/vote"))
        page.wait_for_url(self.url(f"/events/{self.event}/vote"))
        expect(page.locator("#vote-connection")).to_have_text("Live")
        return page

    def note(self, key: str) -> Note:
        return next(n for n in NOTES if n.key == key)

    def close(self):
        for context in self.contexts:
            context.close()
        self.contexts.clear()

    def _context(self, viewport: dict, state: dict | None = None):
        context = self.browser.new_context(viewport=viewport, storage_state=state)
        self.contexts.append(context)
        return context


def csrf(page) -> str:
    return page.locator("input[name=csrf_token]").first.get_attribute("value")


def wait_saved(page):
    expect(page.locator("#save-status")).to_have_text("Saved")


def build_showcase(browser, base: str) -> Showcase:
    """Fill a fresh demo server: items in several rooms, merged statements, voting open with some dots."""
    show = Showcase(base, browser)
    moderator = show.page("moderator", "/")
    href = moderator.locator("a[href^='/events/']").first.get_attribute("href")
    show.event = int(re.fullmatch(r"/events/(\d+)", href).group(1))
    moderator.goto(show.url(f"/events/{show.event}/plenary"))
    for room, workshop, round_ in moderator.locator("#room-index li").evaluate_all(
            "lis => lis.map(li => [li.dataset.room, li.dataset.workshop, li.dataset.round])"):
        show.rooms[int(workshop), int(round_)] = int(room)

    rapporteur = show.page("rapporteur", "/")
    for note in NOTES:
        writer = rapporteur if note.room[0] == 1 else moderator
        show.ids[note.key] = str(uuid.uuid4())
        body = {"item": show.ids[note.key], "category": note.category, "text": note.text,
                "key_point": note.key_point, "question": note.question}
        answer = writer.request.post(show.url(f"/api/rooms/{show.rooms[note.room]}/items"), data=body,
                                     headers={"X-CSRFToken": csrf(writer)})
        assert answer.status == 201, answer.text()

    # The moderators merge on the plenary page: tick the items, "Merge into new statement", reword, save.
    moderator.reload()
    wait_saved(moderator)
    for agreed in STATEMENTS:
        for key in agreed.items:
            moderator.locator(f"#select-{show.ids[key]}").check()
        moderator.locator("#merge-button").click()
        moderator.locator("#statement-text").fill(agreed.text)
        moderator.locator("#statement-section").select_option(agreed.section)
        moderator.locator("#statement-form-save").click()
        expect(moderator.locator("#statement-form")).to_be_hidden()
        expect(moderator.locator(f"section[data-section='{agreed.section}'] li.statement .statement-text")
               .filter(has_text=agreed.text)).to_have_count(1)
    wait_saved(moderator)
    expect(moderator.locator("li.plenary-item.is-merged")).to_have_count(sum(len(s.items) for s in STATEMENTS))

    # The secretariat opens voting on its plenary page; participants join with the code and put their dots.
    secretariat = show.page("secretariat", f"/events/{show.event}/plenary")
    secretariat.locator("#voting-dots").fill(str(DOTS))
    secretariat.locator("#voting-open-button").click()
    expect(secretariat.locator(".flash-success")).to_contain_text(f"Voting is open: {DOTS} dots each")
    show.join_code = secretariat.locator("#join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4,16}", show.join_code), show.join_code
    for voted, ballot in enumerate(BALLOTS, start=1):
        voter = show.participant()
        for placed, index in enumerate(ballot, start=1):
            voter.locator("li.vote-statement").filter(has_text=STATEMENTS[index].text).locator(".vote-add").click()
            expect(voter.locator("#dots-left")).to_have_text(f"You have {dots(DOTS - placed)} left ({placed} placed).")
        # Leave only once the server counted them all (dots still on their way are lost with the page).
        for index, agreed in enumerate(STATEMENTS):
            expect(moderator.locator("li.statement").filter(has_text=agreed.text).locator(".statement-dots")).to_have_text(
                dots(votes(index, BALLOTS[:voted])))
        show.voters.append(voter.context.storage_state())
        voter.context.close()
        show.contexts.remove(voter.context)
    for page in (moderator, rapporteur, secretariat):
        page.context.close()
        show.contexts.remove(page.context)
    return show


def votes(index: int, ballots: list[list[int]] = BALLOTS) -> int:
    """The dots on statement number `index`."""
    return sum(ballot.count(index) for ballot in ballots)


def dots(n: int) -> str:
    return f"{n} dot{'' if n == 1 else 's'}"


def save(page, name: str):
    """Take the screenshot as a visitor would see the page: top of the page, no focus ring, no animation."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    page.mouse.move(0, 0)
    page.screenshot(path=SCREENSHOTS / name, animations="disabled")


def test_capture_and_board_screenshots(showcase):
    room = showcase.rooms[1, 1]
    mine = [n for n in NOTES if n.room == (1, 1)]
    board = showcase.page("viewer", f"/rooms/{room}/board")
    expect(board.locator("#connection-text")).to_have_text("Live")
    wait_saved(showcase.page("moderator", f"/rooms/{room}/capture"))  # a moderator looks in too
    page = showcase.page("rapporteur", f"/rooms/{room}/capture")
    wait_saved(page)

    for category in ("challenge", "best_practice", "recommendation"):
        texts = [n.text for n in mine if n.category == category]
        expect(page.locator(f"#column-{category} li.item .item-text")).to_have_text(texts)
        expect(board.locator(f".board-column[data-category='{category}'] .board-item-text")).to_have_text(texts)
    key_points = [n.text for n in mine if n.key_point]
    expect(page.locator("li.item.key-point .item-text")).to_have_text(key_points)
    expect(board.locator(".board-item.key-point .board-item-text")).to_have_text(key_points)
    data_protection = page.locator(f"li.item[data-id='{showcase.ids['w1-data-protection']}']")
    expect(data_protection.locator(".item-question-tag")).to_have_text("Question 1")
    expect(data_protection.locator("select.item-question")).to_have_value("0")
    expect(page.locator("#presence-list")).to_have_text("Demo moderator")
    # Each item's controls fit on the laptop screen: nothing cut off, the two move buttons side by side.
    for li in page.locator("li.item").all():
        up, down = li.locator(".item-up").bounding_box(), li.locator(".item-down").bounding_box()
        assert abs(up["y"] - down["y"]) < 1, "the move buttons are on different lines"
    assert page.locator("select.item-question").evaluate_all(
        "selects => selects.filter(s => s.scrollWidth > s.clientWidth + 1 || s.getBoundingClientRect().width < 150)"
        ".length") == 0, "a question dropdown is too narrow for its text"

    # The board's column headings fit their columns, however large the projector type.
    assert board.locator(".board-column-heading").evaluate_all(
        "hs => hs.filter(h => h.scrollWidth > h.clientWidth + 1).map(h => h.textContent)") == []

    save(page, "capture.png")
    save(board, "board.png")


def test_plenary_screenshots(showcase):
    event = showcase.event
    plenary = showcase.page("moderator", f"/events/{event}/plenary", PROJECTOR)
    wait_saved(plenary)
    projector = showcase.page("secretariat", f"/events/{event}/plenary/projector", PROJECTOR)
    expect(projector.locator("#connection-text")).to_have_text("Live")

    # The pool: every room's items, by workshop; the merged ones marked, across workshops.
    expect(plenary.locator("#pool li.plenary-item")).to_have_count(len(NOTES))
    workshops = sorted({n.room[0] for n in NOTES})
    expect(plenary.locator("#pool .pool-category[data-category='challenge'] .pool-workshop-heading")).to_have_text(
        [re.compile(rf"^Workshop {w}:") for w in workshops if any(
            n.room[0] == w and n.category == "challenge" for n in NOTES)])
    across = [s for s in STATEMENTS if len({showcase.note(k).room[0] for k in s.items}) > 1]
    assert len(across) >= 2, "two statements merge items from different workshops"
    for agreed in STATEMENTS:
        for key in agreed.items:
            expect(plenary.locator(f"li.plenary-item[data-id='{showcase.ids[key]}'] .merged-marker")).to_be_visible()
    # The statements, numbered per section, with their merged items and dots.
    for section in ("challenge", "recommendation", "conclusion"):
        agreed = [(i, s) for i, s in enumerate(STATEMENTS) if s.section == section]
        where = f"section.statement-section[data-section='{section}'] li.statement"
        expect(plenary.locator(f"{where} .statement-text")).to_have_text([s.text for _, s in agreed])
        expect(plenary.locator(f"{where} .statement-dots")).to_have_text(
            [dots(votes(i)) for i, _ in agreed])
        ptext = f".projector-section[data-section='{section}'] .projector-statement-text"
        expect(projector.locator(ptext)).to_have_text([s.text for _, s in agreed])
        expect(projector.locator(f".projector-section[data-section='{section}'] .vote-count")).to_have_text(
            [dots(votes(i)) for i, _ in agreed])
    expect(plenary.locator("#voting-summary")).to_contain_text(f"{len(BALLOTS)} participants have voted")
    expect(projector.locator("#vote-panel")).to_be_visible()
    expect(projector.locator("#vote-panel .join-code")).to_have_text(showcase.join_code)
    expect(projector.locator("#vote-ballots")).to_have_text(f"{len(BALLOTS)} participants have voted")

    # A moderator at work: one more item ticked, ready to be merged.
    plenary.locator(f"#select-{showcase.ids['w3-early-prosecutor']}").check()
    expect(plenary.locator("#selection-count")).to_have_text("1 item selected")

    save(plenary, "plenary.png")
    save(projector, "plenary-projector.png")
