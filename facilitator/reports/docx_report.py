"""The outcome report as a Word document, written from a `Report` (see model.py) with named styles only.

    data = build_report(report)                     # python-docx's default look, A4
    data = build_report(report, template=upload)    # the organisation's styles, headers and footers
    check_template(upload)                          # raises TemplateError with a message for the uploader
                                                    # (docx_package.py: sizes and DTDs; then a trial report)

Layout and emphasis come from paragraph and character styles (Title, Heading 1-3, List Bullet, and the
report's own "Disclaimer", "Statement", "Source", "Key Point", "Detail", ...), so restyling the document
in Word, or uploading a template that defines those names, changes the whole report at once.
"""

from __future__ import annotations

import zipfile
from datetime import datetime, timezone
from io import BytesIO

import docx
from docx.shared import Mm

from .docx_package import NOT_DOCX, SAVE_AGAIN, TemplateError, check_package
from .docx_parts import (
    SE,
    add_field,
    add_page_break,
    add_par,
    add_run,
    add_toc,
    blocks,
    clean,
    resolve_styles,
    set_update_fields,
    w,
)
from .model import (
    Report,
    ReportCategory,
    ReportItem,
    ReportSection,
    ReportSession,
    ReportSource,
    ReportStatement,
    ReportWorkshop,
)

DEFAULT_DISCLAIMER = (
    "The outcomes below were captured in the workshops as the participants expressed them; they do not "
    "necessarily reflect the official views of the organisers."
)
TOC_PLACEHOLDER = "Right-click to update the table of contents"
TOC_INSTRUCTION = r'TOC \o "1-3" \h \z \u'
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_ANNEX_COLUMNS = (("Day", 1900), ("Time", 1300), ("Session", 3200), ("Chair / speakers", 2670))  # twips


def check_template(data: bytes) -> None:
    """Raise TemplateError unless a report built on `data` (a .docx, or a .dotx template) opens again.

    check_package refuses what unpacks too large or declares a DTD; the trial report then catches whatever
    else would make every report built with the template one that Word cannot open.
    """
    try:
        docx.Document(BytesIO(build_report(_TRIAL_REPORT, data)))
    except TemplateError:
        raise
    except Exception as exc:  # python-docx raises KeyError, ValueError, XMLSyntaxError, ... on broken files
        raise TemplateError("A test report built with this template could not be opened again. "
                            + SAVE_AGAIN) from exc


def build_report(report: Report, template: bytes | None = None) -> bytes:
    """The outcome report as .docx bytes; with `template` (a .docx), its styles, headers and footers are used."""
    doc = docx.Document() if template is None else _open_template(template)
    styles = resolve_styles(doc)
    body = doc.element.body
    sect_pr = body.find(w("sectPr"))
    for child in list(body):
        body.remove(child)  # a template's sample content goes; its final section (page setup) stays
    _Writer(body, styles).write(report)
    if sect_pr is None:
        sect_pr = body.makeelement(w("sectPr"), {})
    body.append(sect_pr)
    _headers_and_footers(doc, report, styles, own_layout=template is None)
    set_update_fields(doc.settings.element)
    _properties(doc, report)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


class _Writer:
    """Appends the report's paragraphs and table straight to the body, with pre-resolved style ids."""

    def __init__(self, body, styles: dict[str, str]):
        self.body, self.s = body, styles
        self.headings: list[tuple[str, str]] = []  # (TOC style, text), for the table of contents

    def par(self, style: str, *runs) -> None:
        add_par(self.body, self.s[style], *runs)
        if style in ("Heading 1", "Heading 2"):
            text = "".join(r if isinstance(r, str) else r[0] for r in runs)
            self.headings.append((self.s["TOC 1" if style == "Heading 1" else "TOC 2"], text))

    def text(self, text: str) -> None:
        for bullet, block in blocks(text):
            self.par("List Bullet" if bullet else "Normal", block)

    def bullets(self, label: str, lines: list[str]) -> None:
        lines = [line for line in lines if clean(line).strip()]
        if lines:
            self.par("Normal", label)
            for line in lines:
                self.par("List Bullet", line)

    def write(self, report: Report) -> None:
        self.title_page(report)
        self.contents()
        self.par("Heading 1", "Introduction")
        self.text(report.introduction)
        self.par("Heading 1", "Programme and session summaries")
        for session in report.sessions:
            self.session(session)
        if not report.sessions:
            self.par("Normal", "No programme was recorded.")
        self.par("Heading 1", "Outcomes of the workshops")
        for _, block in blocks(report.disclaimer) or [(False, DEFAULT_DISCLAIMER)]:
            self.par("Disclaimer", block)
        for workshop in report.workshops:
            self.workshop(workshop)
        if not report.workshops:
            self.par("Normal", "No workshop outcomes were recorded.")
        self.conclusions(report)
        self.annex(report.sessions)
        add_toc(self.toc, TOC_INSTRUCTION, self.headings, TOC_PLACEHOLDER)

    def title_page(self, report: Report) -> None:
        self.par("Title", report.title or "Outcome report")
        if clean(report.subtitle).strip():
            self.par("Subtitle", report.subtitle)
        for line in (report.venue, report.dates, ", ".join(report.organisers)):
            if clean(line).strip():
                self.par("Title Details", line)
        if clean(report.draft_label).strip():
            self.par("Draft Label", report.draft_label)
        add_page_break(self.body, self.s["Normal"])

    def contents(self) -> None:
        self.par("TOC Heading", "Contents")
        self.toc = add_par(self.body, self.s["Normal"])  # filled in by add_toc once the headings are known
        add_page_break(self.body, self.s["Normal"])

    def session(self, s: ReportSession) -> None:
        self.par("Heading 2", s.title or s.kind or "Session")
        when = ", ".join(filter(None, (_day(s), _time(s))))
        details = " \u00b7 ".join(filter(None, (clean(s.kind).strip(), when)))
        if details:
            self.par("Session Details", details)
        if clean(s.chair).strip():
            self.par("Normal", f"{s.chair_label}: {s.chair}")
        self.bullets(f"{s.speakers_label}:", s.speakers)
        self.bullets("Main questions:", s.questions)
        self.text(s.summary)
        if s.categories:
            self.rapporteurs(s.rapporteurs)
            self.outcomes(s.categories)

    def workshop(self, ws: ReportWorkshop) -> None:
        title = clean(ws.title).strip()
        self.par("Heading 2", f"Workshop {ws.number}: {title}" if title else f"Workshop {ws.number}")
        self.text(ws.description)
        names = ", ".join(n for n in map(clean, ws.panellists) if n.strip())
        if names:
            self.par("Normal", f"Panellists: {names}")
        self.bullets("Guiding questions:", ws.questions)
        self.rapporteurs(ws.rapporteurs)
        if not self.outcomes(ws.categories):
            self.par("Normal", "No outcomes were recorded for this workshop.")

    def rapporteurs(self, names: list[str]) -> None:
        names = ", ".join(n for n in map(clean, names) if n.strip())
        if names:
            self.par("Normal", f"Rapporteurs: {names}")

    def outcomes(self, categories: list[ReportCategory]) -> bool:
        """A room's items under their category headings; False when there were none."""
        bullet, key, detail = self.s["List Bullet"], self.s["Key Point"], self.s["Detail"]
        written = False
        for category in categories:
            if not category.items:
                continue
            written = True
            self.par("Heading 3", category.name)
            referred: set[str] = set()
            for item in category.items:
                if item.statement_ref:  # merged: its text is under the statement, once
                    if item.statement_ref not in referred:
                        referred.add(item.statement_ref)
                        add_par(self.body, bullet, f"See {item.statement_ref}.")
                elif item.room:
                    add_par(self.body, bullet, (item.text, key if item.key_point else None),
                            (f" ({item.room})", detail))
                else:
                    add_par(self.body, bullet, (item.text, key if item.key_point else None))
        return written

    def conclusions(self, report: Report) -> None:
        self.par("Heading 1", "Conclusions and way forward")
        self.text(report.conclusions)
        sections = [section for section in report.sections if section.statements]
        if not sections and not blocks(report.conclusions):
            self.par("Normal", "No conclusions were recorded.")
        statement, source, detail = self.s["Statement"], self.s["Source"], self.s["Detail"]
        for section in sections:
            self.par("Heading 2", section.name)
            for st in section.statements:
                runs: list = [f"{st.number} " if st.number else "", st.text]
                if st.votes is not None:
                    runs.append((f" ({st.votes} vote{'' if st.votes == 1 else 's'})", detail))
                add_par(self.body, statement, *runs)
                self.text(st.details)
                for src in st.sources:
                    add_par(self.body, source, f"{src.room}: {src.text}" if src.room else src.text)

    def annex(self, sessions: list[ReportSession]) -> None:
        self.par("Heading 1", "Annex: programme")
        if not sessions:
            self.par("Normal", "No programme was recorded.")
            return
        self.par("Caption", "Table 1: Programme of the meeting")
        tbl = SE(self.body, w("tbl"))
        pr = SE(tbl, w("tblPr"))
        SE(pr, w("tblStyle"), {w("val"): self.s["Table Grid"]})
        SE(pr, w("tblW"), {w("w"): "5000", w("type"): "pct"})
        SE(pr, w("tblLook"), {w("val"): "04A0", w("firstRow"): "1", w("lastRow"): "0",
                              w("firstColumn"): "0", w("lastColumn"): "0", w("noHBand"): "0",
                              w("noVBand"): "1"})
        grid = SE(tbl, w("tblGrid"))
        for _, width in _ANNEX_COLUMNS:
            SE(grid, w("gridCol"), {w("w"): str(width)})
        row = self._row(tbl, header=True)
        for label, width in _ANNEX_COLUMNS:
            self._cell(row, width, "Table Heading", label)
        for s in sessions:
            people = [f"{s.chair_label}: {s.chair}" if clean(s.chair).strip() else "",
                      f"{s.speakers_label}: {'; '.join(s.speakers)}" if s.speakers else ""]
            cells = (_day(s), _time(s), f"{s.kind}: {s.title}" if s.kind and s.title else s.title or s.kind,
                     "\n".join(filter(None, people)))
            row = self._row(tbl)
            for (_, width), value in zip(_ANNEX_COLUMNS, cells):
                self._cell(row, width, "Normal", value)

    @staticmethod
    def _row(tbl, header: bool = False):
        row = SE(tbl, w("tr"))
        pr = SE(row, w("trPr"))
        SE(pr, w("cantSplit"))
        if header:
            SE(pr, w("tblHeader"))
        return row

    def _cell(self, row, width: int, style: str, text: str) -> None:
        cell = SE(row, w("tc"))
        SE(SE(cell, w("tcPr")), w("tcW"), {w("w"): str(width), w("type"): "dxa"})
        add_par(cell, self.s[style], text)


def _day(s: ReportSession) -> str:
    d = s.day
    return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}" if d else ""


def _time(s: ReportSession) -> str:
    if s.start and s.end:
        return f"{s.start:%H:%M}\u2013{s.end:%H:%M}"
    return f"{s.start:%H:%M}" if s.start else ""


def _headers_and_footers(doc, report: Report, styles: dict[str, str], own_layout: bool) -> None:
    """Without a template: A4, the event title in the header, "Page N of M" in the footer. With one, its
    headers and footers stay; a page-number footer is added only when it has no footer at all."""
    section = doc.sections[-1]
    if own_layout:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(25)
        header = section.header.paragraphs[0]._p
        add_par(header.getparent(), styles["Header"], report.title or "Outcome report")
        header.getparent().remove(header)
    elif section._sectPr.find(w("footerReference")) is not None:
        return
    footer = section.footer.paragraphs[0]._p
    p = add_par(footer.getparent(), styles["Footer"], "\tPage " if own_layout else "Page ")
    add_field(p, "PAGE", "1")
    add_run(p, " of ")
    add_field(p, "NUMPAGES", "1")
    footer.getparent().remove(footer)


def _properties(doc, report: Report) -> None:
    props = doc.core_properties
    props.title = clean(report.title)[:255]
    props.subject = "Outcome report"
    props.author = clean(", ".join(report.organisers))[:255]
    props.comments = clean(report.draft_label)[:255]
    props.last_modified_by = ""
    props.keywords = ""
    props.revision = 1
    props.created = props.modified = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)


_DOTX = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCX = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _open_template(data: bytes):
    """The template as a python-docx Document, or TemplateError saying what is wrong with the file."""
    check_package(data)  # also on every build: a template stored before these checks existed may fail them
    data = bytes(data)
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = set(zf.namelist())
            content_types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise TemplateError(NOT_DOCX) from exc
    if "word/document.xml" not in names or not content_types:
        raise TemplateError("This file is not a Word document (.docx): it has no document content "
                            "(word/document.xml). " + NOT_DOCX.split(". ", 1)[1])
    if b"macroEnabled" in content_types:
        raise TemplateError("This Word file contains macros (.docm or .dotm), which are not accepted. "
                            "Save it as \"Word Document (*.docx)\" and upload the saved file.")
    try:
        if _DOTX in content_types:  # a Word template (.dotx) is a document with another content type
            data = _as_document(data)
        return docx.Document(BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, XMLSyntaxError, ... on broken files
        raise TemplateError("This Word document could not be read; it may be damaged. " + SAVE_AGAIN) from exc


def _as_document(data: bytes) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "[Content_Types].xml":
                blob = blob.replace(_DOTX, _DOCX)
            dst.writestr(info, blob)
    return out.getvalue()


# A small event that uses every part of the report, so the trial build in check_template meets every style.
_TRIAL_REPORT = Report(
    title="Trial report", subtitle="Outcome report", venue="Venue", dates="1-2 January 2024",
    organisers=["Organiser"], introduction="Introduction.\n\n- a bullet", disclaimer="Disclaimer.",
    conclusions="Conclusions.", draft_label="Draft",
    sessions=[ReportSession(kind="Panel", title="Session", chair="Chair", speakers=["Speaker"],
                            questions=["Question?"], summary="Summary.")],
    workshops=[ReportWorkshop(number=1, title="Workshop", description="Description.", questions=["Question?"],
                              panellists=["Panellist"], rapporteurs=["Rapporteur"],
                              categories=[ReportCategory("Challenges", [
                                  ReportItem("Item", "Round 1", key_point=True),
                                  ReportItem("Merged item", "Round 1", statement_ref="Recommendations (a)")])])],
    sections=[ReportSection("recommendation", "Recommendations", [
        ReportStatement("(a)", "Statement", [ReportSource("Merged item", "Workshop 1, Round 1")], votes=1)])],
)
