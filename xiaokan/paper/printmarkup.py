"""Print-only markup of an article body: what the web page does with CSS or leaves to the browser,
written out for WeasyPrint and for the print office.

- `<ol start>`: WeasyPrint ignores the attribute without presentational hints; a counter-reset keeps
  the numbering (a list that continues at 45 prints 45).
- Tables: short columns (序号, 省份, dates) never wrap, numeric columns are right-aligned, a cell
  holding only `-` prints an en dash, and each table names its continuation (表1（续）) for 续表.
- Figures and tables with captions are numbered per article: 图1, 表1.
"""
from __future__ import annotations

import re
from html import unescape

from .typeset import em_width

_OL_START = re.compile(r'<ol\b([^>]*?)\bstart="(-?\d+)"([^>]*)>')
_TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(td|th)\b([^>]*)>(.*?)</\1>", re.S)
_NUMBER = re.compile(r"[+\-−]?\d[\d,.]*%?|[+\-−]?\.\d+%?")
SHORT_COLUMN_EM = 8.0     # a column whose every cell is at most this wide never wraps
NOWRAP_SHARE_EM = 34.0    # ... as long as all such columns together leave room for the others


_CHART_DATA = re.compile(r'<details class="chart-data">.*?</details>', re.S)


def without_chart_data(html: str) -> str:
    """A body without the data tables under its charts (查看数据: the web's, for screen readers): the
    printed chart carries its numbers, and WeasyPrint need not read a table it does not show."""
    return _CHART_DATA.sub("", html) if '<details class="chart-data">' in html else html


def print_markup(html: str) -> str:
    html = _OL_START.sub(lambda m: f'<ol{m.group(1)}start="{m.group(2)}" style="counter-reset: list-item '
                                   f'{int(m.group(2)) - 1}"{m.group(3)}>', html)
    html = _number_captions(html)
    return _TABLE.sub(lambda m: _table(m.group(0)), html)


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


def _table(table: str) -> str:
    """Classes for short and numeric columns, en dashes for lone hyphens, row keeps and the 续表 label."""
    rows = list(_ROW.finditer(table))
    grid = _grid(rows)
    columns: dict[int, list[tuple[str, bool]]] = {}   # column -> [(text, is body cell)]
    for cells in grid:
        for cell, c, span in cells:
            if span == 1:
                columns.setdefault(c, []).append((_text(cell.group(3)), cell.group(1) == "td"))
    widths = {c: max(em_width(t) for t, _ in cells) for c, cells in columns.items()}
    short = {c for c, w in widths.items() if w <= SHORT_COLUMN_EM}
    while short and sum(widths[c] for c in short) > NOWRAP_SHARE_EM:
        short.discard(max(short, key=lambda c: widths[c]))
    numeric = {c for c, cells in columns.items()
               if any(body and t for t, body in cells)
               and all(_NUMBER.fullmatch(t) or t in ("", "-", "–") for t, body in cells if body)}

    def rewrite(cell: re.Match, c: int, span: int) -> str:
        tag, attrs = cell.group(1), cell.group(2)
        classes = " ".join(name for name, member in (("nowrap", c in short and span == 1),
                                                     ("num", c in numeric and tag == "td")) if member)
        if classes:
            attrs = re.sub(r'class="', f'class="{classes} ', attrs) if 'class="' in attrs else f'{attrs} class="{classes}"'
        content = "–" if _text(cell.group(3)) in ("-", "－") else cell.group(3)
        return f"<{tag}{attrs}>{content}</{tag}>"

    body = [r for r, row in enumerate(rows) if table.rfind("<tbody", 0, row.start()) > table.rfind("</thead", 0, row.start())]
    # No page holds only one or two rows of a table: the first two body rows keep with what follows
    # them, the last two with what precedes them (across the row groups of a merged table too).
    keeps = {}
    if len(body) >= 6:
        keeps = {body[0]: "keep-with-next", body[1]: "keep-with-next",
                 body[-1]: "keep-with-previous", body[-2]: "keep-with-previous"}
    pieces, last = [], 0
    for r, (row, cells) in enumerate(zip(rows, grid)):
        written = row.group(0).replace(row.group(1), "".join(rewrite(*cell) for cell in cells), 1)
        if r in keeps:
            written = written.replace("<tr", f'<tr class="{keeps[r]}"', 1)
        pieces += [table[last:row.start()], written]
        last = row.end()
    table = "".join(pieces) + table[last:]
    caption = re.search(r"<caption\b[^>]*>(.*?)</caption>", table, re.S)
    number = re.search(r'<span class="table-number">(表\d+)</span>', table)
    label = f"{number.group(1)}（续）" if number else f"{_text(caption.group(1))[:24]}（续）" if caption else "续表"
    # (on the first body row: string-set's attr() reads the element it is set on)
    return re.sub(r"(<tbody\b[^>]*>\s*<tr\b)", f'\\1 data-continued="{label}"', table, count=1)


def _number_captions(html: str) -> str:
    """图N before each figure caption and 表N before each table caption, unless the editor numbered them."""
    counts = {"图": 0, "表": 0}

    def number(kind: str, match: re.Match) -> str:
        text = _text(match.group(2))
        if re.match(rf"{kind}\s*\d", text):
            return match.group(0)
        counts[kind] += 1
        css = "figure-number" if kind == "图" else "table-number"
        return f'{match.group(1)}<span class="{css}">{kind}{counts[kind]}</span>{match.group(2)}'

    def each(match: re.Match) -> str:
        if match.group(0).startswith("<figcaption"):
            return number("图", match)
        return number("表", match)

    return re.sub(r"(<(?:figcaption|caption)\b[^>]*>)(.*?)(?=</(?:figcaption|caption)>)", each, html, flags=re.S)
