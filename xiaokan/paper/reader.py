"""The reader's edition: the PDF the website offers for download and the 数字报 shows.

One layout, two files. The press edition (print/, for the print shop) is the PDF variant of site.yaml,
written by pdf.render_pdf; the reader's edition is written from the same laid-out WeasyPrint document
as a tagged PDF/UA-1 file: the document's language (/Lang), /MarkInfo, a structure tree in reading
order (H1 the 栏目, H2 the article titles, the articles' own headings one level below them, lists,
tables with their TH header cells, figures with their alt text) and the links, with the running
heads, the folios and anything marked aria-hidden (the proof's watermark) as artifacts. Its pages are
the trimmed pages: no bleed, no crop marks.

WeasyPrint 70 tags the margin boxes as loose content outside the tree and gives the articles'
headings the level of their HTML element; `_tagging` adjusts both while the file is written."""
from __future__ import annotations

import logging
from contextlib import contextmanager

READER_VARIANT = "pdf/ua-1"
_BODY_CLASS = "article-body"


def reader_pdf(document, identifier: bytes) -> bytes:
    """The document as the reader's edition."""
    with _tagging(document):
        return document.write_pdf(pdf_variant=READER_VARIANT, pdf_identifier=identifier, uncompressed_pdf=False,
                                  finisher=_trimmed)


def _trimmed(document, pdf) -> None:
    """Each page as the reader sees it: the trimmed page (the bleed is for the press)."""
    import pydyf

    for obj in pdf.objects:
        if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page" and "TrimBox" in obj:
            obj["MediaBox"] = pydyf.Array(obj["TrimBox"])
            obj["BleedBox"] = pydyf.Array(obj["TrimBox"])


def _hidden_boxes(document) -> set:
    """The boxes that are no part of the text: the margin boxes (running heads, folios) and the
    elements marked aria-hidden, with everything in them."""
    from weasyprint.formatting_structure import boxes

    hidden: set = set()

    def walk(box, inside: bool) -> None:
        box = getattr(box, "_box", box)   # (an absolutely positioned box's placeholder)
        element = getattr(box, "element", None)
        inside = inside or isinstance(box, boxes.MarginBox) or (
            element is not None and getattr(element, "get", None) is not None and element.get("aria-hidden") == "true")
        if inside:
            hidden.add(box)
        for child in getattr(box, "children", None) or ():
            walk(child, inside)

    for page in document.pages:
        walk(page._page_box, False)
    return hidden


class _NoAltNotice(logging.Filter):
    """A photo without alt text is the build's own error (source/markup.py); WeasyPrint's English line
    about it would only repeat it on the terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "has no required alt description" not in record.getMessage()


@contextmanager
def _tagging(document):
    """WeasyPrint's tagging, with the hidden boxes written as artifacts and the articles' headings one
    level below the article titles."""
    from weasyprint.logger import LOGGER
    from weasyprint.pdf import tags
    from weasyprint.pdf.stream import Stream

    hidden = _hidden_boxes(document)
    marked, build = Stream.marked, tags._build_box_tree
    depth = [0]   # how many .article-body elements the tree walk is inside

    @contextmanager
    def marked_or_artifact(stream, box, tag):
        with (stream.artifact() if box in hidden else marked(stream, box, tag)):
            yield

    def build_unhidden(box, *args):
        real = getattr(box, "_box", box)
        if real in hidden:
            return
        element = getattr(real, "element", None)
        body = element is not None and _BODY_CLASS in (element.get("class") or "").split()
        depth[0] += body
        try:
            for element in build(box, *args):
                level = str(element.get("S", ""))
                if depth[0] and not body and level in ("/H2", "/H3", "/H4", "/H5"):
                    element["S"] = f"/H{int(level[2]) + 1}"
                yield element
        finally:
            depth[0] -= body

    quiet = _NoAltNotice()
    Stream.marked, tags._build_box_tree = marked_or_artifact, build_unhidden
    LOGGER.addFilter(quiet)
    try:
        yield
    finally:
        Stream.marked, tags._build_box_tree = marked, build
        LOGGER.removeFilter(quiet)
