"""The final report: a real meeting captured through the live protocols comes out as a publishable outcome
report, with nothing typed on the report page but the introduction (the imprint comes with the programme file).

The Eurojust 2023 meeting (its programme file, and its outcome report's texts in tests/fixtures/reports/) must
come out with that report's structure; a meeting of plenary panels with moderators and panellists, each panel
with its own capture room, with one numbered list per conclusion section. Each report is read back with
python-docx and converted with LibreOffice, as the secretariat would before publishing it.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import docx
import pytest
import yaml

from facilitator.extensions import db
from facilitator.models import Role
from facilitator.services.accounts import assign
from facilitator.services.events import event_rooms
from facilitator.services.programme import import_programme
from facilitator.writer import pdf

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EUROJUST = FIXTURES / "programmes" / "eurojust-2023.yaml"
EUROJUST_NOTES = FIXTURES / "reports" / "eurojust-2023-notes.yaml"
PANELS = FIXTURES / "reports" / "panels-meeting.yaml"


def new_id() -> str:
    return str(uuid.uuid4())


def require(command: str, package: str) -> None:
    if shutil.which(command) is None:
        if os.environ.get("FACILITATOR_REQUIRE_OFFICE"):
            pytest.fail(f"{command} is missing, and FACILITATOR_REQUIRE_OFFICE says this may not be skipped")
        pytest.skip(f"{command} is not installed (apt-get install {package})")


# The people of a meeting, each in a browser of their own ----------------------------------------------------


class Meeting:
    """An imported event with a rapporteur in every room, a moderator and a secretariat member, logged in."""

    def __init__(self, app, make_user, login, socket_client, programme: Path):
        self.event = import_programme(programme.read_text(encoding="utf-8"))
        db.session.commit()
        self.rooms = event_rooms(self.event)
        rapporteur = make_user("rapporteur", Role.RAPPORTEUR, self.event, self.rooms[0])
        for room in self.rooms[1:]:
            assign(rapporteur, self.event, Role.RAPPORTEUR, room)
        db.session.commit()
        make_user("moderator", Role.MODERATOR, self.event)
        make_user("secretary", Role.SECRETARIAT, self.event)
        self.browsers = {}
        for name in ("rapporteur", "moderator", "secretary"):
            self.browsers[name] = app.test_client()
            login(self.browsers[name], name)
        self.capture = socket_client(self.browsers["rapporteur"])
        for room in self.rooms:
            assert self.capture.emit("join", {"room": room.id, "since": None})["ok"]
        self.plenary = socket_client(self.browsers["moderator"])
        assert self.plenary.emit("plenary:join", {"event": self.event.id, "since": None})["ok"]

    def room(self, title: str):
        return next(r for r in self.rooms if r.title.startswith(title))

    def write_summary(self, room, text: str) -> None:
        """The room's rapporteur writes its running summary."""
        answer = self.capture.emit("mutate", {"room": room.id, "op": "summary", "mutation_id": new_id(),
                                              "base_version": room.summary_version, "text": text})
        assert answer["ok"], answer

    def write_item(self, room, category: str, text: str) -> str:
        """The room's rapporteur adds an item; its id."""
        item = new_id()
        answer = self.capture.emit("mutate", {"room": room.id, "op": "create", "mutation_id": new_id(),
                                              "item": item, "category": category, "text": text})
        assert answer["ok"], answer
        return item

    def agree(self, section: str, text: str, items: list[str] | None = None) -> None:
        """The moderator writes a statement the plenary agreed, merging `items`."""
        answer = self.plenary.emit("plenary:mutate", {
            "event": self.event.id, "op": "create", "mutation_id": new_id(), "statement": new_id(),
            "section": section, "text": text, "items": items or []})
        assert answer["ok"], answer

    def type_text(self, field: str, text: str) -> None:
        """The secretariat types a text of the report page (it saves by itself)."""
        response = self.browsers["secretary"].api("POST", f"/events/{self.event.id}/report/texts/{field}",
                                                  {"text": text, "base_version": 0})
        assert response.status_code == 200, response.json

    def choose(self, **settings) -> None:
        """The secretariat saves the report settings form."""
        form = {"mode": "final", "grouping": "category", "annex": "compact", "session_items": "key",
                **{k: v for k, v in settings.items() if v is not True and v is not False},
                **{k: "1" for k, v in settings.items() if v is True}}  # an unticked box is not sent
        assert self.browsers["secretary"].post(f"/events/{self.event.id}/report/settings",
                                               data=form).status_code == 302

    def report(self) -> bytes:
        response = self.browsers["secretary"].get(f"/events/{self.event.id}/report.docx")
        assert response.status_code == 200
        return response.data


@pytest.fixture
def meeting(app, make_user, login, socket_client):
    return lambda programme: Meeting(app, make_user, login, socket_client, programme)


# Reading the report back ------------------------------------------------------------------------------------


def body(data: bytes) -> list[tuple[str, str]]:
    """(style, text) of every paragraph after the contents."""
    paragraphs = [(p.style.name, p.text) for p in docx.Document(io.BytesIO(data)).paragraphs]
    start = next(i for i, (style, text) in enumerate(paragraphs) if style == "Heading 1")
    return paragraphs[start:]


def chapters(data: bytes) -> dict[str, list[tuple[str, str]]]:
    """Each Heading 1 with the paragraphs under it (not the page breaks)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for style, text in body(data):
        if style == "Heading 1":
            out[text] = current = []
        elif text:
            current.append((style, text))
    return out


def footnotes(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        if "word/footnotes.xml" not in zf.namelist():
            return []
        xml = zf.read("word/footnotes.xml").decode()
    notes = re.findall(r'<w:footnote w:id="[1-9]\d*">(.*?)</w:footnote>', xml, re.S)
    return ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", note)).strip() for note in notes]


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The report converted by LibreOffice (contents page numbers filled in), as text."""
    require("soffice", "libreoffice-writer-nogui")
    require("pdftotext", "poppler-utils")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.convert(data))
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True,
                          timeout=60).stdout


def first_sentence(text: str) -> str:
    return text.strip().split("\n")[0].lstrip("- ").split(". ")[0]


# Eurojust 2023 ----------------------------------------------------------------------------------------------


def test_the_eurojust_2023_meeting_comes_out_with_its_outcome_reports_structure(meeting, tmp_path):
    notes = yaml.safe_load(EUROJUST_NOTES.read_text(encoding="utf-8"))
    m = meeting(EUROJUST)
    for title, summary in notes["summaries"].items():
        m.write_summary(m.room(title), summary)
    workshop = m.room("Workshop 1")
    m.write_summary(workshop, notes["workshop_summary"])
    for category, text in notes["outcomes"]:
        m.write_item(workshop, category, text)
    for text in notes["conclusions"]:
        m.agree("conclusion", text)
    # The only text typed on the report page; the imprint and the layout came with the programme file.
    m.type_text("introduction", notes["introduction"])

    data = m.report()
    paragraphs = [(p.style.name, p.text) for p in docx.Document(io.BytesIO(data)).paragraphs]
    # The title page: title, place and dates, subtitle; then the contents.
    assert paragraphs[:3] == [("Title", "Eurojust Meeting on Migrant Smuggling"),
                              ("Title Details", "The Hague, 8\u20139 November 2023"), ("Subtitle", "Outcome Report")]
    assert ("TOC Heading", "Contents") in paragraphs
    sessions = list(notes["summaries"])
    expected = ["Introduction", *[f"{n}. {title}" for n, title in enumerate(sessions, 1)],
                "5. Interactive workshops", "6. Conclusions and way forward"]
    assert [text for style, text in paragraphs if style == "TOC 1"] == expected
    parts = chapters(data)
    assert list(parts) == expected

    assert parts["Introduction"][0][1].startswith("Eurojust hosted its annual meeting")
    for number, title in enumerate(sessions, 1):  # each session's narrative, as its rapporteurs wrote it
        chapter = parts[f"{number}. {title}"]
        assert first_sentence(notes["summaries"][title]) in chapter[0][1]
    second = parts["2. Second session: cooperation with non-EU countries"]
    assert [text for style, text in second if style == "List Bullet 2"] == [
        "appointing more contact points and posting a WACAP liaison officer at Eurojust;",
        "organising operational meetings between EU judicial authorities and authorities from WACAP countries; and",
        "facilitating WACAP countries' participation in JITs, benefiting from Eurojust's legal, technical and "
        "financial support."]
    document = docx.Document(io.BytesIO(data))
    third = [p for p in document.paragraphs if p.style.name == "List Bullet"
             and p.text.startswith(("Europol's EMSC provided", "Frontex presented"))]
    assert [r.text for p in third for r in p.runs if r.style.name == "Strong"] == ["Europol's EMSC", "Frontex"]
    assert footnotes(data) == ["The report is published on Eurojust's website."]
    assert "[^1]" not in "\n".join(text for _, text in paragraphs)

    workshops = parts["5. Interactive workshops"]
    assert workshops[0][1].startswith("In addition to presentations and discussions")
    assert workshops[1] == ("Disclaimer", "The information below does not reflect the official views of Eurojust.")
    assert workshops[2:] == [("List Bullet", text) for _, text in notes["outcomes"]]  # one list, as typed

    conclusions = parts["6. Conclusions and way forward"]  # bullets, as in the Eurojust report
    assert conclusions == [("List Bullet", text) for text in notes["conclusions"]]

    # The back cover: the address, then catalogue number • ISBN • DOI, at the foot of the last page.
    cover = document.sections[-1].first_page_footer
    assert [(p.style.name, p.text) for p in cover.paragraphs] == [
        ("Back Matter", "Eurojust, Johan de Wittlaan 9, 2517 JR The Hague, The Netherlands"),
        ("Back Matter", "www.eurojust.europa.eu • info@eurojust.europa.eu • +31 70 412 5000"),
        ("Back Matter", "Follow Eurojust on X, LinkedIn and YouTube @Eurojust"),
        ("Back Matter", "Catalogue number: QP-09-24-099-EN-N • ISBN: 978-92-9404-228-6 • DOI: 10.2812/788806")]
    # Nothing a publisher would have to remove by hand.
    text = "\n".join(t for _, t in paragraphs)
    assert not re.search(r"Draft of|See Conclusions|\(Round 1\)|Rapporteurs:|\(\d+ votes?\)|Annex", text)
    assert {"Draft Label", "Source"}.isdisjoint(style for style, _ in paragraphs)

    printed = pdf_text(data, tmp_path)
    contents = printed.split("Contents", 1)[1]
    for title in expected:  # the contents give every chapter a page number
        assert re.search(re.escape(title) + r"[ .]*\d+\s*$", contents, re.M), title
    assert "Catalogue number: QP-09-24-099-EN-N • ISBN: 978-92-9404-228-6 • DOI: 10.2812/788806" in printed


# Plenary panels with moderators and panellists -----------------------------------------------------------


PANEL_NOTES = {
    "Panel 1": "The moderator opened with the question of how money moves through smuggling networks.\n\n"
               "- Informal transfer systems leave little trace[^1].\n"
               "- **Parallel financial investigations** were the panel's main recommendation.\n\n"
               "[^1]: Hawala and similar systems were named by all panellists.",
    "Panel 2": "The panel discussed how evidence held abroad can be obtained in time for trial.",
}
COMMITMENTS = ["Meet again within a year", "Set up a contact list of cybercrime prosecutors",
               "Share the panels' case studies with every participant"]


def test_a_meeting_of_plenary_panels_gets_a_chapter_per_panel_and_a_numbered_list_per_conclusion_section(
        meeting, tmp_path):
    m = meeting(PANELS)
    for panel, text in PANEL_NOTES.items():
        m.write_summary(m.room(panel), text)
    m.write_item(m.room("Panel 1"), "recommendation", "Freeze assets early")
    key = m.write_item(m.room("Panel 2"), "challenge", "Requests for data take months")
    assert m.capture.emit("mutate", {"room": m.room("Panel 2").id, "op": "edit", "mutation_id": new_id(),
                                     "item": key, "base_version": 1, "key_point": True})["ok"]
    first = m.write_item(m.room("Workshop 1"), "recommendation", "Use joint investigation teams more often")
    second = m.write_item(m.room("Workshop 2"), "recommendation", "Set up joint teams from the start")
    m.write_item(m.room("Workshop 2"), "challenge", "Different rules on data retention")
    m.agree("recommendation", "Set up joint investigation teams early", [first, second])
    m.agree("recommendation", "Freeze assets as early as possible")
    response = m.browsers["secretary"].post(f"/setup/events/{m.event.id}/conclusions",
                                            data={"heading": "Proposed actionable commitments"})
    assert response.status_code == 302
    for text in COMMITMENTS:
        m.agree("proposed_actionable_commitments", text)
    m.choose(heading_numbers=True, numbered_conclusions=True)  # per workshop, by category; a compact annex

    data = m.report()
    parts = chapters(data)
    assert list(parts) == ["Introduction", "1. Opening", "2. Panel 1: Following the money",
                           "3. Panel 2: Digital evidence across borders", "4. Parallel workshops",
                           "5. Conclusions and way forward", "Annex: programme"]  # no "Dinner + drinks"
    assert parts["1. Opening"] == [  # nothing written for it: who chaired it
        ("Session Details", "Chair: Clara Weiss, Head of the Secretariat, Regional Cooperation Secretariat")]
    assert parts["2. Panel 1: Following the money"] == [
        ("Normal", "The moderator opened with the question of how money moves through smuggling networks."),
        ("List Bullet", "Informal transfer systems leave little trace."),
        ("List Bullet", "Parallel financial investigations were the panel's main recommendation.")]
    assert footnotes(data) == ["Hawala and similar systems were named by all panellists."]
    assert parts["3. Panel 2: Digital evidence across borders"] == [  # the narrative, then the key points
        ("Normal", PANEL_NOTES["Panel 2"]), ("List Bullet", "Requests for data take months")]

    assert parts["4. Parallel workshops"] == [
        ("Disclaimer", "The outcomes below were captured in the workshops; they are not official positions "
                       "of the organisers."),
        ("Heading 2", "4.1 Workshop 1: Joint investigations"),
        ("Heading 3", "Recommendations"), ("List Bullet", "Use joint investigation teams more often"),
        ("Heading 2", "4.2 Workshop 2: Evidence and data"),
        ("Heading 3", "Challenges"), ("List Bullet", "Different rules on data retention"),
        ("Heading 3", "Recommendations"), ("List Bullet", "Set up joint teams from the start")]
    assert parts["5. Conclusions and way forward"] == [
        ("Heading 2", "5.1 Recommendations"),
        ("Statement", "(a) Set up joint investigation teams early"),
        ("Statement", "(b) Freeze assets as early as possible"),
        ("Heading 2", "5.2 Proposed actionable commitments"),
        *[("Statement", f"({letter}) {text}") for letter, text in zip("abc", COMMITMENTS)]]
    annex = parts["Annex: programme"]
    assert [text for style, text in annex if style == "Table Heading"] == ["Tuesday 12 March 2024",
                                                                           "Wednesday 13 March 2024"]
    assert ("Programme Entry", "09:30\u201311:00\tPanel 1: Following the money. Moderator: Anna Berger, Senior "
            "Prosecutor, Office of the Prosecutor General. Panellists: Jonas Lind, Financial Investigator, National "
            "Police; Mira Kovač, Analyst, Financial Intelligence Unit") in annex
    assert len([style for style, _ in annex if style == "Programme Entry"]) == 5

    printed = pdf_text(data, tmp_path)
    assert "5.2 Proposed actionable commitments" in printed and "(c) Share the panels' case studies" in printed
    assert "Dinner" not in printed and "Draft of" not in printed


# The README's pictures ------------------------------------------------------------------------------------

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
DEMO_OUTCOMES = [  # (workshop, round, category, text, key point), in the style of the Eurojust 2023 outcomes
    (1, 1, "challenge", "Information held by border guards rarely reaches prosecutors in time", True),
    (1, 2, "challenge", "Intelligence from hotspots is not shared systematically with Europol", False),
    (1, 1, "recommendation", "Set up a single national contact point on migrant smuggling in each Member State", True),
    (1, 2, "recommendation", "Every Member State should designate one national contact point for smuggling", False),
    (2, 1, "best_practice", "Parallel financial investigations from the first day of a case", True),
    (2, 2, "challenge", "Hawala payments leave almost no paper trail", False),
    (2, 1, "recommendation", "Use joint investigation teams with Eurojust support for cross-border cases", False),
]
DEMO_SUMMARIES = {  # workshop number: its first round's running summary
    1: "The workshop looked at what keeps information from reaching those who need it. Participants from "
       "border guards, police and prosecution services compared how intelligence travels in their countries.\n\n"
       "- Information gathered at the border is often **not passed on** to prosecutors.\n"
       "- Several countries have a single contact point[^1]; those that do reported faster cases.\n\n"
       "[^1]: A national office that receives and forwards all requests on migrant smuggling cases.",
    2: "Financial investigators and prosecutors discussed how to follow the money of smuggling networks.",
}


def test_the_readme_shows_the_first_pages_of_the_demos_final_report(client, login, demo_event, tmp_path):
    """Made from the demo with some content, converted by LibreOffice, and shown in the README."""
    from facilitator.services.capture import perform_mutation
    from facilitator.services.statements import perform_statement_mutation

    require("pdftoppm", "poppler-utils")
    moderator = next(a.user for a in demo_event.assignments if a.role is Role.MODERATOR)
    rooms = {(r.workshop.number, r.round.number): r for r in event_rooms(demo_event)}
    ids = {}
    for workshop, round_, category, text, key_point in DEMO_OUTCOMES:
        ids[text] = new_id()
        perform_mutation(moderator, rooms[(workshop, round_)], {
            "op": "create", "mutation_id": new_id(), "item": ids[text], "category": category, "text": text,
            "key_point": key_point})
    for workshop, text in DEMO_SUMMARIES.items():
        perform_mutation(moderator, rooms[(workshop, 1)], {"op": "summary", "mutation_id": new_id(),
                                                          "base_version": 0, "text": text})
    perform_statement_mutation(moderator, demo_event, {
        "op": "create", "mutation_id": new_id(), "statement": new_id(), "section": "recommendation",
        "items": [ids[t] for t in ids if "contact point" in t],
        "text": "Designate a single national contact point on migrant smuggling in every Member State"})
    db.session.commit()
    login(client, "secretariat", "secretariat-demo")
    base = f"/events/{demo_event.id}/report"
    assert client.post(f"{base}/settings", data={"mode": "final", "grouping": "category", "annex": "compact",
                                                 "session_items": "key", "heading_numbers": "1",
                                                 "numbered_conclusions": "1"}).status_code == 302
    client.api("POST", f"{base}/texts/place", {"text": "Amsterdam", "base_version": 0})

    printed = pdf.convert(client.get(f"{base}.docx").data)
    (tmp_path / "report.pdf").write_bytes(printed)

    def page_text(number: int) -> str:
        return subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-layout",
                               str(tmp_path / "report.pdf"), "-"], check=True, capture_output=True, text=True).stdout

    assert "Amsterdam, 12\u201313 January 2016" in page_text(1) and "Draft" not in page_text(1)
    assert "Contents" in page_text(2) and "Outcomes of the workshops" in page_text(2)
    outcomes = next(n for n in range(3, 30) if re.search(r"^\s*\d+\. Outcomes of the workshops", page_text(n), re.M))
    assert "Set up a single national contact point" in page_text(outcomes)
    for old in SCREENSHOTS.glob("report-page-*.png"):
        old.unlink()
    for name, number in (("1", 1), ("2", 2), ("3", outcomes)):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", "-f", str(number), "-l", str(number),
                        str(tmp_path / "report.pdf"), str(SCREENSHOTS / f"report-page-{name}")], check=True)
    assert sorted(p.name for p in SCREENSHOTS.glob("report-page-*.png")) == [
        "report-page-1.png", "report-page-2.png", "report-page-3.png"]


# The pieces: typed text, footnotes in a house template, settings --------------------------------------------


def test_typed_text_keeps_what_it_cannot_read():
    from facilitator.writer.narrative import parse

    blocks = parse("A note[^1], a marker without one[^2] and a lone ** star.\n\n[^1]: Defined.")
    assert [(s.text, s.note) for s in blocks[0].spans] == [
        ("A note", False), ("Defined.", True), (", a marker without one[^2] and a lone ** star.", False)]


def test_footnotes_go_after_those_of_a_house_template():
    from facilitator.writer.model import Report, ReportSession
    from facilitator.writer.report import build_report

    def final(note: str) -> Report:
        return Report(title="Meeting", final=True, introduction=f"Intro[^a].\n\n[^a]: {note}",
                      sessions=[ReportSession(kind="Panel", title="Panel", summary="Said[^b].\n\n[^b]: Cited.")])

    template = build_report(final("From the template's own report."))  # has a footnotes part of its own
    data = build_report(final("The new note."), template)
    notes = footnotes(data)
    assert notes[-2:] == ["The new note.", "Cited."]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        document, xml = zf.read("word/document.xml").decode(), zf.read("word/footnotes.xml").decode()
    ids = re.findall(r'<w:footnote [^>]*w:id="(-?\d+)"', xml)
    assert len(ids) == len(set(ids)) and {"-1", "0"} <= set(ids)
    assert set(re.findall(r'<w:footnoteReference w:id="(\d+)"', document)) <= set(ids)


def test_the_download_takes_the_mode_and_bad_settings_change_nothing(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    base = f"/events/{demo_event.id}/report"
    response = client.post(f"{base}/settings", data={"mode": "published", "grouping": "all", "annex": "none",
                                                     "session_items": "key"}, follow_redirects=True)
    assert "mode: choose one of draft, final" in response.get_data(as_text=True)
    assert demo_event.report_settings is None
    client.post(f"{base}/settings", data={"mode": "final", "grouping": "all", "annex": "none",
                                          "session_items": "key"})
    db.session.expire_all()
    assert (demo_event.report_settings.mode, demo_event.report_settings.annex) == ("final", "none")

    def texts(mode: str | None) -> str:
        data = client.get(f"{base}.docx", query_string={"mode": mode} if mode else {}).data
        return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)

    assert "Draft of" not in texts(None) and "Draft of" not in texts("final")
    assert "Draft of" in texts("draft") and "Annex: programme" not in texts("draft")  # same settings otherwise
