"""The outcome report as a PDF: the same .docx converted by LibreOffice, in the background, with the
contents list's page numbers filled in.

    jobs = PdfJobs(soffice="soffice", timeout=180, spawn=socketio.start_background_task)
    job = jobs.request(event_id, docx_bytes)   # starts a conversion, or returns the one for the same content
    jobs.get(event_id, job.key)                # .state: "pending", "done" or "failed"; .pdf when done

LibreOffice does not refresh fields when it converts, so the contents would have no page numbers: a Basic
macro, installed in a private profile made for each conversion, opens the document, updates its indexes
and exports the PDF. Jobs live in this process's memory: a PDF is a convenience made on demand, not a record.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

NOT_INSTALLED = ("PDF is not available: LibreOffice is not installed on this server. Download the Word file "
                 "and save it as PDF, or ask the administrator to install LibreOffice "
                 "(e.g. apt-get install libreoffice-writer-nogui).")
KEEP_PER_EVENT = 3  # finished jobs kept per event; older PDFs are dropped

_BASIC = """
Sub ToPdf(source As String, target As String)
    Dim load(0) As New com.sun.star.beans.PropertyValue
    load(0).Name = "Hidden"
    load(0).Value = True
    doc = StarDesktop.loadComponentFromURL(ConvertToURL(source), "_blank", 0, load())
    REM Twice: the first update can change the contents' length, and with it the pages after it.
    For pass = 1 To 2
        indexes = doc.getDocumentIndexes()
        For i = 0 To indexes.getCount() - 1
            indexes.getByIndex(i).update()
        Next i
    Next pass
    Dim store(0) As New com.sun.star.beans.PropertyValue
    store(0).Name = "FilterName"
    store(0).Value = "writer_pdf_Export"
    doc.storeToURL(ConvertToURL(target), store())
    doc.close(True)
End Sub
"""
_MODULE = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n'
           '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Report" '
           'script:language="StarBasic">' + escape(_BASIC, {'"': "&quot;"}) + "</script:module>\n")


class ConversionError(RuntimeError):
    """LibreOffice did not produce a PDF; the message is meant for the secretariat."""


def available(soffice: str) -> bool:
    """Whether the configured LibreOffice command exists on this server."""
    return shutil.which(soffice) is not None


def content_key(data: bytes) -> str:
    """A digest of the document's content, leaving out the zip's and the core properties' timestamps, so
    that building the same report twice gives the same key."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(BytesIO(data)) as zf:
        for name in sorted(zf.namelist()):
            if name != "docProps/core.xml":
                digest.update(name.encode() + b"\0" + zf.read(name) + b"\0")
    return digest.hexdigest()[:32]


def _install_macro(profile: Path) -> None:
    """Add the Report module to the profile's Standard Basic library (the profile must exist already)."""
    library = profile / "user" / "basic" / "Standard"
    (library / "Report.xba").write_text(_MODULE, encoding="utf-8")
    index = library / "script.xlb"
    text = index.read_text(encoding="utf-8")
    if 'library:name="Report"' not in text:
        index.write_text(text.replace("</library:library>",
                                      ' <library:element library:name="Report"/>\n</library:library>'),
                         encoding="utf-8")


def _run(command: list[str], timeout: float) -> None:
    """Run soffice in its own process group, so that a timeout ends it and every process it started."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise ConversionError(f"LibreOffice did not finish within {timeout:g} seconds.") from None


def convert(docx: bytes, soffice: str = "soffice", timeout: float = 180) -> bytes:
    """The PDF of `docx`, with its indexes (the contents) updated; raises ConversionError."""
    if not available(soffice):
        raise ConversionError(NOT_INSTALLED)
    with tempfile.TemporaryDirectory(prefix="facilitator-pdf-") as tmp:
        work = Path(tmp)
        profile = work / "profile"
        base = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
                "--norestore", "--nologo", "--nodefault", "--nolockcheck"]
        source, target = work / "report.docx", work / "report.pdf"
        source.write_bytes(docx)
        # A new profile is filled with the default macros on first start: make it, then add ours.
        _run([*base, "--terminate_after_init"], timeout)
        if not (profile / "user" / "basic" / "Standard" / "script.xlb").exists():
            raise ConversionError("LibreOffice could not start (no user profile was created).")
        _install_macro(profile)
        _run([*base, f'macro:///Standard.Report.ToPdf("{source}","{target}")'], timeout)
        if not target.exists() or not target.read_bytes().startswith(b"%PDF"):
            raise ConversionError("LibreOffice could not convert the report to PDF.")
        return target.read_bytes()


@dataclass
class PdfJob:
    """One conversion: of which event and content, where it is, and its result."""

    event_id: int
    key: str
    docx: bytes | None
    state: str = "pending"  # pending -> done | failed
    step: str = "waiting"  # waiting (for the event's previous conversion) -> converting
    pdf: bytes | None = None
    message: str = ""

    def as_dict(self) -> dict:
        messages = {"waiting": "Waiting for the previous conversion to finish…",
                    "converting": "Converting the report to PDF…"}
        return {"job": self.key, "state": self.state,
                "message": self.message or (messages[self.step] if self.state == "pending" else "")}


@dataclass
class PdfJobs:
    """This process's conversions: one at a time per event, the same content converted once."""

    soffice: str = "soffice"
    timeout: float = 180
    spawn: Callable = field(default=lambda fn: threading.Thread(target=fn, daemon=True).start())
    _jobs: dict[int, list[PdfJob]] = field(default_factory=dict)
    _busy: set[int] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def request(self, event_id: int, docx: bytes) -> PdfJob:
        """The job for this content: a finished or running one when there is one, else a new one, started
        now or after the event's running conversion."""
        key = content_key(docx)
        with self._lock:
            jobs = self._jobs.setdefault(event_id, [])
            for job in jobs:
                if job.key == key and job.state != "failed":
                    return job
            jobs[:] = [j for j in jobs if j.key != key]
            job = PdfJob(event_id, key, docx)
            jobs.append(job)
            start = event_id not in self._busy
            if start:
                self._busy.add(event_id)
        if start:
            self.spawn(lambda: self._work(event_id))
        return job

    def get(self, event_id: int, key: str) -> PdfJob | None:
        with self._lock:
            return next((j for j in self._jobs.get(event_id, []) if j.key == key), None)

    def _next(self, event_id: int) -> PdfJob | None:
        """The event's oldest waiting job, marked as converting; None (and the event free) when none waits."""
        with self._lock:
            waiting = [j for j in self._jobs.get(event_id, []) if j.state == "pending" and j.step == "waiting"]
            if not waiting:
                self._busy.discard(event_id)
                return None
            waiting[0].step = "converting"
            return waiting[0]

    def _work(self, event_id: int) -> None:
        """Convert the event's waiting jobs one after the other (run in the background)."""
        while (job := self._next(event_id)) is not None:
            try:
                job.pdf = convert(job.docx, self.soffice, self.timeout)
                job.state = "done"
            except ConversionError as error:
                job.state, job.message = "failed", str(error)
            except Exception:  # a background task has nobody to raise to: say so on the job instead
                logging.getLogger(__name__).exception("PDF conversion of event %s failed", event_id)
                job.state, job.message = "failed", "LibreOffice could not be run; the server log says why."
            job.docx = None
            with self._lock:
                finished = [j for j in self._jobs[event_id] if j.state != "pending"]
                for old in finished[:-KEEP_PER_EVENT]:
                    self._jobs[event_id].remove(old)
