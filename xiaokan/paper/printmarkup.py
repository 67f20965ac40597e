"""Print-only markup of an article body: what the web page does with CSS or leaves to the browser,
written out for WeasyPrint and for the print office.

- `<ol start>`: WeasyPrint ignores the attribute without presentational hints; a counter-reset keeps
  the numbering (a list that continues at 45 prints 45).
- Tables: short columns (序号, 省份, dates) never wrap, nor do the 单位 of a table whose columns of long
  text (说明, 备注: one or more) share the rest of the width (those that cannot all stay on one line beside
  them wrap at a fixed width, in lines of three characters or more: never 单/位, 智能/制造/… nor
  机电工程学/院); numeric columns are right-aligned, the 序号 column is centred, a cell holding only `-`
  is left blank, and each table names its continuation 表N（续）. No page holds fewer than three body
  rows of a table (a table of fewer than six is never cut).
- Every table is numbered per article (表1, 表2 …: a continued table must say which it is); a title
  paragraph right above it (`{: .table-title }`) becomes its caption, so that the two never part.
  Figures with captions are numbered too (图1).
- Figures occupy whole lines of the grid (grid.py): a chart's or photo's printed height is known here
  (the chart's viewBox at its printed width, the photo's pixels at WeasyPrint's 96 dpi within the text
  block), and the space that rounds it up to whole lines is added under it.
- A word of 24 characters or more (an address, a code line of 300 characters) outside tables is a
  `span.long-word`: it starts right after the text before it and is cut at any character where the
  line ends (cjklayout), rather than go whole to the next line and leave the line before it spaced out.
  Its first four and its last four characters are each one unit (span.word-end; in a table cell, where
  it is cut only once it overflows, its last four): a broken word never leaves one or two characters
  alone on its last line (`…/index.htm` + `l`), nor at the end of the line where it starts (`见h` +
  `ttps://…`: it starts on the next line instead, as TeX's lefthyphenmin keeps a word's first letters
  together). The address under a QR code is set the same way (`address`).
"""
from __future__ import annotations

import math
import re
from html import unescape

from markupsafe import Markup, escape

from .cjklayout import GLUE
from .grid import MM, Grid
from .typeset import TAG, TOKENS, em_width

_OL_START = re.compile(r'<ol\b([^>]*?)\bstart="(-?\d+)"([^>]*)>')
_TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(td|th)\b([^>]*)>(.*?)</\1>", re.S)
_NUMBER = re.compile(r"[+\-−]?\d[\d,.]*%?|[+\-−]?\.\d+%?")
_SERIAL = frozenset({"序号", "编号", "序", "No.", "No", "#"})   # a column of serial numbers: centred
_LONG_WORD = re.compile(r"[!-~]{24,}")   # an address or code without a space: broken anywhere in its cell
_WORD_EDGE = r"(?:&#?\w+;|[^&]){4}"   # four characters (an entity is one)
_WORD_START, _WORD_END = re.compile(f"^{_WORD_EDGE}"), re.compile(f"{_WORD_EDGE}$")
_EMPTY = frozenset({"-", "－", "–", "—"})                      # what editors type for an empty cell
_TITLED_TABLE = re.compile(r'<p class="table-title"[^>]*>(.*?)</p>(\s*<div\b[^>]*\bclass="table-wrap"[^>]*>\s*<table\b[^>]*>)', re.S)
_UNCAPTIONED = re.compile(r"(<table\b[^>]*>)(?!\s*<caption)")
SHORT_COLUMN_EM = 8.0     # a column whose every cell is at most this wide never wraps
NOWRAP_SHARE_EM = 34.0    # ... as long as all such columns together leave room for the others (A4's block)
TABLE_PT = 8.5            # print.css: a table's font size; a cell's padding (2 x 1.5 mm) is about an em of it
WRAPPED_COLUMN_EM = 2.0   # the least a wrapping column takes: a character and its padding
MEDIUM_COLUMN_EM = 16.0   # beside columns of long text, columns at most this wide never wrap ...
LONG_COLUMN_SHARE = 0.45  # ... while the one column of long text keeps this share of the block ...
LONG_COLUMN_EACH = 0.2    # ... or, two columns of long text or more, this share each (two: 16 ems of A5's 39.5) ...
LONG_COLUMNS_MOST = 0.6   # ... up to this share of the block together
LEAST_WRAPPED_EM = 3      # a column of short text beside them wraps in lines of at least this many characters
A4_BLOCK_PT = 46 * 10.5   # grid.py's A4 block (46 characters of 五号), for which NOWRAP_SHARE_EM was measured
KEEP_GROUP_ROWS = 8       # a merged group of at most this many rows is never cut


_FIGURE = re.compile(r"<figure\b([^>]*)>(.*?)</figure>", re.S)
_VIEWBOX = re.compile(r'<svg\b[^>]*\bviewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"')
_PHOTO = re.compile(r'<img\b[^>]*\bsrc="(file://[^"]+)"')
CHART_MM = 95             # a chart's printed width (print.css: .chart svg)
def print_markup(html: str, grid: Grid) -> str:
    html = _OL_START.sub(lambda m: f'<ol{m.group(1)}start="{m.group(2)}" style="counter-reset: list-item '
                                   f'{int(m.group(2)) - 1}"{m.group(3)}>', html)
    html = _caption_tables(html)
    html = _number_captions(html)
    html = _FIGURE.sub(lambda m: _on_grid(m, grid), html)
    return _long_words(_TABLE.sub(lambda m: _table(m.group(0), grid), html))


_SKIPPED = frozenset({"table", "svg", "script", "style", "math"})   # (a table's cells: long-word above)


def _long_words(html: str) -> str:
    """Long words outside tables, SVG and scripts in a span.long-word (print.css)."""
    if not _LONG_WORD.search(html):
        return html
    pieces, skipped = TOKENS.split(html), 0
    for i, piece in enumerate(pieces):
        if piece.startswith("<"):
            tag = TAG.match(piece)
            if tag and tag.group(2).lower() in _SKIPPED and not piece.endswith("/>"):
                skipped = max(skipped + (-1 if tag.group(1) else 1), 0)
        elif not skipped and piece:
            pieces[i] = _LONG_WORD.sub(lambda m: f'<span class="long-word">{_word_end(m.group(0))}</span>', piece)
    return "".join(pieces)


def _word_end(word: str, start: bool = True) -> str:
    """A long word whose last four characters, and with `start` its first four, are never parted (print.css:
    .word-end). (A table cell's word is cut only where it overflows: it starts on a line of its own.)"""
    first, end = _WORD_START.match(word) if start else None, _WORD_END.search(word)
    if not end or (first and end.start() < first.end()):
        return word
    if not first:
        return f'{word[:end.start()]}<span class="word-end">{end.group(0)}</span>'
    return (f'<span class="word-end">{first.group(0)}</span>{word[first.end():end.start()]}'
            f'<span class="word-end">{end.group(0)}</span>')


def address(url: str) -> Markup:
    """An address printed as text (under a QR code): escaped and set as a long word of the body is, cut at
    any character but never with fewer than four of its characters on its first or last line."""
    text = str(escape(url))
    return Markup(f'<span class="long-word">{_word_end(text)}</span>' if _LONG_WORD.fullmatch(text) else text)


def _cell_words(cell_html: str) -> str:
    """The long words of a table cell's text (not of its tags) with their last characters kept together."""
    return "".join(piece if piece.startswith("<") else _LONG_WORD.sub(lambda m: _word_end(m.group(0), start=False), piece)
                   for piece in TOKENS.split(cell_html))


def _caption_tables(html: str) -> str:
    """Every table gets a caption: its title paragraph when one stands right above it, else an empty
    one that numbering fills with 表N."""
    if "<table" not in html:
        return html
    html = _TITLED_TABLE.sub(lambda m: re.sub(r"(<table\b[^>]*>)$", lambda t: f"{t.group(1)}<caption>{m.group(1)}</caption>",
                                              m.group(2)), html)
    return _UNCAPTIONED.sub(r"\1<caption></caption>", html)


def _text(cell_html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", cell_html)).strip()


def _grid(rows: list[re.Match]) -> list[list[tuple[re.Match, int, int]]]:
    """Each row's cells as (cell, column, colspan), columns counted past the rowspans of earlier rows."""
    taken: set[tuple[int, int]] = set()
    grid = []
    for r, row in enumerate(rows):
        c, cells = 0, []
        for cell in _CELL.finditer(row.group(1)):
            while (r, c) in taken:
                c += 1
            # (spans as browsers take them: at most 1,000 columns, and no further down than the table goes)
            span = min(int((re.search(r'colspan="(\d+)"', cell.group(2)) or [0, 1])[1]), 1000)
            down = min(int((re.search(r'rowspan="(\d+)"', cell.group(2)) or [0, 1])[1]), len(rows) - r)
            taken.update((r + dr, c + dc) for dr in range(down) for dc in range(span))
            cells.append((cell, c, span))
            c += span
        grid.append(cells)
    return grid


def _table(table: str, page: Grid) -> str:
    """Classes for short and numeric columns, en dashes for lone hyphens, row keeps and the 续表 label.
    Short columns stay unwrapped only while the table still fits the block of this page size: the
    unwrapped ones at their width and padding, every other column at a character and its padding."""
    rows = list(_ROW.finditer(table))
    grid = _grid(rows)
    columns: dict[int, list[tuple[str, bool]]] = {}   # column -> [(text, is body cell)]
    for cells in grid:
        for cell, c, span in cells:
            if span == 1:
                columns.setdefault(c, []).append((_text(cell.group(3)), cell.group(1) == "td"))
    widths = {c: max(em_width(t) for t, _ in cells) for c, cells in columns.items()}
    short = {c for c, w in widths.items() if w <= SHORT_COLUMN_EM}
    block_em = page.block_pt / TABLE_PT
    share = NOWRAP_SHARE_EM * page.block_pt / A4_BLOCK_PT

    def too_wide() -> bool:
        unwrapped = sum(widths[c] + 1 for c in short)
        return sum(widths[c] for c in short) > share or \
            unwrapped + WRAPPED_COLUMN_EM * (len(widths) - len(short)) > block_em

    every_column_short = len(short) == len(widths)
    while short and too_wide():
        short.discard(max(short, key=lambda c: widths[c]))
    if every_column_short and len(short) < len(widths):
        # (a table of many short columns that do not fit unwrapped: all of them wrap, sharing the width
        # evenly, rather than some kept whole and the rest squeezed to a character a line)
        short = set()
    long = [c for c, w in widths.items() if w > block_em / 2]
    if not long and sum(w + 1 for w in widths.values()) > block_em:
        # (a table too wide for the block whose widest column is text of a sentence or more: that column wraps)
        widest = max(widths, key=lambda c: widths[c])
        long = [widest] if widths[widest] > MEDIUM_COLUMN_EM else []
    rest = {c for c in widths if c not in long}
    fixed: dict[int, int] = {}   # a column that wraps beside the long ones -> its width in em
    if long:
        # (columns of long text, which wrap anyway, beside columns of up to MEDIUM_COLUMN_EM (单位, dates,
        # 1,234): these stay on one line, the narrowest first, while the long texts keep their share of the
        # width and share it; any that cannot wrap at a width that holds their header and most of their
        # cells, in lines of LEAST_WRAPPED_EM characters or more)
        keep = block_em * (LONG_COLUMN_SHARE if len(long) == 1 else min(len(long) * LONG_COLUMN_EACH, LONG_COLUMNS_MOST))
        short, fixed = _beside_long(columns, widths, rest, block_em - keep)
    serial = {c for c, cells in columns.items() if any(not body and t in _SERIAL for t, body in cells)}
    numeric = {c for c, cells in columns.items()
               if c not in serial and any(body and t for t, body in cells)
               and all(_NUMBER.fullmatch(t) or t in _EMPTY or not t for t, body in cells if body)}

    def rewrite(cell: re.Match, c: int, span: int) -> str:
        tag, attrs = cell.group(1), cell.group(2)
        classes = " ".join(name for name, member in (("nowrap", c in short and span == 1),
                                                     ("num", c in numeric and tag == "td"),
                                                     ("serial", c in serial and span == 1),
                                                     ("long-word", bool(_LONG_WORD.search(_text(cell.group(3)))))) if member)
        if c in fixed and span == 1:   # (min- and max-width: the column is that wide, no wider)
            width = f"min-width: {fixed[c]}em; max-width: {fixed[c]}em; "
            attrs = attrs.replace('style="', f'style="{width}', 1) if 'style="' in attrs else f'{attrs} style="{width}"'
        if classes:
            attrs = re.sub(r'class="', f'class="{classes} ', attrs) if 'class="' in attrs else f'{attrs} class="{classes}"'
        content = "" if _text(cell.group(3)) in _EMPTY else _cell_words(cell.group(3))
        return f"<{tag}{attrs}>{content}</{tag}>"

    body = [r for r, row in enumerate(rows) if table.rfind("<tbody", 0, row.start()) > table.rfind("</thead", 0, row.start())]
    # No page holds only one or two rows of a table: the first two body rows keep with what follows
    # them, the last two with what precedes them (across the row groups of a merged table too).
    # (A merged table has a row group per merged label: a row that ends its group keeps its group with
    # the next one, and one that starts its group keeps it with the previous.)
    keeps = {}
    if len(body) >= 6:
        keeps = {body[0]: "keep-with-next", body[1]: "keep-with-next",
                 body[-1]: "keep-with-previous", body[-2]: "keep-with-previous"}
    group_keeps: dict[int, str] = {}   # position of a <tbody> -> class
    for r, keep in keeps.items():
        opening = table.rfind("<tbody", 0, rows[r].start())
        if keep == "keep-with-next":
            alone = "<tr" not in table[rows[r].end():table.find("</tbody", rows[r].end())]
        else:
            alone = "<tr" not in table[opening + 6:rows[r].start()]
        if opening >= 0 and alone:   # the row ends (or starts) its group
            group_keeps[opening] = " ".join(filter(None, (group_keeps.get(opening), keep)))
    # A merged group stays on one page when it is short; a long one may be cut (its label is repeated
    # where it goes on: merged.py). (WeasyPrint 70 fails an assertion on a group it may not cut that
    # does not fit a page.)
    for opening in (m.start() for m in re.finditer(r"<tbody\b", table)):
        closing = table.find("</tbody", opening)
        if "rowspan=" in table[opening:closing] and table.count("<tr", opening, closing) <= KEEP_GROUP_ROWS:
            group_keeps[opening] = " ".join(filter(None, (group_keeps.get(opening), "keep-group")))
    pieces, last = [], 0
    for r, (row, cells) in enumerate(zip(rows, grid)):
        written = row.group(0).replace(row.group(1), "".join(rewrite(*cell) for cell in cells), 1)
        if r in keeps:
            written = written.replace("<tr", f'<tr class="{keeps[r]}"', 1)
        pieces += [_keep_groups(table[last:row.start()], last, group_keeps), written]
        last = row.end()
    table = "".join(pieces) + table[last:]
    if len(body) < 6:   # three to five rows cannot be cut into two parts of three
        table = re.sub(r"^<table\b", '<table data-whole=""', table, count=1)
    caption = re.search(r"<caption\b[^>]*>(.*?)</caption>", table, re.S)
    number = re.match(r"\s*(表\s*\d+)", _text(caption.group(1)).replace(GLUE, "")) if caption else None
    label = "".join(number.group(1).split()) + "（续）" if number else "续表"
    # (on the first body row: string-set's attr() reads the element it is set on)
    return re.sub(r"(<tbody\b[^>]*>\s*<tr\b)", f'\\1 data-continued="{label}"', table, count=1)


def _beside_long(columns: dict[int, list[tuple[str, bool]]], widths: dict[int, float], rest: set[int],
                 budget: float) -> tuple[set[int], dict[int, int]]:
    """The columns beside the columns of long text that stay on one line, and the width in em of each of
    the others: its header and most of its cells on one line, as few as can be with one character alone on
    its last line (机电工程学/院). All of them within `budget` ems, with their padding."""
    short, used = set(), 0.0
    for c in sorted(rest, key=lambda c: widths[c]):
        if widths[c] <= MEDIUM_COLUMN_EM and used + widths[c] + 1 <= budget:
            short.add(c)
            used += widths[c] + 1
    fixed = {}
    for c in sorted(rest - short, key=lambda c: widths[c]):
        head = max((em_width(t) for t, body in columns[c] if not body), default=0.0)
        cells = [em_width(t) for t, body in columns[c] if body]
        # (aimed at the width of its middle cell, so that most of them are on one line: 省教育厅 beside
        # 具体举措 and 责任单位, not 省教育/厅. Of the widths that fit, up to half as wide again, the nearest
        # to that among those that leave the fewest cells a character alone on their last line (机电工程学/
        # 院), never narrower than the header or LEAST_WRAPPED_EM: 单位 is never 单/位, nor 智能/制造/与汽/…)
        middle = sorted(cells)[len(cells) // 2] if cells else 0.0
        aim = max(math.ceil(head), math.ceil(middle), LEAST_WRAPPED_EM)
        least = max(math.ceil(head), LEAST_WRAPPED_EM)
        most = min(math.ceil(widths[c]), aim + aim // 2, math.floor(budget - used - 1))
        if most < least:
            continue
        width = min(range(least, most + 1), key=lambda w: (_lone(cells, w), abs(w - aim), -w))
        fixed[c] = width
        used += width + 1
    return short, fixed


def _lone(cells: list[float], width: int) -> int:
    """How many cells of these widths in em, wrapped at `width`, would leave a character or so alone on
    their last line (a cell that fills its lines exactly leaves none)."""
    return sum(w > width and 0 < w % width < 1.5 for w in cells)


def _number_captions(html: str) -> str:
    """图N before each figure caption and 表N before each table caption, unless the editor numbered them."""
    counts = {"图": 0, "表": 0}

    def number(kind: str, match: re.Match) -> str:
        text = _text(match.group(2))
        if re.match(rf"{kind}\s*\d", text):
            return match.group(0)
        counts[kind] += 1
        css = "figure-number" if kind == "图" else "table-number"
        # (glued: 表1 is one word, no space between the character and the digit)
        return f'{match.group(1)}<span class="{css}">{kind}{GLUE}{counts[kind]}</span>{match.group(2)}'

    def each(match: re.Match) -> str:
        if match.group(0).startswith("<figcaption"):
            return number("图", match)
        return number("表", match)

    return re.sub(r"(<(?:figcaption|caption)\b[^>]*>)(.*?)(?=</(?:figcaption|caption)>)", each, html, flags=re.S)


def _keep_groups(text: str, offset: int, group_keeps: dict[int, str]) -> str:
    """The <tbody> tags of `text` (found at `offset` in the table) with their keep classes."""
    def tag(match: re.Match) -> str:
        keep = group_keeps.get(offset + match.start())
        return f'<tbody class="{keep}"' if keep else match.group(0)
    return re.sub(r"<tbody\b", tag, text)


def _on_grid(figure: re.Match, grid: Grid) -> str:
    """A figure with the space under its chart or photo that makes it whole lines high."""
    attrs, inner = figure.group(1), figure.group(2)
    height = _printed_height(inner, grid)
    if not height:
        return figure.group(0)
    return f'<figure{attrs} style="padding-bottom: {grid.round_up(height):.3f}pt">{inner}</figure>'


def _printed_height(inner: str, grid: Grid) -> float | None:
    """The printed height in pt of a figure's chart or photo (None: neither, or an unreadable photo)."""
    if box := _VIEWBOX.search(inner):
        width, height = float(box.group(1)), float(box.group(2))
        return min(CHART_MM * MM * height / width, grid.block_pt * height / width, grid.figure_pt) if width else None
    if photo := _PHOTO.search(inner):
        from urllib.parse import unquote, urlparse

        from PIL import Image

        try:
            with Image.open(unquote(urlparse(photo.group(1)).path)) as image:
                width, height = image.size
        except (OSError, ValueError):
            return None
        return min(min(grid.block_pt, width * 0.75) * height / width, grid.figure_pt) if width else None
    return None
