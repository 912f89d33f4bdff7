"""Each text of the report page saves by itself, with a version: two people writing the same text never
overwrite each other unseen, and neither loses their words."""

import io

import docx
import pytest
import sqlalchemy as sa

from facilitator.extensions import db
from facilitator.models import ReportTextRevision, Role

from .conftest import CSRFClient, table_counts


@pytest.fixture
def second(app, make_user, login, demo_event) -> CSRFClient:
    """A second member of the secretariat, logged in on another browser."""
    make_user("editor", Role.SECRETARIAT, demo_event, name="Second Editor")
    other = app.test_client()
    login(other, "editor")
    return other


def _save(client, event, field, text, base):
    return client.api("POST", f"/events/{event.id}/report/texts/{field}", {"text": text, "base_version": base})


def _docx_text(client, event) -> str:
    document = docx.Document(io.BytesIO(client.get(f"/events/{event.id}/report.docx").data))
    return "\n".join(p.text for p in document.paragraphs)


def test_a_text_saves_by_itself_and_is_in_the_report(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    panel = demo_event.programme_sessions[2]
    response = _save(client, demo_event, f"summary-{panel.id}", "The panel stressed trust.", 0)
    assert response.status_code == 200
    assert response.json == {"ok": True, "field": f"summary-{panel.id}", "version": 1}
    response = _save(client, demo_event, "introduction", "Two hundred practitioners met.", 0)
    assert response.json["version"] == 1

    page = client.get(f"/events/{demo_event.id}/report").get_data(as_text=True)
    assert "The panel stressed trust." in page and f'name="version-summary-{panel.id}" value="1"' in page
    text = _docx_text(client, demo_event)
    assert "The panel stressed trust." in text and "Two hundred practitioners met." in text
    assert _save(client, demo_event, "introduction", "Two hundred practitioners met in Amsterdam.", 1).json[
        "version"] == 2


def test_the_second_writer_gets_a_conflict_with_the_first_ones_text_and_both_are_kept(
        client, login, demo_event, second):
    login(client, "secretariat", "secretariat-demo")
    assert _save(client, demo_event, "conclusions", "Mine: cooperation first.", 0).json["version"] == 1

    response = _save(second, demo_event, "conclusions", "Theirs: data first.", 0)
    assert response.status_code == 409
    answer = response.json
    assert (answer["ok"], answer["error"], answer["version"], answer["text"], answer["author"]) == (
        False, "conflict", 1, "Mine: cooperation first.", "Demo secretariat")
    assert "changed this text" in answer["message"]

    db.session.refresh(demo_event)
    assert demo_event.conclusions == "Mine: cooperation first."
    kept = db.session.scalars(sa.select(ReportTextRevision).where(ReportTextRevision.field == "conclusions")
                              .order_by(ReportTextRevision.id)).all()
    assert [(r.text, r.version, r.base_version) for r in kept] == [
        ("Mine: cooperation first.", 1, 0), ("Theirs: data first.", None, 0)]

    # Having seen the other text, the second writer saves theirs over it on purpose.
    assert _save(second, demo_event, "conclusions", "Theirs: data first.", 1).json["version"] == 2
    assert "Theirs: data first." in _docx_text(client, demo_event)


def test_a_retried_save_that_had_arrived_is_answered_ok_again(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    assert _save(client, demo_event, "disclaimer", "Not official views.", 0).json["version"] == 1
    again = _save(client, demo_event, "disclaimer", "Not official views.", 0)
    assert again.status_code == 200 and again.json["version"] == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportTextRevision)) == 1


def test_a_change_on_the_settings_page_moves_the_version(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    form = {"title": demo_event.title, "language": "en", "introduction": "Written in the settings.",
            "disclaimer": demo_event.disclaimer}
    assert client.post(f"/setup/events/{demo_event.id}/settings", data=form).status_code == 302
    response = _save(client, demo_event, "introduction", "Written on the report page, from the old text.", 0)
    assert response.status_code == 409 and response.json["text"] == "Written in the settings."


def test_the_form_without_javascript_keeps_both_texts_on_a_conflict(client, login, demo_event, second):
    login(client, "secretariat", "secretariat-demo")
    _save(second, demo_event, "introduction", "The editor's introduction.", 0)
    response = client.post(f"/events/{demo_event.id}/report/texts", data={
        "introduction": "My introduction.", "version-introduction": "0",
        "conclusions": "My conclusions.", "version-conclusions": "0"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "My introduction." in page and "The editor&#39;s introduction." in page
    assert "Second Editor changed this text" in page
    assert 'name="version-introduction" value="1"' in page  # saving again now replaces theirs, knowingly
    db.session.refresh(demo_event)
    assert (demo_event.introduction, demo_event.conclusions) == ("The editor's introduction.", "My conclusions.")


@pytest.mark.parametrize("body, status, error", [
    ({"text": "x", "base_version": "1"}, 400, "invalid"),
    ({"text": 5, "base_version": 0}, 400, "invalid"),
    ({"base_version": 0}, 400, "invalid"),
    ({"text": "x" * 100_001, "base_version": 0}, 400, "invalid"),
    ("not an object", 400, "invalid"),
])
def test_bad_saves_get_a_clear_error_and_write_nothing(client, login, demo_event, body, status, error):
    login(client, "secretariat", "secretariat-demo")
    before = table_counts()
    response = client.api("POST", f"/events/{demo_event.id}/report/texts/introduction", body)
    assert response.status_code == status
    assert response.json["ok"] is False and response.json["error"] == error and response.json["message"]
    assert table_counts() == before


def test_an_unknown_text_is_not_found(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    response = _save(client, demo_event, "summary-999999", "x", 0)
    assert response.status_code == 404 and response.json["error"] == "invalid"


@pytest.mark.parametrize("who", ["moderator", "rapporteur", "viewer"])
def test_only_the_secretariat_saves_report_texts(client, login, demo_event, who):
    login(client, who, f"{who}-demo")
    assert _save(client, demo_event, "introduction", "x", 0).status_code == 403


def test_a_save_without_the_csrf_token_is_refused(client, login, demo_event):
    login(client, "secretariat", "secretariat-demo")
    response = client.open(f"/events/{demo_event.id}/report/texts/introduction", method="POST",
                           json={"text": "x", "base_version": 0}, headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.json["error"] == "csrf"
    assert demo_event.introduction != "x"


def test_two_saves_racing_to_the_same_version_give_one_conflict(client, login, demo_event, second, monkeypatch):
    """The second save read the version before the first one committed: the unique version refuses it."""
    from facilitator.services.report import texts as report_texts

    login(client, "secretariat", "secretariat-demo")
    assert _save(client, demo_event, "conclusions", "The first save.", 0).json["version"] == 1
    real_latest = report_texts._latest
    reads = []
    monkeypatch.setattr(report_texts, "_latest", lambda *a: real_latest(*a) if reads.append(1) or len(reads) > 1
                        else None)
    response = _save(second, demo_event, "conclusions", "The racing save.", 0)
    assert response.status_code == 409 and response.json["text"] == "The first save."
    db.session.refresh(demo_event)
    assert demo_event.conclusions == "The first save."
    kept = db.session.scalars(sa.select(ReportTextRevision.text).order_by(ReportTextRevision.id)).all()
    assert kept == ["The first save.", "The racing save."]
