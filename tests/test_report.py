"""The outcome report from a real event: content, downloads, exports, templates and who may get them."""

import csv
import io
import json
import re
import uuid
from datetime import date

import docx
import pytest
import sqlalchemy as sa
from werkzeug.test import EnvironBuilder

from facilitator.extensions import db
from facilitator.models import User
from facilitator.services.capture import perform_mutation
from facilitator.services.events import event_rooms
from facilitator.services.report.data import report_data
from facilitator.services.statements import perform_statement_mutation

from .test_docx_report import make_template, with_entity, zip_bomb

SAMPLES = ["Обмін інформацією між слідчими", "İstanbul taahhütleri ıı", "تبادل المعلومات بين الدول", "Data 📊 sharing"]


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def captured(demo_event):
    """Items in two workshops (one a key point, some in other scripts), two of them merged into a statement."""
    moderator = db.session.scalar(sa.select(User).where(User.username == "moderator"))
    rapporteur = db.session.scalar(sa.select(User).where(User.username == "rapporteur"))
    rooms = {(r.workshop.number, r.round.number): r for r in event_rooms(demo_event)}
    ids = {}

    def add(key, room, category, text, author=moderator, key_point=False):
        ids[key] = new_id()
        perform_mutation(author, rooms[room], {"op": "create", "mutation_id": new_id(), "item": ids[key],
                                               "category": category, "text": text, "key_point": key_point})

    add("contact1", (1, 1), "recommendation", "Single contact points in every Member State", rapporteur)
    add("contact2", (1, 2), "recommendation", "One national contact point per country", rapporteur)
    add("trust", (1, 1), "challenge", "Lack of trust between agencies", rapporteur, key_point=True)
    add("hawala", (2, 1), "challenge", "Hawala payments are hard to trace")
    for n, text in enumerate(SAMPLES):
        add(f"sample{n}", (3, 1), "best_practice", text)
    perform_statement_mutation(moderator, demo_event, {
        "op": "create", "mutation_id": new_id(), "statement": new_id(), "section": "recommendation",
        "text": "Establish single national contact points on migrant smuggling",
        "items": [ids["contact1"], ids["contact2"]]})
    return ids


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def test_report_data_credits_rapporteurs_and_shows_merged_items_through_their_statement(demo_event, captured):
    report = report_data(demo_event)
    workshop_one = report.workshops[0]
    assert "Demo rapporteur" in workshop_one.rapporteurs
    recommendations = next(c for c in workshop_one.categories if c.name == "Recommendations")
    assert [i.statement_ref for i in recommendations.items] == ["Recommendations (a)", "Recommendations (a)"]
    section = next(s for s in report.sections if s.key == "recommendation")
    statement = section.statements[0]
    assert statement.number == "(a)"
    assert sorted(s.room for s in statement.sources) == ["Workshop 1, Round 1", "Workshop 1, Round 2"]
    assert report.dates == "12\u201313 January 2016"


def test_key_points_only_keeps_key_points_and_merged_items(demo_event, captured):
    report = report_data(demo_event, key_points_only=True)
    texts = [i.text for w in report.workshops for c in w.categories for i in c.items if not i.statement_ref]
    assert texts == ["Lack of trust between agencies"]


def test_the_downloaded_report_holds_every_item_once(client, login, demo_event, captured):
    login(client, "secretariat", "secretariat-demo")
    response = client.get(f"/events/{demo_event.id}/report.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in response.headers["Content-Disposition"]
    text = _docx_text(response.data)
    for sample in SAMPLES + ["Lack of trust between agencies", "Hawala payments are hard to trace"]:
        assert text.count(sample) == 1, sample
    for merged in ("Single contact points in every Member State", "One national contact point per country"):
        assert text.count(merged) == 1  # under its statement only
    assert "Establish single national contact points on migrant smuggling" in text
    assert text.index("Outcomes of the workshops") < text.index("Conclusions and way forward")


def test_report_without_statements_or_items_still_downloads(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    response = client.get(f"/events/{demo_event.id}/report.docx")
    assert response.status_code == 200
    assert "European Conference 2016" in _docx_text(response.data)


def test_secretariat_edits_the_report_texts(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    panel = demo_event.programme_sessions[2]
    response = client.post(f"/events/{demo_event.id}/report/texts", data={
        "introduction": "The conference gathered 200 practitioners.", "conclusions": "The way forward is clear.",
        f"summary-{panel.id}": "The panel stressed trust between agencies."})
    assert response.status_code == 302
    page = client.get(f"/events/{demo_event.id}/report").get_data(as_text=True)
    assert "The panel stressed trust between agencies." in page
    text = _docx_text(client.get(f"/events/{demo_event.id}/report.docx").data)
    for written in ("The conference gathered 200 practitioners.", "The way forward is clear.",
                    "The panel stressed trust between agencies."):
        assert written in text


def test_csv_export_has_every_item_and_neutralises_formulas(client, login, demo_event, captured):
    moderator = db.session.scalar(sa.select(User).where(User.username == "moderator"))
    room = event_rooms(demo_event)[0]
    for text in ("=HYPERLINK(\"http://evil\")", "+1+1", "-2", "@SUM(A1)"):
        perform_mutation(moderator, room, {"op": "create", "mutation_id": new_id(), "item": new_id(),
                                           "category": "challenge", "text": text})
    login(client, "secretariat", "secretariat-demo")
    response = client.get(f"/events/{demo_event.id}/items.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == len(captured) + 4
    texts = {row["text"] for row in rows}
    assert {"'=HYPERLINK(\"http://evil\")", "'+1+1", "'-2", "'@SUM(A1)"} <= texts
    assert set(SAMPLES) <= texts
    row = next(r for r in rows if r["text"] == "Lack of trust between agencies")
    assert (row["workshop"], row["round"], row["category"], row["author"], row["key_point"]) == (
        "1", "Round 1", "Challenges", "Demo rapporteur", "True")
    assert row["created_at"] and row["updated_at"]


def test_json_export(client, login, demo_event, captured):
    login(client, "secretariat", "secretariat-demo")
    data = json.loads(client.get(f"/events/{demo_event.id}/items.json").data)
    assert len(data["items"]) == len(captured)
    merged = [i for i in data["items"] if i["statement"]]
    assert {i["statement"] for i in merged} == {"Recommendations (a)"}


def test_a_file_that_is_not_a_docx_is_refused_as_template(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    response = client.post(f"/events/{demo_event.id}/report/template",
                           data={"file": (io.BytesIO(b"%PDF-1.4 not a word file"), "template.docx")},
                           follow_redirects=True)
    assert "not a Word document" in response.get_data(as_text=True)
    assert client.get(f"/events/{demo_event.id}/report.docx").status_code == 200


def test_an_uploaded_template_is_used(client, login, demo_event):
    template = docx.Document()
    template.sections[0].header.paragraphs[0].text = "House header of the Ministry"
    out = io.BytesIO()
    template.save(out)
    login(client, "secretariat", "secretariat-demo")
    response = client.post(f"/events/{demo_event.id}/report/template",
                           data={"file": (io.BytesIO(out.getvalue()), "house.docx")}, follow_redirects=True)
    assert "now uses this template" in response.get_data(as_text=True)
    report = docx.Document(io.BytesIO(client.get(f"/events/{demo_event.id}/report.docx").data))
    assert report.sections[0].header.paragraphs[0].text == "House header of the Ministry"


def _upload_template(client, event, data: bytes, name: str = "house.docx"):
    return client.post(f"/events/{event.id}/report/template", data={"file": (io.BytesIO(data), name)},
                       follow_redirects=True)


def _report_header(client, event) -> str:
    report = docx.Document(io.BytesIO(client.get(f"/events/{event.id}/report.docx").data))
    return report.sections[0].header.paragraphs[0].text


@pytest.mark.parametrize("hostile, reason", [
    (lambda: zip_bomb(make_template()), "too large once unpacked: its part word/media/padding.bin"),
    (lambda: with_entity(make_template()), "word/document.xml declares a document type or entities"),
])
def test_a_hostile_template_is_refused_and_the_previous_one_stays(client, login, demo_event, hostile, reason):
    """A zip bomb or an entity declaration is refused with its reason; reports keep the house template."""
    login(client, "secretariat", "secretariat-demo")
    assert "now uses this template" in _upload_template(client, demo_event, make_template()).get_data(as_text=True)
    page = _upload_template(client, demo_event, hostile(), "hostile.docx").get_data(as_text=True)
    assert "This template was not accepted; the report keeps its current styles." in page
    assert reason in page
    assert "now uses this template" not in page
    assert "<strong>house.docx</strong>" in client.get(f"/events/{demo_event.id}/report").get_data(as_text=True)
    assert _report_header(client, demo_event) == "ACME Secretariat header"


def test_a_stored_template_that_fails_the_checks_no_longer_breaks_the_download(client, login, demo_event):
    """One stored before uploads were checked: the report downloads in facilitator's styles, and says why."""
    from facilitator.models import ReportTemplate

    db.session.add(ReportTemplate(event_id=demo_event.id, filename="old.docx", data=with_entity(make_template())))
    db.session.commit()
    login(client, "secretariat", "secretariat-demo")
    response = client.get(f"/events/{demo_event.id}/report.docx")
    assert response.status_code == 200
    assert "Outcomes of the workshops" in _docx_text(response.data)
    assert "old.docx can no longer be used" in client.get(f"/events/{demo_event.id}/report").get_data(as_text=True)


@pytest.mark.parametrize("path, field", [("/events/{id}/report/template", "file"), ("/setup/events/import", "file")])
def test_an_upload_over_the_limit_says_the_limit(app, client, login, demo_event, path, field):
    login(client, "secretariat", "secretariat-demo")
    assert _upload_template(client, demo_event, make_template()).status_code == 200
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == 5 * 1024 * 1024
    big = io.BytesIO(b"PK" + b"\0" * (6 * 1024 * 1024))
    # Built here so the body's temporary file can be closed: the test client leaves it to the collector.
    environ = EnvironBuilder(path.format(id=demo_event.id), method="POST",
                             data={field: (big, "big.docx"), "csrf_token": client.csrf_token()}).get_environ()
    try:
        response = client.open(environ)
    finally:
        environ["wsgi.input"].close()
    assert response.status_code == 413
    assert "This upload is larger than the limit of 5 MB." in response.get_data(as_text=True)
    assert _report_header(client, demo_event) == "ACME Secretariat header"


def test_an_api_upload_over_the_limit_says_the_limit_in_json(client, login, demo_event):
    login(client, "rapporteur", "rapporteur-demo")
    room = event_rooms(demo_event)[0]
    response = client.api("POST", f"/api/rooms/{room.id}/items",
                          json={"category": "challenge", "text": "x" * (6 * 1024 * 1024)})
    assert response.status_code == 413
    assert response.get_json()["error"] == "request_entity_too_large"
    assert "larger than the limit of 5 MB" in response.get_json()["message"]
    assert client.api("GET", f"/api/rooms/{room.id}").get_json()["items"] == []


@pytest.mark.parametrize("who", ["moderator", "rapporteur", "viewer"])
def test_only_the_secretariat_gets_the_report_and_exports(client, login, demo_event, who):
    login(client, who, f"{who}-demo")
    for path in ("report", "report.docx", "items.csv", "items.json"):
        assert client.get(f"/events/{demo_event.id}/{path}").status_code == 403


def test_the_event_page_and_the_report_show_the_same_dates(client, login, demo_event):
    demo_event.start_date, demo_event.end_date = date(2016, 6, 30), date(2016, 7, 1)
    db.session.commit()
    login(client, "secretariat", "secretariat-demo")
    page = client.get(f"/events/{demo_event.id}").get_data(as_text=True)
    text = _docx_text(client.get(f"/events/{demo_event.id}/report.docx").data)
    assert "30 June \u2013 1 July 2016" in page
    assert "30 June \u2013 1 July 2016" in text


def test_the_report_converts_to_pdf_with_libreoffice(client, login, demo_event, captured, tmp_path):
    """What the secretariat does before publishing: open it in an office suite and export a PDF."""
    import os
    import shutil
    import subprocess

    if shutil.which("soffice") is None:
        if os.environ.get("FACILITATOR_REQUIRE_OFFICE"):
            pytest.fail("soffice is missing, and FACILITATOR_REQUIRE_OFFICE says this may not be skipped")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    login(client, "secretariat", "secretariat-demo")
    source = tmp_path / "report.docx"
    source.write_bytes(client.get(f"/events/{demo_event.id}/report.docx").data)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "report.pdf").read_bytes()
    pages = re.findall(rb"/Type\s*/Page(?!s)", pdf)
    assert pdf.startswith(b"%PDF") and len(pages) >= 5
