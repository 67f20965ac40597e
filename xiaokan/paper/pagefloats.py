"""Page floats: where a figure that the first layout pushed to the top of the next page goes in the
second, so that the text after it fills the hole it left (as LaTeX floats a figure to the next page's
top while the text runs on). The figure keeps its caption, stays in its article and after every figure
and table before it; it moves past paragraphs, lists and heads, as many as take the lines of the hole
in the first layout (measured there: they are set at the same width), and never ends up right after a
head. When the text that fills the hole would leave the figure too little room on the next page (a
portrait photo almost a page high), it stops a paragraph short: the figure starts the next page.
"""
from __future__ import annotations

import re

from .grid import Grid

PT_PER_PX = 0.75
_COUNTED = frozenset({"p", "li", "table", "figure", "h2", "h3", "h4", "h5", "h6"})
_PARAGRAPH_END = re.compile(r"</p>|</ol>|</ul>")
_NUMBER = re.compile(r'<(?:p|li|h[2-6]) data-grid="(\d+)"')
_MOVABLE = ("<p", "<ol", "<ul", "<h2", "<h3", "<h4", "<h5", "<h6")


def span(html: str, tag: str, number: int) -> tuple[int, int] | None:
    """Where the element `tag` numbered `number` (makeup.numbered) starts and ends in html, its end tag included."""
    start = html.find(f'<{tag} data-grid="{number}"')
    end = html.find(f"</{tag}>", start)
    return (start, end + len(f"</{tag}>")) if start >= 0 and end >= 0 else None


def heights(pages, grid: Grid) -> dict[int, float]:
    """Lines of the grid that each numbered block took in a layout (its pieces on every page together),
    for the blocks not inside another numbered one."""
    from weasyprint.formatting_structure import boxes

    found: dict[int, float] = {}

    def walk(box) -> None:
        for child in getattr(box, "children", None) or ():
            if isinstance(child, boxes.BlockBox) and child.element is not None and child.element_tag in _COUNTED \
                    and child.element.get("data-grid") is not None:
                number = int(child.element.get("data-grid"))
                found[number] = found.get(number, 0.0) + child.margin_height() * PT_PER_PX / grid.pitch
            else:
                walk(child)
    for page in pages:
        walk(page._page_box.children[0])
    return found


def moved(html: str, number: int, gap: int, lines: dict[int, float], page_lines: int) -> str:
    """The figure `number` moved after the text that fills a hole of `gap` lines (lines: heights())."""
    if (where := span(html, "figure", number)) is None:
        return html
    start, end = where
    figure, rest = html[start:end], html[end:]
    limit = rest.find("</div>")   # (the article body ends there: the figure stays in its article)
    ends: list[tuple[int, float]] = []   # (a paragraph's end in rest, the lines of the text up to it)
    position, taken = 0, 0.0
    for match in _PARAGRAPH_END.finditer(rest, 0, limit if limit >= 0 else len(rest)):
        segment = rest[position:match.end()]
        if len(re.findall(r"<(?:ol|ul)\b", segment)) > segment.count("</ol>") + segment.count("</ul>"):
            continue   # (the end of a paragraph inside a list item: the figure goes after the whole list)
        if not segment.lstrip().startswith(_MOVABLE) or "<figure" in segment or "<table" in segment:
            break   # (never past another figure or table: figures keep their order)
        taken += sum(lines.get(int(n), 0.0) for n in _NUMBER.findall(segment))
        position = match.end()
        ends.append((position, taken))
        if taken >= gap - 0.5:
            break
    if not ends:
        return html
    position, taken = ends[-1]
    if taken - gap + lines.get(number, 0.0) > page_lines + 0.5 and len(ends) > 1:
        position = ends[-2][0]   # (what runs over would leave the figure no room below it on the next page)
    return html[:start] + rest[:position] + figure + rest[position:]
