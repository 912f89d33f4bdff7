"""The Word outcome report (facilitator/writer/report.py), read back with python-docx. No database:
Report objects are built directly. Timings live in bench/report.py, not here."""

from __future__ import annotations

import zipfile
from datetime import date, time
from io import BytesIO

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from facilitator.writer.model import (
    Report,
    ReportCategory,
    ReportItem,
    ReportSection,
    ReportSession,
    ReportSource,
    ReportStatement,
    ReportWorkshop,
)
from facilitator.writer.report import TemplateError, build_report, check_template

pytestmark = pytest.mark.filterwarnings("error")

UNICODE = ["Обмін інформацією", "İstanbul ıı", "تبادل المعلومات", "Data 📊", "<img src=x onerror=alert(1)>"]
SECTIONS_IN_ORDER = ["Introduction", "Programme and session summaries", "Outcomes of the workshops",
                     "Conclusions and way forward", "Annex: programme"]


def sample_report() -> Report:
    merged_b1 = ReportItem("Spontaneous exchange under Article 21", "Round 1",
                           statement_ref="Recommendations (b)")
    merged_b2 = ReportItem("Exchange data without a request", "Round 2", statement_ref="Recommendations (b)")
    merged_a = ReportItem("Trust grows in person", "Round 1", statement_ref="Conclusions (a)")
    return Report(
        title="Meeting on Migrant Smuggling",
        subtitle="Outcome report",
        venue="The Hague",
        dates="8-9 November 2023",
        organisers=["Eurojust", "EMSC"],
        introduction="Eurojust hosted its annual meeting.\n\nThis year the participants discussed:\n\n"
                     "- legislative initiatives;\n- UN sanctions.",
        disclaimer="The information below does not reflect the official views of Eurojust.",
        conclusions="Cooperation requires mutual trust.",
        draft_label="Draft of 9 November 2023, 17:42",
        sessions=[
            ReportSession(kind="Panel", title="Enforcing UN sanctions", day=date(2023, 11, 8),
                          start=time(9, 30), end=time(11, 0), chair="Chair Person",
                          speakers=["Speaker One", "Speaker Two"], questions=["How are sanctions enforced?"],
                          summary="The session centred on sanctions.\n\nChallenges were discussed."),
            ReportSession(kind="Workshops", title="Interactive workshops", day=date(2023, 11, 9),
                          start=time(14, 0)),
        ],
        workshops=[
            ReportWorkshop(
                number=1, title="Information sharing", description="Sharing between authorities.",
                questions=["What hinders sharing?"], rapporteurs=["Ana Pérez", "Jan Novák"],
                categories=[
                    ReportCategory("Challenges", [
                        ReportItem("Data protection rules are a hindrance", "Round 1", key_point=True),
                        merged_b1,
                        ReportItem(UNICODE[0], "Round 1"),
                        ReportItem(UNICODE[2], "Round 2"),
                        merged_b2,
                    ]),
                    ReportCategory("Good practices", [
                        ReportItem(UNICODE[1], "Round 2"),
                        ReportItem("Line one\nline two", "Round 1"),
                        merged_a,
                    ]),
                ]),
            ReportWorkshop(
                number=2, title="Financial investigations",
                categories=[ReportCategory("Recommendations", [
                    ReportItem(UNICODE[3], "Round 1"),
                    ReportItem(UNICODE[4], "Round 2"),
                    ReportItem("Follow the money", ""),
                ])]),
        ],
        sections=[
            ReportSection("conclusion", "Conclusions", [
                ReportStatement("(a)", "Meeting in person builds trust.",
                                [ReportSource(merged_a.text, "Workshop 1, Round 1")])]),
            ReportSection("recommendation", "Recommendations", [
                ReportStatement("(a)", "Refer more cases to Eurojust.", votes=3),
                ReportStatement("(b)", "Share information spontaneously and early.",
                                [ReportSource(merged_b1.text, "Workshop 1, Round 1"),
                                 ReportSource(merged_b2.text, "Workshop 1, Round 2")], votes=12),
                ReportStatement("(c)", "Harmonise the definition of the offence.", votes=1),
            ]),
            ReportSection("good_practice", "Good practices", []),
        ],
    )


def read(data: bytes):
    return docx.Document(BytesIO(data))


def paragraphs(doc) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in doc.paragraphs]


def all_text(doc) -> str:
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def part_xml(data: bytes, prefix: str) -> str:
    with zipfile.ZipFile(BytesIO(data)) as zf:
        return "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith(prefix))


def items(report: Report):
    return [i for ws in report.workshops for c in ws.categories for i in c.items]


@pytest.fixture(scope="module")
def built() -> tuple[Report, bytes]:
    report = sample_report()
    return report, build_report(report)


def test_heading_1_sections_in_order(built):
    _, data = built
    headings = [text for style, text in paragraphs(read(data)) if style == "Heading 1"]
    assert headings == SECTIONS_IN_ORDER


def test_title_page_then_contents(built):
    _, data = built
    paras = paragraphs(read(data))
    assert paras[0] == ("Title", "Meeting on Migrant Smuggling")
    assert paras[1] == ("Subtitle", "Outcome report")
    assert ("Title Details", "The Hague") in paras and ("Draft Label", "Draft of 9 November 2023, 17:42") in paras
    assert [t for s, t in paras].index("Contents") < [t for s, t in paras].index("Introduction")
    xml = part_xml(data, "word/document.xml")
    assert xml.count('w:type="page"') == 2


def test_every_unmerged_item_appears_exactly_once(built):
    report, data = built
    text = all_text(read(data))
    for item in items(report):
        if item.statement_ref is None:
            assert text.count(item.text) == 1, item.text


def test_item_bullets_carry_room_and_key_point_styles(built):
    _, data = built
    doc = read(data)
    bullet = next(p for p in doc.paragraphs if p.text.startswith("Data protection rules"))
    assert bullet.style.name == "List Bullet"
    assert bullet.text == "Data protection rules are a hindrance (Round 1)"
    assert [(r.text, r.style.name) for r in bullet.runs] == [
        ("Data protection rules are a hindrance", "Key Point"), (" (Round 1)", "Detail")]
    no_room = next(p for p in doc.paragraphs if p.text.startswith("Follow the money"))
    assert no_room.text == "Follow the money"


def test_merged_items_appear_once_as_sources_and_are_referred_to(built):
    report, data = built
    doc = read(data)
    paras = paragraphs(doc)
    for item in items(report):
        if item.statement_ref:
            found = [(s, t) for s, t in paras if item.text in t]
            assert len(found) == 1 and found[0][0] == "Source", item.text
            assert all_text(doc).count(item.text) == 1
    texts = [t for _, t in paras]
    challenges = texts.index("Challenges")
    good_practices = texts.index("Good practices")
    # two items of the category merged into the same statement: one reference
    assert texts[challenges:good_practices].count("See Recommendations (b).") == 1
    assert "See Conclusions (a)." in texts[good_practices:]
    b = texts.index("(b) Share information spontaneously and early. (12 votes)")
    assert paras[b][0] == "Statement"
    assert paras[b + 1] == ("Source", "Workshop 1, Round 1: Spontaneous exchange under Article 21")
    assert paras[b + 2] == ("Source", "Workshop 1, Round 2: Exchange data without a request")


def test_statements_numbered_in_order_and_empty_sections_omitted(built):
    _, data = built
    paras = paragraphs(read(data))
    start = paras.index(("Heading 2", "Recommendations"))
    numbers = [t.split(" ", 1)[0] for s, t in paras[start:] if s == "Statement"]
    assert numbers == ["(a)", "(b)", "(c)"]
    assert "(c) Harmonise the definition of the offence. (1 vote)" in [t for _, t in paras]
    assert ("Heading 2", "Good practices") not in paras
    assert ("Heading 2", "Conclusions") in paras


def test_disclaimer_precedes_first_workshop(built):
    _, data = built
    paras = paragraphs(read(data))
    disclaimer = paras.index(("Disclaimer", "The information below does not reflect the official views of Eurojust."))
    first_workshop = paras.index(("Heading 2", "Workshop 1: Information sharing"))
    outcomes = paras.index(("Heading 1", "Outcomes of the workshops"))
    assert outcomes < disclaimer < first_workshop
    after = [t for _, t in paras[first_workshop:first_workshop + 6]]
    assert "Rapporteurs: Ana Pérez, Jan Novák" in after and "What hinders sharing?" in after


def test_sessions_and_annex_table(built):
    _, data = built
    doc = read(data)
    texts = [t for _, t in paragraphs(doc)]
    assert "Panel · Wednesday 8 November 2023, 09:30–11:00" in texts
    assert "Chair: Chair Person" in texts and "Speaker Two" in texts
    (table,) = doc.tables
    assert table.style.name == "Table Grid"
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Day", "Time", "Session", "Chair / speakers"]
    assert rows[1] == ["Wednesday 8 November 2023", "09:30–11:00", "Panel: Enforcing UN sanctions",
                       "Chair: Chair Person\nSpeakers: Speaker One; Speaker Two"]
    assert rows[2][:3] == ["Thursday 9 November 2023", "14:00", "Workshops: Interactive workshops"]


def test_unicode_comes_out_exactly_as_typed(built):
    _, data = built
    doc = read(data)
    texts = [t for _, t in paragraphs(doc)]
    for sample, room in zip(UNICODE, ["Round 1", "Round 2", "Round 2", "Round 1", "Round 2"]):
        assert f"{sample} ({room})" in texts
    arabic = next(p for p in doc.paragraphs if p.text.startswith(UNICODE[2]))
    assert arabic._p.pPr.find(qn("w:bidi")) is not None
    assert arabic.runs[0]._r.rPr.find(qn("w:rtl")) is not None
    cyrillic = next(p for p in doc.paragraphs if p.text.startswith(UNICODE[0]))
    assert cyrillic._p.pPr.find(qn("w:bidi")) is None
    assert "&lt;img src=x onerror=alert(1)&gt;" in part_xml(data, "word/document.xml")


def test_newlines_become_line_breaks(built):
    _, data = built
    doc = read(data)
    para = next(p for p in doc.paragraphs if p.text.startswith("Line one"))
    assert para.text == "Line one\nline two (Round 1)"
    assert para._p.find(f"{qn('w:r')}/{qn('w:br')}") is not None
    texts = [t for _, t in paragraphs(doc)]
    assert "legislative initiatives;" in texts  # "- " lines of free text become bullets


def test_control_characters_are_dropped_not_fatal():
    report = sample_report()
    report.title = "Meeting\x00 on\x1b smuggling\ufffe"
    report.venue = "The\x07 Hague\ud800"
    report.workshops[0].categories[0].items.append(ReportItem("Bad\x00\x01\x08\x0e\x1f\x7f chars\uffff", "Round\x02 1"))
    report.sections[1].statements[0].text = "Refer\x03 more"
    report.sessions[0].summary = "Sum\x00mary"
    data = build_report(report)
    doc = read(data)
    texts = [t for _, t in paragraphs(doc)]
    assert "Bad chars (Round 1)" in texts
    assert texts[0] == "Meeting on smuggling"
    assert "The Hague" in texts and "Summary" in texts and "(a) Refer more (3 votes)" in texts
    assert doc.core_properties.title == "Meeting on smuggling"


def test_only_named_styles_no_direct_formatting(built):
    _, data = built
    body = read(data).element.body
    allowed_run, allowed_par = {qn("w:rStyle"), qn("w:rtl")}, {qn("w:pStyle"), qn("w:bidi")}
    for rpr in body.iter(qn("w:rPr")):
        assert {c.tag for c in rpr} <= allowed_run
    for ppr in body.iter(qn("w:pPr")):
        assert {c.tag for c in ppr} <= allowed_par
    styles = {s.style_id for s in read(data).styles}
    for el in body.iter(qn("w:pStyle"), qn("w:rStyle"), qn("w:tblStyle")):
        assert el.get(qn("w:val")) in styles


def test_toc_page_fields_and_update_on_open(built):
    report, data = built
    document = part_xml(data, "word/document.xml")
    assert 'TOC \\o "1-3" \\h \\z \\u' in document
    assert 'w:fldCharType="begin"' in document and 'w:fldCharType="end"' in document
    # The field's cached result already lists the headings, for readers that do not update fields.
    doc = read(data)
    toc = [p.text for p in doc.paragraphs if p.style.name in ("TOC 1", "TOC 2")]
    headings = [p.text for p in doc.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    assert toc == headings and "Introduction" in toc
    footers = part_xml(data, "word/footer")
    assert " PAGE " in footers and " NUMPAGES " in footers
    assert 'w:updateFields w:val="true"' in part_xml(data, "word/settings.xml")
    doc = read(data)
    assert doc.sections[0].header.paragraphs[0].text == report.title
    assert doc.sections[0].footer.paragraphs[0].text == "\tPage 1 of 1"


def test_empty_report_still_has_every_section():
    doc = read(build_report(Report(title="Empty")))
    paras = paragraphs(doc)
    assert [t for s, t in paras if s == "Heading 1"] == SECTIONS_IN_ORDER
    texts = [t for _, t in paras]
    assert "No conclusions were recorded." in texts
    assert any(s == "Disclaimer" for s, _ in paras)  # a default disclaimer
    assert doc.tables == []


def test_conclusions_text_alone_suppresses_the_empty_notice():
    doc = read(build_report(Report(title="T", conclusions="We agreed.")))
    texts = [t for _, t in paragraphs(doc)]
    assert "We agreed." in texts and "No conclusions were recorded." not in texts


def test_two_thousand_items_build():
    workshops = [ReportWorkshop(number=w + 1, title=f"W{w}", categories=[
        ReportCategory(f"Category {c}", [ReportItem(f"Item {w}-{c}-{i} text", f"Round {i % 3 + 1}",
                                                    key_point=i % 7 == 0) for i in range(112)])
        for c in range(3)]) for w in range(6)]
    data = build_report(Report(title="Big", workshops=workshops))
    doc = read(data)
    bullets = [p for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert len(bullets) == 6 * 3 * 112
    assert all_text(doc).count("Item 5-2-111 text (Round 1)") == 1


# ---------------------------------------------------------------------------------------------- templates


def make_template(**kwargs) -> bytes:
    doc = docx.Document()
    heading = doc.styles["Heading 1"]
    heading.font.name = "Courier New"
    heading.font.size = Pt(31)
    heading.font.color.rgb = RGBColor(0x12, 0x34, 0x56)
    doc.sections[0].header.paragraphs[0].text = "ACME Secretariat header"
    doc.add_paragraph("Template sample body text")
    for name in kwargs.get("drop_styles", ()):
        doc.styles.element.remove(doc.styles[name].element)
    if kwargs.get("no_default_style"):  # as LibreOffice writes them
        doc.styles["Normal"].element.attrib.pop(qn("w:default"))
    if kwargs.get("drop_numbering"):
        rid = next(r for r, rel in doc.part.rels.items() if rel.reltype.endswith("/numbering"))
        doc.part.drop_rel(rid)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def test_template_styles_and_header_win():
    template = make_template()
    check_template(template)
    data = build_report(sample_report(), template)
    doc = read(data)
    heading = doc.styles["Heading 1"]
    assert heading.font.name == "Courier New"
    assert heading.font.size == Pt(31)
    assert heading.font.color.rgb == RGBColor(0x12, 0x34, 0x56)
    assert doc.sections[0].header.paragraphs[0].text == "ACME Secretariat header"
    texts = [t for _, t in paragraphs(doc)]
    assert "Template sample body text" not in texts
    assert [t for s, t in paragraphs(doc) if s == "Heading 1"] == SECTIONS_IN_ORDER
    assert "Meeting on Migrant Smuggling" not in doc.sections[0].header.paragraphs[0].text
    assert " PAGE " in part_xml(data, "word/footer")  # the template had no footer: page numbers added


def test_template_missing_styles_and_numbering_gets_them_added():
    template = make_template(drop_styles=["List Bullet", "Title", "Table Grid", "Strong", "Caption"],
                             drop_numbering=True, no_default_style=True)
    data = build_report(sample_report(), template)
    doc = read(data)
    names = {s.name for s in doc.styles}
    assert {"List Bullet", "Title", "Table Grid", "Caption", "Key Point", "Disclaimer", "Source"} <= names
    assert doc.styles["Heading 1"].font.name == "Courier New"
    bullet = doc.styles["List Bullet"].element
    num_id = bullet.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(qn("w:val"))
    numbering = doc.part.numbering_part.element
    assert any(n.get(qn("w:numId")) == num_id for n in numbering.iter(qn("w:num")))
    assert doc.tables[0].style.name == "Table Grid"
    styles = {s.style_id for s in doc.styles}
    for el in doc.element.body.iter(qn("w:pStyle"), qn("w:rStyle"), qn("w:tblStyle")):
        assert el.get(qn("w:val")) in styles
    assert all(p.style is not None for p in doc.paragraphs)  # every paragraph names its style


def test_word_template_dotx_is_accepted():
    with zipfile.ZipFile(BytesIO(make_template())) as src:
        out = BytesIO()
        with zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                blob = src.read(info)
                if info.filename == "[Content_Types].xml":
                    blob = blob.replace(b"document.main+xml", b"template.main+xml")
                dst.writestr(info, blob)
    check_template(out.getvalue())
    assert read(build_report(sample_report(), out.getvalue())).sections[0].header.paragraphs[0].text == \
        "ACME Secretariat header"


def zip_of(files: dict[str, bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, blob in files.items():
            zf.writestr(name, blob)
    return out.getvalue()


@pytest.mark.parametrize("data, words", [
    (b"not a docx", "not a Word document (.docx)"),
    (b"", "empty"),
    (zip_of({"hello.txt": b"hi"}), "not a Word document (.docx)"),
    (zip_of({"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<x/>"}), "word/document.xml"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "(.doc)"),
])
def test_check_template_refuses_non_documents(data, words):
    with pytest.raises(TemplateError) as error:
        check_template(data)
    assert words in str(error.value)
    with pytest.raises(TemplateError):
        build_report(Report(title="T"), data)


def test_check_template_refuses_a_damaged_document():
    with zipfile.ZipFile(BytesIO(make_template())) as src:
        files = {n: src.read(n) for n in src.namelist()}
    intact = files["word/document.xml"]
    files["word/document.xml"] = b"<w:document><broken"
    with pytest.raises(TemplateError, match="could not be read"):
        check_template(zip_of(files))
    files["word/document.xml"] = intact
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(b"document.main+xml",
                                                                        b"document.macroEnabled.main+xml")
    with pytest.raises(TemplateError, match="macros"):
        check_template(zip_of(files))


# ------------------------------------------------------------------------------ hostile templates (issue 11)

MB = 1024 * 1024


def with_part(template: bytes, name: str, size: int, compression=zipfile.ZIP_DEFLATED, random=False) -> bytes:
    """The template plus one extra part of `size` bytes: zeros (a zip bomb) or random bytes (a real big file)."""
    import os

    out = BytesIO()
    with zipfile.ZipFile(BytesIO(template)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        info = zipfile.ZipInfo(name)
        info.compress_type = compression
        with dst.open(info, "w") as part:
            for start in range(0, size, MB):
                part.write(os.urandom(min(MB, size - start)) if random else bytes(min(MB, size - start)))
    return out.getvalue()


def zip_bomb(template: bytes) -> bytes:
    """A valid template with one 64 MB part of zeros: about 64 kB packed."""
    return with_part(template, "word/media/padding.bin", 64 * MB)


def with_entity(template: bytes, encoding: str = "utf-8") -> bytes:
    """The template whose document.xml declares an external entity and uses it in the text."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(template)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "word/document.xml":
                text = blob.decode("utf-8").split("?>", 1)[1]
                text = (f'<?xml version="1.0" encoding="{encoding}"?>\n'
                        '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
                        + text.replace("Template sample body text", "&xxe;"))
                blob = text.encode(encoding)
            dst.writestr(info, blob)
    return out.getvalue()


def test_a_zip_bomb_template_is_refused():
    bomb = zip_bomb(make_template())
    assert len(bomb) < MB
    with pytest.raises(TemplateError, match="too large once unpacked.*word/media/padding.bin"):
        check_template(bomb)
    with pytest.raises(TemplateError):  # nor is a template stored before the check used for a report
        build_report(sample_report(), bomb)


@pytest.mark.parametrize("sizes, words", [
    ([21 * MB], "its part word/media/picture0.bin holds 21 MB"),
    ([17 * MB, 17 * MB, 17 * MB], "its parts hold"),
])
def test_a_template_too_large_once_unpacked_is_refused(sizes, words):
    template = make_template()
    for n, size in enumerate(sizes):
        template = with_part(template, f"word/media/picture{n}.bin", size, zipfile.ZIP_STORED, random=True)
    with pytest.raises(TemplateError, match="too large once unpacked") as error:
        check_template(template)
    assert words in str(error.value)


def test_a_template_whose_zip_directory_lies_about_sizes_is_refused():
    """The directory says 1 kB, the data unpacks to 64 MB: unpacking stops at what the directory claimed."""
    bomb = bytearray(zip_bomb(make_template()))
    with zipfile.ZipFile(BytesIO(bytes(bomb))) as zf:
        info = zf.getinfo("word/media/padding.bin")
    real = (64 * MB).to_bytes(4, "little")
    assert bomb.count(real) == 2  # the size in the part's local header and in the central directory
    bomb = bytearray(bytes(bomb).replace(real, (1024).to_bytes(4, "little")))
    with zipfile.ZipFile(BytesIO(bytes(bomb))) as zf:
        assert zf.getinfo(info.filename).file_size == 1024
    with pytest.raises(TemplateError, match="padding.bin is damaged"):
        check_template(bytes(bomb))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_template_declaring_an_entity_is_refused(encoding):
    template = with_entity(make_template(), encoding)
    with pytest.raises(TemplateError, match="word/document.xml declares a document type or entities"):
        check_template(template)


def test_every_part_of_a_good_template_is_tried_in_a_test_report():
    check_template(make_template())
    check_template(make_template(drop_styles=["List Bullet", "Title"], drop_numbering=True))
