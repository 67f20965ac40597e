"""Fields Word writes whole (w:fldSimple), as mammoth reads them. mammoth drops such a field with the
text it shows: a caption's 图 1 number (a SEQ field), NUMPAGES, and a link written as a simple HYPERLINK
field. In the copy of the Word file mammoth is given, each such field is a smart tag (w:smartTag, whose
text mammoth reads; the tag keeps the field's attributes, and so any namespace it declares); a HYPERLINK
field's text stands in the field Word writes in parts (w:fldChar), which mammoth reads as a link, so that
its address goes through the same checks as any other link of the document (docxarticle._links)."""
from __future__ import annotations

import html
import re
import tempfile
import zipfile
from pathlib import Path

from ..core.policy import browser_url

# A simple field's start or end tag, read attribute by attribute (a quoted value may hold `/` or `>`);
# comments, CDATA sections and processing instructions are matched to be passed over whole (a start
# tag written inside a comment is no field, and would end the link field around it early).
_SIMPLE_FIELD = re.compile(rb"""<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"""
                           rb"""|<(?P<end>/?)(?P<prefix>(?:[A-Za-z_][\w.-]*:)?)fldSimple\b"""
                           rb"""(?P<attributes>(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(?P<empty>/?)>""", re.S)
_ATTRIBUTE = re.compile(rb"""\s+(?:[A-Za-z_][\w.-]*:)?([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# The runs written around a link's text declare their own prefix: the field's may be declared on the field itself.
_RUN = b'<xk:r xmlns:xk="http://schemas.openxmlformats.org/wordprocessingml/2006/main">%s</xk:r>'
_TEXT_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")


def for_mammoth(source: Path):
    """The Word file as mammoth is given it: an open file (a temporary copy when it has simple fields)."""
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in _TEXT_PARTS if name in archive.namelist()}
        if not any(b"fldSimple" in data for data in parts.values()):
            return source.open("rb")
        out = tempfile.NamedTemporaryFile(suffix=".docx")   # (on disk: a photo-heavy report is hundreds of MB unpacked)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
            for item in archive.infolist():
                data = parts.get(item.filename)
                copy.writestr(item.filename, unfold_simple_fields(data) if data is not None else archive.read(item))
    out.seek(0)
    return out


def unfold_simple_fields(xml: bytes) -> bytes:
    """The part with each simple field a container of its text (w:smartTag, whose children mammoth reads;
    the tag keeps its attributes, and so the namespaces it declares), a HYPERLINK field's text between
    the field's parts."""
    open_fields: list[bytes] = []   # (what closes each field open at this point: its end tag, after a link's end)

    def unfold(m: re.Match) -> bytes:
        if m.group("prefix") is None:   # (a comment, CDATA or processing instruction: left as it is)
            return m.group(0)
        prefix = m.group("prefix")
        if m.group("end"):
            return open_fields.pop() if open_fields else b""
        tag = b"<%ssmartTag%s%s>" % (prefix, m.group("attributes"), b"/" if m.group("empty") else b"")
        if m.group("empty"):
            return tag
        link = _hyperlink(m.group("attributes"))
        if link is None:
            open_fields.append(b"</%ssmartTag>" % prefix)
            return tag
        open_fields.append(_RUN % b'<xk:fldChar xk:fldCharType="end"/>' + b"</%ssmartTag>" % prefix)
        instruction = b'<xk:instrText xml:space="preserve"> HYPERLINK %s </xk:instrText>' % link
        return (tag + _RUN % b'<xk:fldChar xk:fldCharType="begin"/>' + _RUN % instruction
                + _RUN % b'<xk:fldChar xk:fldCharType="separate"/>')

    return _SIMPLE_FIELD.sub(unfold, xml)


def _hyperlink(attributes: bytes) -> bytes | None:
    """A HYPERLINK field's instruction as mammoth reads it (`"address"` or `\\l "bookmark"`, escaped
    for XML text), from the field's w:instr; None for any other field."""
    found = next((m for m in _ATTRIBUTE.finditer(attributes) if m.group(1) == b"instr"), None)
    if found is None:   # (read attribute by attribute: another's value may hold the words instr="…")
        return None
    # (the value as an XML parser gives it to Word: a tab or line break typed in it is a space, one written
    # as a character reference stays; the address drops them then, as a browser does)
    value = re.sub(rb"\r\n|[\t\n\r]", b" ", found.group(2) or found.group(3) or b"")
    instruction = html.unescape(value.decode("utf-8", "replace"))
    words = re.findall(r'"([^"]*)"?|(\S+)', instruction)
    words = [quoted or bare for quoted, bare in words]
    if not words or words[0].upper() != "HYPERLINK":   # (field codes ignore case)
        return None
    address, bookmark, rest = None, None, iter(words[1:])
    for word in rest:
        switch = word.lower()
        if switch == "\\l":
            bookmark = next(rest, None)
        elif switch in ("\\o", "\\t"):   # (a tooltip, a target frame)
            next(rest, None)
        elif not switch.startswith("\\") and address is None:
            address = word
    if bookmark is not None and address is None:
        return b'\\l "%s"' % _text(bookmark)
    if address is None:
        return None
    return b'"%s"' % _text(address + (f"#{bookmark}" if bookmark else ""))


def _text(value: str) -> bytes:
    """A value as XML text inside the instruction's quotes, as a browser reads an address (a tab or line
    break in it is dropped: mammoth reads the quotes on one line only), without quotes (one would end them early)."""
    return html.escape(browser_url(value).replace('"', ""), quote=False).encode("utf-8")
