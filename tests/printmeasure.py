"""Measures of Chinese typesetting, read back from a PDF's glyph positions (pdfplumber pages).

Each returns (good, total) or a list, so that tests assert a share and the benchmark can report it."""
from __future__ import annotations

import collections
import re

MM = 72 / 25.4
OPENING = "“‘（《〈「『【〔"
CLOSING = "”’）》〉」』】〕。，、；：？！"
IDEOGRAPH = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
LATIN = re.compile("[A-Za-z0-9]")


def trim(page) -> tuple[float, float, float, float]:
    """The trimmed page in pdfplumber's coordinates (x0, top, x1, bottom). A press PDF's page is larger
    than the paper (bleed, crop marks); every measure is taken from the trim box."""
    box = getattr(page, "trimbox", None) or page.bbox
    return tuple(float(v) for v in box)


def header(page, mm: float = 24):
    """The top margin of the trimmed page (running heads, 续表)."""
    x0, top, x1, _ = trim(page)
    return page.crop((x0, top, x1, top + mm * MM))


def footer(page, mm: float = 22):
    """The bottom margin of the trimmed page (the page number)."""
    x0, _, x1, bottom = trim(page)
    return page.crop((x0, bottom - mm * MM, x1, bottom))


def in_block(page, obj, top_mm: float = 24, bottom_mm: float = 22) -> bool:
    """Whether an object stands in the text block (between the top and bottom margins)."""
    _, top, _, bottom = trim(page)
    return top + top_mm * MM < obj["top"] < bottom - bottom_mm * MM


def lines(page, size: float | None = None) -> list[list[dict]]:
    """The page's lines of text, each a list of visible characters left to right, grouped by baseline
    and font size (an inline of another size on the same line is another line)."""
    rows = collections.defaultdict(list)
    for c in page.chars:
        if c["text"].strip() and c["text"] != "\u2060" and (size is None or abs(c["size"] - size) < 0.05):
            rows[(round(c["bottom"]), round(c["size"], 1))].append(c)
    return [sorted(rows[key], key=lambda c: c["x0"]) for key in sorted(rows)]


def punctuation_pairs(pages) -> tuple[int, int]:
    """(compressed, all) pairs of consecutive full-width marks: the first advances at most 3/4 em."""
    compressed = total = 0
    for page in pages:
        for line in lines(page):
            for a, b in zip(line, line[1:]):
                if a["text"] in OPENING + CLOSING and b["text"] in OPENING + CLOSING and abs(a["size"] - b["size"]) < .1:
                    total += 1
                    compressed += (b["x0"] - a["x0"]) < 0.75 * a["size"]
    return compressed, total


def latin_boundaries(pages) -> tuple[int, int]:
    """(spaced, all) boundaries between a Chinese character and a Latin letter or digit on one line:
    spaced when the gap between the two glyphs is at least a fifth of an em."""
    spaced = total = 0
    for page in pages:
        for line in lines(page):
            for a, b in zip(line, line[1:]):
                if (IDEOGRAPH.match(a["text"]) and LATIN.match(b["text"])) or \
                        (LATIN.match(a["text"]) and IDEOGRAPH.match(b["text"])):
                    if b["x0"] - a["x1"] > 2 * a["size"]:
                        continue   # not neighbours (a table's columns)
                    total += 1
                    spaced += (b["x0"] - a["x1"]) >= 0.2 * a["size"]
    return spaced, total


def lone_last_lines(pages, size: float = 10.5) -> list[str]:
    """Body lines holding a single character and its punctuation: the last line of a paragraph."""
    found = []
    for number, page in enumerate(pages, start=1):
        for line in lines(page, size):
            text = "".join(c["text"] for c in line)
            if len(text.strip(OPENING + CLOSING + "—…")) == 1 and "Serif" in line[0]["fontname"]:
                found.append(f"page {number}: {text}")
    return found


def blank_share(pages, top_mm: float = 24, bottom_mm: float = 22) -> float:
    """The share of the text block left empty below the last thing printed on each page."""
    blank = height = 0.0
    for page in pages:
        _, trim_top, _, trim_bottom = trim(page)
        top, bottom = trim_top + top_mm * MM, trim_bottom - bottom_mm * MM
        ink = [o["bottom"] for o in page.chars + page.rects + page.curves + page.images
               if top < o["top"] < bottom]
        height += bottom - top
        blank += bottom - max(ink, default=top)
    return blank / height if height else 0.0
