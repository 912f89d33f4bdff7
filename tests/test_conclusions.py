"""Conclusions as the event wants them: named sections in the secretariat's order, statements written
without items, explanatory text below the headline, numbering per section or across sections, and the
report's conclusions chapter read back with python-docx."""

import io
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import docx
import pytest
import sqlalchemy as sa

from facilitator.extensions import db
from facilitator.formatting import numbers
from facilitator.models import ConclusionSection, Statement, StatementRevision, User
from facilitator.services import voting
from facilitator.services.capture import perform_mutation
from facilitator.services.events import create_event, event_rooms

ROOT = Path(__file__).resolve().parent.parent


def new_id() -> str:
    return str(uuid.uuid4())


def mutate(sock, event, op, statement, **fields):
    return sock.emit("plenary:mutate", {"event": event.id, "op": op, "mutation_id": new_id(),
                                        "statement": statement, **fields})


@pytest.fixture
def moderator(client, login, socket_client, demo_event):
    login(client, "moderator", "moderator-demo")
    sock = socket_client(client)
    assert sock.emit("plenary:join", {"event": demo_event.id, "since": None})["ok"]
    return sock


@pytest.fixture
def secretariat(app, login, demo_event):
    """The secretariat's browser: a client of its own, beside the moderator's."""
    client = app.test_client()
    login(client, "secretariat", "secretariat-demo")
    return client


def labels(sock, event) -> dict[str, str]:
    snapshot = sock.emit("plenary:join", {"event": event.id, "since": None})
    return {s["text"]: s["number"] for s in snapshot["statements"] if s["state"] == "active"}


# Sections --------------------------------------------------------------------------------------------


def test_new_and_imported_events_get_one_section_per_category_then_conclusions(demo_event):
    expected = [(c.key, c.name) for c in demo_event.categories] + [("conclusion", "Conclusions")]
    assert [(s.key, s.heading) for s in demo_event.conclusion_sections] == expected
    event = create_event("A new meeting")
    db.session.commit()
    assert [s.key for s in event.conclusion_sections] == ["challenge", "best_practice", "recommendation",
                                                          "conclusion"]


def test_secretariat_adds_renames_reorders_and_deletes_sections(secretariat, demo_event, moderator):
    base = f"/setup/events/{demo_event.id}/conclusions"
    response = secretariat.post(base, data={"heading": "Proposed actionable commitments"})
    assert response.status_code == 302
    added = demo_event.conclusion_sections[-1]
    assert (added.key, added.heading) == ("proposed_actionable_commitments", "Proposed actionable commitments")

    secretariat.post(f"{base}/{added.id}/rename", data={"heading": "Actionable commitments"})
    for _ in range(len(demo_event.conclusion_sections)):
        secretariat.post(f"{base}/{added.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert demo_event.conclusion_sections[0].heading == "Actionable commitments"
    page = secretariat.get(base).get_data(as_text=True)
    assert page.index("Actionable commitments") < page.index("Challenges")

    # The plenary offers it, and a statement can go in it.
    plenary_page = secretariat.get(f"/events/{demo_event.id}/plenary").get_data(as_text=True)
    assert 'data-key="proposed_actionable_commitments"' in plenary_page
    statement = new_id()
    assert mutate(moderator, demo_event, "create", statement, section="proposed_actionable_commitments",
                  text="Meet every year", items=[])["ok"]

    # A section that holds a statement stays, with a message saying why; an empty one goes.
    response = secretariat.post(f"{base}/{added.id}/delete", data={}, follow_redirects=True)
    assert "1 statement(s) are in &#39;Actionable commitments&#39;" in response.get_data(as_text=True)
    assert db.session.get(ConclusionSection, added.id) is not None
    mutate(moderator, demo_event, "edit", statement, base_version=1, section="conclusion")
    response = secretariat.post(f"{base}/{added.id}/delete", data={}, follow_redirects=True)
    assert "Section deleted." in response.get_data(as_text=True)
    db.session.expire_all()
    assert "proposed_actionable_commitments" not in [s.key for s in demo_event.conclusion_sections]
    assert [s.position for s in demo_event.conclusion_sections] == list(range(len(demo_event.conclusion_sections)))

    answer = mutate(moderator, demo_event, "create", new_id(), section="proposed_actionable_commitments",
                    text="Nowhere", items=[])
    assert answer["error"] == "invalid" and answer["field"] == "section"


def test_empty_headings_are_refused_and_the_last_section_stays(secretariat, demo_event):
    base = f"/setup/events/{demo_event.id}/conclusions"
    response = secretariat.post(base, data={"heading": "   "})
    assert response.status_code == 200 and "This field is required." in response.get_data(as_text=True)
    for section in list(demo_event.conclusion_sections)[:-1]:
        secretariat.post(f"{base}/{section.id}/delete", data={})
    last = db.session.scalars(sa.select(ConclusionSection).where(ConclusionSection.event_id == demo_event.id)).all()
    assert len(last) == 1
    response = secretariat.post(f"{base}/{last[0].id}/delete", data={}, follow_redirects=True)
    assert "The conclusions need at least one section." in response.get_data(as_text=True)


@pytest.mark.parametrize("username", ["moderator", "rapporteur", "viewer"])
def test_only_the_secretariat_changes_sections_and_numbering(client, login, demo_event, username):
    login(client, username, f"{username}-demo")
    section = demo_event.conclusion_sections[0]
    base = f"/setup/events/{demo_event.id}/conclusions"
    for url, data in [(base, {"heading": "Mine"}), (f"{base}/{section.id}/rename", {"heading": "Mine"}),
                      (f"{base}/{section.id}/move", {"direction": "down"}), (f"{base}/{section.id}/delete", {}),
                      (f"{base}/numbering", {"numbering": "continuous"})]:
        assert client.post(url, data=data).status_code == 403, url
    assert client.get(base).status_code == 403
    db.session.expire_all()
    assert demo_event.conclusion_sections[0].heading == section.heading
    assert len(demo_event.conclusion_sections) == 4 and not demo_event.continuous_numbering


# Statements without items, with details ------------------------------------------------------------------


def test_moderators_write_statements_without_items(moderator, demo_event):
    first, second = new_id(), new_id()
    answer = mutate(moderator, demo_event, "create", first, section="conclusion", text="Meet again in 2017",
                    items=[])
    assert answer["ok"] and answer["statement"]["items"] == [] and answer["statement"]["number"] == "(a)"
    answer = mutate(moderator, demo_event, "create", second, section="conclusion", text="Share the report")
    assert answer["ok"] and answer["statement"]["number"] == "(b)"
    assert moderator.received("change")[-1]["statement"]["id"] == second
    statement = db.session.scalar(sa.select(Statement).where(Statement.client_id == first))
    assert statement.items == [] and statement.revisions[0].sources == []


def test_details_are_created_edited_and_kept_in_revisions_and_conflicts(moderator, demo_event):
    statement = new_id()
    answer = mutate(moderator, demo_event, "create", statement, section="conclusion", text="Set up contact points",
                    details="Each Member State names one.\r\n\r\nThe list is public.", items=[])
    assert answer["statement"]["details"] == "Each Member State names one.\n\nThe list is public."

    answer = mutate(moderator, demo_event, "edit", statement, base_version=1, details="Within a year.")
    assert answer["ok"] and answer["statement"]["details"] == "Within a year."
    assert answer["statement"]["text"] == "Set up contact points"  # the headline stays

    answer = mutate(moderator, demo_event, "edit", statement, base_version=1, details="My stale paragraph")
    assert answer["error"] == "conflict" and answer["statement"]["details"] == "Within a year."
    revisions = db.session.scalars(sa.select(StatementRevision).join(Statement).where(
        Statement.client_id == statement).order_by(StatementRevision.id)).all()
    assert [(r.kind, r.details) for r in revisions] == [
        ("change", "Each Member State names one.\n\nThe list is public."), ("change", "Within a year."),
        ("conflict", "My stale paragraph")]

    answer = mutate(moderator, demo_event, "edit", statement, base_version=2, details="")
    assert answer["ok"] and answer["statement"]["details"] == ""
    answer = mutate(moderator, demo_event, "edit", statement, base_version=3, details="x" * 20_001)
    assert answer["error"] == "invalid" and answer["field"] == "details"
    answer = mutate(moderator, demo_event, "edit", statement, base_version=3, details=5)
    assert answer["error"] == "invalid"


# Numbering -----------------------------------------------------------------------------------------------


def test_continuous_numbering_never_repeats_a_label_across_sections(moderator, secretariat, demo_event):
    for section, text in [("recommendation", "R1"), ("recommendation", "R2"), ("conclusion", "C1"),
                          ("challenge", "X1")]:
        mutate(moderator, demo_event, "create", new_id(), section=section, text=text, items=[])
    assert labels(moderator, demo_event) == {"X1": "(a)", "R1": "(a)", "R2": "(b)", "C1": "(a)"}

    secretariat.post(f"/setup/events/{demo_event.id}/conclusions/numbering", data={"numbering": "continuous"})
    # Sections in order: challenge, best practice, recommendation, conclusion.
    assert labels(moderator, demo_event) == {"X1": "(a)", "R1": "(b)", "R2": "(c)", "C1": "(d)"}

    # A new statement early on renumbers those after it, in its answer and on every page.
    answer = mutate(moderator, demo_event, "create", new_id(), section="challenge", text="X2", items=[])
    assert answer["statement"]["number"] == "(b)"
    assert labels(moderator, demo_event) == {"X1": "(a)", "X2": "(b)", "R1": "(c)", "R2": "(d)", "C1": "(e)"}
    page = secretariat.get(f"/events/{demo_event.id}/plenary/projector").get_data(as_text=True)
    assert 'data-continuous-numbering="true"' in page

    # Reordering the sections renumbers too.
    conclusion = next(s for s in demo_event.conclusion_sections if s.key == "conclusion")
    for _ in range(3):
        secretariat.post(f"/setup/events/{demo_event.id}/conclusions/{conclusion.id}/move", data={"direction": "up"})
    assert labels(moderator, demo_event) == {"C1": "(a)", "X1": "(b)", "X2": "(c)", "R1": "(d)", "R2": "(e)"}


def test_the_browser_numbers_statements_by_the_same_rule():
    """static/js/statement-numbers.js against formatting.numbers, on the same sections."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("FACILITATOR_REQUIRE_SERVICES"):
            pytest.fail("node is not installed, and FACILITATOR_REQUIRE_SERVICES says this may not be skipped")
        pytest.skip("node is not installed (apt-get install nodejs)")
    cases = [([["a1", "a2"], [], ["b1"], ["c1", "c2", "c3"]], flag) for flag in (False, True)]
    cases.append(([[f"s{n}" for n in range(60)], ["t1"]], True))
    module = (ROOT / "static/js/statement-numbers.js").as_uri()
    script = (f"import {{ numbers }} from {json.dumps(module)};\n"
              f"const cases = {json.dumps(cases)};\n"
              "console.log(JSON.stringify(cases.map(([s, c]) => Object.fromEntries(numbers(s, c)))));")
    out = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [numbers(sections, continuous) for sections, continuous in cases]


# The report ------------------------------------------------------------------------------------------------


def _statements_chapter(data: bytes) -> list[tuple[str, str]]:
    document = docx.Document(io.BytesIO(data))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    start = paragraphs.index(("Heading 1", "Conclusions and way forward"))
    end = paragraphs.index(("Heading 1", "Annex: programme"))
    return paragraphs[start + 1:end]


def test_report_has_a_heading_per_section_in_order_numbered_lists_and_details(moderator, secretariat, demo_event):
    moderator_user = db.session.scalar(sa.select(User).where(User.username == "moderator"))
    room = event_rooms(demo_event)[0]
    item = new_id()
    perform_mutation(moderator_user, room, {"op": "create", "mutation_id": new_id(), "item": item,
                                            "category": "recommendation", "text": "Contact points everywhere"})
    base = f"/setup/events/{demo_event.id}/conclusions"
    secretariat.post(base, data={"heading": "Proposed actionable commitments"})
    commitments = demo_event.conclusion_sections[-1]
    for _ in range(4):
        secretariat.post(f"{base}/{commitments.id}/move", data={"direction": "up"})
    secretariat.post(f"/setup/events/{demo_event.id}/conclusions/numbering", data={"numbering": "continuous"})
    mutate(moderator, demo_event, "create", new_id(), section="proposed_actionable_commitments",
           text="Meet every year", details="The host rotates.\n\nEurojust keeps the list.", items=[])
    mutate(moderator, demo_event, "create", new_id(), section="proposed_actionable_commitments",
           text="Share the report", items=[])
    mutate(moderator, demo_event, "create", new_id(), section="recommendation", text="Set up contact points",
           items=[item])
    mutate(moderator, demo_event, "create", new_id(), section="conclusion", text="Trust is built in person",
           details="Said in every room.", items=[])
    # One dot from the plenary vote: the report leaves it out unless asked.
    first = db.session.scalar(sa.select(Statement).where(Statement.text == "Meet every year"))
    voting.open_voting(demo_event, 3)
    voting.cast_vote(demo_event, "ballot-1", {"vote": new_id(), "statement": first.client_id})
    db.session.commit()

    chapter = _statements_chapter(secretariat.get(f"/events/{demo_event.id}/report.docx").data)
    assert [text for style, text in chapter if style == "Heading 2"] == [
        "Proposed actionable commitments", "Recommendations", "Conclusions"]  # empty sections are left out
    assert [(style, text) for style, text in chapter if style != "Source"] == [
        ("Heading 2", "Proposed actionable commitments"),
        ("Statement", "(a) Meet every year"),
        ("Normal", "The host rotates."),
        ("Normal", "Eurojust keeps the list."),
        ("Statement", "(b) Share the report"),
        ("Heading 2", "Recommendations"),
        ("Statement", "(c) Set up contact points"),
        ("Heading 2", "Conclusions"),
        ("Statement", "(d) Trust is built in person"),
        ("Normal", "Said in every room."),
    ]
    assert not any("vote" in text for _, text in chapter)
    preview = secretariat.get(f"/events/{demo_event.id}/report").get_data(as_text=True)
    assert "votes)" not in preview and "Eurojust keeps the list." in preview

    chapter = _statements_chapter(secretariat.get(f"/events/{demo_event.id}/report.docx?votes=1").data)
    assert ("Statement", "(a) Meet every year (1 vote)") in chapter
    assert "(1 votes)" in secretariat.get(f"/events/{demo_event.id}/report?votes=1").get_data(as_text=True)
