"""Low-level WordprocessingML elements for report.py: paragraphs, runs, fields, footnotes, sections.

Everything is written as lxml elements straight into the document tree: paragraphs are appended with
`SubElement` instead of `add_paragraph` (which searches for the final sectPr on every call), with style
ids resolved once per document by styles.py.
"""

from __future__ import annotations

import re
from copy import deepcopy

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from lxml import etree

from .text import clean, mostly_rtl

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


P, PPR, PSTYLE, BIDI, R, RPR, RSTYLE, RTL, T, BR, TAB = map(
    w, ("p", "pPr", "pStyle", "bidi", "r", "rPr", "rStyle", "rtl", "t", "br", "tab")
)
FLDCHAR, INSTR, VAL, TYPE = w("fldChar"), w("instrText"), w("val"), w("type")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
SE = etree.SubElement

_BREAKS = re.compile("(\n|\t)")


def add_run(p, text: str, style_id: str | None = None) -> None:
    """Append a run with `text` (already cleaned); newlines become w:br, tabs w:tab; w:rtl when the
    text is mostly right-to-left."""
    r = SE(p, R)
    rtl = mostly_rtl(text)
    if style_id or rtl:
        rpr = SE(r, RPR)
        if style_id:
            SE(rpr, RSTYLE, {VAL: style_id})
        if rtl:
            SE(rpr, RTL)
    if "\n" in text or "\t" in text:
        for piece in _BREAKS.split(text):
            if piece == "\n":
                SE(r, BR)
            elif piece == "\t":
                SE(r, TAB)
            elif piece:
                _add_t(r, piece)
    elif text:
        _add_t(r, text)


def _add_t(r, text: str) -> None:
    t = SE(r, T)
    t.text = text
    if text[0].isspace() or text[-1].isspace():
        t.set(XML_SPACE, "preserve")


def add_par(parent, style_id: str | None, *runs) -> object:
    """Append a paragraph; each run is a string or a (text, character style id) pair."""
    p = SE(parent, P)
    pieces = [(clean(r), None) if isinstance(r, str) else (clean(r[0]), r[1]) for r in runs]
    rtl = len(pieces) > 0 and mostly_rtl("".join(t for t, _ in pieces))
    if style_id or rtl:
        ppr = SE(p, PPR)
        if style_id:
            SE(ppr, PSTYLE, {VAL: style_id})
        if rtl:
            SE(ppr, BIDI)
    for text, cstyle in pieces:
        if text:
            add_run(p, text, cstyle)
    return p


def add_page_break(parent, style_id: str) -> None:
    SE(SE(add_par(parent, style_id), R), BR, {TYPE: "page"})


def add_field(p, instr: str, placeholder: str, dirty: bool = False) -> None:
    """A complex field (begin / instruction / separate / cached result / end) in paragraph `p`."""
    _field_start(p, instr, dirty)
    _add_t(SE(p, R), placeholder)
    SE(SE(p, R), FLDCHAR, {w("fldCharType"): "end"})


def _field_start(p, instr: str, dirty: bool = False) -> None:
    begin = SE(SE(p, R), FLDCHAR, {w("fldCharType"): "begin"})
    if dirty:
        begin.set(w("dirty"), "true")
    it = SE(SE(p, R), INSTR)
    it.text = f" {instr} "
    it.set(XML_SPACE, "preserve")
    SE(SE(p, R), FLDCHAR, {w("fldCharType"): "separate"})


def add_toc(anchor, instr: str, entries: list[tuple[str, str]], placeholder: str) -> None:
    """Replace the empty paragraph `anchor` by a table of contents field whose cached result already lists
    `entries` (style id, heading): readers that do not update fields (LibreOffice's PDF export) still show
    the contents, and Word refreshes them with page numbers when the file is opened."""
    if not entries:
        add_field(anchor, instr, placeholder, dirty=True)
        return
    body = anchor.getparent()
    for index, (style_id, text) in enumerate(entries):
        p = add_par(body, style_id)
        anchor.addprevious(p)
        if index == 0:
            _field_start(p, instr, dirty=True)
        add_run(p, clean(text))
    SE(SE(p, R), FLDCHAR, {w("fldCharType"): "end"})
    body.remove(anchor)


class Footnotes:
    """Real Word footnotes (python-docx has no API for them): the document's footnotes part, made when the
    first note is added, or the template's, whose own notes and separators stay."""

    def __init__(self, doc, text_style: str, reference_style: str):
        self.doc, self.text_style, self.reference_style = doc, text_style, reference_style
        self.root = self.part = None
        self.next_id = 1

    def add(self, p, text: str) -> None:
        """A footnote reference at the end of paragraph `p`, and the note with `text` at the page's foot."""
        if self.root is None:
            self._open()
        note_id = str(self.next_id)
        self.next_id += 1
        note = SE(self.root, w("footnote"), {w("id"): note_id})
        par = add_par(note, self.text_style)
        mark = SE(par, R)
        SE(SE(mark, RPR), RSTYLE, {VAL: self.reference_style})
        SE(mark, w("footnoteRef"))
        add_run(par, " " + clean(text))
        ref = SE(p, R)
        SE(SE(ref, RPR), RSTYLE, {VAL: self.reference_style})
        SE(ref, w("footnoteReference"), {w("id"): note_id})

    def _open(self) -> None:
        try:
            self.part = self.doc.part.part_related_by(RT.FOOTNOTES)
        except KeyError:
            self.root = parse_xml(
                f'<w:footnotes {nsdecls("w")}><w:footnote w:type="separator" w:id="-1"><w:p><w:pPr>'
                '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r>'
                '</w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
                '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r>'
                '<w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>')
            self.part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, self.root, self.doc.part.package)
            self.doc.part.relate_to(self.part, RT.FOOTNOTES)
            return
        self.root = getattr(self.part, "element", None)
        if self.root is None:  # a template's part python-docx keeps as bytes: edited here, written back in close()
            self.root = parse_xml(self.part.blob)
        ids = [int(n.get(w("id"))) for n in self.root.iterchildren(w("footnote"))]
        self.next_id = max([0, *ids]) + 1

    def close(self) -> None:
        if self.root is not None and not isinstance(self.part, XmlPart):
            self.part._blob = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)


_AFTER_TITLE_PG = {"textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"}


def end_section(p, sect_pr) -> None:
    """End a section at paragraph `p`, with `sect_pr`'s page setup, headers and footers; what follows is a
    section whose first page has a header and footer of its own (a back cover's)."""
    ppr = p.find(PPR)
    if ppr is None:
        ppr = p.makeelement(PPR, {})
        p.insert(0, ppr)
    ppr.append(deepcopy(sect_pr))
    if sect_pr.find(w("titlePg")) is None:
        title_pg = sect_pr.makeelement(w("titlePg"), {})
        after = next((c for c in sect_pr if isinstance(c.tag, str) and etree.QName(c).localname in _AFTER_TITLE_PG),
                     None)
        sect_pr.append(title_pg) if after is None else after.addprevious(title_pg)


# Children of w:settings that must come after w:updateFields (schema order; Word rejects disorder).
_AFTER_UPDATE_FIELDS = {
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
    "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
}


def set_update_fields(settings) -> None:
    """Ask Word to refresh fields (the table of contents) when the document is opened."""
    for old in settings.findall(w("updateFields")):
        settings.remove(old)
    el = settings.makeelement(w("updateFields"), {VAL: "true"})
    for child in settings:
        if isinstance(child.tag, str) and etree.QName(child).localname in _AFTER_UPDATE_FIELDS:
            child.addprevious(el)
            return
    settings.append(el)
