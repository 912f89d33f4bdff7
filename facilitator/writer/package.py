"""A .docx is a zip of XML parts: refuse one that unpacks too large or whose XML declares a DTD.

    check_package(data)     # raises TemplateError with a message for the uploader

An uploaded house template is unpacked again for every report built with it, so a zip bomb would make every
download slow, and an entity declaration (<!DOCTYPE ...>, <!ENTITY ...>) would make every report one that
Word and LibreOffice cannot open. Word never writes either, so refusing them costs a real template nothing.
"""

from __future__ import annotations

import zipfile
import zlib
from io import BytesIO

from lxml import etree

MB = 1024 * 1024
MAX_PART_BYTES = 20 * MB
MAX_TOTAL_BYTES = 50 * MB
# Word's XML packs about 5-20 to 1; a big part packed more than this is padding, not a document.
MAX_RATIO, RATIO_FROM_BYTES = 100, 1 * MB

NOT_DOCX = ("This file is not a Word document (.docx). Open it in Word, choose File > Save As > "
            "\"Word Document (*.docx)\" and upload the saved file.")
SAVE_AGAIN = "Open it in Word, save it again as \"Word Document (*.docx)\" and upload the saved file."
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class TemplateError(ValueError):
    """The uploaded template is not a usable Word document; the message is meant for the uploader."""


def check_package(data: bytes) -> None:
    """Raise TemplateError unless `data` is a zip whose parts are small enough and whose XML has no DTD."""
    if not isinstance(data, (bytes, bytearray, memoryview)) or len(data) == 0:
        raise TemplateError("The template file is empty. " + NOT_DOCX)
    data = bytes(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TemplateError("This file is an old-style Word document (.doc) or a password-protected file. "
                            "Open it in Word, remove any password, choose File > Save As > \"Word Document "
                            "(*.docx)\" and upload the saved file.")
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise TemplateError(NOT_DOCX) from exc
    with zf:
        infos = zf.infolist()
        _check_sizes(infos)
        total = 0
        for info in infos:
            blob = _unpack(zf, info, MAX_TOTAL_BYTES - total)
            total += len(blob)
            if info.filename.lower().endswith(_XML_SUFFIXES) or blob.lstrip()[:5] == b"<?xml":
                _check_xml(info.filename, blob)


def _too_large(what: str) -> TemplateError:
    return TemplateError(f"This template is too large once unpacked: {what} (the limits are "
                         f"{MAX_PART_BYTES // MB} MB per part and {MAX_TOTAL_BYTES // MB} MB in all). "
                         "Remove large pictures or embedded files from it, save it as \"Word Document "
                         "(*.docx)\" and upload the saved file.")


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    """What the zip's directory says; _unpack checks it again while unpacking, since a directory can lie."""
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            raise _too_large(f"its part {info.filename} holds {info.file_size / MB:.0f} MB")
        if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _too_large(f"its part {info.filename} unpacks {info.file_size // max(info.compress_size, 1)} "
                             "times larger than it is packed")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        raise _too_large(f"its parts hold {total / MB:.0f} MB")


def _unpack(zf: zipfile.ZipFile, info: zipfile.ZipInfo, room: int) -> bytes:
    """The part's bytes, reading no more than the limits allow whatever its directory entry claims."""
    limit = min(MAX_PART_BYTES, room)
    chunks, size = [], 0
    try:
        with zf.open(info) as part:
            while chunk := part.read(min(MB, limit + 1 - size)):
                size += len(chunk)
                if size > limit:
                    raise _too_large(f"its part {info.filename} holds more than {limit / MB:.0f} MB")
                chunks.append(chunk)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, zlib.error) as exc:
        raise _damaged(info.filename) from exc  # a bad checksum, a password, a packing Word never uses
    return b"".join(chunks)


def _check_xml(name: str, blob: bytes) -> None:
    """Parse without resolving entities or fetching anything; refuse a document type declaration."""
    if b"<!DOCTYPE" in blob or b"<!ENTITY" in blob:
        raise _declares_dtd(name)
    try:
        tree = etree.parse(BytesIO(blob), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise _damaged(name) from exc
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:  # e.g. a DTD in UTF-16, unseen above
        raise _declares_dtd(name)


def _declares_dtd(name: str) -> TemplateError:
    return TemplateError(f"This template's part {name} declares a document type or entities (<!DOCTYPE>, "
                         "<!ENTITY>), which Word never writes and facilitator does not accept. " + SAVE_AGAIN)


def _damaged(name: str) -> TemplateError:
    return TemplateError(f"This Word document could not be read: its part {name} is damaged. " + SAVE_AGAIN)
