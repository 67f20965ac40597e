"""Tables too long for the print edition: printed as their title, their header and a note that sends the
reader to the web page, which shows them whole.

A newsletter prints a table of a few pages; a list of every vocational school in the country (50,000 rows)
would take 1,700 pages, and WeasyPrint holds every laid-out page in memory (5,000 rows of five columns:
140 pages, 38 s and 800 MB). The limits:

- PRINT_CELLS, 2,000 cells (rows × columns; a span counts the cells it covers): 400 rows of five
  columns, about 11 A4 pages at the print size of table text (the sample issue's longest table,
  51 rows × 5, takes two). Longer than that, a table is a reference to look things up in, which
  the web page does better (search, scrolling, copying).
- PRINT_CHARACTERS, 40,000 characters of text: the same pages for a table of few cells holding long texts.
- ISSUE_CELLS, 10,000 cells for all the tables an issue prints: five such tables are the most an issue
  prints (about 55 pages); the ones after are notes too. It keeps a PDF within a few hundred MB of
  memory whatever its tables hold.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape, unescape

from ..core.htmltext import text_of, without_tags
from ..source.markup import Body
from ..source.model import Article, Section

PRINT_CELLS = 2_000
PRINT_CHARACTERS = 40_000
ISSUE_CELLS = 10_000
NOTE_HEADER_COLUMNS = 20   # a header of more columns is left out of the note too

_TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.S)
_SPAN = re.compile(r'\s(?:colspan|rowspan)="(\d+)"')
_CAPTION = re.compile(r"<caption\b[^>]*>.*?</caption>", re.S)
_HEADER = re.compile(r"<thead\b[^>]*>.*?</thead>", re.S)
_SOURCE = re.compile(r'<table\b[^>]*\sdata-source="([^"]*)"')


@dataclass(frozen=True)
class TableSize:
    """One table of a body: where it is in the HTML and how much it holds."""
    start: int
    end: int
    rows: int                 # under its header
    columns: int
    cells: int
    characters: int
    source: str | None        # the CSV file it was made from (datablocks), None for a Markdown table
    caption: str

    def too_long(self) -> bool:
        return self.cells > PRINT_CELLS or self.characters > PRINT_CHARACTERS


@lru_cache(maxsize=20_000)
def table_sizes(html: str) -> tuple[TableSize, ...]:
    """Every table of a body, in order (counted without parsing: a 50,000-row table is 5 MB of HTML).
    (Remembered: the preflight and the print edition both ask, and the preview on every save.)"""
    sizes = []
    if "<table" not in html:   # (most bodies: found at the speed of a string search)
        return ()
    for match in _TABLE.finditer(html):
        table = match.group(0)
        spans = sum(int(value) - 1 for value in _SPAN.findall(table) if int(value) > 1)
        first_row = table[table.find("<tr"):table.find("</tr>")]
        header = _HEADER.search(table)
        source = _SOURCE.match(table)
        caption = _CAPTION.search(table)
        sizes.append(TableSize(match.start(), match.end(), table.count("<tr") - (header.group(0).count("<tr") if header else 0),
                               _cells(first_row), _cells(table) + spans, len(without_tags(table)),
                               unescape(source.group(1)) if source else None, text_of(caption.group(0)) if caption else ""))
    return tuple(sizes)


def _cells(html: str) -> int:
    return html.count("<td") + html.count("<th>") + html.count("<th ")


def left_out(bodies: list[str]) -> list[set[int]]:
    """For each body of an issue, in print order, the indexes of its tables printed as a note: those too
    long themselves, and those that would take the issue's tables past ISSUE_CELLS."""
    printed = 0
    result = []
    for html in bodies:
        out = set()
        for n, size in enumerate(table_sizes(html)):
            if size.too_long() or printed + size.cells > ISSUE_CELLS:
                out.add(n)
            else:
                printed += size.cells
        result.append(out)
    return result


_CHART_DATA = re.compile(r'<details class="chart-data">.*?</details>', re.S)


def without_chart_data(html: str) -> str:
    """A body without the data tables under its charts (查看数据: the web's, for screen readers): the
    printed chart carries its numbers, and WeasyPrint need not read a table it does not show."""
    return _CHART_DATA.sub("", html) if '<details class="chart-data">' in html else html


def printed_bodies(sections: list[tuple[Section, list[Article]]], bodies: dict[str, Body]) -> dict[str, tuple[str, set[int]]]:
    """Article.url -> its body as print reads it (no chart data tables) and the indexes of its tables
    printed as notes (left_out, in print order: sections as articles_by_section gives them)."""
    articles = [a for _, members in sections for a in members]
    htmls = [without_chart_data(bodies[a.url].html) for a in articles]
    return {a.url: (html, leave_out) for a, html, leave_out in zip(articles, htmls, left_out(htmls))}


def with_notes(html: str, leave_out: set[int], address: str) -> str:
    """The body with each table of leave_out replaced by its caption, its header (when not too wide) and
    a row saying where the whole table is: `address`, the article's web page."""
    if not leave_out:
        return html
    pieces, last = [], 0
    for n, size in enumerate(table_sizes(html)):
        if n not in leave_out:
            continue
        table = html[size.start:size.end]
        opening = table[:table.find(">") + 1]
        caption = _CAPTION.search(table)
        header = _HEADER.search(table) if size.columns <= NOTE_HEADER_COLUMNS else None
        span = max(1, min(size.columns, NOTE_HEADER_COLUMNS)) if header else 1
        note = (f'<tbody><tr><td class="table-note" colspan="{span}">此表共 {size.rows:,} 行、{size.columns:,} 列，'
                f'印刷版从略，全表见网页：<a href="{escape(address)}">{escape(address)}</a></td></tr></tbody>')
        pieces += [html[last:size.start], opening, caption.group(0) if caption else "",
                   header.group(0) if header else "", note, "</table>"]
        last = size.end
    return "".join(pieces) + html[last:]
