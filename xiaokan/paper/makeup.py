"""Make-up: what a typesetter does with the page once the text is set. WeasyPrint lays out once; this
measures that layout and, where it breaks the grid or leaves a page short, writes the HTML again for a
second layout (at most one: the render stays within 2x of bare WeasyPrint).

- Tables set their rows at their own leading (a line of 小五 per grid line would be airy); the space
  under a table makes it whole lines high (the height it had in the first layout, rounded up).
- A figure that the first layout pushed to the top of the next page, leaving the page before it short,
  moves after the paragraphs that can fill the gap (a page float: after its mention, never before).
- An article's separator rule is not drawn where the article starts a page: a rule at the top of a
  page separates nothing. Its thickness stays as space, so nothing moves off the grid.
"""
from __future__ import annotations

import re

from .grid import Grid

_BLOCK = re.compile(r"<(table|figure)\b")
_MARKED = re.compile(r'<(table|figure) data-grid="(\d+)"')
_PARAGRAPH_END = re.compile(r"</p>|</ol>|</ul>")


def numbered(html: str) -> str:
    """The print HTML with every table and figure numbered (data-grid), so that a layout can name them."""
    count = iter(range(1_000_000))
    return _BLOCK.sub(lambda m: f'<{m.group(1)} data-grid="{next(count)}"', html)


def _blocks(page, kind):
    from weasyprint.formatting_structure import boxes

    for box in page._page_box.descendants():
        if isinstance(box, boxes.BlockBox) and box.element is not None and box.element_tag == kind \
                and box.element.get("data-grid") is not None and (kind != "table" or box.is_table_wrapper):
            yield int(box.element.get("data-grid")), box


def adjusted(html: str, pages, grid: Grid) -> str:
    """The HTML for a second layout (or `html` itself when the first one needs nothing)."""
    spaces: dict[int, float] = {}
    for page in pages:
        for number, box in _blocks(page, "table"):   # (the last fragment's height counts)
            spaces[number] = grid.round_up(box.margin_height() - box.margin_bottom) % grid.pitch
    moves = _floats(pages, grid)
    if not any(spaces.values()) and not moves:
        return html

    def table(match: re.Match) -> str:
        space = spaces.get(int(match.group(2)), 0)
        if match.group(1) != "table" or not space:
            return match.group(0)
        return f'{match.group(0)} style="margin-bottom: {grid.pitch + space:.3f}pt"'
    html = _MARKED.sub(table, html)
    for number, paragraphs in moves.items():
        html = _moved(html, number, paragraphs * grid.chars)
    return html


def _floats(pages, grid: Grid) -> dict[int, int]:
    """Figures that start a page after a page left short by two lines or more: how many lines of text
    may come before them to fill the gap."""
    from weasyprint.formatting_structure import boxes

    moves = {}
    for before, page in zip(pages, pages[1:]):
        top = page._page_box.content_box_y()
        bottom = before._page_box.content_box_y() + before._page_box.height
        used = max((box.position_y + box.margin_height() for box in before._page_box.descendants()
                    if isinstance(box, (boxes.LineBox, boxes.TableRowBox, boxes.ReplacedBox))), default=bottom)
        gap = int((bottom - min(used, bottom)) / grid.pitch + 1e-6)
        for number, box in _blocks(page, "figure"):
            if abs(box.position_y - top) < 1 and gap >= 2:
                moves[number] = gap
    return moves


def _moved(html: str, number: int, chars: int) -> str:
    """The figure `number` moved after the paragraphs that follow it (as many as hold about `chars`
    characters, at least one)."""
    start = html.find(f'<figure data-grid="{number}"')
    end = html.find("</figure>", start) + len("</figure>")
    if start < 0 or end < len("</figure>"):
        return html
    figure, rest = html[start:end], html[end:]
    limit = rest.find("</div>")   # (the article body ends there: the figure stays in its article)
    position = 0
    for match in _PARAGRAPH_END.finditer(rest, 0, limit if limit >= 0 else len(rest)):
        if not rest[position:match.start()].lstrip().startswith(("<p", "<ol", "<ul")):
            break
        position = match.end()
        if _chars(rest[:position]) >= chars:
            break
    if not position:
        return html
    return html[:start] + rest[:position] + figure + rest[position:]


def _chars(html: str) -> int:
    return len(re.sub(r"<[^>]+>|\s", "", html))


def make_up(pages) -> int:
    """Drop the separator rules that stand at a page top; the number dropped."""
    from weasyprint.formatting_structure import boxes

    dropped = 0
    for page in pages:
        top = page._page_box.content_box_y()
        for box in page._page_box.descendants():
            if not isinstance(box, boxes.BlockBox) or box.element is None or not box.border_top_width:
                continue
            if "print-article" in (box.element.get("class") or "").split() and abs(box.border_box_y() - top) < 1:
                box.padding_top += box.border_top_width
                box.border_top_width = 0
                dropped += 1
    return dropped
