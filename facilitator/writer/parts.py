"""Low-level WordprocessingML pieces for report.py: text cleaning, named styles, paragraphs, fields.

Everything is written as lxml elements straight into the document tree: style ids are resolved once
per document (python-docx scans every style on each `style=` lookup), and paragraphs are appended
with `SubElement` instead of `add_paragraph` (which searches for the final sectPr on every call).
"""

from __future__ import annotations

import re
import zipfile
from copy import deepcopy
from functools import lru_cache
from pathlib import Path

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.parts.numbering import NumberingPart
from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


P, PPR, PSTYLE, BIDI, R, RPR, RSTYLE, RTL, T, BR, TAB = map(
    w, ("p", "pPr", "pStyle", "bidi", "r", "rPr", "rStyle", "rtl", "t", "br", "tab")
)
FLDCHAR, INSTR, VAL, TYPE = w("fldChar"), w("instrText"), w("val"), w("type")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
SE = etree.SubElement

# ---------------------------------------------------------------------------------------------- text

# XML 1.0 cannot hold C0 controls (except tab/newline/CR), lone surrogates, U+FFFE/U+FFFF; C1 controls
# and DEL are legal but invisible garbage (mis-decoded text), so they go too. VT/FF/U+2028/U+2029 and
# CR are line breaks in practice (Word pastes Shift+Enter as VT).
_DROP = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NEEDS_WORK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_NEWLINES = re.compile("\r\n?|[\x0b\x0c\u2028\u2029]")
_BREAKS = re.compile("(\n|\t)")
_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff"
_RTL_CHAR, _RTL_RUNS = re.compile(f"[{_RTL}]"), re.compile(f"[{_RTL}]+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BULLET = re.compile(r"^\s*[-*•–]\s+")


def clean(text: object) -> str:
    """`text` as a string Word can hold: illegal characters dropped, line breaks normalised to \\n."""
    s = text if isinstance(text, str) else ("" if text is None else str(text))
    if _NEEDS_WORK.search(s) is None:
        return s
    return _DROP.sub("", _NEWLINES.sub("\n", s))


def mostly_rtl(text: str) -> bool:
    """True when most of `text` (spaces aside) is in right-to-left scripts (Arabic, Hebrew, ...)."""
    if _RTL_CHAR.search(text) is None:
        return False
    return sum(map(len, _RTL_RUNS.findall(text))) * 2 > len(text) - text.count(" ")


def blocks(text: str) -> list[tuple[bool, str]]:
    """Free text split into paragraphs on blank lines: (is_bullet, text). A block whose lines all start
    with "- " (or "* ", "• ") becomes one bullet per line."""
    out: list[tuple[bool, str]] = []
    for block in _BLANK_LINE.split(clean(text).strip()):
        block = block.strip("\n")
        if not block.strip():
            continue
        lines = block.split("\n")
        if all(_BULLET.match(line) for line in lines):
            out.extend((True, _BULLET.sub("", line, count=1).rstrip()) for line in lines)
        else:
            out.append((False, block))
    return out


# ------------------------------------------------------------------------------------------ elements


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


# -------------------------------------------------------------------------------------------- styles

# (type, name) -> definition; "{normal}" is replaced by the document's Normal style id.
_PARA = '<w:style {ns} w:type="paragraph" w:customStyle="1" w:styleId="{id}"><w:name w:val="{name}"/>' \
    '<w:basedOn w:val="{normal}"/><w:next w:val="{normal}"/><w:qFormat/>{body}</w:style>'
_CHAR = '<w:style {ns} w:type="character" w:customStyle="1" w:styleId="{id}"><w:name w:val="{name}"/>' \
    '<w:qFormat/>{body}</w:style>'
CUSTOM = {
    "Title Details": (_PARA, '<w:pPr><w:spacing w:after="120"/></w:pPr><w:rPr><w:sz w:val="28"/>'
                      '<w:szCs w:val="28"/></w:rPr>'),
    "Draft Label": (_PARA, '<w:pPr><w:spacing w:before="480"/></w:pPr><w:rPr><w:i/><w:iCs/>'
                    '<w:color w:val="C00000"/></w:rPr>'),
    "Session Details": (_PARA, '<w:pPr><w:keepNext/><w:spacing w:after="80"/></w:pPr><w:rPr><w:i/>'
                        '<w:iCs/><w:color w:val="595959"/></w:rPr>'),
    "Disclaimer": (_PARA, '<w:pPr><w:pBdr><w:left w:val="single" w:sz="12" w:space="8" w:color="A6A6A6"/>'
                   '</w:pBdr><w:ind w:left="284"/></w:pPr><w:rPr><w:i/><w:iCs/><w:color w:val="595959"/>'
                   '</w:rPr>'),
    "TOC 1": (_PARA, '<w:pPr><w:spacing w:after="60"/></w:pPr>'),
    "TOC 2": (_PARA, '<w:pPr><w:spacing w:after="40"/><w:ind w:left="440"/></w:pPr>'),
    "Statement": (_PARA, '<w:pPr><w:keepNext/><w:spacing w:before="160" w:after="60"/></w:pPr>'),
    "Source": (_PARA, '<w:pPr><w:spacing w:after="0"/><w:ind w:left="567"/></w:pPr><w:rPr>'
               '<w:color w:val="595959"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'),
    "Table Heading": (_PARA, '<w:pPr><w:keepNext/><w:spacing w:after="0"/></w:pPr><w:rPr><w:b/><w:bCs/>'
                      '</w:rPr>'),
    "Key Point": (_CHAR, "<w:rPr><w:b/><w:bCs/></w:rPr>"),
    "Detail": (_CHAR, '<w:rPr><w:color w:val="808080"/></w:rPr>'),
    # Word's own names for footnotes, so a template's footnote look is used when it has one.
    "footnote text": (_PARA, '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr>'
                      '<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'),
    "footnote reference": (_CHAR, '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'),
    # The final report's title page, imprint, programme annex and back cover.
    "Imprint": (_PARA, '<w:pPr><w:spacing w:after="40"/></w:pPr><w:rPr><w:color w:val="595959"/>'
                '<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'),
    "Programme Entry": (_PARA, '<w:pPr><w:spacing w:after="80"/><w:ind w:left="1418" w:hanging="1418"/>'
                        '</w:pPr>'),
    "Back Matter": (_PARA, '<w:pPr><w:spacing w:after="40"/><w:jc w:val="center"/></w:pPr><w:rPr>'
                    '<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'),
}
BUILTIN = ("Normal", "Heading 1", "Title", "Subtitle", "Heading 2", "Heading 3", "List Bullet",
           "List Bullet 2", "Strong", "TOC Heading", "Caption", "Header", "Footer", "Table Grid")
_TYPE_OF = {"Table Grid": "table", "Key Point": "character", "Detail": "character", "Strong": "character",
            "footnote reference": "character"}

_BULLET_NUMBERING = (
    '<w:abstractNum {ns} w:abstractNumId="{a}"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0">'
    '<w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/><w:lvlJc w:val="left"/>'
    '<w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>'
)


@lru_cache(maxsize=1)
def _default_styles() -> bytes:
    """styles.xml of python-docx's default template: where missing built-in styles are copied from."""
    path = Path(docx.__file__).parent / "templates" / "default.docx"
    with zipfile.ZipFile(path) as zf:
        return zf.read("word/styles.xml")


def _name_key(style) -> tuple[str, str] | None:
    name = style.find(w("name"))
    if name is None:
        return None
    return style.get(TYPE) or "paragraph", (name.get(VAL) or "").lower()


def resolve_styles(doc) -> dict[str, str]:
    """Style name -> style id for every style the report uses, adding the ones the document lacks.

    Styles already defined (by the template) are used as they are, so an organisation's look wins."""
    root = doc.styles.element
    found: dict[tuple[str, str], str] = {}
    ids = set()
    for s in root.iterchildren(w("style")):
        key, sid = _name_key(s), s.get(w("styleId"))
        ids.add(sid)
        if key and sid and key not in found:
            found[key] = sid
    defaults = parse_xml(_default_styles())
    default_by_id = {s.get(w("styleId")): s for s in defaults.iterchildren(w("style"))}

    def lookup(name: str, kind: str = "paragraph") -> str | None:
        return found.get((kind, name.lower()))

    def new_id(wanted: str) -> str:
        sid, n = wanted, 1
        while sid in ids:
            n, sid = n + 1, f"{wanted}{n + 1}"
        ids.add(sid)
        return sid

    def add(el, name: str, kind: str) -> str:
        el.set(w("styleId"), new_id(el.get(w("styleId"))))
        root.append(el)
        found[(kind, name.lower())] = el.get(w("styleId"))
        return el.get(w("styleId"))

    out: dict[str, str] = {}
    for name in BUILTIN:
        kind = _TYPE_OF.get(name, "paragraph")
        sid = lookup(name, kind)
        if sid is None:
            src = next(s for s in default_by_id.values() if _name_key(s) == (kind, name.lower()))
            sid = add(_adapt(deepcopy(src), default_by_id, lookup, doc), name, kind)
        out[name] = sid
    for name, (template, body) in CUSTOM.items():
        kind = _TYPE_OF.get(name, "paragraph")
        sid = lookup(name, kind)
        if sid is None:
            xml = template.format(ns=nsdecls("w"), id=name.replace(" ", ""), name=name, normal=out["Normal"],
                                  body=body)
            sid = add(parse_xml(xml), name, kind)
        out[name] = sid
    return out


def _adapt(style, default_by_id, lookup, doc):
    """A default-template style made to fit another document: references re-pointed by name."""
    for tag in ("link", "rsid"):
        for el in style.findall(w(tag)):
            style.remove(el)
    for tag in ("basedOn", "next"):
        el = style.find(w(tag))
        if el is None:
            continue
        target = default_by_id.get(el.get(VAL))
        key = _name_key(target) if target is not None else None
        sid = lookup(key[1], key[0]) if key else None
        if sid is None and style.get(TYPE, "paragraph") == "paragraph":
            sid = lookup("normal")
        if sid is None:
            style.remove(el)
        else:
            el.set(VAL, sid)
    num_id = style.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}")
    if num_id is not None:
        num_id.set(VAL, _add_bullet_numbering(doc))
    return style


def _add_bullet_numbering(doc) -> str:
    """A fresh bullet list definition in the document's numbering part (created if missing)."""
    try:
        part = doc.part.part_related_by(RT.NUMBERING)
    except KeyError:
        element = parse_xml(f"<w:numbering {nsdecls('w')}/>")
        part = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, element, doc.part.package)
        doc.part.relate_to(part, RT.NUMBERING)
    numbering = part.element
    abstract_ids = [int(a.get(w("abstractNumId"))) for a in numbering.iterchildren(w("abstractNum"))]
    num_ids = [int(n.get(w("numId"))) for n in numbering.iterchildren(w("num"))]
    a, n = max(abstract_ids, default=-1) + 1, max(num_ids, default=0) + 1
    abstract = parse_xml(_BULLET_NUMBERING.format(ns=nsdecls("w"), a=a))
    first_num = numbering.find(w("num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="{n}"><w:abstractNumId w:val="{a}"/></w:num>')
    last_num = numbering.findall(w("num"))
    (last_num[-1].addnext(num) if last_num else abstract.addnext(num))
    return str(n)
