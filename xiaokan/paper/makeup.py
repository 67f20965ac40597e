"""Make-up: what a typesetter does with the page once the text is set. WeasyPrint lays out once; this
measures that layout and, where it breaks the grid or leaves a page short, writes the HTML again for a
second layout (at most one: the render stays within 2x of bare WeasyPrint).

- Tables set their rows at their own leading (a line of 小五 per grid line would be airy); the space
  under a table makes it whole lines high (the height it had in the first layout, rounded up).
- A figure that the first layout pushed to the top of the next page, leaving the page before it short,
  moves after the paragraphs (and heads) that fill the gap (a page float: after its mention, never
  before: pagefloats.py); a photo that fits the gap when set smaller (down to 60 % of its height) is
  set smaller instead.
- A page left short by two lines or more because the paragraph that starts the next page could not
  leave two lines at its foot (orphans) lets it leave one there (orphans: 1).
- A table whose first page would hold fewer than three of its rows (a short merged group that had to
  keep with an unbreakable next one) lets its groups be cut in the second layout.
- An article's separator rule is not drawn where the article starts a page: a rule at the top of a
  page separates nothing. Its thickness stays as space, so nothing moves off the grid.
- A page the article runs on from that still ends two to four lines short puts the empty lines where a
  typesetter would: above the figures or tables that end it (they sink to the foot of the block), else
  above the last article that starts on it (its title space grows). Whole lines, after the layout:
  nothing changes page and nothing leaves the grid.
"""
from __future__ import annotations

import re

from .grid import Grid
from .pagefloats import heights, moved, span

_BLOCK = re.compile(r"<(table|figure|p|li|h[2-6])\b")
_MARKED = re.compile(r'<(table|figure|p|li) data-grid="(\d+)"')
PT_PER_PX = 0.75   # (WeasyPrint lays out in CSS pixels; the grid is in points)


def numbered(html: str) -> str:
    """The print HTML with every table, figure, paragraph and head numbered (data-grid), so that a layout can name them."""
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
            spaces[number] = grid.round_up((box.margin_height() - box.margin_bottom) * PT_PER_PX) % grid.pitch
    moves = _floats(pages, grid)
    shrinks = _shrinks(pages, grid, moves)
    styles = _filled(pages, grid, moves)
    loosened = _short_starts(pages)
    if not any(spaces.values()) and not moves and not styles and not loosened:
        return html

    def marked(match: re.Match) -> str:
        number = int(match.group(2))
        if match.group(1) == "table" and spaces.get(number):
            return f'{match.group(0)} style="margin-bottom: {grid.pitch + spaces[number]:.3f}pt"'
        if number in styles:
            return f'{match.group(0)} style="{styles[number]}"'
        return match.group(0)
    html = _MARKED.sub(marked, html)
    for number in loosened:
        html = _cuttable(html, number)
    lines = heights(pages, grid) if moves else {}
    for number, gap in moves.items():
        if number in shrinks:
            html = _shrunk(html, number, shrinks[number])
        else:
            html = moved(html, number, gap, lines, grid.lines)
    return html


def _gap(page, grid: Grid, room: bool = False) -> int:
    """Whole lines left empty at the foot of a page; with room, only those that text may take (not the
    space under a figure or table that ends the page)."""
    from weasyprint.formatting_structure import boxes

    bottom, used = _foot(page)
    if room:
        used += max((box.margin_bottom for box in page._page_box.children[0].descendants()
                     if isinstance(box, boxes.BlockBox) and box.element_tag in ("figure", "table")
                     and abs(box.border_box_y() + box.border_height() - used) < 1), default=0)
    return int((bottom - min(used, bottom)) * PT_PER_PX / grid.pitch + 1e-6)


def _foot(page, drawn: bool = False) -> tuple[float, float]:
    """(the block's foot, the foot of the page's last line, row or picture); with drawn, of its drawn
    boxes too (a placeholder's outline, a shaded block). CSS px."""
    from weasyprint.formatting_structure import boxes

    bottom = page._page_box.content_box_y() + page._page_box.height
    # (the page's content: its first child; the margin boxes, the folio among them, follow it)
    feet = [box.position_y + box.margin_height() if not isinstance(box, boxes.BlockBox)
            else box.border_box_y() + box.border_height()
            for box in page._page_box.children[0].descendants()
            if isinstance(box, (boxes.LineBox, boxes.TableRowBox, boxes.ReplacedBox)) or (
                drawn and isinstance(box, boxes.BlockBox) and box.element_tag not in _CONTAINERS
                and (box.background is not None or box.border_bottom_width or box.style["outline_width"]))]
    return bottom, max(feet, default=bottom)


def _filled(pages, grid: Grid, moves: dict[int, int]) -> dict[int, str]:
    """Paragraphs (by number) and the style that fills a page left short by two lines or more: when the
    next page starts with a paragraph, its first line may stand alone at the page's foot (orphans: 1).
    Only before the first page a moved figure changes."""
    from weasyprint.formatting_structure import boxes

    moved = [i for i, page in enumerate(pages) for number, _ in _blocks(page, "figure") if number in moves]
    styles: dict[int, str] = {}
    for index, (page, following) in enumerate(zip(pages, pages[1:])):
        if moved and index >= min(moved) - 1:
            break
        firsts = [box for box in following._page_box.children[0].descendants()
                  if isinstance(box, boxes.BlockBox) and box.element is not None
                  and box.element_tag not in ("html", "body", "div", "section", "article")]
        if _gap(page, grid) >= 2 and _gap(page, grid, room=True) >= 1 and firsts \
                and firsts[0].element_tag in ("p", "li") and firsts[0].element.get("data-grid") is not None:
            styles[int(firsts[0].element.get("data-grid"))] = "orphans: 1"
    return styles


def _floats(pages, grid: Grid) -> dict[int, int]:
    """Figures that start a page after a page left short by two lines or more: how many lines of text
    may come before them to fill the gap."""
    moves = {}
    for before, page in zip(pages, pages[1:]):
        top = page._page_box.content_box_y()
        gap = _gap(before, grid, room=True)
        for number, box in _blocks(page, "figure"):
            if abs(box.position_y - top) < 1 and gap >= 2:
                moves[number] = gap
    return moves


def _short_starts(pages) -> set[int]:
    """Tables whose first page holds fewer than three of their body rows: a short merged group kept
    with the next one, which may not be cut (keep-group) and did not fit, was left alone at the foot."""
    from weasyprint.formatting_structure import boxes

    found, seen = set(), set()
    for page, following in zip(pages, pages[1:]):
        continuing = {number for number, _ in _blocks(following, "table")}
        for number, wrapper in _blocks(page, "table"):
            if number in seen:
                continue
            seen.add(number)
            table = next((c for c in wrapper.children if isinstance(c, boxes.TableBox)), None)
            rows = [row for group in (table.children if table else ()) if not group.is_header for row in group.children]
            if number in continuing and 0 < len(rows) < 3:
                found.add(number)
    return found


def _cuttable(html: str, number: int) -> str:
    """Table `number` with its merged groups free to be cut (their labels are repeated: merged.py)."""
    if (where := span(html, "table", number)) is None:
        return html
    start, end = where
    table = re.sub(r'(<tbody class="[^"]*?)\s*\bkeep-group\b', r"\1", html[start:end])
    return html[:start] + table.replace('<tbody class=""', "<tbody") + html[end:]


SHRINK_TO = 0.6   # (a photo is set smaller, down to this share of its height, rather than leave a hole)


def _shrinks(pages, grid: Grid, moves: dict[int, int]) -> dict[int, float]:
    """Photos that the first layout pushed to the next page and that fit the hole they left once set
    smaller (to at least SHRINK_TO of their height, in whole lines): their new height in pt. The text
    after a photo cannot always fill the hole (a head keeps with its text, the article ends)."""
    from weasyprint.formatting_structure import boxes

    shrinks = {}
    for before, page in zip(pages, pages[1:]):
        gap = _gap(before, grid, room=True)
        for number, box in _blocks(page, "figure"):
            photos = [b for b in box.descendants() if isinstance(b, boxes.ReplacedBox)]
            if number not in moves or len(photos) != 1 or photos[0].element_tag != "img":
                continue
            photo = photos[0].margin_height() * PT_PER_PX
            rest = box.margin_height() * PT_PER_PX - photo - box.padding_bottom * PT_PER_PX
            lines = int((gap * grid.pitch - rest) / grid.pitch + 1e-6)
            if lines >= 3 and lines * grid.pitch >= SHRINK_TO * photo:
                shrinks[number] = lines * grid.pitch
    return shrinks


def _shrunk(html: str, number: int, height_pt: float) -> str:
    """The photo of figure `number` set `height_pt` high (whole lines: no space under it)."""
    if (where := span(html, "figure", number)) is None:
        return html
    start, end = where
    figure = re.sub(r'style="padding-bottom: [0-9.]+pt"', 'style="padding-bottom: 0"', html[start:end], count=1)
    figure = figure.replace("<img ", f'<img style="height: {height_pt:.3f}pt; width: auto" ', 1)
    return html[:start] + figure + html[end:]


SINK_LINES = 4   # (a larger hole is a break to fix, not space to hand out)
_TEXT_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "header", "figure", "table")
_HEADS = ("h2", "h3", "h4", "h5", "h6")
_CONTAINERS = ("html", "body", "section", "article", "div")   # (their boxes reach down to what they hold)


def sink(pages, grid: Grid) -> int:
    """Fill the pages an article runs on from that end more than a line short (see above); the number filled."""
    from weasyprint.formatting_structure import boxes

    filled = 0
    for page, following in zip(pages, pages[1:]):
        empty = _empty(page, grid)
        lines = int(empty + 1e-6)
        if empty < 1.05 or lines > SINK_LINES or _starts_article(following):
            continue
        top = page._page_box.content_box_y() + 1
        content = page._page_box.children[0]
        blocks = [box for box in content.descendants() if isinstance(box, boxes.BlockBox) and box.element is not None]
        if not any(_has_class(box, "print-article") for box in blocks):
            continue   # (the cover)
        # (where a typesetter opens the page: above the figures that end it, else above its last head)
        heads = [box for box in blocks if box.border_box_y() > top and (
            box.element_tag in _HEADS or _has_class(box, "print-article"))]
        floats = [box.border_box_y() for box in _trailing_floats(blocks) if box.border_box_y() > top]
        cut = floats[0] if floats else _above_last(heads, grid)
        if cut is None:
            continue
        _open(content, cut, lines * grid.pitch / PT_PER_PX)
        _anchors_again(page)
        filled += 1
    return filled


def _above_last(heads, grid: Grid) -> float | None:
    """Where the page's last head starts, or the first of the heads right above it (a 四、 over its （一）
    stays with it)."""
    if not heads:
        return None
    index = len(heads) - 1
    while index and heads[index - 1].border_box_y() + heads[index - 1].border_height() \
            >= heads[index].border_box_y() - 1.5 * grid.pitch / PT_PER_PX:
        index -= 1
    return heads[index].border_box_y()


def _empty(page, grid: Grid) -> float:
    """Lines (a fraction too) left empty at the foot of a page, below everything it draws."""
    bottom, used = _foot(page, drawn=True)
    return max(0.0, (bottom - used) * PT_PER_PX / grid.pitch)


def _open(box, cut: float, dy: float) -> None:
    """Move down by dy whatever of box starts at or below cut (the boxes that straddle it are entered),
    with its backgrounds (WeasyPrint places them once the page is laid out; translate leaves them)."""
    for child in box.children if hasattr(box, "children") else ():
        if child.border_box_y() >= cut - 0.5:
            child.translate(dy=dy)
            for moved in child.descendants():
                _background_down(moved, dy)
        elif child.position_y + child.margin_height() > cut and hasattr(child, "children"):
            _open(child, cut, dy)


def _background_down(box, dy: float) -> None:
    background = getattr(box, "background", None)
    if background is None:
        return

    def down(area):
        return area if isinstance(area, str) else (area[0], area[1] + dy, *area[2:])

    box.background = background._replace(layers=[layer._replace(
        painting_area=down(layer.painting_area), positioning_area=down(layer.positioning_area),
        clipped_boxes=[down(clip) for clip in layer.clipped_boxes]) for layer in background.layers])


def _starts_article(page) -> bool:
    """The page's first text is a 栏目 or an article's head (not the rest of an article)."""
    from weasyprint.formatting_structure import boxes

    for box in page._page_box.children[0].descendants():
        if isinstance(box, boxes.BlockBox) and box.element is not None and box.element_tag in _TEXT_TAGS:
            return box.element_tag == "header" or _has_class(box, "section-mark") or _has_class(box, "article-title")
    return False


def _trailing_floats(blocks) -> list:
    """The figures and tables below the page's last line of running text."""
    from weasyprint.formatting_structure import boxes

    floats = [box for box in blocks if box.element_tag == "figure" or (box.element_tag == "table" and box.is_table_wrapper)]
    inside = {id(d) for box in floats for d in box.descendants() if d is not box}
    text = [line.position_y + line.margin_height() for box in blocks if id(box) not in inside
            for line in box.children if isinstance(line, boxes.LineBox)]
    below = max(text, default=0)
    return [box for box in floats if id(box) not in inside and box.border_box_y() >= below - 1]


def _has_class(box, name: str) -> bool:
    return name in (box.element.get("class") or "").split()


def _anchors_again(page) -> None:
    """The page's links, anchors and bookmarks at the boxes' new places (WeasyPrint gathers them when
    it makes the page)."""
    from weasyprint.anchors import gather_anchors

    page.bookmarks, page.links, page.anchors, page.forms = [], [], {}, {None: []}
    gather_anchors(page._page_box, page.anchors, page.links, page.bookmarks, page.forms)


def make_up(pages) -> int:
    """Drop the separator rules that stand at a page top; the number dropped."""
    from weasyprint.formatting_structure import boxes

    dropped = 0
    for page in pages:
        top = page._page_box.content_box_y()
        for box in page._page_box.descendants():
            if not isinstance(box, boxes.BlockBox) or box.element is None or not box.border_top_width:
                continue
            if _has_class(box, "print-article") and abs(box.border_box_y() - top) < 1:
                box.padding_top += box.border_top_width
                box.border_top_width = 0
                dropped += 1
    return dropped
