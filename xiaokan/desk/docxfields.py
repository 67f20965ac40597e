"""Fields Word writes whole (w:fldSimple), as mammoth reads them. mammoth drops such a field with the
text it shows: a caption's 图 1 number (a SEQ field), NUMPAGES, and a link written as a simple HYPERLINK
field. The copy of the Word file mammoth is given shows each field's text; a HYPERLINK field becomes
the field Word writes in parts (w:fldChar), which mammoth reads as a link, so that its address goes
through the same checks as any other link of the document (docxarticle._links)."""
from __future__ import annotations

import html
import re
import tempfile
import zipfile
from pathlib import Path

# A simple field's start or end tag, read attribute by attribute (a quoted value may hold `/` or `>`).
_SIMPLE_FIELD = re.compile(rb"""<(?P<end>/?)(?P<prefix>(?:[A-Za-z_][\w.-]*:)?)fldSimple\b"""
                           rb"""(?P<attributes>(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(?P<empty>/?)>""")
_INSTRUCTION = re.compile(rb"""(?:^|\s)(?:[A-Za-z_][\w.-]*:)?instr\s*=\s*(?:"([^"]*)"|'([^']*)')""")
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
    """The part with each simple field's tags taken away (its text stays), a HYPERLINK field's written
    as the field in parts around that text."""
    open_fields: list[bytes] = []   # (what closes each field open at this point: b"" or the end of a link)

    def unfold(m: re.Match) -> bytes:
        prefix = m.group("prefix")
        if m.group("end"):
            return open_fields.pop() if open_fields else b""
        link = _hyperlink(m.group("attributes"))
        if link is None or not prefix or m.group("empty"):   # (a link in the default namespace: its text only)
            if not m.group("empty"):
                open_fields.append(b"")
            return b""
        open_fields.append(_run(prefix, b'<%sfldChar %sfldCharType="end"/>' % (prefix, prefix)))
        instruction = b'<%sinstrText xml:space="preserve"> HYPERLINK %s </%sinstrText>' % (prefix, link, prefix)
        return (_run(prefix, b'<%sfldChar %sfldCharType="begin"/>' % (prefix, prefix)) + _run(prefix, instruction)
                + _run(prefix, b'<%sfldChar %sfldCharType="separate"/>' % (prefix, prefix)))

    return _SIMPLE_FIELD.sub(unfold, xml)


def _run(prefix: bytes, content: bytes) -> bytes:
    return b"<%sr>%s</%sr>" % (prefix, content, prefix)


def _hyperlink(attributes: bytes) -> bytes | None:
    """A HYPERLINK field's instruction as mammoth reads it (`"address"` or `\\l "bookmark"`, escaped
    for XML text), from the field's w:instr; None for any other field."""
    found = _INSTRUCTION.search(attributes)
    if found is None:
        return None
    instruction = html.unescape((found.group(1) or found.group(2) or b"").decode("utf-8", "replace"))
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
    """A value as XML text inside the instruction's quotes (a quote in it would end them early)."""
    return html.escape(value.replace('"', ""), quote=False).encode("utf-8")
