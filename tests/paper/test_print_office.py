"""What the print office sends back: content other than the sample, built in A5 (the narrowest block) and
read back from the PDF. Nothing may run outside the text block into the margins or off the trim.

One build: a title with a word longer than its line, a paragraph holding a 300-character word (a code
line, a pasted hash), a table cell holding a long address without a break, and a table of twelve columns
whose every column is short (each would stay on one line on its own: together they are wider than an A5
page)."""
from __future__ import annotations

import pytest

from helpers import mini_printed, printed, write
from printmeasure import CLOSING, MM, trim
from xiaokan.paper.grid import grid_for

LONG_WORD = "x" * 300
TITLE_WORD = "Supercalifragilisticexpialidocious" * 2
ADDRESS = "https://www.example-vocational-university.edu.cn/" + "averyveryverylongpathwithoutanybreak" * 2


@pytest.fixture(scope="module")
def a5_pdf(tmp_path_factory):
    site = mini_printed(tmp_path_factory.mktemp("office") / "site", "  page_size: A5\n  bleed: 3mm\n  crop_marks: 是\n")
    head = "| " + " | ".join(f"列标题{c}" for c in range(12)) + " |\n|" + "---|" * 12 + "\n"
    rows = "".join("| " + " | ".join(f"第{r}行{c}列" for c in range(12)) + " |\n" for r in range(3))
    write(site, "content/2024-07/05-wide.md", f"---\n标题: 十二列的表格{TITLE_WORD}\n栏目: 评建动态\n---\n"
          f"代码如下：{LONG_WORD}。\n\n{head}{rows}\n| 网址 | 说明 |\n|---|---|\n| {ADDRESS} | 学校网站 |\n")
    with printed(site) as pdf:
        yield pdf


def outside_the_block(page) -> str:
    """The glyphs of a page beyond the text block's left and right edges (the margins and the trim). A
    closing mark that ends a line is set half width (its ink is in its left quarter, its box a whole em)."""
    x0, _, x1, _ = trim(page)
    side = grid_for(148, 210).side_mm * MM

    def right(c) -> float:
        return c["x0"] + c["size"] / 4 if c["text"] in CLOSING else c["x1"]
    return "".join(c["text"] for c in page.chars if c["text"].strip()
                   and (c["x0"] < x0 + side - 0.5 or right(c) > x1 - side + 0.5))


def test_a_long_word_and_a_wide_table_stay_inside_the_text_block(a5_pdf):
    """The 300-character word ran straight on over the margin and off the page; the twelve short columns,
    each kept on one line, made the table wider than the A5 page (its last three columns cut off at the
    trim); the long address widened its column past the block."""
    text = "".join(c["text"] for page in a5_pdf.pages for c in page.chars)
    assert text.count("x") >= 300 and text.count("题") >= 12 and "学校网站" in text   # (all printed)
    for number, page in enumerate(a5_pdf.pages, start=1):
        assert outside_the_block(page) == "", f"page {number}"


def test_a_table_of_many_short_columns_wraps_them_evenly(a5_pdf):
    """Kept whole while the table was too wide, some short columns pushed the rest down to a character a
    line (列 / 标 / 题 / 0 stacked in a column): now all wrap and share the width, each header two lines."""
    for page in a5_pdf.pages:
        marks = [c for c in page.chars if c["text"] == "标"]
        for mark in marks:
            assert any(c["text"] == "列" and abs(c["top"] - mark["top"]) < 1 and 0 < mark["x0"] - c["x0"] < 1.5 * c["size"]
                       for c in page.chars), "列标题 stacked a character a line"
