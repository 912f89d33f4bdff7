"""The report as a PDF: converted by LibreOffice in the background, with the contents' page numbers, a
status to poll, a clear message where LibreOffice is missing, and for the secretariat only."""

import os
import re
import shutil
import subprocess

import pytest

from facilitator.services.report.data import report_data
from facilitator.writer import pdf
from facilitator.writer.pdf import PdfJobs, content_key
from facilitator.writer.report import build_report


def require(command: str, package: str) -> None:
    if shutil.which(command) is None:
        if os.environ.get("FACILITATOR_REQUIRE_OFFICE"):
            pytest.fail(f"{command} is missing, and FACILITATOR_REQUIRE_OFFICE says this may not be skipped")
        pytest.skip(f"{command} is not installed (apt-get install {package})")


@pytest.fixture
def held(app):
    """Conversions wait until the test runs them, so the test sees "pending" whatever the machine's speed."""
    tasks = []
    app.extensions["facilitator.pdf"] = PdfJobs(app.config["SOFFICE_PATH"], app.config["PDF_TIMEOUT_SECONDS"],
                                                spawn=tasks.append)
    yield tasks
    app.extensions.pop("facilitator.pdf", None)


def _pdf_text(data: bytes, tmp_path, page: int | None = None) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *pages, str(path), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout


def test_the_pdf_is_made_in_the_background_with_page_numbers_in_the_contents(
        client, login, demo_event, held, tmp_path):
    require("soffice", "libreoffice-writer-nogui")
    require("pdftotext", "poppler-utils")
    login(client, "secretariat", "secretariat-demo")
    assert 'id="pdf-form"' in client.get(f"/events/{demo_event.id}/report").get_data(as_text=True)

    response = client.api("POST", f"/events/{demo_event.id}/report.pdf", {"scope": "all"})
    assert response.status_code == 202
    started = response.json
    assert (started["ok"], started["state"]) == (True, "pending") and "download_url" not in started
    assert client.get(started["status_url"]).json["state"] == "pending"
    assert len(held) == 1

    held.pop()()  # the background task, run here
    done = client.get(started["status_url"]).json
    assert (done["ok"], done["state"]) == (True, "done")
    download = client.get(done["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data.startswith(b"%PDF")

    text = _pdf_text(download.data, tmp_path)
    contents = text.split("Contents", 1)[1]
    pages = {title: int(number) for title, number in
             re.findall(r"^(Introduction|Outcomes of the workshops)[ .]*?\.{3,}\s*(\d+)\s*$", contents, re.M)}
    assert set(pages) == {"Introduction", "Outcomes of the workshops"}
    assert 1 < pages["Introduction"] < pages["Outcomes of the workshops"]
    for title, number in pages.items():  # the number is the page the heading is really on
        assert title in _pdf_text(download.data, tmp_path, number).splitlines()

    # The page, as a browser without JavaScript reloads it, links to the finished PDF.
    page = client.get(f"/events/{demo_event.id}/report?pdf={started['job']}").get_data(as_text=True)
    assert "Download the PDF" in page


def test_the_same_content_is_converted_once_and_one_at_a_time_per_event(app, demo_event, monkeypatch):
    converted = []
    monkeypatch.setattr(pdf, "convert", lambda data, *_: converted.append(data) or b"%PDF-1.4 made")
    tasks = []
    jobs = PdfJobs("soffice", 60, spawn=tasks.append)
    report = report_data(demo_event)
    first = build_report(report)
    assert content_key(first) == content_key(build_report(report))  # timestamps do not count

    job = jobs.request(demo_event.id, first)
    assert jobs.request(demo_event.id, build_report(report)) is job
    report.title = "Another title"
    second = jobs.request(demo_event.id, build_report(report))
    assert second is not job and len(tasks) == 1  # the second waits for the first
    assert second.as_dict()["message"].startswith("Waiting")

    tasks.pop()()
    assert (job.state, second.state, len(converted)) == ("done", "done", 2)
    assert jobs.request(demo_event.id, first) is job and not tasks


def test_a_failed_conversion_says_so(app, demo_event, tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    tasks = []
    jobs = PdfJobs(str(fake), 60, spawn=tasks.append)
    job = jobs.request(demo_event.id, build_report(report_data(demo_event)))
    tasks.pop()()
    assert job.state == "failed" and "LibreOffice could not" in job.as_dict()["message"]


def test_without_libreoffice_the_page_says_so(client, login, demo_event, held, monkeypatch, app, tmp_path):
    monkeypatch.setitem(app.config, "SOFFICE_PATH", str(tmp_path / "missing" / "soffice"))
    login(client, "secretariat", "secretariat-demo")
    page = client.get(f"/events/{demo_event.id}/report").get_data(as_text=True)
    assert "LibreOffice is not installed on this server" in page and 'id="pdf-form"' not in page
    response = client.api("POST", f"/events/{demo_event.id}/report.pdf", {})
    assert response.status_code == 503
    assert response.json["error"] == "unavailable" and "not installed" in response.json["message"]
    follow = client.post(f"/events/{demo_event.id}/report.pdf", data={}, follow_redirects=True)
    assert "LibreOffice is not installed on this server" in follow.get_data(as_text=True)
    assert not held


def test_an_unknown_job_is_not_found(client, login, demo_event, held):
    login(client, "secretariat", "secretariat-demo")
    response = client.get(f"/events/{demo_event.id}/report.pdf/status?job=nothing")
    assert response.status_code == 404 and response.json["ok"] is False and response.json["message"]
    assert client.get(f"/events/{demo_event.id}/report.pdf?job=nothing").status_code == 404


@pytest.mark.parametrize("who", ["moderator", "rapporteur", "viewer"])
def test_only_the_secretariat_gets_the_pdf(client, login, demo_event, held, who):
    login(client, who, f"{who}-demo")
    assert client.api("POST", f"/events/{demo_event.id}/report.pdf", {}).status_code == 403
    assert client.get(f"/events/{demo_event.id}/report.pdf/status?job=x").status_code == 403
    assert client.get(f"/events/{demo_event.id}/report.pdf?job=x").status_code == 403
    assert not held
