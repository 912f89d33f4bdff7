"""The report's named styles: resolved to ids once per document (python-docx scans every style on each
`style=` lookup), those a house template lacks added from python-docx's default template or defined here,
so an organisation's look wins."""

from __future__ import annotations

import zipfile
from copy import deepcopy
from functools import lru_cache
from pathlib import Path

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.parts.numbering import NumberingPart

from .elements import TYPE, VAL, w

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
