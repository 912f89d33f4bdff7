"""The outcome report as a Word document, written from a `Report` (see model.py) with named styles only.

    data = build_report(report)                     # python-docx's default look, A4
    data = build_report(report, template=upload)    # the organisation's styles, headers and footers
    check_template(upload)                          # raises TemplateError with a message for the uploader
                                                    # (package.py: sizes and DTDs; then a trial report)

Layout and emphasis come from paragraph and character styles (Title, Heading 1-3, List Bullet, and the
report's own "Disclaimer", "Statement", "Source", "Key Point", "Detail", ...), so restyling the document
in Word, or uploading a template that defines those names, changes the whole report at once.
"""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import datetime, timezone
from io import BytesIO

import docx
from docx.shared import Mm

from .draft import DEFAULT_DISCLAIMER, DraftWriter  # noqa: F401 (part of this module's interface)
from .elements import Footnotes, add_field, add_par, add_run, end_section, set_update_fields, w
from .final import FinalWriter
from .model import (
    FrontMatter,
    Report,
    ReportCategory,
    ReportItem,
    ReportOptions,
    ReportSection,
    ReportSession,
    ReportSource,
    ReportStatement,
    ReportSummary,
    ReportWorkshop,
)
from .package import NOT_DOCX, SAVE_AGAIN, TemplateError, check_package
from .styles import resolve_styles
from .text import clean


def check_template(data: bytes) -> None:
    """Raise TemplateError unless a report built on `data` (a .docx, or a .dotx template) opens again.

    check_package refuses what unpacks too large or declares a DTD; the trial report then catches whatever
    else would make every report built with the template one that Word cannot open.
    """
    try:
        for trial in (_TRIAL_REPORT, _TRIAL_FINAL_REPORT):
            docx.Document(BytesIO(build_report(trial, data)))
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
    notes = Footnotes(doc, styles["footnote text"], styles["footnote reference"])
    writer = (FinalWriter if report.final else DraftWriter)(body, styles, notes,
                                                           numbered=report.options.heading_numbers)
    writer.write(report)
    notes.close()
    if sect_pr is None:
        sect_pr = body.makeelement(w("sectPr"), {})
    body.append(sect_pr)
    _headers_and_footers(doc, report, styles, own_layout=template is None)
    if report.final:
        doc.sections[-1].different_first_page_header_footer = True  # a title page without header or footer
        if writer.cover is not None:
            _back_cover(doc, writer, sect_pr, styles)
    set_update_fields(doc.settings.element)
    _properties(doc, report)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _back_cover(doc, writer, sect_pr, styles: dict[str, str]) -> None:
    """The back cover: a last page whose footer holds the publisher's address and the publication's numbers,
    at the foot of the page where Word and LibreOffice both put it."""
    end_section(writer.cover, sect_pr)
    footer = doc.sections[-1].first_page_footer
    footer.is_linked_to_previous = False
    container = footer._element
    for old in list(container):
        container.remove(old)
    for line in writer.cover_lines:
        add_par(container, styles["Back Matter"], line)


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
    props.comments = "" if report.final else clean(report.draft_label)[:255]
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
                            questions=["Question?"], summary="Summary.\n\n- a bullet\n  - a second level[^1]\n\n"
                            "[^1]: A footnote.")],
    workshops=[ReportWorkshop(number=1, title="Workshop", description="Description.", questions=["Question?"],
                              panellists=["Panellist"], rapporteurs=["Rapporteur"],
                              categories=[ReportCategory("Challenges", [
                                  ReportItem("Item", "Round 1", key_point=True),
                                  ReportItem("Merged item", "Round 1", statement_ref="Recommendations (a)")])],
                              summaries=[ReportSummary("Round 1", "The room's **summary**.")])],
    sections=[ReportSection("recommendation", "Recommendations", [
        ReportStatement("(a)", "Statement", [ReportSource("Merged item", "Workshop 1, Round 1")], votes=1)])],
)
# The same as an organisation publishes it: title page, back cover, footnotes, compact annex.
_TRIAL_FINAL_REPORT = replace(
    _TRIAL_REPORT, final=True, options=ReportOptions(heading_numbers=True, annex="compact"),
    front=FrontMatter(place="Place", authors="Authors", publisher="Publisher", copyright="Copyright",
                      isbn="978-0-00-000000-0", doi="10.0000/0", catalogue_number="XX-00-00-000-EN-N",
                      address="Street 1\nCity", participants="A participant"),
)
