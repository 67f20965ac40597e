"""Word tables as an article shows them.

A table without merged cells stays a Markdown table (markdownify keeps bold and links in its cells).
A table with cells merged down becomes a CSV beside the article, placed with the 表格 shortcode and
`合并` naming its merged columns, so the merge is kept. Where a CSV could not say the table
faithfully (one row only, a picture in a cell, a cell the CSV reader would take for a link, a merged
column whose heading cannot be named in 合并), the table is a Markdown table with the merged cells
split, and the report says so. A cell holds text only: its paragraphs, list items and line breaks
stay lines of the cell (LINE, written <br>) in a Markdown table; a CSV cell has one line, so they are
run together there, and a table inside a cell becomes a line per row; the report says where.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from ..core.i18n import N_, _
from .mdtext import pipe_table

_BLOCKS_IN_CELLS = ["p", "li", "ol", "ul", "h1", "h2", "h3", "h4", "h5", "h6"]
# What source/datablocks.py reads as a link in a CSV cell, and what 合并 cannot name.
_CSV_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_UNNAMEABLE = re.compile(r'["“”,，、]')
LINE = "\ufffe"   # (a line break inside a cell, until the Markdown is written: a character XML cannot hold)
_LINES = re.compile(f"(?:\\s*{LINE})+\\s*")


def arrange_tables(soup, place: Callable, add_file: Callable[[str, bytes], str], token: re.Pattern,
                   counts: dict[str, int], notes: list[str]) -> None:
    """Replace each merged table by its CSV's shortcode (place: Markdown -> the element standing for
    it; add_file: suffix, data -> the token for the file's name); flatten every cell to text."""
    nested_in = set()
    for nested in soup.select("td table, th table"):
        if not any(parent is soup for parent in nested.parents):
            continue   # (already flattened with the table around it)
        nested_in.add(id(nested.find_parent(["td", "th"]).find_parent("table")))
        rows = [row for row in nested.find_all("tr") if row.find_parent("table") is nested]
        nested.replace_with(LINE.join(" ".join(" ".join(cell.stripped_strings) for cell in row.find_all(["td", "th"], recursive=False))
                                      for row in rows) + LINE)
    lines_in = {}
    for cell in soup.find_all(["td", "th"]):
        for line_break in cell.find_all("br"):
            line_break.replace_with(LINE)
        for block in cell.find_all(_BLOCKS_IN_CELLS):
            block.insert_after(LINE)
            block.unwrap()
        for text in cell.find_all(string=True):
            text.replace_with(_LINES.sub(LINE, str(text)))
        if LINE in cell.get_text().strip(LINE + " \t\n"):
            lines_in.setdefault(id(cell.find_parent("table")), cell)
    tables = merged = 0
    for number, table in enumerate(soup.find_all("table"), start=1):
        if id(table) in nested_in:
            notes.append(_("table {number} has a table inside a cell; it was imported as lines of text in that cell, "
                           "a line per row: check it").format(number=number))
        rows = table.find_all("tr")
        if not any(row.find(["td", "th"]) for row in rows):
            table.decompose()
            continue
        tables += 1
        if not any(cell.get("rowspan") or cell.get("colspan") for cell in table.find_all(["td", "th"])):
            continue
        grid, merge_columns, across = _grid(rows)
        plain = [[" ".join(cell.replace(LINE, " ").split()) for cell in row] for row in grid]
        if across:
            notes.append(_("table {number} has cells merged across (rows {rows}); they were split, the text is in "
                           "the left one").format(number=number, rows="、".join(str(r) for r in across)))
        header = plain[0]
        named = [header[c] for c in sorted(merge_columns) if header[c] and not _UNNAMEABLE.search(header[c])
                 and header.count(header[c]) == 1]
        faithful = len(grid) > 1 and not table.find(string=token) and not any(
            _CSV_LINK.search(cell) for row in plain for cell in row)
        if faithful and named:
            merged += 1
            if id(table) in lines_in:
                notes.append(_("table {number} keeps its merged cells as a CSV file, whose cells hold one line: the "
                               "lines of the cell 「{text}…」 (paragraphs, list items) were run together").format(
                    number=number, text=" ".join(lines_in[id(table)].get_text(" ").replace(LINE, " ").split())[:12]))
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows(plain)
            name = add_file(".csv", out.getvalue().encode("utf-8"))
            table.replace_with(place(f'{{{{< 表格 文件="{name}" 合并="{",".join(named)}" >}}}}'))
            continue
        if merge_columns:
            notes.append(_("table {number} has cells merged down that a CSV cannot keep here; they were split, "
                           "each row has the text").format(number=number))
        table.replace_with(place(pipe_table(grid)))
    counts[N_("tables")] = tables
    counts[N_("tables with merged cells (CSV)")] = merged


def _grid(rows) -> tuple[list[list[str]], set[int], list[int]]:
    """The table as rows of cell texts (a cell merged down repeats its text in each row it covers, as
    合并 expects; one merged across has it in the left cell), the columns merged down, and the rows
    with cells merged across."""
    cells: dict[tuple[int, int], str] = {}
    merge_columns: set[int] = set()
    across: list[int] = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row.find_all(["td", "th"], recursive=False):
            while (r, c) in cells:
                c += 1
            down = min(_span(cell.get("rowspan")), len(rows) - r)
            wide = _span(cell.get("colspan"))
            text = LINE.join(" ".join(line.split()) for line in cell.get_text(" ").split(LINE) if line.strip())
            if down > 1:
                merge_columns.add(c)
            if wide > 1 and r + 1 not in across:
                across.append(r + 1)
            for dr in range(down):
                for dc in range(wide):
                    cells[(r + dr, c + dc)] = text if dc == 0 else ""
            c += wide
    width = 1 + max(c for _r, c in cells)
    return [[cells.get((r, c), "") for c in range(width)] for r in range(len(rows))], merge_columns, across


def _span(value) -> int:
    # (docxlimits has bounded what Word wrote; mammoth writes it as a number)
    return int(value) if value and str(value).isdigit() and int(value) > 0 else 1
