"""The cover fitted to the page: 本期要目 inside the cover's margins on any page size of site.yaml.

The cover (templates/print/issue.html, cover.css) is one page: the masthead, then 本期要目 with every
article and its page. How much of it fits depends on the page size, the number and length of the
titles, the summary and the cover photo, so it is tried rather than estimated: the cover alone is
laid out (one page, a fraction of the issue's time) in each way of setting it, from the roomiest on,
until 本期要目 ends above the cover's bottom margin:

1. ``fit-normal``    as print.css sets it (roomier for a short issue, tighter for a long one);
2. ``fit-dense``     smaller type and spacing, a smaller cover photo;
3. ``fit-columns``   that, in two columns;
4. ``fit-continued`` 本期要目 goes on over the page, inside the same margins (the cover's padding is
                     repeated on the second page), where nothing else could fit it.

A title of 本期要目 keeps its last two characters with its leader and page number (contents_entry).
"""
from __future__ import annotations

import re
from typing import Callable

from markupsafe import Markup, escape

from .cjklayout import CLOSING
from .typeset import typeset

FITS = ("fit-normal", "fit-dense", "fit-columns", "fit-continued")
PLACEHOLDER = "cover fit-normal"      # the cover's class in the template, replaced by the chosen one
BOTTOM_MM = 16                        # the cover's bottom padding (cover.css)
PX_PER_MM = 96 / 25.4
_FIRST_SECTION = '<section class="print-section"'
_ARTICLE_ID = re.compile(r'<article class="print-article[^"]*" id="([^"]+)"')
_TITLE_END = re.compile(f"(?:[^{CLOSING}…—][{CLOSING}…—]*){{2}}$")   # (two characters and their marks)


def contents_entry(title: str, target: str) -> Markup:
    """A title in 本期要目 whose last two characters stay with the leader and the page number (print.css:
    .contents-end): its last line is never one character (孤字), nor the leader and number alone."""
    title = str(title)
    end = _TITLE_END.search(title)
    cut = end.start() if end else 0
    return Markup(typeset(f'{escape(title[:cut])}<span class="contents-end" data-target="#{escape(target)}">'
                          f'{escape(title[cut:])}</span>'))


def fitted_cover(html: str, layout: Callable[[str], object]) -> str:
    """The print HTML with the first way of setting the cover whose 本期要目 fits on the cover;
    layout lays out an HTML document (a WeasyPrint Document)."""
    if PLACEHOLDER not in html:
        return html
    head, cut, rest = html.partition(_FIRST_SECTION)
    # (本期要目's page numbers point into the articles: empty anchors stand for them, on page 1)
    anchors = "".join(f'<div id="{slug}"></div>' for slug in _ARTICLE_ID.findall(rest))
    cover_only = head + (anchors + "</body></html>" if cut else "")
    for fit in FITS[:-1]:
        if fits(layout(cover_only.replace(PLACEHOLDER, f"cover {fit}", 1))):
            return html.replace(PLACEHOLDER, f"cover {fit}", 1)
    return html.replace(PLACEHOLDER, f"cover {FITS[-1]}", 1)


def fits(document) -> bool:
    """The cover is one page and no line of it reaches into its bottom margin. (The empty anchors
    that stand for the articles come after the cover's page break: a second page that holds no line
    is theirs, not the cover's.)"""
    first, *rest = document.pages
    if any(next(_line_bottoms(page._page_box), None) is not None for page in rest):
        return False
    limit = first.height - BOTTOM_MM * PX_PER_MM
    return all(bottom <= limit + 0.5 for bottom in _line_bottoms(first._page_box))


def _line_bottoms(box):
    from weasyprint.formatting_structure import boxes

    box = getattr(box, "_box", box)
    if isinstance(box, boxes.LineBox):
        yield box.position_y + box.height
        return
    if isinstance(box, boxes.MarginBox):
        return
    for child in getattr(box, "children", None) or ():
        yield from _line_bottoms(child)
