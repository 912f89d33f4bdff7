"""The final report: a real meeting captured through the live protocols comes out as a publishable outcome
report, with nothing typed on the report page but the introduction and the imprint.

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
from facilitator.reports import pdf
from facilitator.services.accounts import assign
from facilitator.services.events import event_rooms
from facilitator.services.programme import import_programme

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
        # TODO(lead): send this through the capture protocol, {"op": "summary", ...} on `mutate`, once the
        # live summary is merged; until then it is written to the room as that op would store it.
        room.summary, room.summary_version = text, room.summary_version + 1
        db.session.commit()

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
    m.type_text("introduction", notes["introduction"])  # the only text of the report itself typed there
    for field, value in notes["front_matter"].items():
        m.type_text(field, value)
    m.choose(grouping="all", annex="none", heading_numbers=True, numbered_conclusions=False)

    data = m.report()
    paragraphs = [(p.style.name, p.text) for p in docx.Document(io.BytesIO(data)).paragraphs]
    # The title page: title, place and dates, subtitle; then the contents.
    assert paragraphs[:3] == [("Title", "Eurojust Meeting on Migrant Smuggling"),
                              ("Title Details", "The Hague, 8-9 November 2023"), ("Subtitle", "Outcome Report")]
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
