"""What a Word file says, read from its XML: the parts mammoth leaves out or cannot tell us (how each
paragraph is set: style, size, bold, alignment; Word's Chinese list numbering; text boxes, equations,
comments, tracked changes, linked pictures) and every paragraph's text, so that the import can find
the title, keep alignment, report what needs the editor's eye and check that nothing was dropped.
Word's list numbering is docxlists.py's; what the report reads from the XML, docxreport.py's.
docxlimits.check_docx has vetted every part before this module parses it."""
from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree import ElementTree

from ..core.i18n import _

_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
w = f"{{{_WORD}}}"
PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml", "word/numbering.xml", "word/styles.xml",
         "word/_rels/document.xml.rels")
DEFAULT_SIZE = 10.0   # points, when no style says (the OOXML default)


@dataclass(frozen=True)
class WordXml:
    """The parsed parts of a Word file the import reads itself (None: the file has no such part)."""
    document: ElementTree.Element
    footnotes: ElementTree.Element | None
    endnotes: ElementTree.Element | None
    numbering: ElementTree.Element | None
    styles: ElementTree.Element | None
    relationships: ElementTree.Element | None


@dataclass(frozen=True)
class WordParagraph:
    """A paragraph of the document as Word sets it."""
    number: int          # 1-based, in the order Word stores them (as the report counts paragraphs)
    text: str
    style: str           # the paragraph style's name, lower case ("title", "heading 1", "标题")
    alignment: str       # "left", "center", "right" or "both"
    size: float          # points, of most of its characters
    bold: bool           # every character bold
    in_table: bool
    toc: bool = False    # a line of Word's table of contents (a TOC field, a TOC 1 / 目录 1 style)
    drop_cap: bool = False   # a 首字下沉 letter: Word keeps it as a paragraph of its own before its paragraph


def read_word_xml(source: Path) -> WordXml:
    with zipfile.ZipFile(source) as archive:
        names = set(archive.namelist())
        parts = {name: ElementTree.fromstring(archive.read(name)) if name in names else None for name in PARTS}
    if parts["word/document.xml"] is None:
        from ..core.errors import ContentError

        raise ContentError(source, None, _("the file is a zip file, but has no word/document.xml: it is not a Word document"),
                           _("open it in Word or WPS and save it again as .docx"))
    return WordXml(*parts.values())


def paragraph_text(paragraph: ElementTree.Element) -> str:
    """The paragraph's text as mammoth reads it: a symbol (w:sym, a Wingdings tick) as the character it
    shows, text moved away with tracked changes on (w:moveFrom) left out."""
    return "".join(_pieces(paragraph))


def _pieces(element: ElementTree.Element):
    for child in element:
        if child.tag == f"{w}t":
            yield child.text or ""
        elif child.tag == f"{w}sym":
            yield _symbol(child)
        elif child.tag != f"{w}moveFrom":
            yield from _pieces(child)


def _symbol(sym: ElementTree.Element) -> str:
    """The character mammoth writes for a symbol; one it cannot show, as one no article holds (so that
    the lost-text check names its paragraph)."""
    from mammoth.docx.dingbats import dingbats

    font, code = sym.get(f"{w}font"), sym.get(f"{w}char", "")
    try:
        number = int(code, 16)
    except ValueError:
        return "\ufffd"
    found = dingbats.get((font, number))
    if found is None and code.upper().startswith("F0") and len(code) == 4:
        found = dingbats.get((font, number - 0xF000))
    return chr(found) if found is not None else "\ufffd"


def _on(element: ElementTree.Element | None) -> bool | None:
    """A toggle such as <w:b/> or <w:b w:val="0"/>; None when absent."""
    if element is None:
        return None
    return element.get(f"{w}val", "true").lower() not in ("0", "false", "off", "none")


class _Styles:
    """Paragraph and character styles with what they set (alignment, size, bold), following basedOn."""

    def __init__(self, root: ElementTree.Element | None):
        self.styles: dict[str, ElementTree.Element] = {}
        self.default_paragraph = None
        defaults = root.find(f"{w}docDefaults/{w}rPrDefault/{w}rPr") if root is not None else None
        self.default_size = _half_points(defaults.find(f"{w}sz")) if defaults is not None else None
        self.default_bold = _on(defaults.find(f"{w}b")) if defaults is not None else None
        for style in (root.iter(f"{w}style") if root is not None else ()):
            self.styles[style.get(f"{w}styleId", "")] = style
            if style.get(f"{w}type") == "paragraph" and style.get(f"{w}default") in ("1", "true", "on"):
                self.default_paragraph = style.get(f"{w}styleId")

    def name(self, style_id: str | None) -> str:
        style = self.styles.get(style_id or self.default_paragraph or "")
        found = style.find(f"{w}name") if style is not None else None
        return (found.get(f"{w}val", "") if found is not None else style_id or "").lower()

    def lookup(self, style_id: str | None, path: str, read):
        """The first value the style or a style it is based on sets (a chain of at most 20)."""
        for _step in range(20):
            style = self.styles.get(style_id or "")
            if style is None:
                return None
            value = read(style.find(path))
            if value is not None:
                return value
            based = style.find(f"{w}basedOn")
            style_id = based.get(f"{w}val") if based is not None else None
        return None


def _half_points(element: ElementTree.Element | None) -> float | None:
    try:
        return int(element.get(f"{w}val")) / 2 if element is not None else None
    except (TypeError, ValueError):
        return None


def _alignment(element: ElementTree.Element | None) -> str | None:
    if element is None:
        return None
    value = element.get(f"{w}val", "")
    return {"center": "center", "right": "right", "end": "right", "both": "both", "distribute": "both",
            "left": "left", "start": "left"}.get(value, "left")


def paragraphs(xml: WordXml) -> list[WordParagraph]:
    """Every paragraph of the document's body in order, with the formatting Word shows it in."""
    styles = _Styles(xml.styles)
    found: list[WordParagraph] = []
    numbers = {id(p): n for n, p in enumerate(xml.document.iter(f"{w}p"), start=1)}   # (as unmapped counts 段)
    contents = _contents_paragraphs(xml.document)

    def walk(element: ElementTree.Element, in_table: bool, in_contents: bool) -> None:
        for child in element:
            if child.tag == f"{w}p":
                paragraph = _paragraph(child, numbers[id(child)], in_table, styles)
                toc = in_contents or id(child) in contents or _contents_line(paragraph)
                found.append(replace(paragraph, toc=toc) if toc else paragraph)
            else:
                walk(child, in_table or child.tag == f"{w}tbl", in_contents or _is_contents_block(child))

    walk(xml.document, False, False)
    return found


def _contents_line(paragraph: WordParagraph) -> bool:
    """A line of a table of contents kept without its field (as WPS keeps it): in a TOC 1 / 目录 1 style and
    ending in its page number. A paragraph of text that merely has such a style (pasted from another
    document) is text."""
    return re.fullmatch(r"(toc|目录) ?\d", paragraph.style) is not None \
        and re.search(r"(?:\d+|(?:^|[\s.…·])[ivxlc]+)\s*$", paragraph.text, re.I) is not None


def _is_contents_block(element: ElementTree.Element) -> bool:
    """Word 2007 and later put the table of contents it inserts in a content control of its own."""
    gallery = element.find(f"{w}sdtPr/{w}docPartObj/{w}docPartGallery") if element.tag == f"{w}sdt" else None
    return gallery is not None and gallery.get(f"{w}val", "").lower() == "table of contents"


def _contents_paragraphs(document: ElementTree.Element) -> set[int]:
    """ids of the paragraphs inside a TOC field (it starts in one paragraph and ends in another). Only a
    field that ends counts: one left open (a damaged file) would take the rest of the document with it."""
    found: set[int] = set()
    fields: list[list] = []   # (the fields open at this point, innermost last: [instruction, its paragraphs])
    outermost_toc: int | None = None   # (index in fields of the outermost open TOC field)
    paragraph = None
    for element in document.iter():   # (once, in document order: a field may span paragraphs)
        if element.tag == f"{w}p":
            paragraph = element
        elif element.tag == f"{w}fldChar":
            kind = element.get(f"{w}fldCharType")
            if kind == "begin":
                fields.append(["", set()])
            elif kind == "end" and fields:
                _instruction, inside = fields.pop()
                if outermost_toc == len(fields):
                    found |= inside
                    outermost_toc = None
        elif element.tag == f"{w}instrText" and fields and len(fields[-1][0]) < 64:   # (its first word is enough)
            fields[-1][0] += element.text or ""
            if outermost_toc is None and fields[-1][0].upper().split()[:1] == ["TOC"]:   # (field codes ignore case)
                outermost_toc = len(fields) - 1
        elif element.tag == f"{w}t" and outermost_toc is not None:
            fields[outermost_toc][1].add(id(paragraph))
    return found


def _paragraph(p: ElementTree.Element, number: int, in_table: bool, styles: _Styles) -> WordParagraph:
    style_ref = p.find(f"{w}pPr/{w}pStyle")
    style_id = style_ref.get(f"{w}val") if style_ref is not None else styles.default_paragraph
    alignment = _alignment(p.find(f"{w}pPr/{w}jc")) or styles.lookup(style_id, f"{w}pPr/{w}jc", _alignment) or "left"
    paragraph_size = styles.lookup(style_id, f"{w}rPr/{w}sz", _half_points) or styles.default_size or DEFAULT_SIZE
    paragraph_bold = styles.lookup(style_id, f"{w}rPr/{w}b", _on) or styles.default_bold or False
    sizes: Counter[float] = Counter()
    bold = True
    for run in p.iter(f"{w}r"):
        characters = len("".join(t.text or "" for t in run.findall(f"{w}t")).strip())
        if not characters:
            continue
        char_style = run.find(f"{w}rPr/{w}rStyle")
        char_id = char_style.get(f"{w}val") if char_style is not None else None
        size = _half_points(run.find(f"{w}rPr/{w}sz")) or styles.lookup(char_id, f"{w}rPr/{w}sz", _half_points) \
            or paragraph_size
        sizes[size] += characters
        run_bold = _on(run.find(f"{w}rPr/{w}b"))
        if run_bold is None:
            run_bold = styles.lookup(char_id, f"{w}rPr/{w}b", _on)
        bold = bold and (paragraph_bold if run_bold is None else run_bold)
    size = sizes.most_common(1)[0][0] if sizes else paragraph_size
    frame = p.find(f"{w}pPr/{w}framePr")
    drop_cap = frame is not None and frame.get(f"{w}dropCap", "none") in ("drop", "margin")
    return WordParagraph(number, paragraph_text(p), styles.name(style_id), alignment, size, bold and bool(sizes), in_table,
                         drop_cap=drop_cap)
