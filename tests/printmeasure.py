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


# The page (issue 27): the line grid, facing pages, line adjustment, page bottoms.

BODY_SIZE = 10.5


def body_lines(page, size: float = BODY_SIZE) -> list[tuple[float, list[dict]]]:
    """The page's lines of body text (the serif face at the body size) as (baseline from the page's top, glyphs)."""
    top = float(page.mediabox[3])   # (pdfplumber's top and bottom are measured from here, as baselines are)
    rows = collections.defaultdict(list)
    for c in page.chars:
        if c["text"].strip() and c["text"] != "\u2060" and abs(c["size"] - size) < 0.05 and "Serif" in c["fontname"]:
            rows[round(top - c["matrix"][5], 1)].append(c)
    merged: list[tuple[float, list[dict]]] = []
    for y in sorted(rows):
        if merged and y - merged[-1][0] < 1:
            merged[-1][1].extend(rows[y])
        else:
            merged.append((y, rows[y]))
    return [(y, sorted(chars, key=lambda c: c["x0"])) for y, chars in merged]


def grid_share(pages, pitch: float, tolerance: float = 0.5) -> tuple[int, int, float]:
    """(on the grid, all) body baselines, and the grid's phase: a baseline is on the grid when its distance
    from the trimmed page's top is the grid's phase plus a whole number of pitches (the phase is the most
    common remainder: the grid the page's text mostly follows)."""
    residues = []
    for page in pages:
        top = trim(page)[1]
        residues += [(y - top) % pitch for y, _ in body_lines(page)]
    if not residues:
        return 0, 0, 0.0
    buckets = collections.Counter(round(r * 2) / 2 for r in residues)
    phase = buckets.most_common(1)[0][0]
    on = sum(min(abs(r - phase), pitch - abs(r - phase)) <= tolerance for r in residues)
    return on, len(residues), phase


def facing_alignment(pages, pitch: float, tolerance: float = 0.5) -> tuple[int, int]:
    """(aligned, all) body lines of facing pages (even left, odd right; pages numbered from 1) that have a
    body line of the other page beside them (within half a line): aligned when the two share a baseline."""
    aligned = total = 0
    for left in range(1, len(pages) - 1, 2):   # 0-based: pages[1] is page 2, a left page
        spread = [[y - trim(p)[1] for y, _ in body_lines(p)] for p in pages[left:left + 2]]
        for mine, other in ((spread[0], spread[1]), (spread[1], spread[0])):
            for y in mine:
                nearest = min(other, key=lambda o: abs(y - o), default=None)
                if nearest is not None and abs(y - nearest) < pitch / 2:
                    total += 1
                    aligned += abs(y - nearest) <= tolerance
    return aligned, total


def line_stretch(pages, size: float = BODY_SIZE) -> list[float]:
    """The space added between two Chinese characters of each body line, in em (0 for a line set solid):
    the median of the gaps between consecutive ideographs past their one-em advance."""
    stretches = []
    for page in pages:
        for _, chars in body_lines(page, size):
            gaps = [b["x0"] - a["x0"] - a["size"] for a, b in zip(chars, chars[1:])
                    if IDEOGRAPH.match(a["text"]) and IDEOGRAPH.match(b["text"]) and abs(a["size"] - size) < .05]
            gaps = [g for g in gaps if g < size]   # (not neighbours: a gap in the line)
            if gaps:
                stretches.append(max(0.0, sorted(gaps)[len(gaps) // 2]) / size)
    return stretches


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def short_pages(pages, pitch: float, title_pt: float = 13, block_lines: int | None = None) -> tuple[int, int]:
    """(pages ending more than one line short, pages an article runs on from). A page is run on from when
    the next page's first text is not a title or a 栏目 (nothing of `title_pt` or larger); the last thing
    printed in its text block is measured against the block's last line: `block_lines` lines from its first
    (where most pages start) when the grid is given, else where most pages end (which cannot see a line
    that no page uses)."""
    found = [(body_lines(p), trim(p)[1]) for p in pages]
    if not any(lines for lines, _ in found):
        return 0, 0
    # (the block's first line: where most pages start, below the running heads)
    first_line = collections.Counter(round(lines[0][0] - top) for lines, top in found if lines).most_common(1)[0][0]
    if block_lines:
        last_line = first_line + (block_lines - 1) * pitch
    else:
        last_line = collections.Counter(round(body[-1][0] - top) for body, top in found if body).most_common(1)[0][0]
    short = mid = 0
    for (page, (mine, _)), (following, (theirs, top)) in zip(zip(pages, found), zip(pages[1:], found[1:])):
        if not mine or not theirs:
            continue
        first = min((c for c in following.chars if c["text"].strip() and c["top"] - top > first_line - pitch),
                    key=lambda c: c["top"], default=None)
        if first is None or first["size"] >= title_pt:
            continue
        mid += 1
        page_top = trim(page)[1]
        ink = [o["bottom"] - page_top for o in page.chars if o["text"].strip()]
        # (not the rules drawn as clipped outlines of tall boxes, the running head's and an article's
        # separator: pdfplumber ignores the clip and sees them reach down to the block's foot)
        x0, _, x1, _ = trim(page)
        ink += [o["bottom"] - page_top for o in page.rects + page.images + page.curves + page.lines
                if not (o.get("object_type") == "rect" and o["height"] > 100 and o["width"] > 0.6 * (x1 - x0))]
        short += max([b for b in ink if b < last_line + pitch / 2], default=0) < last_line - pitch
    return short, mid


def squeezed_marks(pages, size: float = BODY_SIZE) -> list[tuple[int, str, str]]:
    """Marks set at half width inside a body line to take in the next unit (挤进), as (page number from 1,
    the mark, the line): a mark between two glyphs that are not marks (not a pair, 标点挤压) whose advance
    into it (an opening mark, whose empty left half goes) or out of it (a closing one) is at least 0.35 em
    shorter than the line's median advance from one ideograph to the next."""
    found = []
    for number, page in enumerate(pages, start=1):
        for _, chars in body_lines(page, size):
            usual = sorted(b["x0"] - a["x0"] for a, b in zip(chars, chars[1:])
                           if IDEOGRAPH.match(a["text"]) and IDEOGRAPH.match(b["text"]) and b["x0"] - a["x0"] < 2 * size)
            if not usual:
                continue
            usual_advance = usual[len(usual) // 2]
            text = "".join(c["text"] for c in chars)
            for before, mark, after in zip(chars, chars[1:], chars[2:]):
                if mark["text"] not in OPENING + CLOSING or {before["text"], after["text"]} & set(OPENING + CLOSING):
                    continue
                advance = mark["x0"] - before["x0"] if mark["text"] in OPENING else after["x0"] - mark["x0"]
                if advance < usual_advance - 0.35 * size:
                    found.append((number, mark["text"], text))
    return found
