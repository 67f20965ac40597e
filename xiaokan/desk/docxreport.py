"""What the import report reads from the Word file itself: what a Markdown article cannot hold (text
boxes, equations, comments, tracked changes, linked pictures) with where it is (Word's paragraph: every
w:p counts, the empty ones and those in tables too, so the report says 「Word 文件里的第 N 段」 with
its text, apart from the article's own count of 正文段落),
each picture's 段, and the text of every paragraph for the check that nothing was lost."""
from __future__ import annotations

from xml.etree import ElementTree

from ..core.i18n import _
from .docxread import WordXml, paragraph_text, w

_MATH = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_VML = "urn:schemas-microsoft-com:vml"
_PICTURE = "http://schemas.openxmlformats.org/drawingml/2006/picture"
_COMPATIBILITY = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _external_targets(xml: WordXml) -> set[str]:
    """Relationship ids of the document that point outside the file (a linked picture's file)."""
    if xml.relationships is None:
        return set()
    return {r.get("Id", "") for r in xml.relationships.iter(f"{{{_PACKAGE_RELS}}}Relationship")
            if r.get("TargetMode") == "External"}


def unmapped(xml: WordXml) -> list[str]:
    """What a Markdown article cannot hold, found in the Word file itself, with where it is."""
    found = []
    external = _external_targets(xml)
    before = ""   # (the text of the last paragraph that has some: where to find one that has none)
    for number, paragraph in enumerate(xml.document.iter(f"{w}p"), start=1):
        text = paragraph_text(paragraph).strip()
        where = (_("paragraph {number} “{text}…”").format(number=number, text=text[:12]) if text
                 else _("paragraph {number}, after “…{text}”").format(number=number, text=before[-12:]) if before
                 else _("paragraph {number}").format(number=number))
        before = text or before
        if paragraph.find(f".//{w}txbxContent") is not None:
            found.append(_("{where} has a text box: its text was imported as body text; check where it stands").format(where=where))
        if paragraph.find(f".//{{{_MATH}}}oMath") is not None:
            found.append(_("{where} has an equation: equations cannot be imported; write it as text or a picture").format(where=where))
        if paragraph.find(f".//{w}commentReference") is not None:
            found.append(_("{where} has a comment: comments are not imported; deal with it in Word first").format(where=where))
        if paragraph.find(f".//{w}ins") is not None or paragraph.find(f".//{w}del") is not None:
            found.append(_("{where} has tracked changes: imported as if all were accepted (deleted text left out, "
                           "inserted text kept); check it").format(where=where))
        linked = [b for b in paragraph.iter(f"{{{_DRAWING}}}blip") if b.get(f"{{{_RELS}}}link") and not b.get(f"{{{_RELS}}}embed")]
        linked += [v for v in paragraph.iter(f"{{{_VML}}}imagedata") if v.get(f"{{{_RELS}}}id") in external]
        if linked:
            found.append(_("{where} has a picture linked to a file outside the document, so it is not in the file and was "
                           "not imported: insert the picture itself (插入 → 图片, not 链接到文件) or add it beside the "
                           "article by hand").format(where=where))
    return found


def picture_paragraphs(xml: WordXml) -> list[int]:
    """The 段 (as unmapped counts them) of each picture of the body, in the order mammoth meets them: a
    drawing's picture, a VML picture; not those of Word 2010's mc:Choice (mammoth reads the mc:Fallback)
    nor of deleted text (mammoth leaves it out)."""
    numbers = {id(p): n for n, p in enumerate(xml.document.iter(f"{w}p"), start=1)}
    found: list[int] = []
    skipped = {f"{{{_COMPATIBILITY}}}Choice", f"{w}del", f"{w}moveFrom"}

    def walk(element: ElementTree.Element, paragraph: int) -> None:
        for child in element:
            if child.tag in skipped:
                continue
            if child.tag == f"{{{_DRAWING}}}blip" and element.tag == f"{{{_PICTURE}}}blipFill" \
                    and (child.get(f"{{{_RELS}}}embed") or child.get(f"{{{_RELS}}}link")):
                found.append(paragraph)
            elif child.tag == f"{{{_VML}}}imagedata" and child.get(f"{{{_RELS}}}id"):
                found.append(paragraph)
            walk(child, numbers.get(id(child), paragraph))

    walk(xml.document, 0)
    return found


def paragraph_texts(xml: WordXml) -> list[str]:
    """The text of every paragraph a reader of the document sees: the body, footnotes and endnotes."""
    texts = []
    for root in (xml.document, xml.footnotes, xml.endnotes):
        if root is None:
            continue
        for paragraph in root.iter(f"{w}p"):
            if paragraph.find(f".//{w}txbxContent") is not None:
                # (the text box's own paragraphs are checked one by one; the rest is this paragraph's)
                texts.append("".join(t.text or "" for t in _outside_text_boxes(paragraph)))
                continue
            texts.append(paragraph_text(paragraph))
    return texts


def _outside_text_boxes(paragraph: ElementTree.Element):
    for child in paragraph:
        if child.tag == f"{w}txbxContent":
            continue
        if child.tag == f"{w}t":
            yield child
        yield from _outside_text_boxes(child)
