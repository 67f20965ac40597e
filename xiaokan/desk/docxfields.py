"""Fields as mammoth reads them. mammoth drops a field Word writes whole (w:fldSimple) with the text it
shows: a caption's 图 1 number (a SEQ field), NUMPAGES, and a link written as a simple HYPERLINK field.
In the copy of the Word file mammoth is given, each such field is a smart tag (w:smartTag, whose text
mammoth reads; the tag keeps the field's attributes, and so any namespace it declares); a HYPERLINK
field's text stands in the field Word writes in parts (w:fldChar), which mammoth reads as a link, so that
its address goes through the same checks as any other link of the document (docxarticle._links).

mammoth reads a HYPERLINK field's instruction by a pattern of its own: `HYPERLINK "address" \\o "tooltip"`
gave the address `address" \\o "tooltip`, and Word's escapes in quoted words (`\\\\` a backslash, `\\"` a
quote) stayed. Each link field's instruction, however Word wrote it (an attribute of w:fldSimple, or the
w:instrText of the field in parts, split over any number of runs), is read here as Word reads it and
given to mammoth as `HYPERLINK "address"` (or `HYPERLINK \\l "bookmark"`) alone."""
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
# A field's part: its w:fldChar (begin, separate, end; a form field's holds w:ffData) or a w:instrText
# with its text; comments, CDATA sections and processing instructions passed over whole, as above.
_FIELD_PART = re.compile(rb"""<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"""
                         rb"""|<(?P<prefix>(?:[A-Za-z_][\w.-]*:)?)(?P<tag>fldChar|instrText)\b"""
                         rb"""(?P<attributes>(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*"""
                         rb"""(?:/>|>(?P<text>[^<]*)</(?P=prefix)(?P=tag)\s*>|>)""", re.S)
# A word of a field's instruction: quoted (its quote may be escaped, \"), or up to a space or a quote.
_WORD = re.compile(r'"((?:[^"\\]|\\.)*)(?:"|$)|([^\s"]+)', re.S)
_ESCAPED = re.compile(r'\\([\\"])')
# The runs written around a link's text declare their own prefix: the field's may be declared on the field itself.
_RUN = b'<xk:r xmlns:xk="http://schemas.openxmlformats.org/wordprocessingml/2006/main">%s</xk:r>'
_TEXT_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")


def for_mammoth(source: Path):
    """The Word file as mammoth is given it: an open file (a temporary copy when it has simple fields or
    link fields in parts to put as mammoth reads them)."""
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in _TEXT_PARTS if name in archive.namelist()}
        changed = {name: unfold_simple_fields(read_link_fields(data)) for name, data in parts.items()
                   if b"fldSimple" in data or b"instrText" in data}
        changed = {name: data for name, data in changed.items() if data != parts[name]}
        if not changed:
            return source.open("rb")
        out = tempfile.NamedTemporaryFile(suffix=".docx")   # (on disk: a photo-heavy report is hundreds of MB unpacked)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
            for item in archive.infolist():
                data = changed.get(item.filename)
                copy.writestr(item.filename, data if data is not None else archive.read(item))
    out.seek(0)
    return out


def read_link_fields(xml: bytes) -> bytes:
    """The part with each HYPERLINK field written in parts (w:fldChar begin, w:instrText in one run or
    many, separate, end) holding its instruction as mammoth reads it, in its first w:instrText (the others
    emptied). Fields inside fields count apart; an instruction that is not all text is left as it is."""
    fields: list[list] = []   # (the fields open at this point, innermost last: [instruction's texts, their spans, readable])
    edits: list[tuple[tuple[int, int], bytes]] = []

    def read(field: list) -> None:
        texts, spans, readable = field
        instruction = "".join(texts)
        link = _link_instruction(instruction) if readable and spans else None
        if link is not None and link != instruction:
            edits.append((spans[0], html.escape(link, quote=False).encode("utf-8")))
            edits.extend((span, b"") for span in spans[1:])

    for m in _FIELD_PART.finditer(xml):
        if m.group("tag") == b"fldChar":
            kind = _attribute(m.group("attributes"), b"fldCharType")
            if kind == "begin":
                fields.append([[], [], True])
            elif kind == "separate" and fields and fields[-1] is not None:
                read(fields[-1])
                fields[-1] = None   # (its result follows: its instruction is read)
            elif kind == "end" and fields:
                field = fields.pop()
                if field is not None:
                    read(field)
        elif m.group("tag") == b"instrText" and fields and fields[-1] is not None:
            if m.group("text") is not None:
                fields[-1][0].append(html.unescape(m.group("text").decode("utf-8", "replace")))
                fields[-1][1].append(m.span("text"))
            elif not m.group(0).endswith(b"/>"):
                fields[-1][2] = False   # (markup inside the instruction's text: left to mammoth)
    out, at = [], 0
    for (start, end), text in sorted(edits):
        out += [xml[at:start], text]
        at = end
    return b"".join(out) + xml[at:]


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
        instruction = b'<xk:instrText xml:space="preserve">%s</xk:instrText>' % link
        return (tag + _RUN % b'<xk:fldChar xk:fldCharType="begin"/>' + _RUN % instruction
                + _RUN % b'<xk:fldChar xk:fldCharType="separate"/>')

    return _SIMPLE_FIELD.sub(unfold, xml)


def _hyperlink(attributes: bytes) -> bytes | None:
    """A simple field's HYPERLINK instruction as mammoth reads it (escaped for XML text), from the field's
    w:instr; None for any other field, or a link with no address."""
    found = next((m for m in _ATTRIBUTE.finditer(attributes) if m.group(1) == b"instr"), None)
    if found is None:   # (read attribute by attribute: another's value may hold the words instr="…")
        return None
    # (the value as an XML parser gives it to Word: a tab or line break typed in it is a space, one written
    # as a character reference stays; the address drops them then, as a browser does)
    value = re.sub(rb"\r\n|[\t\n\r]", b" ", found.group(2) or found.group(3) or b"")
    link = _link_instruction(html.unescape(value.decode("utf-8", "replace")))
    if link is None or link.split() == ["HYPERLINK"]:
        return None
    return html.escape(link, quote=False).encode("utf-8")


def _attribute(attributes: bytes, name: bytes) -> str | None:
    found = next((m for m in _ATTRIBUTE.finditer(attributes) if m.group(1) == name), None)
    return None if found is None else (found.group(2) or found.group(3) or b"").decode("utf-8", "replace")


def field_words(instruction: str) -> list[tuple[str, bool]]:
    """A field instruction's words as Word reads them, each with whether it was quoted: in a quoted word
    `\\"` is a quote and `\\\\` a backslash (Word's escapes, undone), elsewhere `\\\\` is a backslash and
    a word that starts with one backslash is a switch (\\l, \\o)."""
    words = []
    for m in _WORD.finditer(instruction):
        if m.group(1) is not None:
            words.append((_ESCAPED.sub(r"\1", m.group(1)), True))
        elif m.group(2).startswith("\\") and not m.group(2).startswith("\\\\"):
            words.append((m.group(2), False))
        else:
            words.append((_ESCAPED.sub(r"\1", m.group(2)), False))
    return words


def _link_instruction(instruction: str) -> str | None:
    """A HYPERLINK field's instruction as mammoth reads it: ` HYPERLINK "address" `, ` HYPERLINK \\l "bookmark" `,
    or ` HYPERLINK ` for a link with neither (mammoth makes no link of it); None for any other field."""
    words = field_words(instruction)
    if not words or words[0][1] or words[0][0].upper() != "HYPERLINK":   # (field codes ignore case)
        return None
    address, bookmark, rest = None, None, iter(words[1:])
    for word, quoted in rest:
        switch = "" if quoted or not word.startswith("\\") else word.lower()
        if switch == "\\l":
            bookmark = next(rest, ("", True))[0]
        elif switch in ("\\o", "\\t"):   # (a tooltip, a target frame)
            next(rest, None)
        elif not switch and address is None:
            address = word
    if bookmark is not None and address is None:
        return f' HYPERLINK \\l "{_text(bookmark)}" '
    if address is None:
        return " HYPERLINK "
    target = address + (f"#{bookmark}" if bookmark else "")
    return f' HYPERLINK "{_text(target)}" '


def _text(value: str) -> str:
    """A value inside the instruction's quotes, as a browser reads an address (a tab or line break in it
    is dropped: mammoth reads the quotes on one line only), a quote in it as a browser sends it (%22:
    one would end the quotes early)."""
    return browser_url(value).replace('"', "%22")
