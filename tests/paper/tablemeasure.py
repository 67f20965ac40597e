"""Tables read back from a PDF: each page's fragment of a ruled table, its body rows and whether it
continues (the cells' rules found by pdfplumber; the 表N（续） label read from the page's head)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from xiaokan.paper.grid import grid_for

MM = 72 / 25.4
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


@dataclass
class Fragment:
    page: int          # 1-based
    label: str         # 表N（续） in the page's head, or ""
    header: str        # the text of the header row's first cell
    rows: list         # body rows (lists of cell texts)
    top: float
    bottom: float
    heights: list      # each row's height, the header's first
    columns: list      # (x0, x1) of each header cell
    text: dict         # column index -> the text inside it below the header, top to bottom


def trim(page) -> tuple[float, float, float, float]:
    box = getattr(page, "trimbox", None) or page.bbox
    return tuple(float(v) for v in box)


def margins(page) -> tuple[float, float]:
    """The top and bottom margins of the page's line grid (xiaokan/paper/grid.py), in pt."""
    x0, top, x1, bottom = trim(page)
    grid = grid_for((x1 - x0) / MM, (bottom - top) / MM)
    return grid.top_mm * MM, grid.bottom_mm * MM


def head_text(page) -> str:
    x0, top, x1, _ = trim(page)
    return re.sub(r"[\s\u2060]+", "", page.crop((x0, top, x1, top + margins(page)[0])).extract_text() or "")


def text_block(page):
    """The page's text block, for finding its tables: without the running head (its rule lies on a
    continued table's top rule) and without the rules drawn as the clipped outline of a tall box
    (the running head's, an article's separator): pdfplumber does not apply the clip, so they would
    read as a frame around everything below them."""
    x0, top, x1, bottom = trim(page)
    block = page.crop((x0, top + margins(page)[0] + 0.3, x1, bottom - margins(page)[1]))
    foot = bottom - margins(page)[1] - 1
    return block.filter(lambda o: not (o.get("object_type") == "rect" and o["height"] > 100
                                       and o["bottom"] >= foot and o["width"] > 0.6 * (x1 - x0)))


def fragments(pdf) -> list[Fragment]:
    """Every ruled table with a header row of at least two columns, page by page."""
    found = []
    for number, page in enumerate(pdf.pages, start=1):
        head = head_text(page)
        label = (re.search(r"表\d+（续）|续表", head) or [""])[0]
        block = text_block(page)
        for table in block.find_tables(TABLE_SETTINGS):
            rows = table.extract()
            # (a rule above the table, such as an article's separator, can be taken for its first row)
            start = next((i for i, row in enumerate(rows) if len(row) >= 2 and row[0] and sum(bool(c) for c in row) >= 2
                          and re.fullmatch(r"[\u4e00-\u9fff]{2,8}", re.sub(r"\s+", "", row[0]))), None)
            if start is None or start + 1 >= len(rows):
                continue
            first = re.sub(r"\s+", "", rows[start][0])
            boxes = table.rows[start:]
            heights = [row.bbox[3] - row.bbox[1] for row in boxes]
            columns = [(cell[0], cell[2]) for cell in boxes[0].cells if cell]
            below, top_of_table = boxes[0].bbox[3], boxes[0].bbox[1]
            text = {i: "".join(c["text"] for c in sorted(block.chars, key=lambda c: (round(c["top"]), c["x0"]))
                               if x0 < c["x0"] < x1 and below < c["top"] < table.bbox[3])
                    for i, (x0, x1) in enumerate(columns)}
            found.append(Fragment(number, label, first, rows[start + 1:], top_of_table, table.bbox[3], heights, columns,
                                  text))
    return found


def runs(pdf) -> list[list[Fragment]]:
    """Fragments grouped into tables: the first fragment of a page that says 表N（续）, standing at the
    top of its text block under the same header, continues the last fragment of the page before."""
    tables: list[list[Fragment]] = []
    seen_pages: set[int] = set()
    for fragment in fragments(pdf):
        _, top, _, _ = trim(pdf.pages[fragment.page - 1])
        continues = (tables and fragment.label and fragment.page not in seen_pages
                     and fragment.top < top + margins(pdf.pages[fragment.page - 1])[0] + 12 * MM and tables[-1][-1].page == fragment.page - 1
                     and tables[-1][-1].header == fragment.header)
        if continues:
            tables[-1].append(fragment)
        else:
            tables.append([fragment])
        seen_pages.add(fragment.page)
    return tables


def short_fragments(pdf, least: int = 3) -> list[str]:
    """Fragments of a cut table with fewer than `least` body rows, unless its rows are so tall that
    `least` of them (of the fragment's average height) do not fit in a text block under the header."""
    found = []
    for table in runs(pdf):
        if len(table) < 2:
            continue
        for fragment in table:
            _, top, _, bottom = trim(pdf.pages[fragment.page - 1])
            block = (bottom - margins(pdf.pages[fragment.page - 1])[1]) - (top + margins(pdf.pages[fragment.page - 1])[0])
            body = fragment.heights[1:] or [0]
            tall = fragment.heights[0] + least * sum(body) / len(body) > block
            if len(fragment.rows) < least and not tall:
                found.append(f"p{fragment.page}: {len(fragment.rows)} rows of the table headed {fragment.header}")
    return found
